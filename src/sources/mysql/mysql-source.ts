/**
 * MySQL and MariaDB source (`mysql://`, `mariadb://`) through `mysql2`, loaded only when a source is created.
 *
 * Each session runs `SET SESSION TRANSACTION READ ONLY`, a statement timeout (`max_statement_time` in seconds on
 * MariaDB, `max_execution_time` in milliseconds on MySQL — the server's flavour is read from `VERSION()`),
 * `lock_wait_timeout` (no queueing behind DDL metadata locks), `time_zone = '+00:00'` (TIMESTAMP keys read the
 * same on every worker) and a long `net_write_timeout` (a keyless table's stream may wait on detection). Every
 * statement then runs inside `START TRANSACTION READ ONLY`.
 *
 * Values arrive as text where it matters: `dateStrings`, `bigNumberStrings`, `jsonStrings` (a JSON document is
 * walked by leakguard's lossless parser, keeping 19-digit numbers intact). BIGINT keys arrive as `bigint` so
 * keyset bounds compare as integers, not as strings converted to doubles.
 *
 * A row comparison `(a, b) > (?, ?)` is not turned into an index range by MariaDB, so composite keys use the
 * expanded predicate (see `keyCompare`). Tables without a primary key or NOT NULL unique index are read as one
 * stream; InnoDB's hidden row id cannot be selected, so a resumed stream skips the rows already read by OFFSET.
 * MariaDB's JSON columns are LONGTEXT with a `json_valid()` check constraint: introspection reads the constraint
 * to treat them as JSON.
 */
import { createRequire } from 'node:module';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type * as Mysql from 'mysql2';
import { type NetworkSqlSpec, parseDbUrl } from '../db-url.js';
import { errorCodeOf, messageOf, NETWORK_CODES } from '../sql/errors.js';
import { quoteIdentifier } from '../sql/identifiers.js';
import { SqlSource, type SqlSourceOptions } from '../sql/sql-source.js';
import { readCaFile, tlsOptions } from '../sql/tls.js';
import type {
  ColumnInfo,
  ColumnKind,
  Row,
  SqlConnection,
  SqlConnectOptions,
  SqlDialect,
  SqlDriver,
  SqlErrorClass,
  SqlQuery,
  TableInfo,
} from '../sql/types.js';

/** The MySQL/MariaDB dialect. */
export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  label: 'MySQL/MariaDB',
  quote: (id) => quoteIdentifier(id, '`'),
  param: () => '?',
  rowValues: false,
  // RAND(N) is a deterministic sequence for the same scan order (InnoDB scans in clustered-key order).
  seededOrder: (seed) => ({ order: `RAND(${seed})` }),
  // MySQL has no OFFSET without LIMIT; the manual's idiom is the largest BIGINT UNSIGNED.
  offset: (n) => `LIMIT 18446744073709551615 OFFSET ${n}`,
  text: (e) => `CAST(${e} AS CHAR)`,
};

const SYSTEM_SCHEMAS = ['mysql', 'information_schema', 'performance_schema', 'sys'];

class MysqlConnection implements SqlConnection {
  broken = false;
  readonly #conn: Mysql.Connection;

  constructor(conn: Mysql.Connection) {
    this.#conn = conn;
    conn.on('error', () => {
      this.broken = true;
    });
    conn.on('end', () => {
      this.broken = true;
    });
  }

  get backendId(): number | undefined {
    return this.#conn.threadId ?? undefined;
  }

  query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      this.#conn.query({ sql, values: params as unknown[], rowsAsArray: true }, (err, rows) => {
        if (err) {
          if ((err as { fatal?: boolean }).fatal) this.broken = true;
          reject(err);
        } else resolve(Array.isArray(rows) ? (rows as unknown as Row[]) : []);
      });
    });
  }

  async *stream(sql: string, params: readonly unknown[], batchRows: number): AsyncIterable<Row[]> {
    const stream = this.#conn
      .query({ sql, values: params as unknown[], rowsAsArray: true })
      .stream({ highWaterMark: batchRows });
    let finished = false;
    try {
      let batch: Row[] = [];
      for await (const row of stream) {
        batch.push(row as Row);
        if (batch.length >= batchRows) {
          yield batch;
          batch = [];
        }
      }
      finished = true;
      if (batch.length > 0) yield batch;
    } catch (e) {
      if ((e as { fatal?: boolean }).fatal) this.broken = true;
      throw e;
    } finally {
      // mysql2 cannot cancel a result set half read: the connection would return the rest to the next query.
      if (!finished) this.destroy();
    }
  }

  async begin(): Promise<void> {
    await this.query('START TRANSACTION READ ONLY');
  }

  async commit(): Promise<void> {
    await this.query('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.query('ROLLBACK');
  }

  destroy(): void {
    this.broken = true;
    this.#conn.destroy();
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#conn.end(() => resolve());
    });
  }
}

