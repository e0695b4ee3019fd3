import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blind, toHex } from '../../leak/leakcheck/voprf.js';
import { memoryIO } from '../testing.js';
import { leakcheckCommand } from './leakcheck.js';
import { runServe, serveHelp } from './serve.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-leakcheck-cli-'));
const env = { LEAKGUARD_OPRF_KEY: randomBytes(32).toString('hex') };
const stop = new AbortController();
let served: Promise<number> | undefined;
let url = '';

beforeAll(async () => {
  const { io } = memoryIO({ cwd: dir, env });
  const listening = new Promise<void>((resolve) => {
    served = runServe(
      ['--port', '0', '--db', 'lookup.db', '--rate', '100', '--global-rate', '3', '--max-batch', '1'],
      io,
      stop.signal,
      (u) => {
        url = u;
        resolve();
      },
    );
  });
  await Promise.race([listening, served?.then(() => Promise.reject(new Error('serve exited before listening')))]);
});

afterAll(async () => {
  stop.abort();
  await served;
  rmSync(dir, { recursive: true, force: true });
});

describe('leakguard serve', () => {
  it('--global-rate bounds evaluations of all clients together', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${url}/v1/oprf/evaluate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ blinded: [toHex(blind(new TextEncoder().encode(`x${i}`)).blinded)] }),
      });
      statuses.push(res.status);
    }
    // --rate 100 per client would allow all four; the global allowance of 3 does not.
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('refuses a --max-batch above --global-rate and documents the options', async () => {
    const { io } = memoryIO({ cwd: dir, env });
    await expect(runServe(['--global-rate', '8'], io, AbortSignal.abort())).rejects.toMatchObject({
      code: 'LG_USAGE',
    });
    expect(serveHelp).toContain('--global-rate N');
    expect(serveHelp).toContain('IPv6 /64');
  });
});

describe('leakguard leakcheck lookup', () => {
  it('reports an invalid line on stderr without its value and goes on', async () => {
    const { io, out } = memoryIO({ cwd: dir, env, stdin: '12345\nnot-an-address@\n' });
    expect(await leakcheckCommand(['lookup', '--url', url, '--kind', 'EMAIL'], io)).toBe(0);
    const { stdout, stderr } = out();
    expect(stdout).toBe('');
    expect(stderr).toBe('line 1: Not an e-mail address\nline 2: Not an e-mail address\n');
  });
});
