import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../policy.js';
import { ANALYZER, ENV, protectOnce, TABLE_POLICY, type TableRow, tableRows } from './__fixtures__/data.js';
import { PROGRESS_TABLE, protectTable } from './index.js';

function dbWith(rows: readonly TableRow[], ddl = 'id INTEGER PRIMARY KEY, phone TEXT, note TEXT, age INTEGER'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lg-protect-db-')), 'shop.db');
  const db = new Database(file);
  db.exec(`CREATE TABLE users (${ddl})`);
  const ins = db.prepare('INSERT INTO users (id, phone, note, age) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const r of rows) ins.run(r.id, r.phone, r.note, r.age);
  })();
  db.close();
  return file;
}

function read(file: string, table = 'users'): Record<string, unknown>[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`SELECT * FROM "${table}" ORDER BY id`).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

const policy = () => parsePolicy(TABLE_POLICY, 'policy.yaml', { env: ENV });

function expected(rows: readonly TableRow[]): Record<string, unknown>[] {
  const p = policy();
  return rows.map((r) => ({
    id: r.id,
    phone: protectOnce(p, 'phone', r.phone),
    note: protectOnce(p, 'note', r.note),
    age: r.age,
  }));
}

const base = (file: string) => ({
  url: `sqlite:${file}`,
  tables: ['users'],
  mode: 'protect' as const,
  policy: policy(),
  analyzer: ANALYZER,
});

describe('protectTable (copy)', () => {
  it('protectTable copies into <table>_protected with the same columns and primary key, source untouched', async () => {
    const rows = tableRows(30);
    const file = dbWith(rows);
    const report = await protectTable({ ...base(file), batchRows: 7 });
    expect(report.tables[0]).toMatchObject({
      table: 'users',
      target: 'users_protected',
      mode: 'copy',
      rows: 30,
      batches: 5,
    });
    expect(read(file, 'users_protected')).toEqual(expected(rows));
    expect(read(file).map((r) => r.phone)).toEqual(rows.map((r) => r.phone));
    const db = new Database(file, { readonly: true });
    const info = db.prepare(`SELECT name, type, pk FROM pragma_table_info('users_protected')`).all();
    db.close();
    expect(info).toEqual([
      { name: 'id', type: 'INTEGER', pk: 1 },
      { name: 'phone', type: 'TEXT', pk: 0 },
      { name: 'note', type: 'TEXT', pk: 0 },
      { name: 'age', type: 'INTEGER', pk: 0 },
    ]);
  });

  it('protectTable refuses an existing target unless force, and replaces it with force', async () => {
    const file = dbWith(tableRows(5));
    await protectTable({ ...base(file), to: 'safe' });
    await expect(protectTable({ ...base(file), to: 'safe' })).rejects.toMatchObject({
      code: 'LG_USAGE',
      message: expect.stringContaining('the target exists (add --force'),
    });
    const report = await protectTable({ ...base(file), to: 'safe', force: true });
    expect(report.tables[0]?.rows).toBe(5);
    expect(read(file, 'safe')).toHaveLength(5);
  });

  it('protectTable reports a missing table by name', async () => {
    const file = dbWith(tableRows(1));
    await expect(protectTable({ ...base(file), tables: ['nope'] })).rejects.toMatchObject({
      code: 'LG_SOURCE_UNREADABLE',
      message: expect.stringContaining('Cannot protect table "nope"'),
    });
  });
});

