/**
 * Queued scans on the machine's PostgreSQL (catalog) and Redis (database 13, used by no other suite), compared
 * with a single-process scan table by table — every unit's stored result (counts, field statistics, sketches,
 * masked samples), its problems, the asset snapshots and sketches, the changes and the run summary — with run
 * ids and timestamps left out:
 *
 * - one worker process with `--threads 2` reads units on two threads;
 * - three worker processes;
 * - a worker SIGKILLed while it holds a unit: the unit is re-delivered (stalled job) and finished by another
 *   worker, counted once;
 * - a worker given SIGTERM while it holds units finishes them, takes no new one and exits 0.
 *
 * The corpus has two big files (read first: largest units go first) so a worker demonstrably holds a unit when
 * it is signalled: it logs `{"event":"start"}` when it takes a unit and `{"event":"unit"}` when the unit is
 * stored. Runs the compiled CLI (bin/leakguard.js → dist/).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  corpus,
  exited,
  flushQueue,
  logged,
  requireBuild,
  run,
  startWorker,
  workerEvents,
  workerLog,
} from '../support/queue-cli.js';
import { PG_URL, REDIS_URL, requireService } from '../support/services.js';

const QUEUE = `${REDIS_URL.replace(/\/\d*$/, '')}/13`;
const SUFFIX = randomBytes(4).toString('hex');
const databases: string[] = [];
let admin: pg.Client;
let dir: string;
/** The single-process scan's catalog tables. */
let reference: CatalogTables;
let referenceSummary: Record<string, unknown>;
const BIG = ['big0.csv', 'big1.csv'];

/** A fresh PostgreSQL database for one catalog; dropped when the suite ends. */
async function database(name: string): Promise<string> {
  const db = `lg_qpg_${name}_${SUFFIX}`;
  await admin.query(`CREATE DATABASE ${db}`);
  databases.push(db);
  const u = new URL(PG_URL);
  u.pathname = `/${db}`;
  return u.toString();
}

/** A CSV of `rows` synthetic people: a unit big enough to be held for a while (≈ 2.3 MB at 60,000 rows). */
function bigCsv(path: string, seed: number, rows = 60_000): void {
  const lines = ['姓名,手机号,邮箱'];
  for (let r = 0; r < rows; r++) {
    const n = seed * 1_000_000 + r;
    lines.push(`王${'伟芳娜敏静'[r % 5]},1${38 + (r % 2)}${String(n % 1e8).padStart(8, '0')},b${n}@example.net`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

type Row = Record<string, unknown>;
interface CatalogTables {
  units: Row[];
  problems: Row[];
  assets: Row[];
  sketches: Row[];
  changes: Row[];
}

const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

/** Everything the catalog stores per unit and per asset for its latest run, without run ids and timestamps. */
async function tables(url: string): Promise<{ tables: CatalogTables; summary: Record<string, unknown> }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const [latest] = (await c.query("SELECT id, summary FROM lg_runs WHERE status = 'done' ORDER BY id DESC LIMIT 1"))
      .rows as { id: string; summary: string }[];
    expect(String(latest?.id)).toMatch(/^[0-9]+$/);
    const runId = latest!.id;
    const q = async (sql: string, params: unknown[] = []) => (await c.query(sql, params)).rows as Row[];
    const units = (
      await q('SELECT unit_id, source, asset, kind, fingerprint, status, result FROM lg_units ORDER BY unit_id')
    ).map((r) => ({ ...r, fingerprint: parse(r.fingerprint), result: parse(r.result) }));
    const problems = await q(
      'SELECT unit_id, asset, code, message, location FROM lg_problems WHERE run_id = $1 ORDER BY unit_id, code, message, location',
      [runId],
    );
    const assets = (
      await q(
        'SELECT asset, source, kind, types, people, sensitive, grade, detail FROM lg_assets WHERE run_id = $1 ORDER BY asset',
        [runId],
      )
    ).map((r) => ({ ...r, types: parse(r.types), detail: parse(r.detail) }));
    const sketches = (await q('SELECT asset, source, sketches FROM lg_asset_sketches ORDER BY asset')).map((r) => ({
      ...r,
      sketches: parse(r.sketches),
    }));
    const changes = await q(
      'SELECT asset, change, type, before_count, after_count FROM lg_changes WHERE run_id = $1 ORDER BY asset, change, type',
      [runId],
    );
    const { runId: _r, durationMs: _d, ...summary } = JSON.parse(latest!.summary) as Record<string, unknown>;
    return { tables: { units, problems, assets, sketches, changes }, summary };
  } finally {
    await c.end();
  }
}

/** The queued run's catalog equals the single-process one, table by table. */
async function expectSameCatalog(url: string): Promise<void> {
  const got = await tables(url);
  expect(got.tables.units.length).toBe(reference.units.length);
  expect(got.tables.units).toEqual(reference.units);
  expect(got.tables.problems).toEqual(reference.problems);
  expect(got.tables.assets).toEqual(reference.assets);
  expect(got.tables.sketches).toEqual(reference.sketches);
  expect(got.tables.changes).toEqual(reference.changes);
  expect(got.summary).toEqual(referenceSummary);
}

const started = (w: ChildProcess) => workerEvents(w).filter((e) => e.event === 'start');
const stored = (w: ChildProcess) => workerEvents(w).filter((e) => e.event === 'unit');
const stop = async (workers: ChildProcess[]) => {
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map(exited));
};

