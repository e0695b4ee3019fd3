/**
 * The SQL source core's contracts (drizzle's shape: one core, one small driver per dialect).
 *
 * A driver opens single read-only connections, introspects tables and classifies its errors; a dialect builds
 * the few statements that differ between databases. Everything else — unit planning, sampling strategy, keyset
 * range reads, retries, value conversion, error wrapping — lives in the core ({@link ./sql-source.ts}).
 */

/** Dialects the core knows. */
export type SqlDialectName = 'postgres' | 'mysql' | 'sqlite';

/**
 * What a column holds, as far as scanning cares.
 * - `text`, `number`, `datetime`, `other`: read and converted to text.
 * - `json`: parsed and walked; every string and number becomes a fragment at `column.$.path`.
 * - `array`: (PostgreSQL arrays) walked like JSON: `column.$[0]`.
 * - `binary`: not read (a note says so): bytes are not text, and base64-decoding guesses would be noise.
 * - `boolean`: not read: a truth value cannot hold personal data.
 */
export type ColumnKind = 'text' | 'number' | 'datetime' | 'json' | 'array' | 'binary' | 'boolean' | 'other';

/** One column of a table. */
export interface ColumnInfo {
  readonly name: string;
  /** The type as the database names it (`character varying(64)`, `longtext`, `TEXT`). */
  readonly type: string;
  readonly kind: ColumnKind;
  readonly nullable: boolean;
  /** The select expression that yields the value in the form the core converts (`"c"::text` on PostgreSQL). */
  readonly expr: string;
  /** Whether the column leads some index (a `max()` over it is cheap). */
  readonly indexed?: boolean;
  /** Whether the database maintains it on update (MySQL `ON UPDATE CURRENT_TIMESTAMP`). */
  readonly autoUpdated?: boolean;
}

/** A column of the key that orders keyset reads. */
export interface KeyColumn {
  readonly name: string;
  /** The select expression for the key value as the driver should get it back (PostgreSQL: `"id"::text`). */
  readonly expr: string;
  /** The bare column expression to compare and order by (`"id"`). */
  readonly ref: string;
  /** Whether the column is an integer (enables readable range ids and key-probe sampling). */
  readonly integer: boolean;
}

/** How a keyless table's rows are located when a read is resumed. */
export interface RowLocator {
  /** Label in `loc.key` (`ctid`). */
  readonly name: string;
  /** Select expression yielding a text locator (`ctid::text`). */
  readonly expr: string;
  /** A predicate selecting rows after a locator value (validated by `valid`), or undefined: resume by OFFSET. */
  readonly after?: (value: string) => string;
  /** Whether a value returned by `expr` is well formed (it is inlined into `after`). */
  readonly valid?: (value: string) => boolean;
}

/** One table (or materialized view) as introspected. */
export interface TableInfo {
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly ColumnInfo[];
  /**
   * The key that orders range reads: the primary key, else a unique index over NOT NULL columns, else SQLite's
   * `rowid`, else none (read as one unit in physical order).
   */
  readonly key: readonly KeyColumn[];
  readonly keySource: 'primary' | 'unique' | 'rowid' | 'none';
  /** For keyless tables: how a dropped read resumes. */
  readonly locator?: RowLocator;
  /** Planner statistics (may be stale or missing). */
  readonly estimatedRows?: number;
  /** Cheap change facts the database keeps (PostgreSQL write counters, MySQL `UPDATE_TIME`). */
  readonly changeFacts?: Readonly<Record<string, string | number>>;
}

/** A row as the driver returns it: values in select order. */
export type Row = readonly unknown[];

/** What {@link SqlConnection.query} and read-only callbacks can run. */
export interface SqlQuery {
  /** Run one statement and return its rows (arrays in select order). */
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** Why a driver error happened, as far as retrying and reporting care. */
export type SqlErrorClass =
  | 'connection' // the connection dropped or could not be made: retry
  | 'auth' // authentication or authorisation to connect failed
  | 'timeout' // statement or lock timeout
  | 'permission' // no privilege on a table
  | 'missing' // the table or database does not exist
  | 'readonly' // a write was refused by the read-only transaction
  | 'other';

/** One open database connection, configured read-only with a statement timeout by its driver. */
export interface SqlConnection extends SqlQuery {
  /** Server-side id of the connection (PostgreSQL backend pid, MySQL thread id). */
  readonly backendId: number | undefined;
  /** True once the connection reported an error or end: it is discarded, never reused. */
  readonly broken: boolean;
  /** Start a read-only transaction. */
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Stream one statement's rows in batches (inside a transaction). Breaking out of the loop frees the cursor. */
  stream(sql: string, params: readonly unknown[], batchRows: number): AsyncIterable<Row[]>;
  /** Abort whatever is running (the connection becomes broken). */
  destroy(): void;
  close(): Promise<void>;
}

/** Settings every driver applies to each connection. */
export interface SqlConnectOptions {
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  applicationName: string;
}

/** The statements that differ between SQL dialects. */
export interface SqlDialect {
  readonly name: SqlDialectName;
  /** Human name for messages: `PostgreSQL`, `MySQL/MariaDB`, `SQLite`. */
  readonly label: string;
  /** Quote one identifier. */
  quote(identifier: string): string;
  /** The placeholder of the i-th (1-based) parameter. */
  param(index: number): string;
  /** Whether `(a, b) > (x, y)` row comparisons are supported and use the index. */
  readonly rowValues: boolean;
  /**
   * A seeded random order: the same seed over the same table gives the same sample, so repeated scans of an
   * unchanged table report the same findings. `setup` runs first in the same transaction (PostgreSQL `setseed`).
   * `seed` is a non-negative 31-bit integer; `keyRefs` are the qualified key columns (may be empty).
   */
  seededOrder(seed: number, keyRefs: readonly string[]): { setup?: string; order: string };
  /** A clause that skips `n` rows without limiting (`OFFSET n`, `LIMIT -1 OFFSET n`). */
  offset(n: number): string;
  /** An expression yielding the text of `expr` (for `max(updated_at)`). */
  text(expr: string): string;
  /** The `TABLESAMPLE` clause reading about `percent` % of pages, repeatable with `seed`, where the database has one. */
  tableSample?(percent: number, seed: number): string;
}

/** A database driver: connections, introspection and error classification. */
export interface SqlDriver {
  readonly dialect: SqlDialect;
  /** Open one connection, read-only, with the statement timeout set. Rejects with the raw driver error. */
  connect(options: SqlConnectOptions): Promise<SqlConnection>;
  /** List tables (with columns, keys and statistics) in the given schemas, or all non-system schemas. */
  introspect(q: SqlQuery, schemas: readonly string[] | undefined): Promise<TableInfo[]>;
  /** Classify a raw driver error. */
  classify(error: unknown): SqlErrorClass;
  /** A short, value-free code for a driver error (SQLSTATE, errno name, SQLite code), if it has one. */
  code(error: unknown): string | undefined;
  /** Free driver-wide resources (nothing for most drivers). */
  close?(): Promise<void>;
}
