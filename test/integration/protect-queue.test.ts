/**
 * Distributed in-place protection on the machine's PostgreSQL and Redis: `leakguard protect DB --in-place
 * --queue URL` splits the primary key into ranges that `leakguard worker --policy` processes run, and the table
 * ends exactly as a single-process in-place run leaves it — also when a worker is killed with SIGKILL in the
 * middle of a range (the policy's operators are deterministic and not idempotent: a row protected twice would
 * differ). Runs the compiled CLI (bin/leakguard.js → dist/).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV, TABLE_POLICY, tableRows } from '../../src/protect/db/__fixtures__/data.js';
import { flushQueue, run as runCli, startWorker as startCliWorker } from '../support/queue-cli.js';
import { PG_URL, REDIS_URL, requireService } from '../support/services.js';

const QUEUE = `${REDIS_URL.replace(/\/\d*$/, '')}/11`;
const SUFFIX = `${process.pid}_${Date.now().toString(36)}`;
const DIR = mkdtempSync(join(tmpdir(), 'lg-protect-queue-'));
const POLICY = join(DIR, 'policy.yaml');
const children: ChildProcess[] = [];
const tables: string[] = [];
let db: pg.Client;

/** Run `leakguard ARGS` in the suite's folder with the fixture key (ENV's LEAKGUARD_KEY). */
const run = (args: string[]) => runCli(args, DIR, ENV);

/** A `--policy` worker on this suite's queue and PostgreSQL; killed before the tables are dropped. */
function startWorker(): ChildProcess {
  const child = startCliWorker(QUEUE, ENV, { cwd: DIR, args: ['--policy', POLICY, '--connection', PG_URL] });
  children.push(child);
  return child;
}

/** A table of `n` synthetic rows (id primary key, phone, note, age). */
async function makeTable(name: string, n: number): Promise<void> {
  tables.push(name);
  await db.query(`DROP TABLE IF EXISTS "${name}"`);
  await db.query(`CREATE TABLE "${name}" (id INTEGER PRIMARY KEY, phone TEXT, note TEXT, age INTEGER)`);
  const rows = tableRows(n);
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const params: unknown[] = [];
    const values = chunk.map((r, k) => {
      params.push(r.id, r.phone, r.note, r.age);
      return `($${k * 4 + 1}, $${k * 4 + 2}, $${k * 4 + 3}, $${k * 4 + 4})`;
    });
    await db.query(`INSERT INTO "${name}" VALUES ${values.join(', ')}`, params);
  }
}

const contents = async (name: string) =>
  (await db.query(`SELECT id, phone, note, age FROM "${name}" ORDER BY id`)).rows;

beforeAll(async () => {
  writeFileSync(POLICY, TABLE_POLICY);
  db = await requireService('PostgreSQL', PG_URL, 'LEAKGUARD_TEST_PG_URL', async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    return c;
  });
  await flushQueue(QUEUE);
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  if (!db) return;
  for (const t of tables) {
    await db.query(`DROP TABLE IF EXISTS "${t}"`);
    await db.query(`DELETE FROM lg_protect_progress WHERE "table" = $1`, [`public.${t}`]).catch(() => undefined);
  }
  await db.end();
});

/** `leakguard protect PG --table T --in-place --yes --policy POLICY …rest` (this suite's policy and database). */
function inPlace(table: string, ...rest: string[]): string[] {
  return ['protect', PG_URL, '--table', table, '--in-place', '--yes', '--policy', POLICY, ...rest];
}

describe('protect --in-place --queue with leakguard worker processes', () => {
  it('two workers leave the table exactly as a single-process in-place run; running it again does nothing', async () => {
    const single = `lgq_single_${SUFFIX}`;
    const dist = `lgq_dist_${SUFFIX}`;
    await makeTable(single, 2000);
    await makeTable(dist, 2000);
    const one = await run(inPlace(single, '--quiet'));
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    const workers = [startWorker(), startWorker()];
    const out = await run(inPlace(dist, '--queue', QUEUE, '--range-rows', '300', '--batch-rows', '100', '--json'));
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).tables).toEqual([
      { table: `public.${dist}`, ranges: 7, rows: 2000, alreadyDone: false, resumed: false },
    ]);
    const expected = await contents(single);
    // Protected: no phone is left as it was.
    expect(expected.some((r, k) => r.phone === tableRows(2000)[k]?.phone)).toBe(false);
    expect(await contents(dist)).toEqual(expected);
    // Finished: distributed or not, the job does nothing again.
    const again = await run(inPlace(dist, '--queue', QUEUE, '--json'));
    expect(JSON.parse(again.stdout).tables[0].alreadyDone).toBe(true);
    const local = await run(inPlace(dist));
    expect(local.stderr).toMatch(/already protected by this job/);
    expect(await contents(dist)).toEqual(expected);
    for (const w of workers) w.kill('SIGTERM');
  });

  it('a worker killed with SIGKILL mid-range: the range resumes after its last committed batch, no row protected twice', async () => {
    const single = `lgq_single2_${SUFFIX}`;
    const dist = `lgq_dist2_${SUFFIX}`;
    await makeTable(single, 6000);
    await makeTable(dist, 6000);
    await run(inPlace(single, '--quiet'));
    const victim = startWorker();
    const out = run(inPlace(dist, '--queue', QUEUE, '--range-rows', '3000', '--batch-rows', '20', '--json'));
    // Wait until a range has committed batches but is not finished, then kill its worker outright.
    for (;;) {
      const r = await db
        .query(
          `SELECT 1 FROM lg_protect_progress WHERE "table" = $1 AND job LIKE 'protect.r%' AND rows_done > 0 AND finished_at IS NULL`,
          [`public.${dist}`],
        )
        .catch(() => ({ rows: [] }));
      if (r.rows.length > 0) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    victim.kill('SIGKILL');
    startWorker();
    const result = await out;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).tables[0]).toMatchObject({ ranges: 3, rows: 6000, alreadyDone: false });
    expect(await contents(dist)).toEqual(await contents(single));
  });
});