/** MySQL `DATA_TYPE`/`COLUMN_TYPE` → kind. */
export function mysqlColumnKind(dataType: string, columnType: string): ColumnKind {
  const t = dataType.toLowerCase();
  // MySQL's BOOLEAN is `tinyint(1)`. Example match: `tinyint(1) unsigned`. Does not match `tinyint(4)`.
  if (t === 'tinyint' && /^tinyint\(1\)/i.test(columnType)) return 'boolean';
  switch (t) {
    case 'tinyint':
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'integer':
    case 'bigint':
    case 'decimal':
    case 'numeric':
    case 'float':
    case 'double':
    case 'real':
    case 'year':
      return 'number';
    case 'char':
    case 'varchar':
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
    case 'enum':
    case 'set':
      return 'text';
    case 'json':
      return 'json';
    case 'date':
    case 'datetime':
    case 'timestamp':
    case 'time':
      return 'datetime';
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
    case 'bit':
    case 'geometry':
    case 'point':
    case 'linestring':
    case 'polygon':
    case 'multipoint':
    case 'multilinestring':
    case 'multipolygon':
    case 'geometrycollection':
      return 'binary';
    default:
      return 'other';
  }
}

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint']);

/**
 * MariaDB's JSON alias: a column check `json_valid(`col`)`. Example match: ``json_valid(`doc`)`` → `doc`. Source:
 * MariaDB's JSON data type page (JSON is LONGTEXT with this constraint). Does not match other checks, nor column
 * names containing a backtick (doubled in the clause; such a column stays text).
 */
