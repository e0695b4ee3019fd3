/**
 * Generalisation hierarchies for quasi-identifiers: each maps a value to a coarser value at a level, from 0 (the
 * value itself) to the top (`*`, fully suppressed). Every level is a function of the level below it (a full-domain
 * generalisation hierarchy in Samarati's and Sweeney's sense), so two values equal at level L are equal at every
 * level above L — the property the lattice search and its roll-ups rely on.
 *
 * Never invents values: a level's output is the input cut down (a prefix, a band containing it, a coarser
 * administrative unit that contains it) or `*`. A value a level cannot interpret (a date that does not parse, an
 * unknown code) goes to `*` rather than to a guess. The empty value (missing) stays empty below the top.
 *
 * Built-ins reuse `generalize` from `src/protect` (dates → month, year, decade; addresses → district, city,
 * province) and the GB/T 2260 province table.
 */
import { CN_PROVINCES } from '../detect/validators/cn-regions.js';
import type { OperatorContext } from '../protect/operator.js';
import { type GeneralizeParams, generalize } from '../protect/operators/generalize.js';

/** The value every hierarchy ends in. */
export const SUPPRESSED = '*';

/** A generalisation hierarchy. `generalize(v, 0)` is `v`; `generalize(v, levels - 1)` is `*`. */
export interface Hierarchy {
  /** `date`, `age`, `region-code`, `address`, `postcode`, `prefix`, `bands`, `map`, `categorical`, `sex`. */
  readonly kind: string;
  /** Level names, from `value` to `*`; its length is the number of levels. */
  readonly labels: readonly string[];
  /** The value at `level` (0 ≤ level < labels.length). Pure and deterministic. */
  generalize(value: string, level: number): string;
  /**
   * A SQL expression computing level `level` from the text expression `expr`, when the database can (dates cut
   * to a prefix, codes to their first digits, numbers to bands). Used to push GROUP BY down.
   */
  sql?(expr: string, level: number, dialect: SqlFlavour): string | undefined;
  /**
   * A SQL condition true for the (trimmed, non-empty) values whose pushed-down levels equal `generalize`'s. A
   * column with any value failing it is not generalised in the database. Absent: every value is exact.
   */
  sqlExact?(expr: string, dialect: SqlFlavour): string;
}

/** The SQL dialects a pushed-down expression is written for. */
export type SqlFlavour = 'postgres' | 'mysql' | 'sqlite';

function top(value: string): string {
  return value === '' ? '' : SUPPRESSED;
}

/** `*` for a non-empty value, `''` for a missing one, in SQL. */
function sqlTop(expr: string): string {
  return `CASE WHEN ${expr} IS NULL OR ${expr} = '' THEN '' ELSE '*' END`;
}

function substr(expr: string, n: number | string, dialect: SqlFlavour, from: number | string = 1): string {
  return dialect === 'sqlite' ? `substr(${expr}, ${from}, ${n})` : `substring(${expr}, ${from}, ${n})`;
}

/** Characters in a string (code points on all three). */
export function sqlLength(expr: string, dialect: SqlFlavour): string {
  return dialect === 'sqlite' ? `length(${expr})` : `CHAR_LENGTH(${expr})`;
}

/** String concatenation. */
export function sqlConcat(parts: readonly string[], dialect: SqlFlavour): string {
  return dialect === 'mysql' ? `CONCAT(${parts.join(', ')})` : `(${parts.join(' || ')})`;
}

/** Whether `expr` is `min` to `max` ASCII digits. */
export function sqlDigits(expr: string, min: number, max: number, dialect: SqlFlavour): string {
  if (dialect === 'postgres') return `(${expr} ~ '^[0-9]{${min},${max}}$')`;
  if (dialect === 'mysql') return `(${expr} REGEXP '^[0-9]{${min},${max}}$')`;
  return `(${sqlLength(expr, dialect)} BETWEEN ${min} AND ${max} AND ${expr} NOT GLOB '*[^0-9]*')`;
}

