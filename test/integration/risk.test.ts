/**
 * Risk measurement and anonymisation on the machine's PostgreSQL and MariaDB, and on SQLite: the figures from a
 * table (GROUP BY pushed down to the database, and row by row) equal those of the same rows in memory, and an
 * anonymised copy written from a table is k-anonymous and l-diverse.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/detect/analyzer.js';
import { builtinRecognizers } from '../../src/detect/presets.js';
import {
  ageHierarchy,
  categoricalHierarchy,
  dateHierarchy,
  type Hierarchy,
  postcodeHierarchy,
  regionCodeHierarchy,
} from '../../src/risk/hierarchy.js';
import { memoryInput, openRowInput, type TableInput } from '../../src/risk/input.js';
import { textExpr } from '../../src/risk/pushdown.js';
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

/** Tricky values for the hierarchies' SQL: dates (valid, invalid, pre-1000), integers, codes, spaces. */
function sampleValues(): string[] {
  const fixed = [
    '1990-05-17',
    '2000-02-29',
    '1900-02-29',
    '0990-05-17',
    '1990/05/17',
    '1990-13-01',
    ' 1985-12-31\t',
    '',
    '37',
    '-3',
    '-0',
    '007',
    '+5',
    '3.5',
    '1,234',
    '99999999999999999',
    '110105',
    '1101',
    '110',
    '11',
    '1',
    '990000',
    '810000',
    '4403',
    'abc',
    '100080',
    '10008',
    ' 518000 ',
    '\u3000100080\u3000',
    '12345678',
    '北京市海淀区',
    '男',
    '*',
    'X',
  ];
  const rng = createSeededRng(9);
  const more = Array.from({ length: 120 }, (_, i) => {
    const y = 1900 + rng.int(130);
    const m = 1 + rng.int(12);
    const d = 1 + rng.int(31);
    const date = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    return [date, String(rng.int(120) - 10), `${rng.int(90) + 10}${rng.int(10000)}`][i % 3]!;
  });
  return [...fixed, ...more];
}

const VALUES = `${TABLE}_v`;
const HIERARCHIES: [string, Hierarchy][] = [
  ['date', dateHierarchy()],
  ['age', ageHierarchy()],
  ['postcode', postcodeHierarchy()],
  ['region code', regionCodeHierarchy()],
  ['sex', categoricalHierarchy('sex')],
];

