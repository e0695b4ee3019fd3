/**
 * Queued scans and what must not go wrong around them, on the machine's Redis (database 14, used by no other
 * suite) and PostgreSQL:
 *
 * - a PostgreSQL source given with its password: every key the queue holds in Redis (and the catalog's plan) is
 *   read raw and the password is nowhere, while a worker given the URL with `--connection` reads the table;
 * - a mixed run where some units keep failing: they are parked with their error after their attempts, the rest
 *   complete, and the waiting coordinator (stderr, not a terminal), its summary and `scan status` report both;
 * - planning enqueues batch by batch (workers start before the plan is complete), largest units first.
 *
 * Runs the compiled CLI (bin/leakguard.js → dist/).
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import { planQueuedRun, redisConnection, SCAN_QUEUE, type ScanJobData } from '../../src/scan/queue.js';
import type { Source, Unit } from '../../src/sources/source.js';
import {
  corpus,
  exited,
  flushQueue,
  requireBuild,
  run,
  sqliteCatalog,
  startWorker,
  workerLog,
} from '../support/queue-cli.js';
import { PG_URL, REDIS_URL, requireService } from '../support/services.js';

const QUEUE = `${REDIS_URL.replace(/\/\d*$/, '')}/14`;
const SUFFIX = randomBytes(4).toString('hex');
const ROLE = 'lg_q_user';
/** A password that cannot occur by chance. */
const PASSWORD = `lgQ-${randomBytes(12).toString('hex')}`;
const databases: string[] = [];
let admin: pg.Client;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function dbUrl(database: string, user?: string, password?: string): string {
  const u = new URL(PG_URL);
  u.pathname = `/${database}`;
  if (user !== undefined) u.username = user;
  if (password !== undefined) u.password = password;
  return u.toString();
}

async function database(name: string): Promise<string> {
  const db = `lg_qf_${name}_${SUFFIX}`;
  await admin.query(`CREATE DATABASE ${db}`);
  databases.push(db);
  return db;
}

/** Every value Redis holds in the queue's database, raw, whatever the key type. */
async function redisDump(): Promise<{ keys: number; text: string }> {
  const r = new Redis(QUEUE);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await r.scan(cursor, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const parts: string[] = [];
    for (const k of keys) {
      const type = await r.type(k);
      parts.push(k);
      if (type === 'string') parts.push((await r.get(k)) ?? '');
      else if (type === 'hash') parts.push(JSON.stringify(await r.hgetall(k)));
      else if (type === 'list') parts.push(JSON.stringify(await r.lrange(k, 0, -1)));
      else if (type === 'set') parts.push(JSON.stringify(await r.smembers(k)));
      else if (type === 'zset') parts.push(JSON.stringify(await r.zrange(k, 0, -1)));
      else if (type === 'stream') parts.push(JSON.stringify(await r.xrange(k, '-', '+')));
      else parts.push(`<${type}>`);
    }
    return { keys: keys.length, text: parts.join('\n') };
  } finally {
    r.disconnect();
  }
}

beforeAll(async () => {
  requireBuild();
  await flushQueue(QUEUE);
  admin = await requireService('PostgreSQL', PG_URL, 'LEAKGUARD_TEST_PG_URL', async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    return c;
  });
});

afterAll(async () => {
  await flushQueue(QUEUE).catch(() => undefined);
  if (!admin) return;
  for (const db of databases) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
});

