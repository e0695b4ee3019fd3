import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isLeakguardError } from '../core/errors.js';
import { createAnalyzer } from '../detect/analyzer.js';
import { builtinRecognizers } from '../detect/presets.js';
import { generateResidentId } from '../synth/cn.js';
import { createSeededRng } from '../synth/rng.js';
import { parseHierarchies } from './config.js';
import {
  ageHierarchy,
  dateHierarchy,
  isGeneralizationOf,
  postcodeHierarchy,
  regionCodeHierarchy,
} from './hierarchy.js';
import { memoryInput, openRowInput } from './input.js';
import { baseNodeTable, evaluateNode, rollUp, searchLattice } from './lattice.js';
import { idBirthHierarchy, residentIdParts } from './quasi.js';
import { anonymizeInput, measureRisk } from './risk.js';
import { classesAt, FrequencyTable, Generalizer } from './table.js';

const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
const dir = mkdtempSync(join(tmpdir(), 'lg-risk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const outPath = (ext = 'csv') => join(dir, `out-${++fileNo}.${ext}`);

describe('hierarchies', () => {
  it('dates go to month, year, decade, then *', () => {
    const h = dateHierarchy();
    expect([0, 1, 2, 3, 4].map((l) => h.generalize('1990-05-17', l))).toEqual([
      '1990-05-17',
      '1990-05',
      '1990',
      '1990-1999',
      '*',
    ]);
    expect(h.generalize('not a date', 2)).toBe('*');
    expect(h.generalize('', 2)).toBe('');
  });

  it('ages go to nested bands', () => {
    const h = ageHierarchy();
    expect([0, 1, 2, 3, 4].map((l) => h.generalize('37', l))).toEqual(['37', '35-39', '30-39', '20-39', '*']);
  });

  it('region codes go to prefecture and province names; partial prefixes to what they determine', () => {
    const h = regionCodeHierarchy();
    expect([0, 1, 2, 3].map((l) => h.generalize('110105', l))).toEqual(['110105', '1101', '北京', '*']);
    expect(h.generalize('110', 1)).toBe('北京');
    expect(h.generalize('990000', 2)).toBe('*');
  });

  it('postcodes keep prefixes', () => {
    const h = postcodeHierarchy();
    expect([1, 2, 3].map((l) => h.generalize('100080', l))).toEqual(['1000**', '10****', '*']);
  });
});

describe('residentIdParts', () => {
  it('derives region, birth date and sex from a clear ID', () => {
    expect(residentIdParts('11010519491231002X')).toEqual({ region: '110105', birth: '1949-12-31', sex: '女' });
  });

  it('derives what a mask leaves', () => {
    expect(residentIdParts('110***********1234')).toEqual({ region: '110', birth: '', sex: '男' });
    expect(residentIdParts('110105********0012')).toEqual({ region: '110105', birth: '', sex: '男' });
    expect(residentIdParts('1101051990********')).toEqual({ region: '110105', birth: '1990', sex: '' });
    expect(residentIdParts('**************1234')).toEqual({ region: '', birth: '', sex: '男' });
    expect(residentIdParts('hello')).toEqual({ region: '', birth: '', sex: '' });
  });

  it('reads legacy 15-digit numbers (19YYMMDD)', () => {
    expect(residentIdParts('110105491231002')).toEqual({ region: '110105', birth: '1949-12-31', sex: '女' });
  });

  it('birth parts generalise by the digits they have', () => {
    const h = idBirthHierarchy();
    expect(h.generalize('1990-05-17', 1)).toBe('1990-05');
    expect(h.generalize('1990', 1)).toBe('1990');
    expect(h.generalize('199*', 2)).toBe('1990-1999');
  });
});

describe('evaluateNode and the lattice', () => {
  it('generalises ages to 5-year bands for k = 2 (hand-computed)', async () => {
    const rows = [
      ['1', '31', 'M'],
      ['2', '33', 'M'],
      ['3', '36', 'F'],
      ['4', '38', 'F'],
    ];
    const r = await anonymizeInput(memoryInput(['id', 'age', 'sex'], rows), {
      analyzer,
      quasi: ['age', 'sex'],
      k: 2,
      maxSuppression: 0,
      output: outPath(),
    });
    expect(r.transformation).toEqual({ age: 'width 5', sex: 'value' });
    expect(r.suppressed.records).toBe(0);
    expect(r.after.k).toBe(2);
    expect(r.metrics.k).toBe(1);
    expect(readFileSync(r.output, 'utf8')).toBe('id,age,sex\n1,30-34,M\n2,30-34,M\n3,35-39,F\n4,35-39,F\n');
    // Discernibility after: 2² + 2² over 4² = 0.5; before: 4 × 1 / 16.
    expect(r.utility.after.discernibility).toBe(0.5);
    expect(r.utility.before.discernibility).toBe(0.25);
  });

  it('suppression within the cap beats generalisation when it loses less', async () => {
    // Nine records of age 30 and one of 90: suppressing the outlier (10%) keeps every age exact.
    const rows = [...Array.from({ length: 9 }, (_, i) => [String(i), '30']), ['9', '90']];
    const r = await anonymizeInput(memoryInput(['id', 'age'], rows), {
      analyzer,
      quasi: ['age'],
      k: 3,
      maxSuppression: 0.1,
      output: outPath(),
    });
    expect(r.transformation).toEqual({ age: 'value' });
    expect(r.suppressed.records).toBe(1);
    expect(r.rowsWritten).toBe(9);
  });

  it('non-uniform entropy loss equals the hand-computed value', () => {
    // ages 31, 33, 36, 38 at 5-year bands: each value is one of two in its band: 4 × log2(2) = 4 bits;
    // maximum: 4 × log2(4) = 8 bits → 0.5.
    const t = new FrequencyTable(['age']);
    for (const a of ['31', '33', '36', '38']) t.add([a]);
    const gen = new Generalizer(t, [ageHierarchy()]);
    const r = evaluateNode(gen, [1], { k: 2, maxSuppression: 0, metric: 'entropy' });
    expect(r.entropyLoss).toBe(0.5);
    expect(r.anonymous).toBe(true);
  });

  it('a node rolled up from a predecessor evaluates exactly as from the base (Flash roll-up)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 99 }), fc.constantFrom('1990-05-17', '1991-06-01', '1990-05-02', 'x')),
          {
            minLength: 1,
            maxLength: 80,
          },
        ),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        (rows, a, b, k) => {
          const t = new FrequencyTable(['age', 'birth']);
          for (const [age, birth] of rows) t.add([String(age), birth]);
          const gen = new Generalizer(t, [ageHierarchy(), dateHierarchy()]);
          const opts = { k, maxSuppression: 0.1, metric: 'entropy' as const };
          const from = rollUp(gen, baseNodeTable(gen), [Math.min(a, 1), Math.min(b, 1)])!;
          const { table: _x, ...direct } = evaluateNode(gen, [a, b], opts);
          const { table: _y, ...rolled } = evaluateNode(gen, [a, b], opts, from);
          expect(rolled).toEqual(direct);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('searchLattice finds the node an exhaustive evaluation of every node finds (pruning is sound)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 99 }),
            fc.constantFrom('1990-05-17', '1991-06-01', '1990-05-02', '1985-01-09', 'x'),
            fc.constantFrom('100080', '100081', '200030'),
            fc.constantFrom('flu', 'cold', 'hiv'),
          ),
          { minLength: 1, maxLength: 60 },
        ),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(0, 0.05, 0.2),
        fc.constantFrom('entropy' as const, 'discernibility' as const),
        fc.constantFrom('distinct' as const, 'entropy' as const),
        (rows, k, l, maxSuppression, metric, lKind) => {
          const t = new FrequencyTable(['age', 'birth', 'zip'], ['dx']);
          for (const [age, birth, zip, dx] of rows) t.add([String(age), birth, zip, dx]);
          const gen = new Generalizer(t, [ageHierarchy(), dateHierarchy(), postcodeHierarchy()]);
          const opts = { k, l, lKind, maxSuppression, metric };
          let best: ReturnType<typeof evaluateNode> | undefined;
          for (let a = 0; a < 5; a++) {
            for (let b = 0; b < 5; b++) {
              for (let c = 0; c < 4; c++) {
                const r = evaluateNode(gen, [a, b, c], opts);
                if (!r.anonymous) continue;
                const key = (x: typeof r) => (metric === 'entropy' ? x.entropyLoss : x.discernibility);
                const h = (x: typeof r) => x.levels.reduce((p, q) => p + q, 0);
                if (!best || key(r) < key(best) - 1e-12 || (Math.abs(key(r) - key(best)) <= 1e-12 && h(r) < h(best)))
                  best = r;
              }
            }
          }
          const found = searchLattice(gen, opts);
          expect(found.best?.levels).toEqual(best?.levels);
          expect(found.evaluated + found.pruned).toBeLessThanOrEqual(found.nodes);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('evaluateNode counts classes, suppression and discernibility as classesAt does (fast and full paths)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 60 }),
            fc.constantFrom('1990-05-17', '1991-06-01', '1990-05-02', 'x'),
            fc.integer({ min: 0, max: 40 }),
          ),
          { minLength: 1, maxLength: 80 },
        ),
        fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(1, 2),
        (rows, levels, k, l, sensitive) => {
          // One sensitive attribute of up to 41 values (above 32: the full path), or two (the full path).
          const t = new FrequencyTable(['age', 'birth'], sensitive === 1 ? ['s'] : ['s', 'u']);
          for (const [age, birth, v] of rows) {
            t.add(
              sensitive === 1 ? [String(age), birth, String(v)] : [String(age), birth, String(v % 3), String(v % 2)],
            );
          }
          const gen = new Generalizer(t, [ageHierarchy(), dateHierarchy()]);
          const r = evaluateNode(gen, levels, { k, l, maxSuppression: 0.1, metric: 'entropy' });
          const classes = classesAt(gen, levels);
          let suppressed = 0;
          let dm = 0;
          for (const c of classes) {
            const bad = c.size < k || c.sensitive.some((h) => h.size < l);
            suppressed += bad ? c.size : 0;
            dm += bad ? c.size * t.records : c.size * c.size;
          }
          expect(r.classes).toBe(classes.length);
          expect(r.suppressed).toBe(suppressed);
          expect(r.discernibility).toBe(dm / (t.records * t.records));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports an unsatisfiable request with its code', async () => {
    const err = await anonymizeInput(memoryInput(['age'], [['30'], ['31']]), {
      analyzer,
      quasi: ['age'],
      k: 5,
      output: outPath(),
    }).catch((e) => e);
    expect(isLeakguardError(err)).toBe(true);
    expect((err as { code: string }).code).toBe('LG_RISK_UNSATISFIABLE');
    expect((err as { spec: { exitCode: number } }).spec.exitCode).toBe(1);
  });
});

describe('measureRisk', () => {
  it('proposes quasi-identifiers from names and content, with a masked resident ID as a bundle', async () => {
    const rng = createSeededRng(7);
    const rows = Array.from({ length: 40 }, (_, i) => {
      const id = generateResidentId(rng, { region: i % 2 ? '110105' : '310101' });
      return [`${id.slice(0, 3)}***********${id.slice(14)}`, i % 3 ? '男' : '女', '100080', 'flu'];
    });
    const r = await measureRisk(memoryInput(['身份证号', '性别', '邮编', '诊断'], rows), { analyzer });
    expect(r.quasiIdentifiers.map((q) => q.name)).toEqual(['身份证号:region', '身份证号:sex', '性别', '邮编']);
    expect(r.sensitive).toEqual(['诊断']);
    expect(r.metrics.records).toBe(40);
    expect(r.metrics.sensitive[0]!.distinctL).toBe(1);
  });

  it('reads CSV files and reports skipped ragged rows', async () => {
    const p = join(dir, 'people.csv');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(p, 'age,sex\n30,M\n30,M\n31\n40,F\n');
    const input = await openRowInput(p);
    const r = await measureRisk(input, { analyzer, quasi: ['age', 'sex'] });
    expect(r.records).toBe(3);
    expect(r.skippedRecords).toBe(1);
    expect(r.metrics.classSizes).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });

  it('writes Parquet and reads it back (Parquet in, Parquet out)', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => [String(i), String(20 + (i % 3)), i % 2 ? 'M' : 'F']);
    const first = outPath('parquet');
    const r = await anonymizeInput(memoryInput(['id', 'age', 'sex'], rows), {
      analyzer,
      quasi: ['age', 'sex'],
      k: 5,
      output: first,
    });
    expect(r.format).toBe('parquet');
    const input = await openRowInput(first);
    expect(input.kind).toBe('parquet');
    expect(input.columns).toEqual(['id', 'age', 'sex']);
    const back = await input.sample(100);
    expect(back.length).toBe(30);
    expect(back[0]).toEqual(['0', '20', 'F']);
    const again = await measureRisk(await openRowInput(first), { analyzer, quasi: ['age', 'sex'] });
    expect(again.metrics.k).toBe(5);
  });

  it('refuses a column the table does not have', async () => {
    const err = await measureRisk(memoryInput(['age'], [['3']]), { analyzer, quasi: ['nope'] }).catch((e) => e);
    expect((err as { code: string }).code).toBe('LG_USAGE');
  });
});