interface Db {
  url: string;
  exec(sql: string): Promise<void>;
  insert(rows: string[][]): Promise<void>;
  insertValues(values: string[], table?: string): Promise<void>;
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
    insertValues: async (values, table = VALUES) => {
      for (let i = 0; i < values.length; i++)
        await c.query(`INSERT INTO "${table}" VALUES ($1, $2)`, [i + 1, values[i]]);
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
    insertValues: async (values, table = VALUES) => {
      await c.query(`INSERT INTO \`${table}\` VALUES ?`, [values.map((v, i) => [i + 1, v])]);
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
    insertValues: async (values, table = VALUES) => {
      const st = c.prepare(`INSERT INTO "${table}" VALUES (?, ?)`);
      c.transaction(() => {
        for (let i = 0; i < values.length; i++) st.run(i + 1, values[i]);
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

  it.each([
    // Resident-ID substrings shortened (region to province digits, birth to its first digit) and a date column at `*`.
    [['sfzh', 'birth', 'postcode'], 300],
    // A date column grouped by decade in SQL.
    [['birth', 'sex', 'postcode'], 300],
  ])(
    'groups %j by generalised expressions in the database beyond --max-groups %i, with the figures of memory',
    async (quasi, maxGroups) => {
      const common = { analyzer, quasi, sensitive: ['diagnosis'], k: 3, l: 2, maxSuppression: 0.05 };
      const input = await openRowInput(db.url, { table: TABLE });
      const tag = `${_name}-${quasi.length}`;
      const pushedOut = join(dir, `${tag}-pushed.csv`);
      let pushed: Awaited<ReturnType<typeof anonymizeInput>>;
      try {
        pushed = await anonymizeInput(input, { ...common, maxGroups, output: pushedOut, overwrite: true });
      } finally {
        await input.close();
      }
      expect(pushed.pushdown).toBe(true);
      expect(pushed.groups).toBeLessThanOrEqual(maxGroups);
      const at = pushed.groupedInDatabaseAt!;
      expect(at).not.toBeNull();
      expect(Object.values(at).some((label) => label !== 'value')).toBe(true);
      // The same search in memory, over the same part of the lattice.
      const minLevels = pushed.quasiIdentifiers.map((q) => q.levels.indexOf(at[q.name]!));
      const memoryOut = join(dir, `${tag}-memory.csv`);
      const memory = await anonymizeInput(memoryInput(COLUMNS, rows), {
        ...common,
        minLevels,
        output: memoryOut,
        overwrite: true,
      });
      expect(memory.groupedInDatabaseAt).toBeNull();
      expect(pushed.transformation).toEqual(memory.transformation);
      expect(pushed.metrics).toEqual(memory.metrics);
      expect(pushed.after).toEqual(memory.after);
      expect(pushed.suppressed).toEqual(memory.suppressed);
      expect(pushed.utility).toEqual(memory.utility);
      expect(pushed.suppressed.records).toBeLessThanOrEqual(pushed.suppressed.cap);
      const lines = (f: string) => readFileSync(f, 'utf8').trim().split('\n').sort();
      expect(lines(pushedOut)).toEqual(lines(memoryOut));
      expect(pushed.after.k).toBeGreaterThanOrEqual(3);
    },
  );

  it('computes every pushed-down hierarchy level as the in-memory hierarchy does', async () => {
    const values = sampleValues();
    await db.exec(`DROP TABLE IF EXISTS ${q(VALUES)}`);
    await db.exec(`CREATE TABLE ${q(VALUES)} (id INTEGER PRIMARY KEY, v VARCHAR(64))`);
    await db.insertValues(values);
    const input = (await openRowInput(db.url, { table: VALUES })) as TableInput;
    try {
      const e = textExpr(input, 'v');
      for (const [name, h] of HIERARCHIES) {
        const levels = h.labels.map((_, l) => h.sql?.(e, l, input.dialect)).filter((x) => x !== undefined);
        const exact = h.sqlExact ? `CASE WHEN ${h.sqlExact(e, input.dialect)} THEN 1 ELSE 0 END` : '1';
        let checked = 0;
        for await (const batch of input.groups([input.expr('id'), e, exact, ...levels])) {
          for (const g of batch) {
            const v = values[Number(g.values[0]) - 1]!;
            expect(g.values[1], `${name}: trim of value ${g.values[0]}`).toBe(v.trim());
            if (v.trim() !== '' && g.values[2] !== '1') continue;
            levels.forEach((_, l) => {
              expect(g.values[3 + l], `${name} level ${l} of value ${g.values[0]}`).toBe(h.generalize(v.trim(), l));
            });
            checked++;
          }
        }
        expect(checked).toBeGreaterThan(10);
      }
    } finally {
      await input.close();
      await db.exec(`DROP TABLE IF EXISTS ${q(VALUES)}`);
    }
  });

  it('groups values byte for byte, as memory does (MariaDB compares case-insensitively by default)', async () => {
    const CASES = `${TABLE}_c`;
    const values = ['M', 'm', 'M', 'm', 'F', 'f', 'ß', 'ss'];
    await db.exec(`DROP TABLE IF EXISTS ${q(CASES)}`);
    await db.exec(`CREATE TABLE ${q(CASES)} (id INTEGER PRIMARY KEY, v VARCHAR(8))`);
    await db.insertValues(values, CASES);
    const input = await openRowInput(db.url, { table: CASES });
    try {
      const got = await measureRisk(input, { analyzer, quasi: ['v'] });
      const expected = await measureRisk(
        memoryInput(
          ['id', 'v'],
          values.map((v, i) => [String(i + 1), v]),
        ),
        { analyzer, quasi: ['v'] },
      );
      expect(got.metrics).toEqual(expected.metrics);
      expect(got.metrics.classes).toBe(6);
    } finally {
      await input.close();
      await db.exec(`DROP TABLE IF EXISTS ${q(CASES)}`);
    }
  });

  it('names a missing table with its code', async () => {
    const err = await openRowInput(db.url, { table: `${TABLE}_missing` }).catch((e) => e);
    expect((err as { code: string }).code).toBe('LG_SOURCE_UNREADABLE');
  });
});
