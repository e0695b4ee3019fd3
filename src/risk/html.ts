/**
 * The risk section of a report: a self-contained HTML fragment (inline styles, inline SVG, no script, every
 * dynamic string escaped) with the class-size histogram, the risk before and (for anonymisation) after, and the
 * utility lost. Column names come from the data, so they are escaped like everything else; values never appear
 * (the report holds none).
 */
import type { RiskMetrics } from './metrics.js';
import type { AnonymizeReport, RiskReport } from './risk.js';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  );
}

/** Class-size buckets of the histogram: [label, lowest size, highest size]. */
const BUCKETS: readonly [string, number, number][] = [
  ['1', 1, 1],
  ['2', 2, 2],
  ['3–4', 3, 4],
  ['5–9', 5, 9],
  ['10–19', 10, 19],
  ['20–49', 20, 49],
  ['50–99', 50, 99],
  ['100+', 100, Number.POSITIVE_INFINITY],
];

/** Share of records per class-size bucket. */
export function histogram(m: RiskMetrics): { label: string; records: number; share: number }[] {
  return BUCKETS.map(([label, lo, hi]) => {
    let records = 0;
    for (const [size, classes] of m.classSizes) if (size >= lo && size <= hi) records += size * classes;
    return { label, records, share: m.records > 0 ? records / m.records : 0 };
  });
}

function pct(x: number): string {
  return `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
}

function num(x: number): string {
  return Number.isInteger(x) ? x.toLocaleString('en-US') : (Math.round(x * 1000) / 1000).toString();
}

function svgHistogram(title: string, m: RiskMetrics, color: string): string {
  const bars = histogram(m);
  const w = 360;
  const h = 150;
  const bw = w / bars.length;
  let out = `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${w} ${h + 36}" width="${w}" height="${h + 36}" xmlns="http://www.w3.org/2000/svg">`;
  out += `<title>${escapeHtml(title)}</title>`;
  bars.forEach((b, i) => {
    const bh = Math.round(b.share * h);
    const x = Math.round(i * bw + 4);
    out += `<rect x="${x}" y="${h - bh}" width="${Math.round(bw - 8)}" height="${bh}" fill="${color}"><title>${escapeHtml(`${b.label}: ${num(b.records)} records (${pct(b.share)})`)}</title></rect>`;
    out += `<text x="${x + Math.round((bw - 8) / 2)}" y="${h + 14}" font-size="10" text-anchor="middle">${escapeHtml(b.label)}</text>`;
    if (b.share > 0)
      out += `<text x="${x + Math.round((bw - 8) / 2)}" y="${Math.max(10, h - bh - 3)}" font-size="9" text-anchor="middle">${pct(b.share)}</text>`;
  });
  out += `<text x="${w / 2}" y="${h + 32}" font-size="10" text-anchor="middle">class size (records share)</text></svg>`;
  return out;
}

