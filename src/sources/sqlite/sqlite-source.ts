/**
 * SQLite source (`sqlite:path`, `sqlite:///abs/path`) through better-sqlite3.
 *
 * The file is opened `readonly: true` with `fileMustExist`, plus `PRAGMA query_only` and `PRAGMA trusted_schema =
 * OFF` (a database file from an untrusted origin cannot make its views or triggers call application functions).
 *
 * **Timeouts.** better-sqlite3 is synchronous and exposes neither `sqlite3_interrupt` nor a progress handler, so
 * a statement cannot be stopped from outside while SQLite computes. The statement timeout is therefore enforced
 * between rows (checked every 256 rows, and per batch in streams) and used as the busy timeout for locks. A single
 * long step — sorting a huge table for `ORDER BY random()` before the first row — can overrun it; sampling caps
 * such sorts at `randomSampleMaxRows` and probes by `rowid` above that.
 *
 * Tables without a primary key are read by `rowid` (or its aliases `_rowid_`, `oid` when a column shadows it).
 */
import { createRequire } from 'node:module';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import { parseDbUrl, type SqliteSpec } from '../db-url.js';
import { errorCodeOf, messageOf } from '../sql/errors.js';
import { quoteIdentifier } from '../sql/identifiers.js';
import { SqlSource, type SqlSourceOptions } from '../sql/sql-source.js';
import type {
  ColumnInfo,
  ColumnKind,
  KeyColumn,
  Row,
  SqlConnection,
  SqlConnectOptions,
  SqlDialect,
  SqlDriver,
  SqlErrorClass,
  SqlQuery,
  TableInfo,
} from '../sql/types.js';

/** The SQLite dialect. */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  label: 'SQLite',
  quote: (id) => quoteIdentifier(id, '"'),
  param: () => '?',
  rowValues: true,
  // SQLite's random() cannot be seeded: rank rows by a keyed hash of their key (a function each connection
  // registers); a table without any key falls back to random().
  seededOrder: (seed, keyRefs) => ({
    order: keyRefs.length > 0 ? `${RANK_FUNCTION}(${seed}, ${keyRefs.join(', ')})` : 'random()',
  }),
  offset: (n) => `LIMIT -1 OFFSET ${n}`,
  text: (e) => `CAST(${e} AS TEXT)`,
};

/** The name of the hash-rank function registered on every connection. */
const RANK_FUNCTION = 'leakguard_rank';

