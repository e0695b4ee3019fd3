/**
 * A minimal SQL executor over two engines — embedded SQLite (better-sqlite3) for one machine, PostgreSQL (pg)
 * for teams and distributed scans — so the catalog, the token vault and the audit log share one code path.
 * Statements use `?` placeholders; the PostgreSQL adapter rewrites them to `$n`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SourceError } from '../core/errors.js';
import { redactUrl } from '../sources/db-url.js';

export type SqlValue = string | number | bigint | null | Uint8Array;
export type Row = Record<string, unknown>;

/** An open database connection (or pool). */
export interface SqlDb {
  readonly dialect: 'sqlite' | 'postgres';
  /** Run one or more statements without parameters (DDL). */
  exec(sql: string): Promise<void>;
  /** Run one statement; returns the number of changed rows. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  all<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Run `fn` in a transaction (serialised on SQLite; one pooled client on PostgreSQL). */
  tx<T>(fn: (db: SqlDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Rewrite `?` placeholders (outside quotes) to `$1…$n`. */
export function toPgPlaceholders(sql: string): string {
  let n = 0;
  let out = '';
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') out += `$${++n}`;
    else out += ch;
  }
  return out;
}

/**
 * Open SQLite at `path` (created with its directory when missing; WAL mode).
 *
 * @throws SourceError LG_SOURCE_CONNECT when the file cannot be opened
 */
export async function openSqlite(path: string, options: { readonly?: boolean } = {}): Promise<SqlDb> {
  const { default: Database } = await import('better-sqlite3');
  let db: import('better-sqlite3').Database;
  try {
    if (!options.readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
  } catch (e) {
    throw new SourceError('LG_SOURCE_CONNECT', `Cannot open SQLite database "${path}": ${(e as Error).message}`, {
      cause: e,
    });
  }
  const conv = (params: readonly SqlValue[] | undefined) =>
    (params ?? []).map((p) => (p instanceof Uint8Array ? Buffer.from(p) : p));
  // Prepared statements by SQL text: preparing costs as much as running a small statement, and callers repeat
  // the same few statements (the guard's audit appends, unit results). Bounded: dropped wholesale when full.
  const statements = new Map<string, import('better-sqlite3').Statement<unknown[]>>();
  const prepare = (sql: string) => {
    let st = statements.get(sql);
    if (st === undefined) {
      st = db.prepare<unknown[]>(sql);
      if (statements.size >= 512) statements.clear();
      statements.set(sql, st);
    }
    return st;
  };
  // One connection: a transaction that spans awaits must not interleave with other statements, so top-level
  // statements wait while a transaction is open, and transactions queue behind each other.
  // FIFO lock: each transaction chains on the previous one; plain statements wait for the tail.
  let tail: Promise<void> = Promise.resolve();
  const idle = (): Promise<void> => tail;
  const make = (inTx: boolean, depth: number): SqlDb => {
    const self: SqlDb = {
      dialect: 'sqlite',
      async exec(sql) {
        if (!inTx) await idle();
        db.exec(sql);
      },
      async run(sql, params) {
        if (!inTx) await idle();
        return prepare(sql).run(...conv(params)).changes;
      },
      async all(sql, params) {
        if (!inTx) await idle();
        return prepare(sql).all(...conv(params)) as never;
      },
      async get(sql, params) {
        if (!inTx) await idle();
        return prepare(sql).get(...conv(params)) as never;
      },
      async tx(fn) {
        if (inTx) {
          const name = `lg_sp${depth}`;
          db.exec(`SAVEPOINT ${name}`);
          try {
            const r = await fn(make(true, depth + 1));
            db.exec(`RELEASE ${name}`);
            return r;
          } catch (e) {
            db.exec(`ROLLBACK TO ${name}`);
            db.exec(`RELEASE ${name}`);
            throw e;
          }
        }
        const prev = tail;
        let release!: () => void;
        tail = new Promise((r) => {
          release = r;
        });
        await prev;
        try {
          db.exec('BEGIN IMMEDIATE');
          try {
            const r = await fn(make(true, 1));
            db.exec('COMMIT');
            return r;
          } catch (e) {
            if (db.inTransaction) db.exec('ROLLBACK');
            throw e;
          }
        } finally {
          release();
        }
      },
      async close() {
        await idle();
        db.close();
      },
    };
    return self;
  };
  return make(false, 0);
}

/**
 * Connect to PostgreSQL (a small pool).
 *
 * @throws SourceError LG_SOURCE_CONNECT naming the redacted URL when the server cannot be reached
 */
export async function openPostgres(
  url: string,
  options: { max?: number; applicationName?: string } = {},
): Promise<SqlDb> {
  const pg = await import('pg');
  const Pool = pg.default?.Pool ?? (pg as unknown as { Pool: typeof import('pg').Pool }).Pool;
  const pool = new Pool({
    connectionString: url,
    max: options.max ?? 4,
    application_name: options.applicationName ?? 'leakguard',
    connectionTimeoutMillis: 10_000,
  });
  pool.on('error', () => {
    // Idle client errors (server restart) surface on the next query; do not crash the process.
  });
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new SourceError(
      'LG_SOURCE_CONNECT',
      `Cannot connect to PostgreSQL at "${redactUrl(url)}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).name}`,
      {
        cause: e,
      },
    );
  }
  const make = (q: { query: import('pg').Pool['query'] }, inTx: boolean): SqlDb => {
    const db: SqlDb = {
      dialect: 'postgres',
      async exec(sql) {
        await q.query(sql);
      },
      async run(sql, params) {
        const r = await q.query(toPgPlaceholders(sql), (params ?? []) as unknown[]);
        return r.rowCount ?? 0;
      },
      async all(sql, params) {
        const r = await q.query(toPgPlaceholders(sql), (params ?? []) as unknown[]);
        return r.rows as never;
      },
      async get(sql, params) {
        const r = await q.query(toPgPlaceholders(sql), (params ?? []) as unknown[]);
        return r.rows[0] as never;
      },
      async tx(fn) {
        if (inTx) return fn(db);
        const client = await pool.connect();
        // A checked-out client has no pool listener: the server ending the session (a restart, a failover)
        // emits 'error' on it, which unheard would crash the process (a worker, the coordinator). The
        // transaction's statements reject with it anyway; keep it and hand the client back as broken.
        let lost: Error | undefined;
        const onLost = (e: Error): void => {
          lost ??= e;
        };
        client.on('error', onLost);
        try {
          await client.query('BEGIN');
          const r = await fn(make(client as unknown as { query: import('pg').Pool['query'] }, true));
          await client.query('COMMIT');
          return r;
        } catch (e) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw e;
        } finally {
          // A lost client keeps the listener: the pool ends it, and its closing may still report an error.
          if (!lost) client.off('error', onLost);
          client.release(lost);
        }
      },
      async close() {
        if (!inTx) await pool.end();
      },
    };
    return db;
  };
  return make(pool, false);
}

/** Open a catalog database from a `--catalog` value: a `postgres://` URL, or a SQLite path. */
export async function openSqlDb(target: string): Promise<SqlDb> {
  if (/^postgres(ql)?:\/\//i.test(target)) return openPostgres(target);
  return openSqlite(target.replace(/^sqlite:/, ''));
}
