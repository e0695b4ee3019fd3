/**
 * Distributed in-place protect with `tokenize` on the machine's PostgreSQL and Redis: the coordinator and every
 * `leakguard worker --policy` share one token vault, the `lg_token_vault` table of the PostgreSQL catalog they
 * are all given (`--catalog postgres://…`), so one value gets one token whichever worker meets it; a worker
 * whose vault is another (its own local catalog) refuses the ranges instead of minting tokens nobody can
 * reveal. Runs the compiled CLI (bin/leakguard.js → dist/).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../src/protect/db/__fixtures__/data.js';
import { generateMobile } from '../../src/synth/cn.js';
import { createSeededRng } from '../../src/synth/rng.js';
import { flushQueue, requireBuild, run as runCli, startWorker, workerLog } from '../support/queue-cli.js';
import { PG_URL, REDIS_URL, requireService } from '../support/services.js';

const QUEUE = `${REDIS_URL.replace(/\/\d*$/, '')}/12`;
const SUFFIX = `${process.pid}_${Date.now().toString(36)}`;
const KID = `q${randomBytes(4).toString('hex')}`;
const DIR = mkdtempSync(join(tmpdir(), 'lg-vault-queue-'));
const POLICY = join(DIR, 'policy.yaml');
const tables: string[] = [];
let db: pg.Client;

const rng = createSeededRng(91);
/** 40 distinct numbers, each on many rows spread over every range. */
const MOBILES = Array.from({ length: 40 }, () => generateMobile(rng));
const run = (args: string[]) => runCli(args, DIR, ENV);
/** `protect TABLE --in-place` queued, with the PostgreSQL catalog (and so its vault), ranges of 100 rows. */
const protectQueued = (t: string, ...extra: string[]) =>
  run([
    'protect',
    PG_URL,
    '--table',
    t,
    '--in-place',
    '--yes',
    '--policy',
    POLICY,
    '--catalog',
    PG_URL,
    '--queue',
    QUEUE,
    '--range-rows',
    '100',
    ...extra,
  ]);

async function makeTable(name: string, n: number): Promise<void> {
  tables.push(name);
  await db.query(`DROP TABLE IF EXISTS "${name}"`);
  await db.query(`CREATE TABLE "${name}" (id INTEGER PRIMARY KEY, phone TEXT)`);
  const params: unknown[] = [];
  const values: string[] = [];
  for (let i = 0; i < n; i++) {
    params.push(i + 1, MOBILES[(i * 7) % MOBILES.length]);
    values.push(`($${i * 2 + 1}, $${i * 2 + 2})`);
  }
  await db.query(`INSERT INTO "${name}" VALUES ${values.join(', ')}`, params);
}

beforeAll(async () => {
  requireBuild();
  writeFileSync(
    POLICY,
    `keys:\n  main: { env: LEAKGUARD_KEY, id: ${KID} }\nrules:\n  - { column: phone, action: tokenize, key: main }\ndefault: { action: keep }\n`,
  );
  db = await requireService('PostgreSQL', PG_URL, 'LEAKGUARD_TEST_PG_URL', async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    return c;
  });
  await flushQueue(QUEUE);
});

afterAll(async () => {
  if (!db) return;
  for (const t of tables) {
    await db.query(`DROP TABLE IF EXISTS "${t}"`);
    await db.query(`DELETE FROM lg_protect_progress WHERE "table" = $1`, [`public.${t}`]).catch(() => undefined);
  }
  await db.query('DELETE FROM lg_token_vault WHERE kid = $1', [KID]).catch(() => undefined);
  await db.end();
});

describe('distributed protect with tokenize shares one vault', () => {
  it('two workers on the PostgreSQL catalog give each value one token, stored once in the catalog vault', async () => {
    const t = `lgvq_${SUFFIX}`;
    await makeTable(t, 600);
    const before = (await db.query(`SELECT id, phone FROM "${t}" ORDER BY id`)).rows as { id: number; phone: string }[];
    const workerArgs = ['--policy', POLICY, '--connection', PG_URL, '--catalog', PG_URL];
    const workers = [
      startWorker(QUEUE, ENV, { cwd: DIR, args: workerArgs }),
      startWorker(QUEUE, ENV, { cwd: DIR, args: workerArgs }),
    ];
    const out = await protectQueued(t, '--batch-rows', '50', '--json');
    expect(out.code, `${out.stderr}\n${workers.map(workerLog).join('\n')}`).toBe(0);
    expect(JSON.parse(out.stdout).tables[0]).toMatchObject({ rows: 600, alreadyDone: false });
    const after = (await db.query(`SELECT id, phone FROM "${t}" ORDER BY id`)).rows as { id: number; phone: string }[];
    const tokenOf = new Map<string, string>();
    for (const [i, row] of after.entries()) {
      expect(row.phone).toMatch(new RegExp(`^tok:${KID}:[a-z2-7]{26}$`));
      const original = before[i]?.phone as string;
      const seen = tokenOf.get(original);
      if (seen === undefined) tokenOf.set(original, row.phone);
      else expect(row.phone).toBe(seen);
    }
    expect(new Set(tokenOf.values()).size).toBe(MOBILES.length);
    const stored = await db.query('SELECT count(*)::int AS n FROM lg_token_vault WHERE kid = $1', [KID]);
    expect(stored.rows[0].n).toBe(MOBILES.length);
    // Stopped for good before the next case queues ranges: these workers share the right vault.
    await Promise.all(
      workers.map(
        (w) =>
          new Promise((res) => {
            w.once('exit', res);
            w.kill('SIGTERM');
          }),
      ),
    );
  });

  it('a worker with another vault (its own local catalog) refuses the ranges, and the run stops', async () => {
    const t = `lgvq_other_${SUFFIX}`;
    await makeTable(t, 100);
    const own = mkdtempSync(join(tmpdir(), 'lg-vault-queue-own-'));
    const worker = startWorker(QUEUE, ENV, { cwd: own, args: ['--policy', POLICY, '--connection', PG_URL] });
    const out = await protectQueued(t);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('another token vault');
    expect(workerLog(worker)).toContain('another token vault');
    // Nothing was tokenized into the wrong vault: the table is unchanged.
    const rows = (await db.query(`SELECT phone FROM "${t}" WHERE phone LIKE 'tok:%'`)).rows;
    expect(rows).toEqual([]);
    worker.kill('SIGTERM');
  });
});
