/**
 * Protecting database tables (PostgreSQL, MySQL/MariaDB, SQLite) with a policy, the way `protectFile` protects
 * a CSV file: column rules apply to whole values, type rules to what detection finds inside text columns
 * (detected on `<column>: <value>` so the column name is context), through the same {@link ValueTransformer}.
 *
 * Two modes:
 * - **copy** (`to`, default `<table>_protected`): a new table with the same columns and primary key, filled in
 *   primary-key order, one transaction per batch. An existing target is refused unless `force` (then replaced).
 *   A failed copy drops the partial target.
 * - **in place** (`inPlace` + `yes`): primary-key ranges in batches; each batch is one transaction that updates
 *   its rows and advances the job's record in `lg_protect_progress` (same database). A crash loses at most the
 *   uncommitted batch; running the same job again resumes after the last committed key, so no value is
 *   protected twice. A finished job is recorded: running it again does nothing unless `restart`. Resuming with a
 *   different policy (by {@link policyHash}) is refused. Tables without a primary key are refused.
 *
 * Which columns change: text columns (and JSON, checked to stay valid JSON) get column rules and detection;
 * numbers, dates and other typed columns change only under a column rule, and the output must be valid for the
 * column's type (a `generalize` to a year on a DATE column fails with the table, column and key); binary and
 * boolean columns are never changed (a column rule naming one is refused). In place, primary-key columns never
 * change (a column rule naming one is refused: the key is the resume position).
 *
 * Values never appear in messages: errors name the table, the column and the key (non-integer keys masked).
 */
import { isLeakguardError, PolicyError, SourceError, UsageError } from '../../core/errors.js';
import type { Analyzer } from '../../detect/analyzer.js';
import { createAnalyzer } from '../../detect/analyzer.js';
import { builtinRecognizers } from '../../detect/presets.js';
import { redactUrl } from '../../sources/db-url.js';
import { wrapSqlError } from '../../sources/sql/errors.js';
import { decodeKey, encodeKey, formatKey, keyCompare, SqlParams } from '../../sources/sql/keys.js';
import type { ColumnInfo, Row, TableInfo } from '../../sources/sql/types.js';
import { type ColumnRef, columnKey, columnRef, type TransformStats, ValueTransformer } from '../files/values.js';
import { isPromiseLike } from '../operator.js';
import { type CompiledPolicy, policySubject } from '../policy.js';
import { openWriteConnection, type WriteConnection } from './connection.js';
import { PROGRESS_TABLE, ProgressStore, policyHash } from './progress.js';

export { openWriteConnection, type WriteConnection } from './connection.js';
export { PROGRESS_TABLE, type ProgressRecord, ProgressStore, policyHash } from './progress.js';

/** What {@link protectTable} is asked to do (the CLI's request plus the table-specific options). */
export interface ProtectTableRequest {
  /** `postgres://…`, `mysql://…`, `mariadb://…` or `sqlite:path`. */
  readonly url: string;
  /** Tables to protect (`name` or `schema.name`). */
  readonly tables: readonly string[];
  /** Only `protect` is supported for tables (reveal a protected copy by exporting it). */
  readonly mode: 'protect' | 'reveal';
  readonly policy: CompiledPolicy;
  /** The detector (default: every built-in recognizer). */
  readonly analyzer?: Analyzer | undefined;
  /** Accepted for the CLI's shape; rows of a table are never malformed, so it has no effect. */
  readonly onBadRecord?: string | undefined;
  /** Column holding the data subject, for `dateshift`. */
  readonly subjectColumn?: string | undefined;
  /** Who runs this (the vault's audit log). */
  readonly actor?: string | undefined;
  /** Directory relative SQLite paths resolve against. */
  readonly cwd?: string | undefined;
  /** Environment for `passwordEnv` and the standard password variables. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Copy mode: the target table (default `<table>_protected`; one source table only when given). */
  readonly to?: string | undefined;
  /** Protect the table in place (needs `yes`). */
  readonly inPlace?: boolean | undefined;
  /** Confirms an in-place run (it overwrites data). */
  readonly yes?: boolean | undefined;
  /** Copy mode: replace an existing target table. */
  readonly force?: boolean | undefined;
  /** In place: run a finished job again from the first row. */
  readonly restart?: boolean | undefined;
  /** In place: the job name in the progress table (default `protect`). */
  readonly job?: string | undefined;
  /** Rows per batch (and per transaction; default 1000). */
  readonly batchRows?: number | undefined;
  /**
   * In place, one table: protect only the primary-key range `(from, to]` (`encodeKey` JSON; null for an open
   * end) under `job` — one range of a distributed job (see {@link planTableRanges}). The range's progress record
   * starts at `from`, so a retried range resumes after its last committed batch like any in-place job.
   */
  readonly range?: { readonly from: string | null; readonly to: string | null } | undefined;
  /** Stops between batches. */
  readonly signal?: AbortSignal | undefined;
  /** Called after each committed batch. */
  readonly onBatch?: ((progress: BatchProgress) => void) | undefined;
}

/** Progress after one committed batch. Holds no value and no key. */
export interface BatchProgress {
  readonly table: string;
  readonly batches: number;
  readonly rows: number;
}