describe('custom hierarchies', () => {
  it('parses maps, bands and prefixes', () => {
    const h = parseHierarchies(
      'hierarchies:\n  job:\n    map:\n      护士: [医疗, 服务业]\n      医生: [医疗, 服务业]\n  zip: { prefix: [3] }\n  pay: { bands: [1000, 5000] }\n',
      'h.yaml',
    );
    expect(h.get('job')!.generalize('护士', 1)).toBe('医疗');
    expect(h.get('job')!.generalize('律师', 1)).toBe('*');
    expect(h.get('zip')!.generalize('100080', 1)).toBe('100***');
    expect(h.get('pay')!.generalize('2500', 2)).toBe('0-4999');
  });

  it('names file, line and field of an error', () => {
    const bad = 'hierarchies:\n  job:\n    map:\n      护士: [医疗, 服务业]\n      医生: [医疗, 其他]\n';
    try {
      parseHierarchies(bad, 'h.yaml');
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('LG_CONFIG_INVALID');
      expect((e as { location: { line: number } }).location.line).toBe(5);
      expect((e as Error).message).toContain('two ancestors');
    }
    try {
      parseHierarchies('hierarchies:\n  pay: { bands: [3, 5] }\n', 'h.yaml');
      expect.unreachable();
    } catch (e) {
      expect((e as { location: { line: number } }).location.line).toBe(2);
    }
  });
});