describe('protectTable (in place)', () => {
  it('protectTable refuses in place without yes, and a table without a primary key', async () => {
    const file = dbWith(tableRows(3), 'id INTEGER, phone TEXT, note TEXT, age INTEGER');
    await expect(protectTable({ ...base(file), inPlace: true })).rejects.toMatchObject({
      code: 'LG_USAGE',
      message: expect.stringContaining('without confirmation'),
    });
    await expect(protectTable({ ...base(file), inPlace: true, yes: true })).rejects.toMatchObject({
      code: 'LG_USAGE',
      message: expect.stringContaining('has no primary key'),
    });
  });

  it('protectTable protects every row once, records the finished job and does nothing on a second run', async () => {
    const rows = tableRows(25);
    const file = dbWith(rows);
    const r1 = await protectTable({ ...base(file), inPlace: true, yes: true, batchRows: 10 });
    expect(r1.tables[0]).toMatchObject({ rows: 25, batches: 3, alreadyDone: false });
    expect(read(file)).toEqual(expected(rows));
    const r2 = await protectTable({ ...base(file), inPlace: true, yes: true, batchRows: 10 });
    expect(r2.tables[0]).toMatchObject({ rows: 0, alreadyDone: true });
    expect(read(file)).toEqual(expected(rows));
    const db = new Database(file, { readonly: true });
    const progress = db.prepare(`SELECT job, "table", last_key, rows_done, finished_at FROM ${PROGRESS_TABLE}`).all();
    db.close();
    expect(progress).toEqual([
      { job: 'protect', table: 'users', last_key: '[{"n":"25"}]', rows_done: 25, finished_at: expect.any(String) },
    ]);
  });

  it('protectTable runs a finished job again only with restart', async () => {
    const rows = tableRows(4);
    const file = dbWith(rows);
    await protectTable({ ...base(file), inPlace: true, yes: true });
    await protectTable({ ...base(file), inPlace: true, yes: true, restart: true });
    const once = expected(rows);
    const p = policy();
    expect(read(file).map((r) => r.phone)).toEqual(once.map((r) => protectOnce(p, 'phone', String(r.phone))));
  });

  it('protectTable resumes after the last committed batch, protecting no value twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 6 }), async (batchRows, stopAfter) => {
        const rows = tableRows(23);
        const file = dbWith(rows);
        const crash = new Error('simulated crash');
        await protectTable({
          ...base(file),
          inPlace: true,
          yes: true,
          batchRows,
          onBatch: (p) => {
            if (p.batches >= stopAfter) throw crash;
          },
        }).catch((e) => {
          if (e !== crash) throw e;
        });
        const r = await protectTable({ ...base(file), inPlace: true, yes: true, batchRows });
        expect(r.tables[0]?.alreadyDone || r.tables[0]!.rows + r.tables[0]!.resumedAfterRows === 23).toBe(true);
        expect(read(file)).toEqual(expected(rows));
      }),
      { numRuns: 12 },
    );
  });

  it('protectTable refuses to resume an unfinished job with another policy or with restart', async () => {
    const file = dbWith(tableRows(10));
    const stop = new Error('stop');
    await protectTable({
      ...base(file),
      inPlace: true,
      yes: true,
      batchRows: 3,
      onBatch: () => {
        throw stop;
      },
    }).catch((e) => {
      if (e !== stop) throw e;
    });
    const other = parsePolicy(
      TABLE_POLICY.replace('length: 16 } }\n  - { type: CN_MOBILE', 'length: 20 } }\n  - { type: CN_MOBILE'),
      'p2.yaml',
      { env: ENV },
    );
    await expect(protectTable({ ...base(file), policy: other, inPlace: true, yes: true })).rejects.toMatchObject({
      code: 'LG_USAGE',
      message: expect.stringContaining('started with another policy'),
    });
    await expect(protectTable({ ...base(file), inPlace: true, yes: true, restart: true })).rejects.toMatchObject({
      code: 'LG_USAGE',
      message: expect.stringContaining('would protect them twice'),
    });
  });

  it('protectTable refuses a column rule on a primary-key column in place', async () => {
    const file = dbWith(tableRows(2));
    const p = parsePolicy('rules:\n  - { column: id, action: redact }\n', 'p.yaml');
    await expect(protectTable({ ...base(file), policy: p, inPlace: true, yes: true })).rejects.toMatchObject({
      code: 'LG_USAGE',
      message: expect.stringContaining('part of the primary key'),
    });
  });

  it('protectTable fails with table, column and key (no value) when an output does not fit a typed column', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lg-protect-db-')), 'd.db');
    const db = new Database(file);
    db.exec('CREATE TABLE people (id INTEGER PRIMARY KEY, birthday DATE)');
    db.prepare('INSERT INTO people VALUES (?, ?)').run(42, '1990-05-17');
    db.close();
    const p = parsePolicy('rules:\n  - { column: birthday, action: generalize, options: { to: year } }\n', 'p.yaml');
    const err = await protectTable({
      url: `sqlite:${file}`,
      tables: ['people'],
      mode: 'protect',
      policy: p,
      inPlace: true,
      yes: true,
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toMatchObject({ code: 'LG_OPERATOR_FAILED' });
    expect(err?.message).toContain('table "people" at id=42, column "birthday"');
    expect(err?.message).not.toContain('1990');
  });

  it('protectTable masks non-integer keys in messages', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lg-protect-db-')), 'k.db');
    const db = new Database(file);
    db.exec('CREATE TABLE accounts (email TEXT PRIMARY KEY, born DATE)');
    db.prepare('INSERT INTO accounts VALUES (?, ?)').run('wang.fang@example.com', '1991-02-03');
    db.close();
    const p = parsePolicy('rules:\n  - { column: born, action: generalize, options: { to: year } }\n', 'p.yaml');
    const err = await protectTable({
      url: `sqlite:${file}`,
      tables: ['accounts'],
      mode: 'protect',
      policy: p,
      inPlace: true,
      yes: true,
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain('email=*** (row 1 in key order)');
    expect(err?.message).not.toContain('wang.fang');
  });
});
