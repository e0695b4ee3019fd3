/**
 * Queued scans against services this suite controls: a Redis it starts itself (no persistence) is killed and
 * started again on the same port mid-run, and the run still ends with the single-process catalog; a detached
 * run is followed with `scan status`, on a PostgreSQL catalog; a worker holding another hash key parks units
 * (with their error) instead of hashing them wrongly. Runs the compiled CLI (bin/leakguard.js → dist/).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.js';
import { finalizeQueuedRun, openQueueCatalog } from '../../src/scan/queue.js';
import {
  assetsOf,
  catalogAssets,
  corpus,
  exited,
  flushQueue,
  run,
  sqliteCatalog,
  startWorker,
  unitsLogged,
} from '../support/queue-cli.js';
import { PG_URL, REDIS_URL, requireService } from '../support/services.js';

/** The redis-server processes this suite starts (../support/queue-cli.js kills the workers it starts). */
const redisServers: ChildProcess[] = [];
const HAS_REDIS_SERVER = spawnSync('redis-server', ['--version']).status === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A throwaway Redis without persistence on `port`; resolves once it answers PING. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  redisServers.push(child);
  for (;;) {
    const r = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    r.on('error', () => undefined);
    try {
      await r.connect();
      await r.ping();
      r.disconnect();
      return child;
    } catch {
      r.disconnect();
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}

afterAll(() => {
  for (const c of redisServers) c.kill('SIGKILL');
});

describe('a Redis restarted mid-run (redis-server started by this suite)', () => {
  it('the run completes with exactly the single-process catalog, units Redis forgot enqueued again', async () => {
    if (!HAS_REDIS_SERVER) {
      throw new Error(
        'redis-server is not on PATH: this test starts and restarts its own Redis (apt install redis-server)',
      );
    }
    const dir = corpus();
    const single = await run(
      ['scan', '.', '--json', '--quiet', '--threads', '1', '--catalog', sqliteCatalog('s')],
      dir,
    );
    expect(single.code).toBe(0);
    const port = await freePort();
    let redis = await startRedis(port);
    const queue = `redis://127.0.0.1:${port}`;
    const workers = [startWorker(queue), startWorker(queue)];
    const someDone = unitsLogged(workers[0]!, 3);
    const target = sqliteCatalog('q');
    const queued = run(['scan', '.', '--json', '--quiet', '--queue', queue, '--catalog', target], dir);
    await someDone;
    redis.kill('SIGKILL');
    await exited(redis);
    redis = await startRedis(port);
    const out = await queued;
    expect(out.code).toBe(0);
    // The coordinator noticed the jobs were gone and enqueued the unfinished units again.
    expect(out.stderr).toMatch(/had no job in the queue \(Redis lost them\?\): enqueued again/);
    expect(assetsOf(out.stdout)).toEqual(assetsOf(single.stdout));
    const s = JSON.parse(out.stdout).summary;
    expect(s.unitsRead).toBe(40);
    expect(s.findings).toBe(JSON.parse(single.stdout).summary.findings);
    expect(await catalogAssets(target)).toEqual(assetsOf(single.stdout));
    for (const w of workers) w.kill('SIGTERM');
    // Drained and gone before the next test queues anything.
    await Promise.all(workers.map(exited));
    redis.kill('SIGKILL');
  });
});

describe('scan --queue --detach and scan status', () => {
  let queue: string;
  let admin: pg.Client;
  let pgCatalog: string;
  const database = `lg_queue_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    queue = `${REDIS_URL.replace(/\/\d*$/, '')}/10`;
    await flushQueue(queue);
    admin = await requireService('PostgreSQL', PG_URL, 'LEAKGUARD_TEST_PG_URL', async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      return c;
    });
    await admin.query(`CREATE DATABASE ${database}`);
    const u = new URL(PG_URL);
    u.pathname = `/${database}`;
    pgCatalog = u.toString();
  });
  afterAll(async () => {
    if (!admin) return;
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  });

  it('detach prints the run; status shows it running (exit 3), then --wait completes it (exit 0) with the single-process catalog', async () => {
    const dir = corpus(20);
    const single = await run(
      ['scan', '.', '--json', '--quiet', '--threads', '1', '--catalog', sqliteCatalog('s')],
      dir,
    );
    const detached = await run(['scan', '.', '--queue', queue, '--catalog', pgCatalog, '--detach', '--json'], dir);
    expect(detached.code).toBe(0);
    const { run: id, units } = JSON.parse(detached.stdout) as { run: string; units: number };
    expect(units).toBe(20);
    // No worker yet: nothing can have moved.
    const before = await run(['scan', 'status', id, '--catalog', pgCatalog, '--json'], dir);
    expect(before.code).toBe(3);
    const p = JSON.parse(before.stdout);
    expect(p.state).toBe('running');
    expect(p.units).toMatchObject({ total: 20, queued: 20, done: 0, parked: 0 });
    const text = await run(['scan', 'status', id, '--catalog', pgCatalog], dir);
    expect(text.stdout).toMatch(/units {3}0\/20 \(0 read, 0 unchanged, 20 to go\); 0 failed, 0 parked/);
    const workers = [startWorker(queue, { LEAKGUARD_CONNECTIONS: pgCatalog }), startWorker(queue)];
    const after = await run(['scan', 'status', id, '--catalog', pgCatalog, '--queue', queue, '--wait', '--json'], dir);
    expect(after.code).toBe(0);
    const done = JSON.parse(after.stdout);
    expect(done.state).toBe('done');
    expect(done.units).toMatchObject({ total: 20, queued: 0, done: 20, parked: 0, failed: 0 });
    expect(await catalogAssets(pgCatalog)).toEqual(assetsOf(single.stdout));
    // Finalised once: asking again changes nothing and still says complete.
    const again = await run(['scan', 'status', id, '--catalog', pgCatalog], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/: complete\n/);
    for (const w of workers) w.kill('SIGTERM');
    // Drained and gone before the next test queues anything.
    await Promise.all(workers.map(exited));
  });

  it('finalizeQueuedRun: of three observers racing on separate connections exactly one finalises', async () => {
    const dir = corpus(4);
    const detached = await run(['scan', '.', '--queue', queue, '--catalog', pgCatalog, '--detach'], dir);
    const id = detached.stdout.trim();
    const catalogs = await Promise.all([0, 1, 2].map(() => openQueueCatalog(pgCatalog)));
    try {
      const [first] = catalogs as [Catalog, Catalog, Catalog];
      // Units still out: nobody may finalise.
      expect(await finalizeQueuedRun(first, id)).toBe(false);
      // Every unit in (here: marked done by hand; no worker ran, so the run has no assets).
      await first.db.run("UPDATE lg_queue_units SET state = 'done' WHERE token = ?", [id]);
      const won = await Promise.all(catalogs.map((c) => finalizeQueuedRun(c, id)));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await finalizeQueuedRun(first, id)).toBe(false);
      const rec = await first.db.get<{ state: string }>('SELECT state FROM lg_queue_runs WHERE token = ?', [id]);
      expect(rec?.state).toBe('done');
    } finally {
      for (const c of catalogs) await c.close();
      // Its jobs never ran: leave the queue empty for the next test.
      const r = new Redis(queue);
      await r.flushdb();
      r.disconnect();
    }
  });

  it('status counts rows of table units apart from bytes of files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-queue-rows-'));
    writeFileSync(join(dir, 'one.csv'), '姓名,手机号\n张伟,13812345678\n');
    const { default: Database } = await import('better-sqlite3');
    const shop = new Database(join(dir, 'shop.db'));
    shop.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, phone TEXT)');
    for (let i = 0; i < 7; i++) shop.prepare('INSERT INTO users (phone) VALUES (?)').run(`1391234${1000 + i}`);
    shop.close();
    const target = sqliteCatalog('rows');
    const detached = await run(['scan', '.', '--queue', queue, '--catalog', target, '--detach'], dir);
    expect(detached.code).toBe(0);
    const worker = startWorker(queue);
    const status = await run(
      ['scan', 'status', detached.stdout.trim(), '--catalog', target, '--queue', queue, '--wait', '--json'],
      dir,
    );
    worker.kill('SIGTERM');
    await exited(worker);
    expect(status.code).toBe(0);
    const p = JSON.parse(status.stdout) as {
      bytes: { total: number; done: number };
      rows: { total: number; done: number };
    };
    expect(p.bytes).toEqual({ total: Buffer.byteLength('姓名,手机号\n张伟,13812345678\n'), done: p.bytes.total });
    expect(p.rows).toEqual({ total: 7, done: 7 });
    const text = await run(['scan', 'status', detached.stdout.trim(), '--catalog', target], dir);
    expect(text.stdout).toMatch(/^rows {4}7 of 7, /m);
  });

  it('a catalog locked for longer than three attempts take is waited out: the units end done, none parked', async () => {
    // One unit: its attempts follow each other without other units' attempts in between.
    const dir = mkdtempSync(join(tmpdir(), 'lg-queue-lock-'));
    writeFileSync(join(dir, 'one.csv'), '姓名,手机号\n张伟,13812345678\n');
    const target = sqliteCatalog('locked');
    const detached = await run(['scan', '.', '--queue', queue, '--catalog', target, '--detach'], dir);
    expect(detached.code).toBe(0);
    const id = detached.stdout.trim();
    // Another writer holds the catalog (as a restarting PostgreSQL would refuse it) for 25 s: three attempts
    // with BullMQ's back-off end after ≈ 18 s, so without the worker's own retry every unit would be parked.
    const { default: Database } = await import('better-sqlite3');
    const lock = new Database(target);
    lock.pragma('busy_timeout = 5000');
    lock.exec('BEGIN IMMEDIATE');
    const worker = startWorker(queue);
    await new Promise((r) => setTimeout(r, 25_000));
    lock.exec('COMMIT');
    lock.close();
    const status = await run(['scan', 'status', id, '--catalog', target, '--queue', queue, '--wait', '--json'], dir);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).units).toMatchObject({ total: 1, done: 1, parked: 0 });
    worker.kill('SIGTERM');
    await exited(worker);
  });

  it('a worker with another hash key parks the units with the error; status exits 1 and lists them', async () => {
    const dir = corpus(4);
    const target = sqliteCatalog('k');
    const detached = await run(['scan', '.', '--queue', queue, '--catalog', target, '--detach'], dir);
    expect(detached.code).toBe(0);
    const id = detached.stdout.trim();
    const wrong = startWorker(queue, { LEAKGUARD_KEY: randomBytes(32).toString('hex') });
    const status = await run(['scan', 'status', id, '--catalog', target, '--queue', queue, '--wait'], dir);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/0 failed, 4 parked/);
    expect(status.stdout).toMatch(
      /parked {2}file:.*f0\.csv: Cannot read unit: parked after 3 attempts \(LG_KEY_INVALID: Cannot read a unit hashed with another key/,
    );
    wrong.kill('SIGTERM');
    await exited(wrong);
    // The run is complete with the units failed: an incremental scan with the right key reads them again.
    const worker = startWorker(queue);
    const rescan = await run(['scan', '.', '--json', '--quiet', '--queue', queue, '--catalog', target], dir);
    expect(rescan.code).toBe(0);
    expect(JSON.parse(rescan.stdout).summary).toMatchObject({ unitsRead: 4, unitsFailed: 0 });
    worker.kill('SIGTERM');
  });
});