/** What happened to one table. */
export interface TableReport {
  /** `schema.table` (SQLite: the table name). */
  readonly table: string;
  /** The target table (copy mode) or the table itself (in place). */
  readonly target: string;
  readonly mode: 'copy' | 'in-place';
  /** Rows processed by this run. */
  readonly rows: number;
  /** Rows processed by earlier runs of a resumed in-place job. */
  readonly resumedAfterRows: number;
  readonly batches: number;
  /** In place: the job was already finished and nothing was done. */
  readonly alreadyDone: boolean;
  readonly stats: TransformStats;
  /** Column rules that named no column of this table (typos, other tables' columns). */
  readonly unusedColumnRules: readonly string[];
  readonly warnings: readonly string[];
}

/** The result of {@link protectTable}. */
export interface ProtectTableReport {
  /** The redacted URL. */
  readonly source: string;
  readonly tables: readonly TableReport[];
}

const DEFAULT_BATCH_ROWS = 1000;
/** Bound parameters per INSERT statement at most (SQLite's limit is 32,766; PostgreSQL's and MySQL's 65,535). */
const MAX_PARAMS = 30_000;
/** A job name. Example match: `nightly-2024`. Does not match spaces or quotes. */
const JOB_NAME = /^[A-Za-z0-9_.:-]{1,150}$/;
/** A number as a database accepts it. Example match: `-12.5e3`. Does not match `1,000`, `138****5678` or ``. */
const NUMBER_TEXT = /^[+-]?([0-9]{1,1000}(\.[0-9]{0,1000})?|\.[0-9]{1,1000})([eE][+-]?[0-9]{1,4})?$/;
/**
 * A date, timestamp or time as ISO 8601 / SQL text. Example match: `1990-05-01`, `1990-05-01 10:00:00+08`,
 * `10:30:00`. Source: ISO 8601 extended format as PostgreSQL, MySQL and SQLite print it. Does not match a year
 * alone (`1990`) or a month (`1990-05`), which no date column accepts.
 */
const DATETIME_TEXT =
  /^([0-9]{4,6}-[0-9]{2}-[0-9]{2}([ T][0-9: .+\-A-Za-z]{0,40})?|[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)$/;

/** How one column is handled. */
interface ColumnPlan {
  readonly info: ColumnInfo;
  /** Index of the value in a selected row. */
  readonly at: number;
  readonly ref: ColumnRef;
  /** `detect`: column rules and detection; `rule`: column rules only (typed column); `keep`: copied as is. */
  readonly how: 'detect' | 'rule' | 'keep';
}

/** One resolved table. */
interface Target {
  readonly info: TableInfo;
  /** `schema.table` for messages and the progress record. */
  readonly label: string;
  /** The quoted, qualified name for statements. */
  readonly sql: string;
}

/**
 * Protects database tables with a policy, as a protected copy or in place (see the module doc).
 *
 * @throws UsageError `LG_USAGE` for refused requests (in place without `yes` or without a primary key, an
 *   existing target without `force`, a finished job without `restart`, a resumed job with another policy, a
 *   column rule on a key, binary or boolean column); SourceError `LG_SOURCE_CONNECT` / `LG_SOURCE_UNREADABLE` /
 *   `LG_SOURCE_FAILED` for database errors (table and key range named, driver message kept as `cause` only);
 *   PolicyError `LG_OPERATOR_FAILED` naming the table, column and key when an operator fails or gives a value
 *   the column's type cannot hold
 * @example
 * await protectTable({ url: 'sqlite:shop.db', tables: ['users'], mode: 'protect', policy, inPlace: true, yes: true });
 */
export async function protectTable(request: ProtectTableRequest): Promise<ProtectTableReport> {
  const display = redactUrl(request.url);
  if (request.mode !== 'protect') {
    throw new UsageError(
      `Cannot reveal tables of "${display}": reveal works on files (export the protected table, then reveal the file)`,
    );
  }
  if (request.tables.length === 0) throw new UsageError(`Cannot protect "${display}": give at least one table`);
  if (request.inPlace && request.to !== undefined) {
    throw new UsageError('Cannot protect tables: choose a copy (--to) or in place (--in-place), not both');
  }
  if (request.inPlace && !request.yes) {
    throw new UsageError(
      `Cannot protect ${request.tables.map((t) => `"${t}"`).join(', ')} in place without confirmation: in-place protection overwrites the data (add --yes, or copy with --to)`,
    );
  }
  if (request.range && (!request.inPlace || request.tables.length !== 1)) {
    throw new UsageError('Cannot protect a key range: a range is one table protected in place');
  }
  if (request.to !== undefined && request.tables.length > 1) {
    throw new UsageError('Cannot protect several tables into one target: --to needs exactly one --table');
  }
  const job = request.job ?? 'protect';
  if (!JOB_NAME.test(job)) throw new UsageError(`Invalid job name: use 1-150 of A-Z, a-z, 0-9, "_", ".", ":", "-"`);
  const batchRows = request.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 1_000_000) {
    throw new UsageError(`Invalid batch size ${batchRows}: expected an integer from 1 to 1000000`);
  }
  const conn = await openWriteConnection(request.url, {
    ...(request.env ? { env: request.env } : {}),
    ...(request.cwd ? { cwd: request.cwd } : {}),
  });
  const analyzer = request.analyzer ?? createAnalyzer({ recognizers: builtinRecognizers });
  try {
    const reports: TableReport[] = [];
    for (const name of request.tables) {
      request.signal?.throwIfAborted();
      const source = await resolveTable(conn, name);
      reports.push(
        request.inPlace
          ? await inPlace(conn, source, request, analyzer, job, batchRows)
          : await copy(conn, source, request, analyzer, batchRows),
      );
    }
    return { source: conn.display, tables: reports };
  } finally {
    await conn.close();
  }
}