describe('source credentials never travel through the queue', () => {
  it('a postgres:// source with a password: no Redis key or catalog plan holds it; a worker with --connection reads the table', async () => {
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [ROLE]);
    await admin.query(
      `${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD.replace(/'/g, "''")}'`,
    );
    const src = await database('src');
    const c = new pg.Client({ connectionString: dbUrl(src) });
    await c.connect();
    await c.query('CREATE TABLE customers (id SERIAL PRIMARY KEY, name TEXT, mobile TEXT, email TEXT)');
    await c.query(
      `INSERT INTO customers (name, mobile, email)
       SELECT '张伟', '138' || lpad(g::text, 8, '0'), 'c' || g || '@example.com' FROM generate_series(1, 300) g`,
    );
    await c.query(`GRANT SELECT ON customers TO ${ROLE}`);
    await c.end();
    await admin.query(`GRANT CONNECT ON DATABASE ${src} TO ${ROLE}`);
    const source = dbUrl(src, ROLE, PASSWORD);
    const catalog = dbUrl(await database('cat'));

    const detached = await run(['scan', source, '--queue', QUEUE, '--catalog', catalog, '--detach', '--json'], '/');
    expect(detached.stderr).not.toContain(PASSWORD);
    expect(detached.code).toBe(0);
    const { run: id, queued } = JSON.parse(detached.stdout) as { run: string; queued: number };
    expect(queued).toBeGreaterThan(0);
    // The jobs wait in Redis (no worker yet): read everything the queue's database holds.
    const before = await redisDump();
    expect(before.keys).toBeGreaterThan(0);
    expect(before.text).toContain(`${ROLE}:***@127.0.0.1`); // the jobs name the source, without its password
    expect(before.text).not.toContain(PASSWORD);
    expect(before.text).not.toContain(encodeURIComponent(PASSWORD));
    // Nor does the plan in the catalog.
    const cat = new pg.Client({ connectionString: catalog });
    await cat.connect();
    const plan = await cat.query(
      "SELECT (SELECT string_agg(job, '\n') FROM lg_queue_units) AS jobs, (SELECT string_agg(meta, '\n') FROM lg_queue_runs) AS meta, (SELECT string_agg(sources, '\n') FROM lg_runs) AS sources",
    );
    await cat.end();
    expect(JSON.stringify(plan.rows)).toContain(`${ROLE}:***@127.0.0.1`);
    expect(JSON.stringify(plan.rows)).not.toContain(PASSWORD);

    // The worker resolves the source from its own connections.
    const worker = startWorker(QUEUE, { LEAKGUARD_CONNECTIONS: `${source},${catalog}` });
    const status = await run(['scan', 'status', id, '--catalog', catalog, '--queue', QUEUE, '--wait', '--json'], '/');
    expect(status.code).toBe(0);
    const p = JSON.parse(status.stdout);
    expect(p.units).toMatchObject({ total: queued, done: queued, parked: 0, failed: 0 });
    const report = await run(['scan', 'status', id, '--catalog', catalog], '/');
    expect(report.stdout).toMatch(/complete/);
    const cat2 = new pg.Client({ connectionString: catalog });
    await cat2.connect();
    const assets = await cat2.query('SELECT asset, types FROM lg_assets');
    await cat2.end();
    expect(assets.rows).toHaveLength(1);
    expect(JSON.parse(assets.rows[0].types as string)).toMatchObject({ CN_MOBILE: 300, EMAIL_ADDRESS: 300 });
    expect(String(assets.rows[0].asset)).not.toContain(PASSWORD);
    const after = await redisDump();
    expect(after.text).not.toContain(PASSWORD);
    expect(workerLog(worker)).not.toContain(PASSWORD);
    worker.kill('SIGTERM');
    await exited(worker);
  });
});

