/**
 * The lookup service's HTTP handler in-process (no socket), so clients can come from any address: rate limits per
 * client and for everyone, IPv6 /64 grouping, the full client table, `trustProxy`, the page, stable padding.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeakcheckService } from '../leak/leakcheck/service.js';
import { LeakcheckStore } from '../leak/leakcheck/store.js';
import { blind, deriveKeyPair, evaluate, toHex } from '../leak/leakcheck/voprf.js';
import { createLeakcheckHandler, type LeakcheckServerOptions } from './leakcheck-app.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-leakcheck-app-'));
const keys = deriveKeyPair(randomBytes(32), new TextEncoder().encode('app test'));
let store: LeakcheckStore;
let service: LeakcheckService;
const good = toHex(blind(new TextEncoder().encode('PHONE:+8613800000000')).blinded);

interface Reply {
  status: number;
  headers: Record<string, string | number>;
  body: string;
}

type Handler = ReturnType<typeof createLeakcheckHandler>;

/** One request through the handler as if from `from` (the socket's remote address). */
function call(
  handler: Handler,
  from: string,
  method: string,
  url: string,
  options: { body?: string; headers?: Record<string, string | string[]> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = Readable.from(options.body === undefined ? [] : [Buffer.from(options.body)]) as unknown as Record<
      string,
      unknown
    >;
    req.method = method;
    req.url = url;
    req.headers = { ...(options.headers ?? {}) };
    req.socket = { remoteAddress: from };
    let status = 0;
    let headers: Record<string, string | number> = {};
    const res = {
      headersSent: false,
      writeHead(s: number, h: Record<string, string | number>) {
        status = s;
        headers = h;
        this.headersSent = true;
      },
      end(body: string) {
        resolve({ status, headers, body });
      },
      destroy() {
        reject(new Error('destroyed'));
      },
    };
    handler(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
}

const evaluateFrom = (h: Handler, from: string, n = 1, headers?: Record<string, string>) =>
  call(h, from, 'POST', '/v1/oprf/evaluate', {
    body: JSON.stringify({ blinded: Array.from({ length: n }, () => good) }),
    ...(headers ? { headers } : {}),
  });

const code = (r: Reply): string | undefined => (JSON.parse(r.body) as { error?: { code: string } }).error?.code;

function handler(options: Partial<LeakcheckServerOptions> = {}): { h: Handler; tick(ms: number): void } {
  let t = 1_000_000;
  const h = createLeakcheckHandler({
    service,
    evaluateLimit: { capacity: 4, refillPerSecond: 0.001 },
    globalEvaluateLimit: false,
    rangeLimit: { capacity: 3, refillPerSecond: 0.001 },
    now: () => t,
    ...options,
  });
  return {
    h,
    tick: (ms) => {
      t += ms;
    },
  };
}

beforeAll(async () => {
  store = await LeakcheckStore.open(join(dir, 'lookup.db'));
  const id = await store.breachId('shop-2024', '2024-05');
  // Three real outputs under prefix "abcd" and enough elsewhere to make the bucket size 8.
  const outputs = new Map<string, number>();
  for (let i = 0; i < 3; i++) outputs.set(`abcd${toHex(evaluate(keys.secretKey, new Uint8Array([i]))).slice(4)}`, 1);
  for (let i = 0; i < 8; i++) outputs.set(`0000${toHex(evaluate(keys.secretKey, new Uint8Array([9, i]))).slice(4)}`, 1);
  await store.addOutputs(id, outputs);
  service = new LeakcheckService({ store, keys, prefixLength: 4, minBucketSize: 8, maxBatch: 4 });
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createLeakcheckHandler rate limits', () => {
  it('limits range queries per client with Retry-After, other clients unaffected', async () => {
    const { h, tick } = handler();
    for (let i = 0; i < 3; i++) expect((await call(h, '192.0.2.1', 'GET', '/v1/range/abcd')).status).toBe(200);
    const refused = await call(h, '192.0.2.1', 'GET', '/v1/range/abcd');
    expect(refused.status).toBe(429);
    expect(code(refused)).toBe('LG_LEAK_RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await call(h, '192.0.2.2', 'GET', '/v1/range/abcd')).status).toBe(200);
    // A bad prefix is charged too: probing the limiter with garbage is not free.
    expect((await call(h, '192.0.2.3', 'GET', '/v1/range/zz')).status).toBe(400);
    tick(1000 / 0.001);
    expect((await call(h, '192.0.2.1', 'GET', '/v1/range/abcd')).status).toBe(200);
  });

  it('counts every address of an IPv6 /64 as one client, and an IPv4-mapped address as its IPv4', async () => {
    const { h } = handler();
    expect((await evaluateFrom(h, '2001:db8:1:2::1', 4)).status).toBe(200);
    expect((await evaluateFrom(h, '2001:db8:1:2:ffff:1234:5678:9abc')).status).toBe(429);
    expect((await evaluateFrom(h, '2001:db8:1:2::2')).status).toBe(429);
    expect((await evaluateFrom(h, '2001:db8:1:3::1')).status).toBe(200);
    expect((await evaluateFrom(h, '::ffff:198.51.100.4', 4)).status).toBe(200);
    expect((await evaluateFrom(h, '198.51.100.4')).status).toBe(429);
    // The range limit groups the same way.
    for (let i = 0; i < 3; i++) await call(h, '2001:db8:9:9::1', 'GET', '/v1/range/abcd');
    expect((await call(h, '2001:db8:9:9:abcd::7', 'GET', '/v1/range/abcd')).status).toBe(429);
  });

  it('bounds evaluations of all clients together with the global limit', async () => {
    const { h, tick } = handler({
      evaluateLimit: { capacity: 4, refillPerSecond: 1 },
      globalEvaluateLimit: { capacity: 6, refillPerSecond: 1 },
    });
    let allowed = 0;
    for (let i = 0; i < 20; i++) {
      const r = await evaluateFrom(h, `203.0.113.${i}`);
      if (r.status === 200) allowed++;
      else {
        expect(r.status).toBe(429);
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(allowed).toBe(6);
    // A request the global limit refused did not spend its client's allowance: after the global bucket refills,
    // client .19 (refused above) still has all 4.
    tick(6000);
    expect((await evaluateFrom(h, '203.0.113.19', 4)).status).toBe(200);
  });

  it('has a global limit by default', async () => {
    const h = createLeakcheckHandler({
      service,
      evaluateLimit: { capacity: 4, refillPerSecond: 0.001 },
      now: () => 0,
    });
    // Malformed elements are charged like good ones (the limit is checked first), and cost no curve arithmetic.
    let charged = 0;
    for (let i = 0; i < 1000; i++) {
      const r = await call(h, `10.0.${i >> 8}.${i & 255}`, 'POST', '/v1/oprf/evaluate', {
        body: JSON.stringify({ blinded: ['x', 'x', 'x', 'x'] }),
      });
      if (r.status === 400) charged++;
      else expect(r.status).toBe(429);
    }
    expect(charged).toBe(3000 / 4);
  });

  it('does not give fresh allowances when the client table is full: new clients share the overflow bucket', async () => {
    const { h } = handler({ evaluateLimit: { capacity: 4, refillPerSecond: 0.001, maxClients: 3 } });
    for (let i = 1; i <= 3; i++) expect((await evaluateFrom(h, `192.0.2.${i}`, 4)).status).toBe(200);
    // Every further address lands in one shared bucket of 4.
    let allowed = 0;
    for (let i = 10; i < 30; i++) if ((await evaluateFrom(h, `192.0.2.${i}`)).status === 200) allowed++;
    expect(allowed).toBe(4);
    // And the first clients were not evicted (they would have come back with full buckets).
    expect((await evaluateFrom(h, '192.0.2.1')).status).toBe(429);
  });

  it('with trustProxy, keys clients by the X-Forwarded-For entry the proxy appended, not what the client sent', async () => {
    const { h } = handler({ trustProxy: true });
    const viaProxy = (forwardedFor: string) => evaluateFrom(h, '10.9.9.9', 1, { 'x-forwarded-for': forwardedFor });
    expect((await viaProxy('1.1.1.1, 198.51.100.20')).status).toBe(200);
    expect((await viaProxy('2.2.2.2, 198.51.100.20')).status).toBe(200);
    expect((await viaProxy('3.3.3.3, 198.51.100.20')).status).toBe(200);
    expect((await viaProxy('198.51.100.20')).status).toBe(200);
    // A forged first entry does not make a new client.
    expect((await viaProxy('4.4.4.4, 198.51.100.20')).status).toBe(429);
    // IPv6 behind the proxy is grouped by /64 as well, with the port and brackets some proxies add.
    expect((await evaluateFrom(h, '10.9.9.9', 4, { 'x-forwarded-for': '[2001:db8:5:5::1]:5555' })).status).toBe(200);
    expect((await viaProxy('2001:db8:5:5::2')).status).toBe(429);
    // An unusable entry falls back to the proxy's own address (one shared client), never to a fresh allowance.
    expect((await viaProxy('garbage')).status).toBe(200);
    expect((await evaluateFrom(h, '10.9.9.9', 3, { 'x-forwarded-for': 'also garbage' })).status).toBe(200);
    expect((await evaluateFrom(h, '10.9.9.9')).status).toBe(429);
  });

  it('with trustProxy: 2, takes the entry two from the end', async () => {
    const { h } = handler({ trustProxy: 2 });
    const viaProxies = (forwardedFor: string) => evaluateFrom(h, '10.9.9.9', 4, { 'x-forwarded-for': forwardedFor });
    expect((await viaProxies('1.1.1.1, 198.51.100.30, 10.0.0.2')).status).toBe(200);
    expect((await viaProxies('2.2.2.2, 198.51.100.30, 10.0.0.3')).status).toBe(429);
    expect((await viaProxies('198.51.100.31, 10.0.0.2')).status).toBe(200);
  });

  it('refuses limits that could never pass a full batch', () => {
    expect(() => createLeakcheckHandler({ service, globalEvaluateLimit: { capacity: 2, refillPerSecond: 1 } })).toThrow(
      RangeError,
    );
    expect(() => createLeakcheckHandler({ service, trustProxy: -1 })).toThrow(RangeError);
  });
});

describe('createLeakcheckHandler page and ranges', () => {
  it('states the bits a range query reveals from the service configuration', async () => {
    const { h } = handler();
    const page = await call(h, '192.0.2.1', 'GET', '/');
    expect(page.body).toContain('a 16-bit bucket number (one of 65,536 buckets)');
    expect(page.body).not.toContain('{{');
    const three = createLeakcheckHandler({
      service: new LeakcheckService({ store, keys, prefixLength: 3, maxBatch: 4 }),
    });
    expect((await call(three, '192.0.2.1', 'GET', '/')).body).toContain(
      'a 12-bit bucket number (one of 4,096 buckets)',
    );
  });

  it('answers the same range query with identical bytes, real entries and padding alike', async () => {
    const { h } = handler({ rangeLimit: { capacity: 100, refillPerSecond: 1 } });
    for (const prefix of ['abcd', '0000', 'ffff']) {
      const a = await call(h, '192.0.2.1', 'GET', `/v1/range/${prefix}`);
      const b = await call(h, '192.0.2.9', 'GET', `/v1/range/${prefix}`);
      expect(a.status).toBe(200);
      expect(b.body).toBe(a.body);
      const entries = (JSON.parse(a.body) as { entries: { suffix: string; breaches: unknown[] }[] }).entries;
      expect(entries.length).toBe(8);
      expect(new Set(entries.map((e) => e.suffix)).size).toBe(8);
      for (const e of entries) expect(e.suffix).toMatch(/^[0-9a-f]{124}$/);
    }
    // A restarted service (same key, same store) pads the same way.
    const again = new LeakcheckService({ store, keys, prefixLength: 4, minBucketSize: 8, maxBatch: 4 });
    expect(JSON.stringify(await again.range('abcd'))).toBe(JSON.stringify(await service.range('abcd')));
  });
});
