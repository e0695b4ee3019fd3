/**
 * Optimal full-domain generalisation with record suppression: a search over the lattice of generalisation
 * levels (one level per quasi-identifier), in the style of OLA (El Emam et al. 2009, "A globally optimal
 * k-anonymity method for the de-identification of health data", JAMIA 16(5)) and Flash (Kohlmayer et al. 2012).
 *
 * Why a lattice search rather than Mondrian: full-domain generalisation writes every value of a column at the
 * same level, so the output keeps one consistent coding per column (`1990-05`, not a mix of `1990-05` and
 * `1988-1993` ranges), custom and administrative hierarchies are honoured exactly (Mondrian cuts ranges that need
 * not be administrative units), and the result is *optimal* for the chosen utility metric over that space rather
 * than a greedy partition. The lattice is small for typical quasi-identifier sets (birth date × sex × region ×
 * postcode: 5 × 2 × 4 × 4 = 160 nodes), and every node is evaluated over the frequency table (distinct
 * combinations, not records).
 *
 * A node is *anonymous* when the records in classes smaller than k — or not l-diverse for a sensitive attribute —
 * number at most the suppression cap; those records are suppressed (left out of the output). Pruning (OLA's
 * predictive tagging, the sound half): a node above an anonymous node that needed no suppression is never
 * better for either metric — generalising further only merges classes (discernibility grows) and loses
 * information (non-uniform entropy grows) — so it is not evaluated. Every other node is evaluated and the one
 * with the least loss wins (ties: lower height, then the lexicographically smaller level vector).
 *
 * Utility metrics (both reported, one chosen): non-uniform entropy (Gionis & Tassa 2009; ARX's default) —
 * −log₂ of the probability of guessing each original value from its generalised one, suppressed records counting
 * as fully generalised — normalised by its maximum; and discernibility DM* (Bayardo & Agrawal 2005) —
 * Σ |class|² over kept classes plus n per suppressed record — normalised by n².
 */
import { createKeyIndex, KeyIndex, StringKeyIndex } from './key-index.js';
import type { Generalizer, LevelCodes } from './table.js';

/** Constraints and choices of a search. */
export interface LatticeOptions {
  k: number;
  /** l-diversity for every sensitive attribute (1: none). */
  l?: number | undefined;
  lKind?: 'distinct' | 'entropy' | undefined;
  /** Largest share of records that may be suppressed (0–1). */
  maxSuppression: number;
  metric: 'entropy' | 'discernibility';
  /** Refuse lattices larger than this. Default 50,000 nodes. */
  maxNodes?: number | undefined;
  /** Lowest level per quasi-identifier (pushed-down generalisation). */
  minLevels?: readonly number[] | undefined;
}

/** The evaluation of one lattice node. */
export interface NodeResult {
  levels: number[];
  anonymous: boolean;
  suppressed: number;
  classes: number;
  /** Normalised losses (0 = nothing lost, 1 = everything). */
  entropyLoss: number;
  discernibility: number;
}

/** What {@link searchLattice} found. */
export interface LatticeResult {
  best: NodeResult | undefined;
  /** The untransformed data (level 0 everywhere, nothing suppressed beyond what the constraints need). */
  nodes: number;
  evaluated: number;
  pruned: number;
}

/**
 * The records grouped at a node: one entry per distinct combination of generalised quasi-identifier codes (at
 * `levels`) and sensitive codes, with its count. The base table is the node at level 0; a node's table is rolled up
 * from a predecessor's (Flash's roll-up), which is much smaller than the base higher in the lattice.
 */
export interface NodeTable {
  readonly levels: readonly number[];
  /** `entries × width` codes: quasi-identifier level codes, then sensitive codes. */
  readonly codes: Int32Array;
  readonly counts: Float64Array;
  readonly entries: number;
}

const baseTables = new WeakMap<Generalizer, NodeTable>();