describe('parked units in a mixed run', () => {
  it('units that keep failing are parked with their error while the rest complete; coordinator and status report both', async () => {
    await flushQueue(QUEUE);
    const dir = corpus(12, 50);
    const target = sqliteCatalog('parked');
    // The coordinator waits (stderr is a pipe: no progress bar); no worker runs yet.
    const coordinator = run(['scan', '.', '--json', '--quiet', '--queue', QUEUE, '--catalog', target], dir);
    const queue = new Queue(SCAN_QUEUE, { connection: redisConnection(QUEUE) });
    try {
      let waiting = await queue.getJobs(['waiting']);
      for (let i = 0; waiting.length < 12 && i < 600; i++) {
        await sleep(100);
        waiting = await queue.getJobs(['waiting']);
      }
      expect(waiting).toHaveLength(12);
      // Three units name a source no worker can open (as a share missing on the workers' machines would):
      // every attempt fails the same way.
      const broken = waiting.slice(0, 3);
      for (const job of broken) await job.updateData({ ...job.data, spec: 'ftp://files.example/share' });
      const brokenIds = broken.map((j) => (j.data as { unit: { id: string } }).unit.id).sort();
      const workers = [startWorker(QUEUE), startWorker(QUEUE)];
      const out = await coordinator;
      // Parked units are failed units: the run completes (exit 3: some units could not be read), the summary
      // counts them.
      expect(out.code).toBe(3);
      const summary = JSON.parse(out.stdout).summary;
      expect(summary).toMatchObject({ units: 12, unitsRead: 12, unitsFailed: 3 });
      expect(summary.findings).toBe(9 * 50 * 3);
      // The coordinator's log (not a terminal) says so, with the counts.
      expect(out.stderr).toMatch(/scan: (run \S+ complete: )?0 units failed, 3 parked/);
      const json = await run(['scan', 'status', String(summary.runId), '--catalog', target, '--json'], dir);
      expect(json.code).toBe(1);
      const p = JSON.parse(json.stdout);
      expect(p.state).toBe('done');
      expect(p.units).toMatchObject({ total: 12, done: 9, parked: 3, queued: 0 });
      expect(p.parkedUnits.map((u: { unit: string }) => u.unit).sort()).toEqual(brokenIds);
      for (const u of p.parkedUnits) {
        expect(u.error).toMatch(
          /^Cannot read unit: parked after 3 attempts \(LG_USAGE: Cannot scan "ftp:\/\/files\.example\/share": unsupported URL scheme\)/,
        );
      }
      const text = await run(['scan', 'status', String(summary.runId), '--catalog', target], dir);
      expect(text.stdout).toMatch(/9 read, 0 unchanged, 0 to go\); 0 failed, 3 parked/);
      // Each broken unit failed its three attempts on the workers, the last one final (parked).
      const finals = workers.flatMap((w) => workerLog(w).match(/"event":"failed"[^\n]*"final":true/g) ?? []);
      expect(finals).toHaveLength(3);
      for (const w of workers) w.kill('SIGTERM');
      await Promise.all(workers.map(exited));
    } finally {
      await queue.close();
    }
  });
});

describe('planQueuedRun', () => {
  it('enqueues each planned batch at once, largest units first, while the rest is still being planned', async () => {
    await flushQueue(QUEUE);
    // A source whose listing stops after 700 units until the test lets it go on (a big file being planned).
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const unit = (i: number): Unit => ({
      id: `file:/plan/u${String(i).padStart(4, '0')}.log`,
      kind: 'file',
      asset: `file:///plan/u${String(i).padStart(4, '0')}.log`,
      // Sizes out of id order: the catalog returns ids in its own order, the queue must not.
      size: ((i * 7919) % 1000) + 1,
      params: {},
    });
    const source: Source = {
      kind: 'files',
      async *units() {
        for (let i = 0; i < 1200; i++) {
          if (i === 700) await gate;
          yield unit(i);
        }
      },
      async *read() {},
      async close() {},
    };
    const catalog = await Catalog.open(sqliteCatalog('plan'));
    const queue = new Queue(SCAN_QUEUE, { connection: redisConnection(QUEUE) });
    try {
      const planning = planQueuedRun([{ id: 'file:///plan', source, spec: '/plan' }], {
        catalog,
        catalogTarget: '/plan/catalog.db',
        queueUrl: QUEUE,
        run: `plan-${SUFFIX}`,
        analyzer: {},
        open: { cwd: '/' },
        hashKey: randomBytes(32),
      });
      // The first batch of 500 is in Redis while planning waits at unit 700.
      let waiting = 0;
      for (let i = 0; waiting < 500 && i < 600; i++) {
        await sleep(100);
        waiting = await queue.getWaitingCount();
      }
      expect(waiting).toBe(500);
      const state = await catalog.db.get<{ state: string }>('SELECT state FROM lg_queue_runs WHERE token = ?', [
        `plan-${SUFFIX}`,
      ]);
      expect(state?.state).toBe('planning');
      release();
      const planned = await planning;
      expect(planned).toMatchObject({ units: 1200, queued: 1200 });
      // In the order workers take them (oldest first): each batch largest first.
      const jobs = await queue.getJobs(['waiting'], 0, -1, true);
      expect(jobs).toHaveLength(1200);
      const sizes = jobs.map((j) => (j.data as ScanJobData).unit.size ?? 0);
      for (const [from, to] of [
        [0, 500],
        [500, 1000],
        [1000, 1200],
      ] as const) {
        const part = sizes.slice(from, to);
        expect(part).toEqual([...part].sort((a, b) => b - a));
      }
    } finally {
      release();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await catalog.close();
    }
  });
});