/** The one-paragraph summary of a report, for the CLI. Holds names and counts only. */
export function describeTableReport(report: ProtectTableReport): string {
  let out = '';
  for (const t of report.tables) {
    if (t.alreadyDone) {
      out += `"${t.table}": already protected by this job (nothing done; --restart runs it again)\n`;
      continue;
    }
    const into = t.mode === 'copy' ? ` → "${t.target}"` : ' (in place)';
    const resumed = t.resumedAfterRows > 0 ? `, resumed after ${t.resumedAfterRows.toLocaleString('en-US')} rows` : '';
    out += `"${t.table}"${into}: ${t.rows.toLocaleString('en-US')} rows in ${t.batches} batches${resumed}, ${t.stats.values.toLocaleString('en-US')} values protected\n`;
    if (t.stats.failed > 0) out += `${t.stats.failed} values removed after an operator failure (onError: redact)\n`;
    for (const w of t.warnings) out += `warning: ${w}\n`;
    if (t.unusedColumnRules.length > 0) {
      out += `note: column rules that matched no column of "${t.table}": ${t.unusedColumnRules.map((c) => `"${c}"`).join(', ')}\n`;
    }
  }
  return out;
}

/** The progress record holding a distributed job's range bounds: `<job>.plan`. */
export const PLAN_SUFFIX = '.plan';

/** The progress job name of range `index` of a distributed job. */
export function rangeJobName(job: string, index: number): string {
  return `${job}.r${index}`;
}

/** What {@link planTableRanges} is asked. */
export interface PlanTableRangesRequest {
  readonly url: string;
  readonly table: string;
  readonly job: string;
  readonly policy: CompiledPolicy;
  /** Rows per range (default 100,000). */
  readonly rangeRows?: number | undefined;
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  readonly cwd?: string | undefined;
}

/** The ranges of a distributed in-place job (bounds as `encodeKey` JSON, `(from, to]`). */
export interface TableRangePlan {
  /** `schema.table` (SQLite: the table name). */
  readonly table: string;
  readonly ranges: readonly { readonly index: number; readonly from: string | null; readonly to: string | null }[];
  /** The job already finished this table: nothing to do. */
  readonly alreadyDone: boolean;
  /** The plan was read back from an earlier, unfinished run of the job (its ranges resume). */
  readonly resumed: boolean;
}

/**
 * Plan a distributed in-place job: split the table's primary key into ranges of about `rangeRows` rows, each
 * protected as its own in-place job (`<job>.r<i>`, resumable). The bounds are recorded once (`<job>.plan`, in the
 * progress table): running the job again reuses them, whatever rows were inserted meanwhile, so no range ever
 * overlaps a range an earlier run protected. Resuming with another policy is refused.
 *
 * @throws UsageError LG_USAGE for a table without primary key, a job name too long, another policy, or a
 *   single-process job of the same name in progress; SourceError for database errors
 * @example
 * const plan = await planTableRanges({ url: 'postgres://app@db/shop', table: 'users', job: 'protect', policy });
 */
