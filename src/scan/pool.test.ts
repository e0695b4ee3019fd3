import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Analyzer, createAnalyzer } from '../detect/analyzer.js';
import { builtinRecognizers } from '../detect/presets.js';
import { CHUNK_BYTES } from '../sources/formats/input.js';
import type { Unit } from '../sources/source.js';
import { openScanSource } from './open-source.js';
import { UnitPool } from './pool.js';
import { processUnit } from './unit.js';

// The pool runs the compiled worker (dist/scan/scan-worker.js): CI builds before testing.
const dir = mkdtempSync(join(tmpdir(), 'lg-pool-'));
mkdirSync(join(dir, 'sub'));
writeFileSync(join(dir, 'a.csv'), '姓名,手机号\n张伟,13812345678\n李娜,13912345679\n');
writeFileSync(join(dir, 'sub', 'b.log'), 'user li@example.com from 10.1.2.3\nid 11010519491231002X\n');
writeFileSync(join(dir, 'c.json'), JSON.stringify([{ tel: '13700001111' }, { tel: '13700002222' }]));
{
  // An embedded SQLite database: its tables are units a worker must read without having planned them.
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(dir, 'crm.sqlite'));
  db.exec('CREATE TABLE people (id INTEGER PRIMARY KEY, sjh TEXT)');
  db.prepare('INSERT INTO people VALUES (1, ?)').run('13812345678');
  db.close();
}
const hashKey = new Uint8Array(32).fill(3);
const pools: UnitPool[] = [];
afterAll(async () => {
  for (const p of pools) await p.close();
});

describe('UnitPool', () => {
  it('gives exactly the results of reading in this thread, for every unit', async () => {
    const s = await openScanSource(dir, { cwd: dir });
    const units = [];
    for await (const u of s.source.units()) units.push(u);
    expect(units.map((u) => u.kind).sort()).toEqual(['file', 'file', 'file', 'table']);
    const pool = new UnitPool({ analyzer: {}, open: { cwd: dir }, hashKey }, { threads: 2 });
    pools.push(pool);
    const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
    const viaPool = await Promise.all(units.map((u) => pool.run({ spec: s.spec!, sourceId: s.id, unit: u })));
    for (const [i, u] of units.entries()) {
      const here = await processUnit(s.source, s.id, u, { analyzer, hashKey });
      expect(viaPool[i]).toEqual(here);
    }
    expect(pool.size).toBeLessThanOrEqual(2);
    expect(viaPool.find((r) => r.kind === 'table')?.counts).toEqual({ CN_MOBILE: 1 });
  });

  it('fails only the unit whose worker dies, with LG_WORKER_CRASHED, and keeps serving', async () => {
    const s = await openScanSource(dir, { cwd: dir });
    const units = [];
    for await (const u of s.source.units()) units.push(u);
    // A heap too small to even load the recognizers: every worker dies on start.
    const pool = new UnitPool({ analyzer: {}, open: { cwd: dir }, hashKey }, { threads: 1, maxHeapMb: 4 });
    pools.push(pool);
    const results = await Promise.all(units.map((u) => pool.run({ spec: s.spec!, sourceId: s.id, unit: u })));
    for (const r of results) {
      expect(r.status).toBe('failed');
      expect(r.problems[0]?.code).toBe('LG_WORKER_CRASHED');
    }
  });
});