/** The table at the base levels (level 0 everywhere unless generalisation was pushed down). */
export function baseNodeTable(gen: Generalizer): NodeTable {
  const cached = baseTables.get(gen);
  if (cached) return cached;
  const t = gen.table;
  const w = t.width;
  const codes = new Int32Array(Math.max(1, t.entries * w));
  const counts = new Float64Array(Math.max(1, t.entries));
  for (let e = 0; e < t.entries; e++) {
    for (let a = 0; a < w; a++) codes[e * w + a] = t.code(e, a);
    counts[e] = t.count(e);
  }
  const out = { levels: [...gen.baseLevels], codes, counts, entries: t.entries };
  baseTables.set(gen, out);
  return out;
}

/**
 * Per quasi-identifier, the map from `from` codes to `to` codes (`null`: identity), or `undefined` when a
 * hierarchy is not nested between them. From the base table the level's own map is used (always defined).
 */
function codeMaps(gen: Generalizer, from: NodeTable, levels: readonly number[]): (Int32Array | null)[] | undefined {
  const Q = levels.length;
  const maps: (Int32Array | null)[] = [];
  if (from === baseNodeTable(gen)) {
    for (let q = 0; q < Q; q++) maps.push(levels[q]! <= gen.baseLevels[q]! ? null : gen.level(q, levels[q]!).map);
    return maps;
  }
  for (let q = 0; q < Q; q++) {
    let m: Int32Array | null = null;
    for (let l = Math.max(from.levels[q]!, gen.baseLevels[q]!); l < levels[q]!; l++) {
      const up = gen.up(q, l);
      if (!up) return undefined;
      if (m === null) m = up;
      else {
        const composed: Int32Array = new Int32Array(m.length);
        for (let i = 0; i < m.length; i++) composed[i] = up[m[i]!]!;
        m = composed;
      }
    }
    maps.push(m);
  }
  return maps;
}

/** Rolls `src` up to `levels` (each at least `src.levels`), or `undefined` when a hierarchy is not nested. */
export function rollUp(gen: Generalizer, src: NodeTable, levels: readonly number[]): NodeTable | undefined {
  const maps = codeMaps(gen, src, levels);
  if (!maps) return undefined;
  return group(gen, src, levels, maps).table;
}

interface Grouped {
  table: NodeTable;
  /** Class id of each entry of `table`. */
  classOf: Int32Array;
  classes: number;
}

/**
 * One pass over `src`: maps each entry's codes to `levels`, finds its class (the quasi-identifier codes) and its
 * entry (class and sensitive codes), summing counts. Two hash look-ups per source entry; the earlier version's
 * separate roll-up, class and (class, value) passes took three to four (bench/risk.mjs, 200,000 rows: 11.6 of
 * 17 CPU-s in those passes).
 */