export async function planTableRanges(request: PlanTableRangesRequest): Promise<TableRangePlan> {
  if (!JOB_NAME.test(request.job) || request.job.length > 140) {
    throw new UsageError('Invalid job name: use 1-140 of A-Z, a-z, 0-9, "_", ".", ":", "-" for a distributed job');
  }
  const rangeRows = request.rangeRows ?? 100_000;
  if (!Number.isInteger(rangeRows) || rangeRows < 1) throw new RangeError('planTableRanges: rangeRows must be ≥ 1');
  const conn = await openWriteConnection(request.url, {
    ...(request.env ? { env: request.env } : {}),
    ...(request.cwd ? { cwd: request.cwd } : {}),
  });
  try {
    const target = await resolveTable(conn, request.table);
    const { info } = target;
    if (info.keySource !== 'primary' || info.key.length === 0) {
      throw new UsageError(
        `Cannot protect table "${target.label}" in place: it has no primary key, so a crashed run could not resume without protecting values twice (add a primary key, or protect a copy with --to)`,
      );
    }
    const hash = policyHash(request.policy);
    const store = new ProgressStore(conn);
    const planJob = `${request.job}${PLAN_SUFFIX}`;
    return await run(conn, target, 'plan', async () => {
      await store.ensure();
      const parent = await store.get(request.job, target.label);
      const plan = await store.get(planJob, target.label);
      if (parent?.finishedAt) return { table: target.label, ranges: [], alreadyDone: true, resumed: false };
      if (parent && !plan) {
        throw new UsageError(
          `Cannot distribute job "${request.job}" on table "${target.label}": it is a single-process in-place job in progress (${parent.rows} rows protected); resume it without --queue`,
        );
      }
      if (plan && plan.policyHash !== hash) {
        throw new UsageError(
          `Cannot resume job "${request.job}" on table "${target.label}": it was started with another policy; finish it with that policy`,
        );
      }
      let bounds: string[];
      if (plan?.lastKey) {
        bounds = JSON.parse(plan.lastKey) as string[];
      } else {
        bounds = [];
        const nKey = info.key.length;
        const refs = info.key.map((k) => k.ref);
        const pg = conn.dialect.name === 'postgres';
        const list = info.key.map((k, i) => `${pg ? `${k.ref}::text` : k.ref} AS lg_${i}`).join(', ');
        let after: unknown[] | null = null;
        // One index walk: the key `rangeRows` rows after the previous bound, until the table ends.
        for (;;) {
          const params = new SqlParams(conn.dialect);
          const where = after ? ` WHERE ${keyCompare(conn.dialect, refs, '>', after, params)}` : '';
          const rows = await conn.query(
            `SELECT ${list} FROM ${target.sql}${where} ORDER BY ${refs.join(', ')} LIMIT 1 OFFSET ${rangeRows - 1}`,
            params.values,
          );
          const row = rows[0];
          if (!row) break;
          after = row.slice(0, nKey);
          bounds.push(encodeKey(after));
        }
        await conn.begin();
        try {
          await store.start(planJob, target.label, hash);
          await store.advance(planJob, target.label, JSON.stringify(bounds), bounds.length + 1);
          await store.finish(planJob, target.label);
          await conn.commit();
        } catch (e) {
          await conn.rollback().catch(() => undefined);
          throw e;
        }
      }
      const ranges = [];
      for (let i = 0; i <= bounds.length; i++) {
        ranges.push({ index: i, from: i === 0 ? null : (bounds[i - 1] as string), to: bounds[i] ?? null });
      }
      return { table: target.label, ranges, alreadyDone: false, resumed: plan !== undefined };
    });
  } finally {
    await conn.close();
  }
}

/** Where a distributed job stands: ranges finished, rows protected. */
export interface DistributedJobState {
  readonly finishedRanges: number;
  readonly ranges: number;
  readonly rows: number;
  /** Indexes of the ranges not finished yet. */
  readonly unfinished: readonly number[];
  /** The job is recorded as finished on the table. */
  readonly finished: boolean;
}

/**
 * Read a distributed job's state and, when every range has finished, record the job itself as finished (so
 * running it again, distributed or not, does nothing unless `--restart`). Idempotent.
 *
 * @example
 * const state = await finishDistributedJob({ url, table: 'public.users', job: 'protect', policy, ranges: 4 });
 */
export async function finishDistributedJob(request: {
  readonly url: string;
  readonly table: string;
  readonly job: string;
  readonly policy: CompiledPolicy;
  readonly ranges: number;
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  readonly cwd?: string | undefined;
}): Promise<DistributedJobState> {
  const conn = await openWriteConnection(request.url, {
    ...(request.env ? { env: request.env } : {}),
    ...(request.cwd ? { cwd: request.cwd } : {}),
  });
  try {
    const store = new ProgressStore(conn);
    const parent = await store.get(request.job, request.table);
    let rows = 0;
    let finishedRanges = 0;
    const unfinished: number[] = [];
    for (let i = 0; i < request.ranges; i++) {
      const r = await store.get(rangeJobName(request.job, i), request.table);
      if (r?.finishedAt) finishedRanges++;
      else unfinished.push(i);
      rows += r?.rows ?? 0;
    }
    const state = { finishedRanges, ranges: request.ranges, rows, unfinished };
    if (parent?.finishedAt) return { ...state, finished: true };
    if (unfinished.length > 0) return { ...state, finished: false };
    await conn.begin();
    try {
      await store.start(request.job, request.table, policyHash(request.policy));
      await store.advance(request.job, request.table, '[]', rows);
      await store.finish(request.job, request.table);
      await conn.commit();
    } catch (e) {
      await conn.rollback().catch(() => undefined);
      throw e;
    }
    return { ...state, finished: true };
  } finally {
    await conn.close();
  }
}

/** Splits `schema.table` (the last dot separates; a bare name uses the connection's schema). */
function splitName(conn: WriteConnection, name: string): { schema: string | undefined; table: string } {
  if (name.length === 0 || name.includes('\0')) throw new UsageError('Invalid table name: empty or holding NUL');
  const dot = name.lastIndexOf('.');
  if (dot > 0 && conn.dialect.name !== 'sqlite') return { schema: name.slice(0, dot), table: name.slice(dot + 1) };
  return { schema: conn.defaultSchema, table: name };
}

function qualified(conn: WriteConnection, schema: string | undefined, table: string): Target['sql'] {
  const q = conn.dialect.quote;
  return conn.dialect.name === 'sqlite' || schema === undefined ? q(table) : `${q(schema)}.${q(table)}`;
}

async function listTables(conn: WriteConnection, schema: string | undefined): Promise<TableInfo[]> {
  try {
    return await conn.driver.introspect(conn, conn.dialect.name === 'sqlite' || !schema ? undefined : [schema]);
  } catch (e) {
    throw wrapSqlError(conn.driver, e, { source: conn.display, action: 'list' });
  }
}

