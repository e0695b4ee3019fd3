/**
 * Aggregation pushed down to PostgreSQL, MySQL/MariaDB and SQLite, so a table of any number of rows is measured and
 * anonymised with memory bounded by groups, never by rows:
 *
 * - **Measurement** runs `SELECT qi…, s…, COUNT(*) … GROUP BY … ORDER BY <plain quasi-identifiers>` and feeds the
 *   classes to the metrics one run at a time (a run: rows equal on every plain quasi-identifier; resident-ID parts
 *   are derived from substrings within the run). Memory: the largest run, not the table.
 * - **Anonymisation** needs the lattice's frequency table in memory. When the exact combinations outnumber
 *   `maxGroups`, the database groups by *generalised* expressions instead (dates cut to month/year/decade, ages to
 *   bands, postcodes to prefixes, region codes to prefecture/province, a resident ID's substrings shortened): the
 *   base level of the most varied quasi-identifier (on the sample) is raised until the database counts at most
 *   `maxGroups` groups, and the search runs over the lattice above that base. Each generalised column brings its
 *   higher levels as extra (functionally dependent) columns, and its original frequencies (for non-uniform
 *   entropy) come from a `GROUP BY` of `GROUP BY` — so the database computes the class counts, not leakguard.
 *
 * Identifiers are quoted by the drivers' dialects; values never enter SQL text (the only literals are our own
 * constants: whitespace, GB/T 2260 codes and names). A column is generalised in SQL only when a guard query finds no
 * value whose SQL result could differ from the in-memory hierarchy (`Hierarchy.sqlExact`); the service suite
 * (test/integration/risk.test.ts) checks pushed-down figures equal in-memory ones on PostgreSQL, MariaDB and SQLite.
 */
import { RiskError } from './errors.js';
import { type SqlFlavour, sqlLength } from './hierarchy.js';
import type { TableInput } from './input.js';
import { RiskAccumulator, type RiskMetrics } from './metrics.js';
import { type ColumnRoles, type IdPart, type QuasiIdentifier, quasiValue, residentIdParts } from './quasi.js';
import { FrequencyTable } from './table.js';

/** What JavaScript's `String.prototype.trim` removes (WhiteSpace and LineTerminator of ECMA-262). */
const WS =
  '\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

/** A column as trimmed text, NULL as `''`, compared byte for byte (MySQL: binary collation, not `_ci`). */
export function textExpr(input: Pick<TableInput, 'dialect' | 'expr'>, column: string): string {
  const e = input.expr(column);
  if (input.dialect === 'postgres') return `COALESCE(btrim(${e}, '${WS}'), '')`;
  if (input.dialect === 'mysql') {
    const t = `CONVERT(${e} USING utf8mb4) COLLATE utf8mb4_bin`;
    return `COALESCE(REGEXP_REPLACE(${t}, '^[${WS}]+|[${WS}]+$', '') COLLATE utf8mb4_bin, '')`;
  }
  // SQLite: a REAL holding an integer reads as `30` in JavaScript, `30.0` from CAST.
  const text = `CASE WHEN typeof(${e}) = 'real' AND ${e} = CAST(${e} AS INTEGER) THEN CAST(CAST(${e} AS INTEGER) AS TEXT) ELSE CAST(${e} AS TEXT) END`;
  return `COALESCE(trim(${text}, '${WS}'), '')`;
}

function sub(expr: string, from: number, n: number, d: SqlFlavour): string {
  return d === 'sqlite' ? `substr(${expr}, ${from}, ${n})` : `substring(${expr}, ${from}, ${n})`;
}

/** Characters of a resident-ID substring kept for a part at a base level (what the levels above still need). */
function idWidth(part: IdPart, base: number): number {
  // At the top (`*`) a part only needs to tell empty from not: its first digit.
  if (part === 'region') return base === 0 ? 6 : base === 1 ? 4 : 2;
  if (part === 'birth') return base === 0 ? 8 : base === 1 ? 6 : base === 2 ? 4 : 3;
  return 1;
}

