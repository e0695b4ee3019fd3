/**
 * The frequency table every risk computation works on: one entry per distinct combination of quasi-identifier
 * values and sensitive values, with its record count. Values are dictionary-encoded per attribute, so memory grows
 * with the number of distinct combinations, not with the number of records (a database hands the table over
 * already grouped: `SELECT qi…, s…, COUNT(*) … GROUP BY …`).
 */
import { type Hierarchy, SUPPRESSED } from './hierarchy.js';
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

/**
 * Grouped records: `entries` rows of `width` codes (quasi-identifiers, then sensitive attributes) and a count.
 * Entries are found by an open-addressing hash over their codes, compared in place: no key string per record
 * (string keys were 12 % of the CPU time and most of the garbage at 200,000 rows, bench/risk.mjs).
 */
export class FrequencyTable {
  readonly qiNames: readonly string[];
  readonly sensitiveNames: readonly string[];
  readonly dicts: Dictionary[];
  readonly width: number;
  #codes: Int32Array;
  #counts: Float64Array;
  #entries = 0;
  #records = 0;
  /** Entry index + 1 per slot (0: empty). */
  #slots: Int32Array;
  #mask: number;
  readonly #scratch: Int32Array;

  constructor(qiNames: readonly string[], sensitiveNames: readonly string[] = []) {
    this.qiNames = qiNames;
    this.sensitiveNames = sensitiveNames;
    this.width = qiNames.length + sensitiveNames.length;
    this.dicts = Array.from({ length: this.width }, () => new Dictionary());
    this.#codes = new Int32Array(Math.max(1, this.width) * 1024);
    this.#counts = new Float64Array(1024);
    this.#slots = new Int32Array(2048);
    this.#mask = 2047;
    this.#scratch = new Int32Array(Math.max(1, this.width));
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

  #hash(codes: Int32Array, at: number): number {
    let h = 0x811c9dc5;
    for (let a = 0; a < this.width; a++) {
      h = Math.imul(h ^ codes[at + a]!, 0x01000193);
      h ^= h >>> 15;
    }
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    return h & this.#mask;
  }

