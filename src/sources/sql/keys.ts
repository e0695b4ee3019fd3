/**
 * Key tuples: how a primary-key range travels inside a unit (`encodeKey`/`decodeKey`), how it reads in a location
 * (`formatKey`: `id=42`) and how keyset predicates are built (`keyCompare`).
 *
 * Range units are half-open on the left and closed on the right, `(from, to]`, with `null` for an open end, so
 * consecutive ranges tile the key space with no gap and no overlap whatever rows are inserted meanwhile.
 */
import type { SqlDialect } from './types.js';

/**
 * Encode a key tuple as JSON that survives a queue: numbers stay numbers, `bigint` becomes `{"n":"…"}`, bytes
 * become `{"b":"<base64>"}`, dates their ISO text, strings stay strings.
 *
 * @example
 * encodeKey([42n, 'a']) // '[{"n":"42"},"a"]'
 */
export function encodeKey(values: readonly unknown[]): string {
  return JSON.stringify(values.map(encodeOne));
}

function encodeOne(v: unknown): unknown {
  if (typeof v === 'bigint') return { n: v.toString() };
  if (v instanceof Uint8Array) return { b: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (v === undefined) return null;
  return v;
}

/**
 * Decode a key tuple written by {@link encodeKey}.
 *
 * @throws {TypeError} when the text is not a key tuple of `arity` values (a corrupted or foreign unit).
 * @example
 * decodeKey('[{"n":"42"},"a"]', 2) // [42n, 'a']
 */
export function decodeKey(text: string, arity: number): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TypeError('A unit key bound is not valid JSON');
  }
  if (!Array.isArray(parsed) || parsed.length !== arity) {
    throw new TypeError(`A unit key bound must be a JSON array of ${arity} value(s)`);
  }
  return parsed.map((v) => {
    if (v === null || typeof v === 'string' || typeof v === 'number') return v;
    if (typeof v === 'object' && typeof (v as { n?: unknown }).n === 'string') {
      const n = (v as { n: string }).n;
      // An optionally negative integer of at most 40 digits. Example match: `-42`. Does not match `1e3` or `0x1`.
      if (!/^-?[0-9]{1,40}$/.test(n)) throw new TypeError('A unit key bound holds a malformed integer');
      return BigInt(n);
    }
    if (typeof v === 'object' && typeof (v as { b?: unknown }).b === 'string') {
      return Buffer.from((v as { b: string }).b, 'base64');
    }
    throw new TypeError('A unit key bound holds a value of an unknown kind');
  });
}

/**
 * A key value as it reads in a location: numbers bare, bytes as hex, strings bare unless they contain a separator
 * (`,` `=` `"` or whitespace), then JSON-quoted.
 */
export function formatKeyValue(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  // A string free of the separators `,` `=` `"` and whitespace. Example match: `acme`. Does not match `a b`,
  // `x,y`: those are JSON-quoted so `a=1,b=2` stays unambiguous.
  if (typeof v === 'string') return /^[^,="\s]*$/.test(v) && v.length > 0 ? v : JSON.stringify(v);
  if (v instanceof Uint8Array) {
    const hex = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
    return hex.length > 64 ? `0x${hex.slice(0, 64)}…` : `0x${hex}`;
  }
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/**
 * A row's key as text for `loc.key`.
 *
 * @example
 * formatKey(['tenant', 'id'], ['acme', 7]) // 'tenant=acme,id=7'
 */
export function formatKey(names: readonly string[], values: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out += ',';
    out += `${names[i]}=${formatKeyValue(values[i])}`;
  }
  return out;
}

/** Bound parameters collected while a statement is built. */
export class SqlParams {
  readonly values: unknown[] = [];
  constructor(private readonly dialect: SqlDialect) {}
  /** Add a value and return its placeholder. */
  add(v: unknown): string {
    this.values.push(v);
    return this.dialect.param(this.values.length);
  }
}

/**
 * A keyset predicate: `(k1, k2) > (v1, v2)` or `(k1, k2) <= (v1, v2)` in lexicographic key order.
 *
 * Dialects with row values get the row comparison (PostgreSQL and SQLite use the index for it). MySQL/MariaDB get
 * the expanded form with a leading bound on the first column, `k1 >= v1 AND (k1 > v1 OR (k1 = v1 AND k2 > v2))`,
 * because MariaDB does not turn a row comparison into an index range.
 */
export function keyCompare(
  dialect: SqlDialect,
  refs: readonly string[],
  op: '>' | '<=',
  values: readonly unknown[],
  params: SqlParams,
): string {
  if (refs.length === 0) throw new TypeError('A key needs at least one column');
  if (refs.length === 1) return `${refs[0]} ${op} ${params.add(values[0])}`;
  if (dialect.rowValues) {
    const ps = values.map((v) => params.add(v));
    return `(${refs.join(', ')}) ${op} (${ps.join(', ')})`;
  }
  const lead = `${refs[0]} ${op === '>' ? '>=' : '<='} ${params.add(values[0])}`;
  const strict = op === '>' ? '>' : '<';
  const build = (i: number): string => {
    if (i === refs.length - 1) return `${refs[i]} ${op} ${params.add(values[i])}`;
    return `(${refs[i]} ${strict} ${params.add(values[i])} OR (${refs[i]} = ${params.add(values[i])} AND ${build(i + 1)}))`;
  };
  return `${lead} AND ${build(0)}`;
}

/**
 * How a range reads in ids and messages: `(1000,2000]` for a single integer key, `#3` otherwise (key values of
 * text keys may be personal data, so they stay inside unit params and out of ids and messages).
 */
export function rangeLabel(
  integerKey: boolean,
  from: readonly unknown[] | null,
  to: readonly unknown[] | null,
  ordinal: number,
): string {
  if (!integerKey) return `#${ordinal}`;
  const lo = from ? formatKeyValue(from[0]) : '';
  const hi = to ? formatKeyValue(to[0]) : '';
  return `(${lo},${hi}]`;
}