describe('UnitPool.runJob (queue workers)', () => {
  it('reads units on several threads with the analyzer and options each job names, reporting the thread', async () => {
    const s = await openScanSource(dir, { cwd: dir });
    const units = [];
    for await (const u of s.source.units()) units.push(u);
    // The pool's own analyzer and cwd are never used: every job names its own.
    const pool = new UnitPool(
      { analyzer: { types: ['EMAIL_ADDRESS'] }, open: { cwd: tmpdir() }, hashKey },
      { threads: 2 },
    );
    pools.push(pool);
    const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
    const got = await Promise.all(
      units.map((u) => pool.runJob({ spec: s.spec!, sourceId: s.id, unit: u, analyzer: {}, open: { cwd: dir } })),
    );
    for (const [i, u] of units.entries()) {
      expect(got[i]?.result).toEqual(await processUnit(s.source, s.id, u, { analyzer, hashKey }));
    }
    expect(new Set(got.map((g) => g.thread)).size).toBe(2);
    expect(got.every((g) => g.thread > 0)).toBe(true);
  });

  it('rejects with the code when the thread cannot open the source, and keeps serving', async () => {
    const pool = new UnitPool({ analyzer: {}, open: { cwd: dir }, hashKey }, { threads: 1 });
    pools.push(pool);
    const unit = { id: 'file:/nope/x.csv', kind: 'file' as const, asset: 'file:///nope/x.csv', params: {} };
    await expect(pool.runJob({ spec: 'ftp://files.example/x', sourceId: 'x', unit })).rejects.toMatchObject({
      name: 'UnitThreadError',
      code: 'LG_USAGE',
      message: 'Cannot scan "ftp://files.example/x": unsupported URL scheme',
    });
    const s = await openScanSource(dir, { cwd: dir });
    for await (const u of s.source.units()) {
      expect((await pool.runJob({ spec: s.spec!, sourceId: s.id, unit: u })).result.unitId).toBe(u.id);
      break;
    }
  });

  it('rejects with LG_WORKER_CRASHED when the thread dies holding the unit', async () => {
    const s = await openScanSource(dir, { cwd: dir });
    const pool = new UnitPool({ analyzer: {}, open: { cwd: dir }, hashKey }, { threads: 1, maxHeapMb: 4 });
    pools.push(pool);
    for await (const u of s.source.units()) {
      await expect(pool.runJob({ spec: s.spec!, sourceId: s.id, unit: u })).rejects.toMatchObject({
        code: 'LG_WORKER_CRASHED',
      });
      break;
    }
  });
});

describe('memory in flight (backpressure)', () => {
  it('a file reader runs ahead of detection by at most one read chunk and one fragment, whatever the file size', async () => {
    // 24 MiB of short lines, read as one unit by a detector slower than the disk.
    const big = mkdtempSync(join(tmpdir(), 'lg-pool-bp-'));
    const line = 'order 42 shipped to li@example.com from 10.1.2.3 ok\n';
    writeFileSync(join(big, 'big.log'), line.repeat(Math.ceil((24 << 20) / line.length)));
    const s = await openScanSource(big, { cwd: big });
    const units = [];
    for await (const u of s.source.units()) units.push(u);
    const unit = units.find((u) => u.kind === 'file');
    expect(unit?.size).toBeGreaterThan(24 << 20);
    // Bytes the file handles gave out, against bytes detection has been handed (ASCII: characters = bytes).
    let fromDisk = 0;
    let analysed = 0;
    let ahead = 0;
    const probe = await open(join(big, 'big.log'));
    const proto = Object.getPrototypeOf(probe) as { read: (...a: unknown[]) => Promise<{ bytesRead: number }> };
    await probe.close();
    const read = proto.read;
    proto.read = async function (this: unknown, ...a: unknown[]) {
      const r = await read.apply(this, a);
      fromDisk += r.bytesRead;
      return r;
    };
    const slow = {
      analyze(text: string) {
        analysed += text.length;
        ahead = Math.max(ahead, fromDisk - analysed);
        return { findings: [], masked: [] };
      },
    } as unknown as Analyzer;
    try {
      const r = await processUnit(s.source, s.id, unit!, { analyzer: slow, hashKey });
      expect(r.status).toBe('ok');
    } finally {
      proto.read = read;
    }
    expect(analysed).toBe(unit!.size);
    // The head the sniffer reads, one chunk in hand and the fragment being cut from it: never the file.
    expect(ahead).toBeGreaterThan(0);
    expect(ahead).toBeLessThanOrEqual(3 * CHUNK_BYTES);
  });

  it('a pool holds at most `threads` units however many are submitted', async () => {
    const s = await openScanSource(dir, { cwd: dir });
    const units: Unit[] = [];
    for await (const u of s.source.units()) units.push(u);
    const pool = new UnitPool({ analyzer: {}, open: { cwd: dir }, hashKey }, { threads: 2 });
    pools.push(pool);
    let most = 0;
    const jobs = Array.from({ length: 12 }, (_, i) => units[i % units.length]!).map((u) =>
      pool.run({ spec: s.spec!, sourceId: s.id, unit: u }).then((r) => {
        most = Math.max(most, pool.busy);
        return r;
      }),
    );
    most = Math.max(most, pool.busy);
    await Promise.all(jobs);
    expect(most).toBeLessThanOrEqual(2);
    expect(pool.size).toBeLessThanOrEqual(2);
  });
});
