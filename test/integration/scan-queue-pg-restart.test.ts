/**
 * The catalog's PostgreSQL restarted in the middle of a queued scan (README, "Scale"). The suite starts its own
 * cluster on a free port (the machine's shared PostgreSQL must never be restarted), stops it with `pg_ctl stop
 * -m fast` while workers still have units to read, leaves it down for 5 s and starts it again on the same port
 * and data. The waiting coordinator and both workers ride it out: the run ends with every unit done, none parked
 * or counted twice, and exactly the catalog a single-process scan produces. The queue is the machine's Redis
 * (database 12, used by no other suite). Runs the compiled CLI (bin/leakguard.js → dist/).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/catalog/sql.js';
import { type RestartablePostgres, startRestartablePostgres } from '../support/audit-services.js';
import {
  assetsOf,
  catalogAssets,
  corpus,
  exited,
  flushQueue,
  requireBuild,
  run,
  sqliteCatalog,
  startWorker,
  unitsLogged,
  workerLog,
} from '../support/queue-cli.js';
import { REDIS_URL } from '../support/services.js';

const QUEUE = `${REDIS_URL.replace(/\/\d*$/, '')}/12`;
/** Units of the restart run: enough that the 5 s outage falls well inside it. */
const UNITS = 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cluster: RestartablePostgres;
let catalogUrl: string;

beforeAll(async () => {
  requireBuild();
  await flushQueue(QUEUE);
  cluster = await startRestartablePostgres();
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('CREATE DATABASE lg_catalog');
  await admin.end();
  catalogUrl = cluster.url.replace(/\/postgres$/, '/lg_catalog');
});

afterAll(async () => {
  await cluster?.close();
  await flushQueue(QUEUE).catch(() => undefined);
});

describe('the catalog PostgreSQL stopping under open transactions (cluster started by this suite)', () => {
  it('openPostgres tx rejects with the connection error, in a statement or between two, and the pool recovers', async () => {
    const db = await openPostgres(catalogUrl);
    // In a CLI process (a worker, the coordinator) an uncaught client error ends the process: record them here.
    const uncaught: string[] = [];
    const record = (e: Error) => {
      uncaught.push(`${e.name}: ${e.message}`);
    };
    process.on('uncaughtException', record);
    try {
      // One transaction inside a statement when the server stops, one between two statements. Their outcomes
      // are taken at once (a rejection nobody handles yet would be reported as unhandled).
      const outcome = (p: Promise<unknown>) =>
        p.then(
          () => undefined,
          (e: unknown) => e,
        );
      const inStatement = outcome(db.tx((t) => t.run('SELECT pg_sleep(60)')));
      let entered!: () => void;
      const inTx = new Promise<void>((r) => {
        entered = r;
      });
      let resume!: () => void;
      const gate = new Promise<void>((r) => {
        resume = r;
      });
      const between = outcome(
        db.tx(async (t) => {
          await t.run('SELECT 1');
          entered();
          await gate;
          await t.run('SELECT 2');
        }),
      );
      await inTx;
      await sleep(300);
      await cluster.stop('fast');
      // The sessions' FATAL messages and socket ends arrive while both clients are still checked out.
      await sleep(500);
      resume();
      expect(uncaught).toEqual([]);
      // The statement cut short: the server's FATAL (terminating connection); the next statement: the lost client.
      expect(await inStatement).toMatchObject({ code: '57P01' });
      expect(await between).toBeInstanceOf(Error);
      await cluster.start();
      expect(await db.get<{ one: number }>('SELECT 1 AS one')).toEqual({ one: 1 });
      expect(await db.tx((t) => t.get<{ two: number }>('SELECT 2 AS two'))).toEqual({ two: 2 });
    } finally {
      process.off('uncaughtException', record);
      await db.close();
    }
  });
});

describe('a catalog PostgreSQL restarted mid-run (cluster started by this suite)', () => {
  it('the waiting coordinator and the workers ride it out: every unit done once, none parked, the single-process catalog', async () => {
    const dir = corpus(UNITS);
    const single = await run(
      ['scan', '.', '--json', '--quiet', '--threads', '1', '--catalog', sqliteCatalog('s')],
      dir,
    );
    expect(single.code, single.stderr).toBe(0);

    const workers = [startWorker(QUEUE), startWorker(QUEUE)];
    const someDone = unitsLogged(workers[0]!, 3);
    const queued = run(['scan', '.', '--json', '--quiet', '--queue', QUEUE, '--catalog', catalogUrl], dir);
    await someDone;

    // The state of the plan just before the stop: units finished, and many still to read.
    const probe = new pg.Client({ connectionString: catalogUrl });
    await probe.connect();
    const before = await probe.query<{ state: string; n: string }>(
      'SELECT state, COUNT(*) AS n FROM lg_queue_units GROUP BY state',
    );
    await probe.end();
    const count = (s: string) => Number(before.rows.find((r) => r.state === s)?.n ?? 0);
    expect(count('done')).toBeGreaterThan(0);
    expect(count('queued')).toBeGreaterThanOrEqual(UNITS / 4);

    await cluster.stop('fast');
    await sleep(5_000);
    await cluster.start();
    const restartedAt = new Date().toISOString();

    const out = await queued;
    expect(out.code, out.stderr).toBe(0);
    // The coordinator was still waiting when the catalog went away, and saw it come back.
    expect(out.stderr).toMatch(/scan: the catalog is unreachable \([^)]*\); waiting for it/);
    expect(out.stderr).toMatch(/scan: the catalog is reachable again/);

    // Neither worker crashed on the dropped connections.
    for (const w of workers) expect(w.exitCode, workerLog(w)).toBeNull();

    const summary = JSON.parse(out.stdout).summary;
    expect(summary).toMatchObject({ units: UNITS, unitsRead: UNITS, unitsFailed: 0 });
    expect(summary.findings).toBe(JSON.parse(single.stdout).summary.findings);
    expect(assetsOf(out.stdout)).toEqual(assetsOf(single.stdout));
    expect(await catalogAssets(catalogUrl)).toEqual(assetsOf(single.stdout));

    const status = await run(['scan', 'status', String(summary.runId), '--catalog', catalogUrl, '--json'], dir);
    expect(status.code, status.stderr).toBe(0);
    const p = JSON.parse(status.stdout);
    expect(p.state).toBe('done');
    expect(p.units).toEqual({ total: UNITS, queued: 0, done: UNITS, skipped: 0, failed: 0, parked: 0 });

    // Once each in the catalog, and some really finished after the restart.
    const check = new pg.Client({ connectionString: catalogUrl });
    await check.connect();
    try {
      const units = await check.query<{ n: string }>('SELECT COUNT(*) AS n FROM lg_units WHERE run_id = $1', [
        summary.runId,
      ]);
      expect(Number(units.rows[0]?.n)).toBe(UNITS);
      const problems = await check.query<{ n: string }>('SELECT COUNT(*) AS n FROM lg_problems WHERE run_id = $1', [
        summary.runId,
      ]);
      expect(Number(problems.rows[0]?.n)).toBe(0);
      const late = await check.query<{ n: string }>('SELECT COUNT(*) AS n FROM lg_queue_units WHERE finished_at > $1', [
        restartedAt,
      ]);
      expect(Number(late.rows[0]?.n)).toBeGreaterThan(0);
    } finally {
      await check.end();
    }

    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map(exited));
    for (const w of workers) expect(w.exitCode, workerLog(w)).toBe(0);
  }, 240_000);
});
