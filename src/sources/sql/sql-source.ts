/**
 * The SQL source core: one implementation of the {@link Source} contract for every SQL dialect.
 *
 * **Units.** Sampling mode plans one `table` unit per table (`…/public.users#sample`). `full` mode plans
 * `table-range` units of `rangeRows` rows by key (`…/public.orders#range=(1000,2000]` for an integer key,
 * `…#range=3` otherwise): the planner walks the key index and takes every `rangeRows`-th key as a boundary, so
 * ranges `(from, to]` tile the key space whatever is inserted meanwhile (the first starts open, the last ends
 * open). Tables without a primary key use a unique index over NOT NULL columns; without that, they are one `table`
 * unit (`…#all`) read in physical order (SQLite by `rowid`, PostgreSQL by a cursor resumable by `ctid`, MySQL by a
 * stream resumable by OFFSET), and a `no-key` note says so. Unit ids and assets hold no credentials: they are
 * built from the credential-free `base` of the URL, so a worker resolves its own password.
 *
 * **Reads.** Every statement runs in a read-only transaction (`BEGIN … READ ONLY`, `START TRANSACTION READ ONLY`;
 * SQLite opens the file read-only) on a session with a statement timeout. Ranges are read in keyset batches
 * (`WHERE key > last AND key <= to ORDER BY key LIMIT batch`), one short transaction per batch, so no snapshot is
 * held while detection works on the rows. A dropped connection is retried with exponential backoff and the read
 * resumes after the last key it yielded: every row is yielded exactly once. When retries run out the unit fails
 * with a {@link SourceError} naming the table and range; the source stays usable for other units.
 *
 * **Values.** Every non-binary, non-boolean column becomes a structured fragment (`loc.field` = column, `loc.key`
 * = `id=42`, `loc.row` = ordinal in the unit). JSON columns and arrays are walked: `profile.$.contact.phone`.
 */
import { createHash } from 'node:crypto';
import { isLeakguardError, SourceError } from '../../core/errors.js';
import type { Fragment, Problem, Source, Unit } from '../source.js';
import { type SqlErrorContext, wrapSqlError } from './errors.js';
import { compileTableFilter, type TableFilter } from './identifiers.js';
import { decodeKey, encodeKey, formatKey, keyCompare, rangeLabel, SqlParams } from './keys.js';
import { ConnectionPool, type SessionInfo } from './pool.js';
import { chooseSampleStrategy, randomBetween, type SampleStrategy, seededRandom, unitSeed } from './sampling.js';
import type { ColumnInfo, Row, SqlConnection, SqlDriver, SqlQuery, TableInfo } from './types.js';
import { type FragmentSink, makeFragment, parseJsonLossless, scalarText, walkJson } from './values.js';

/** Options of every SQL source. */
export interface SqlSourceOptions {
  /** Read every row in key ranges instead of a sample (default false). */
  full?: boolean;
  /** Rows per table in sampling mode (default 1000). */
  sampleRows?: number;
  /** Rows per `table-range` unit in full mode (default 50,000). */
  rangeRows?: number;
  /** Rows fetched per statement while reading a range (default 1000). */
  batchRows?: number;
  /** Statement timeout applied to every statement (default 30,000 ms). */
  statementTimeoutMs?: number;
  /** Connection timeout (default 10,000 ms). */
  connectTimeoutMs?: number;
  /** Table patterns (`users`, `public.user*`); default every table. */
  tables?: readonly string[];
  /** Schemas (MySQL: databases) to scan; default every non-system schema (MySQL: the URL's database). */
  schemas?: readonly string[];
  /** Retries of a statement after a dropped connection (default 3). */
  retries?: number;
  /** First retry delay; doubles each retry, with jitter (default 200 ms). */
  retryDelayMs?: number;
  /** Mixed into each unit's sampling seed; change it to draw a different sample (default 0). */
  sampleSeed?: number;
  /** Tables estimated above this many rows are sampled cheaply (see `sampling.ts`) (default 1,000,000). */
  randomSampleMaxRows?: number;
  /** Tables estimated at most this many rows get an exact `count(*)` in their fingerprint (default 1,000,000). */
  exactCountMaxRows?: number;
  /** Connections open at most at once (default 4). */
  maxConnections?: number;
  /** Reported to the server (`application_name` on PostgreSQL) (default `leakguard`). */
  applicationName?: string;
  /** Called and awaited after each new database session opens (logging, tests). */
  onSession?: (info: SessionInfo) => void | Promise<void>;
}

/** The identity of the database a source reads (both renderings are credential-free). */
export interface SqlTarget {
  /** Redacted URL, for messages. */
  display: string;
  /** Base of assets and unit ids (`postgres://db:5432/shop`). */
  base: string;
}

