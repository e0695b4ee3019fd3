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
import { KeyIndex, StringKeyIndex } from './key-index.js';
import type { Generalizer } from './table.js';

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

/** The table at level 0 everywhere. */
export function baseNodeTable(gen: Generalizer): NodeTable {
  const t = gen.table;
  const w = t.width;
  const codes = new Int32Array(Math.max(1, t.entries * w));
  const counts = new Float64Array(Math.max(1, t.entries));
  for (let e = 0; e < t.entries; e++) {
    for (let a = 0; a < w; a++) codes[e * w + a] = t.code(e, a);
    counts[e] = t.count(e);
  }
  return { levels: gen.hierarchies.map(() => 0), codes, counts, entries: t.entries };
}

/** Rolls `src` up to `levels` (each at least `src.levels`), or `undefined` when a hierarchy is not nested. */
export function rollUp(gen: Generalizer, src: NodeTable, levels: readonly number[]): NodeTable | undefined {
  const t = gen.table;
  const Q = t.qiNames.length;
  const w = t.width;
  const maps: (Int32Array | null)[] = [];
  const cards: number[] = [];
  for (let q = 0; q < Q; q++) {
    let m: Int32Array | null = null; // null: identity
    for (let l = src.levels[q]!; l < levels[q]!; l++) {
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
    cards.push(Math.max(1, gen.level(q, levels[q]!).values.length));
  }
  for (let a = Q; a < w; a++) cards.push(Math.max(1, t.dicts[a]!.values.length));
  let radix = 1;
  for (const c of cards) radix *= c;
  const numeric = radix < 2 ** 52;
  const codes = new Int32Array(Math.max(1, src.entries * w));
  const counts = new Float64Array(Math.max(1, src.entries));
  const row = new Int32Array(w);
  // Keys are computed in separate numeric and string loops: one variable holding either deoptimises the loop.
  const ids = new Int32Array(Math.max(1, src.entries));
  if (numeric) {
    const index = new KeyIndex(src.entries);
    for (let e = 0; e < src.entries; e++) {
      let key = 0;
      for (let a = 0; a < w; a++) {
        const c0 = src.codes[e * w + a]!;
        const m = a < Q ? maps[a] : null;
        key = key * cards[a]! + (m ? m[c0]! : c0);
      }
      ids[e] = index.id(key);
    }
  } else {
    const index = new StringKeyIndex();
    for (let e = 0; e < src.entries; e++) {
      let key = '';
      for (let a = 0; a < w; a++) {
        const c0 = src.codes[e * w + a]!;
        const m = a < Q ? maps[a] : null;
        const c = m ? m[c0]! : c0;
        key += String.fromCharCode(c & 0xffff, c >>> 16);
      }
      ids[e] = index.id(key);
    }
  }
  let n = 0;
  for (let e = 0; e < src.entries; e++) {
    const at = ids[e]!;
    if (at < n) counts[at]! += src.counts[e]!;
    else {
      for (let a = 0; a < w; a++) {
        const c0 = src.codes[e * w + a]!;
        const m = a < Q ? maps[a] : null;
        row[a] = m ? m[c0]! : c0;
      }
      codes.set(row, n * w);
      counts[n] = src.counts[e]!;
      n++;
    }
  }
  return {
    levels: [...levels],
    codes: codes.slice(0, Math.max(1, n * w)),
    counts: counts.slice(0, Math.max(1, n)),
    entries: n,
  };
}

/** Evaluates one node (from `source`, a table at or below it; default: the base table). */
export function evaluateNode(
  gen: Generalizer,
  levels: readonly number[],
  options: LatticeOptions,
  source?: NodeTable,
): NodeResult & { table: NodeTable } {
  const t = gen.table;
  const Q = t.qiNames.length;
  const S = t.sensitiveNames.length;
  const w = t.width;
  const n = t.records;
  const l = options.l ?? 1;
  const node =
    rollUp(gen, source ?? baseNodeTable(gen), levels) ?? (rollUp(gen, baseNodeTable(gen), levels) as NodeTable);
  const lv = levels.map((lvl, q) => gen.level(q, lvl));
  let radix = 1;
  for (const x of lv) radix *= Math.max(1, x.values.length);
  const numericKeys = radix < 2 ** 52;
  const size: number[] = [];
  const first: number[] = [];
  const classOf = new Int32Array(Math.max(1, node.entries));
  if (numericKeys) {
    const index = new KeyIndex(node.entries);
    for (let e = 0; e < node.entries; e++) {
      let key = 0;
      for (let q = 0; q < Q; q++) key = key * lv[q]!.values.length + node.codes[e * w + q]!;
      classOf[e] = index.id(key);
    }
  } else {
    const index = new StringKeyIndex();
    for (let e = 0; e < node.entries; e++) {
      let key = '';
      for (let q = 0; q < Q; q++) {
        const c = node.codes[e * w + q]!;
        key += String.fromCharCode(c & 0xffff, c >>> 16);
      }
      classOf[e] = index.id(key);
    }
  }
  for (let e = 0; e < node.entries; e++) {
    const ci = classOf[e]!;
    if (ci === size.length) {
      size.push(0);
      first.push(e);
    }
    size[ci]! += node.counts[e]!;
  }
  const K = size.length;
  const bad = new Uint8Array(K);
  for (let c = 0; c < K; c++) if (size[c]! < options.k) bad[c] = 1;
  if (l > 1 && S > 0) {
    for (let s = 0; s < S; s++) {
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
      const distinct = new Float64Array(K);
      const entropy = new Float64Array(K);
      for (let j = 0; j < pairCount.length; j++) {
        const c = pairClass[j]!;
        const cnt = pairCount[j]!;
        distinct[c]! += 1;
        const p = cnt / size[c]!;
        entropy[c]! -= p * Math.log(p);
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
  for (let q = 0; q < Q; q++) loss += gen.entropyLoss(q, levels[q]!);
  const max = gen.maxEntropyLoss();
  const cap = Math.floor(options.maxSuppression * n + 1e-9);
  return {
    levels: [...levels],
    anonymous: n > 0 && suppressed <= cap && suppressed < n,
    suppressed,
    classes: K,
    entropyLoss: max > 0 ? Math.min(1, loss / max) : 0,
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

/**
 * Finds the anonymous node with the least loss.
 *
 * @throws RangeError when the lattice has more nodes than `maxNodes`
 * @example
 * const { best } = searchLattice(gen, { k: 5, maxSuppression: 0.05, metric: 'entropy' });
 */
export function searchLattice(gen: Generalizer, options: LatticeOptions): LatticeResult {
  const Q = gen.hierarchies.length;
  const tops = gen.hierarchies.map((h) => h.labels.length - 1);
  const mins = tops.map((tp, q) => Math.min(tp, options.minLevels?.[q] ?? 0));
  let nodes = 1;
  for (let q = 0; q < Q; q++) nodes *= tops[q]! - mins[q]! + 1;
  const maxNodes = options.maxNodes ?? 50_000;
  if (nodes > maxNodes) {
    throw new RangeError(
      `the generalisation lattice has ${nodes} nodes, more than ${maxNodes}: use fewer quasi-identifiers or shorter hierarchies`,
    );
  }
  // Enumerate nodes, sorted by height.
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
  all.sort((a, b) => height(a) - height(b));
  const noSuppressionAnonymous = new Set<string>();
  let best: NodeResult | undefined;
  let evaluated = 0;
  let pruned = 0;
  const base = baseNodeTable(gen);
  // Tables of the nodes one level below the current height (Flash's roll-up source), then of this height.
  let below = new Map<string, NodeTable>();
  let current = new Map<string, NodeTable>();
  let currentHeight = -1;
  for (const node of all) {
    const h = height(node);
    if (h !== currentHeight) {
      below = current;
      current = new Map();
      currentHeight = h;
    }
    let dominated = false;
    for (let q = 0; q < Q && !dominated; q++) {
      if (node[q]! > mins[q]!) {
        node[q]!--;
        if (noSuppressionAnonymous.has(node.join(','))) dominated = true;
        node[q]!++;
      }
    }
    if (dominated) {
      noSuppressionAnonymous.add(node.join(',')); // still anonymous without suppression (monotone)
      pruned++;
      continue;
    }
    // The smallest cached predecessor's table, else the base.
    let source = base;
    for (let q = 0; q < Q; q++) {
      if (node[q]! <= mins[q]!) continue;
      node[q]!--;
      const t = below.get(node.join(','));
      node[q]!++;
      if (t && t.entries < source.entries) source = t;
    }
    const { table, ...r } = evaluateNode(gen, node, options, source);
    // Only tables much smaller than the base are worth keeping as roll-up sources (memory: bench/risk.mjs at 1M rows
    // held 1.1 GB when every table of two heights was kept).
    if (table.entries <= base.entries / 2) current.set(node.join(','), table);
    evaluated++;
    if (!r.anonymous) continue;
    if (r.suppressed === 0) noSuppressionAnonymous.add(node.join(','));
    if (!best || compareNodes(r, best, options.metric) < 0) best = r;
  }
  return { best, nodes, evaluated, pruned };
}
