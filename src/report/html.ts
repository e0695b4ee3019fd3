/**
 * A self-contained HTML report: no scripts from the network, no external styles or fonts; charts are inline
 * SVG. Every piece of text from the catalog is HTML-escaped (asset names and field names come from scanned
 * systems and are untrusted).
 */
import { ENTITY_TYPES, isEntityType } from '../core/entity-types.js';
import type { FragmentLocation } from '../sources/source.js';
import { type ReportModel, rankedAssets } from './model.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML element and attribute content. */
export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ESC[c]!);
}

const PALETTE = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#d97706',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#65a30d',
  '#ea580c',
  '#4f46e5',
];
const GRADE_COLOR: Record<string, string> = { L4: '#7f1d1d', L3: '#dc2626', L2: '#d97706', L1: '#16a34a' };

/** A horizontal bar chart as inline SVG. */
export function barChart(
  id: string,
  title: string,
  rows: readonly { label: string; value: number; color?: string }[],
): string {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const barH = 22;
  const labelW = 230;
  const width = 720;
  const height = Math.max(1, rows.length) * (barH + 6) + 10;
  const bars = rows
    .map((r, i) => {
      const y = 5 + i * (barH + 6);
      const w = Math.max(1, Math.round(((width - labelW - 70) * r.value) / max));
      const color = r.color ?? PALETTE[i % PALETTE.length]!;
      return `<g class="bar"><text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${esc(r.label)}</text><rect x="${labelW}" y="${y}" width="${w}" height="${barH}" fill="${color}" rx="3"><title>${esc(r.label)}: ${r.value}</title></rect><text x="${labelW + w + 6}" y="${y + 15}">${r.value.toLocaleString('en-US')}</text></g>`;
    })
    .join('');
  const empty = rows.length === 0 ? `<text x="10" y="20">no data</text>` : '';
  return `<figure class="chart" id="${esc(id)}"><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="100%" height="${height}" xmlns="http://www.w3.org/2000/svg">${bars}${empty}</svg></figure>`;
}

function typeLabel(t: string): string {
  return isEntityType(t) && ENTITY_TYPES[t].sensitive ? `${t} ⚠` : t;
}

/** What the people figures count, in the words the reports use. */
export const PEOPLE_NOTE =
  'People are estimated from identifiers (resident ID, phone, e-mail, bank card, passport…): the distinct values of the most frequent identifying type, by a HyperLogLog sketch of keyed hashes. A person found in several assets counts once in the total; people with no identifier (a name alone) are not counted.';

/**
 * Render the HTML report.
 *
 * @example
 * writeFileSync('report.html', renderHtml(await loadReportModel(catalog, { version })));
 */
