/**
 * PostgreSQL source (`postgres://`, `postgresql://`) through `pg` (node-postgres), loaded only when a source is
 * created.
 *
 * Each session is set up with `SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY`, `statement_timeout`,
 * `lock_timeout` (a scan must not queue behind an `ALTER TABLE` and block everyone after it),
 * `idle_in_transaction_session_timeout` (a stuck scanner cannot hold a snapshot for ever) and
 * `synchronize_seqscans = off` (a physical-order read of a keyless table starts at page 0, so a resumed read can
 * continue after the last `ctid`). These are plain `SET`s after connecting rather than startup `options`, which
 * PgBouncer refuses. Every statement then runs inside `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`.
 *
 * Every value is selected as text (`"c"::text`, arrays as `text[]`): PostgreSQL's own output functions render
 * dates, numerics and JSON exactly, and key values read as text go back as untyped parameters that the server
 * casts to the column's type, so keyset bounds round-trip exactly for any key type.
 *
 * Needs PostgreSQL 12 or later (`pg_partition_tree`). Scans ordinary, partitioned (as one table, not per
 * partition) and materialized-view relations; views and foreign tables are not read.
 */
import { createRequire } from 'node:module';
import type { ConnectionOptions } from 'node:tls';
import type pg from 'pg';
import { type NetworkSqlSpec, parseDbUrl } from '../db-url.js';
import { errorCodeOf, messageOf, NETWORK_CODES } from '../sql/errors.js';
import { quoteIdentifier } from '../sql/identifiers.js';
import { SqlSource, type SqlSourceOptions } from '../sql/sql-source.js';
import { readCaFile, tlsOptions } from '../sql/tls.js';
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

/** The PostgreSQL dialect. */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  label: 'PostgreSQL',
  quote: (id) => quoteIdentifier(id, '"'),
  param: (i) => `$${i}`,
  rowValues: true,
  // random() after setseed() is deterministic for the same scan order (synchronize_seqscans is off).
  seededOrder: (seed) => ({ setup: `SELECT setseed(${(seed / 2 ** 31) * 2 - 1})`, order: 'random()' }),
  offset: (n) => `OFFSET ${n}`,
  text: (e) => `(${e})::text`,
  tableSample: (p, seed) => `TABLESAMPLE SYSTEM (${p}) REPEATABLE (${seed})`,
};

/**
 * A `ctid` as PostgreSQL prints it: `(block,offset)`. Example match: `(0,1)`, `(4294967295,291)`. Source: the tid
 * output function (`tidout`). Does not match anything else, so a value from a queue can be inlined safely.
 */
const CTID_RE = /^\([0-9]{1,10},[0-9]{1,5}\)$/;

/** Where a cursor name is needed (one cursor per connection at a time). */
const CURSOR = 'leakguard_cursor';

class PgConnection implements SqlConnection {
  broken = false;
  readonly #client: pg.Client;

  constructor(client: pg.Client) {
    this.#client = client;
    // An error on an idle connection (a terminated backend) arrives as an event: without a listener it would
    // crash the process; with it, the connection is marked and the next use retries on a fresh one.
    client.on('error', () => {
      this.broken = true;
    });
    client.on('end', () => {
      this.broken = true;
    });
  }

  get backendId(): number | undefined {
    return (this.#client as unknown as { processID?: number }).processID ?? undefined;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const r = await this.#client.query({ text: sql, values: params as unknown[], rowMode: 'array' });
    return r.rows as Row[];
  }

  async *stream(sql: string, params: readonly unknown[], batchRows: number): AsyncIterable<Row[]> {
    await this.#client.query({ text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${sql}`, values: params as unknown[] });
    let open = true;
    try {
      for (;;) {
        const rows = await this.query(`FETCH FORWARD ${batchRows} FROM ${CURSOR}`);
        if (rows.length > 0) yield rows;
        if (rows.length < batchRows) break;
      }
      await this.#client.query(`CLOSE ${CURSOR}`);
      open = false;
    } finally {
      if (open && !this.broken) await this.#client.query(`CLOSE ${CURSOR}`).catch(() => undefined);
    }
  }

  async begin(): Promise<void> {
    await this.#client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async commit(): Promise<void> {
    await this.#client.query('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.#client.query('ROLLBACK');
  }

  destroy(): void {
    this.broken = true;
    void this.#client.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.#client.end();
  }
}

/** PostgreSQL type → kind. `typname` is resolved through domains; `category` is `pg_type.typcategory`. */
export function postgresColumnKind(typname: string, category: string): ColumnKind {
  if (category === 'A') return 'array';
  switch (typname) {
    case 'json':
    case 'jsonb':
      return 'json';
    case 'bytea':
    case 'tsvector':
    case 'tsquery':
    case 'geometry':
    case 'geography':
    case 'raster':
    case 'bit':
    case 'varbit':
      return 'binary';
    case 'bool':
      return 'boolean';
  }
  switch (category) {
    case 'N':
      return 'number';
    case 'D':
      return 'datetime';
    case 'S':
    case 'E':
    case 'I':
      return 'text';
    case 'B':
      return 'boolean';
    case 'V':
      return 'binary';
    default:
      return 'other';
  }
}

const INTEGER_TYPES = new Set(['int2', 'int4', 'int8']);

/** The node-postgres driver. */
export class PostgresDriver implements SqlDriver {
  readonly dialect = postgresDialect;
  readonly #spec: NetworkSqlSpec;
  readonly #ca: string | undefined;

