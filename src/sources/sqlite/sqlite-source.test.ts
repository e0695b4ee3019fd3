import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { isLeakguardError } from '../../core/errors.js';
import { describeSourceConformance } from '../conformance.js';
import { type Fragment, isProblem, type Problem, type Unit } from '../source.js';
import { describeSqlSourceSuite } from '../sql/__fixtures__/shared-suite.js';
import { quoteIdentifier } from '../sql/identifiers.js';
import { createSqliteSource, sqliteColumnKind } from './sqlite-source.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lg-sqlite-src-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describeSqlSourceSuite({
  name: 'SQLite',
  dialect: 'sqlite',
  types: {
    int: 'INTEGER',
    bigint: 'INTEGER',
    key: 'TEXT',
    text: 'TEXT',
    json: 'JSON',
    blob: 'BLOB',
    timestamp: 'TIMESTAMP',
    bool: 'BOOLEAN',
  },
  blob: (hex) => `X'${hex}'`,
  async setup() {
    const path = join(tempDir(), 'suite.db');
    const admin = new Database(path);
    return {
      schema: 'main',
      table: (name) => quoteIdentifier(name, '"'),
      quote: (name) => quoteIdentifier(name, '"'),
      exec: async (sql) => {
        admin.exec(sql);
      },
      analyze: async () => {
        admin.exec('ANALYZE');
      },
      source: (options) => createSqliteSource(`sqlite:${path}`, options),
      // Rows without end: the between-rows deadline is what stops it.
      slowQuery: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c',
      teardown: async () => {
        admin.close();
      },
    };
  },
});

