/**
 * The frequency table every risk computation works on: one entry per distinct combination of quasi-identifier
 * values and sensitive values, with its record count. Values are dictionary-encoded per attribute, so memory grows
 * with the number of distinct combinations, not with the number of records (a database hands the table over
 * already grouped: `SELECT qi…, s…, COUNT(*) … GROUP BY …`).
 */
import type { Hierarchy } from './hierarchy.js';
import { RiskAccumulator, type RiskMetrics, type RiskOptions } from './metrics.js';

/** A dictionary of one attribute's values. */
export class Dictionary {
  readonly codes = new Map<string, number>();
  readonly values: string[] = [];

  code(v: string): number {
    let c = this.codes.get(v);
    if (c === undefined) {
      c = this.values.length;
      this.codes.set(v, c);
      this.values.push(v);
    }
    return c;
  }
}

/** Grouped records: `entries` rows of `width` codes (quasi-identifiers, then sensitive attributes) and a count. */
export class FrequencyTable {
  readonly qiNames: readonly string[];
  readonly sensitiveNames: readonly string[];
  readonly dicts: Dictionary[];
  readonly width: number;
  #codes: Int32Array;
  #counts: Float64Array;
  #entries = 0;
  #records = 0;
  readonly #index = new Map<string, number>();
  readonly #scratch: number[];

  constructor(qiNames: readonly string[], sensitiveNames: readonly string[] = []) {
    this.qiNames = qiNames;
    this.sensitiveNames = sensitiveNames;
    this.width = qiNames.length + sensitiveNames.length;
    this.dicts = Array.from({ length: this.width }, () => new Dictionary());
    this.#codes = new Int32Array(Math.max(1, this.width) * 1024);
    this.#counts = new Float64Array(1024);
    this.#scratch = new Array(this.width).fill(0);
  }

  get entries(): number {
    return this.#entries;
  }

  get records(): number {
    return this.#records;
  }

  /** The code of attribute `a` in entry `e`. */
  code(e: number, a: number): number {
    return this.#codes[e * this.width + a]!;
  }

  count(e: number): number {
    return this.#counts[e]!;
  }