  /** Adds `count` records with `values` (quasi-identifiers then sensitive attributes, `width` of them). */
  add(values: readonly string[], count = 1): void {
    const w = this.width;
    const s = this.#scratch;
    for (let a = 0; a < w; a++) s[a] = this.dicts[a]!.code(values[a] ?? '');
    this.#records += count;
    let slot = this.#hash(s, 0);
    const codes = this.#codes;
    for (;;) {
      const v = this.#slots[slot]!;
      if (v === 0) break;
      const at = (v - 1) * w;
      let same = true;
      for (let a = 0; a < w; a++) {
        if (codes[at + a] !== s[a]) {
          same = false;
          break;
        }
      }
      if (same) {
        this.#counts[v - 1]! += count;
        return;
      }
      slot = (slot + 1) & this.#mask;
    }
    const n = this.#entries;
    if ((n + 1) * w > this.#codes.length || n + 1 > this.#counts.length) {
      const grown = new Int32Array(Math.max(this.#codes.length * 2, (n + 1) * w));
      grown.set(this.#codes);
      this.#codes = grown;
      const counts = new Float64Array(this.#counts.length * 2);
      counts.set(this.#counts);
      this.#counts = counts;
    }
    this.#codes.set(s.subarray(0, w), n * w);
    this.#counts[n] = count;
    this.#slots[slot] = n + 1;
    this.#entries = n + 1;
    if (this.#entries * 2 > this.#slots.length) this.#rehash();
  }

  #rehash(): void {
    this.#slots = new Int32Array(this.#slots.length * 2);
    this.#mask = this.#slots.length - 1;
    for (let e = 0; e < this.#entries; e++) {
      let slot = this.#hash(this.#codes, e * this.width);
      while (this.#slots[slot] !== 0) slot = (slot + 1) & this.#mask;
      this.#slots[slot] = e + 1;
    }
  }
}

/** One generalised attribute level: code of each base value, and the generalised values. */
export interface LevelCodes {
  readonly map: Int32Array;
  readonly values: readonly string[];
  /** Records per generalised code. */
  readonly frequency: Float64Array;
}

/**
 * Σ f·log₂ f over frequencies, summed in ascending order of f so two tables holding the same frequencies in a
 * different order (a database's groups, a file's rows) give bit-identical sums.
 */
export function sumFLogF(frequencies: Iterable<number> | ReadonlyMap<number, number>): number {
  const hist = new Map<number, number>();
  if (frequencies instanceof Map) {
    for (const [f, c] of frequencies as ReadonlyMap<number, number>) if (f > 0) hist.set(f, (hist.get(f) ?? 0) + c);
  } else {
    for (const f of frequencies as Iterable<number>) if (f > 0) hist.set(f, (hist.get(f) ?? 0) + 1);
  }
  const keys = [...hist.keys()].sort((a, b) => a - b);
  let total = 0;
  for (const f of keys) total += hist.get(f)! * f * Math.log2(f);
  return total;
}

/** How a table was generalised before it reached memory (generalised-expression pushdown). */
export interface GeneralizerOptions {
  /** Level each quasi-identifier's table values are at (default 0: the original values). */
  baseLevels?: readonly number[] | undefined;
  /**
   * Per quasi-identifier: for each value at its base level, its values at levels base + 1 … top − 1. A quasi-identifier
   * raised without this map holds values its hierarchy generalises (to the base level and above) itself.
   */
  above?: readonly (ReadonlyMap<string, readonly string[]> | undefined)[] | undefined;
  /**
   * Per quasi-identifier raised above level 0: how many original values occur f times (`f → count`), for the
   * non-uniform entropy of the original data.
   */
  originalFrequencies?: readonly (ReadonlyMap<number, number> | undefined)[] | undefined;
}

/** Generalises a table's quasi-identifiers: per attribute and level, codes computed once. */
export class Generalizer {
  readonly table: FrequencyTable;
  readonly hierarchies: readonly Hierarchy[];
  /** Level of the table's values per quasi-identifier (0 unless generalisation was pushed down). */
  readonly baseLevels: readonly number[];
  readonly #levels: (LevelCodes | undefined)[][];
  /** Records per base value of each quasi-identifier. */
  readonly #baseFrequency: Float64Array[];
  readonly #above: readonly (ReadonlyMap<string, readonly string[]> | undefined)[];
  /** Σ f·log₂ f over the original values of each quasi-identifier. */
  readonly #originalFLogF: number[];
  readonly #up = new Map<number, Int32Array | null>();
  #maxLoss: number | undefined;
  readonly #loss = new Map<number, number>();

  constructor(table: FrequencyTable, hierarchies: readonly Hierarchy[], options: GeneralizerOptions = {}) {
    if (hierarchies.length !== table.qiNames.length) throw new RangeError('one hierarchy per quasi-identifier');
    this.table = table;
    this.hierarchies = hierarchies;
    this.baseLevels = hierarchies.map((h, q) => Math.min(h.labels.length - 1, options.baseLevels?.[q] ?? 0));
    this.#above = hierarchies.map((_, q) => options.above?.[q]);
    this.#levels = hierarchies.map((h) => new Array(h.labels.length).fill(undefined));
    this.#baseFrequency = hierarchies.map((_, q) => {
      const f = new Float64Array(table.dicts[q]!.values.length);
      for (let e = 0; e < table.entries; e++) f[table.code(e, q)]! += table.count(e);
      return f;
    });
    this.#originalFLogF = hierarchies.map((_, q) => {
      const given = this.baseLevels[q]! > 0 ? options.originalFrequencies?.[q] : undefined;
      if (this.baseLevels[q]! > 0 && !given) {
        throw new RangeError(`quasi-identifier ${q} is generalised before loading: give its original frequencies`);
      }
      return sumFLogF(given ?? this.#baseFrequency[q]!);
    });
  }

  /** Codes of quasi-identifier `q` at `level` (a level below the base is the base). */
  level(q: number, level: number): LevelCodes {
    const lvl = Math.max(level, this.baseLevels[q]!);
    const cached = this.#levels[q]![lvl];
    if (cached) return cached;
    const base = this.table.dicts[q]!.values;
    const h = this.hierarchies[q]!;
    const b = this.baseLevels[q]!;
    const above = this.#above[q];
    const top = h.labels.length - 1;
    const dict = new Dictionary();
    const map = new Int32Array(base.length);
    for (let i = 0; i < base.length; i++) {
      const v = base[i]!;
      let g: string;
      // Values SQL generalised are at their level already; shortened resident-ID parts are not (their levels
      // above the base are computed from them).
      if (lvl === b && (b === 0 || above !== undefined)) g = v;
      else if (lvl >= top && b > 0) g = v === '' ? '' : SUPPRESSED;
      else {
        const known = above?.get(v)?.[lvl - b - 1];
        g = known ?? h.generalize(v, lvl);
      }
      map[i] = dict.code(g);
    }
    const frequency = new Float64Array(dict.values.length);
    const bf = this.#baseFrequency[q]!;
    for (let i = 0; i < base.length; i++) frequency[map[i]!]! += bf[i]!;
    const out = { map, values: dict.values, frequency };
    this.#levels[q]![lvl] = out;
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
   * ARX): Σ over records of −log₂(f(value) / f(generalised value)) = Σ_g F·log₂ F − Σ_v f·log₂ f, the second
   * sum over the original values (from the database when generalisation was pushed down).
   */
  entropyLoss(q: number, level: number): number {
    const key = q * 64 + Math.max(level, this.baseLevels[q]!);
    const cached = this.#loss.get(key);
    if (cached !== undefined) return cached;
    const loss = Math.max(0, sumFLogF(this.level(q, level).frequency) - this.#originalFLogF[q]!);
    this.#loss.set(key, loss);
    return loss;
  }

  /** Loss of generalising every record fully (the normaliser of the entropy metric): Σ_q n·log₂ n − Σ f·log₂ f. */
  maxEntropyLoss(): number {
    if (this.#maxLoss !== undefined) return this.#maxLoss;
    const n = this.table.records;
    let total = 0;
    for (let q = 0; q < this.hierarchies.length; q++) total += n > 0 ? n * Math.log2(n) - this.#originalFLogF[q]! : 0;
    this.#maxLoss = Math.max(0, total);
    return this.#maxLoss;
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