beforeAll(async () => {
  requireBuild();
  await flushQueue(QUEUE);
  admin = await requireService('PostgreSQL', PG_URL, 'LEAKGUARD_TEST_PG_URL', async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    return c;
  });
  dir = corpus(24, 200);
  for (const [i, name] of BIG.entries()) bigCsv(join(dir, name), i + 1);
  const target = await database('single');
  const single = await run(['scan', '.', '--json', '--quiet', '--threads', '1', '--catalog', target], dir);
  expect(single.code).toBe(0);
  ({ tables: reference, summary: referenceSummary } = await tables(target));
  expect(reference.units).toHaveLength(26);
}, 300_000);

afterAll(async () => {
  await flushQueue(QUEUE).catch(() => undefined);
  if (!admin) return;
  for (const db of databases) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
});

describe('scan --queue on a PostgreSQL catalog equals a single-process scan, unit by unit', () => {
  it('one worker process with --threads 2 reads units on two threads', async () => {
    const target = await database('threads');
    const worker = startWorker(QUEUE, {}, { args: ['--threads', '2', '--catalog', target] });
    const out = await run(['scan', '.', '--json', '--quiet', '--queue', QUEUE, '--catalog', target], dir);
    expect(out.code).toBe(0);
    expect(workerLog(worker)).toMatch(/\(2 threads, 2 jobs at a time\)/);
    const units = stored(worker);
    expect(units).toHaveLength(26);
    // Read in worker threads (thread ids > 0; 0 is the main thread), two of them.
    expect(units.every((u) => (u.thread ?? 0) > 0)).toBe(true);
    expect(new Set(units.map((u) => u.thread)).size).toBe(2);
    await expectSameCatalog(target);
    await stop([worker]);
    expect(worker.exitCode).toBe(0);
  });

  it('three worker processes', async () => {
    const target = await database('three');
    const workers = [0, 1, 2].map(() => startWorker(QUEUE, {}, { args: ['--catalog', target] }));
    const out = await run(['scan', '.', '--json', '--quiet', '--queue', QUEUE, '--catalog', target], dir);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).summary.unitsRead).toBe(26);
    // Every unit stored once, and the work was shared.
    const all = workers.flatMap(stored);
    expect(all).toHaveLength(26);
    expect(new Set(all.map((u) => u.unitId)).size).toBe(26);
    expect(workers.filter((w) => stored(w).length > 0).length).toBeGreaterThanOrEqual(2);
    await expectSameCatalog(target);
    await stop(workers);
  });

  it('a worker SIGKILLed while holding a unit: the stalled unit is re-delivered, finished by another worker, counted once', async () => {
    const target = await database('kill');
    // Alone, the victim takes the largest unit first.
    const victim = startWorker(QUEUE, {}, { args: ['--catalog', target] });
    const holding = logged(victim, (log) => /"event":"start"/.test(log));
    const queued = run(['scan', '.', '--json', '--quiet', '--queue', QUEUE, '--catalog', target], dir);
    await holding;
    victim.kill('SIGKILL');
    await exited(victim);
    const [held] = started(victim);
    expect(held?.unitId).toMatch(/big[01]\.csv$/);
    // It never stored the unit it held.
    expect(stored(victim).map((u) => u.unitId)).not.toContain(held?.unitId);
    const others = [
      startWorker(QUEUE, {}, { args: ['--catalog', target] }),
      startWorker(QUEUE, {}, { args: ['--catalog', target] }),
    ];
    const out = await queued;
    expect(out.code).toBe(0);
    // BullMQ's stalled-job check handed the held unit to one of the others, which stored it once.
    const redelivered = others.flatMap(stored).filter((u) => u.unitId === held?.unitId);
    expect(redelivered).toHaveLength(1);
    const all = [...stored(victim), ...others.flatMap(stored)];
    expect(all).toHaveLength(26);
    expect(new Set(all.map((u) => u.unitId)).size).toBe(26);
    const s = JSON.parse(out.stdout).summary;
    expect(s).toMatchObject({ unitsRead: 26, unitsFailed: 0 });
    await expectSameCatalog(target);
    await stop(others);
  });

  it('SIGTERM drains: the units in hand finish and are stored, no new unit is taken, exit 0', async () => {
    const target = await database('drain');
    const detached = await run(['scan', '.', '--queue', QUEUE, '--catalog', target, '--detach'], dir);
    expect(detached.code).toBe(0);
    const id = detached.stdout.trim();
    // Two jobs at a time: the two big units (largest first), each held for seconds.
    const worker = startWorker(QUEUE, {}, { args: ['--threads', '2', '--catalog', target] });
    await logged(worker, (log) => (log.match(/"event":"start"/g) ?? []).length >= 2);
    worker.kill('SIGTERM');
    await exited(worker);
    expect(worker.exitCode).toBe(0);
    const log = workerLog(worker);
    const draining = log.indexOf('worker: draining');
    expect(draining).toBeGreaterThan(0);
    // Nothing taken after the signal; everything taken was finished and stored.
    expect(log.slice(draining)).not.toMatch(/"event":"start"/);
    const took = started(worker).map((e) => e.unitId);
    expect(took.length).toBeGreaterThanOrEqual(2);
    expect(took.filter((u) => /big[01]\.csv$/.test(u ?? ''))).toHaveLength(2);
    expect(
      stored(worker)
        .map((e) => e.unitId)
        .sort(),
    ).toEqual([...took].sort());
    expect(log).toMatch(new RegExp(`worker: stopped after ${took.length} units`));
    const status = await run(['scan', 'status', id, '--catalog', target, '--json'], dir);
    expect(JSON.parse(status.stdout).units).toMatchObject({ total: 26, done: took.length, queued: 26 - took.length });
    // The rest of the run is still queued: another worker finishes it, with the single-process catalog.
    const next = startWorker(QUEUE, {}, { args: ['--catalog', target] });
    const done = await run(['scan', 'status', id, '--catalog', target, '--queue', QUEUE, '--wait', '--json'], dir);
    expect(done.code).toBe(0);
    expect(stored(next).map((e) => e.unitId)).not.toContain(took[0]);
    await expectSameCatalog(target);
    await stop([next]);
  });
});