/**
 * Whether a resident-ID part's levels above `base` are a function of its shortened substring: true for the built-in
 * hierarchies (region code: prefecture needs 4 digits, province 2; birth: month needs 6, year 4, decade 3; `*`
 * only whether a first digit is there).
 */
function idRaiseLimit(q: QuasiIdentifier): number {
  if (q.part === 'region' && q.hierarchy.kind === 'region-code') return 3;
  if (q.part === 'birth' && q.hierarchy.kind === 'id-birth') return 4;
  return 0;
}

/** Rebuilds an ID-shaped string from pushed-down pieces; positions not pushed are `*` (read as masked). */
function pseudoId(len: number, region: string, birth: string, sex: string): string {
  if (len !== 18 && len !== 15) return '';
  const chars: string[] = new Array(len).fill('*');
  const put = (at: number, s: string, max: number) => {
    const a = Array.from(s);
    for (let i = 0; i < a.length && i < max; i++) chars[at + i] = a[i]!;
  };
  put(0, region, 6);
  put(6, birth, len === 18 ? 8 : 6);
  if (sex !== '') chars[len === 18 ? 16 : 14] = sex;
  return chars.join('');
}

/** The SQL columns of a grouping and how to read quasi-identifier and sensitive values back from a group. */
export interface GroupPlan {
  exprs: string[];
  /** Positions of plain (not resident-ID) quasi-identifier expressions: the ORDER BY of measurement. */
  plain: number[];
  /** Values of a group: quasi-identifiers (at their base levels), then sensitive attributes. */
  read(g: readonly string[], out: string[]): void;
  /** Per quasi-identifier: the positions of its levels above the base (generalised plain columns), or undefined. */
  above: (number[] | undefined)[];
}

/**
 * Plans the grouping of `roles` at `base` levels (plain columns through their hierarchy's SQL, resident IDs
 * through substrings shortened to what the base still needs).
 */
