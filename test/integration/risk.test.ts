/**
 * Risk measurement and anonymisation on the machine's PostgreSQL and MariaDB, and on SQLite: the figures from a
 * table (GROUP BY pushed down to the database, and row by row) equal those of the same rows in memory, and an
 * anonymised copy written from a table is k-anonymous and l-diverse.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/detect/analyzer.js';
import { builtinRecognizers } from '../../src/detect/presets.js';
import { memoryInput, openRowInput } from '../../src/risk/input.js';
import { anonymizeInput, measureRisk } from '../../src/risk/risk.js';
import { generateResidentId } from '../../src/synth/cn.js';
import { createSeededRng } from '../../src/synth/rng.js';
import { MYSQL_URL, PG_URL, requireService } from '../support/services.js';

const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
const TABLE = `lg_risk_${process.pid}_${Date.now().toString(36)}`;
const COLUMNS = ['id', 'sfzh', 'birth', 'sex', 'postcode', 'diagnosis'];
const dir = mkdtempSync(join(tmpdir(), 'lg-risk-int-'));

/** 400 synthetic people: masked IDs (3 + 4 kept), real dates, a few postcodes, four diagnoses. */
function people(): string[][] {
  const rng = createSeededRng(42);
  const regions = ['110105', '310104', '440305', '510107'];
  const dx = ['flu', 'asthma', 'gastritis', 'migraine'];
  return Array.from({ length: 400 }, (_, i) => {
    const id = generateResidentId(rng, { region: regions[rng.int(4)]! });
    const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
    const masked = i % 5 === 0 ? id : `${id.slice(0, 3)}***********${id.slice(14)}`;
    return [String(i + 1), masked, birth, rng.int(2) ? 'M' : 'F', `1000${rng.int(4)}${rng.int(2)}`, dx[rng.int(4)]!];
  });
}

interface Db {
  url: string;
  exec(sql: string): Promise<void>;
  insert(rows: string[][]): Promise<void>;
  close(): Promise<void>;
}

const DDL = (q: (s: string) => string, dateType: string) =>
  `CREATE TABLE ${q(TABLE)} (id INTEGER PRIMARY KEY, sfzh VARCHAR(32), birth ${dateType}, sex VARCHAR(4), postcode VARCHAR(8), diagnosis VARCHAR(32))`;

async function openPg(): Promise<Db> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 10_000 });
  await c.connect();
  return {
    url: PG_URL,
    exec: async (sql) => void (await c.query(sql)),
    insert: async (rows) => {
      for (const r of rows) await c.query(`INSERT INTO "${TABLE}" VALUES ($1, $2, $3, $4, $5, $6)`, r);
    },
    close: () => c.end(),
  };
}

async function openMysql(): Promise<Db> {
  const c = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 10_000 });
  return {
    url: MYSQL_URL,
    exec: async (sql) => void (await c.query(sql)),
    insert: async (rows) => {
      await c.query(`INSERT INTO \`${TABLE}\` VALUES ?`, [rows]);
    },
    close: () => c.end(),
  };
}

async function openSqlite(): Promise<Db> {
  const { default: Database } = await import('better-sqlite3');
  const file = join(dir, 'risk.db');
  const c = new Database(file);
  return {
    url: `sqlite:${file}`,
    exec: async (sql) => void c.exec(sql),
    insert: async (rows) => {
      const st = c.prepare(`INSERT INTO "${TABLE}" VALUES (?, ?, ?, ?, ?, ?)`);
      c.transaction(() => {
        for (const r of rows) st.run(...r);
      })();
    },
    close: async () => void c.close(),
  };
}

const DATABASES: [string, () => Promise<Db>, (s: string) => string, string][] = [
  ['PostgreSQL', () => requireService('PostgreSQL', PG_URL, 'LEAKGUARD_TEST_PG_URL', openPg), (s) => `"${s}"`, 'DATE'],
  [
    'MariaDB',
    () => requireService('MariaDB', MYSQL_URL, 'LEAKGUARD_TEST_MYSQL_URL', openMysql),
    (s) => `\`${s}\``,
    'DATE',
  ],
  ['SQLite', openSqlite, (s) => `"${s}"`, 'TEXT'],
];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(DATABASES)('risk on %s', (_name, open, q, dateType) => {
  let db: Db;
  const rows = people();
  beforeAll(async () => {
    db = await open();
    await db.exec(`DROP TABLE IF EXISTS ${q(TABLE)}`);
    await db.exec(DDL(q, dateType));
    await db.insert(rows);
  });
  afterAll(async () => {
    await db?.exec(`DROP TABLE IF EXISTS ${q(TABLE)}`).catch(() => undefined);
    await db?.close();
  });

  const options = {
    analyzer,
    quasi: ['sfzh', 'birth', 'sex', 'postcode'],
    sensitive: ['diagnosis'],
    population: 40_000,
  };

  it('proposes the same roles and measures the same figures as the rows in memory (pushed down and not)', async () => {
    const expected = await measureRisk(memoryInput(COLUMNS, rows), options);
    for (const pushdown of [true, false]) {
      const input = await openRowInput(db.url, { table: TABLE });
      try {
        const got = await measureRisk(input, { ...options, pushdown });
        expect(got.pushdown).toBe(pushdown);
        expect(got.quasiIdentifiers.map((x) => x.name)).toEqual([
          'sfzh:region',
          'sfzh:birth',
          'sfzh:sex',
          'birth',
          'sex',
          'postcode',
        ]);
        expect(got.metrics).toEqual(expected.metrics);
      } finally {
        await input.close();
      }
    }
    expect(expected.metrics.records).toBe(400);
    expect(expected.metrics.population.estimator).not.toBe('none (the data is the population)');
  });

  it('aggregates generalised classes identically when anonymising from the table', async () => {
    const input = await openRowInput(db.url, { table: TABLE });
    const out = join(dir, `${_name}.csv`);
    try {
      const r = await anonymizeInput(input, {
        analyzer,
        quasi: ['birth', 'sex', 'postcode'],
        sensitive: ['diagnosis'],
        k: 5,
        l: 2,
        maxSuppression: 0.05,
        output: out,
        overwrite: true,
      });
      expect(r.after.k).toBeGreaterThanOrEqual(5);
      expect(r.after.sensitive[0]!.distinctL).toBeGreaterThanOrEqual(2);
      expect(r.suppressed.records).toBeLessThanOrEqual(20);
      const written = await openRowInput(out);
      const back = await written.sample(1e6);
      expect(back.length).toBe(r.rowsWritten);
      const classes = new Map<string, number>();
      const bi = written.columns.indexOf('birth');
      const si = written.columns.indexOf('sex');
      const pi = written.columns.indexOf('postcode');
      for (const w of back) {
        const key = `${w[bi]}|${w[si]}|${w[pi]}`;
        classes.set(key, (classes.get(key) ?? 0) + 1);
      }
      for (const n of classes.values()) expect(n).toBeGreaterThanOrEqual(5);
    } finally {
      await input.close();
    }
  });

  it('names a missing table with its code', async () => {
    const err = await openRowInput(db.url, { table: `${TABLE}_missing` }).catch((e) => e);
    expect((err as { code: string }).code).toBe('LG_SOURCE_UNREADABLE');
  });
});
