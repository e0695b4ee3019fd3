import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import { createAnalyzer } from '../detect/analyzer.js';
import { defineRecognizer, Trigger } from '../detect/recognizer.js';
import { type GradingConfig, parseGrading } from '../scan/grading.js';
import { runScan } from '../scan/scan.js';
import { createMemorySource } from '../sources/memory.js';
import { renderJson, renderMarkdown, renderSarif } from './formats.js';
import { renderHtml } from './html.js';
import { loadReportModel } from './model.js';

const fake = defineRecognizer({
  id: 'fake',
  entities: ['CN_MOBILE'],
  triggers: Trigger.DIGIT,
  examples: { match: ['a', 'b', 'c'], noMatch: ['d', 'e', 'f'] },
  match(text, pos, ctx) {
    if (ctx.runEnd - pos === 11 && text[pos] === '1')
      ctx.emit({ type: 'CN_MOBILE', start: pos, end: ctx.runEnd, score: 0.9, recognizer: 'fake' });
  },
});

async function model(grading?: GradingConfig) {
  const catalog = await Catalog.open(join(mkdtempSync(join(tmpdir(), 'lgr-')), 'c.db'));
  const source = createMemorySource({
    '<script>alert(1)</script>.txt': { text: 'call 13812345678\nor 13900001111' },
    'crm.csv': { records: [{ phone: '13812345678' }, { phone: '13712345678' }] },
  });
  await runScan([{ id: 'mem:', source }], {
    catalog,
    analyzer: createAnalyzer({ recognizers: [fake] }),
    hashKey: new Uint8Array(32),
    ...(grading ? { grading } : {}),
  });
  return { catalog, m: await loadReportModel(catalog, { version: '0.0.0-test' }) };
}

describe('reports', () => {
  it('renderHtml is self-contained, escapes untrusted names and never holds raw values', async () => {
    const { m, catalog } = await model();
    const html = renderHtml(m);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;.txt');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).not.toContain('13812345678');
    expect(html).toContain('138****5678');
    for (const id of ['chart-types', 'chart-assets', 'chart-grades', 'chart-people', 'chart-changes'])
      expect(html).toContain(`id="${id}"`);
    await catalog.close();
  });

  it('renderSarif emits SARIF 2.1.0 with one result per asset and type', async () => {
    const { m, catalog } = await model();
    const sarif = JSON.parse(renderSarif(m));
    expect(sarif.version).toBe('2.1.0');
    const results = sarif.runs[0].results;
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ ruleId: 'CN_MOBILE', level: 'warning' });
    expect(sarif.runs[0].tool.driver.rules.some((r: { id: string }) => r.id === 'CN_RESIDENT_ID')).toBe(true);
    expect(JSON.stringify(sarif)).not.toContain('13812345678');
    await catalog.close();
  });

  it('renderSarif maps levels from the grading config, also when the report is made without it', async () => {
    const grading = parseGrading(
      [
        'grades:',
        '  - { grade: RED, rank: 3 }',
        '  - { grade: AMBER, rank: 2, sarif: error }',
        '  - { grade: GREEN, rank: 1 }',
        'rules:',
        '  - { grade: AMBER, when: { anyPersonal: true } }',
        '  - { grade: GREEN, when: {} }',
      ].join('\n'),
      'g.yaml',
    );
    const { m, catalog } = await model(grading);
    expect(m.grading).toEqual(grading);
    const results = JSON.parse(renderSarif(m)).runs[0].results;
    expect(results.map((r: { level: string; properties: { grade: string } }) => [r.properties.grade, r.level])).toEqual(
      [
        ['AMBER', 'error'],
        ['AMBER', 'error'],
      ],
    );
    await catalog.close();
  });

  it('totals count a person found in two assets once; each asset keeps its own estimate', async () => {
    const { m, catalog } = await model();
    // 13812345678 is in both assets: 2 + 2 per asset, 3 distinct.
    expect(m.assets.map((a) => a.people)).toEqual([2, 2]);
    expect(m.totals.people).toBe(3);
    expect(renderMarkdown(m)).toContain(
      'about **3** people at risk (distinct identifiers, each counted once across assets)',
    );
    expect(renderHtml(m)).toMatch(/<b>3<\/b><span>people at risk \(distinct identifiers/);
    await catalog.close();
  });

  it('renderJson and renderMarkdown carry the same totals', async () => {
    const { m, catalog } = await model();
    const json = JSON.parse(renderJson(m));
    expect(json.totals).toMatchObject({ findings: 4, byType: { CN_MOBILE: 4 } });
    expect(json.assets.map((a: { uri: string }) => a.uri).sort()).toEqual([
      'mem:/<script>alert(1)</script>.txt',
      'mem:/crm.csv',
    ]);
    const md = renderMarkdown(m);
    expect(md).toContain('| CN_MOBILE | 4 |');
    expect(md).toContain('\\<script\\>');
    await catalog.close();
  });

  it('loadReportModel fails with a clear error on an empty catalog', async () => {
    const catalog = await Catalog.open(join(mkdtempSync(join(tmpdir(), 'lgr-')), 'c.db'));
    await expect(loadReportModel(catalog, { version: 'x' })).rejects.toThrow(/no finished scan yet/);
    await catalog.close();
  });
});
