import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RequestLogLine, type RunningServer, startLeakcheckServer } from '../../server/leakcheck-app.js';
import { generateMobile, generateResidentId } from '../../synth/cn.js';
import { createSeededRng } from '../../synth/rng.js';
import { generateChineseAddress, generateChineseName } from '../../synth/text.js';
import { createBulkEvaluator } from './bulk-evaluate.js';
import { createLeakcheckClient } from './client.js';
import { ingestFile } from './ingest.js';
import { loadLeakcheckKeys } from './keys.js';
import { LeakcheckService } from './service.js';
import { LeakcheckStore } from './store.js';
import { blind, deriveKeyPair, evaluate, toHex } from './voprf.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-leakcheck-'));
const env = { LEAKGUARD_OPRF_KEY: randomBytes(32).toString('hex') };
const rng = createSeededRng(42);
const people = Array.from({ length: 40 }, (_, i) => ({
  name: generateChineseName(rng),
  phone: generateMobile(rng),
  id: generateResidentId(rng),
  email: `user${i}@example.cn`,
  address: generateChineseAddress(rng),
}));
const clean = generateMobile(createSeededRng(7));

let store: LeakcheckStore;
let server: RunningServer;
const log: RequestLogLine[] = [];

beforeAll(async () => {
  const csv = [
    '姓名,手机号,身份证号,邮箱,地址',
    ...people.map((p) => `${p.name},${p.phone},${p.id},${p.email},${p.address}`),
  ];
  writeFileSync(join(dir, 'shop.csv'), `${csv.join('\n')}\n`);
  // A second breach in a text log: only phones, one shared with the CSV.
  writeFileSync(
    join(dir, 'app.log'),
    `login ok phone=${people[0]?.phone}\nlogin ok phone=${people[1]?.phone.replace(/(\d{3})(\d{4})(\d{4})/, '$1 $2 $3')}\n`,
  );
  store = await LeakcheckStore.open(join(dir, 'leakcheck.db'));
  const keys = loadLeakcheckKeys({ env });
  const f = await createBulkEvaluator(keys.secretKey);
  const s1 = await ingestFile(store, f, join(dir, 'shop.csv'), { breach: 'shop-2024', date: '2024-05-01' });
  expect(s1.byKind).toEqual({ PHONE: 40, CN_RESIDENT_ID: 40, EMAIL: 40 });
  expect(s1.distinct).toBe(120);
  const s2 = await ingestFile(store, f, join(dir, 'app.log'), { breach: 'app-logs' });
  expect(s2.distinct).toBe(2);
  const service = new LeakcheckService({ store, keys, prefixLength: 4, minBucketSize: 8, maxBatch: 4 });
  server = await startLeakcheckServer({
    service,
    host: '127.0.0.1',
    port: 0,
    evaluateLimit: { capacity: 40, refillPerSecond: 0.001 },
    log: (l) => log.push(l),
  });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createBulkEvaluator', () => {
  it('gives the RFC 9497 A.1.2 VOPRF outputs', async () => {
    const f = await createBulkEvaluator(
      Buffer.from('e6f73f344b79b379f1a0dd37e07ff62e38d9f71345ce62ae3a9bc60b04ccd909', 'hex'),
    );
    expect(toHex(f(new Uint8Array([0])))).toBe(
      'b58cfbe118e0cb94d79b5fd6a6dafb98764dff49c14e1770b566e42402da1a7da4d8527693914139caee5bd03903af43a491351d23b430948dd50cde10d32b3c',
    );
    expect(toHex(f(new Uint8Array(17).fill(0x5a)))).toBe(
      '8a9a2f3c7f085b65933594309041fc1898d42d0858e59f90814ae90571a6df60356f4610bf816f27afdd84f47719e480906d27ecd994985890e5f539e7ea74b6',
    );
  });

  it('agrees with the RFC 9497 Evaluate of @noble/curves', async () => {
    const keys = deriveKeyPair(randomBytes(32), new TextEncoder().encode('test'));
    const f = await createBulkEvaluator(keys.secretKey);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (input) => {
        expect(toHex(f(input))).toBe(toHex(evaluate(keys.secretKey, input)));
      }),
      { numRuns: 30 },
    );
  });
});

