/**
 * One writable connection per database for `protectTable`: PostgreSQL and MySQL/MariaDB connections are opened
 * by the SQL sources' drivers (so TLS, sockets, `passwordEnv` and error classification are the same as for a
 * scan) and then switched to read-write; SQLite is opened directly (the source driver opens files read-only).
 * Introspection (columns, kinds, primary keys) is the drivers' own.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { SourceError, UsageError } from '../../core/errors.js';
import { parseDbUrl, redactUrl, type SqlConnectionSpec } from '../../sources/db-url.js';
import { MysqlDriver } from '../../sources/mysql/mysql-source.js';
import { PostgresDriver } from '../../sources/postgres/postgres-source.js';
import { wrapSqlError } from '../../sources/sql/errors.js';
import type { Row, SqlConnection, SqlDialect, SqlDriver, SqlQuery } from '../../sources/sql/types.js';
import { SqliteDriver } from '../../sources/sqlite/sqlite-source.js';

/** A writable connection: statements with bound parameters, explicit transactions. */
export interface WriteConnection extends SqlQuery {
  readonly dialect: SqlDialect;
  readonly driver: SqlDriver;
  /** The redacted URL, for messages. */
  readonly display: string;
  /** The schema unqualified names resolve in (PostgreSQL: `public`; MySQL: the URL's database; SQLite: `main`). */
  readonly defaultSchema: string | undefined;
  /** Starts a read-write transaction (SQLite: `BEGIN IMMEDIATE`, so the write lock is taken up front). */
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

/** Connection settings: no statement timeout (a batch may wait on row locks), a bounded connect time. */
const CONNECT = { statementTimeoutMs: 0, connectTimeoutMs: 15_000, applicationName: 'leakguard-protect' };

/**
 * Opens a writable connection to the database `url` names.
 *
 * @throws UsageError `LG_USAGE` when the URL is not a PostgreSQL, MySQL/MariaDB or SQLite URL; SourceError
 *   `LG_SOURCE_CONNECT` (redacted URL, driver code) when the connection fails
 * @example
 * const conn = await openWriteConnection('sqlite:./shop.db', { cwd: process.cwd() });
 */
export async function openWriteConnection(
  url: string,
  options: { env?: Readonly<Record<string, string | undefined>>; cwd?: string } = {},
): Promise<WriteConnection> {
  const spec = parseDbUrl(url, options);
  if (spec.kind === 'elasticsearch') {
    throw new UsageError(
      `Cannot protect "${redactUrl(url)}": only PostgreSQL, MySQL/MariaDB and SQLite tables can be protected`,
    );
  }
  return spec.kind === 'sqlite' ? openSqlite(spec) : openNetwork(spec);
}

async function openNetwork(spec: Extract<SqlConnectionSpec, { kind: 'postgres' | 'mysql' }>): Promise<WriteConnection> {
  const driver: SqlDriver = spec.kind === 'postgres' ? new PostgresDriver(spec) : new MysqlDriver(spec);
  let conn: SqlConnection;
  try {
    conn = await driver.connect(CONNECT);
    if (spec.kind === 'postgres') {
      await conn.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE');
      await conn.query('SET lock_timeout = 60000');
    } else {
      await conn.query('SET SESSION TRANSACTION READ WRITE');
      await conn.query('SET SESSION lock_wait_timeout = 60');
    }
  } catch (e) {
    throw wrapSqlError(driver, e, { source: spec.display, action: 'connect' });
  }
  let schema: string | undefined;
  if (spec.kind === 'postgres') {
    const r = await conn.query('SELECT current_schema()');
    schema = r[0]?.[0] == null ? 'public' : String(r[0][0]);
  } else schema = spec.database;
  const mysql = spec.kind === 'mysql';
  return {
    dialect: driver.dialect,
    driver,
    display: spec.display,
    defaultSchema: schema,
    query: (sql, params = []) =>
      // mysql2 escapes parameters client-side and has no bigint case: integers travel as their decimal text.
      conn.query(sql, mysql ? params.map((p) => (typeof p === 'bigint' ? p.toString() : p)) : params),
    begin: async () => {
      await conn.query(mysql ? 'START TRANSACTION' : 'BEGIN');
    },
    commit: async () => {
      await conn.query('COMMIT');
    },
    rollback: async () => {
      if (!conn.broken) await conn.query('ROLLBACK');
    },
    close: async () => {
      await conn.close().catch(() => conn.destroy());
    },
  };
}

/** Prepared statements kept per SQLite connection at most. */
const MAX_STATEMENTS = 256;

async function openSqlite(spec: Extract<SqlConnectionSpec, { kind: 'sqlite' }>): Promise<WriteConnection> {
  const driver = new SqliteDriver(spec.path);
  const require = createRequire(import.meta.url);
  const Database = require('better-sqlite3') as typeof BetterSqlite3;
  let db: BetterSqlite3.Database;
  try {
    db = new Database(spec.path, { fileMustExist: true, timeout: 30_000 });
    db.pragma('trusted_schema = OFF');
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (e) {
    throw new SourceError(
      'LG_SOURCE_CONNECT',
      `Cannot open SQLite database "${spec.display}": not a readable database file`,
      {
        cause: e,
      },
    );
  }
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (sql: string): BetterSqlite3.Statement => {
    let st = statements.get(sql);
    if (!st) {
      st = db.prepare(sql);
      st.safeIntegers(true);
      if (statements.size >= MAX_STATEMENTS) statements.clear();
      statements.set(sql, st);
    }
    return st;
  };
  return {
    dialect: driver.dialect,
    driver,
    display: spec.display,
    defaultSchema: 'main',
    async query(sql, params = []) {
      const st = prepare(sql);
      if (st.reader) return st.raw(true).all(...(params as unknown[])) as Row[];
      st.run(...(params as unknown[]));
      return [];
    },
    async begin() {
      db.exec('BEGIN IMMEDIATE');
    },
    async commit() {
      db.exec('COMMIT');
    },
    async rollback() {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
    async close() {
      statements.clear();
      db.close();
    },
  };
}
