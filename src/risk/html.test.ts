import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../detect/analyzer.js';
import { builtinRecognizers } from '../detect/presets.js';
import { ageHierarchy } from './hierarchy.js';
import { escapeHtml, histogram, renderRiskPage, renderRiskSection, riskJson } from './html.js';
import { memoryInput } from './input.js';
import { anonymizeInput, measureRisk } from './risk.js';

const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
const dir = mkdtempSync(join(tmpdir(), 'lg-risk-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EVIL_AGE = '<img src=x onerror=alert(1)>';
const EVIL_DX = 'dx "a" & \'b\'';
/** Ten people: ages 30–34 and 40–44 (five each), one 90-year-old outlier, two diagnoses per band. */
const ROWS = [
  ...[30, 31, 32, 33, 34, 40, 41, 42, 43, 44].map((a, i) => [String(a), i % 2 ? 'flu' : 'cold']),
  ['90', 'flu'],
];

describe('renderRiskSection', () => {
  it('shows the histogram, the risk before and after and the utility lost, with hand-checked figures', async () => {
    const r = await anonymizeInput(memoryInput([EVIL_AGE, EVIL_DX], ROWS, 'people <2026>.csv'), {
      analyzer,
      quasi: [EVIL_AGE],
      hierarchies: new Map([[EVIL_AGE, ageHierarchy()]]),
      sensitive: [EVIL_DX],
      k: 5,
      l: 2,
      maxSuppression: 0.1,
      output: join(dir, 'out.csv'),
    });
    // 5-year bands: {30-34} and {40-44} of five each, the outlier suppressed (1 of 11 ≤ cap 1).
    expect(r.transformation).toEqual({ [EVIL_AGE]: 'width 5' });
    expect(r.suppressed).toEqual({ records: 1, share: 1 / 11, cap: 1 });
    expect(r.metrics.k).toBe(1);
    expect(r.after.k).toBe(5);
    const html = renderRiskSection(r);
    // Escaping: column names and the input name come from the data.
    expect(html).not.toContain('<img');
    expect(html).toContain(escapeHtml(EVIL_AGE));
    expect(html).toContain('dx &quot;a&quot; &amp; &#39;b&#39;');
    expect(html).toContain('people &lt;2026&gt;.csv');
    expect(html).not.toContain('<script');
    // Risk before and after, side by side: k 1 → 5, every record unique before (11 classes of one).
    expect(html).toContain('<th scope="row">k (smallest class)</th><td>1</td><td>5</td>');
    expect(html).toContain('<th scope="row">Sample uniqueness</th><td>100.0%</td><td>0.0%</td>');
    expect(html).toContain('<th scope="row">Equivalence classes</th><td>11</td><td>2</td>');
    // Histograms: before, every record in a class of 1; after, all ten in the 5–9 bucket.
    expect(html).toContain('aria-label="Class sizes before"');
    expect(html).toContain('aria-label="Class sizes after"');
    expect(html).toContain('<title>1: 11 records (100.0%)</title>');
    expect(html).toContain('<title>5–9: 10 records (100.0%)</title>');
    // Utility lost.
    expect(html).toContain('<th scope="row">Records suppressed</th><td>1 (9.1%; cap 1)</td>');
    expect(html).toContain(
      `<th scope="row">Non-uniform entropy lost</th><td>${(Math.round(r.utility.after.entropyLoss * 1000) / 10).toFixed(1)}%</td>`,
    );
    expect(html).toContain(`<th scope="row">${escapeHtml(EVIL_AGE)}</th><td>width 5</td>`);
    // No value of the data appears: neither the ages nor the diagnoses.
    expect(html).not.toMatch(/>(?:3[0-4]|4[0-4]|90|flu|cold)</);
  });

  it('histogram shares add up to the records', async () => {
    const r = await measureRisk(
      memoryInput(
        ['age'],
        ROWS.map((x) => [x[0]!.slice(0, 1)]),
      ),
      { analyzer, quasi: ['age'] },
    );
    const h = histogram(r.metrics);
    expect(h.reduce((a, b) => a + b.records, 0)).toBe(11);
    // Classes: "3" ×5, "4" ×5, "9" ×1.
    expect(h.find((b) => b.label === '1')!.records).toBe(1);
    expect(h.find((b) => b.label === '5–9')!.records).toBe(10);
  });
});

describe('renderRiskPage', () => {
  it('is a standalone UTF-8 page with a script-free policy around the escaped section', async () => {
    const r = await measureRisk(
      memoryInput(
        [EVIL_AGE],
        ROWS.map((x) => [x[0]!]),
      ),
      { analyzer, quasi: [EVIL_AGE] },
    );
    const page = renderRiskPage(r);
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain("default-src 'none'");
    expect(page).toContain(`<title>Re-identification risk: memory</title>`);
    expect(page).toContain(renderRiskSection(r));
    expect(page).not.toContain('<img');
    expect(JSON.parse(JSON.stringify(riskJson(r))).metrics.k).toBe(1);
  });
});