const JSON_CHECK_RE = /^json_valid\(`([^`]{1,64})`\)$/i;

/** The mysql2 driver. */
export class MysqlDriver implements SqlDriver {
  readonly dialect = mysqlDialect;
  readonly #spec: NetworkSqlSpec;
  readonly #ca: string | undefined;
  #mariadb: boolean | undefined;

  constructor(spec: NetworkSqlSpec) {
    this.#spec = spec;
    this.#ca = readCaFile(spec.tlsCaFile, spec.display);
  }

  async connect(options: SqlConnectOptions): Promise<SqlConnection> {
    const mode = this.#spec.tls;
    const tls = tlsOptions(mode, this.#ca);
    if (mode === 'allow' || mode === 'prefer') {
      try {
        return await this.#connect(options, tls);
      } catch (e) {
        if (errorCodeOf(e) !== 'HANDSHAKE_NO_SSL_SUPPORT') throw e;
        return this.#connect(options, false);
      }
    }
    return this.#connect(options, tls);
  }

  async #connect(options: SqlConnectOptions, ssl: false | TlsConnectionOptions): Promise<SqlConnection> {
    const require = createRequire(import.meta.url);
    const mysql = require('mysql2') as typeof Mysql;
    const s = this.#spec;
    const raw = mysql.createConnection({
      host: s.host,
      port: s.port,
      ...(s.socketPath ? { socketPath: s.socketPath } : {}),
      ...(s.user !== undefined ? { user: s.user } : {}),
      ...(s.password !== undefined ? { password: s.password } : {}),
      ...(s.database !== undefined ? { database: s.database } : {}),
      ...(ssl ? { ssl: ssl as Mysql.SslOptions } : {}),
      connectTimeout: options.connectTimeoutMs,
      charset: 'utf8mb4_general_ci',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      jsonStrings: true,
      multipleStatements: false,
      connectAttributes: { program_name: options.applicationName },
      typeCast: (field, next) => {
        if (field.type === 'LONGLONG') {
          const v = field.string();
          return v === null ? null : BigInt(v);
        }
        return next();
      },
    });
    const conn = new MysqlConnection(raw);
    await new Promise<void>((resolve, reject) => {
      raw.connect((err) => (err ? reject(err) : resolve()));
    }).catch((e) => {
      conn.destroy();
      throw e;
    });
    try {
      const v = await conn.query('SELECT VERSION()');
      // `10.11.19-MariaDB-0+deb12u1`: MariaDB names itself in VERSION(); MySQL does not.
      this.#mariadb = /mariadb/i.test(String(v[0]?.[0] ?? '')) || this.#spec.mariadb === true;
      const ms = options.statementTimeoutMs;
      await conn.query('SET SESSION TRANSACTION READ ONLY');
      await conn.query(
        this.#mariadb ? `SET SESSION max_statement_time = ${ms / 1000}` : `SET SESSION max_execution_time = ${ms}`,
      );
      await conn.query(`SET SESSION lock_wait_timeout = ${Math.max(1, Math.ceil(ms / 1000))}`);
      await conn.query(`SET SESSION time_zone = '+00:00'`);
      await conn.query('SET SESSION net_write_timeout = 600');
    } catch (e) {
      conn.destroy();
      throw e;
    }
    return conn;
  }

  async introspect(q: SqlQuery, schemas: readonly string[] | undefined): Promise<TableInfo[]> {
    const scope = schemas ? { sql: 'IN (?)', params: [[...schemas]] } : { sql: 'NOT IN (?)', params: [SYSTEM_SCHEMAS] };
    const tables = await q.query(
      `SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS, CAST(UPDATE_TIME AS CHAR) FROM information_schema.TABLES
       WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA ${scope.sql} ORDER BY TABLE_SCHEMA, TABLE_NAME`,
      scope.params,
    );
    if (tables.length === 0) return [];
    const cols = await q.query(
      `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, EXTRA
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA ${scope.sql}
       ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
      scope.params,
    );
    const stats = await q.query(
      `SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA ${scope.sql}
       ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX`,
      scope.params,
    );
    const jsonCols = new Set<string>();
    if (this.#mariadb) {
      const checks = await q.query(
        `SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
         WHERE CONSTRAINT_SCHEMA ${scope.sql}`,
        scope.params,
      );
      for (const [schema, table, clause] of checks) {
        const m = JSON_CHECK_RE.exec(String(clause).trim());
        if (m) jsonCols.add(`${schema}\u0000${table}\u0000${m[1]}`);
      }
    }
    const id = (schema: unknown, table: unknown) => `${schema}\u0000${table}`;
    const columns = new Map<string, ColumnInfo[]>();
    const dataTypes = new Map<string, string>();
    for (const [schema, table, name, dataType, columnType, nullable, extra] of cols) {
      const t = id(schema, table);
      let list = columns.get(t);
      if (!list) columns.set(t, (list = []));
      const n = String(name);
      let kind = mysqlColumnKind(String(dataType), String(columnType));
      if (kind === 'text' && jsonCols.has(`${t}\u0000${n}`)) kind = 'json';
      list.push({
        name: n,
        type: String(columnType),
        kind,
        nullable: nullable === 'YES',
        expr: quoteIdentifier(n, '`'),
        // EXTRA of an auto-updated column: `on update current_timestamp(6)` (MySQL writes it in lower case,
        // MariaDB in upper case). Does not match `DEFAULT_GENERATED` alone.
        ...(/on update current_timestamp/i.test(String(extra ?? '')) ? { autoUpdated: true } : {}),
      });
      dataTypes.set(`${t}\u0000${n}`, String(dataType).toLowerCase());
    }
    const indexes = new Map<string, Map<string, { unique: boolean; cols: string[] }>>();
    for (const [schema, table, index, nonUnique, , column] of stats) {
      const t = id(schema, table);
      let m = indexes.get(t);
      if (!m) indexes.set(t, (m = new Map()));
      let ix = m.get(String(index));
      if (!ix) m.set(String(index), (ix = { unique: Number(nonUnique) === 0, cols: [] }));
      ix.cols.push(column === null ? '' : String(column));
    }
    const out: TableInfo[] = [];
    for (const [schema, table, rows, updateTime] of tables) {
      const t = id(schema, table);
      const ix = indexes.get(t) ?? new Map<string, { unique: boolean; cols: string[] }>();
      const leading = new Set([...ix.values()].map((i) => i.cols[0]).filter((c): c is string => !!c));
      const cs = (columns.get(t) ?? []).map((c) => (leading.has(c.name) ? { ...c, indexed: true } : c));
      const notNull = (n: string) => cs.find((c) => c.name === n)?.nullable === false;
      const primary = ix.get('PRIMARY')?.cols;
      // A functional index part has no COLUMN_NAME (''): not a usable key.
      const unique = [...ix.entries()].find(
        ([name, i]) => name !== 'PRIMARY' && i.unique && i.cols.every((c) => c !== '' && notNull(c)),
      )?.[1].cols;
      const keyNames = primary ?? unique ?? [];
      out.push({
        schema: String(schema),
        name: String(table),
        columns: cs,
        key: keyNames.map((n) => {
          const ref = quoteIdentifier(n, '`');
          return { name: n, expr: ref, ref, integer: INTEGER_TYPES.has(dataTypes.get(`${t}\u0000${n}`) ?? '') };
        }),
        keySource: primary ? 'primary' : unique ? 'unique' : 'none',
        ...(rows !== null && rows !== undefined ? { estimatedRows: Number(rows) } : {}),
        ...(updateTime !== null && updateTime !== undefined ? { changeFacts: { updateTime: String(updateTime) } } : {}),
      });
    }
    return out;
  }

  classify(error: unknown): SqlErrorClass {
    const errno = (error as { errno?: unknown } | null)?.errno;
    const code = errorCodeOf(error) ?? '';
    switch (errno) {
      case 1927: // ER_CONNECTION_KILLED (MariaDB)
      case 1053: // ER_SERVER_SHUTDOWN
      case 2006: // CR_SERVER_GONE_ERROR
      case 2013: // CR_SERVER_LOST
      case 1040: // ER_CON_COUNT_ERROR
      case 1213: // ER_LOCK_DEADLOCK (retryable)
        return 'connection';
      case 1969: // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
      case 3024: // ER_QUERY_TIMEOUT (MySQL max_execution_time)
      case 1205: // ER_LOCK_WAIT_TIMEOUT
      case 1317: // ER_QUERY_INTERRUPTED
        return 'timeout';
      case 1792: // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
      case 1290: // ER_OPTION_PREVENTS_STATEMENT (--read-only)
      case 1836: // ER_READ_ONLY_MODE
        return 'readonly';
      case 1142: // ER_TABLEACCESS_DENIED_ERROR
      case 1143: // ER_COLUMNACCESS_DENIED_ERROR
      case 1044: // ER_DBACCESS_DENIED_ERROR
        return 'permission';
      case 1045: // ER_ACCESS_DENIED_ERROR
      case 1698: // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
        return 'auth';
      case 1049: // ER_BAD_DB_ERROR
      case 1146: // ER_NO_SUCH_TABLE
        return 'missing';
    }
    if (code.startsWith('PROTOCOL_') || NETWORK_CODES.has(code) || code === 'HANDSHAKE_NO_SSL_SUPPORT') {
      return code === 'HANDSHAKE_NO_SSL_SUPPORT' ? 'other' : 'connection';
    }
    if ((error as { fatal?: boolean } | null)?.fatal === true) return 'connection';
    // mysql2 refuses commands on a closed connection without a code.
    // mysql2's messages for a dead connection: `Can't add new command when connection is in closed state`,
    // `Connection lost: The server closed the connection.` Does not match server errors, which carry an errno.
    if (/closed state|connection lost|server closed the connection/i.test(messageOf(error))) return 'connection';
    return 'other';
  }

  code(error: unknown): string | undefined {
    const code = errorCodeOf(error);
    if (code) return code;
    const errno = (error as { errno?: unknown } | null)?.errno;
    return typeof errno === 'number' ? `errno_${errno}` : undefined;
  }
}

/**
 * A source over a MySQL or MariaDB server. Without `?schema=`, the URL's database is scanned; without either,
 * every non-system schema.
 *
 * @throws {UsageError} `LG_USAGE` when the URL does not parse or its `sslrootcert` cannot be read.
 * @example
 * const source = createMysqlSource('mysql://scanner@db.internal:3306/shop?passwordEnv=SHOP_DB_PASSWORD', { full: true })
 */
export function createMysqlSource(url: string | NetworkSqlSpec, options: SqlSourceOptions = {}): SqlSource {
  const spec = typeof url === 'string' ? parseDbUrl(url) : url;
  if (spec.kind !== 'mysql')
    throw new TypeError(`createMysqlSource needs a mysql:// or mariadb:// URL, got ${spec.kind}`);
  const schemas = spec.schemas ?? (spec.database ? [spec.database] : undefined);
  return new SqlSource(
    new MysqlDriver(spec),
    { display: spec.display, base: spec.base },
    {
      ...(schemas ? { schemas } : {}),
      ...(spec.tables ? { tables: spec.tables } : {}),
      ...(spec.sampleRows !== undefined ? { sampleRows: spec.sampleRows } : {}),
      ...options,
    },
  );
}