  constructor(spec: NetworkSqlSpec) {
    this.#spec = spec;
    this.#ca = readCaFile(spec.tlsCaFile, spec.display);
  }

  async connect(options: SqlConnectOptions): Promise<SqlConnection> {
    const mode = this.#spec.tls;
    if (mode === 'allow' || mode === 'prefer') {
      try {
        return await this.#connect(options, tlsOptions(mode, this.#ca));
      } catch (e) {
        // `prefer`: the server has no TLS, so fall back to a plain connection, as libpq does.
        // node-postgres: `The server does not support SSL connections`. Any other failure is real.
        if (!/does not support SSL/i.test(messageOf(e))) throw e;
        return this.#connect(options, false);
      }
    }
    return this.#connect(options, tlsOptions(mode, this.#ca));
  }

  async #connect(options: SqlConnectOptions, ssl: false | ConnectionOptions): Promise<SqlConnection> {
    const require = createRequire(import.meta.url);
    const { Client } = require('pg') as typeof pg;
    const s = this.#spec;
    const client = new Client({
      host: s.socketPath ?? s.host,
      port: s.port,
      ...(s.user !== undefined ? { user: s.user } : {}),
      ...(s.password !== undefined ? { password: s.password } : {}),
      ...(s.database !== undefined ? { database: s.database } : {}),
      ssl,
      connectionTimeoutMillis: options.connectTimeoutMs,
      application_name: options.applicationName,
      keepAlive: true,
    });
    // Attach before connecting: a failed connect also emits 'error'.
    const conn = new PgConnection(client);
    try {
      await client.connect();
      const ms = options.statementTimeoutMs;
      await client.query(
        'SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY;' +
          ` SET statement_timeout = ${ms}; SET lock_timeout = ${ms};` +
          ` SET idle_in_transaction_session_timeout = ${Math.max(600_000, ms * 10)};` +
          ' SET synchronize_seqscans = off;',
      );
    } catch (e) {
      conn.destroy();
      throw e;
    }
    return conn;
  }

