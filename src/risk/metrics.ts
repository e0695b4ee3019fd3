/**
 * Risk metrics over equivalence classes (records sharing every quasi-identifier value), computed in one streaming
 * pass over the classes so a database can hand them over one at a time (`GROUP BY … ORDER BY …`).
 *
 * - k: the smallest class; shares of records in classes of fewer than 2, 5 and 10 records; sample uniqueness.
 * - Re-identification risk under El Emam's attacker models (El Emam & Dankar 2008, "Protecting privacy using
 *   k-anonymity", JAMIA 15(5)): prosecutor (the attacker knows the target is in the data): highest 1/min f_j,
 *   average K/n; journalist (the target is in a population of N): class sizes in the population estimated as
 *   F_j = f_j/π, highest 1/min F_j, average Σ_j f_j/F_j / n; marketer (re-identify as many as possible): the
 *   expected share of records re-identified, K/N (K/n when the data is the population).
 * - Population uniqueness: Pitman and Zayatz (see `estimators.ts`); the Pitman fit is reported when it converges,
 *   Zayatz otherwise.
 * - Per sensitive attribute: distinct l-diversity (fewest distinct values in a class), entropy l-diversity
 *   (smallest exp(H) of a class's value distribution; Machanavajjhala et al. 2007) and t-closeness (largest Earth
 *   Mover's Distance between a class's distribution and the whole table's; Li, Li & Venkatasubramanian 2007):
 *   ordered distance for numeric attributes, equal distance (half the L1 distance) otherwise.
 */
import { pitmanUniques, zayatzUniques } from './estimators.js';

/** A sensitive attribute's value counts (in a class, or in the whole table). */
export type ValueCounts = ReadonlyMap<string, number>;

/** Options of {@link RiskAccumulator}. */
export interface RiskOptions {
  /** Population size N (≥ n). Default: the dataset is the population. */
  population?: number | undefined;
  /** The prosecutor risk above which a record counts as at risk. Default 0.2 (classes of fewer than 5). */
  threshold?: number | undefined;
}

/** Per sensitive attribute results. */
export interface SensitiveMetrics {
  attribute: string;
  /** Fewest distinct values in a class. */
  distinctL: number;
  /** Smallest exp(entropy) of a class (rounded to 3 decimals). */
  entropyL: number;
  /** Largest EMD between a class and the table. */
  t: number;
  /** `ordered` (numeric) or `equal` ground distance. */
  distance: 'ordered' | 'equal';
  /** Distinct values in the whole table. */
  values: number;
}

/** What {@link RiskAccumulator.finish} reports. */
export interface RiskMetrics {
  records: number;
  classes: number;
  /** Smallest class (0 for an empty table). */
  k: number;
  /** Largest class. */
  largestClass: number;
  /** `[size, classes]` pairs, ascending by size. */
  classSizes: [number, number][];
  /** Share of records in classes of fewer than 2, 5 and 10 records. */
  below: { '2': number; '5': number; '10': number };
  sampleUniques: number;
  sampleUniqueness: number;
  population: {
    size: number;
    samplingFraction: number;
    /** Estimated population uniques (headline). */
    uniques: number;
    uniqueness: number;
    estimator: 'none (the data is the population)' | 'pitman' | 'zayatz';
    pitman: { uniques: number; theta: number; alpha: number } | null;
    zayatz: number;
  };
  prosecutor: { highest: number; average: number; recordsAtRisk: number; threshold: number };
  journalist: { highest: number; average: number };
  marketer: number;
  sensitive: SensitiveMetrics[];
}

interface SensitiveState {
  name: string;
  global: Map<string, number>;
  total: number;
  numeric: boolean;
  /** Ordered domain (numeric ascending, or insertion) and index of each value. */
  order: string[];
  index: Map<string, number>;
  distinctL: number;
  entropyL: number;
  t: number;
}

/** A finite number from a value, or NaN. */
function numeric(v: string): number {
  const t = v.trim();
  return t === '' ? Number.NaN : Number(t);
}