export function planGroups(input: TableInput, roles: ColumnRoles, base: readonly number[]): GroupPlan {
  const d = input.dialect;
  const exprs: string[] = [];
  const plain: number[] = [];
  const above: (number[] | undefined)[] = [];
  // Resident-ID columns: one set of substrings each, widths from the parts named.
  const ids = new Map<string, { at: number; region: number; birth: number; sex: number }>();
  for (let q = 0; q < roles.quasi.length; q++) {
    const qi = roles.quasi[q]!;
    if (!qi.part || ids.has(qi.column)) continue;
    const parts = roles.quasi.map((x, i) => [x, i] as const).filter(([x]) => x.column === qi.column && x.part);
    const n = `REPLACE(REPLACE(${textExpr(input, qi.column)}, ' ', ''), '-', '')`;
    const L = sqlLength(n, d);
    const ok = `${L} IN (15, 18)`;
    const at = exprs.length;
    exprs.push(`CASE WHEN ${ok} THEN ${L} ELSE 0 END`);
    const slot = { at, region: -1, birth: -1, sex: -1 };
    for (const [x, i] of parts) {
      const w = idWidth(x.part!, base[i] ?? 0);
      if (x.part === 'region' && slot.region < 0) {
        slot.region = exprs.length;
        exprs.push(`CASE WHEN ${ok} THEN ${sub(n, 1, w, d)} ELSE '' END`);
      } else if (x.part === 'birth' && slot.birth < 0) {
        slot.birth = exprs.length;
        exprs.push(`CASE WHEN ${ok} THEN ${sub(n, 7, w, d)} ELSE '' END`);
      } else if (x.part === 'sex' && slot.sex < 0) {
        slot.sex = exprs.length;
        // Only the parity matters (odd: male): two values instead of ten. Before, bench/risk.mjs at 10M rows in
        // PostgreSQL streamed 7,982,130 groups for 3,852,853 combinations.
        const c = `CASE WHEN ${L} = 18 THEN ${sub(n, 17, 1, d)} WHEN ${L} = 15 THEN ${sub(n, 15, 1, d)} ELSE '' END`;
        exprs.push(
          `CASE WHEN ${c} IN ('1', '3', '5', '7', '9') THEN '1' WHEN ${c} IN ('0', '2', '4', '6', '8') THEN '0' ELSE '' END`,
        );
      }
    }
    ids.set(qi.column, slot);
  }
  const readers: ((g: readonly string[], parts: Map<string, Record<IdPart, string>>) => string)[] = [];
  for (let q = 0; q < roles.quasi.length; q++) {
    const qi = roles.quasi[q]!;
    if (qi.part) {
      const column = qi.column;
      const part = qi.part;
      above.push(undefined);
      readers.push((_g, parts) => parts.get(column)![part]);
      continue;
    }
    const e = textExpr(input, qi.column);
    const b = base[q] ?? 0;
    const at = exprs.length;
    plain.push(at);
    if (b === 0) {
      exprs.push(e);
      above.push(undefined);
    } else {
      const top = qi.hierarchy.labels.length - 1;
      const sql = (level: number) => {
        const s = qi.hierarchy.sql?.(e, level, d);
        if (s === undefined) throw new TypeError(`no SQL for level ${level} of "${qi.name}"`);
        return s;
      };
      exprs.push(sql(b));
      const more: number[] = [];
      for (let l = b + 1; l < top; l++) {
        more.push(exprs.length);
        exprs.push(sql(l));
      }
      above.push(more);
    }
    readers.push((g) => g[at]!);
  }
  for (const s of roles.sensitive) {
    const at = exprs.length;
    exprs.push(textExpr(input, s));
    readers.push((g) => g[at]!);
  }
  const parts = new Map<string, Record<IdPart, string>>();
  const slots = [...ids.entries()];
  return {
    exprs,
    plain,
    above,
    read(g, out) {
      for (const [column, s] of slots) {
        const id = pseudoId(
          Number(g[s.at]),
          s.region >= 0 ? g[s.region]! : '',
          s.birth >= 0 ? g[s.birth]! : '',
          s.sex >= 0 ? g[s.sex]! : '',
        );
        parts.set(column, residentIdParts(id));
      }
      for (let i = 0; i < readers.length; i++) out[i] = readers[i]!(g, parts);
    },
  };
}

function tooLarge(groups: number, max: number): RiskError {
  return new RiskError(
    'LG_RISK_TOO_LARGE',
    `The data has more than ${max} distinct combinations of the quasi-identifiers (${groups} read so far)`,
  );
}

/** What {@link measureInDatabase} returns. */
export interface DatabaseMeasure {
  metrics: RiskMetrics;
  /** Groups the database returned (distinct combinations of quasi-identifier and sensitive values). */
  groups: number;
}

/**
 * Measures the risk of a table at level 0 with the classes streamed from the database in order: memory holds
 * one run of equal plain quasi-identifiers at a time (bounded by `maxGroups`), plus each sensitive attribute's
 * value counts.
 *
 * @throws RiskError `LG_RISK_TOO_LARGE` when one run holds more than `maxGroups` groups
 * @example
 * const { metrics } = await measureInDatabase(input, roles, { maxGroups: 5_000_000 });
 */