/** Finds a table by name: exact spelling first, else the one case-insensitive match. */
function findTable(tables: readonly TableInfo[], table: string): TableInfo | undefined {
  const exact = tables.find((t) => t.name === table);
  if (exact) return exact;
  const loose = tables.filter((t) => t.name.toLowerCase() === table.toLowerCase());
  return loose.length === 1 ? loose[0] : undefined;
}

async function resolveTable(conn: WriteConnection, name: string): Promise<Target> {
  const { schema, table } = splitName(conn, name);
  if (conn.dialect.name === 'mysql' && !schema) {
    throw new UsageError(
      `Cannot protect table "${name}" of "${conn.display}": name the database in the URL or as "db.${name}"`,
    );
  }
  const info = findTable(await listTables(conn, schema), table);
  if (!info) {
    throw new SourceError(
      'LG_SOURCE_UNREADABLE',
      `Cannot protect table "${name}" of "${conn.display}": table does not exist`,
      {
        location: { field: name },
      },
    );
  }
  if (info.name === PROGRESS_TABLE) {
    throw new UsageError(`Cannot protect table "${name}": it is leakguard's progress table`);
  }
  const label = conn.dialect.name === 'sqlite' ? info.name : `${info.schema}.${info.name}`;
  return { info, label, sql: qualified(conn, info.schema, info.name) };
}

/** Kinds detection runs over (SQLite columns without a declared type hold text as often as anything). */
function isTextColumn(conn: WriteConnection, c: ColumnInfo): boolean {
  return c.kind === 'text' || c.kind === 'json' || (conn.dialect.name === 'sqlite' && c.kind === 'other');
}

/** The per-column plan; refuses rules that cannot be honoured. */
function planColumns(
  conn: WriteConnection,
  target: Target,
  transformer: ValueTransformer,
  keyNames: ReadonlySet<string>,
  inPlace: boolean,
  offset: number,
): ColumnPlan[] {
  const plans: ColumnPlan[] = [];
  target.info.columns.forEach((info, i) => {
    const ruled = transformer.isRuled(columnKey(info.name));
    const where = `table "${target.label}" column "${info.name}"`;
    let how: ColumnPlan['how'];
    if (inPlace && keyNames.has(info.name)) {
      if (ruled) {
        throw new UsageError(
          `Cannot protect ${where} in place: it is part of the primary key (protect a copy with --to instead)`,
        );
      }
      how = 'keep';
    } else if (info.kind === 'binary' || info.kind === 'boolean') {
      if (ruled)
        throw new UsageError(
          `Cannot protect ${where}: column rules cannot protect a ${info.kind} column (${info.type})`,
        );
      how = 'keep';
    } else if (isTextColumn(conn, info)) how = 'detect';
    else how = ruled ? 'rule' : 'keep';
    plans.push({ info, at: offset + i, ref: columnRef(info.name), how });
  });
  return plans;
}

/** Column rule names that match no column of the table. */
function unusedRules(policy: CompiledPolicy, columns: readonly ColumnInfo[]): string[] {
  const names = new Set(columns.map((c) => columnKey(c.name)));
  const out: string[] = [];
  for (const r of policy.rules) {
    for (const c of r.columns ?? []) if (!names.has(columnKey(c)) && !out.includes(c)) out.push(c);
  }
  return out;
}

/** The SELECT list: key values first (to compare and update by), then every column. */
function selectList(conn: WriteConnection, info: TableInfo): string {
  const pg = conn.dialect.name === 'postgres';
  const q = conn.dialect.quote;
  const keys = info.key.map((k) => (pg ? `${k.ref}::text` : k.ref));
  // PostgreSQL: every value as its text form, written back as text the column parses (its own input syntax).
  const cols = info.columns.map((c) => (pg ? `${q(c.name)}::text` : q(c.name)));
  // Aliased: an output named like a column (`"id"::text` is named `id`) would otherwise be what ORDER BY sorts by.
  return [...keys, ...cols].map((e, i) => `${e} AS lg_${i}`).join(', ');
}

function batchSelect(
  conn: WriteConnection,
  target: Target,
  after: readonly unknown[] | null,
  batchRows: number,
  lock: boolean,
  until: readonly unknown[] | null = null,
): { sql: string; params: unknown[] } {
  const params = new SqlParams(conn.dialect);
  const refs = target.info.key.map((k) => k.ref);
  const conds: string[] = [];
  if (after) conds.push(keyCompare(conn.dialect, refs, '>', after, params));
  if (until) conds.push(keyCompare(conn.dialect, refs, '<=', until, params));
  const where = conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : '';
  const forUpdate = lock && conn.dialect.name !== 'sqlite' ? ' FOR UPDATE' : '';
  return {
    sql: `SELECT ${selectList(conn, target.info)} FROM ${target.sql}${where} ORDER BY ${refs.join(', ')} LIMIT ${batchRows}${forUpdate}`,
    params: params.values,
  };
}

/** A row's key for messages: integer keys as they are, other keys masked (they may be personal data). */
function keyText(target: Target, row: Row, ordinal: number): string {
  const key = target.info.key;
  const names = key.map((k) => k.name);
  if (key.length > 0 && key.every((k) => k.integer)) return formatKey(names, row.slice(0, key.length));
  return `${names.map((n) => `${n}=***`).join(',')} (row ${ordinal} in key order)`;
}

function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}