/** A table ready to be read: quoted names and the select list. */
interface Prepared {
  info: TableInfo;
  label: string;
  from: string;
  keyNames: string[];
  /** Key columns qualified by the table: PostgreSQL resolves a bare `ORDER BY "id"` to an output column first,
   *  and the output `"id"::text` is also named `id` — ordering text instead of numbers. */
  keyRefs: string[];
  /** Select expressions of the key (or the locator), then the value columns. */
  select: string;
  keyWidth: number;
  values: ColumnInfo[];
  skipped: ColumnInfo[];
  integerKey: boolean;
}

type Mode = 'sample' | 'range' | 'all';

interface UnitParams {
  schema: string;
  table: string;
  mode: Mode;
  rows: number;
  from: string | null;
  to: string | null;
  ordinal: number;
}

/**
 * Column names that record a row's last update, in order of preference (a MySQL `ON UPDATE CURRENT_TIMESTAMP`
 * column wins over all). `gmt_modified` is the Alibaba Java manual's convention, common in Chinese schemas.
 */
const UPDATED_NAMES = [
  'updated_at',
  'updatedat',
  'update_time',
  'updatetime',
  'updated_time',
  'gmt_modified',
  'modified_at',
  'modify_time',
  'modified_time',
  'last_modified',
  'lastmodified',
  'last_updated',
  'last_update',
  'updated',
  'modified',
  'mtime',
];

const MODES: readonly Mode[] = ['sample', 'range', 'all'];