function group(
  gen: Generalizer,
  src: NodeTable,
  levels: readonly number[],
  maps: readonly (Int32Array | null)[],
): Grouped {
  const t = gen.table;
  const Q = t.qiNames.length;
  const w = t.width;
  const E = src.entries;
  const cards: number[] = [];
  let radix = 1;
  for (let q = 0; q < Q; q++) {
    const c = Math.max(1, gen.level(q, levels[q]!).values.length);
    cards.push(c);
    radix *= c;
  }
  let sRadix = 1;
  for (let a = Q; a < w; a++) {
    const c = Math.max(1, t.dicts[a]!.values.length);
    cards.push(c);
    sRadix *= c;
  }
  const codes = new Int32Array(Math.max(1, E * w));
  const counts = new Float64Array(Math.max(1, E));
  const classOf = new Int32Array(Math.max(1, E));
  const row = new Int32Array(Math.max(1, w));
  let n = 0;
  let classes = 0;
  if (radix < 2 ** 52 && E * sRadix < 2 ** 52) {
    const classIndex = createKeyIndex(radix, E);
    const entryIndex = createKeyIndex(Math.min(radix, E) * sRadix, E);
    for (let e = 0; e < E; e++) {
      const o = e * w;
      let ck = 0;
      for (let q = 0; q < Q; q++) {
        const c0 = src.codes[o + q]!;
        const m = maps[q];
        const c = m ? m[c0]! : c0;
        row[q] = c;
        ck = ck * cards[q]! + c;
      }
      const cid = classIndex.id(ck);
      let fk = cid;
      for (let a = Q; a < w; a++) {
        const c = src.codes[o + a]!;
        row[a] = c;
        fk = fk * cards[a]! + c;
      }
      const id = entryIndex.id(fk);
      if (id === n) {
        for (let a = 0; a < w; a++) codes[n * w + a] = row[a]!;
        counts[n] = src.counts[e]!;
        classOf[n] = cid;
        n++;
      } else counts[id]! += src.counts[e]!;
    }
    classes = classIndex.size;
  } else {
    // Mixed-radix keys beyond a double's integers: string keys (two UTF-16 units per code).
    const classIndex = new StringKeyIndex();
    const entryIndex = new StringKeyIndex();
    for (let e = 0; e < E; e++) {
      const o = e * w;
      let ck = '';
      for (let q = 0; q < Q; q++) {
        const c0 = src.codes[o + q]!;
        const m = maps[q];
        const c = m ? m[c0]! : c0;
        row[q] = c;
        ck += String.fromCharCode(c & 0xffff, c >>> 16);
      }
      const cid = classIndex.id(ck);
      let fk = String.fromCharCode(cid & 0xffff, cid >>> 16);
      for (let a = Q; a < w; a++) {
        const c = src.codes[o + a]!;
        row[a] = c;
        fk += String.fromCharCode(c & 0xffff, c >>> 16);
      }
      const id = entryIndex.id(fk);
      if (id === n) {
        codes.set(row, n * w);
        counts[n] = src.counts[e]!;
        classOf[n] = cid;
        n++;
      } else counts[id]! += src.counts[e]!;
    }
    classes = classIndex.size;
  }
  const keep = n * 2 > E;
  return {
    table: {
      levels: [...levels],
      codes: keep ? codes.subarray(0, Math.max(1, n * w)) : codes.slice(0, Math.max(1, n * w)),
      counts: keep ? counts.subarray(0, Math.max(1, n)) : counts.slice(0, Math.max(1, n)),
      entries: n,
    },
    classOf: classOf.subarray(0, Math.max(1, n)),
    classes,
  };
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * The evaluation without the node's table, when classes alone decide it: no sensitive attribute, or one with at
 * most 32 values and distinct l-diversity (a bit mask per class). One hash look-up per source entry instead of two,
 * and nothing written per entry (bench/risk.mjs, 1M rows: grouping was 19 of 50 CPU-s). The table is built only
 * when it is small enough to be kept as a roll-up source. `undefined` when the fast path does not apply.
 */
function classesOnly(
  gen: Generalizer,
  src: NodeTable,
  at: readonly number[],
  maps: readonly (Int32Array | null)[],
  lv: readonly LevelCodes[],
  options: LatticeOptions,
): (NodeResult & { table?: NodeTable | undefined }) | undefined {
  const t = gen.table;
  const Q = t.qiNames.length;
  const S = t.sensitiveNames.length;
  const w = t.width;
  const n = t.records;
  const l = options.l ?? 1;
  if (S > 1) return undefined;
  if (S === 1 && (t.dicts[Q]!.values.length > 32 || (l > 1 && options.lKind === 'entropy'))) return undefined;
  let radix = 1;
  const cards: number[] = [];
  for (let q = 0; q < Q; q++) {
    const c = Math.max(1, lv[q]!.values.length);
    cards.push(c);
    radix *= c;
  }
  if (radix >= 2 ** 52) return undefined;
  const E = src.entries;
  const index = createKeyIndex(radix, E);
  const size = new Float64Array(Math.max(1, E));
  const mask = new Uint32Array(S === 1 ? Math.max(1, E) : 1);
  const first = new Int32Array(Math.max(1, E));
  let K = 0;
  for (let e = 0; e < E; e++) {
    const o = e * w;
    let ck = 0;
    for (let q = 0; q < Q; q++) {
      const c0 = src.codes[o + q]!;
      const m = maps[q];
      ck = ck * cards[q]! + (m ? m[c0]! : c0);
    }
    const cid = index.id(ck);
    if (cid === K) {
      first[K] = e;
      K++;
    }
    size[cid]! += src.counts[e]!;
    if (S === 1) mask[cid]! |= 1 << src.codes[o + Q]!;
  }
  let suppressed = 0;
  let dm = 0;
  let extra = 0;
  const logN = Math.log2(Math.max(1, n));
  const bits = lv.map((x) => {
    const b = new Float64Array(Math.max(1, x.frequency.length));
    for (let i = 0; i < x.frequency.length; i++) b[i] = logN - Math.log2(x.frequency[i]!);
    return b;
  });
  for (let c = 0; c < K; c++) {
    const sz = size[c]!;
    const bad = sz < options.k || (l > 1 && S === 1 && popcount(mask[c]!) < l);
    if (bad) {
      suppressed += sz;
      dm += sz * n;
      // A suppressed record loses the rest of each value: log₂(n / f(generalised value)).
      const o = first[c]! * w;
      let b = 0;
      for (let q = 0; q < Q; q++) {
        const c0 = src.codes[o + q]!;
        const m = maps[q];
        b += bits[q]![m ? m[c0]! : c0]!;
      }
      extra += sz * b;
    } else dm += sz * sz;
  }
  let loss = extra;
  for (let q = 0; q < Q; q++) loss += gen.entropyLoss(q, at[q]!);
  const max = gen.maxEntropyLoss();
  const cap = Math.floor(options.maxSuppression * n + 1e-9);
  // Build the table only when it will serve as a roll-up source (at most half the base): its entries are the
  // distinct (class, value) pairs, counted by the masks.
  let entries = K;
  if (S === 1) {
    entries = 0;
    for (let c = 0; c < K; c++) entries += popcount(mask[c]!);
  }
  const table = entries * 2 <= baseNodeTable(gen).entries ? group(gen, src, at, maps).table : undefined;
  return {
    levels: [...at],
    anonymous: n > 0 && suppressed <= cap && suppressed < n,
    suppressed,
    classes: K,
    entropyLoss: max > 0 ? Math.round(Math.min(1, loss / max) * 1e12) / 1e12 : 0,
    discernibility: n > 0 ? dm / (n * n) : 0,
    table,
  };
}

/** Evaluates one node (from `source`, a table at or below it; default: the base table). */
export function evaluateNode(
  gen: Generalizer,
  levels: readonly number[],
  options: LatticeOptions,
  source?: NodeTable,
): NodeResult & { table?: NodeTable | undefined } {
  const t = gen.table;
  const Q = t.qiNames.length;
  const S = t.sensitiveNames.length;
  const w = t.width;
  const n = t.records;
  const l = options.l ?? 1;
  const at = levels.map((lvl, q) => Math.max(lvl, gen.baseLevels[q]!));
  let src = source ?? baseNodeTable(gen);
  let maps = codeMaps(gen, src, at);
  if (!maps) {
    src = baseNodeTable(gen);
    maps = codeMaps(gen, src, at)!;
  }
  const lv = at.map((lvl, q) => gen.level(q, lvl));
  const fast = classesOnly(gen, src, at, maps, lv, options);
  if (fast) return fast;
  const { table: node, classOf, classes: K } = group(gen, src, at, maps);
  const size = new Float64Array(Math.max(1, K));
  const first = new Int32Array(Math.max(1, K)).fill(-1);
  for (let e = 0; e < node.entries; e++) {
    const ci = classOf[e]!;
    if (first[ci] === -1) first[ci] = e;
    size[ci]! += node.counts[e]!;
  }
  const bad = new Uint8Array(Math.max(1, K));
  for (let c = 0; c < K; c++) if (size[c]! < options.k) bad[c] = 1;
  if (l > 1 && S > 0) {
    for (let s = 0; s < S; s++) {
      const distinct = new Float64Array(Math.max(1, K));
      const entropy = new Float64Array(Math.max(1, K));
      if (S === 1) {
        // Each entry is one (class, value) pair already.
        for (let e = 0; e < node.entries; e++) {
          const c = classOf[e]!;
          distinct[c]! += 1;
          const p = node.counts[e]! / size[c]!;
          entropy[c]! -= p * Math.log(p);
        }
      } else {
        // Value counts per class, keyed class * cardinality + value.
        const card = Math.max(1, t.dicts[Q + s]!.values.length);
        const pairs = new KeyIndex(node.entries);
        const pairClass: number[] = [];
        const pairCount: number[] = [];
        for (let e = 0; e < node.entries; e++) {
          const id = pairs.id(classOf[e]! * card + node.codes[e * w + Q + s]!);
          if (id === pairCount.length) {
            pairCount.push(0);
            pairClass.push(classOf[e]!);
          }
          pairCount[id]! += node.counts[e]!;
        }
        for (let j = 0; j < pairCount.length; j++) {
          const c = pairClass[j]!;
          distinct[c]! += 1;
          const p = pairCount[j]! / size[c]!;
          entropy[c]! -= p * Math.log(p);
        }
      }
      for (let c = 0; c < K; c++) {
        const ok = options.lKind === 'entropy' ? Math.exp(entropy[c]!) >= l - 1e-9 : distinct[c]! >= l;
        if (!ok) bad[c] = 1;
      }
    }
  }
  let suppressed = 0;
  let dm = 0;
  let extra = 0;
  const logN = Math.log2(Math.max(1, n));
  for (let c = 0; c < K; c++) {
    const sz = size[c]!;
    if (bad[c]) {
      suppressed += sz;
      dm += sz * n;
      // A suppressed record loses the rest of each value: log₂(n / f(generalised value)).
      const e = first[c]!;
      let bits = 0;
      for (let q = 0; q < Q; q++) bits += logN - Math.log2(lv[q]!.frequency[node.codes[e * w + q]!]!);
      extra += sz * bits;
    } else dm += sz * sz;
  }
  let loss = extra;
  for (let q = 0; q < Q; q++) loss += gen.entropyLoss(q, at[q]!);
  const max = gen.maxEntropyLoss();
  const cap = Math.floor(options.maxSuppression * n + 1e-9);
  return {
    levels: [...at],
    anonymous: n > 0 && suppressed <= cap && suppressed < n,
    suppressed,
    classes: K,
    // Rounded so the same data read in another order (a database's groups) reports the same figure.
    entropyLoss: max > 0 ? Math.round(Math.min(1, loss / max) * 1e12) / 1e12 : 0,
    discernibility: n > 0 ? dm / (n * n) : 0,
    table: node,
  };
}

function compareNodes(a: NodeResult, b: NodeResult, metric: LatticeOptions['metric']): number {
  const ka = metric === 'entropy' ? a.entropyLoss : a.discernibility;
  const kb = metric === 'entropy' ? b.entropyLoss : b.discernibility;
  if (Math.abs(ka - kb) > 1e-12) return ka - kb;
  const ha = a.levels.reduce((x, y) => x + y, 0);
  const hb = b.levels.reduce((x, y) => x + y, 0);
  if (ha !== hb) return ha - hb;
  for (let i = 0; i < a.levels.length; i++) if (a.levels[i] !== b.levels[i]) return a.levels[i]! - b.levels[i]!;
  return 0;
}

/** Largest number of entries of node tables kept as roll-up sources, as a multiple of the base's entries. */
const CACHE_BUDGET = 1;

/**
 * Finds the anonymous node with the least loss.
 *
 * Order: for non-uniform entropy, best first — nodes in ascending order of their generalisation loss (a lower
 * bound of their loss: suppression only adds), stopping at the first node whose bound exceeds the best loss
 * found; for discernibility, by height. In both, a node above an anonymous node that needed no suppression is
 * skipped (it can only lose more), and a node below a node that is not anonymous is skipped (it cannot be). Each
 * node is rolled up from the smallest evaluated table below it.
 *
 * @throws RangeError when the lattice has more nodes than `maxNodes`
 * @example
 * const { best } = searchLattice(gen, { k: 5, maxSuppression: 0.05, metric: 'entropy' });
 */
export function searchLattice(gen: Generalizer, options: LatticeOptions): LatticeResult {
  const Q = gen.hierarchies.length;
  const tops = gen.hierarchies.map((h) => h.labels.length - 1);
  const mins = tops.map((tp, q) => Math.min(tp, Math.max(gen.baseLevels[q]!, options.minLevels?.[q] ?? 0)));
  let nodes = 1;
  for (let q = 0; q < Q; q++) nodes *= tops[q]! - mins[q]! + 1;
  const maxNodes = options.maxNodes ?? 50_000;
  if (nodes > maxNodes) {
    throw new RangeError(
      `the generalisation lattice has ${nodes} nodes, more than ${maxNodes}: use fewer quasi-identifiers or shorter hierarchies`,
    );
  }
  const all: number[][] = [];
  const cur = [...mins];
  for (;;) {
    all.push([...cur]);
    let q = Q - 1;
    while (q >= 0 && cur[q] === tops[q]) {
      cur[q] = mins[q]!;
      q--;
    }
    if (q < 0) break;
    cur[q]!++;
  }
  const height = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);
  const max = gen.maxEntropyLoss();
  const bound = (v: readonly number[]) => {
    if (options.metric !== 'entropy' || max <= 0) return 0;
    let loss = 0;
    for (let q = 0; q < Q; q++) loss += gen.entropyLoss(q, v[q]!);
    return Math.round(Math.min(1, loss / max) * 1e12) / 1e12;
  };
  const bounds = new Map<number[], number>(all.map((v) => [v, bound(v)]));
  all.sort((a, b) => {
    const d = bounds.get(a)! - bounds.get(b)!;
    if (d !== 0) return d;
    const h = height(a) - height(b);
    if (h !== 0) return h;
    for (let i = 0; i < Q; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return 0;
  });
  const noSuppressionAnonymous: number[][] = [];
  const notAnonymous: number[][] = [];
  let best: NodeResult | undefined;
  let evaluated = 0;
  let pruned = 0;
  const base = baseNodeTable(gen);
  const cache: NodeTable[] = [];
  let cached = 0;
  const below = (a: readonly number[], b: readonly number[]) => {
    for (let q = 0; q < Q; q++) if (a[q]! > b[q]!) return false;
    return true;
  };
  for (let i = 0; i < all.length; i++) {
    const node = all[i]!;
    if (best && options.metric === 'entropy' && bounds.get(node)! > best.entropyLoss + 1e-12) {
      pruned += all.length - i;
      break;
    }
    if (noSuppressionAnonymous.some((a) => below(a, node))) {
      pruned++;
      continue;
    }
    // Below a node that is not anonymous: not anonymous either (generalising only merges classes, and a union
    // of classes that are large enough and l-diverse is too, so suppression can only shrink going up).
    if (notAnonymous.some((a) => below(node, a))) {
      pruned++;
      continue;
    }
    // The smallest evaluated table below the node, else the base.
    let source = base;
    for (const t of cache) if (t.entries < source.entries && below(t.levels, node)) source = t;
    const { table, ...r } = evaluateNode(gen, node, options, source);
    evaluated++;
    // Keep small tables as roll-up sources within a memory budget (bench/risk.mjs at 1M rows held 1.1 GB when
    // every table of two heights was kept).
    if (table && table.entries <= base.entries / 2 && cached + table.entries <= CACHE_BUDGET * base.entries) {
      cache.push(table);
      cached += table.entries;
    }
    if (!r.anonymous) {
      notAnonymous.push(r.levels);
      continue;
    }
    if (r.suppressed === 0) noSuppressionAnonymous.push(r.levels);
    if (!best || compareNodes(r, best, options.metric) < 0) best = r;
  }
  return { best, nodes, evaluated, pruned };
}