export function renderHtml(model: ReportModel, extraSections: readonly string[] = []): string {
  const { totals, run } = model;
  const assets = rankedAssets(model);
  const typeRows = Object.entries(totals.byType)
    .sort((a, b) => b[1] - a[1])
    .map(([t, n]) => ({ label: typeLabel(t), value: n }));
  const assetRows = assets
    .map((a) => ({
      label: shortAsset(a.asset),
      value: Object.values(a.types).reduce((x, y) => x + y, 0),
      color: GRADE_COLOR[a.grade] ?? '#2563eb',
    }))
    .filter((r) => r.value > 0)
    .slice(0, 20);
  const gradeRows = model.grading.grades
    .slice()
    .sort((a, b) => b.rank - a.rank)
    .map((g) => ({
      label: `${g.grade} ${g.label}`,
      value: totals.grades[g.grade] ?? 0,
      color: GRADE_COLOR[g.grade] ?? '#64748b',
    }));
  const peopleRows = assets
    .filter((a) => a.people > 0)
    .sort((a, b) => b.people - a.people)
    .slice(0, 15)
    .map((a) => ({ label: shortAsset(a.asset), value: a.people, color: GRADE_COLOR[a.grade] ?? '#2563eb' }));
  const changeCounts = new Map<string, number>();
  for (const c of model.changes) changeCounts.set(c.change, (changeCounts.get(c.change) ?? 0) + 1);
  const changeRows = [...changeCounts.entries()].map(([k, v]) => ({ label: k, value: v }));

  const assetTable = assets
    .map((a) => {
      const types = Object.entries(a.types)
        .sort((x, y) => y[1] - x[1])
        .map(
          ([t, n]) =>
            `<span class="tag${isEntityType(t) && ENTITY_TYPES[t].sensitive ? ' sens' : ''}">${esc(t)} ${n}</span>`,
        )
        .join(' ');
      const fields = a.detail.fields
        .map(
          (f) =>
            `<li><code>${esc(f.field)}</code> → <b>${esc(f.type)}</b> (${Math.round(f.confidence * 100)}%; ${f.evidence.hits}/${f.evidence.nonEmpty} values${f.evidence.nameHint ? `, name suggests ${esc(f.evidence.nameHint)}` : ''})</li>`,
        )
        .join('');
      const samples = a.detail.samples
        .map(
          (s) =>
            `<li><code>${esc(s.preview)}</code> ${esc(s.type)} at ${esc(formatLoc(s.loc))} <span class="hash">#${esc(s.hash)}</span></li>`,
        )
        .join('');
      return `<tr class="asset grade-${esc(a.grade)}"><td><span class="grade" style="background:${GRADE_COLOR[a.grade] ?? '#64748b'}">${esc(a.grade)}</span></td><td class="uri">${esc(a.asset)}<details><summary>details</summary>${fields ? `<p>Fields</p><ul>${fields}</ul>` : ''}${samples ? `<p>Masked samples</p><ul>${samples}</ul>` : ''}<p>${esc(a.detail.gradeReasons.join('; '))}</p></details></td><td>${esc(a.kind)}</td><td>${types || '—'}</td><td class="num">${a.people.toLocaleString('en-US')}</td><td>${a.sensitive ? 'yes' : 'no'}</td></tr>`;
    })
    .join('');
  const changeTable = model.changes
    .map(
      (c) =>
        `<tr><td>${esc(c.change)}</td><td class="uri">${esc(c.asset)}</td><td>${esc(c.type ?? '')}</td><td class="num">${c.before ?? ''}</td><td class="num">${c.after ?? ''}</td></tr>`,
    )
    .join('');
  const problemTable = model.problems
    .slice(0, 500)
    .map(
      (p) =>
        `<tr><td>${esc(p.code)}</td><td class="uri">${esc(p.asset)}</td><td>${esc(p.loc ? formatLoc(p.loc) : '')}</td><td>${esc(p.message)}</td></tr>`,
    )
    .join('');
  const summary = run.summary ?? {};
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>leakguard report — run ${run.id}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#0f172a;background:#f8fafc}
header{background:#0f172a;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#cbd5e1}
main{padding:20px 28px;max-width:1200px}section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:16px 20px;margin:0 0 18px}
h2{font-size:17px;margin:0 0 12px}.cards{display:flex;gap:12px;flex-wrap:wrap}.card{flex:1 1 150px;background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px 16px}
.card b{display:block;font-size:24px}.card span{color:#475569}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e2e8f0;vertical-align:top}
th{background:#f1f5f9}.num{text-align:right;font-variant-numeric:tabular-nums}.uri{word-break:break-all}.tag{display:inline-block;background:#e0e7ff;border-radius:4px;padding:1px 6px;margin:1px;font-size:12px}
.tag.sens{background:#fee2e2}.grade{color:#fff;border-radius:4px;padding:2px 8px;font-weight:600}.hash{color:#64748b;font-size:12px}figure{margin:0 0 16px}figcaption{font-weight:600;margin-bottom:6px}
svg text{font-size:12px;fill:#0f172a}.grid{display:grid;grid-template-columns:1fr;gap:8px}@media(min-width:1100px){.grid{grid-template-columns:1fr 1fr}}
details summary{cursor:pointer;color:#2563eb}
</style></head><body>
<header><h1>leakguard — personal information report</h1><p>Run ${run.id} · ${esc(run.startedAt)} · sources: ${esc(run.sources.join(', '))} · generated ${esc(model.generatedAt)} · values are masked; hashes are keyed</p></header>
<main>
<section class="cards" id="totals">
<div class="card"><b>${totals.findings.toLocaleString('en-US')}</b><span>findings</span></div>
<div class="card" title="${esc(PEOPLE_NOTE)}"><b>${totals.people.toLocaleString('en-US')}</b><span>people at risk (distinct identifiers, each counted once across assets; estimate)</span></div>
<div class="card"><b>${model.assets.length}</b><span>assets</span></div>
<div class="card"><b>${totals.sensitiveAssets}</b><span>assets with sensitive PI</span></div>
<div class="card"><b>${model.changes.length}</b><span>changes since ${model.previousRun ? `run ${model.previousRun.id}` : 'start'}</span></div>
<div class="card"><b>${model.problems.length}</b><span>problems</span></div>
</section>
<section><h2>Charts</h2><div class="grid">
${barChart('chart-types', 'Findings by type (⚠ = sensitive under PIPL Art. 28)', typeRows)}
${barChart('chart-assets', 'Findings by asset (colour = grade)', assetRows)}
${barChart('chart-grades', 'Assets by grade', gradeRows)}
${barChart('chart-people', 'People at risk by asset (distinct identifiers, HyperLogLog estimate)', peopleRows)}
${barChart('chart-changes', 'Changes since the previous run', changeRows)}
</div></section>
<section><h2>Assets</h2><table id="assets"><thead><tr><th>Grade</th><th>Asset</th><th>Kind</th><th>Types</th><th>People</th><th>Sensitive</th></tr></thead><tbody>${assetTable || '<tr><td colspan="6">No assets</td></tr>'}</tbody></table></section>
<section><h2>Changes since the previous run</h2><table id="changes"><thead><tr><th>Change</th><th>Asset</th><th>Type</th><th>Before</th><th>After</th></tr></thead><tbody>${changeTable || '<tr><td colspan="5">No changes</td></tr>'}</tbody></table></section>
<section><h2>Problems</h2><table id="problems"><thead><tr><th>Code</th><th>Asset</th><th>Location</th><th>Message</th></tr></thead><tbody>${problemTable || '<tr><td colspan="4">None</td></tr>'}</tbody></table></section>
${extraSections.join('\n')}
<section><h2>Grading rules</h2><ol>${model.grading.rules.map((r) => `<li><b>${esc(r.grade)}</b> when ${esc(JSON.stringify(r.when))} — ${esc(r.reason)}</li>`).join('')}</ol>
<p>Run summary: <code>${esc(JSON.stringify(summary))}</code></p></section>
</main></body></html>
`;
}

/** Chart labels sit in a 230-unit column at 12 px: about 34 characters fit. */
function shortAsset(uri: string): string {
  return uri.length > 34 ? `…${uri.slice(-33)}` : uri;
}

/** `file:line` style location text. */
export function formatLoc(loc: FragmentLocation): string {
  const parts: string[] = [];
  if (loc.entry) parts.push(String(loc.entry));
  if (loc.sheet) parts.push(`sheet ${loc.sheet}`);
  if (loc.page !== undefined) parts.push(`page ${loc.page}`);
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.row !== undefined) parts.push(`row ${loc.row}`);
  if (loc.field !== undefined) parts.push(`field ${loc.field}`);
  if (loc.key !== undefined) parts.push(`key ${loc.key}`);
  return parts.join(', ');
}
