import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mysqlDialect } from '../mysql/mysql-source.js';
import { postgresDialect } from '../postgres/postgres-source.js';
import { chooseSampleStrategy, randomBetween, samplePercent, seededRandom, unitSeed } from './sampling.js';

const intKey = { name: 'id', expr: 'id', ref: 'id', integer: true };
const textKey = { name: 'code', expr: 'code', ref: 'code', integer: false };

describe('chooseSampleStrategy', () => {
  it('`chooseSampleStrategy` picks ORDER BY random for small or unknown tables, TABLESAMPLE or probes for big ones', () => {
    expect(chooseSampleStrategy(postgresDialect, { key: [intKey], estimatedRows: 500 }, 100, 1000)).toEqual({
      kind: 'random',
    });
    expect(chooseSampleStrategy(postgresDialect, { key: [] }, 100, 1000)).toEqual({ kind: 'random' });
    expect(chooseSampleStrategy(postgresDialect, { key: [], estimatedRows: 50_000_000 }, 1000, 1_000_000)).toEqual({
      kind: 'tablesample',
      percent: 0.006,
    });
    expect(
      chooseSampleStrategy(mysqlDialect, { key: [intKey], estimatedRows: 5_000_000 }, 1000, 1_000_000),
    ).toMatchObject({ kind: 'probe', probes: 100, perProbe: 10 });
    expect(chooseSampleStrategy(mysqlDialect, { key: [textKey], estimatedRows: 5_000_000 }, 1000, 1_000_000)).toEqual({
      kind: 'random',
    });
  });

  it('`samplePercent` stays within (0, 100] for any table size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 2 ** 40 }), (n, rows) => {
        const p = samplePercent(n, rows);
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThanOrEqual(100);
      }),
    );
  });
});

describe('seededRandom / randomBetween / unitSeed', () => {
  it('`seededRandom` repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(xs[0]).toBe(0.6011037519201636);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('`randomBetween` stays within the bounds for any 64-bit range', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n }),
        fc.bigInt({ min: 0n, max: 2n ** 64n }),
        fc.integer(),
        (lo, span, seed) => {
          const v = randomBetween(lo, lo + span, seededRandom(seed));
          expect(v >= lo && v <= lo + span).toBe(true);
        },
      ),
    );
  });

  it('`unitSeed` is a stable 31-bit seed that changes with the unit and the sample seed', () => {
    expect(unitSeed('postgres://h:5432/d/public.users#sample', 0)).toBe(
      unitSeed('postgres://h:5432/d/public.users#sample', 0),
    );
    expect(unitSeed('a', 0)).not.toBe(unitSeed('b', 0));
    expect(unitSeed('a', 0)).not.toBe(unitSeed('a', 1));
    fc.assert(
      fc.property(fc.string(), fc.nat(), (id, s) => {
        const v = unitSeed(id, s);
        expect(Number.isInteger(v) && v >= 0 && v < 2 ** 31).toBe(true);
      }),
    );
  });
});
