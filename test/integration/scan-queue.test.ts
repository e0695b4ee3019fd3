/**
 * Distributed scanning on the machine's Redis: three `leakguard worker` processes read the units a coordinator
 * queued, and the catalog equals a single-process scan's exactly; a worker killed with SIGKILL mid-run changes
 * nothing. Runs the compiled CLI (bin/leakguard.js → dist/): CI builds before testing.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetsOf, run, sqliteCatalog, startWorker } from '../support/queue-cli.js';
import { REDIS_URL, requireService } from '../support/services.js';

/** A Redis database of its own, so the queue never meets another suite's keys. */
const QUEUE = `${REDIS_URL.replace(/\/\d*$/, '')}/9`;
const workers: ChildProcess[] = [];

/** A worker on this suite's queue; the first test stops its own, the rest are killed before the queue is flushed. */
function startQueueWorker(): ChildProcess {
  const child = startWorker(QUEUE);
  workers.push(child);
  return child;
}

/** A corpus of many small units (files) with synthetic people. */
function corpus(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lg-queue-'));
  for (let d = 0; d < 4; d++) {
    mkdirSync(join(dir, `d${d}`));
    for (let f = 0; f < 10; f++) {
      let csv = '姓名,手机号,邮箱\n';
      for (let r = 0; r < 200; r++) {
        const n = d * 100_000 + f * 1000 + r;
        csv += `张${'伟芳娜敏静'[r % 5]},1${38 + (r % 2)}${String(n).padStart(8, '0')},u${n}@example.com\n`;
      }
      writeFileSync(join(dir, `d${d}`, `f${f}.csv`), csv);
    }
  }
  return dir;
}

let redis: Redis;
beforeAll(async () => {
  redis = await requireService('Redis', QUEUE, 'LEAKGUARD_TEST_REDIS_URL', async () => {
    const r = new Redis(QUEUE, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await r.connect();
    return r;
  });
  await redis.flushdb();
});
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await redis?.flushdb();
  redis?.disconnect();
});

describe('scan --queue with leakguard worker processes', () => {
  it('three workers produce exactly the single-process catalog', async () => {
    const dir = corpus();
    const single = await run(
      ['scan', '.', '--json', '--quiet', '--threads', '1', '--catalog', sqliteCatalog('s')],
      dir,
    );
    expect(single.code).toBe(0);
    for (let i = 0; i < 3; i++) startQueueWorker();
    const queued = await run(
      ['scan', '.', '--json', '--quiet', '--queue', QUEUE, '--catalog', sqliteCatalog('q')],
      dir,
    );
    expect(queued.stderr).toBe('');
    expect(queued.code).toBe(0);
    expect(assetsOf(queued.stdout)).toEqual(assetsOf(single.stdout));
    expect(JSON.parse(queued.stdout).summary.unitsRead).toBe(40);
    for (const w of workers.splice(0)) w.kill('SIGTERM');
  });

  it('a worker killed with SIGKILL mid-run loses nothing and counts nothing twice', async () => {
    const dir = corpus();
    const single = await run(
      ['scan', '.', '--json', '--quiet', '--threads', '1', '--catalog', sqliteCatalog('s')],
      dir,
    );
    const victim = startQueueWorker();
    let seen = 0;
    const killed = new Promise<void>((resolve) => {
      victim.stderr?.on('data', (c: Buffer) => {
        seen += (c.toString().match(/"event":"unit"/g) ?? []).length;
        if (seen >= 3 && victim.exitCode === null) {
          victim.kill('SIGKILL');
          startQueueWorker();
          resolve();
        }
      });
    });
    const queued = run(['scan', '.', '--json', '--quiet', '--queue', QUEUE, '--catalog', sqliteCatalog('q')], dir);
    await killed;
    const out = await queued;
    expect(out.code).toBe(0);
    expect(assetsOf(out.stdout)).toEqual(assetsOf(single.stdout));
    expect(JSON.parse(out.stdout).summary.findings).toBe(JSON.parse(single.stdout).summary.findings);
  });
});