/** The SQL source over one driver. Built by `createPostgresSource`, `createMysqlSource`, `createSqliteSource`. */
export class SqlSource implements Source {
  readonly kind: 'postgres' | 'mysql' | 'sqlite';
  readonly #driver: SqlDriver;
  readonly #target: SqlTarget;
  readonly #pool: ConnectionPool;
  readonly #filter: TableFilter | undefined;
  readonly #o: Required<Omit<SqlSourceOptions, 'tables' | 'schemas' | 'onSession' | 'applicationName'>> & {
    schemas: readonly string[] | undefined;
  };
  #tables: Promise<TableInfo[]> | undefined;
  readonly #lookup = new Map<string, TableInfo[]>();

  constructor(driver: SqlDriver, target: SqlTarget, options: SqlSourceOptions = {}) {
    this.kind = driver.dialect.name;
    this.#driver = driver;
    this.#target = target;
    this.#filter = compileTableFilter(options.tables);
    this.#o = {
      full: options.full ?? false,
      sampleRows: positive(options.sampleRows, 1000, 'sampleRows'),
      rangeRows: positive(options.rangeRows, 50_000, 'rangeRows'),
      batchRows: positive(options.batchRows, 1000, 'batchRows'),
      statementTimeoutMs: positive(options.statementTimeoutMs, 30_000, 'statementTimeoutMs'),
      connectTimeoutMs: positive(options.connectTimeoutMs, 10_000, 'connectTimeoutMs'),
      retries: nonNegative(options.retries, 3, 'retries'),
      retryDelayMs: nonNegative(options.retryDelayMs, 200, 'retryDelayMs'),
      randomSampleMaxRows: nonNegative(options.randomSampleMaxRows, 1_000_000, 'randomSampleMaxRows'),
      sampleSeed: nonNegative(options.sampleSeed, 0, 'sampleSeed'),
      exactCountMaxRows: nonNegative(options.exactCountMaxRows, 1_000_000, 'exactCountMaxRows'),
      maxConnections: positive(options.maxConnections, 4, 'maxConnections'),
      schemas: options.schemas,
    };
    this.#pool = new ConnectionPool(driver, {
      max: this.#o.maxConnections,
      statementTimeoutMs: this.#o.statementTimeoutMs,
      connectTimeoutMs: this.#o.connectTimeoutMs,
      applicationName: options.applicationName ?? 'leakguard',
      onSession: options.onSession,
    });
  }

  /** The redacted URL of this source. */
  get display(): string {
    return this.#target.display;
  }

  /**
   * The tables this source scans (after `schemas`/`tables` filtering), with columns, keys and statistics.
   *
   * @throws {SourceError} `LG_SOURCE_CONNECT` when the database cannot be reached, `LG_SOURCE_UNREADABLE` when a
   *   named table (a pattern without `*`) does not exist.
   */
  async tables(signal?: AbortSignal): Promise<TableInfo[]> {
    if (!this.#tables) {
      this.#tables = this.#introspect(signal);
      this.#tables.catch(() => {
        this.#tables = undefined;
      });
    }
    return this.#tables;
  }

  /** Plan units: one per table when sampling; key ranges (or one unit per keyless table) when `full`. */
  async *units(signal?: AbortSignal): AsyncIterable<Unit> {
    signal?.throwIfAborted();
    const tables = await this.tables(signal);
    for (const t of tables) {
      signal?.throwIfAborted();
      yield* this.#plan(this.#prepare(t), signal);
    }
  }

  /**
   * Read one unit.
   *
   * @throws {SourceError} `LG_SOURCE_FAILED` (connection lost after retries, timeout), `LG_SOURCE_UNREADABLE`
   *   (permission denied, table gone), `LG_SOURCE_CONNECT`.
   * @throws {TypeError} when the unit was not planned by a source of this database.
   */
  async *read(unit: Unit, signal?: AbortSignal): AsyncIterable<Fragment | Problem> {
    signal?.throwIfAborted();
    // Nothing comes out after an abort, not even the rest of a batch already fetched.
    for await (const item of this.#read(unit, signal)) {
      signal?.throwIfAborted();
      yield item;
    }
  }

  async *#read(unit: Unit, signal?: AbortSignal): AsyncIterable<Fragment | Problem> {
    const p = this.#parseUnit(unit);
    const label = `${p.schema}.${p.table}`;
    const info = await this.#findTable(
      p.schema,
      p.table,
      { source: this.display, action: 'read', table: label, range: unitRange(unit, p) },
      signal,
    );
    if (!info) {
      throw new SourceError(
        'LG_SOURCE_UNREADABLE',
        `Cannot read table "${label}" from "${this.display}": table does not exist`,
        {
          location: { field: label },
        },
      );
    }
    const t = this.#prepare(info);
    const first = p.mode === 'sample' || p.mode === 'all' || p.ordinal === 1;
    if (first) {
      for (const c of t.skipped) {
        yield {
          problem: 'binary-skipped',
          message: `Column "${label}.${c.name}" (${c.type}) holds binary data and is not scanned`,
          loc: { field: c.name },
        };
      }
    }
    if (p.mode === 'sample') {
      yield* this.#readSample(t, p.rows, unitSeed(unit.id, this.#o.sampleSeed), signal);
      return;
    }
    if (
      t.keyNames.length === 0 ||
      (p.mode === 'all' && t.info.keySource !== 'primary' && t.info.keySource !== 'unique')
    ) {
      if (p.mode === 'range') {
        throw new SourceError(
          'LG_SOURCE_FAILED',
          `Cannot read table "${label}" range ${p.ordinal} from "${this.display}": the table has no key any more; plan the scan again`,
          { location: { field: label } },
        );
      }
      yield {
        problem: 'no-key',
        message:
          t.info.keySource === 'rowid'
            ? `Table "${label}" has no primary key: read as one unit in rowid order`
            : t.info.locator?.after
              ? `Table "${label}" has no primary key: read as one unit in physical order (a resumed read continues after the last ${t.info.locator.name}; rows moved by concurrent updates may be missed or repeated)`
              : `Table "${label}" has no primary key: read as one unit in physical order (a resumed read skips the rows already read; concurrent writes may shift rows)`,
        loc: {},
      };
      if (t.keyNames.length > 0) yield* this.#readRange(t, null, null, 'all', signal);
      else yield* this.#readStream(t, signal);
      return;
    }
    const arity = t.keyNames.length;
    let from: unknown[] | null;
    let to: unknown[] | null;
    try {
      from = p.from === null ? null : decodeKey(p.from, arity);
      to = p.to === null ? null : decodeKey(p.to, arity);
    } catch (cause) {
      throw new TypeError(`Unit "${unit.id}" has key bounds that do not fit the key of "${label}"`, { cause });
    }
    const range = p.mode === 'all' ? 'all' : rangeLabel(t.integerKey, from, to, p.ordinal);
    yield* this.#readRange(t, from, to, range, signal);
  }

  /**
   * Run `fn` inside a read-only transaction on a pooled connection with the statement timeout set — the same
   * path every read takes. Errors are wrapped as {@link SourceError}s (a write fails with `LG_SOURCE_FAILED`,
   * "write refused: the connection is read-only").
   *
   * @example
   * await source.runReadOnly((q) => q.query('SELECT count(*) FROM users'))
   */
  async runReadOnly<T>(fn: (q: SqlQuery) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const ctx: SqlErrorContext = {
      source: this.display,
      action: 'query',
      statementTimeoutMs: this.#o.statementTimeoutMs,
    };
    const conn = await this.#acquire(signal);
    let discard = false;
    try {
      return await this.#withAbort(conn, signal, async () => {
        await conn.begin();
        try {
          const out = await fn({
            query: (sql, params) => conn.query(sql, params ?? []),
          });
          await conn.commit();
          return out;
        } catch (e) {
          await conn.rollback().catch(() => {
            discard = true;
          });
          throw e;
        }
      });
    } catch (e) {
      discard ||= conn.broken;
      if (signal?.aborted) throw signal.reason;
      if (isLeakguardError(e)) throw e;
      throw wrapSqlError(this.#driver, e, ctx);
    } finally {
      await this.#pool.release(conn, discard);
    }
  }

  async close(): Promise<void> {
    await this.#pool.close();
    await this.#driver.close?.();
  }

  // ─── planning ─────────────────────────────────────────────────────────────

  async #introspect(signal?: AbortSignal): Promise<TableInfo[]> {
    const all = await this.#retrying({ source: this.display, action: 'list' }, signal, (q) =>
      this.#driver.introspect(q, this.#o.schemas),
    );
    const selected = this.#filter ? all.filter((t) => this.#filter!.matches(t.schema, t.name)) : all;
    const missing = this.#filter?.unmatched() ?? [];
    if (missing.length > 0) {
      throw new SourceError(
        'LG_SOURCE_UNREADABLE',
        `Cannot find table ${missing.map((m) => `"${m}"`).join(', ')} in "${this.display}": no such table in the scanned schemas`,
      );
    }
    return selected.sort((a, b) => cmp(a.schema, b.schema) || cmp(a.name, b.name));
  }

  async #findTable(
    schema: string,
    table: string,
    ctx: SqlErrorContext,
    signal?: AbortSignal,
  ): Promise<TableInfo | undefined> {
    // Units may come from a queue, planned by another process with other filters: tables are looked up per
    // schema, unfiltered. Only a successful lookup is cached, so a failure is reported by the unit that met it.
    let list = this.#lookup.get(schema);
    if (!list) {
      list = await this.#retrying(ctx, signal, (q) => this.#driver.introspect(q, [schema]));
      this.#lookup.set(schema, list);
    }
    return list.find((t) => t.schema === schema && t.name === table);
  }

  #prepare(info: TableInfo): Prepared {
    const d = this.#driver.dialect;
    const values = info.columns.filter((c) => c.kind !== 'binary' && c.kind !== 'boolean');
    const skipped = info.columns.filter((c) => c.kind === 'binary');
    const keyExprs = info.key.length > 0 ? info.key.map((k) => k.expr) : info.locator ? [info.locator.expr] : [];
    const selectParts = [...keyExprs, ...values.map((c) => c.expr)];
    const from = `${d.quote(info.schema)}.${d.quote(info.name)}`;
    return {
      info,
      label: `${info.schema}.${info.name}`,
      from,
      keyNames: info.key.map((k) => k.name),
      keyRefs: info.key.map((k) => `${from}.${k.ref}`),
      select: selectParts.length > 0 ? selectParts.join(', ') : '1',
      keyWidth: keyExprs.length,
      values,
      skipped,
      integerKey: info.key.length === 1 && info.key[0]!.integer,
    };
  }

  #asset(t: Prepared): string {
    return `${this.#target.base}/${assetName(t.info.schema)}.${assetName(t.info.name)}`;
  }

  async *#plan(t: Prepared, signal?: AbortSignal): AsyncIterable<Unit> {
    const asset = this.#asset(t);
    const ctx: SqlErrorContext = { source: this.display, action: 'plan', table: t.label };
    let fingerprint: Record<string, string | number> = { schema: schemaHash(t.info) };
    let rows: number | undefined;
    try {
      const facts = await this.#retrying(ctx, signal, (q) => this.#facts(q, t));
      fingerprint = { ...fingerprint, ...facts };
      rows = facts.rows;
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (e instanceof SourceError && (e.code === 'LG_SOURCE_CONNECT' || this.#classOf(e) === 'connection')) throw e;
      // Counting failed (no privilege, say): the unit is still planned; reading it reports the cause.
    }
    const base = { schema: t.info.schema, table: t.info.name };
    if (!this.#o.full) {
      yield {
        id: `${asset}#sample`,
        kind: 'table',
        asset,
        ...(rows !== undefined ? { size: Math.min(rows, this.#o.sampleRows) } : {}),
        // The sample's size is part of what was read: `--sample 5000` after `--sample 100` reads the table again.
        fingerprint: { ...fingerprint, mode: 'sample', sample: this.#o.sampleRows },
        params: { ...base, mode: 'sample', rows: this.#o.sampleRows },
      };
      return;
    }
    if (t.info.keySource !== 'primary' && t.info.keySource !== 'unique') {
      yield {
        id: `${asset}#all`,
        kind: 'table',
        asset,
        ...(rows !== undefined ? { size: rows } : {}),
        fingerprint,
        params: { ...base, mode: 'all' },
      };
      return;
    }
    let from: Row | null = null;
    let ordinal = 1;
    for (;;) {
      signal?.throwIfAborted();
      let boundary: Row | undefined;
      try {
        boundary = await this.#retrying(ctx, signal, (q) => this.#boundary(q, t, from));
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        if (e instanceof SourceError && (e.code === 'LG_SOURCE_CONNECT' || this.#classOf(e) === 'connection')) throw e;
        boundary = undefined; // the rest of the table becomes one range; its read reports the cause
      }
      const to = boundary ?? null;
      const fromText = from === null ? null : encodeKey(from);
      const toText = to === null ? null : encodeKey(to);
      yield {
        // `#range=(1000,2000]` for an integer key, `#range=3` (the ordinal) otherwise; /^#/ drops the label's `#`.
        id: `${asset}#range=${rangeLabel(t.integerKey, from, to, ordinal).replace(/^#/, '')}`,
        kind: 'table-range',
        asset,
        size:
          to === null && rows !== undefined ? Math.max(0, rows - (ordinal - 1) * this.#o.rangeRows) : this.#o.rangeRows,
        fingerprint,
        params: { ...base, mode: 'range', from: fromText, to: toText, ordinal },
      };
      if (to === null) return;
      from = to;
      ordinal++;
    }
  }

  /** Row count (exact when small), last update, and the database's own change facts. */
  async #facts(q: SqlQuery, t: Prepared): Promise<Record<string, string | number> & { rows: number }> {
    const d = this.#driver.dialect;
    const est = t.info.estimatedRows;
    const out: Record<string, string | number> & { rows: number } = { rows: est ?? 0, rowsExact: 0 };
    const small = est === undefined || est <= this.#o.exactCountMaxRows;
    if (small) {
      const r = await q.query(`SELECT count(*) FROM ${t.from}`);
      out.rows = Number(r[0]?.[0] ?? 0);
      out.rowsExact = 1;
    }
    const updated = findUpdatedColumn(t.info.columns);
    if (updated && (small || updated.indexed)) {
      const r = await q.query(`SELECT ${d.text(`max(${d.quote(updated.name)})`)} FROM ${t.from}`);
      const v = r[0]?.[0];
      out.updatedColumn = updated.name;
      if (v !== null && v !== undefined) out.maxUpdated = String(v);
    }
    if (t.info.changeFacts) Object.assign(out, t.info.changeFacts);
    return out;
  }

  /** The key `rangeRows` rows after `from` (undefined when fewer remain). */
  async #boundary(q: SqlQuery, t: Prepared, from: Row | null): Promise<Row | undefined> {
    const d = this.#driver.dialect;
    const params = new SqlParams(d);
    const where = from ? ` WHERE ${keyCompare(d, t.keyRefs, '>', from, params)}` : '';
    const sql =
      `SELECT ${t.info.key.map((k) => k.expr).join(', ')} FROM ${t.from}${where}` +
      ` ORDER BY ${t.keyRefs.join(', ')} LIMIT 1 OFFSET ${this.#o.rangeRows - 1}`;
    const rows = await q.query(sql, params.values);
    return rows[0];
  }

  // ─── reading ──────────────────────────────────────────────────────────────

  async *#readSample(t: Prepared, n: number, seed: number, signal?: AbortSignal): AsyncIterable<Fragment | Problem> {
    const ctx: SqlErrorContext = {
      source: this.display,
      action: 'read',
      table: t.label,
      range: 'sample',
      statementTimeoutMs: this.#o.statementTimeoutMs,
    };
    const strategy = chooseSampleStrategy(this.#driver.dialect, t.info, n, this.#o.randomSampleMaxRows);
    let rows: Row[];
    let fallback: Problem | undefined;
    try {
      rows = await this.#retrying(ctx, signal, (q) => this.#sample(q, t, n, seed, strategy));
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (this.#classOf(e) !== 'timeout') throw e;
      fallback = {
        problem: 'sample-fallback',
        message: `Random sample of "${t.label}" timed out after ${this.#o.statementTimeoutMs} ms: read the first ${n} rows instead`,
        loc: {},
      };
      rows = await this.#retrying(ctx, signal, (q) => this.#sample(q, t, n, seed, { kind: 'first' }));
    }
    if (fallback) yield fallback;
    const state = new RowState();
    for (let i = 0; i < rows.length; i++) yield* this.#convert(t, rows[i]!, i + 1, state);
  }

  async #sample(q: SqlQuery, t: Prepared, n: number, seed: number, s: SampleStrategy): Promise<Row[]> {
    const d = this.#driver.dialect;
    const head = `SELECT ${t.select} FROM ${t.from}`;
    const random = d.seededOrder(seed, t.keyRefs);
    switch (s.kind) {
      case 'random':
        if (random.setup) await q.query(random.setup);
        return q.query(`${head} ORDER BY ${random.order} LIMIT ${n}`);
      case 'first':
        return q.query(`${head}${t.keyRefs.length > 0 ? ` ORDER BY ${t.keyRefs.join(', ')}` : ''} LIMIT ${n}`);
      case 'tablesample': {
        let percent = s.percent;
        for (;;) {
          if (random.setup) await q.query(random.setup);
          const rows = await q.query(`${head} ${d.tableSample!(percent, seed)} ORDER BY ${random.order} LIMIT ${n}`);
          // A stale estimate returns too few rows: raise the percentage tenfold, once.
          if (rows.length >= n || percent >= 100 || percent > s.percent) return rows;
          percent = Math.min(100, percent * 10);
        }
      }
      case 'probe': {
        const bounds = await q.query(
          `SELECT ${d.text(`min(${t.keyRefs[0]})`)}, ${d.text(`max(${t.keyRefs[0]})`)} FROM ${t.from}`,
        );
        const lo = bounds[0]?.[0];
        const hi = bounds[0]?.[1];
        if (lo === null || lo === undefined || hi === null || hi === undefined) return [];
        const min = BigInt(String(lo));
        const max = BigInt(String(hi));
        const rand = seededRandom(seed);
        const seen = new Set<string>();
        const out: Row[] = [];
        for (let i = 0; i < s.probes * 2 && out.length < n; i++) {
          const params = new SqlParams(d);
          const at = params.add(randomBetween(min, max, rand));
          const rows = await q.query(
            `${head} WHERE ${t.keyRefs[0]} >= ${at} ORDER BY ${t.keyRefs.join(', ')} LIMIT ${s.perProbe}`,
            params.values,
          );
          for (const r of rows) {
            const k = encodeKey(r.slice(0, t.keyWidth));
            if (seen.has(k) || out.length >= n) continue;
            seen.add(k);
            out.push(r);
          }
        }
        return out;
      }
    }
  }

  /** Keyset batches over `(from, to]`, resumed after the last yielded key when the connection drops. */
  async *#readRange(
    t: Prepared,
    from: readonly unknown[] | null,
    to: readonly unknown[] | null,
    range: string,
    signal?: AbortSignal,
  ): AsyncIterable<Fragment | Problem> {
    const d = this.#driver.dialect;
    const ctx: SqlErrorContext = {
      source: this.display,
      action: 'read',
      table: t.label,
      range,
      statementTimeoutMs: this.#o.statementTimeoutMs,
    };
    const batch = this.#o.batchRows;
    const state = new RowState();
    let last = from;
    let ordinal = 0;
    let failures = 0;
    for (;;) {
      const conn = await this.#acquireForRead(ctx, signal, failures);
      if (conn === undefined) {
        failures++;
        continue;
      }
      let discard = false;
      let done = false;
      try {
        while (!done) {
          signal?.throwIfAborted();
          const params = new SqlParams(d);
          const where: string[] = [];
          if (last) where.push(keyCompare(d, t.keyRefs, '>', last, params));
          if (to) where.push(keyCompare(d, t.keyRefs, '<=', to, params));
          const sql =
            `SELECT ${t.select} FROM ${t.from}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}` +
            ` ORDER BY ${t.keyRefs.join(', ')} LIMIT ${batch}`;
          let rows: Row[];
          try {
            rows = await this.#withAbort(conn, signal, async () => {
              await conn.begin();
              const r = await conn.query(sql, params.values);
              await conn.commit();
              return r;
            });
          } catch (e) {
            discard = true;
            if (signal?.aborted) throw signal.reason;
            failures = this.#checkRetry(e, conn, ctx, failures);
            break;
          }
          failures = 0;
          for (const row of rows) {
            ordinal++;
            last = row.slice(0, t.keyWidth);
            yield* this.#convert(t, row, ordinal, state);
          }
          if (rows.length < batch) done = true;
        }
      } finally {
        await this.#pool.release(conn, discard);
      }
      if (done) return;
      await this.#backoff(failures, signal);
    }
  }

  /** One streamed statement for keyless tables, resumed by locator or OFFSET after a dropped connection. */
  async *#readStream(t: Prepared, signal?: AbortSignal): AsyncIterable<Fragment | Problem> {
    const d = this.#driver.dialect;
    const ctx: SqlErrorContext = {
      source: this.display,
      action: 'read',
      table: t.label,
      range: 'all',
      statementTimeoutMs: this.#o.statementTimeoutMs,
    };
    const locator = t.info.locator;
    const state = new RowState();
    let emitted = 0;
    let lastLocator: string | undefined;
    let failures = 0;
    for (;;) {
      const conn = await this.#acquireForRead(ctx, signal, failures);
      if (conn === undefined) {
        failures++;
        continue;
      }
      let discard = false;
      let done = false;
      try {
        let sql = `SELECT ${t.select} FROM ${t.from}`;
        if (emitted > 0) {
          if (locator?.after && lastLocator !== undefined && (locator.valid?.(lastLocator) ?? false)) {
            sql += ` WHERE ${locator.after(lastLocator)}`;
          } else {
            sql += ` ${d.offset(emitted)}`;
          }
        }
        try {
          await this.#withAbort(conn, signal, () => conn.begin());
          const it = conn.stream(sql, [], this.#o.batchRows)[Symbol.asyncIterator]();
          try {
            for (;;) {
              signal?.throwIfAborted();
              const next = await this.#withAbort(conn, signal, () => it.next());
              if (next.done) break;
              failures = 0;
              for (const row of next.value) {
                emitted++;
                if (locator) lastLocator = String(row[0]);
                yield* this.#convert(t, row, emitted, state);
              }
            }
          } finally {
            if (!conn.broken) await it.return?.().catch(() => undefined);
          }
          await this.#withAbort(conn, signal, () => conn.commit());
          done = true;
        } catch (e) {
          discard = true;
          if (signal?.aborted) throw signal.reason;
          failures = this.#checkRetry(e, conn, ctx, failures);
        }
      } finally {
        if (!done && !discard && !conn.broken) await conn.rollback().catch(() => (discard = true));
        await this.#pool.release(conn, discard);
      }
      if (done) return;
      await this.#backoff(failures, signal);
    }
  }

  /** Fragments of one row. */
  *#convert(t: Prepared, row: Row, ordinal: number, state: RowState): Generator<Fragment | Problem> {
    const key =
      t.keyWidth === 0
        ? undefined
        : formatKey(t.keyNames.length > 0 ? t.keyNames : [t.info.locator!.name], row.slice(0, t.keyWidth));
    const out: Array<Fragment | Problem> = [];
    const sink: FragmentSink = {
      fragment: (text, field, structured) => out.push(makeFragment(text, ordinal, field, key, structured)),
      problem: (problem, message, field) => {
        if (state.once(`${problem}:${field}`))
          out.push({ problem, message, loc: withKey({ row: ordinal, field }, key) });
      },
    };
    for (let i = 0; i < t.values.length; i++) {
      const c = t.values[i]!;
      const v = row[t.keyWidth + i];
      if (v === null || v === undefined) continue;
      if (c.kind === 'json' || (c.kind === 'array' && typeof v !== 'string')) {
        let parsed: unknown = v;
        if (typeof v === 'string') {
          try {
            parsed = parseJsonLossless(v);
          } catch {
            sink.problem(
              'invalid-json',
              `Column "${t.label}.${c.name}" holds a value that is not valid JSON: scanned as text`,
              c.name,
            );
            sink.fragment(v, c.name, true);
            continue;
          }
        }
        walkJson(parsed, `${c.name}.$`, sink);
        continue;
      }
      if (v instanceof Uint8Array) {
        sink.problem(
          'binary-skipped',
          `Column "${t.label}.${c.name}" holds binary values, which are not scanned`,
          c.name,
        );
        continue;
      }
      const text = scalarText(v);
      if (text !== undefined) sink.fragment(text, c.name, true);
    }
    yield* out;
  }

  // ─── connections, retries, aborts ─────────────────────────────────────────

  async #acquire(signal?: AbortSignal): Promise<SqlConnection> {
    if (this.#pool.closed) {
      throw new SourceError('LG_SOURCE_FAILED', `Cannot use "${this.display}": the source is closed`);
    }
    try {
      return await this.#pool.acquire(signal);
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw wrapSqlError(this.#driver, e, { source: this.display, action: 'connect' });
    }
  }

  /** A connection for a read, or undefined after a retryable connect failure (already waited out). */
  async #acquireForRead(
    ctx: SqlErrorContext,
    signal: AbortSignal | undefined,
    failures: number,
  ): Promise<SqlConnection | undefined> {
    try {
      return await this.#acquire(signal);
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      const cause = e instanceof SourceError ? e.cause : e;
      const lost = this.#driver.classify(cause) === 'connection';
      if (lost && failures < this.#o.retries && !this.#pool.closed) {
        await this.#backoff(failures + 1, signal);
        return undefined;
      }
      // Reconnecting after a drop failed: report it where it happened (table and range), not as a fresh connect.
      if (lost && failures > 0)
        throw wrapSqlError(this.#driver, cause, { ...ctx, attempts: failures + 1 }, 'connection');
      throw e;
    }
  }

  /** Decide whether a failed statement is retried: returns the new failure count, or throws the wrapped error. */
  #checkRetry(e: unknown, conn: SqlConnection, ctx: SqlErrorContext, failures: number): number {
    // A connection that reported an error or end is lost, whatever the statement's own error says.
    const cls = conn.broken ? 'connection' : this.#driver.classify(e);
    if (cls === 'connection' && failures < this.#o.retries && !this.#pool.closed) return failures + 1;
    throw wrapSqlError(this.#driver, e, { ...ctx, attempts: failures + 1 }, cls);
  }

  /** The class of the driver error behind a wrapped error. */
  #classOf(e: unknown): string | undefined {
    return e instanceof SourceError ? this.#driver.classify(e.cause) : undefined;
  }

  /** Run `fn` on a connection in a read-only transaction, retrying on dropped connections. */
  async #retrying<T>(
    ctx: SqlErrorContext,
    signal: AbortSignal | undefined,
    fn: (q: SqlQuery) => Promise<T>,
  ): Promise<T> {
    let failures = 0;
    for (;;) {
      const conn = await this.#acquireForRead(ctx, signal, failures);
      if (conn === undefined) {
        failures++;
        continue;
      }
      let discard = false;
      try {
        return await this.#withAbort(conn, signal, async () => {
          await conn.begin();
          try {
            const out = await fn({ query: (sql, params) => conn.query(sql, params ?? []) });
            await conn.commit();
            return out;
          } catch (e) {
            if (!conn.broken) await conn.rollback().catch(() => (discard = true));
            throw e;
          }
        });
      } catch (e) {
        discard = true;
        if (signal?.aborted) throw signal.reason;
        if (isLeakguardError(e)) throw e;
        failures = this.#checkRetry(e, conn, { ...ctx, statementTimeoutMs: this.#o.statementTimeoutMs }, failures);
      } finally {
        await this.#pool.release(conn, discard);
      }
      await this.#backoff(failures, signal);
    }
  }

  /** Run `fn`; an abort destroys the connection so a running statement stops. */
  async #withAbort<T>(conn: SqlConnection, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    if (!signal) return fn();
    signal.throwIfAborted();
    const onAbort = () => conn.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn();
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async #backoff(failures: number, signal?: AbortSignal): Promise<void> {
    const base = this.#o.retryDelayMs * 2 ** Math.max(0, failures - 1);
    const ms = base * (0.5 + Math.random() / 2);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #parseUnit(unit: Unit): UnitParams {
    const bad = (why: string) => new TypeError(`Unit "${unit.id}" cannot be read by source "${this.display}": ${why}`);
    if (typeof unit.asset !== 'string' || !unit.asset.startsWith(`${this.#target.base}/`)) {
      throw bad('it belongs to another database');
    }
    const p = unit.params ?? {};
    const mode = p.mode as Mode;
    if (typeof p.schema !== 'string' || typeof p.table !== 'string' || !MODES.includes(mode)) {
      throw bad('its params lack schema, table or mode');
    }
    const rows = p.rows ?? this.#o.sampleRows;
    if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 1 || rows > 10_000_000) throw bad('bad rows');
    const from = p.from ?? null;
    const to = p.to ?? null;
    if ((from !== null && typeof from !== 'string') || (to !== null && typeof to !== 'string')) throw bad('bad range');
    const ordinal = p.ordinal ?? 1;
    if (typeof ordinal !== 'number' || !Number.isInteger(ordinal) || ordinal < 1) throw bad('bad ordinal');
    return { schema: p.schema, table: p.table, mode, rows, from, to, ordinal };
  }
}