describe('parseHierarchies robustness', () => {
  it('throws nothing but the project errors on arbitrary input', () => {
    const piece = fc.constantFrom(
      'hierarchies:',
      '\n  ',
      'a:',
      ' map:',
      ' { bands: [',
      '1, 3',
      ']}',
      ' prefix: [2]',
      '护士: [医疗]',
      '-',
      '"',
      '[',
      '{',
      ' date: [year]',
      ' builtin: sex',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(piece, { maxLength: 12 }).map((a) => a.join('')),
        ),
        (text) => {
          try {
            parseHierarchies(text, 'h.yaml');
          } catch (e) {
            expect(isLeakguardError(e)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** Distinct values (or exp of the entropy) of a class's sensitive values. */
function entropyL(values: readonly string[], kind: 'distinct' | 'entropy'): number {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  if (kind === 'distinct') return counts.size;
  let h = 0;
  for (const c of counts.values()) h -= (c / values.length) * Math.log(c / values.length);
  return Math.exp(h);
}

describe('hierarchy properties', () => {
  const date = fc
    .tuple(fc.integer({ min: 1000, max: 2999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
    .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  const anything = fc.oneof(date, fc.integer({ min: -500, max: 500 }).map(String), fc.string({ maxLength: 9 }));

  it('generalisation never invents a value: each level is a cut of the value, a range holding it, or *', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: -10_000, max: 10_000 }), fc.stringMatching(/^[0-9]{1,8}$/), (d, n, code) => {
        const dh = dateHierarchy();
        expect(dh.generalize(d, 1)).toBe(d.slice(0, 7));
        expect(dh.generalize(d, 2)).toBe(d.slice(0, 4));
        const [lo, hi] = dh.generalize(d, 3).split('-').map(Number);
        expect(lo! <= Number(d.slice(0, 4)) && Number(d.slice(0, 4)) <= hi!).toBe(true);
        const ah = ageHierarchy();
        for (let l = 1; l <= 3; l++) {
          const m = /^(-?\d+)-(-?\d+)$/.exec(ah.generalize(String(n), l))!;
          expect(Number(m[1]) <= n && n <= Number(m[2])).toBe(true);
          expect(Number(m[2]) - Number(m[1]) + 1).toBe([5, 10, 20][l - 1]);
        }
        const ph = postcodeHierarchy();
        for (let l = 1; l <= 2; l++) {
          const g = ph.generalize(code, l);
          const kept = g.replace(/\*+$/, '');
          expect(code.startsWith(kept)).toBe(true);
          expect(g.length).toBe(code.length);
        }
        const rh = regionCodeHierarchy();
        const r1 = rh.generalize(code, 1);
        expect(r1 === '*' || code.startsWith(r1) || rh.generalize(code, 2) === r1).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('every level is a function of the level below (what roll-ups and pushdown rely on)', () => {
    const hs = [dateHierarchy(), ageHierarchy(), postcodeHierarchy(), regionCodeHierarchy(), idBirthHierarchy()];
    fc.assert(
      fc.property(fc.array(anything, { minLength: 1, maxLength: 40 }), (values) => {
        for (const h of hs) {
          for (let l = 0; l + 1 < h.labels.length; l++) {
            const up = new Map<string, string>();
            for (const v of values) {
              const a = h.generalize(v, l);
              const b = h.generalize(v, l + 1);
              expect(up.get(a) ?? b).toBe(b);
              up.set(a, b);
            }
          }
          for (const v of values) expect(h.generalize(v, h.labels.length - 1)).toBe(v === '' ? '' : '*');
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('anonymizeInput properties', () => {
  const row = fc.tuple(
    fc.integer({ min: 0, max: 99 }),
    fc.constantFrom('M', 'F'),
    fc.constantFrom('100080', '100081', '200030', '310002', '518000'),
    fc.constantFrom('flu', 'cold', 'hiv', 'asthma'),
  );
  it('every output is k-anonymous and l-diverse, never invents values, and suppresses under the cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(0, 0.05, 0.2),
        fc.constantFrom('entropy' as const, 'discernibility' as const),
        fc.constantFrom('distinct' as const, 'entropy' as const),
        async (data, k, l, cap, metric, lKind) => {
          const rows = data.map((r, i) => [String(i), String(r[0]), r[1], r[2], r[3]]);
          const out = outPath();
          let report: Awaited<ReturnType<typeof anonymizeInput>>;
          try {
            report = await anonymizeInput(memoryInput(['id', 'age', 'sex', 'zip', 'diagnosis'], rows), {
              analyzer,
              quasi: ['age', 'sex', 'zip'],
              sensitive: ['diagnosis'],
              k,
              l,
              lKind,
              maxSuppression: cap,
              metric,
              output: out,
              sampleRows: 5,
            });
          } catch (e) {
            // Unsatisfiable exactly when even one class of everything fails.
            expect((e as { code: string }).code).toBe('LG_RISK_UNSATISFIABLE');
            expect(
              rows.length < k ||
                entropyL(
                  rows.map((r) => r[4]!),
                  lKind,
                ) <
                  l - 1e-9,
            ).toBe(true);
            return;
          }
          const written = (await (await openRowInput(out, { header: true })).sample(1e6)) as string[][];
          expect(written.length).toBe(report.rowsWritten);
          expect(rows.length - written.length).toBeLessThanOrEqual(Math.floor(cap * rows.length + 1e-9));
          const classes = new Map<string, { n: number; d: string[] }>();
          const hs = [ageHierarchy(), null, postcodeHierarchy()];
          for (const w of written) {
            const orig = rows[Number(w[0])]!;
            expect(w[4]).toBe(orig[4]);
            expect(isGeneralizationOf(hs[0]!, orig[1]!, w[1]!)).toBe(true);
            expect(w[2] === orig[2] || w[2] === '*').toBe(true);
            expect(isGeneralizationOf(hs[2]!, orig[3]!, w[3]!)).toBe(true);
            const key = `${w[1]}|${w[2]}|${w[3]}`;
            const c = classes.get(key) ?? { n: 0, d: [] };
            c.n++;
            c.d.push(w[4]!);
            classes.set(key, c);
          }
          for (const c of classes.values()) {
            expect(c.n).toBeGreaterThanOrEqual(k);
            expect(entropyL(c.d, lKind)).toBeGreaterThanOrEqual(l - 1e-9);
          }
          expect(report.suppressed.records).toBe(rows.length - written.length);
          expect(report.suppressed.records).toBeLessThanOrEqual(report.suppressed.cap);
        },
      ),
      { numRuns: 60 },
    );
  });
});
