/**
 * The public lookup page end to end in headless Chromium: a breach is ingested through `leakguard leakcheck ingest`,
 * the service runs through `leakguard serve` with a request log, and a person types numbers into the page.
 * A number from the breach (written differently) shows the breach and the kinds of fields; a clean number shows
 * nothing found; neither the network traffic nor the request log carries the identifier.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leakcheckCommand } from '../../src/cli/commands/leakcheck.js';
import { runServe } from '../../src/cli/commands/serve.js';
import { generateMobile, generateResidentId } from '../../src/synth/cn.js';
import { createSeededRng } from '../../src/synth/rng.js';
import { generateChineseName } from '../../src/synth/text.js';
import { launchBrowser } from '../support/browser.js';
import { memoryIO, runLeakCommand } from '../support/leak-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-leakcheck-browser-'));
const env = { LEAKGUARD_OPRF_KEY: randomBytes(32).toString('hex') };
const rng = createSeededRng(2026);
const people = Array.from({ length: 30 }, () => ({
  name: generateChineseName(rng),
  phone: generateMobile(rng),
  id: generateResidentId(rng),
}));
const victim = people[11] as (typeof people)[number];
const clean = generateMobile(createSeededRng(5));

let browser: Browser;
let url = '';
const stop = new AbortController();
let served: Promise<number>;

beforeAll(async () => {
  writeFileSync(
    join(dir, 'dump.csv'),
    `姓名,手机号,身份证号\n${people.map((p) => `${p.name},${p.phone},${p.id}`).join('\n')}\n`,
  );
  const ingest = await runLeakCommand(
    leakcheckCommand,
    ['ingest', 'dump.csv', '--breach', 'Shop 2024', '--date', '2024-05', '--db', 'lookup.db'],
    { cwd: dir, env },
  );
  expect(ingest.stderr).toBe('');
  expect(ingest.exitCode).toBe(0);
  expect(ingest.stdout).toContain('30 phones, 30 resident IDs');
  const { io } = memoryIO({ cwd: dir, env });
  // The server promise settles only when stopped: wait for the listening callback, not for it.
  const listening = new Promise<void>((resolve) => {
    served = runServe(['--port', '0', '--db', 'lookup.db', '--log', 'requests.log'], io, stop.signal, (u) => {
      url = u;
      resolve();
    });
  });
  await Promise.race([listening, served.then(() => Promise.reject(new Error('serve exited before listening')))]);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  stop.abort();
  await served;
  rmSync(dir, { recursive: true, force: true });
});

describe('leakcheck page in Chromium', () => {
  it('shows the breach for a leaked number, nothing for a clean one, and leaks the identifier nowhere', async () => {
    const page = await browser.newPage();
    const traffic: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => traffic.push(`${r.method()} ${r.url()} ${r.postData() ?? ''}`));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    // The page states what a range query reveals for this service (default --prefix-length 4).
    expect(await page.textContent('body')).toContain('a 16-bit bucket number (one of 65,536 buckets)');

    const typed = `+86 ${victim.phone.slice(0, 3)} ${victim.phone.slice(3, 7)} ${victim.phone.slice(7)}`;
    await page.fill('#identifier', typed);
    await page.click('#submit');
    await page.waitForSelector('#result.found', { timeout: 30_000 });
    const found = (await page.textContent('#result')) ?? '';
    expect(found).toContain('Shop 2024 (2024-05)');
    expect(found).toContain('phone');
    expect(found).toContain('resident ID');
    expect(found).toContain('name');

    await page.fill('#identifier', victim.id.toLowerCase());
    await page.selectOption('#kind', 'CN_RESIDENT_ID');
    await page.click('#submit');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document
          .querySelector('#result.found')
          ?.textContent.includes('Shop'),
      undefined,
      { timeout: 30_000 },
    );

    await page.selectOption('#kind', '');
    await page.fill('#identifier', clean);
    await page.click('#submit');
    await page.waitForSelector('#result.clean', { timeout: 30_000 });
    expect(await page.textContent('#result')).toContain('Nothing found');

    await page.fill('#identifier', '12345');
    await page.click('#submit');
    await page.waitForSelector('#result.error', { timeout: 30_000 });

    expect(errors).toEqual([]);
    const wire = traffic.join('\n');
    expect(traffic.some((t) => t.includes('/v1/oprf/evaluate'))).toBe(true);
    for (const secret of [victim.phone, victim.id, victim.id.toLowerCase(), clean, '8613'])
      expect(wire).not.toContain(secret);
    const log = readFileSync(join(dir, 'requests.log'), 'utf8');
    const lines = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { route: string; status: number });
    expect(lines.some((l) => l.route === '/v1/range/{prefix}' && l.status === 200)).toBe(true);
    for (const secret of [victim.phone, victim.id, clean]) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/\/v1\/range\/[0-9a-f]/);
  });
});