/**
 * The protected values of one row (`undefined` where a column is unchanged). Validates typed outputs.
 */
async function protectRow(
  row: Row,
  plans: readonly ColumnPlan[],
  transformer: ValueTransformer,
  target: Target,
  subjectAt: number | undefined,
  ordinal: number,
): Promise<(string | undefined)[] | undefined> {
  let out: (string | undefined)[] | undefined;
  const subject = subjectAt === undefined ? undefined : textOf(row[subjectAt]);
  for (let i = 0; i < plans.length; i++) {
    const p = plans[i] as ColumnPlan;
    if (p.how === 'keep') continue;
    const value = textOf(row[p.at]);
    if (value === undefined) continue;
    const kind = p.info.kind;
    let next: string;
    try {
      const r = transformer.value(value, p.ref, subject, () => ({}), kind === 'number');
      next = isPromiseLike(r) ? await r : r;
    } catch (e) {
      if (!isLeakguardError(e)) throw e;
      throw new PolicyError(
        e.code,
        `Cannot protect table "${target.label}" at ${keyText(target, row, ordinal)}, column "${p.info.name}": ${e.message}`,
        { cause: e, location: { file: target.label, field: p.info.name } },
      );
    }
    if (next === value) continue;
    const invalid =
      kind === 'number'
        ? !NUMBER_TEXT.test(next)
        : kind === 'datetime'
          ? !DATETIME_TEXT.test(next)
          : kind === 'json'
            ? !isJson(next)
            : false;
    if (invalid && !(next === '' && p.info.nullable === false && kind === 'json')) {
      const what = kind === 'number' ? 'a number' : kind === 'datetime' ? 'a date or time' : 'valid JSON';
      throw new PolicyError(
        'LG_OPERATOR_FAILED',
        `Cannot protect table "${target.label}" at ${keyText(target, row, ordinal)}, column "${p.info.name}": the protected value is not ${what}, which the column (${p.info.type}) needs (use an operator that keeps the type, such as generalize to a date, or protect a text copy)`,
        { location: { file: target.label, field: p.info.name } },
      );
    }
    out ??= new Array<string | undefined>(plans.length);
    out[i] = next;
  }
  return out;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function subjectIndex(target: Target, request: ProtectTableRequest, offset: number): number | undefined {
  // The request's subject column overrides the one the policy's dateshift rules name.
  const subject = request.subjectColumn ?? policySubject(request.policy);
  if (subject === undefined) return undefined;
  const i = target.info.columns.findIndex((c) => columnKey(c.name) === columnKey(subject));
  if (i < 0) {
    throw new UsageError(`Cannot protect table "${target.label}": the subject column "${subject}" does not exist`);
  }
  return offset + i;
}

async function run<T>(conn: WriteConnection, target: Target, range: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isLeakguardError(e)) throw e;
    if (e instanceof TypeError || e instanceof RangeError) throw e;
    const err = wrapSqlError(conn.driver, e, { source: conn.display, action: 'read', table: target.label, range });
    throw new SourceError(err.code, err.message.replace(/^Cannot read/, 'Cannot protect'), {
      cause: e,
      location: { field: target.label },
    });
  }
}

/** The range label of a batch: integer keys readable, other keys by batch number. */
function rangeOf(target: Target, after: readonly unknown[] | null, batch: number): string {
  const key = target.info.key;
  if (key.length === 1 && key[0]?.integer) return `after ${after ? String(after[0]) : 'the start'} (batch ${batch})`;
  return `batch ${batch}`;
}

// ---------------------------------------------------------------------------------------------------------------
// In place
// ---------------------------------------------------------------------------------------------------------------