/**
 * The range of a unit as its id shows it, for messages written before the table is known: `sample`, `all`,
 * `(700,1400]` or `#3`.
 */
function unitRange(unit: Unit, p: UnitParams): string {
  if (p.mode !== 'range') return p.mode;
  // The id's own range label: `#range=(700,1400]` or `#range=3`. Example match: `#range=(,448]`. Anything else
  // (a foreign id) falls back to the ordinal.
  const m = /#range=(\([^()#]{0,200}\]|[0-9]{1,9})$/.exec(unit.id);
  if (!m) return `#${p.ordinal}`;
  return m[1]!.startsWith('(') ? m[1]! : `#${m[1]}`;
}

/** Per-unit memory of notes already given (one per column and kind). */
class RowState {
  readonly #seen = new Set<string>();
  once(key: string): boolean {
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    return true;
  }
}

function withKey<T extends { row: number; field: string }>(loc: T, key: string | undefined): T & { key?: string } {
  return key === undefined ? loc : { ...loc, key };
}

/** Percent-encode the characters that would make an asset ambiguous: `%`, `/`, `#`, `?`, `.`, whitespace, controls. */
function assetName(name: string): string {
  // One character of that set. Example: `.` in `a.b`. Does not match letters, digits, `_`, `-` or CJK.
  return name.replace(
    /[%/#?.\s\u0000-\u001f]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

function schemaHash(t: TableInfo): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([t.columns.map((c) => [c.name, c.type]), t.key.map((k) => k.name), t.keySource]));
  return h.digest('hex').slice(0, 16);
}

/** The column recording each row's last update, if the table has one. */
export function findUpdatedColumn(columns: readonly ColumnInfo[]): ColumnInfo | undefined {
  const eligible = columns.filter((c) => c.kind === 'datetime' || c.kind === 'number');
  const auto = eligible.find((c) => c.autoUpdated);
  if (auto) return auto;
  for (const name of UPDATED_NAMES) {
    const c = eligible.find((x) => x.name.toLowerCase() === name);
    if (c) return c;
  }
  return undefined;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function positive(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer`);
  return v;
}

function nonNegative(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer`);
  return v;
}