function row(label: string, before: string, after?: string): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(before)}</td>${after === undefined ? '' : `<td>${escapeHtml(after)}</td>`}</tr>`;
}

function riskRows(b: RiskMetrics, a?: RiskMetrics): string {
  const r = (label: string, f: (m: RiskMetrics) => string) => row(label, f(b), a ? f(a) : undefined);
  let out = '';
  out += r('Records', (m) => num(m.records));
  out += r('Equivalence classes', (m) => num(m.classes));
  out += r('k (smallest class)', (m) => num(m.k));
  out += r('Records in classes < 2', (m) => pct(m.below['2']));
  out += r('Records in classes < 5', (m) => pct(m.below['5']));
  out += r('Records in classes < 10', (m) => pct(m.below['10']));
  out += r('Sample uniqueness', (m) => pct(m.sampleUniqueness));
  out += r('Population uniqueness', (m) => `${pct(m.population.uniqueness)} (${m.population.estimator})`);
  out += r('Prosecutor risk: highest / average', (m) => `${pct(m.prosecutor.highest)} / ${pct(m.prosecutor.average)}`);
  out += r('Journalist risk: highest / average', (m) => `${pct(m.journalist.highest)} / ${pct(m.journalist.average)}`);
  out += r('Marketer risk', (m) => pct(m.marketer));
  for (let i = 0; i < b.sensitive.length; i++) {
    const name = b.sensitive[i]!.attribute;
    out += r(`“${name}”: l (distinct / entropy), t`, (m) => {
      const s = m.sensitive[i];
      return s ? `${num(s.distinctL)} / ${num(s.entropyL)}, ${num(s.t)}` : '–';
    });
  }
  return out;
}

function isAnonymize(r: RiskReport): r is AnonymizeReport {
  return 'after' in r && 'transformation' in r;
}

const STYLE =
  'font-family:system-ui,sans-serif;border:1px solid #ccc;border-radius:6px;padding:12px 16px;margin:12px 0;max-width:900px';
const TABLE = 'border-collapse:collapse;font-size:13px;margin:8px 0';

/**
 * Renders the risk section of a report.
 *
 * @example
 * const html = renderRiskSection(await measureRisk(input, { analyzer }));
 */
export function renderRiskSection(report: RiskReport | AnonymizeReport): string {
  const anon = isAnonymize(report) ? report : undefined;
  let h = `<section class="lg-risk" style="${STYLE}">`;
  h += `<h2 style="margin:0 0 8px">Re-identification risk: ${escapeHtml(report.input)}</h2>`;
  h += '<p style="margin:4px 0;font-size:13px">Quasi-identifiers: ';
  h += report.quasiIdentifiers
    .map((q) => `<code>${escapeHtml(q.name)}</code> (${escapeHtml(q.role)}, ${escapeHtml(q.reason)})`)
    .join(', ');
  h += '</p>';
  if (report.sensitive.length > 0) {
    h += `<p style="margin:4px 0;font-size:13px">Sensitive: ${report.sensitive.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}</p>`;
  }
  if (report.directIdentifiers.length > 0) {
    h += `<p style="margin:4px 0;font-size:13px;color:#a00">Direct identifiers present: ${report.directIdentifiers.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}</p>`;
  }
  if (report.unlistedQuasiIdentifiers.length > 0) {
    h += `<p style="margin:4px 0;font-size:13px;color:#a60">Columns that look like quasi-identifiers but were not included: ${report.unlistedQuasiIdentifiers.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}</p>`;
  }
  h += '<div style="display:flex;gap:16px;flex-wrap:wrap">';
  h += `<figure style="margin:0">${svgHistogram('Class sizes before', report.metrics, '#c0392b')}<figcaption style="font-size:12px">${anon ? 'Before' : 'Class sizes'}</figcaption></figure>`;
  if (anon) {
    h += `<figure style="margin:0">${svgHistogram('Class sizes after', anon.after, '#27ae60')}<figcaption style="font-size:12px">After (${escapeHtml(`k=${anon.k}${anon.l > 1 ? `, l=${anon.l}` : ''}`)})</figcaption></figure>`;
  }
  h += '</div>';
  h += `<table style="${TABLE}"><thead><tr><th></th><th scope="col">${anon ? 'Before' : 'Value'}</th>${anon ? '<th scope="col">After</th>' : ''}</tr></thead><tbody>`;
  h += riskRows(report.metrics, anon?.after);
  h += '</tbody></table>';
  if (anon) {
    h += `<h3 style="margin:8px 0 4px;font-size:15px">Transformation and utility lost</h3><table style="${TABLE}"><tbody>`;
    for (const [q, level] of Object.entries(anon.transformation)) h += row(q, level);
    h += row(
      'Records suppressed',
      `${num(anon.suppressed.records)} (${pct(anon.suppressed.share)}; cap ${num(anon.suppressed.cap)})`,
    );
    h += row('Non-uniform entropy lost', pct(anon.utility.after.entropyLoss));
    h += row(
      'Discernibility (normalised)',
      `${num(anon.utility.before.discernibility)} → ${num(anon.utility.after.discernibility)}`,
    );
    h += row('Chosen by', anon.metric === 'entropy' ? 'non-uniform entropy' : 'discernibility');
    if (anon.groupedInDatabaseAt) {
      h += row(
        'Grouped in the database at',
        Object.entries(anon.groupedInDatabaseAt)
          .map(([q, level]) => `${q}: ${level}`)
          .join(', '),
      );
    }
    h += row(
      'Search',
      `${anon.lattice.algorithm}: ${num(anon.lattice.evaluated)} of ${num(anon.lattice.nodes)} nodes evaluated`,
    );
    h += '</tbody></table>';
  }
  h += '</section>';
  return h;
}

/**
 * A standalone HTML page holding the risk section: UTF-8 declared (column names are often Chinese), a Content
 * Security Policy that allows no script and no remote resource, nothing but the escaped section in the body.
 *
 * @example
 * await writeFile('risk.html', renderRiskPage(report));
 */
export function renderRiskPage(report: RiskReport | AnonymizeReport): string {
  const title = `Re-identification risk: ${report.input}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    '</head>',
    `<body style="margin:16px">${renderRiskSection(report)}</body>`,
    '</html>',
    '',
  ].join('\n');
}

/**
 * The JSON form of a report (what `--json` prints): the report itself, versioned.
 *
 * @example
 * JSON.stringify(riskJson(report))
 */
export function riskJson(report: RiskReport | AnonymizeReport): { version: 1 } & (RiskReport | AnonymizeReport) {
  return { version: 1, ...report };
}