/** Whether `expr` is a plain integer of up to 15 digits (exact in a double, as `generalize` computes bands). */
function integerSql(expr: string, dialect: SqlFlavour): string {
  const unsigned = `(CASE WHEN ${substr(expr, 1, dialect)} = '-' THEN ${substr(expr, 15, dialect, 2)} ELSE ${expr} END)`;
  return `(${sqlLength(expr, dialect)} <= 16 AND ${sqlDigits(unsigned, 1, 15, dialect)})`;
}

/** `n` asterisks (`n` a SQL integer expression ≥ 0). */
function sqlStars(n: string, dialect: SqlFlavour): string {
  return dialect === 'sqlite' ? `replace(hex(zeroblob(${n})), '00', '*')` : `REPEAT('*', ${n})`;
}

/** A SQL string literal of a constant of ours (never a data value): refuses quotes and backslashes. */
function literal(s: string): string {
  if (/['\\]/.test(s)) throw new TypeError('a SQL literal without quotes or backslashes');
  return `'${s}'`;
}

/** A two-level hierarchy: the value, then `*` (sex, ethnicity, occupation without a custom hierarchy). */
export function categoricalHierarchy(kind = 'categorical'): Hierarchy {
  return {
    kind,
    labels: ['value', SUPPRESSED],
    generalize: (v, level) => (level === 0 ? v : top(v)),
    sql: (expr, level) => (level === 0 ? expr : sqlTop(expr)),
  };
}

function operatorContext(params: GeneralizeParams): OperatorContext<GeneralizeParams> {
  return {
    params,
    type: undefined,
    column: undefined,
    key: undefined,
    keys: undefined,
    subject: undefined,
    vault: undefined,
    actor: undefined,
  };
}

/** Applies `generalize`; `*` when the value is not what it expects (never a guess). */
function viaOperator(value: string, ctx: OperatorContext<GeneralizeParams>): string {
  try {
    const out = generalize.apply(value, ctx);
    return out === '' ? SUPPRESSED : out;
  } catch {
    return SUPPRESSED;
  }
}

/** Dates: value → month (`1990-05`) → year → decade (`1990-1999`) → `*`, through `generalize`. */
export function dateHierarchy(
  levels: readonly ('month' | 'year' | 'decade')[] = ['month', 'year', 'decade'],
): Hierarchy {
  const ctxs = levels.map((to) => operatorContext(generalize.parse({ to, asOf: '2000-01-01' })));
  const labels = ['value', ...levels, SUPPRESSED];
  return {
    kind: 'date',
    labels,
    generalize(v, level) {
      if (level === 0 || v === '') return v;
      if (level >= labels.length - 1) return SUPPRESSED;
      return viaOperator(v, ctxs[level - 1]!);
    },
    sql(expr, level, dialect) {
      if (level === 0) return expr;
      if (level >= labels.length - 1) return sqlTop(expr);
      // Only ISO `YYYY-MM-DD…` text is cut in SQL; the caller checks the column is ISO before pushing down.
      const to = levels[level - 1]!;
      const inner = (cut: string) => `CASE WHEN ${expr} = '' THEN '' ELSE ${cut} END`;
      if (to === 'month') return inner(substr(expr, 7, dialect));
      if (to === 'year') return inner(substr(expr, 4, dialect));
      const y3 = substr(expr, 3, dialect);
      return inner(sqlConcat([y3, "'0-'", y3, "'9'"], dialect));
    },
    sqlExact(expr, dialect) {
      // Exactly `YYYY-MM-DD`, a calendar date, year 1000 or later (`generalize` writes year 990 as `990`).
      const shape =
        dialect === 'postgres'
          ? `${expr} ~ '^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'`
          : dialect === 'mysql'
            ? `${expr} REGEXP '^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'`
            : `${sqlLength(expr, dialect)} = 10 AND ${expr} GLOB '[1-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]' AND ${substr(expr, 2, dialect, 6)} BETWEEN '01' AND '12' AND ${substr(expr, 2, dialect, 9)} BETWEEN '01' AND '31'`;
      const y = `CAST(${substr(expr, 4, dialect)} AS ${dialect === 'mysql' ? 'SIGNED' : 'INTEGER'})`;
      const leap = `(${y} % 4 = 0 AND (${y} % 100 <> 0 OR ${y} % 400 = 0))`;
      const m = substr(expr, 2, dialect, 6);
      const days = `CASE WHEN ${m} = '02' THEN CASE WHEN ${leap} THEN '29' ELSE '28' END WHEN ${m} IN ('04', '06', '09', '11') THEN '30' ELSE '31' END`;
      return `(CASE WHEN ${shape} THEN CASE WHEN ${substr(expr, 2, dialect, 9)} <= ${days} THEN 1 ELSE 0 END ELSE 0 END = 1)`;
    },
  };
}

/**
 * A number (age) → bands of the given widths (`30-34`, `30-39`, `20-39`) → `*`. A band is `lo-hi` with integers,
 * `[lo,hi)` otherwise (as `generalize` `bucket` writes them). Widths must each divide the next so bands nest.
 */
export function bandHierarchy(widths: readonly number[], kind = 'bands'): Hierarchy {
  for (let i = 1; i < widths.length; i++) {
    const a = widths[i - 1]!;
    const b = widths[i]!;
    if (!(b > a) || Math.abs(b / a - Math.round(b / a)) > 1e-9) {
      throw new RangeError(`band widths must increase and each divide the next: ${widths.join(', ')}`);
    }
  }
  const ctxs = widths.map((width) => operatorContext(generalize.parse({ to: 'bucket', width })));
  const labels = ['value', ...widths.map((w) => `width ${w}`), SUPPRESSED];
  return {
    kind,
    labels,
    generalize(v, level) {
      if (level === 0 || v === '') return v;
      if (level >= labels.length - 1) return SUPPRESSED;
      return viaOperator(v.trim(), ctxs[level - 1]!);
    },
    sql(expr, level, dialect) {
      if (level === 0) return expr;
      if (level >= labels.length - 1) return sqlTop(expr);
      const w = widths[level - 1]!;
      if (!Number.isInteger(w)) return undefined;
      const num =
        dialect === 'postgres'
          ? `(${expr})::numeric`
          : dialect === 'mysql'
            ? `CAST(${expr} AS DECIMAL(30,6))`
            : `CAST(${expr} AS REAL)`;
      const lo = `CAST(FLOOR(${num} / ${w}) * ${w} AS ${dialect === 'mysql' ? 'SIGNED' : 'BIGINT'})`;
      const hi = `${lo} + ${w - 1}`;
      const cat =
        dialect === 'mysql' ? `CONCAT(${lo}, '-', ${hi})` : `CAST(${lo} AS TEXT) || '-' || CAST(${hi} AS TEXT)`;
      // Non-integers are written `[lo,hi)` by `generalize`; `sqlExact` keeps such columns in memory, and guards
      // the cast here (a value that changed since the guard query becomes `*` rather than a cast error).
      return `CASE WHEN ${expr} = '' THEN '' WHEN ${integerSql(expr, dialect)} THEN ${cat} ELSE '*' END`;
    },
    sqlExact: (expr, dialect) => integerSql(expr, dialect),
  };
}

/** Ages: value → 5-year → 10-year → 20-year bands → `*`. */
export function ageHierarchy(): Hierarchy {
  return bandHierarchy([5, 10, 20], 'age');
}

/**
 * Keep a prefix of `keep[i]` characters at level i + 1 and mask the rest with `*` (postcodes `100080` → `1000**`
 * → `10****`). Shorter values keep what they have, masked to the same shape.
 */
export function prefixHierarchy(keep: readonly number[], kind = 'prefix'): Hierarchy {
  for (let i = 1; i < keep.length; i++) {
    if (!(keep[i]! < keep[i - 1]!)) throw new RangeError(`prefix lengths must decrease: ${keep.join(', ')}`);
  }
  const labels = ['value', ...keep.map((n) => `first ${n}`), SUPPRESSED];
  return {
    kind,
    labels,
    generalize(v, level) {
      if (level === 0 || v === '') return v;
      if (level >= labels.length - 1) return SUPPRESSED;
      const n = keep[level - 1]!;
      const chars = Array.from(v);
      if (chars.length <= n) return v.length === 0 ? v : `${chars.slice(0, Math.max(0, chars.length - 1)).join('')}*`;
      return chars.slice(0, n).join('') + '*'.repeat(chars.length - n);
    },
    sql(expr, level, dialect) {
      if (level === 0) return expr;
      if (level >= labels.length - 1) return sqlTop(expr);
      const n = keep[level - 1]!;
      const len = sqlLength(expr, dialect);
      const short = sqlConcat([substr(expr, `${len} - 1`, dialect), "'*'"], dialect);
      const long = sqlConcat([substr(expr, n, dialect), sqlStars(`${len} - ${n}`, dialect)], dialect);
      return `CASE WHEN ${expr} = '' THEN '' WHEN ${len} <= ${n} THEN ${short} ELSE ${long} END`;
    },
  };
}

/** Chinese postcodes (6 digits: province 2, post area 2, delivery office 2): `100080` → `1000**` → `10****` → `*`. */
export function postcodeHierarchy(): Hierarchy {
  return prefixHierarchy([4, 2], 'postcode');
}

const PROVINCE_NAME = new Map(CN_PROVINCES.map((p) => [p.code, p.name]));

/**
 * GB/T 2260 region codes, also the partial prefixes a masked resident ID leaves (`110105`, `1101`, `110`):
 * value → prefecture (`1101`, first four digits) → province name (`北京`) → `*`. A prefix too short for a level
 * goes to the next coarser level it does determine; an unknown province code goes to `*`.
 */
export function regionCodeHierarchy(): Hierarchy {
  return {
    kind: 'region-code',
    labels: ['value', 'prefecture', 'province', SUPPRESSED],
    generalize(v, level) {
      if (level === 0 || v === '') return v;
      if (level >= 3) return SUPPRESSED;
      const digits = /^\d{2,6}$/.test(v) ? v : '';
      const province = PROVINCE_NAME.get(digits.slice(0, 2));
      if (province === undefined) return SUPPRESSED;
      if (level === 1 && digits.length >= 4) return digits.slice(0, 4);
      return province;
    },
    sql(expr, level, dialect) {
      if (level === 0) return expr;
      if (level >= 3) return sqlTop(expr);
      const p2 = substr(expr, 2, dialect);
      const name = `CASE ${p2} ${CN_PROVINCES.map((p) => `WHEN ${literal(p.code)} THEN ${literal(p.name)}`).join(' ')} END`;
      const known = `${sqlDigits(expr, 2, 6, dialect)} AND ${p2} IN (${CN_PROVINCES.map((p) => literal(p.code)).join(', ')})`;
      const prefecture = level === 1 ? `WHEN ${sqlLength(expr, dialect)} >= 4 THEN ${substr(expr, 4, dialect)} ` : '';
      return `CASE WHEN ${expr} = '' THEN '' WHEN NOT (${known}) THEN '*' ${prefecture}ELSE ${name} END`;
    },
  };
}

/** Chinese addresses: value → district (`北京市海淀区`) → city → province → `*`, through `generalize`. */
export function addressHierarchy(): Hierarchy {
  const ctxs = (['district', 'city', 'province'] as const).map((to) => operatorContext(generalize.parse({ to })));
  return {
    kind: 'address',
    labels: ['value', 'district', 'city', 'province', SUPPRESSED],
    generalize(v, level) {
      if (level === 0 || v === '') return v;
      if (level >= 4) return SUPPRESSED;
      return viaOperator(v, ctxs[level - 1]!);
    },
  };
}

/**
 * A custom hierarchy from a table: `rows.get(value)` lists the value's ancestors, level 1 first (ARX's hierarchy
 * CSV shape). A value not in the table goes to `*` at every level above 0. All rows have the same length.
 */
export function mapHierarchy(rows: ReadonlyMap<string, readonly string[]>, depth: number): Hierarchy {
  const labels = ['value', ...Array.from({ length: depth }, (_, i) => `level ${i + 1}`), SUPPRESSED];
  return {
    kind: 'map',
    labels,
    generalize(v, level) {
      if (level === 0 || v === '') return v;
      if (level >= labels.length - 1) return SUPPRESSED;
      return rows.get(v)?.[level - 1] ?? SUPPRESSED;
    },
  };
}

/** Whether `generalised` is what `h` makes of `original` at some level (the "never invents" check). */
export function isGeneralizationOf(h: Hierarchy, original: string, generalised: string): boolean {
  for (let l = 0; l < h.labels.length; l++) if (h.generalize(original, l) === generalised) return true;
  return false;
}