export async function measureInDatabase(
  input: TableInput,
  roles: ColumnRoles,
  options: { population?: number | undefined; maxGroups: number; onProgress?: ((rows: number) => void) | undefined },
): Promise<DatabaseMeasure> {
  const Q = roles.quasi.length;
  const S = roles.sensitive.length;
  const globals: [string, Map<string, number>][] = [];
  for (const s of roles.sensitive) {
    const m = new Map<string, number>();
    for await (const batch of input.groups([textExpr(input, s)])) {
      for (const g of batch) {
        m.set(g.values[0]!, (m.get(g.values[0]!) ?? 0) + g.count);
        if (m.size > options.maxGroups) throw tooLarge(m.size, options.maxGroups);
      }
    }
    globals.push([s, m]);
  }
  const acc = new RiskAccumulator(globals, { population: options.population });
  const plan = planGroups(
    input,
    roles,
    roles.quasi.map(() => 0),
  );
  type Run = { size: number; sensitive: Map<string, number>[] };
  let run = new Map<string, Run>();
  let runKey: string | undefined;
  const flush = () => {
    for (const c of run.values()) acc.add(c.size, c.sensitive);
    run = new Map();
  };
  const values: string[] = new Array(Q + S);
  let groups = 0;
  let records = 0;
  for await (const batch of input.groups(plan.exprs, plan.plain)) {
    for (const g of batch) {
      let rk = '';
      for (const i of plan.plain) rk += `${g.values[i]}\u0001`;
      if (rk !== runKey) {
        flush();
        runKey = rk;
      }
      plan.read(g.values, values);
      let ck = '';
      for (let q = 0; q < Q; q++) ck += `${values[q]}\u0001`;
      let c = run.get(ck);
      if (!c) {
        c = { size: 0, sensitive: Array.from({ length: S }, () => new Map<string, number>()) };
        run.set(ck, c);
        if (run.size > options.maxGroups) throw tooLarge(run.size, options.maxGroups);
      }
      c.size += g.count;
      for (let s = 0; s < S; s++) {
        const v = values[Q + s]!;
        c.sensitive[s]!.set(v, (c.sensitive[s]!.get(v) ?? 0) + g.count);
      }
      groups++;
      records += g.count;
    }
    options.onProgress?.(records);
  }
  flush();
  return { metrics: acc.finish(), groups };
}

/**
 * The highest base level each quasi-identifier can be grouped at in SQL: its hierarchy has SQL for every level
 * and no value fails its exactness guard (one query for all guards). Resident-ID parts: by substring width.
 */
export async function raiseLimits(input: TableInput, roles: ColumnRoles): Promise<number[]> {
  const d = input.dialect;
  const limits = roles.quasi.map((q) => {
    if (q.part) return idRaiseLimit(q);
    const top = q.hierarchy.labels.length - 1;
    for (let l = 1; l <= top; l++) if (q.hierarchy.sql?.('x', l, d) === undefined) return 0;
    return top;
  });
  const guarded: [number, string][] = [];
  for (let q = 0; q < roles.quasi.length; q++) {
    const qi = roles.quasi[q]!;
    if (limits[q]! > 0 && !qi.part && qi.hierarchy.sqlExact) {
      const e = textExpr(input, qi.column);
      guarded.push([q, `CASE WHEN ${e} <> '' AND NOT ${qi.hierarchy.sqlExact(e, d)} THEN 1 ELSE 0 END`]);
    }
  }
  if (guarded.length > 0) {
    for await (const batch of input.groups(guarded.map(([, e]) => e))) {
      for (const g of batch) {
        guarded.forEach(([q], i) => {
          if (Number(g.values[i]) === 1) limits[q] = 0;
        });
      }
    }
  }
  return limits;
}

/**
 * Chooses the base levels: level 0 when the database counts at most `maxGroups` groups; otherwise the
 * quasi-identifier with the most distinct values in the sample (at its current base) is raised one level at a time
 * until the count fits.
 *
 * @throws RiskError `LG_RISK_TOO_LARGE` when no raisable level brings the groups under `maxGroups`
 */
