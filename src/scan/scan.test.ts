import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import { SourceError } from '../core/errors.js';
import { createAnalyzer } from '../detect/analyzer.js';
import { defineRecognizer, Trigger } from '../detect/recognizer.js';
import type { Fragment, Problem, Source, Unit } from '../sources/source.js';
import { assetTotals, runScan, type ScanProgress } from './scan.js';

// 11-digit runs starting with 1 stand in for mobiles; 16-digit runs for bank cards (sensitive).
const fake = defineRecognizer({
  id: 'fake',
  entities: ['CN_MOBILE', 'CN_BANK_CARD'],
  triggers: Trigger.DIGIT,
  examples: { match: ['a', 'b', 'c'], noMatch: ['d', 'e', 'f'] },
  match(text, pos, ctx) {
    const len = ctx.runEnd - pos;
    if (len === 11 && text[pos] === '1')
      ctx.emit({ type: 'CN_MOBILE', start: pos, end: ctx.runEnd, score: 0.9, recognizer: 'fake' });
    if (len === 16) ctx.emit({ type: 'CN_BANK_CARD', start: pos, end: ctx.runEnd, score: 0.9, recognizer: 'fake' });
  },
});

type Files = Record<string, { text?: string; rows?: Record<string, string>[]; broken?: boolean; version?: number }>;

function memorySource(files: Files): Source & { reads: string[] } {
  const reads: string[] = [];
  return {
    kind: 'memory',
    reads,
    async *units() {
      for (const [name, f] of Object.entries(files)) {
        const u: Unit = {
          id: `mem:${name}`,
          kind: 'file',
          asset: `mem:/${name}`,
          size: 10,
          fingerprint: { v: f.version ?? 1 },
        };
        yield u;
      }
    },
    async *read(unit: Unit): AsyncGenerator<Fragment | Problem> {
      reads.push(unit.id);
      const f = files[unit.id.slice(4)]!;
      if (f.broken) throw new SourceError('LG_FORMAT_CORRUPT', `Cannot read "${unit.asset}": corrupt`);
      if (f.text !== undefined) yield { text: f.text, loc: { line: 1 } };
      for (const [i, row] of (f.rows ?? []).entries()) {
        for (const [field, text] of Object.entries(row)) yield { text, loc: { row: i + 1, field }, structured: true };
      }
      yield { problem: 'LG_FORMAT_CORRUPT', message: 'row 9: ragged', loc: { row: 9 } };
    },
    async close() {},
  };
}