describe('leakcheck service over HTTP', () => {
  it('finds an ingested phone written another way, with the breaches and the fields exposed', async () => {
    const client = createLeakcheckClient({ baseUrl: server.url });
    const p = people[0] as (typeof people)[number];
    const r = await client.check(`+86 ${p.phone.slice(0, 3)}-${p.phone.slice(3, 7)}-${p.phone.slice(7)}`);
    expect(r.found).toBe(true);
    expect(r.breaches.map((b) => b.name).sort()).toEqual(['app-logs', 'shop-2024']);
    const shop = r.breaches.find((b) => b.name === 'shop-2024');
    expect(shop?.date).toBe('2024-05-01');
    expect(shop?.fields).toEqual(['PHONE', 'CN_RESIDENT_ID', 'EMAIL', 'NAME', 'ADDRESS']);
  });

  it('finds resident IDs and e-mails, and nothing for a clean number', async () => {
    const client = createLeakcheckClient({ baseUrl: server.url });
    const p = people[5] as (typeof people)[number];
    const [id, mail, none] = await client.checkMany([
      { identifier: p.id.toLowerCase() },
      { identifier: p.email.toUpperCase() },
      { identifier: clean },
    ]);
    expect(id?.found).toBe(true);
    expect(id?.kind).toBe('CN_RESIDENT_ID');
    expect(mail?.found).toBe(true);
    expect(none).toEqual({ kind: 'PHONE', found: false, breaches: [] });
  });

  it('refuses a client pinned to another key', async () => {
    const client = createLeakcheckClient({ baseUrl: server.url, publicKey: '00'.repeat(32) });
    await expect(client.check(clean)).rejects.toMatchObject({ code: 'LG_LEAK_CLIENT_KEY' });
  });

  it('pads every bucket to the same size', async () => {
    const a = (await (await fetch(`${server.url}/v1/range/0000`)).json()) as { entries: unknown[] };
    const b = (await (await fetch(`${server.url}/v1/range/ffff`)).json()) as { entries: unknown[] };
    expect(a.entries.length).toBe(8);
    expect(b.entries.length).toBe(8);
  });

  it('answers malformed points, oversized batches, bad prefixes, bad JSON and unknown routes with clear 4xx', async () => {
    const post = (body: string) =>
      fetch(`${server.url}/v1/oprf/evaluate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const good = toHex(blind(new TextEncoder().encode('x')).blinded);
    const cases: [Promise<Response>, number, string][] = [
      [post(JSON.stringify({ blinded: ['ff'.repeat(32)] })), 400, 'LG_LEAK_BAD_ELEMENT'],
      [post(JSON.stringify({ blinded: ['00'.repeat(32)] })), 400, 'LG_LEAK_BAD_ELEMENT'],
      [post(JSON.stringify({ blinded: ['abc'] })), 400, 'LG_LEAK_BAD_ELEMENT'],
      [post(JSON.stringify({ blinded: [good, good, good, good, good] })), 413, 'LG_LEAK_BATCH_TOO_LARGE'],
      [post('{not json'), 400, 'LG_LEAK_BAD_REQUEST'],
      [post(JSON.stringify({ blinded: 'x' })), 400, 'LG_LEAK_BAD_REQUEST'],
      [post(JSON.stringify({ blinded: ['aa'.repeat(20_000)] })), 413, 'LG_LEAK_BODY_TOO_LARGE'],
      [fetch(`${server.url}/v1/range/zzzz`), 400, 'LG_LEAK_BAD_PREFIX'],
      [fetch(`${server.url}/v1/range/00000`), 400, 'LG_LEAK_BAD_PREFIX'],
      [fetch(`${server.url}/v1/range/ABCD`), 400, 'LG_LEAK_BAD_PREFIX'],
      [fetch(`${server.url}/v1/nope`), 404, 'LG_LEAK_NOT_FOUND'],
      [fetch(`${server.url}/v1/oprf/evaluate`), 405, 'LG_LEAK_METHOD'],
    ];
    for (const [p, status, code] of cases) {
      const res = await p;
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
  });

  it('rate-limits evaluations per client with Retry-After', async () => {
    const good = toHex(blind(new TextEncoder().encode('y')).blinded);
    let last: Response | undefined;
    for (let i = 0; i < 45; i++) {
      last = await fetch(`${server.url}/v1/oprf/evaluate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ blinded: [good] }),
      });
      if (last.status === 429) break;
    }
    expect(last?.status).toBe(429);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await (last as Response).json()) as { error: { code: string } }).error.code).toBe('LG_LEAK_RATE_LIMITED');
  });

  it('keeps identifiers, prefixes and elements out of the request log', () => {
    const text = JSON.stringify(log);
    expect(log.length).toBeGreaterThan(10);
    for (const p of people.slice(0, 6)) {
      expect(text).not.toContain(p.phone);
      expect(text).not.toContain(p.id);
    }
    expect(text).not.toContain('/v1/range/0');
    expect(new Set(log.map((l) => l.route))).toContain('/v1/range/{prefix}');
  });

  it('stores no identifier in clear', () => {
    const db = readFileSync(join(dir, 'leakcheck.db')).toString('latin1');
    const wal = (() => {
      try {
        return readFileSync(join(dir, 'leakcheck.db-wal')).toString('latin1');
      } catch {
        return '';
      }
    })();
    for (const p of people) {
      expect(db + wal).not.toContain(p.phone);
      expect(db + wal).not.toContain(p.email);
    }
  });
});
