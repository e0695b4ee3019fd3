import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import { openPostgres, type SqlDb } from '../../src/catalog/sql.js';
import { createAnalyzer } from '../../src/detect/analyzer.js';
import { builtinRecognizers } from '../../src/detect/presets.js';
import { runScan } from '../../src/scan/scan.js';
import { createMemorySource } from '../../src/sources/memory.js';
import type { Fragment, Problem, Source, Unit } from '../../src/sources/source.js';
import { PG_URL, requireService } from '../support/services.js';

// Each run works in its own schema so it never touches other data in the database.
const schema = `lg_test_${randomBytes(4).toString('hex')}`;
const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
let admin: SqlDb;

beforeAll(async () => {
  admin = await requireService('PostgreSQL', PG_URL, 'LEAKGUARD_TEST_PG_URL', () => openPostgres(PG_URL));
  await admin.exec(`CREATE SCHEMA ${schema}`);
});
afterAll(async () => {
  await admin?.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin?.close();
});

describe('Catalog on PostgreSQL', () => {
  it('migrates concurrently, stores runs idempotently per unit and reports changes like SQLite', async () => {
    const [a, b] = await Promise.all([Catalog.open(url), Catalog.open(url)]);
    await b.close();
    const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
    const assets = { 'crm.csv': { records: [{ 手机号: '13812345678' }, { 手机号: '13900001111' }] } };
    const r1 = await runScan([{ id: 'mem:', source: createMemorySource(assets) }], {
      catalog: a,
      analyzer,
      hashKey: new Uint8Array(32),
    });
    expect(r1.summary).toMatchObject({ assets: 1, findings: 2, unitsRead: 1 });
    const r2 = await runScan([{ id: 'mem:', source: createMemorySource(assets) }], {
      catalog: a,
      analyzer,
      hashKey: new Uint8Array(32),
    });
    expect(r2.summary).toMatchObject({ unitsSkipped: 1, findings: 2 });
    const grown = { 'crm.csv': { records: [...assets['crm.csv'].records, { 手机号: '13700002222' }] } };
    const r3 = await runScan([{ id: 'mem:', source: createMemorySource(grown) }], {
      catalog: a,
      analyzer,
      hashKey: new Uint8Array(32),
    });
    expect(await a.changes(r3.runId)).toEqual([
      expect.objectContaining({ change: 'grown', type: 'CN_MOBILE', before: 2, after: 3 }),
    ]);
    expect((await a.assets(r3.runId))[0]?.detail.fields[0]).toMatchObject({ field: '手机号', type: 'CN_MOBILE' });
    await a.close();
  });

  it('carries an unchanged unit’s problems into the next run and counts people once across assets', async () => {
    const c = await Catalog.open(url);
    const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
    const phones = Array.from({ length: 60 }, (_, i) => `1391234${String(1000 + i)}`);
    const records = phones.map((p) => ({ 手机号: p }));
    const mem = createMemorySource({ 'a.csv': { records }, 'b.csv': { records }, 'c.csv': { records } });
    // a.csv also reports a ragged row, as a real reader does for a malformed line.
    const source: Source = {
      ...mem,
      units: () => mem.units(),
      async *read(unit: Unit): AsyncGenerator<Fragment | Problem> {
        yield* mem.read(unit);
        if (unit.id.endsWith('a.csv')) yield { problem: 'LG_FORMAT_CORRUPT', message: 'ragged row', loc: { row: 9 } };
      },
    };
    const o = { catalog: c, analyzer, hashKey: new Uint8Array(32) };
    const r1 = await runScan([{ id: 'mem2:', source }], o);
    expect(r1.assets.map((a) => a.people)).toEqual([60, 60, 60]);
    expect(r1.summary).toMatchObject({ people: 60, problems: 1 });
    const r2 = await runScan([{ id: 'mem2:', source }], o);
    expect(r2.summary).toMatchObject({ unitsSkipped: 3, unitsRead: 0, problems: 1, people: 60 });
    expect((await c.problems(r2.runId)).map((p) => [p.code, p.loc])).toEqual([['LG_FORMAT_CORRUPT', { row: 9 }]]);
    await c.close();
  });
});