  /** Adds `count` records with `values` (quasi-identifiers then sensitive attributes, `width` of them). */
  add(values: readonly string[], count = 1): void {
    const w = this.width;
    const s = this.#scratch;
    let key = '';
    for (let a = 0; a < w; a++) {
      const c = this.dicts[a]!.code(values[a] ?? '');
      s[a] = c;
      // Two UTF-16 units per code: cheaper than decimal text, unambiguous at a fixed width.
      key += String.fromCharCode(c & 0xffff, c >>> 16);
    }
    this.#records += count;
    const e = this.#index.get(key);
    if (e !== undefined) {
      this.#counts[e]! += count;
      return;
    }
    const n = this.#entries;
    if ((n + 1) * w > this.#codes.length || n + 1 > this.#counts.length) {
      const codes = new Int32Array(Math.max(this.#codes.length * 2, (n + 1) * w));
      codes.set(this.#codes);
      this.#codes = codes;
      const counts = new Float64Array(this.#counts.length * 2);
      counts.set(this.#counts);
      this.#counts = counts;
    }
    for (let a = 0; a < w; a++) this.#codes[n * w + a] = s[a]!;
    this.#counts[n] = count;
    this.#index.set(key, n);
    this.#entries = n + 1;
  }
}

/** One generalised attribute level: code of each base value, and the generalised values. */
export interface LevelCodes {
  readonly map: Int32Array;
  readonly values: readonly string[];
  /** Records per generalised code. */
  readonly frequency: Float64Array;
}

/** Generalises a table's quasi-identifiers: per attribute and level, codes computed once. */
export class Generalizer {
  readonly table: FrequencyTable;
  readonly hierarchies: readonly Hierarchy[];
  readonly #levels: (LevelCodes | undefined)[][];
  /** Records per base value of each quasi-identifier. */
  readonly #baseFrequency: Float64Array[];
  readonly #up = new Map<number, Int32Array | null>();
  #maxLoss: number | undefined;
  readonly #loss = new Map<number, number>();

  constructor(table: FrequencyTable, hierarchies: readonly Hierarchy[]) {
    if (hierarchies.length !== table.qiNames.length) throw new RangeError('one hierarchy per quasi-identifier');
    this.table = table;
    this.hierarchies = hierarchies;
    this.#levels = hierarchies.map((h) => new Array(h.labels.length).fill(undefined));
    this.#baseFrequency = hierarchies.map((_, q) => {
      const f = new Float64Array(table.dicts[q]!.values.length);
      for (let e = 0; e < table.entries; e++) f[table.code(e, q)]! += table.count(e);
      return f;
    });
  }

  /** Codes of quasi-identifier `q` at `level`. */
  level(q: number, level: number): LevelCodes {
    const cached = this.#levels[q]![level];
    if (cached) return cached;
    const base = this.table.dicts[q]!.values;
    const h = this.hierarchies[q]!;
    const dict = new Dictionary();
    const map = new Int32Array(base.length);
    for (let i = 0; i < base.length; i++) map[i] = dict.code(level === 0 ? base[i]! : h.generalize(base[i]!, level));
    const frequency = new Float64Array(dict.values.length);
    const bf = this.#baseFrequency[q]!;
    for (let i = 0; i < base.length; i++) frequency[map[i]!]! += bf[i]!;
    const out = { map, values: dict.values, frequency };
    this.#levels[q]![level] = out;
    return out;
  }

  /**
   * The map from codes at `level` to codes at `level + 1` of quasi-identifier `q`, or `null` when the hierarchy is
   * not nested there (two values equal at `level` differ above it): then roll-ups must start from the base.
   */
  up(q: number, level: number): Int32Array | null {
    const key = q * 64 + level;
    const cached = this.#up.get(key);
    if (cached !== undefined) return cached;
    const a = this.level(q, level);
    const b = this.level(q, level + 1);
    const map = new Int32Array(a.values.length).fill(-1);
    let ok = true;
    for (let i = 0; i < a.map.length && ok; i++) {
      const from = a.map[i]!;
      const to = b.map[i]!;
      if (map[from] === -1) map[from] = to;
      else if (map[from] !== to) ok = false;
    }
    const out = ok ? map : null;
    this.#up.set(key, out);
    return out;
  }

  /**
   * Non-uniform entropy loss of quasi-identifier `q` at `level` over all records (Gionis & Tassa 2009; as in
   * ARX): Σ over records of −log₂(f(value) / f(generalised value)).
   */
  entropyLoss(q: number, level: number): number {
    const cached = this.#loss.get(q * 64 + level);
    if (cached !== undefined) return cached;
    const lv = this.level(q, level);
    const bf = this.#baseFrequency[q]!;
    let loss = 0;
    for (let i = 0; i < bf.length; i++) {
      const f = bf[i]!;
      if (f > 0) loss -= f * Math.log2(f / lv.frequency[lv.map[i]!]!);
    }
    this.#loss.set(q * 64 + level, loss);
    return loss;
  }

  /** Loss of generalising every record fully (the normaliser of the entropy metric). */
  maxEntropyLoss(): number {
    if (this.#maxLoss !== undefined) return this.#maxLoss;
    let total = 0;
    const n = this.table.records;
    for (let q = 0; q < this.hierarchies.length; q++) {
      for (const f of this.#baseFrequency[q]!) if (f > 0) total -= f * Math.log2(f / n);
    }
    this.#maxLoss = total;
    return total;
  }
}

/** One equivalence class at a node. */
export interface EquivalenceClass {
  /** Generalised quasi-identifier values. */
  readonly values: readonly string[];
  readonly size: number;
  /** Per sensitive attribute, value counts. */
  readonly sensitive: readonly Map<string, number>[];
}

/**
 * The classes of a table generalised to `levels` (one level per quasi-identifier).
 *
 * @example
 * for (const c of classesAt(gen, [0, 1, 0])) console.log(c.size);
 */
export function classesAt(gen: Generalizer, levels: readonly number[]): EquivalenceClass[] {
  const t = gen.table;
  const Q = t.qiNames.length;
  const S = t.sensitiveNames.length;
  const lv = levels.map((l, q) => gen.level(q, l));
  const index = new Map<number | string, number>();
  const out: { values: string[]; size: number; sensitive: Map<string, number>[] }[] = [];
  let radix = 1;
  for (const x of lv) radix *= Math.max(1, x.values.length);
  const numeric = radix < 2 ** 52;
  for (let e = 0; e < t.entries; e++) {
    let key: number | string = numeric ? 0 : '';
    for (let q = 0; q < Q; q++) {
      const c = lv[q]!.map[t.code(e, q)]!;
      if (numeric) key = (key as number) * lv[q]!.values.length + c;
      else key += String.fromCharCode(c & 0xffff, c >>> 16);
    }
    let ci = index.get(key);
    if (ci === undefined) {
      ci = out.length;
      index.set(key, ci);
      out.push({
        values: lv.map((l, q) => l.values[l.map[t.code(e, q)]!]!),
        size: 0,
        sensitive: Array.from({ length: S }, () => new Map<string, number>()),
      });
    }
    const c = out[ci]!;
    const n = t.count(e);
    c.size += n;
    for (let s = 0; s < S; s++) {
      const v = t.dicts[Q + s]!.values[t.code(e, Q + s)]!;
      c.sensitive[s]!.set(v, (c.sensitive[s]!.get(v) ?? 0) + n);
    }
  }
  return out;
}

/** Value counts of sensitive attribute `s` over the whole table (or over the classes kept). */
export function sensitiveCounts(classes: readonly EquivalenceClass[], s: number): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of classes) for (const [v, n] of c.sensitive[s]!) m.set(v, (m.get(v) ?? 0) + n);
  return m;
}

/** Risk metrics of a set of classes. */
export function measureClasses(
  classes: readonly EquivalenceClass[],
  sensitiveNames: readonly string[],
  options: RiskOptions = {},
): RiskMetrics {
  const acc = new RiskAccumulator(
    sensitiveNames.map((name, s) => [name, sensitiveCounts(classes, s)] as const),
    options,
  );
  for (const c of classes) acc.add(c.size, c.sensitive);
  return acc.finish();
}