export async function chooseBase(
  input: TableInput,
  roles: ColumnRoles,
  sample: readonly (readonly string[])[],
  maxGroups: number,
): Promise<number[]> {
  const base = roles.quasi.map(() => 0);
  const count = () => input.countGroups(planGroups(input, roles, base).exprs.slice(), maxGroups);
  let groups = await count();
  if (groups <= maxGroups) return base;
  const limits = await raiseLimits(input, roles);
  const idx = roles.quasi.map((q) => input.columns.indexOf(q.column));
  const values = sample.map((row) => roles.quasi.map((q, i) => quasiValue(q, row[idx[i]!])));
  const at = (q: number, level: number) => {
    const seen = new Set<string>();
    for (const v of values) seen.add(roles.quasi[q]!.hierarchy.generalize(v[q]!, level));
    return seen.size;
  };
  const combinations = (levels: readonly number[]) => {
    const seen = new Set<string>();
    for (const v of values) {
      let key = '';
      for (let q = 0; q < levels.length; q++) key += `${roles.quasi[q]!.hierarchy.generalize(v[q]!, levels[q]!)}\u0001`;
      seen.add(key);
    }
    return seen.size;
  };
  for (;;) {
    // The raise that leaves the fewest combinations in the sample; ties: the most varied quasi-identifier.
    let pick = -1;
    let fewest = Number.POSITIVE_INFINITY;
    let most = 0;
    for (let q = 0; q < roles.quasi.length; q++) {
      if (base[q]! >= limits[q]!) continue;
      base[q]!++;
      const c = combinations(base);
      base[q]!--;
      const d = at(q, base[q]!);
      if (c < fewest || (c === fewest && d > most)) {
        fewest = c;
        most = d;
        pick = q;
      }
    }
    if (pick < 0) throw tooLarge(groups, maxGroups);
    base[pick]!++;
    groups = await count();
    if (groups <= maxGroups) return base;
  }
}

/** The frequency table at `base`, with what the generalizer needs for levels above it. */
export interface BaseTable {
  table: FrequencyTable;
  above: (Map<string, string[]> | undefined)[];
  originalFrequencies: (Map<number, number> | undefined)[];
}

/**
 * Builds the frequency table from the database's groups at `base` levels.
 *
 * @throws RiskError `LG_RISK_TOO_LARGE` beyond `maxGroups` entries
 */
export async function buildAtBase(
  input: TableInput,
  roles: ColumnRoles,
  base: readonly number[],
  maxGroups: number,
  progress?: (rows: number) => void,
): Promise<BaseTable> {
  const Q = roles.quasi.length;
  const table = new FrequencyTable(
    roles.quasi.map((q) => q.name),
    roles.sensitive,
  );
  const plan = planGroups(input, roles, base);
  const above: (Map<string, string[]> | undefined)[] = plan.above.map((a) => (a ? new Map() : undefined));
  const values: string[] = new Array(Q + roles.sensitive.length);
  let groups = 0;
  for await (const batch of input.groups(plan.exprs)) {
    for (const g of batch) {
      plan.read(g.values, values);
      for (let q = 0; q < Q; q++) {
        const more = plan.above[q];
        if (!more) continue;
        const m = above[q]!;
        const v = values[q]!;
        const known = m.get(v);
        if (!known)
          m.set(
            v,
            more.map((i) => g.values[i]!),
          );
        else if (more.some((i, j) => g.values[i] !== known[j])) {
          // Fail closed: a level above the base that is not a function of it would mis-count classes.
          throw new TypeError(`the SQL levels of "${roles.quasi[q]!.name}" are not nested`);
        }
      }
      table.add(values, g.count);
      if (++groups > maxGroups && table.entries > maxGroups) throw tooLarge(table.entries, maxGroups);
    }
    progress?.(table.records);
  }
  const originalFrequencies: (Map<number, number> | undefined)[] = [];
  for (let q = 0; q < Q; q++) {
    const qi = roles.quasi[q]!;
    if ((base[q] ?? 0) === 0) {
      originalFrequencies.push(undefined);
      continue;
    }
    if (!qi.part) {
      originalFrequencies.push(await input.sizeHistogram([textExpr(input, qi.column)]));
      continue;
    }
    // A resident-ID part: its original values are derived from full-width substrings, counted here.
    const one: ColumnRoles = { ...roles, quasi: [qi], sensitive: [] };
    const p = planGroups(input, one, [0]);
    const counts = new Map<string, number>();
    const out: string[] = [''];
    for await (const batch of input.groups(p.exprs)) {
      for (const g of batch) {
        p.read(g.values, out);
        counts.set(out[0]!, (counts.get(out[0]!) ?? 0) + g.count);
      }
    }
    const hist = new Map<number, number>();
    for (const c of counts.values()) hist.set(c, (hist.get(c) ?? 0) + 1);
    originalFrequencies.push(hist);
  }
  return { table, above, originalFrequencies };
}
