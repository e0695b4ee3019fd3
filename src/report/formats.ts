/**
 * Machine and ticket formats of the report: JSON, SARIF 2.1.0 (code-scanning UIs), Markdown.
 */
import type { AssetRecord } from '../catalog/catalog.js';
import { ENTITY_TYPE_NAMES, ENTITY_TYPES } from '../core/entity-types.js';
import { sarifLevel } from '../scan/grading.js';
import { formatLoc, PEOPLE_NOTE } from './html.js';
import { type ReportModel, rankedAssets } from './model.js';

/**
 * An asset as the JSON outputs show it (`scan --json`, the JSON report): its URI, kind, types with counts,
 * people, sensitivity and grade.
 *
 * @example
 * assetSummary(asset) // { uri: 'file:///data/users.csv', kind: 'csv', types: { CN_MOBILE: 40 }, people: 40, … }
 */
export function assetSummary(a: AssetRecord) {
  return { uri: a.asset, kind: a.kind, types: a.types, people: a.people, sensitive: a.sensitive, grade: a.grade };
}

/** The report as JSON (the same data as the HTML page). */
export function renderJson(model: ReportModel): string {
  return `${JSON.stringify(
    {
      tool: model.tool,
      generatedAt: model.generatedAt,
      run: model.run,
      previousRun: model.previousRun ? { id: model.previousRun.id, startedAt: model.previousRun.startedAt } : null,
      totals: model.totals,
      assets: rankedAssets(model).map((a) => ({ ...assetSummary(a), detail: a.detail })),
      changes: model.changes,
      problems: model.problems,
    },
    null,
    2,
  )}\n`;
}

/** A `file:` asset URI as a SARIF artifact URI; other assets stay as they are. */
function artifactUri(asset: string): string {
  return asset.startsWith('file:') ? asset.replace(/^file:\/*/, 'file:///') : asset;
}

/**
 * SARIF 2.1.0: one rule per entity type, one result per (asset, type) with the masked samples as locations.
 *
 * @example
 * writeFileSync('leakguard.sarif', renderSarif(model));
 */
export function renderSarif(model: ReportModel): string {
  const rules = ENTITY_TYPE_NAMES.map((t) => ({
    id: t,
    name: t,
    shortDescription: { text: ENTITY_TYPES[t].description },
    properties: { tags: ['privacy', 'pii', ...(ENTITY_TYPES[t].sensitive ? ['pipl-sensitive'] : [])] },
  }));
  const ruleIndex = new Map<string, number>(ENTITY_TYPE_NAMES.map((t, i) => [t, i]));
  const results = [];
  for (const a of rankedAssets(model)) {
    for (const [type, count] of Object.entries(a.types)) {
      const samples = a.detail.samples.filter((s) => s.type === type);
      const locations = (samples.length > 0 ? samples : [null]).map((s) => {
        const region = s?.loc.line !== undefined ? { region: { startLine: s.loc.line } } : {};
        return {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(s?.loc.entry ? `${a.asset}!/${s.loc.entry}` : a.asset) },
            ...region,
          },
          ...(s && !s.loc.line ? { logicalLocations: [{ name: formatLoc(s.loc), kind: 'member' }] } : {}),
        };
      });
      results.push({
        ruleId: type,
        ...(ruleIndex.has(type) ? { ruleIndex: ruleIndex.get(type) } : {}),
        level: sarifLevel(a.grade, model.grading),
        message: {
          text: `${count} × ${type} in ${a.asset} (grade ${a.grade}${a.sensitive ? ', sensitive personal information' : ''}; about ${a.people} people). Samples: ${samples.map((s) => s.preview).join(', ') || 'none kept'}`,
        },
        locations,
        partialFingerprints: { 'leakguard/asset-type': `${a.asset}#${type}` },
        properties: { count, grade: a.grade, people: a.people },
      });
    }
  }
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'leakguard',
            version: model.tool.version,
            informationUri: 'https://example.invalid/leakguard',
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: model.run.status === 'done',
            startTimeUtc: model.run.startedAt,
            ...(model.run.finishedAt ? { endTimeUtc: model.run.finishedAt } : {}),
          },
        ],
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function mdEscape(s: string): string {
  return s.replace(/[|\\`*_<>]/g, (c) => `\\${c}`);
}

/** Markdown for a ticket. */
export function renderMarkdown(model: ReportModel): string {
  const t = model.totals;
  const lines: string[] = [];
  lines.push(`# leakguard report — run ${model.run.id}`, '');
  lines.push(
    `Scanned ${model.run.sources.map(mdEscape).join(', ')} at ${model.run.startedAt}. Values are masked; hashes are keyed.`,
    '',
  );
  lines.push(
    `- **${t.findings}** findings in **${model.assets.length}** assets; about **${t.people}** people at risk (distinct identifiers, each counted once across assets)`,
  );
  lines.push(`- **${t.sensitiveAssets}** assets hold sensitive personal information (PIPL Art. 28)`);
  lines.push(
    `- Grades: ${
      Object.entries(t.grades)
        .map(([g, n]) => `${g} ×${n}`)
        .join(', ') || 'none'
    }`,
  );
  lines.push(
    `- ${model.changes.length} changes since ${model.previousRun ? `run ${model.previousRun.id}` : 'the first run'}; ${model.problems.length} problems`,
    '',
  );
  lines.push('## Findings by type', '', '| Type | Count |', '|---|---:|');
  for (const [type, n] of Object.entries(t.byType).sort((a, b) => b[1] - a[1])) lines.push(`| ${type} | ${n} |`);
  lines.push('', '## Assets', '', '| Grade | Asset | Types | People | Sensitive |', '|---|---|---|---:|---|');
  for (const a of rankedAssets(model)) {
    const types = Object.entries(a.types)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    lines.push(`| ${a.grade} | ${mdEscape(a.asset)} | ${types || '—'} | ${a.people} | ${a.sensitive ? 'yes' : 'no'} |`);
  }
  lines.push('', `People: ${PEOPLE_NOTE}`);
  if (model.changes.length > 0) {
    lines.push('', '## Changes', '', '| Change | Asset | Type | Before | After |', '|---|---|---|---:|---:|');
    for (const c of model.changes)
      lines.push(`| ${c.change} | ${mdEscape(c.asset)} | ${c.type ?? ''} | ${c.before ?? ''} | ${c.after ?? ''} |`);
  }
  if (model.problems.length > 0) {
    lines.push('', '## Problems', '', '| Code | Asset | Location | Message |', '|---|---|---|---|');
    for (const p of model.problems.slice(0, 200))
      lines.push(
        `| ${p.code} | ${mdEscape(p.asset)} | ${p.loc ? mdEscape(formatLoc(p.loc)) : ''} | ${mdEscape(p.message)} |`,
      );
  }
  return `${lines.join('\n')}\n`;
}