function makeSensitive(name: string, global: ValueCounts): SensitiveState {
  let total = 0;
  let isNumeric = global.size > 0;
  for (const [v, c] of global) {
    total += c;
    if (isNumeric && !Number.isFinite(numeric(v))) isNumeric = false;
  }
  const order = [...global.keys()];
  // Ties (`1`, `01`) by text, so the order does not depend on the order values were first seen in.
  if (isNumeric) order.sort((a, b) => numeric(a) - numeric(b) || (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(order.map((v, i) => [v, i]));
  return {
    name,
    global: new Map(global),
    total,
    numeric: isNumeric,
    order,
    index,
    distinctL: Number.POSITIVE_INFINITY,
    entropyL: Number.POSITIVE_INFINITY,
    t: 0,
  };
}

/**
 * Accumulates classes and computes {@link RiskMetrics}.
 *
 * @example
 * const acc = new RiskAccumulator([['diagnosis', tableCounts]]);
 * acc.add(3, [new Map([['flu', 2], ['cold', 1]])]);
 * const m = acc.finish();
 */
export class RiskAccumulator {
  readonly #sizes = new Map<number, number>();
  readonly #sensitive: SensitiveState[];
  readonly #options: RiskOptions;
  #records = 0;
  #classes = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = 0;
  #scratch: Float64Array;

  /** `sensitive`: each attribute's name and its value counts over the whole table. */
  constructor(sensitive: readonly (readonly [string, ValueCounts])[] = [], options: RiskOptions = {}) {
    this.#sensitive = sensitive.map(([name, g]) => makeSensitive(name, g));
    this.#options = options;
    this.#scratch = new Float64Array(Math.max(1, ...this.#sensitive.map((s) => s.order.length)));
  }

  /** Adds one class of `size` records; `hist[i]` is the class's value counts of sensitive attribute i. */
  add(size: number, hist: readonly ValueCounts[] = []): void {
    if (size <= 0) return;
    this.#records += size;
    this.#classes++;
    this.#sizes.set(size, (this.#sizes.get(size) ?? 0) + 1);
    if (size < this.#min) this.#min = size;
    if (size > this.#max) this.#max = size;
    for (let i = 0; i < this.#sensitive.length; i++) {
      const s = this.#sensitive[i]!;
      const h = hist[i];
      if (!h) throw new RangeError(`missing the value counts of sensitive attribute "${s.name}"`);
      this.#addSensitive(s, h, size);
    }
  }

  #addSensitive(s: SensitiveState, h: ValueCounts, size: number): void {
    let distinct = 0;
    let entropy = 0;
    for (const c of h.values()) {
      if (c <= 0) continue;
      distinct++;
      const p = c / size;
      entropy -= p * Math.log(p);
    }
    if (distinct < s.distinctL) s.distinctL = distinct;
    const el = Math.exp(entropy);
    if (el < s.entropyL) s.entropyL = el;
    // EMD against the table's distribution.
    const m = s.order.length;
    if (m <= 1 || s.total === 0) return;
    let d = 0;
    if (s.numeric) {
      const diff = this.#scratch;
      diff.fill(0, 0, m);
      for (const [v, c] of h) {
        const i = s.index.get(v);
        if (i !== undefined) diff[i] = c / size;
      }
      let cum = 0;
      for (let i = 0; i < m; i++) {
        cum += diff[i]! - (s.global.get(s.order[i]!) ?? 0) / s.total;
        d += Math.abs(cum);
      }
      d /= m - 1;
    } else {
      let inClass = 0;
      for (const [v, c] of h) {
        const q = (s.global.get(v) ?? 0) / s.total;
        d += Math.abs(c / size - q);
        inClass += q;
      }
      d += 1 - inClass; // values absent from the class
      d /= 2;
    }
    if (d > s.t) s.t = d;
  }

  /** The metrics of every class added. */
  finish(): RiskMetrics {
    const n = this.#records;
    const K = this.#classes;
    const N = Math.max(n, this.#options.population ?? n);
    const pi = N > 0 ? n / N : 1;
    const threshold = this.#options.threshold ?? 0.2;
    const sizes = [...this.#sizes.entries()].sort((a, b) => a[0] - b[0]);
    let b2 = 0;
    let b5 = 0;
    let b10 = 0;
    let atRisk = 0;
    for (const [s, c] of sizes) {
      if (s < 2) b2 += s * c;
      if (s < 5) b5 += s * c;
      if (s < 10) b10 += s * c;
      if (1 / s > threshold) atRisk += s * c;
    }
    const share = (x: number) => (n > 0 ? x / n : 0);
    const c1 = this.#sizes.get(1) ?? 0;
    // Ascending sizes: the estimators' sums do not depend on the order classes arrived in.
    const bySize = new Map(sizes);
    const zayatz = n > 0 ? zayatzUniques(bySize, pi) : 0;
    const fit = pi < 1 ? pitmanUniques(bySize, n, N) : undefined;
    let estimator: RiskMetrics['population']['estimator'] = 'none (the data is the population)';
    let uniques = c1;
    if (pi < 1) {
      estimator = fit ? 'pitman' : 'zayatz';
      uniques = fit ? fit.uniques : zayatz;
    }
    const k = K > 0 ? this.#min : 0;
    // Journalist: estimated population class sizes F_j = max(f_j, f_j / π).
    const fMin = k > 0 ? Math.max(k, k / pi) : 0;
    return {
      records: n,
      classes: K,
      k,
      largestClass: this.#max,
      classSizes: sizes,
      below: { '2': share(b2), '5': share(b5), '10': share(b10) },
      sampleUniques: c1,
      sampleUniqueness: share(c1),
      population: {
        size: N,
        samplingFraction: pi,
        uniques,
        uniqueness: N > 0 ? uniques / N : 0,
        estimator,
        pitman: fit ? { uniques: fit.uniques, theta: fit.theta, alpha: fit.alpha } : null,
        zayatz,
      },
      prosecutor: { highest: k > 0 ? 1 / k : 0, average: share(K), recordsAtRisk: share(atRisk), threshold },
      journalist: { highest: fMin > 0 ? 1 / fMin : 0, average: share(K * pi) },
      marketer: N > 0 ? K / N : 0,
      sensitive: this.#sensitive.map((s) => ({
        attribute: s.name,
        distinctL: K > 0 ? s.distinctL : 0,
        entropyL: K > 0 ? Math.round(s.entropyL * 1000) / 1000 : 0,
        t: Math.round(s.t * 1e6) / 1e6,
        distance: s.numeric ? 'ordered' : 'equal',
        values: s.order.length,
      })),
    };
  }
}
