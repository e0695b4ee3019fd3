/**
 * `protectTable` on the machine's PostgreSQL and MariaDB, and on SQLite: protected copies, in-place runs, refusals, and the crash
 * test: a child process protecting a 20,000-row table in place is killed with SIGKILL mid-table, restarted, and
 * every row must then equal the policy applied exactly once (the policy's operators are deterministic and not
 * idempotent, so a row protected twice would differ).
 *
 * The child runs the compiled library: `dist/` when `npm run build` is fresher than the sources (CI), else a
 * build into a temporary folder made in `beforeAll`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANALYZER,
  ENV,
  protectOnce,
  TABLE_POLICY,
  type TableRow,
  tableRows,
} from '../../src/protect/db/__fixtures__/data.js';
import { PROGRESS_TABLE, protectTable } from '../../src/protect/db/index.js';
import { parsePolicy } from '../../src/protect/policy.js';
import { MYSQL_URL, PG_URL, requireService } from '../support/services.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SUFFIX = `${process.pid}_${Date.now().toString(36)}`;
const policy = () => parsePolicy(TABLE_POLICY, 'policy.yaml', { env: ENV });

/** The minimal interface both databases are driven through by the test. */
interface Db {
  readonly url: string;
  readonly q: (id: string) => string;
  exec(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function openPg(): Promise<Db> {
  const c = new pg.Client(PG_URL);
  await c.connect();
  return {
    url: PG_URL,
    q: (id) => `"${id}"`,
    exec: async (sql, params = []) => {
      let n = 0;
      return (
        await c.query(
          sql.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows;
    },
    close: () => c.end(),
  };
}

async function openMysql(): Promise<Db> {
  const c = await mysql.createConnection({ uri: MYSQL_URL, dateStrings: true });
  return {
    url: MYSQL_URL,
    q: (id) => `\`${id}\``,
    exec: async (sql, params = []) => {
      const [rows] = await c.query(sql, params);
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    },
    close: () => c.end(),
  };
}

/** SQLite through better-sqlite3, in a file (the child process opens the same file). */
async function openSqliteDb(): Promise<Db> {
  const { default: Database } = await import('better-sqlite3');
  const file = join(mkdtempSync(join(tmpdir(), 'lg-protect-db-sqlite-')), 'shop.db');
  const c = new Database(file);
  c.pragma('journal_mode = WAL');
  return {
    url: `sqlite:${file}`,
    q: (id) => `"${id}"`,
    exec: async (sql, params = []) => {
      const st = c.prepare(sql);
      if (st.reader) return st.all(...(params as never[])) as Record<string, unknown>[];
      st.run(...(params as never[]));
      return [];
    },
    close: async () => {
      c.close();
    },
  };
}

async function createUsers(db: Db, table: string, rows: readonly TableRow[], key = true): Promise<void> {
  await db.exec(`DROP TABLE IF EXISTS ${db.q(table)}`);
  await db.exec(
    `CREATE TABLE ${db.q(table)} (id INTEGER NOT NULL${key ? ' PRIMARY KEY' : ''}, phone VARCHAR(64), note VARCHAR(400), age INTEGER, born DATE)`,
  );
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const params: unknown[] = [];
    for (const r of chunk) params.push(r.id, r.phone, r.note, r.age, '1990-05-17');
    await db.exec(
      `INSERT INTO ${db.q(table)} (id, phone, note, age, born) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
      params,
    );
  }
}

function expected(rows: readonly TableRow[]): { id: number; phone: string; note: string; age: number }[] {
  const p = policy();
  return rows.map((r) => ({
    id: r.id,
    phone: protectOnce(p, 'phone', r.phone),
    note: protectOnce(p, 'note', r.note),
    age: r.age,
  }));
}

async function readUsers(db: Db, table: string): Promise<{ id: number; phone: string; note: string; age: number }[]> {
  const rows = await db.exec(`SELECT id, phone, note, age FROM ${db.q(table)} ORDER BY id`);
  return rows.map((r) => ({ id: Number(r.id), phone: String(r.phone), note: String(r.note), age: Number(r.age) }));
}

/** The compiled library for child processes. */
let lib = '';

beforeAll(() => {
  const dist = join(ROOT, 'dist/protect/db/index.js');
  const src = join(ROOT, 'src/protect/db/index.ts');
  if (existsSync(dist) && statSync(dist).mtimeMs >= statSync(src).mtimeMs) {
    lib = join(ROOT, 'dist');
    return;
  }
  lib = mkdtempSync(join(tmpdir(), 'lg-protect-db-build-'));
  try {
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        lib,
        '--declaration',
        'false',
        '--sourceMap',
        'false',
      ],
      { cwd: ROOT, stdio: 'pipe' },
    );
  } catch {
    // Type errors elsewhere in the tree still emit JavaScript; only a missing output is fatal.
  }
  if (!existsSync(join(lib, 'protect/db/index.js'))) throw new Error('Cannot build the library for the crash test');
}, 300_000);

/** The child: protects one table in place in small batches, printing a line after each committed batch. */
function childScript(dir: string): string {
  const file = join(dir, 'protect-child.mjs');
  writeFileSync(
    file,
    `import { protectTable } from ${JSON.stringify(join(lib, 'protect/db/index.js'))};
import { parsePolicy } from ${JSON.stringify(join(lib, 'protect/policy.js'))};
const [url, table, batchRows] = process.argv.slice(2);
const policy = parsePolicy(process.env.LG_POLICY, 'policy.yaml', { env: { LEAKGUARD_KEY: process.env.LEAKGUARD_KEY } });
const r = await protectTable({ url, tables: [table], mode: 'protect', policy, inPlace: true, yes: true,
  batchRows: Number(batchRows), onBatch: (p) => process.stdout.write('batch ' + p.batches + '\\n') });
process.stdout.write('done ' + JSON.stringify(r.tables[0].rows) + '\\n');
`,
  );
  return file;
}

function runChild(script: string, url: string, table: string, batchRows: number): ChildProcess {
  return spawn(process.execPath, [script, url, table, String(batchRows)], {
    env: { ...process.env, LG_POLICY: TABLE_POLICY, LEAKGUARD_KEY: ENV.LEAKGUARD_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the child, SIGKILLs it once `killAfter` batches have committed; resolves with its exit signal/code. */
function runAndKill(child: ChildProcess, killAfter: number): Promise<{ killed: boolean; out: string; err: string }> {
  return new Promise((done) => {
    let out = '';
    let err = '';
    let killed = false;
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const batches = out.split('\n').filter((l) => l.startsWith('batch ')).length;
      if (!killed && batches >= killAfter) {
        killed = child.kill('SIGKILL');
      }
    });
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', () => done({ killed, out, err }));
  });
}

for (const [name, open] of [
  ['PostgreSQL', openPg],
  ['MariaDB', openMysql],
  ['SQLite', openSqliteDb],
] as const) {
  describe(`protectTable on ${name}`, () => {
    let db: Db;
    const made: string[] = [];
    const table = (base: string) => {
      const t = `lg_pdb_${base}_${SUFFIX}`;
      made.push(t, `${t}_protected`);
      return t;
    };

    beforeAll(async () => {
      db =
        name === 'SQLite'
          ? await open()
          : await requireService(
              name,
              name === 'PostgreSQL' ? PG_URL : MYSQL_URL,
              name === 'PostgreSQL' ? 'LEAKGUARD_TEST_PG_URL' : 'LEAKGUARD_TEST_MYSQL_URL',
              open,
            );
    });

    afterAll(async () => {
      if (!db) return;
      for (const t of made) await db.exec(`DROP TABLE IF EXISTS ${db.q(t)}`);
      await db
        .exec(`DELETE FROM ${db.q(PROGRESS_TABLE)} WHERE ${db.q('table')} LIKE ?`, [`%${SUFFIX}`])
        .catch(() => undefined);
      await db.close();
    });

    it(`protectTable copies a ${name} table with the same columns and primary key`, async () => {
      const rows = tableRows(50);
      const t = table('copy');
      await createUsers(db, t, rows);
      const r = await protectTable({
        url: db.url,
        tables: [t],
        mode: 'protect',
        policy: policy(),
        analyzer: ANALYZER,
        batchRows: 16,
      });
      expect(r.tables[0]).toMatchObject({ rows: 50, batches: 4, mode: 'copy' });
      expect(await readUsers(db, `${t}_protected`)).toEqual(expected(rows));
      const born = await db.exec(`SELECT DISTINCT born FROM ${db.q(`${t}_protected`)}`);
      expect(born.map((b) => String(b.born instanceof Date ? b.born.toISOString().slice(0, 10) : b.born))).toEqual([
        '1990-05-17',
      ]);
      await expect(
        protectTable({ url: db.url, tables: [t], mode: 'protect', policy: policy(), analyzer: ANALYZER }),
      ).rejects.toMatchObject({ code: 'LG_USAGE', message: expect.stringContaining('the target exists') });
    });

    it(`protectTable refuses a ${name} table without a primary key in place`, async () => {
      const t = table('nokey');
      await createUsers(db, t, tableRows(3), false);
      await expect(
        protectTable({ url: db.url, tables: [t], mode: 'protect', policy: policy(), inPlace: true, yes: true }),
      ).rejects.toMatchObject({ code: 'LG_USAGE', message: expect.stringContaining('has no primary key') });
    });

    it(`protectTable fails clearly on ${name} when a DATE column would get a year`, async () => {
      const t = table('date');
      await createUsers(db, t, tableRows(3));
      const p = parsePolicy('rules:\n  - { column: born, action: generalize, options: { to: year } }\n', 'p.yaml');
      const err = await protectTable({
        url: db.url,
        tables: [t],
        mode: 'protect',
        policy: p,
        inPlace: true,
        yes: true,
      }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err).toMatchObject({ code: 'LG_OPERATOR_FAILED' });
      expect(err?.message).toContain(`at id=1, column "born"`);
      expect(err?.message).not.toContain('1990');
      expect((await db.exec(`SELECT DISTINCT born FROM ${db.q(t)}`)).length).toBe(1);
    });

    it(`protectTable killed with SIGKILL mid-table on ${name} and restarted protects every row exactly once`, async () => {
      const rows = tableRows(20_000);
      const t = table('crash');
      await createUsers(db, t, rows);
      const script = childScript(mkdtempSync(join(tmpdir(), 'lg-protect-db-child-')));
      const first = await runAndKill(runChild(script, db.url, t, 250), 3);
      expect(first.err).toBe('');
      expect(first.killed).toBe(true);
      const progress = await db.exec(
        `SELECT rows_done, finished_at FROM ${db.q(PROGRESS_TABLE)} WHERE job = 'protect' AND ${db.q('table')} LIKE ?`,
        [`%${t}`],
      );
      expect(progress).toHaveLength(1);
      expect(Number(progress[0]?.rows_done)).toBeGreaterThan(0);
      expect(Number(progress[0]?.rows_done)).toBeLessThan(20_000);
      expect(progress[0]?.finished_at).toBeNull();
      const second = await runAndKill(runChild(script, db.url, t, 250), Number.POSITIVE_INFINITY);
      expect(second.err).toBe('');
      expect(second.out).toContain('done ');
      expect(await readUsers(db, t)).toEqual(expected(rows));
      const again = await protectTable({
        url: db.url,
        tables: [t],
        mode: 'protect',
        policy: policy(),
        inPlace: true,
        yes: true,
      });
      expect(again.tables[0]?.alreadyDone).toBe(true);
    }, 300_000);
  });
}
