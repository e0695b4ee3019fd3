import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog, type UnitResult } from './catalog.js';
import { CATALOG_MIGRATIONS, migrate } from './migrations.js';
import { openSqlite, toPgPlaceholders } from './sql.js';

function unit(id: string, counts: Record<string, number>): UnitResult {
  return {
    unitId: id,
    source: 'file:/data',
    asset: `file:/data/${id}`,
    kind: 'file',
    fingerprint: { size: 10 },
    status: 'ok',
    counts,
    masked: {},
    sensitiveFindings: 0,
    fields: {},
    sketches: {},
    samples: [],
    problems: [{ code: 'LG_FORMAT_CORRUPT', message: 'row 3: ragged', loc: { row: 3 } }],
    bytes: 10,
    rows: 1,
  };
}

describe('Catalog (SQLite)', () => {
  it('migrates once and records versions per module', async () => {
    const db = await openSqlite(join(mkdtempSync(join(tmpdir(), 'lgc-')), 'c.db'));
    expect(await migrate(db, 'catalog', CATALOG_MIGRATIONS)).toBe(CATALOG_MIGRATIONS.length);
    expect(await migrate(db, 'catalog', CATALOG_MIGRATIONS)).toBe(0);
    expect(await db.all('SELECT module, version FROM lg_migrations ORDER BY version')).toEqual(
      CATALOG_MIGRATIONS.map((m) => ({ module: 'catalog', version: m.version })),
    );
    await db.close();
  });

  it('saveUnit replaces a unit’s earlier result instead of adding to it (idempotent retries)', async () => {
    const c = await Catalog.open(join(mkdtempSync(join(tmpdir(), 'lgc-')), 'c.db'));
    const run = await c.startRun(['/data'], {});
    await c.saveUnit(run, unit('a', { CN_MOBILE: 2 }));
    await c.saveUnit(run, unit('a', { CN_MOBILE: 3 }));
    await c.saveUnit(run, unit('b', { EMAIL_ADDRESS: 1 }));
    const by = await c.unitsBySource('file:/data');
    expect([...by.keys()]).toEqual(['file:/data/a', 'file:/data/b']);
    expect(by.get('file:/data/a')!.map((u) => u.counts)).toEqual([{ CN_MOBILE: 3 }]);
    expect(await c.problems(run)).toHaveLength(2);
    expect(await c.unitFingerprint('a')).toBe('{"size":10}');
    expect(await c.removeUnitsNotIn('file:/data', new Set(['a']))).toEqual({ units: 1, assets: ['file:/data/b'] });
    await c.finishRun(run, 'done', { assets: 1 });
    expect((await c.latestRun())?.summary).toEqual({ assets: 1 });
    await c.close();
  });
});

describe('Catalog.touchUnit', () => {
  it('carries a skipped unit’s problems into the new run, once, and keeps carrying them', async () => {
    const c = await Catalog.open(join(mkdtempSync(join(tmpdir(), 'lgc-')), 'c.db'));
    const r1 = await c.startRun(['/data'], {});
    await c.saveUnit(r1, unit('a', {}));
    await c.saveUnit(r1, { ...unit('b', {}), problems: [] });
    const r2 = await c.startRun(['/data'], {});
    expect(await c.touchUnit(r2, 'a')).toEqual(['LG_FORMAT_CORRUPT']);
    expect(await c.touchUnit(r2, 'a')).toEqual(['LG_FORMAT_CORRUPT']);
    expect(await c.touchUnit(r2, 'b')).toEqual([]);
    expect(await c.touchUnit(r2, 'missing')).toEqual([]);
    expect(await c.problems(r2)).toEqual([
      { unitId: 'a', asset: 'file:/data/a', code: 'LG_FORMAT_CORRUPT', message: 'row 3: ragged', loc: { row: 3 } },
    ]);
    const r3 = await c.startRun(['/data'], {});
    await c.touchUnit(r3, 'a');
    expect((await c.problems(r3)).map((p) => p.unitId)).toEqual(['a']);
    expect((await c.problems(r1)).map((p) => p.unitId)).toEqual(['a']);
    await c.close();
  });
});

describe('toPgPlaceholders', () => {
  it('numbers placeholders outside quotes', () => {
    expect(toPgPlaceholders('SELECT ? , \'?\', ? WHERE "a?" = ?')).toBe('SELECT $1 , \'?\', $2 WHERE "a?" = $3');
  });
});

describe('openSqlite transactions', () => {
  it('serialise concurrent async transactions and roll back failed ones', async () => {
    const db = await openSqlite(':memory:');
    await db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v INTEGER NOT NULL)');
    const jobs = Array.from({ length: 50 }, (_, i) =>
      db
        .tx(async (t) => {
          await t.run('INSERT INTO t (k, v) VALUES (?, ?)', [i, 0]);
          await new Promise((r) => setTimeout(r, i % 3));
          if (i % 10 === 9) throw new Error('boom');
          await t.tx(async (inner) => inner.run('UPDATE t SET v = ? WHERE k = ?', [1, i]));
        })
        .catch(() => 'failed'),
    );
    const plain = db.run('INSERT INTO t (k, v) VALUES (?, ?)', [1000, 1]);
    const results = await Promise.all([...jobs, plain]);
    expect(results.filter((r) => r === 'failed')).toHaveLength(5);
    const rows = await db.all<{ n: number; s: number }>('SELECT COUNT(*) AS n, SUM(v) AS s FROM t');
    expect(rows[0]).toEqual({ n: 46, s: 46 });
    await db.close();
  });
});