async function inPlace(
  conn: WriteConnection,
  target: Target,
  request: ProtectTableRequest,
  analyzer: Analyzer,
  job: string,
  batchRows: number,
): Promise<TableReport> {
  const { info } = target;
  if (info.keySource !== 'primary' || info.key.length === 0) {
    throw new UsageError(
      `Cannot protect table "${target.label}" in place: it has no primary key, so a crashed run could not resume without protecting values twice (add a primary key, or protect a copy with --to)`,
    );
  }
  const policy = request.policy;
  // Remembered values would make a resumed run differ from an uninterrupted one: off in place.
  const transformer = new ValueTransformer(policy, analyzer, 'protect', {
    actor: request.actor,
    rememberValues: false,
  });
  const nKey = info.key.length;
  const keyNames = new Set(info.key.map((k) => k.name));
  const plans = planColumns(conn, target, transformer, keyNames, true, nKey);
  const subjectAt = subjectIndex(target, request, nKey);
  const hash = policyHash(policy);
  const store = new ProgressStore(conn);
  const report = (rows: number, batches: number, resumedAfterRows: number, alreadyDone: boolean): TableReport => ({
    table: target.label,
    target: target.label,
    mode: 'in-place',
    rows,
    resumedAfterRows,
    batches,
    alreadyDone,
    stats: transformer.stats,
    unusedColumnRules: unusedRules(policy, info.columns),
    warnings: [...policy.warnings],
  });

  let after: unknown[] | null = null;
  let done = 0;
  const range = request.range;
  const until = range?.to ? decodeKey(range.to, nKey) : null;
  await run(conn, target, 'progress', async () => {
    await store.ensure();
    if (!range) {
      // A distributed job's ranges have their own records: running it here would protect rows twice.
      const plan = await store.get(`${job}${PLAN_SUFFIX}`, target.label);
      const parent = await store.get(job, target.label);
      if (plan && !parent?.finishedAt) {
        throw new UsageError(
          `Cannot protect table "${target.label}" in place with job "${job}": it is a distributed job in progress (resume it with --queue URL, or choose another --job)`,
        );
      }
    }
    const rec = await store.get(job, target.label);
    if (rec?.finishedAt && !request.restart) return;
    if (rec && !rec.finishedAt) {
      if (rec.policyHash !== hash) {
        throw new UsageError(
          `Cannot resume job "${job}" on table "${target.label}": it was started with another policy (${rec.rows} rows already protected with it); finish it with that policy`,
        );
      }
      if (request.restart) {
        throw new UsageError(
          `Cannot restart job "${job}" on table "${target.label}": it is unfinished (${rec.rows} rows already protected); restarting would protect them twice, so run it again without --restart to resume`,
        );
      }
      after = rec.lastKey === null ? null : decodeKey(rec.lastKey, nKey);
      done = rec.rows;
      return;
    }
    await conn.begin();
    try {
      await store.start(job, target.label, hash);
      // A range of a distributed job starts after its lower bound (recorded, so a retry resumes from there).
      if (range?.from) await store.advance(job, target.label, range.from, 0);
      await conn.commit();
    } catch (e) {
      await conn.rollback().catch(() => undefined);
      throw e;
    }
  });
  const first = await run(conn, target, 'progress', () => store.get(job, target.label));
  if (first?.finishedAt && !request.restart) return report(0, 0, first.rows, true);
  if (after === null && first?.lastKey) after = decodeKey(first.lastKey, nKey);
  const resumedAfterRows = done;

  const q = conn.dialect.quote;
  let batches = 0;
  let rows = 0;
  for (;;) {
    request.signal?.throwIfAborted();
    const range = rangeOf(target, after, batches + 1);
    const finished = await run(conn, target, range, async () => {
      await conn.begin();
      try {
        // The progress row is locked first: two runs of one job cannot interleave their batches.
        const cur = await store.get(job, target.label, true);
        const expected = after === null ? null : encodeKey(after);
        if (!cur || cur.finishedAt !== null || cur.lastKey !== expected) {
          throw new UsageError(
            `Cannot protect table "${target.label}": another run of job "${job}" is processing it (its progress moved)`,
          );
        }
        const sel = batchSelect(conn, target, after, batchRows, true, until);
        const batch = await conn.query(sel.sql, sel.params);
        for (let r = 0; r < batch.length; r++) {
          const row = batch[r] as Row;
          const next = await protectRow(row, plans, transformer, target, subjectAt, done + r + 1);
          if (!next) continue;
          const params = new SqlParams(conn.dialect);
          const sets: string[] = [];
          for (let i = 0; i < plans.length; i++) {
            const v = next[i];
            if (v !== undefined) sets.push(`${q((plans[i] as ColumnPlan).info.name)} = ${params.add(v)}`);
          }
          const where = info.key.map((k, i) => `${k.ref} = ${params.add(row[i])}`).join(' AND ');
          await conn.query(`UPDATE ${target.sql} SET ${sets.join(', ')} WHERE ${where}`, params.values);
        }
        const last = batch[batch.length - 1];
        if (last) {
          after = last.slice(0, nKey);
          done += batch.length;
          await store.advance(job, target.label, encodeKey(after), done);
        }
        const end = batch.length < batchRows;
        if (end) await store.finish(job, target.label);
        await conn.commit();
        rows += batch.length;
        if (batch.length > 0) batches++;
        return end;
      } catch (e) {
        await conn.rollback().catch(() => undefined);
        throw e;
      }
    });
    request.onBatch?.({ table: target.label, batches, rows });
    if (finished) break;
  }
  return report(rows, batches, resumedAfterRows, false);
}

// ---------------------------------------------------------------------------------------------------------------
// Copy
// ---------------------------------------------------------------------------------------------------------------

