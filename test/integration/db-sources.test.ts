/**
 * The shared SQL source suite against real servers: PostgreSQL and MariaDB/MySQL on loopback.
 *
 * URLs come from `LEAKGUARD_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/test`) and
 * `LEAKGUARD_TEST_MYSQL_URL` (default `mysql://root@127.0.0.1:3306/test`). An unreachable server fails the run
 * with a message saying so — it is never skipped. Each run works in its own schema (PostgreSQL) or database
 * (MySQL) with a unique name and drops it afterwards.
 *
 * Run with `npx vitest run --config vitest.services.config.ts`.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Mysql from 'mysql2';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isLeakguardError } from '../../src/core/errors.js';
import { describeSourceConformance } from '../../src/sources/conformance.js';
import { redactUrl } from '../../src/sources/db-url.js';
import { createMysqlSource } from '../../src/sources/mysql/mysql-source.js';
import { createPostgresSource } from '../../src/sources/postgres/postgres-source.js';
import { describeSqlSourceSuite } from '../../src/sources/sql/__fixtures__/shared-suite.js';
import { quoteIdentifier } from '../../src/sources/sql/identifiers.js';

const require = createRequire(import.meta.url);
const PG_URL = process.env.LEAKGUARD_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.LEAKGUARD_TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306/test';

function uniqueName(): string {
  return `lg_it_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

describeSqlSourceSuite({
  name: 'PostgreSQL',
  dialect: 'postgres',
  types: {
    int: 'integer',
    bigint: 'bigint',
    key: 'text',
    text: 'text',
    json: 'jsonb',
    blob: 'bytea',
    timestamp: 'timestamp',
    bool: 'boolean',
  },
  blob: (hex) => `'\\x${hex}'::bytea`,
  async setup() {
    const { Client } = require('pg') as typeof pg;
    const admin = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
    admin.on('error', () => undefined);
    try {
      await admin.connect();
    } catch (cause) {
      throw new Error(
        `PostgreSQL not reachable at ${redactUrl(PG_URL)}: start it or set LEAKGUARD_TEST_PG_URL (${(cause as Error).message})`,
      );
    }
    const schema = uniqueName();
    const q = (n: string) => quoteIdentifier(n, '"');
    await admin.query(`CREATE SCHEMA ${q(schema)}`);
    const url = new URL(PG_URL);
    url.searchParams.set('schema', schema);
    return {
      schema,
      table: (name) => `${q(schema)}.${q(name)}`,
      quote: q,
      exec: async (sql) => {
        await admin.query(sql);
      },
      analyze: async (t) => {
        await admin.query(`ANALYZE ${q(schema)}.${q(t)}`);
      },
      source: (options) =>
        createPostgresSource(url.toString(), { applicationName: `leakguard-it-${schema}`, ...options }),
      slowQuery: 'SELECT pg_sleep(30)',
      kill: async (pid) => {
        // The timeout form waits until the backend has exited (PostgreSQL 14+), so the next use surely fails.
        await admin.query('SELECT pg_terminate_backend($1, 5000)', [pid]);
      },
      teardown: async () => {
        await admin.query(`DROP SCHEMA IF EXISTS ${q(schema)} CASCADE`);
        await admin.end();
      },
    };
  },
});

describeSqlSourceSuite({
  name: 'MariaDB/MySQL',
  dialect: 'mysql',
  types: {
    int: 'INT',
    bigint: 'BIGINT',
    key: 'VARCHAR(64)',
    text: 'TEXT',
    json: 'JSON',
    blob: 'BLOB',
    timestamp: 'DATETIME(6)',
    bool: 'BOOLEAN',
  },
  blob: (hex) => `X'${hex}'`,
  async setup() {
    const mysql = require('mysql2') as typeof Mysql;
    const admin = mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 5000, multipleStatements: false });
    admin.on('error', () => undefined);
    const run = (sql: string, values: unknown[] = []) =>
      new Promise<void>((resolve, reject) => admin.query(sql, values, (e) => (e ? reject(e) : resolve())));
    try {
      await new Promise<void>((resolve, reject) => admin.connect((e) => (e ? reject(e) : resolve())));
    } catch (cause) {
      throw new Error(
        `MariaDB/MySQL not reachable at ${redactUrl(MYSQL_URL)}: start it or set LEAKGUARD_TEST_MYSQL_URL (${(cause as Error).message})`,
      );
    }
    const database = uniqueName();
    const q = (n: string) => quoteIdentifier(n, '`');
    await run(`CREATE DATABASE ${q(database)} CHARACTER SET utf8mb4`);
    const url = new URL(MYSQL_URL);
    url.pathname = `/${database}`;
    return {
      schema: database,
      table: (name) => `${q(database)}.${q(name)}`,
      quote: q,
      exec: (sql) => run(sql),
      analyze: (t) => run(`ANALYZE TABLE ${q(database)}.${q(t)}`),
      source: (options) => createMysqlSource(url.toString(), options),
      // A cross join big enough to outlast any timeout under test.
      slowQuery:
        'SELECT count(*) FROM information_schema.COLUMNS a, information_schema.COLUMNS b, information_schema.COLUMNS c',
      kill: async (id) => {
        await run(`KILL CONNECTION ${Number(id)}`);
      },
      teardown: async () => {
        await run(`DROP DATABASE IF EXISTS ${q(database)}`);
        await new Promise<void>((resolve) => admin.end(() => resolve()));
      },
    };
  },
});

describe('database sources against unreachable servers', () => {
  it('`createPostgresSource` fails with LG_SOURCE_CONNECT and a redacted URL when nothing listens', async () => {
    const source = createPostgresSource('postgres://scanner:hunter2@127.0.0.1:1/x', {
      connectTimeoutMs: 2000,
      retries: 0,
    });
    const err = await source.tables().catch((e: unknown) => e);
    await source.close();
    expect(isLeakguardError(err) && err.code).toBe('LG_SOURCE_CONNECT');
    expect((err as Error).message).toBe(
      'Cannot connect to PostgreSQL at "postgres://scanner:***@127.0.0.1:1/x": connection refused (ECONNREFUSED)',
    );
  });

  it('`createMysqlSource` fails with LG_SOURCE_CONNECT and a redacted URL when nothing listens', async () => {
    const source = createMysqlSource('mysql://scanner:hunter2@127.0.0.1:1/x', { connectTimeoutMs: 2000, retries: 0 });
    const err = await source.tables().catch((e: unknown) => e);
    await source.close();
    expect(isLeakguardError(err) && err.code).toBe('LG_SOURCE_CONNECT');
    expect((err as Error).message).toBe(
      'Cannot connect to MySQL/MariaDB at "mysql://scanner:***@127.0.0.1:1/x": connection refused (ECONNREFUSED)',
    );
  });

  it('`createPostgresSource` reports authentication failure without the password when the user is unknown', async () => {
    const url = new URL(PG_URL);
    url.username = 'no_such_user_lg';
    url.password = 'hunter2';
    const source = createPostgresSource(url.toString(), { retries: 0 });
    const err = await source.tables().catch((e: unknown) => e);
    await source.close();
    expect(isLeakguardError(err) && err.code).toBe('LG_SOURCE_CONNECT');
    expect((err as Error).message).not.toContain('hunter2');
    expect((err as Error).message).toMatch(/^Cannot connect to PostgreSQL at ".*no_such_user_lg:\*\*\*@/);
  });
});

// The project-wide Source conformance suite, on a small table per server (sampling mode and full mode).
for (const [name, url, make] of [
  ['PostgreSQL', PG_URL, createPostgresSource],
  ['MariaDB/MySQL', MYSQL_URL, createMysqlSource],
] as const) {
  for (const full of [false, true]) {
    describeSourceConformance(`${name} source (${full ? 'full' : 'sampling'})`, async () => {
      const isPg = name === 'PostgreSQL';
      const ns = uniqueName();
      const adminUrl = url;
      const exec = isPg ? await pgExec(adminUrl) : await mysqlExec(adminUrl);
      const q = (n: string) => quoteIdentifier(n, isPg ? '"' : '`');
      await exec.run(isPg ? `CREATE SCHEMA ${q(ns)}` : `CREATE DATABASE ${q(ns)}`);
      await exec.run(`CREATE TABLE ${q(ns)}.${q('customers')} (id INT PRIMARY KEY, phone VARCHAR(20), note TEXT)`);
      await exec.run(
        `INSERT INTO ${q(ns)}.${q('customers')} (id, phone, note) VALUES ${Array.from({ length: 30 }, (_, i) => `(${i + 1}, '1380013${String(i).padStart(4, '0')}', 'note ${i}')`).join(', ')}`,
      );
      await exec.run(`CREATE TABLE ${q(ns)}.${q('log')} (line TEXT)`);
      await exec.run(`INSERT INTO ${q(ns)}.${q('log')} (line) VALUES ('a'), ('b'), ('c')`);
      const u = new URL(url);
      if (isPg) u.searchParams.set('schema', ns);
      else u.pathname = `/${ns}`;
      return {
        source: make(u.toString(), full ? { full: true, rangeRows: 8, batchRows: 3 } : { sampleRows: 10 }),
        cleanup: async () => {
          await exec.run(isPg ? `DROP SCHEMA ${q(ns)} CASCADE` : `DROP DATABASE ${q(ns)}`);
          await exec.end();
        },
      };
    });
  }
}

async function pgExec(url: string): Promise<{ run(sql: string): Promise<void>; end(): Promise<void> }> {
  const { Client } = require('pg') as typeof pg;
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  c.on('error', () => undefined);
  await c.connect().catch((cause: Error) => {
    throw new Error(
      `PostgreSQL not reachable at ${redactUrl(url)}: start it or set LEAKGUARD_TEST_PG_URL (${cause.message})`,
    );
  });
  return {
    run: async (sql) => {
      await c.query(sql);
    },
    end: () => c.end(),
  };
}

async function mysqlExec(url: string): Promise<{ run(sql: string): Promise<void>; end(): Promise<void> }> {
  const mysql = require('mysql2') as typeof Mysql;
  const c = mysql.createConnection({ uri: url, connectTimeout: 5000 });
  c.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => c.connect((e) => (e ? reject(e) : resolve()))).catch((cause: Error) => {
    throw new Error(
      `MariaDB/MySQL not reachable at ${redactUrl(url)}: start it or set LEAKGUARD_TEST_MYSQL_URL (${cause.message})`,
    );
  });
  return {
    run: (sql) => new Promise<void>((resolve, reject) => c.query(sql, (e) => (e ? reject(e) : resolve()))),
    end: () => new Promise<void>((resolve) => c.end(() => resolve())),
  };
}

describe('PostgreSQL privileges', () => {
  it('`read` fails one unit with LG_SOURCE_UNREADABLE when a table is not readable, and the others still read', async () => {
    const admin = await pgExec(PG_URL);
    const ns = uniqueName();
    const role = `${ns}_r`;
    const q = (n: string) => quoteIdentifier(n, '"');
    try {
      await admin.run(`CREATE SCHEMA ${q(ns)}`);
      await admin.run(`CREATE TABLE ${q(ns)}.open_t (id int PRIMARY KEY, v text)`);
      await admin.run(`CREATE TABLE ${q(ns)}.secret_t (id int PRIMARY KEY, v text)`);
      await admin.run(`INSERT INTO ${q(ns)}.open_t VALUES (1, 'visible')`);
      await admin.run(`INSERT INTO ${q(ns)}.secret_t VALUES (1, 'hidden')`);
      await admin.run(`CREATE ROLE ${q(role)} LOGIN`);
      await admin.run(`GRANT USAGE ON SCHEMA ${q(ns)} TO ${q(role)}`);
      await admin.run(`GRANT SELECT ON ${q(ns)}.open_t TO ${q(role)}`);
      const url = new URL(PG_URL);
      url.username = role;
      url.searchParams.set('schema', ns);
      const source = createPostgresSource(url.toString(), { retries: 0 });
      try {
        const units = [];
        for await (const u of source.units()) units.push(u);
        expect(units.map((u) => u.params?.table)).toEqual(['open_t', 'secret_t']);
        expect(units[1]!.fingerprint?.rows).toBeUndefined();
        const err = await (async () => {
          for await (const _ of source.read(units[1]!));
        })().catch((e: unknown) => e);
        expect(isLeakguardError(err) && err.code).toBe('LG_SOURCE_UNREADABLE');
        expect((err as Error).message).toBe(
          `Cannot read table "${ns}.secret_t" (sample) from "${redactUrl(url.toString())}": permission denied (42501)`,
        );
        const texts = [];
        for await (const x of source.read(units[0]!)) if ('text' in x) texts.push(x.text);
        expect(texts).toContain('visible');
      } finally {
        await source.close();
      }
    } finally {
      await admin.run(`DROP SCHEMA IF EXISTS ${q(ns)} CASCADE`);
      await admin.run(`DROP ROLE IF EXISTS ${q(role)}`);
      await admin.end();
    }
  });
});