function conformanceDb(): string {
  const path = join(tempDir(), 'conformance.db');
  const db = new Database(path);
  db.exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, phone TEXT, profile JSON);
    CREATE TABLE notes (body TEXT);`);
  const ins = db.prepare('INSERT INTO customers (name, phone, profile) VALUES (?, ?, ?)');
  for (let i = 0; i < 40; i++)
    ins.run(`name ${i}`, `1380013${String(i).padStart(4, '0')}`, JSON.stringify({ city: `c${i}` }));
  for (let i = 0; i < 30; i++) db.prepare('INSERT INTO notes (body) VALUES (?)').run(`note ${i}`);
  db.close();
  return path;
}

describeSourceConformance('SQLite source (sampling)', async () => ({
  source: createSqliteSource(`sqlite:${conformanceDb()}`, { sampleRows: 10 }),
}));

describeSourceConformance('SQLite source (full, key ranges)', async () => ({
  source: createSqliteSource(`sqlite:${conformanceDb()}`, { full: true, rangeRows: 7, batchRows: 3 }),
}));

async function collect(it: AsyncIterable<Fragment | Problem>): Promise<Array<Fragment | Problem>> {
  const out: Array<Fragment | Problem> = [];
  for await (const x of it) out.push(x);
  return out;
}

async function allUnits(source: ReturnType<typeof createSqliteSource>): Promise<Unit[]> {
  const out: Unit[] = [];
  for await (const u of source.units()) out.push(u);
  return out;
}

function makeDb(sql: string): string {
  const path = join(tempDir(), 'x.db');
  const db = new Database(path);
  db.exec(sql);
  db.close();
  return path;
}

describe('createSqliteSource (SQLite specifics)', () => {
  it('`read` notes invalid JSON and scans it as text when a JSON column holds non-JSON', async () => {
    const path = makeDb(
      `CREATE TABLE t (id INTEGER PRIMARY KEY, doc JSON); INSERT INTO t VALUES (1, '{"a": 13800138000'), (2, '{"b":"x"}');`,
    );
    const source = createSqliteSource(`sqlite:${path}`, { full: true });
    try {
      const [unit] = await allUnits(source);
      const items = await collect(source.read(unit!));
      const problems = items.filter(isProblem);
      expect(problems.map((p) => p.problem)).toEqual(['invalid-json']);
      expect(problems[0]!.message).not.toContain('13800138000');
      expect(items.filter((x) => !isProblem(x)).map((x) => [(x as Fragment).loc.field, (x as Fragment).text])).toEqual([
        ['id', '1'],
        ['doc', '{"a": 13800138000'],
        ['id', '2'],
        ['doc.$.b', 'x'],
      ]);
    } finally {
      await source.close();
    }
  });

  it('`read` skips blobs in untyped columns with one note when a value is binary', async () => {
    const path = makeDb(
      `CREATE TABLE t (id INTEGER PRIMARY KEY, anything); INSERT INTO t VALUES (1, X'00ff'), (2, X'0102'), (3, 'text here');`,
    );
    const source = createSqliteSource(`sqlite:${path}`, { full: true });
    try {
      const [unit] = await allUnits(source);
      const items = await collect(source.read(unit!));
      expect(items.filter(isProblem).map((p) => [p.problem, p.loc.field])).toEqual([['binary-skipped', 'anything']]);
      expect(items.filter((x) => !isProblem(x) && x.loc.field === 'anything').map((x) => (x as Fragment).text)).toEqual(
        ['text here'],
      );
    } finally {
      await source.close();
    }
  });

  it('`read` leaves the database file byte-for-byte unchanged when a scan completes', async () => {
    const path = makeDb(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b');`);
    const before = createHash('sha256').update(readFileSync(path)).digest('hex');
    const source = createSqliteSource(`sqlite:${path}`, { full: true });
    for (const u of await allUnits(source)) await collect(source.read(u));
    await source.close();
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(before);
  });

  it('`units` fails with LG_SOURCE_CONNECT naming the file when it does not exist', async () => {
    const path = join(tempDir(), 'missing.db');
    const source = createSqliteSource(`sqlite:${path}`);
    const err = await allUnits(source).catch((e: unknown) => e);
    expect(isLeakguardError(err) && err.code).toBe('LG_SOURCE_CONNECT');
    expect((err as Error).message).toBe(
      `Cannot connect to SQLite at "sqlite:${path}": database does not exist (SQLITE_CANTOPEN)`,
    );
    await source.close();
  });

  it('`units` fails with LG_SOURCE_CONNECT when the file is not a database', async () => {
    const path = join(tempDir(), 'not.db');
    writeFileSync(path, 'this is not a database, just 13800138000 in a text file'.repeat(20));
    const source = createSqliteSource(`sqlite:${path}`);
    const err = await allUnits(source).catch((e: unknown) => e);
    expect(isLeakguardError(err) && err.code).toBe('LG_SOURCE_CONNECT');
    expect((err as Error).message).toContain('SQLITE_NOTADB');
    expect((err as Error).message).not.toContain('13800138000');
    await source.close();
  });

  it('`tables` uses `_rowid_` when a column named rowid shadows the alias', async () => {
    const path = makeDb(`CREATE TABLE t (rowid TEXT, v TEXT); INSERT INTO t VALUES ('r1', 'a'), ('r2', 'b');`);
    const source = createSqliteSource(`sqlite:${path}`, { full: true });
    try {
      const [t] = await source.tables();
      expect(t!.keySource).toBe('rowid');
      expect(t!.key[0]!.name).toBe('_rowid_');
      const [unit] = await allUnits(source);
      const items = await collect(source.read(unit!));
      expect(items.filter((x) => !isProblem(x) && x.loc.field === 'v').map((x) => (x as Fragment).loc.key)).toEqual([
        '_rowid_=1',
        '_rowid_=2',
      ]);
    } finally {
      await source.close();
    }
  });

  it('`units` plans key ranges over a WITHOUT ROWID table when it has a text primary key', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `('k${String(i).padStart(2, '0')}', 'v${i}')`).join(', ');
    const path = makeDb(`CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID; INSERT INTO t VALUES ${rows};`);
    const source = createSqliteSource(`sqlite:${path}`, { full: true, rangeRows: 8 });
    try {
      const us = await allUnits(source);
      expect(us.map((u) => u.id.split('#')[1])).toEqual(['range=1', 'range=2', 'range=3', 'range=4']);
      expect(us[0]!.params?.to).toBe('["k07"]');
      const keys: string[] = [];
      for (const u of us)
        for (const x of await collect(source.read(u))) if (!isProblem(x) && x.loc.field === 'v') keys.push(x.loc.key!);
      expect(keys).toHaveLength(30);
      expect(new Set(keys).size).toBe(30);
    } finally {
      await source.close();
    }
  });

  it('`units` ignores virtual tables and SQLite internals when listing', async () => {
    const path = makeDb(
      `CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT); INSERT INTO t (v) VALUES ('a');`,
    );
    const source = createSqliteSource(`sqlite:${path}`);
    try {
      expect((await allUnits(source)).map((u) => u.params?.table)).toEqual(['t']);
    } finally {
      await source.close();
    }
  });

  it('`read` samples by rowid probes with distinct rows when a table exceeds randomSampleMaxRows', async () => {
    const path = join(tempDir(), 'probe.db');
    const db = new Database(path);
    db.exec('CREATE TABLE t (v TEXT)');
    const ins = db.prepare('INSERT INTO t (v) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 5000; i++) ins.run(`v${i}`);
    })();
    db.close();
    const source = createSqliteSource(`sqlite:${path}`, { sampleRows: 100, randomSampleMaxRows: 1000 });
    try {
      const [unit] = await allUnits(source);
      const texts = (await collect(source.read(unit!))).filter((x) => !isProblem(x)).map((x) => (x as Fragment).text);
      expect(texts.length).toBe(100);
      expect(new Set(texts).size).toBe(100);
    } finally {
      await source.close();
    }
  });

  it('`createSqliteSource` applies `?tables=` and `?sample=` from the URL', async () => {
    const path = makeDb(
      `CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE b (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO a (v) VALUES ('1'), ('2'), ('3');`,
    );
    const source = createSqliteSource(`sqlite:${path}?tables=a&sample=2`);
    try {
      const us = await allUnits(source);
      expect(us.map((u) => [u.params?.table, u.params?.rows])).toEqual([['a', 2]]);
      const items = await collect(source.read(us[0]!));
      expect(items.filter((x) => !isProblem(x) && x.loc.field === 'v')).toHaveLength(2);
    } finally {
      await source.close();
    }
  });
});

describe('sqliteColumnKind', () => {
  it('`sqliteColumnKind` follows the affinity rules when given declared types', () => {
    expect(sqliteColumnKind('VARCHAR(20)')).toBe('text');
    expect(sqliteColumnKind('BIGINT')).toBe('number');
    expect(sqliteColumnKind('DOUBLE PRECISION')).toBe('number');
    expect(sqliteColumnKind('DECIMAL(10,2)')).toBe('number');
    expect(sqliteColumnKind('BLOB')).toBe('binary');
    expect(sqliteColumnKind('')).toBe('other');
    expect(sqliteColumnKind('json')).toBe('json');
    expect(sqliteColumnKind('DATETIME')).toBe('datetime');
    expect(sqliteColumnKind('BOOLEAN')).toBe('boolean');
  });
});