describe('runScan', () => {
  it('scans, classifies fields, grades, skips unchanged units and records changes', async () => {
    const catalog = await Catalog.open(join(mkdtempSync(join(tmpdir(), 'lgs-')), 'c.db'));
    const analyzer = createAnalyzer({ recognizers: [fake] });
    const files: Files = {
      'a.txt': { text: 'call 13812345678\nor 13900001111' },
      'b.csv': {
        rows: [
          { phone: '13812345678', note: 'x' },
          { phone: '13812345679', note: 'y' },
          { phone: '13812345678', note: '' },
        ],
      },
      'c.bin': { broken: true },
    };
    const src = memorySource(files);
    const opts = { catalog, analyzer, hashKey: new Uint8Array(32).fill(7) };
    const r1 = await runScan([{ id: 'mem:', source: src }], opts);
    expect(r1.summary).toMatchObject({
      assets: 3,
      units: 3,
      unitsRead: 3,
      unitsFailed: 1,
      findings: 5,
      byType: { CN_MOBILE: 5 },
    });
    const b = r1.assets.find((a) => a.asset === 'mem:/b.csv')!;
    expect(b.people).toBe(2);
    expect(b.grade).toBe('L2');
    expect(b.detail.fields).toEqual([
      expect.objectContaining({
        field: 'phone',
        type: 'CN_MOBILE',
        evidence: expect.objectContaining({ hits: 3, nonEmpty: 3 }),
      }),
    ]);
    expect(b.detail.samples[0]).toMatchObject({
      type: 'CN_MOBILE',
      preview: '138****5678',
      loc: { row: 1, field: 'phone' },
    });
    expect(JSON.stringify(r1)).not.toContain('13812345678');
    const a = r1.assets.find((x) => x.asset === 'mem:/a.txt')!;
    expect(a.detail.samples.map((s) => s.loc.line)).toEqual([1, 2]);
    expect(r1.changes.map((c) => c.change)).toEqual(['new-asset', 'new-asset']);
    expect(await catalog.problems(r1.runId)).toEqual(
      expect.arrayContaining([expect.objectContaining({ unitId: 'mem:c.bin', code: 'LG_FORMAT_CORRUPT' })]),
    );

    // Second run: a.txt unchanged (skipped), b.csv grew a card column, c.bin removed.
    src.reads.length = 0;
    files['b.csv'] = {
      version: 2,
      rows: [...files['b.csv']!.rows!, { phone: '13800000000', note: '6222021234567890' }],
    };
    delete files['c.bin'];
    const r2 = await runScan([{ id: 'mem:', source: src }], opts);
    expect(src.reads).toEqual(['mem:b.csv']);
    expect(r2.summary).toMatchObject({ unitsSkipped: 1, unitsRead: 1, unitsRemoved: 1, assets: 2 });
    expect(r2.assets.find((x) => x.asset === 'mem:/b.csv')!.grade).toBe('L3');
    expect(r2.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ asset: 'mem:/b.csv', change: 'grown', type: 'CN_MOBILE', before: 3, after: 4 }),
        expect.objectContaining({ asset: 'mem:/b.csv', change: 'new-type', type: 'CN_BANK_CARD' }),
        expect.objectContaining({ asset: 'mem:/b.csv', change: 'grade-changed', type: 'L2→L3' }),
      ]),
    );
    const full = await runScan([{ id: 'mem:', source: src }], { ...opts, full: true });
    expect(full.summary.unitsSkipped).toBe(0);
    await catalog.close();
  });

  it('runScan carries the problems of an unchanged unit into the next run (summary and catalog)', async () => {
    const catalog = await Catalog.open(join(mkdtempSync(join(tmpdir(), 'lgs-')), 'c.db'));
    const analyzer = createAnalyzer({ recognizers: [fake] });
    // Every unit of memorySource reports a ragged row; c.bin cannot be read at all (failed: always re-read).
    const files: Files = { 'a.txt': { text: 'call 13812345678' }, 'b.txt': { text: 'nothing' } };
    const src = memorySource(files);
    const opts = { catalog, analyzer, hashKey: new Uint8Array(32).fill(7) };
    const r1 = await runScan([{ id: 'mem:', source: src }], opts);
    expect(r1.summary).toMatchObject({ unitsRead: 2, problems: 2 });
    for (let i = 0; i < 2; i++) {
      src.reads.length = 0;
      const r = await runScan([{ id: 'mem:', source: src }], opts);
      expect(src.reads).toEqual([]);
      expect(r.summary).toMatchObject({ unitsSkipped: 2, unitsRead: 0, problems: 2 });
      expect((await catalog.problems(r.runId)).map((p) => [p.unitId, p.code, p.loc])).toEqual([
        ['mem:a.txt', 'LG_FORMAT_CORRUPT', { row: 9 }],
        ['mem:b.txt', 'LG_FORMAT_CORRUPT', { row: 9 }],
      ]);
    }
    // Once the file changes and reads clean, its problem is gone from the next run.
    files['a.txt'] = { text: 'fixed', version: 2 };
    const clean = memorySource(files);
    const fixed = { ...clean, read: (u: Unit) => (u.id === 'mem:a.txt' ? (async function* () {})() : clean.read(u)) };
    const r4 = await runScan([{ id: 'mem:', source: fixed }], opts);
    expect(r4.summary).toMatchObject({ unitsSkipped: 1, unitsRead: 1, problems: 1 });
    expect((await catalog.problems(r4.runId)).map((p) => p.unitId)).toEqual(['mem:b.txt']);
    await catalog.close();
  });

  it('runScan counts a person found in several assets once in the run total, keeping per-asset estimates', async () => {
    const catalog = await Catalog.open(join(mkdtempSync(join(tmpdir(), 'lgs-')), 'c.db'));
    const analyzer = createAnalyzer({ recognizers: [fake] });
    const phones = Array.from({ length: 60 }, (_, i) => `1380000${String(1000 + i)}`);
    const files: Files = {
      'crm.csv': { rows: phones.map((phone) => ({ phone })) },
      'export.txt': { text: phones.join('\n') },
      'backup.csv': { rows: phones.slice(0, 40).map((phone) => ({ phone })) },
    };
    const opts = { catalog, analyzer, hashKey: new Uint8Array(32).fill(7) };
    const r1 = await runScan([{ id: 'mem:', source: memorySource(files) }], opts);
    expect(r1.assets.map((a) => [a.asset, a.people]).sort()).toEqual([
      ['mem:/backup.csv', 40],
      ['mem:/crm.csv', 60],
      ['mem:/export.txt', 60],
    ]);
    expect(assetTotals(r1.assets).people).toBe(160);
    // HyperLogLog with linear counting is exact at this size; allow its ~1 % error anyway.
    expect(Math.abs(r1.summary.people - 60)).toBeLessThanOrEqual(1);
    // An incremental run (every asset unchanged) merges the stored sketches to the same total.
    const r2 = await runScan([{ id: 'mem:', source: memorySource(files) }], opts);
    expect(r2.summary.unitsSkipped).toBe(3);
    expect(r2.summary.people).toBe(r1.summary.people);
    // A new person in one asset adds one.
    files['export.txt'] = { text: `${phones.join('\n')}\n13900009999`, version: 2 };
    const r3 = await runScan([{ id: 'mem:', source: memorySource(files) }], opts);
    expect(r3.summary.people).toBe(r1.summary.people + 1);
    expect((await catalog.run(r3.runId))?.summary?.people).toBe(r3.summary.people);
    await catalog.close();
  });

  it('runScan reports progress in bytes for files and in rows for tables and indices', async () => {
    const catalog = await Catalog.open(join(mkdtempSync(join(tmpdir(), 'lgs-')), 'c.db'));
    const analyzer = createAnalyzer({ recognizers: [fake] });
    const units: Unit[] = [
      { id: 'f', kind: 'file', asset: 'mem:/f', size: 2048, fingerprint: { v: 1 } },
      { id: 't', kind: 'table', asset: 'db:/t', size: 500, fingerprint: { v: 1 } },
      { id: 'i', kind: 'index-slice', asset: 'es:/i', size: 300, fingerprint: { v: 1 } },
    ];
    const source: Source = {
      kind: 'mixed',
      async *units() {
        yield* units;
      },
      async *read() {
        yield { text: 'x', loc: {} };
      },
      async close() {},
    };
    let last: ScanProgress | undefined;
    const onProgress = (p: ScanProgress) => {
      last = { ...p };
    };
    const opts = { catalog, analyzer, hashKey: new Uint8Array(32), onProgress };
    await runScan([{ id: 'mem:', source }], opts);
    expect(last).toMatchObject({ bytesPlanned: 2048, bytesDone: 2048, rowsPlanned: 800, rowsDone: 800 });
    await runScan([{ id: 'mem:', source }], opts);
    expect(last).toMatchObject({ unitsSkipped: 3, bytesDone: 2048, rowsDone: 800 });
    await catalog.close();
  });
});