  async introspect(q: SqlQuery, schemas: readonly string[] | undefined): Promise<TableInfo[]> {
    const rels = await q.query(
      `SELECT c.oid::int8::text, n.nspname, c.relname, c.relkind,
         CASE
           WHEN c.relkind = 'p' THEN (SELECT sum(greatest(c2.reltuples, 0))::int8::text FROM pg_partition_tree(c.oid) pt
                                      JOIN pg_class c2 ON c2.oid = pt.relid WHERE pt.isleaf)
           WHEN c.reltuples > 0 THEN c.reltuples::int8::text
           WHEN pg_relation_size(c.oid) > 1048576 THEN (pg_relation_size(c.oid) / 100)::text
         END,
         (s.n_tup_ins + s.n_tup_upd + s.n_tup_del)::text
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
       WHERE c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition
         AND n.nspname NOT IN ('pg_catalog', 'information_schema')
         AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
         AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
       ORDER BY n.nspname, c.relname`,
      [schemas ? [...schemas] : null],
    );
    if (rels.length === 0) return [];
    const oids = rels.map((r) => String(r[0]));
    const cols = await q.query(
      `SELECT a.attrelid::int8::text, a.attname, format_type(a.atttypid, a.atttypmod),
         coalesce(bt.typname, t.typname), coalesce(bt.typcategory, t.typcategory)::text, a.attnotnull
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
       WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attrelid, a.attnum`,
      [oids],
    );
    const idx = await q.query(
      `SELECT i.indrelid::int8::text, i.indisprimary, i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL,
         array(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
               WHERE k.ord <= i.indnkeyatts ORDER BY k.ord)::text[],
         i.indnkeyatts
       FROM pg_index i
       WHERE i.indrelid = ANY($1::oid[]) AND i.indisvalid
       ORDER BY i.indrelid, i.indisprimary DESC, i.indexrelid`,
      [oids],
    );
    const byRel = new Map<string, { columns: ColumnInfo[]; typ: Map<string, string> }>();
    for (const [rel, name, type, typname, category, notnull] of cols) {
      let e = byRel.get(String(rel));
      if (!e) byRel.set(String(rel), (e = { columns: [], typ: new Map() }));
      const n = String(name);
      const kind = postgresColumnKind(String(typname), String(category));
      const q1 = quoteIdentifier(n, '"');
      e.columns.push({
        name: n,
        type: String(type),
        kind,
        nullable: notnull !== true,
        expr: kind === 'array' ? `${q1}::text[]` : `${q1}::text`,
      });
      e.typ.set(n, String(typname));
    }
    const keys = new Map<string, { primary?: string[]; unique?: string[]; leading: Set<string> }>();
    for (const [rel, primary, usable, names, nkey] of idx) {
      let k = keys.get(String(rel));
      if (!k) keys.set(String(rel), (k = { leading: new Set() }));
      const list = (names as string[]) ?? [];
      if (list[0] !== undefined) k.leading.add(list[0]);
      if (list.length !== Number(nkey)) continue; // an expression in the key
      if (primary === true && !k.primary) k.primary = list;
      else if (usable === true && !k.unique) k.unique = list;
    }
    const out: TableInfo[] = [];
    for (const [oid, schema, name, relkind, est, writes] of rels) {
      const e = byRel.get(String(oid)) ?? { columns: [], typ: new Map<string, string>() };
      const k = keys.get(String(oid)) ?? { leading: new Set<string>() };
      const columns = e.columns.map((c) => (k.leading.has(c.name) ? { ...c, indexed: true } : c));
      const notNull = (n: string) => columns.find((c) => c.name === n)?.nullable === false;
      const unique = k.unique?.every(notNull) ? k.unique : undefined;
      const keyNames = k.primary ?? unique ?? [];
      const key: KeyColumn[] = keyNames.map((n) => {
        const ref = quoteIdentifier(n, '"');
        return { name: n, expr: `${ref}::text`, ref, integer: INTEGER_TYPES.has(e.typ.get(n) ?? '') };
      });
      out.push({
        schema: String(schema),
        name: String(name),
        columns,
        key,
        keySource: k.primary ? 'primary' : unique ? 'unique' : 'none',
        ...(key.length === 0 && relkind !== 'p'
          ? {
              locator: {
                name: 'ctid',
                expr: 'ctid::text',
                after: (v: string) => `ctid > '${v}'::tid`,
                valid: (v: string) => CTID_RE.test(v),
              },
            }
          : {}),
        ...(est !== null && est !== undefined ? { estimatedRows: Number(est) } : {}),
        ...(writes !== null && writes !== undefined ? { changeFacts: { writes: Number(writes) } } : {}),
      });
    }
    return out;
  }

  classify(error: unknown): SqlErrorClass {
    const code = errorCodeOf(error) ?? '';
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') {
      return 'connection';
    }
    // 40001 includes "canceling statement due to conflict with recovery" on a hot standby: worth a retry.
    if (code === '40001' || NETWORK_CODES.has(code)) return 'connection';
    if (code === '57014' || code === '55P03') return 'timeout';
    if (code === '25006') return 'readonly';
    if (code === '42501') return 'permission';
    if (code === '42P01' || code === '3D000' || code === '3F000') return 'missing';
    if (code === '28000' || code === '28P01') return 'auth';
    // node-postgres reports a dead socket without a code: `Connection terminated unexpectedly`, `Client has
    // encountered a connection error and is not queryable`, `timeout expired` (connect timeout). Server errors
    // always carry a SQLSTATE and are classified above.
    if (
      /Connection terminated|not queryable|Client was closed|timeout expired|terminating connection/i.test(
        messageOf(error),
      )
    ) {
      return 'connection';
    }
    return 'other';
  }

  code(error: unknown): string | undefined {
    return errorCodeOf(error);
  }
}

/**
 * A source over a PostgreSQL database.
 *
 * @throws {UsageError} `LG_USAGE` when the URL does not parse or its `sslrootcert` cannot be read.
 * @example
 * const source = createPostgresSource('postgres://scanner@db.internal/shop?schema=public&passwordEnv=SHOP_PG_PASSWORD')
 */
export function createPostgresSource(url: string | NetworkSqlSpec, options: SqlSourceOptions = {}): SqlSource {
  const spec = typeof url === 'string' ? parseDbUrl(url) : url;
  if (spec.kind !== 'postgres') throw new TypeError(`createPostgresSource needs a postgres:// URL, got ${spec.kind}`);
  return new SqlSource(
    new PostgresDriver(spec),
    { display: spec.display, base: spec.base },
    {
      ...(spec.schemas ? { schemas: spec.schemas } : {}),
      ...(spec.tables ? { tables: spec.tables } : {}),
      ...(spec.sampleRows !== undefined ? { sampleRows: spec.sampleRows } : {}),
      ...options,
    },
  );
}
