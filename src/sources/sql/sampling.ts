/**
 * How a table is sampled, per dialect and size.
 *
 * Discovery asks "which columns hold personal data, and how much", not for unbiased statistics, so a sample has
 * to be spread over the table and cheap on a production database. The choices:
 *
 * - **Tables up to `randomSampleMaxRows` (default 1,000,000 estimated rows), every dialect**:
 *   `ORDER BY random() LIMIT n` (MySQL `RAND()`). A uniform sample; the cost is one scan and a top-n heap
 *   (memory O(n)), about a second at the cap. Also used when the planner has no estimate.
 * - **Bigger PostgreSQL tables**: `TABLESAMPLE SYSTEM (p)` with `p` chosen to return about 3·n rows, then
 *   `ORDER BY random() LIMIT n`. SYSTEM reads whole random pages, so the cost follows the sample, not the table;
 *   rows of one page are correlated (inserted together), which the 3× oversampling over many pages dilutes.
 *   BERNOULLI would be row-level uniform but reads every page — a full scan, which is what we avoid here. When the
 *   estimate was stale and too few rows came back, the percentage is raised tenfold once.
 * - **Bigger MySQL/MariaDB and SQLite tables with an integer leading key (or SQLite's `rowid`)**: key probes.
 *   `min`/`max` of the key come from the index ends; n/10 random points in that span each read the next 10 rows
 *   by key (`WHERE k >= ? ORDER BY k LIMIT 10`). Index seeks only. Rows after gaps in the key are likelier to be
 *   picked; clusters of 10 are adjacent rows. Neither database has TABLESAMPLE.
 * - **Bigger MySQL/MariaDB tables without an integer key**: `ORDER BY RAND() LIMIT n` anyway — a full scan,
 *   bounded by the statement timeout.
 * - **Reproducible**: every random choice is seeded from the unit id (and `sampleSeed`), so scanning an unchanged
 *   table twice reads the same rows and reports the same findings instead of churning the catalog; change
 *   `sampleSeed` to draw another sample.
 * - **Any strategy that hits the statement timeout** falls back to the first n rows in key order (or physical
 *   order), reported as a `sample-fallback` problem, so a huge table still gets scanned a little.
 */
import type { KeyColumn, SqlDialect, TableInfo } from './types.js';

/** A sampling plan for one table. */
export type SampleStrategy =
  | { kind: 'random' }
  | { kind: 'tablesample'; percent: number }
  | { kind: 'probe'; key: KeyColumn; probes: number; perProbe: number }
  | { kind: 'first' };

/** Rows read per key probe. */
export const ROWS_PER_PROBE = 10;

/**
 * Choose the sampling strategy for `n` rows of `table` (see the module comment for why).
 *
 * @example
 * chooseSampleStrategy(postgres, { …, estimatedRows: 50_000_000 }, 1000, 1_000_000) // { kind: 'tablesample', percent: 0.006 }
 */
export function chooseSampleStrategy(
  dialect: SqlDialect,
  table: Pick<TableInfo, 'estimatedRows' | 'key'>,
  n: number,
  randomSampleMaxRows: number,
): SampleStrategy {
  const est = table.estimatedRows;
  if (est === undefined || est <= randomSampleMaxRows) return { kind: 'random' };
  if (dialect.tableSample) return { kind: 'tablesample', percent: samplePercent(n, est) };
  const lead = table.key[0];
  if (lead?.integer) {
    return { kind: 'probe', key: lead, probes: Math.ceil(n / ROWS_PER_PROBE), perProbe: ROWS_PER_PROBE };
  }
  return { kind: 'random' };
}

/** The TABLESAMPLE percentage returning about 3·n of `estimatedRows` rows, within [0.0001, 100]. */
export function samplePercent(n: number, estimatedRows: number): number {
  const p = (300 * n) / Math.max(1, estimatedRows);
  // Rounded to 4 significant digits so the statement text stays short and stable.
  return Math.min(100, Math.max(0.0001, Number(p.toPrecision(4))));
}

/**
 * A seeded pseudo-random generator of floats in [0, 1) (mulberry32): samples are reproducible for a seed, and the
 * sample is for discovery, not security.
 *
 * @example
 * const rand = seededRandom(42); rand() // 0.6011037519201636 (always, for seed 42)
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random integer in [lo, hi] (bigint, so 64-bit keys work), drawn from `rand`. */
export function randomBetween(lo: bigint, hi: bigint, rand: () => number): bigint {
  if (hi <= lo) return lo;
  const span = hi - lo + 1n;
  if (span <= BigInt(Number.MAX_SAFE_INTEGER)) return lo + BigInt(Math.floor(rand() * Number(span)));
  // 96 random bits reduced modulo the span: the bias is below 2^-32 for any 64-bit span.
  const word = () => BigInt(Math.floor(rand() * 2 ** 32));
  const wide = (((word() << 32n) | word()) << 32n) | word();
  return lo + (wide % span);
}

/**
 * The sampling seed of a unit: a 31-bit hash of its id and the user's `sampleSeed`, so each table gets its own
 * stable sample and a new `sampleSeed` draws a new one.
 */
export function unitSeed(unitId: string, sampleSeed: number): number {
  let h = 0x811c9dc5 ^ sampleSeed;
  for (let i = 0; i < unitId.length; i++) {
    h ^= unitId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7fffffff;
}
