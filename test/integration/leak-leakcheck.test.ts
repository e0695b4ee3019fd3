/**
 * The private lookup with its store on the machine's PostgreSQL: `leakcheck ingest` and `serve` through the CLI
 * command functions, lookups through `leakcheck lookup` (the Node client) over a real socket, and the CLI's
 * refusals (missing key, missing breach name, bad date, identifiers as arguments).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leakcheckCommand } from '../../src/cli/commands/leakcheck.js';
import { runServe } from '../../src/cli/commands/serve.js';
import { generateMobile, generateResidentId } from '../../src/synth/cn.js';
import { createSeededRng } from '../../src/synth/rng.js';
import { memoryIO, runLeakCommand } from '../support/leak-cli.js';
import { PG_URL, requireService } from '../support/services.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-leakcheck-pg-'));
const env = { LEAKGUARD_OPRF_KEY: randomBytes(32).toString('base64') };
const BREACH = `pg-breach-${process.pid}-${Date.now().toString(36)}`;
const rng = createSeededRng(31);
const rows = Array.from({ length: 50 }, (_, i) => ({
  phone: generateMobile(rng),
  id: generateResidentId(rng),
  mail: `p${i}@pg.example`,
}));
const stop = new AbortController();
let served: Promise<number> | undefined;
let url = '';
let client: pg.Client;

beforeAll(async () => {
  client = await requireService('PostgreSQL', PG_URL, 'LEAKGUARD_TEST_PG_URL', async () => {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 10_000 });
    await c.connect();
    return c;
  });
  writeFileSync(
    join(dir, 'dump.ndjson'),
    `${rows.map((r) => JSON.stringify({ user: { tel: r.phone, sfzh: r.id, mail: r.mail } })).join('\n')}\n`,
  );
});

afterAll(async () => {
  stop.abort();
  await served;
  await client
    .query('DELETE FROM lg_leak_outputs WHERE breach_id IN (SELECT id FROM lg_leak_breaches WHERE name = $1)', [BREACH])
    .catch(() => undefined);
  await client.query('DELETE FROM lg_leak_breaches WHERE name = $1', [BREACH]).catch(() => undefined);
  await client.end();
  rmSync(dir, { recursive: true, force: true });
});

describe('leakcheck on PostgreSQL', () => {
  it('ingests NDJSON into PostgreSQL idempotently, storing no identifier in clear', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await runLeakCommand(
        leakcheckCommand,
        ['ingest', 'dump.ndjson', '--breach', BREACH, '--date', '2025-12-31', '--db', PG_URL, '--json'],
        { cwd: dir, env },
      );
      expect(r.exitCode).toBe(0);
      const stats = JSON.parse(r.stdout) as { distinct: number; byKind: Record<string, number> };
      expect(stats.byKind).toEqual({ PHONE: 50, CN_RESIDENT_ID: 50, EMAIL: 50 });
      expect(stats.distinct).toBe(150);
    }
    const stored = await client.query(
      'SELECT o.output FROM lg_leak_outputs o JOIN lg_leak_breaches b ON b.id = o.breach_id WHERE b.name = $1',
      [BREACH],
    );
    expect(stored.rows).toHaveLength(150);
    const all = JSON.stringify(stored.rows);
    for (const r of rows.slice(0, 10)) expect(all).not.toContain(r.phone);
    expect(stored.rows.every((x: { output: string }) => /^[0-9a-f]{128}$/.test(x.output))).toBe(true);
  });

  it('serves lookups from PostgreSQL: found for breached identifiers, not found for others', async () => {
    const { io } = memoryIO({ cwd: dir, env });
    const listening = new Promise<void>((resolve) => {
      served = runServe(['--port', '0', '--db', PG_URL, '--prefix-length', '3'], io, stop.signal, (u) => {
        url = u;
        resolve();
      });
    });
    await Promise.race([listening, (served as Promise<number>).then(() => Promise.reject(new Error('serve exited')))]);
    const clean = generateMobile(createSeededRng(4040));
    const input = [
      rows[0]?.phone,
      `+86-${rows[1]?.phone}`,
      rows[2]?.id.toLowerCase(),
      rows[3]?.mail.toUpperCase(),
      clean,
      'not-a-number',
    ].join('\n');
    const r = await runLeakCommand(leakcheckCommand, ['lookup', '--url', url, '--json'], {
      cwd: dir,
      env: {},
      stdin: `${input}\n`,
    });
    expect(r.exitCode).toBe(1);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            line: number;
            found: boolean;
            identifier: string;
            breaches: { name: string; date: string; fields: string[] }[];
          },
      );
    expect(lines.map((l) => l.found)).toEqual([true, true, true, true, false]);
    expect(lines[0]?.breaches).toEqual([
      { name: BREACH, date: '2025-12-31', fields: ['PHONE', 'CN_RESIDENT_ID', 'EMAIL'] },
    ]);
    expect(r.stdout).not.toContain(rows[0]?.phone as string);
    expect(r.stderr).toContain('line 6');
  });

  it('refuses a missing key, a missing breach name, a bad date and identifiers given as arguments', async () => {
    const noKey = await runLeakCommand(leakcheckCommand, ['ingest', 'dump.ndjson', '--breach', 'x', '--db', 'x.db'], {
      cwd: dir,
      env: {},
    });
    expect(noKey.exitCode).toBe(2);
    expect(noKey.stderr).toContain('LG_KEY_MISSING');
    expect(noKey.stderr).toContain('LEAKGUARD_OPRF_KEY');
    const noBreach = await runLeakCommand(leakcheckCommand, ['ingest', 'dump.ndjson'], { cwd: dir, env });
    expect(noBreach.stderr).toContain('--breach');
    expect(noBreach.exitCode).toBe(2);
    const badDate = await runLeakCommand(
      leakcheckCommand,
      ['ingest', 'dump.ndjson', '--breach', 'x', '--date', '2025-02-30'],
      { cwd: dir, env },
    );
    expect(badDate.stderr).toContain('--date');
    const args = await runLeakCommand(leakcheckCommand, ['lookup', '--url', 'http://127.0.0.1:1', '13812345678'], {
      cwd: dir,
      env,
    });
    expect(args.exitCode).toBe(2);
    expect(args.stderr).not.toContain('13812345678');
  });
});