async function copy(
  conn: WriteConnection,
  source: Target,
  request: ProtectTableRequest,
  analyzer: Analyzer,
  batchRows: number,
): Promise<TableReport> {
  const { info } = source;
  if (info.key.length === 0) {
    throw new UsageError(
      `Cannot copy table "${source.label}": it has no primary key or unique key to read it in order (add a primary key)`,
    );
  }
  const policy = request.policy;
  const transformer = new ValueTransformer(policy, analyzer, 'protect', { actor: request.actor });
  const nKey = info.key.length;
  const plans = planColumns(conn, source, transformer, new Set(), false, nKey);
  const subjectAt = subjectIndex(source, request, nKey);
  const toName = request.to ?? `${info.name}_protected`;
  const split = splitName(conn, toName);
  const toSchema = request.to !== undefined && toName.includes('.') ? split.schema : info.schema;
  const toTable = split.table;
  const toSql = qualified(conn, toSchema, toTable);
  const toLabel = conn.dialect.name === 'sqlite' ? toTable : `${toSchema}.${toTable}`;
  if (toLabel === source.label)
    throw new UsageError(`Cannot copy table "${source.label}" onto itself (use --in-place)`);
  if (toTable === PROGRESS_TABLE)
    throw new UsageError(`Cannot copy into "${toLabel}": it is leakguard's progress table`);

  const existing = findExact(await listTables(conn, toSchema), toTable);
  if (existing && !request.force) {
    throw new UsageError(
      `Cannot copy table "${source.label}" to "${toLabel}": the target exists (add --force to replace it)`,
    );
  }
  await run(conn, source, 'create', async () => {
    if (existing) await conn.query(`DROP TABLE ${toSql}`);
    await createLike(conn, source, toSql, toTable, toSchema);
  });

  const q = conn.dialect.quote;
  const colList = info.columns.map((c) => q(c.name)).join(', ');
  const perInsert = Math.max(1, Math.min(batchRows, Math.floor(MAX_PARAMS / Math.max(1, info.columns.length))));
  let after: unknown[] | null = null;
  let batches = 0;
  let rows = 0;
  try {
    for (;;) {
      request.signal?.throwIfAborted();
      const range = rangeOf(source, after, batches + 1);
      const batch = await run(conn, source, range, () => {
        const sel = batchSelect(conn, source, after, batchRows, false);
        return conn.query(sel.sql, sel.params);
      });
      if (batch.length === 0) break;
      const values: unknown[][] = [];
      for (let r = 0; r < batch.length; r++) {
        const row = batch[r] as Row;
        const next = await protectRow(row, plans, transformer, source, subjectAt, rows + r + 1);
        const out: unknown[] = new Array(info.columns.length);
        for (let i = 0; i < plans.length; i++) {
          const v = next?.[i];
          out[i] = v !== undefined ? v : row[(plans[i] as ColumnPlan).at];
        }
        values.push(out);
      }
      await run(conn, source, range, async () => {
        await conn.begin();
        try {
          for (let s = 0; s < values.length; s += perInsert) {
            const params = new SqlParams(conn.dialect);
            const tuples: string[] = [];
            for (const v of values.slice(s, s + perInsert)) tuples.push(`(${v.map((x) => params.add(x)).join(', ')})`);
            await conn.query(`INSERT INTO ${toSql} (${colList}) VALUES ${tuples.join(', ')}`, params.values);
          }
          await conn.commit();
        } catch (e) {
          await conn.rollback().catch(() => undefined);
          throw e;
        }
      });
      after = (batch[batch.length - 1] as Row).slice(0, nKey);
      rows += batch.length;
      batches++;
      request.onBatch?.({ table: source.label, batches, rows });
      if (batch.length < batchRows) break;
    }
  } catch (e) {
    // A partial copy is not the copy that was asked for: nothing is left where the output should be.
    await conn.query(`DROP TABLE IF EXISTS ${toSql}`).catch(() => undefined);
    throw e;
  }
  return {
    table: source.label,
    target: toLabel,
    mode: 'copy',
    rows,
    resumedAfterRows: 0,
    batches,
    alreadyDone: false,
    stats: transformer.stats,
    unusedColumnRules: unusedRules(policy, info.columns),
    warnings: [...policy.warnings],
  };
}

function findExact(tables: readonly TableInfo[], name: string): TableInfo | undefined {
  return tables.find((t) => t.name === name) ?? tables.find((t) => t.name.toLowerCase() === name.toLowerCase());
}

/** Creates the target with the source's columns (names, types, NOT NULL) and primary key, and nothing else. */
async function createLike(
  conn: WriteConnection,
  source: Target,
  toSql: string,
  toTable: string,
  toSchema: string | undefined,
): Promise<void> {
  const { info } = source;
  const q = conn.dialect.quote;
  const pk = info.keySource === 'primary' ? info.key.map((k) => q(k.name)).join(', ') : '';
  switch (conn.dialect.name) {
    case 'postgres':
      // LIKE copies names, types and NOT NULL; not defaults, identity, indexes or unique constraints (protected
      // values may collide: a redacted column is all one value).
      await conn.query(`CREATE TABLE ${toSql} (LIKE ${source.sql})`);
      if (pk) await conn.query(`ALTER TABLE ${toSql} ADD PRIMARY KEY (${pk})`);
      return;
    case 'mysql': {
      // LIKE copies indexes too: every one but the primary key is dropped.
      await conn.query(`CREATE TABLE ${toSql} LIKE ${source.sql}`);
      const idx = await conn.query(
        `SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS
         WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY'`,
        [toSchema, toTable],
      );
      if (idx.length > 0) {
        await conn.query(`ALTER TABLE ${toSql} ${idx.map((r) => `DROP INDEX ${q(String(r[0]))}`).join(', ')}`);
      }
      if (!pk) {
        const pri = await conn.query(
          `SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' LIMIT 1`,
          [toSchema, toTable],
        );
        if (pri.length > 0) await conn.query(`ALTER TABLE ${toSql} DROP PRIMARY KEY`);
      }
      return;
    }
    case 'sqlite': {
      const cols = info.columns.map((c) => `${q(c.name)}${c.type ? ` ${c.type}` : ''}${c.nullable ? '' : ' NOT NULL'}`);
      if (pk) cols.push(`PRIMARY KEY (${pk})`);
      await conn.query(`CREATE TABLE ${toSql} (${cols.join(', ')})`);
      return;
    }
  }
}