/** FNV-1a (32 bit) over the seed and the key values: a stable pseudo-random rank. */
function rank(seed: unknown, ...key: unknown[]): number {
  let h = 0x811c9dc5 ^ Number(seed);
  const text = key.map((k) => (k instanceof Uint8Array ? Buffer.from(k).toString('hex') : String(k))).join('\u0000');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche (murmur3 fmix32) so keys differing in the last character spread over the whole range.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Rows between deadline checks. */
const CHECK_EVERY = 256;

/** The statement ran past the statement timeout (checked between rows). */
class SqliteTimeoutError extends Error {
  readonly code = 'LG_SQLITE_TIMEOUT';
  constructor() {
    super('statement timeout');
  }
}

class SqliteConnection implements SqlConnection {
  readonly backendId = undefined;
  broken = false;
  readonly #db: BetterSqlite3.Database;
  readonly #timeoutMs: number;

  constructor(db: BetterSqlite3.Database, timeoutMs: number) {
    this.#db = db;
    this.#timeoutMs = timeoutMs;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    this.#check();
    const stmt = this.#db.prepare(sql);
    if (!stmt.reader) {
      stmt.run(...(params as unknown[]));
      return [];
    }
    stmt.raw(true).safeIntegers(true);
    const deadline = performance.now() + this.#timeoutMs;
    const out: Row[] = [];
    const it = stmt.iterate(...(params as unknown[])) as IterableIterator<unknown[]>;
    try {
      for (const row of it) {
        out.push(row);
        if (out.length % CHECK_EVERY === 0 && performance.now() > deadline) throw new SqliteTimeoutError();
      }
    } finally {
      it.return?.();
    }
    return out;
  }

  async *stream(sql: string, params: readonly unknown[], batchRows: number): AsyncIterable<Row[]> {
    this.#check();
    const stmt = this.#db.prepare(sql);
    stmt.raw(true).safeIntegers(true);
    const it = stmt.iterate(...(params as unknown[])) as IterableIterator<unknown[]>;
    try {
      let batch: Row[] = [];
      let deadline = performance.now() + this.#timeoutMs;
      for (const row of it) {
        batch.push(row);
        if (batch.length % CHECK_EVERY === 0 && performance.now() > deadline) throw new SqliteTimeoutError();
        if (batch.length >= batchRows) {
          yield batch;
          batch = [];
          await yieldToLoop();
          this.#check();
          deadline = performance.now() + this.#timeoutMs;
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      if (this.#db.open) it.return?.();
    }
  }

  async begin(): Promise<void> {
    this.#check();
    this.#db.exec('BEGIN');
  }

  async commit(): Promise<void> {
    if (this.#db.open && this.#db.inTransaction) this.#db.exec('COMMIT');
  }

  async rollback(): Promise<void> {
    if (this.#db.open && this.#db.inTransaction) this.#db.exec('ROLLBACK');
  }

  destroy(): void {
    this.broken = true;
    try {
      this.#db.close();
    } catch {
      // An iterator is still open: the handle is dropped with the connection object.
    }
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  #check(): void {
    if (!this.#db.open) {
      this.broken = true;
      throw Object.assign(new Error('The database connection is closed'), { code: 'SQLITE_MISUSE' });
    }
  }
}

/** Declared type → kind, following SQLite's affinity rules (https://sqlite.org/datatype3.html §3.1). */
export function sqliteColumnKind(declared: string): ColumnKind {
  const t = declared.toUpperCase();
  if (t.includes('JSON')) return 'json';
  if (t.includes('BOOL')) return 'boolean';
  if (t.includes('DATE') || t.includes('TIME')) return 'datetime';
  if (t.includes('INT')) return 'number';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'text';
  if (t.includes('BLOB')) return 'binary';
  if (t === '') return 'other';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'number';
  return 'number';
}

interface XInfo {
  cid: bigint;
  name: string;
  type: string;
  notnull: bigint;
  pk: bigint;
  hidden: bigint;
}

/** The better-sqlite3 driver. */
export class SqliteDriver implements SqlDriver {
  readonly dialect = sqliteDialect;
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  async connect(options: SqlConnectOptions): Promise<SqlConnection> {
    const require = createRequire(import.meta.url);
    const Database = require('better-sqlite3') as typeof BetterSqlite3;
    const db = new Database(this.#path, { readonly: true, fileMustExist: true, timeout: options.statementTimeoutMs });
    try {
      db.pragma('query_only = ON');
      db.pragma('trusted_schema = OFF');
      db.function(RANK_FUNCTION, { deterministic: true, varargs: true, safeIntegers: true }, rank);
      // Reading the schema proves the file is a database (opening does not read it).
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
    } catch (e) {
      db.close();
      throw e;
    }
    return new SqliteConnection(db, options.statementTimeoutMs);
  }

  async introspect(q: SqlQuery): Promise<TableInfo[]> {
    const tables = await q.query(
      `SELECT name, sql FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
    );
    const out: TableInfo[] = [];
    for (const [nameRaw, sqlRaw] of tables) {
      const name = String(nameRaw);
      // Virtual tables (FTS, R-tree) need their module to be read; their shadow tables are ordinary and scanned.
      // The statement that made a virtual table. Example match: `CREATE VIRTUAL TABLE docs USING fts5(body)`.
      // Does not match `CREATE TABLE virtual_things (…)`.
      if (/^\s*CREATE\s+VIRTUAL\b/i.test(String(sqlRaw ?? ''))) continue;
      out.push(await this.#table(q, name));
    }
    return out;
  }

  async #table(q: SqlQuery, name: string): Promise<TableInfo> {
    const xinfo = (
      await q.query(`SELECT cid, name, type, "notnull", pk, hidden FROM pragma_table_xinfo(?, 'main')`, [name])
    ).map(
      ([cid, n, type, notnull, pk, hidden]) =>
        ({ cid, name: String(n), type: String(type ?? ''), notnull, pk, hidden }) as XInfo,
    );
    const cols = xinfo.filter((c) => c.hidden === 0n || c.hidden === 2n || c.hidden === 3n);
    const indexes = await q.query(`SELECT name, "unique", partial FROM pragma_index_list(?, 'main')`, [name]);
    const leading = new Set<string>();
    let uniqueKey: string[] | undefined;
    for (const [idxName, unique, partial] of indexes) {
      const parts = await q.query(`SELECT seqno, cid, name FROM pragma_index_info(?, 'main') ORDER BY seqno`, [
        idxName,
      ]);
      const first = parts[0];
      if (first && first[2] !== null) leading.add(String(first[2]));
      if (uniqueKey || unique !== 1n || partial !== 0n) continue;
      const names = parts.map((p) => (p[2] === null ? undefined : String(p[2])));
      if (names.length === 0 || names.some((n) => n === undefined)) continue;
      if (names.every((n) => cols.find((c) => c.name === n)?.notnull === 1n)) uniqueKey = names as string[];
    }
    const pkCols = cols.filter((c) => c.pk > 0n).sort((a, b) => Number(a.pk - b.pk));
    if (pkCols[0]) leading.add(pkCols[0].name);
    const columns: ColumnInfo[] = cols.map((c) => ({
      name: c.name,
      type: c.type,
      kind: sqliteColumnKind(c.type),
      nullable: c.notnull === 0n && c.pk === 0n,
      expr: quoteIdentifier(c.name, '"'),
      indexed: leading.has(c.name),
    }));
    const keyCol = (n: string): KeyColumn => {
      const c = columns.find((x) => x.name === n)!;
      return { name: n, expr: c.expr, ref: c.expr, integer: c.type.toUpperCase().includes('INT') };
    };
    const wr = await q.query(`SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?`, [name]);
    const withoutRowid = wr[0]?.[0] === 1n;
    const alias = withoutRowid
      ? undefined
      : ['rowid', '_rowid_', 'oid'].find((a) => !columns.some((c) => c.name.toLowerCase() === a));
    let estimatedRows: number | undefined;
    if (alias) {
      const r = await q.query(`SELECT max(${alias}) - min(${alias}) + 1 FROM main.${quoteIdentifier(name, '"')}`);
      const v = r[0]?.[0];
      estimatedRows = v === null || v === undefined ? 0 : Number(v);
    }
    const base = { schema: 'main', name, columns, ...(estimatedRows !== undefined ? { estimatedRows } : {}) };
    if (pkCols.length > 0) return { ...base, key: pkCols.map((c) => keyCol(c.name)), keySource: 'primary' };
    if (uniqueKey) return { ...base, key: uniqueKey.map(keyCol), keySource: 'unique' };
    if (alias) return { ...base, key: [{ name: alias, expr: alias, ref: alias, integer: true }], keySource: 'rowid' };
    return { ...base, key: [], keySource: 'none' };
  }

  classify(error: unknown): SqlErrorClass {
    if (error instanceof SqliteTimeoutError) return 'timeout';
    const code = errorCodeOf(error) ?? '';
    if (code.startsWith('SQLITE_READONLY')) return 'readonly';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code === 'SQLITE_INTERRUPT')
      return 'timeout';
    if (code.startsWith('SQLITE_CANTOPEN')) return 'missing';
    if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_MISUSE') return 'connection';
    if (code === 'SQLITE_AUTH' || code.startsWith('SQLITE_PERM')) return 'permission';
    // SQLite's message for a dropped table (`no such table: main.t`); no other SQLITE_ERROR says this.
    if (code === 'SQLITE_ERROR' && /no such table/i.test(messageOf(error))) return 'missing';
    return 'other';
  }

  code(error: unknown): string | undefined {
    if (error instanceof SqliteTimeoutError) return undefined;
    return errorCodeOf(error);
  }
}

/**
 * A source over a SQLite file.
 *
 * @throws {UsageError} `LG_USAGE` when `url` is not a `sqlite:` URL.
 * @example
 * const source = createSqliteSource('sqlite:./app.db?tables=users', { full: true })
 */
export function createSqliteSource(url: string | SqliteSpec, options: SqlSourceOptions = {}): SqlSource {
  const spec = typeof url === 'string' ? parseDbUrl(url) : url;
  if (spec.kind !== 'sqlite') throw new TypeError(`createSqliteSource needs a sqlite: URL, got ${spec.kind}`);
  return new SqlSource(
    new SqliteDriver(spec.path),
    { display: spec.display, base: spec.base },
    {
      ...(spec.tables ? { tables: spec.tables } : {}),
      ...(spec.sampleRows !== undefined ? { sampleRows: spec.sampleRows } : {}),
      ...options,
    },
  );
}
