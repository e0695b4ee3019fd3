/**
 * The guard end to end, second part: generic-mode field rules and paging caps, graceful reload of every setting
 * it applies, alert metrics, the anomaly `block` action, quota windows, scroll/PIT ownership (frees included),
 * masked types in the audit chain across row formats — and, with a redis-server this suite starts and kills
 * itself, quotas and ownership shared through Redis and failing closed when Redis goes away. Every assertion
 * goes through a real guard on a real socket.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/catalog/migrations.js';
import { openSqlite, type SqlDb } from '../../src/catalog/sql.js';
import { listAlerts } from '../../src/guard/alerts.js';
import { verifyAudit } from '../../src/guard/audit.js';
import { parseGuardConfig } from '../../src/guard/config.js';
import { createGuard, type Guard } from '../../src/guard/guard.js';
import { createApiKey } from '../../src/guard/keys.js';
import { GUARD_MIGRATIONS } from '../../src/guard/migrations.js';
import { type FakeElasticsearch, start } from '../support/fake-elasticsearch.js';
import {
  callGuard,
  type GuardResponse,
  PEOPLE_MAPPINGS,
  startMisbehavingUpstream,
  startWebhook,
  syntheticPeople,
  type TestUpstream,
} from '../support/guard-upstreams.js';

const env = { LEAKGUARD_KEY: 'k'.repeat(64) };
const HAS_REDIS_SERVER = spawnSync('redis-server', ['--version']).status === 0;

let dir: string;
let es: FakeElasticsearch;
const guards: Guard[] = [];
const upstreams: TestUpstream[] = [];
const servers: Server[] = [];
const redisServers: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lg-guard-ops-'));
  es = await start({ seed: { people: { mappings: PEOPLE_MAPPINGS, docs: syntheticPeople(300) } } });
});
afterAll(async () => {
  await es.close();
  for (const r of redisServers) r.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const g of guards.splice(0)) await g.close();
  for (const u of upstreams.splice(0)) await u.close();
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

/** An Elasticsearch-mode configuration; `roles` and `extra` are appended as YAML. */
function esConfig(o: { upstream?: string; extra?: string; roles?: string; anomaly?: string } = {}): string {
  return `
upstream: { url: ${o.upstream ?? es.url}, timeoutMs: 3000, connectTimeoutMs: 1000 }
listen: { host: 127.0.0.1, port: 0 }
${o.anomaly ?? 'anomaly: { enabled: false }'}
roles:
  analyst: { indices: [people*], maxPageSize: 50, maxFrom: 500, fields: { deny: [id_card] } }
  pager: { indices: [people], maxPageSize: 50, quota: { records: { minute: 50 } } }
  scroller: { indices: [people], scroll: true, pit: true, maxScrollPages: 3 }
  admin: { admin: true, clearWithPurpose: true }
${o.roles ?? ''}
${o.extra ?? ''}
`;
}

let n = 0;
interface Started {
  guard: Guard;
  keys: Record<string, string>;
  db: SqlDb;
  file: string;
  logs: Record<string, unknown>[];
}

async function startGuard(
  text: string,
  opts: { now?: () => number; db?: SqlDb; principals?: Record<string, string>; listen?: boolean } = {},
): Promise<Started> {
  const file = join(dir, `guard-${++n}.yaml`);
  writeFileSync(file, text);
  const db = opts.db ?? (await openSqlite(join(dir, `catalog-${n}.db`)));
  const logs: Record<string, unknown>[] = [];
  const guard = await createGuard({
    config: parseGuardConfig(text, file),
    configPath: file,
    db,
    env,
    log: (l) => logs.push(l),
    alertBackoffMs: 5,
    ...(opts.now ? { now: opts.now } : {}),
  });
  guards.push(guard);
  const keys: Record<string, string> = {};
  const principals = opts.principals ?? {
    analyst: 'analyst',
    pager: 'pager',
    scroller: 'scroller',
    other: 'scroller',
    admin: 'admin',
  };
  for (const [who, role] of Object.entries(principals)) {
    keys[who] = (await createApiKey(db, { principal: `${who}-user`, role })).key;
  }
  await guard.reload();
  if (opts.listen !== false) await guard.listen();
  return { guard, keys, db, file, logs };
}

type Res = GuardResponse;
const call = (base: string, method: string, path: string, opts: Parameters<typeof callGuard>[3] = {}): Promise<Res> =>
  callGuard(base, method, path, { timeoutMs: 20_000, ...opts });

const search = (g: Guard, key: string | undefined, body: unknown, index = 'people') =>
  call(g.url, 'POST', `/${index}/_search`, { ...(key ? { key } : {}), body });

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A throwaway redis-server (no persistence) on a free port; resolves once it answers PING. */
async function startRedis(): Promise<{ url: string; child: ChildProcess; kill(): Promise<void> }> {
  if (!HAS_REDIS_SERVER) throw new Error('redis-server is not installed: this suite starts its own Redis');
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  redisServers.push(child);
  for (let i = 0; ; i++) {
    const r = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    r.on('error', () => undefined);
    try {
      await r.connect();
      await r.ping();
      r.disconnect();
      break;
    } catch (e) {
      r.disconnect();
      if (i > 200) throw e;
      await new Promise((res) => setTimeout(res, 50));
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    child,
    kill: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A plain JSON API (generic mode): nested records with mobiles at several depths. */
async function startJsonApi(): Promise<string> {
  const people = syntheticPeople(6);
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        items: people.map((p) => ({
          name: p.name,
          mobile: p.phone,
          contact: { mobile: p.phone, city: p.city },
          owner: { name: p.name },
          note: `回电 ${p.phone}`,
        })),
        meta: { mobile: people[1]?.phone, owner: { name: people[2]?.name, dept: 'ops' } },
        next: 'cursor-2',
      }),
    );
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('generic mode', () => {
  it('applies a role’s field rules to the whole body: a key name anywhere, a $ path from the root only', async () => {
    const api = await startJsonApi();
    const { guard, keys } = await startGuard(
      `upstream: { url: ${api} }
listen: { port: 0 }
mode: generic
anomaly: { enabled: false }
roles:
  deny: { paths: [/api/users], fields: { deny: [mobile, $.meta.owner] } }
  allow: { paths: [/api/users], fields: { allow: [name, $.next] } }
paths:
  - { path: /api/users, methods: [GET], records: '$.items[*]' }
`,
      { principals: { deny: 'deny', allow: 'allow' } },
    );
    const d = await call(guard.url, 'GET', '/api/users', { key: keys.deny });
    expect(d.status).toBe(200);
    const body = d.json();
    for (const it of body.items) {
      expect(it.mobile).toBeNull(); // at items[*].mobile
      expect(it.contact.mobile).toBeNull(); // deeper
      expect(it.contact.city).not.toBeNull();
      expect(it.owner.name).not.toBeNull(); // $.meta.owner is rooted: items[*].owner stays
      expect(it.note).toContain('****'); // content masking still applies elsewhere
    }
    expect(body.meta.mobile).toBeNull();
    expect(body.meta.owner).toEqual({ name: null, dept: null });
    expect(body.next).toBe('cursor-2');
    for (const p of syntheticPeople(6)) expect(d.text).not.toContain(p.phone);

    const a = (await call(guard.url, 'GET', '/api/users', { key: keys.allow })).json();
    expect(a.next).toBe('cursor-2');
    expect(a.items[0].name).not.toBeNull();
    expect(a.items[0].owner.name).not.toBeNull(); // `name` anywhere
    expect(a.items[0].mobile).toBeNull();
    expect(a.items[0].contact).toEqual({ mobile: null, city: null });
    expect(a.meta.owner.dept).toBeNull();
  });

  it('caps how deep a caller pages: offset + size and page × size by maxFrom, repeated parameters refused', async () => {
    const api = await startJsonApi();
    const { guard, keys } = await startGuard(
      `upstream: { url: ${api} }
listen: { port: 0 }
mode: generic
anomaly: { enabled: false }
roles:
  reader: { paths: [/api/users, /api/pages], maxPageSize: 5, maxFrom: 20 }
paths:
  - { path: /api/users, methods: [GET], sizeParam: limit, offsetParam: offset }
  - { path: /api/pages, methods: [GET], sizeParam: per_page, pageParam: page, defaultSize: 2 }
`,
      { principals: { reader: 'reader', admin2: 'reader' } },
    );
    const st = async (p: string) => (await call(guard.url, 'GET', p, { key: keys.reader })).status;
    expect(await st('/api/users?offset=15&limit=5')).toBe(200);
    const deep = await call(guard.url, 'GET', '/api/users?offset=16&limit=5', { key: keys.reader });
    expect(deep.status).toBe(400);
    expect(deep.json().error.code).toBe('LG_GUARD_LIMIT');
    expect(await st('/api/users?offset=16')).toBe(400); // no size: the role's maxPageSize counts
    expect(await st('/api/users?offset=15')).toBe(200);
    expect(await st('/api/users?offset=0&offset=100&limit=5')).toBe(400);
    expect(await st('/api/users?offset=-1')).toBe(400);
    expect(await st('/api/pages?page=4&per_page=5')).toBe(200);
    expect(await st('/api/pages?page=5&per_page=5')).toBe(400);
    expect(await st('/api/pages?page=10')).toBe(200); // defaultSize 2: 20
    expect(await st('/api/pages?page=11')).toBe(400);
  });
});

describe('reload', () => {
  it('applies a changed role (maxPageSize) and webhook URL; a request in flight finishes with the old state', async () => {
    const up = await startMisbehavingUpstream({ bigSearch: { bytes: 2 * 1024 * 1024 } });
    upstreams.push(up);
    const hook1 = await startWebhook();
    const hook2 = await startWebhook();
    let clock = Date.UTC(2026, 0, 1);
    // Every search of this upstream answers ≈ 9,000 hits: one search is over the quota of 30 records.
    const text = (hook: string, maxPage: number) =>
      esConfig({
        upstream: up.url,
        extra: `alerts: { webhook: { url: ${hook}, retries: 0, timeoutMs: 2000 } }`,
        roles: `  big: { indices: [people], maxPageSize: ${maxPage}, quota: { records: { minute: 30 } } }`,
      });
    const { guard, keys, file } = await startGuard(text(hook1.url, 40), {
      now: () => clock,
      principals: { big: 'big', admin: 'admin' },
    });
    try {
      expect((await search(guard, keys.big, { size: 40 })).status).toBe(200);
      await guard.flush();
      expect(hook1.received).toHaveLength(1); // quota alert, to the first webhook
      const reached = up.holdAfter(512 * 1024);
      const inflight = search(guard, keys.admin, { size: 10 });
      await reached;
      writeFileSync(file, text(hook2.url, 20));
      expect(await guard.reload()).toBe(true);
      up.release();
      const r = await inflight;
      expect(r.status).toBe(200);
      expect(JSON.parse(r.text).hits.hits.length).toBeGreaterThan(1000);
      clock += 61_000;
      const refused = await search(guard, keys.big, { size: 40 });
      expect(refused.status).toBe(400);
      expect(refused.json().error.message).toContain('maximum 20');
      // Over the quota again in the next minute: this alert goes to the new webhook.
      expect((await search(guard, keys.big, { size: 20 })).status).toBe(200);
      await guard.flush();
      expect(hook2.received).toHaveLength(1);
      expect(hook1.received).toHaveLength(1);
      expect(hook2.received[0]).toMatchObject({ kind: 'quota', principal: 'big-user' });
    } finally {
      await hook1.close();
      await hook2.close();
    }
  });

  it('applies a changed anomaly threshold and keeps the baselines built before the reload', async () => {
    let clock = Date.UTC(2026, 0, 1);
    const anomaly = (z: number) =>
      `anomaly: { enabled: true, bucketSeconds: 60, alpha: 0.3, zThreshold: ${z}, minBuckets: 3, minRecords: 30, action: alert }`;
    const { guard, keys, db, file } = await startGuard(esConfig({ anomaly: anomaly(100_000) }), {
      now: () => clock,
      principals: { analyst: 'analyst', second: 'analyst' },
    });
    // Both principals read ≈ 3 records a minute for four minutes.
    for (let b = 0; b < 4; b++) {
      expect((await search(guard, keys.analyst, { size: 3 })).status).toBe(200);
      expect((await search(guard, keys.second, { size: 3 })).status).toBe(200);
      clock += 60_000;
    }
    // Under the first threshold a burst is not anomalous.
    expect((await search(guard, keys.analyst, { size: 50 })).status).toBe(200);
    await guard.flush();
    expect(await listAlerts(db, { kind: 'anomaly' })).toHaveLength(0);
    writeFileSync(file, esConfig({ anomaly: anomaly(4) }));
    expect(await guard.reload()).toBe(true);
    // Under the new one it is — at once, so the baseline built before the reload was kept (a fresh one would
    // still be warming up).
    expect((await search(guard, keys.second, { size: 50 })).status).toBe(200);
    await guard.flush();
    const alerts = await listAlerts(db, { kind: 'anomaly' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.principal).toBe('second-user');
  });

  it('picks up a changed key refresh interval: a new key works without another reload', async () => {
    const { guard, db, file } = await startGuard(esConfig({ extra: 'keysRefreshSeconds: 3600' }));
    writeFileSync(file, esConfig({ extra: 'keysRefreshSeconds: 1' }));
    expect(await guard.reload()).toBe(true);
    const { key } = await createApiKey(db, { principal: 'late-user', role: 'analyst' });
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await search(guard, key, { size: 1 })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  });

  it('re-reads the TLS certificate and key: new connections get the new certificate', async () => {
    const cert = (name: string) => {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          `/CN=${name}`,
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(dir, `${name}.key`),
          '-out',
          join(dir, `${name}.crt`),
        ],
        { stdio: 'ignore' },
      );
      return readFileSync(join(dir, `${name}.crt`));
    };
    const a = cert('cert-a');
    const b = cert('cert-b');
    copyFileSync(join(dir, 'cert-a.crt'), join(dir, 'live.crt'));
    copyFileSync(join(dir, 'cert-a.key'), join(dir, 'live.key'));
    const { guard, file } = await startGuard(
      esConfig({ extra: '' }).replace(
        'listen: { host: 127.0.0.1, port: 0 }',
        `listen: { host: 127.0.0.1, port: 0, tls: { cert: ${join(dir, 'live.crt')}, key: ${join(dir, 'live.key')} } }`,
      ),
    );
    const subject = (ca: Buffer) =>
      new Promise<string>((resolve, reject) => {
        const req = httpsRequest(`${guard.url}/_guard/health`, { ca, agent: false, timeout: 10_000 }, (res) => {
          const cn = (res.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '';
          res.resume();
          resolve(String(cn));
        });
        req.on('error', reject);
        req.end();
      });
    expect(await subject(a)).toBe('cert-a');
    // A broken key is refused and the running certificate kept.
    const live = readFileSync(file, 'utf8');
    writeFileSync(join(dir, 'broken.key'), 'not a key');
    writeFileSync(file, live.replace(join(dir, 'live.key'), join(dir, 'broken.key')));
    expect(await guard.reload()).toBe(false);
    expect(await subject(a)).toBe('cert-a');
    writeFileSync(file, live);
    copyFileSync(join(dir, 'cert-b.crt'), join(dir, 'live.crt'));
    copyFileSync(join(dir, 'cert-b.key'), join(dir, 'live.key'));
    expect(await guard.reload()).toBe(true);
    expect(await subject(b)).toBe('cert-b');
    await expect(subject(a)).rejects.toThrow();
  });
});

describe('alerts, anomaly block and quota windows', () => {
  it('counts alerts raised in leakguard_guard_alerts_total by kind and severity', async () => {
    const { guard, keys } = await startGuard(esConfig());
    for (let i = 0; i < 3; i++) await search(guard, keys.pager, { size: 30 });
    await guard.flush();
    const m = await call(guard.url, 'GET', '/_guard/metrics');
    // The second search went over 50 records (alert), the third was refused (deduplicated: no second alert).
    expect(m.text).toContain('leakguard_guard_alerts_total{kind="quota",severity="warning"} 1');
  });

  it('blocks a principal whose volume jumps far above its baseline (action block) until blockSeconds pass', async () => {
    let clock = Date.UTC(2026, 0, 1);
    const { guard, keys, db } = await startGuard(
      esConfig({
        anomaly:
          'anomaly: { enabled: true, bucketSeconds: 60, alpha: 0.3, zThreshold: 4, minBuckets: 3, minRecords: 30, action: block, blockSeconds: 600 }',
      }),
      { now: () => clock },
    );
    for (let b = 0; b < 4; b++) {
      expect((await search(guard, keys.analyst, { size: 3 })).status).toBe(200);
      clock += 60_000;
    }
    expect((await search(guard, keys.analyst, { size: 50 })).status).toBe(200); // the burst is served, then judged
    const blocked = await search(guard, keys.analyst, { size: 1 });
    expect(blocked.status).toBe(403);
    expect(blocked.json().error.code).toBe('LG_GUARD_BLOCKED');
    expect(Number(blocked.headers['retry-after'])).toBe(600);
    // Unlike throttle, the block outlasts the bucket.
    clock += 120_000;
    expect((await search(guard, keys.analyst, { size: 1 })).status).toBe(403);
    // Others are not blocked.
    expect((await search(guard, keys.pager, { size: 1 })).status).toBe(200);
    await guard.flush();
    const alerts = await listAlerts(db, { kind: 'anomaly' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'critical', principal: 'analyst-user' });
    expect(alerts[0]?.detail.action).toBe('block');
    clock += 481_000;
    expect((await search(guard, keys.analyst, { size: 1 })).status).toBe(200);
  });

  it('refuses at a bytes limit, and at hour and day windows until the window ends', async () => {
    let clock = Date.UTC(2026, 0, 1); // midnight: windows start here
    const { guard, keys } = await startGuard(
      esConfig({
        roles: `  bytes: { indices: [people], quota: { bytes: { minute: 6000 } } }
  hourly: { indices: [people], quota: { records: { minute: 1000, hour: 100 } } }
  daily: { indices: [people], quota: { records: { hour: 1000, day: 100 } } }`,
      }),
      { now: () => clock, principals: { bytes: 'bytes', hourly: 'hourly', daily: 'daily' } },
    );
    // Bytes: ≈ 2.5 KB per 10 hits.
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await search(guard, keys.bytes, { size: 10 });
      seen.push(r.status);
      if (r.status === 429) {
        expect(r.json().error.message).toContain('bytes per minute limit 6000');
        break;
      }
    }
    expect(seen[seen.length - 1]).toBe(429);
    expect(seen.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
    clock += 60_000;
    expect((await search(guard, keys.bytes, { size: 10 })).status).toBe(200);

    // Hour: 40 records a minute, never over the minute limit; the third minute reaches 120 ≥ 100.
    clock = Date.UTC(2026, 0, 1, 1);
    const hourly: number[] = [];
    for (let m = 0; m < 4; m++) {
      hourly.push((await search(guard, keys.hourly, { size: 40 })).status);
      clock += 60_000;
    }
    expect(hourly).toEqual([200, 200, 200, 429]);
    const h = await search(guard, keys.hourly, { size: 1 });
    expect(h.json().error.message).toContain('records per hour');
    expect(Number(h.headers['retry-after'])).toBe(3600 - 4 * 60);
    clock = Date.UTC(2026, 0, 1, 2);
    expect((await search(guard, keys.hourly, { size: 1 })).status).toBe(200);

    // Day: 40 records an hour.
    clock = Date.UTC(2026, 0, 2);
    const daily: number[] = [];
    for (let hr = 0; hr < 4; hr++) {
      daily.push((await search(guard, keys.daily, { size: 40 })).status);
      clock += 3_600_000;
    }
    expect(daily).toEqual([200, 200, 200, 429]);
    expect((await search(guard, keys.daily, { size: 1 })).json().error.message).toContain('records per day');
    clock = Date.UTC(2026, 0, 3);
    expect((await search(guard, keys.daily, { size: 1 })).status).toBe(200);
  });
});

describe('scroll and point-in-time ownership', () => {
  it('lets only the owner free a scroll or a point in time; clearing every scroll is admin-only', async () => {
    // `janitor` may DELETE (documents): that must not let it free another principal's contexts.
    const { guard, keys } = await startGuard(
      esConfig({ roles: '  janitor: { indices: [people], scroll: true, pit: true, methods: [GET, POST, DELETE] }' }),
      { principals: { scroller: 'scroller', other: 'scroller', janitor: 'janitor' } },
    );
    const open = await call(guard.url, 'POST', '/people/_search?scroll=1m', { key: keys.scroller, body: { size: 5 } });
    const id = open.json()._scroll_id as string;
    for (const [path, body] of [
      ['/_search/scroll', { scroll_id: id }],
      ['/_search/scroll', { scroll_id: [id] }],
      [`/_search/scroll/${encodeURIComponent(id)}`, undefined],
      [`/_search/scroll?scroll_id=${encodeURIComponent(id)}`, undefined],
      ['/_search/scroll/_all', undefined],
    ] as const) {
      for (const who of ['other', 'janitor']) {
        const r = await call(guard.url, 'DELETE', path, { key: keys[who], ...(body ? { body } : {}) });
        expect(r.status, `${who} ${path}`).toBe(403);
      }
    }
    expect((await call(guard.url, 'DELETE', '/_search/scroll/_all', { key: keys.scroller })).status).toBe(403);
    // Still open: the owner continues it.
    const next = await call(guard.url, 'POST', '/_search/scroll', {
      key: keys.scroller,
      body: { scroll: '1m', scroll_id: id },
    });
    expect(next.status).toBe(200);
    expect(es.openContexts().scrolls).toBeGreaterThanOrEqual(1);
    const freed = await call(guard.url, 'DELETE', '/_search/scroll', { key: keys.scroller, body: { scroll_id: id } });
    expect(freed.status).toBe(200);
    expect(freed.json().num_freed).toBe(1);
    // Forgotten once freed.
    expect(
      (await call(guard.url, 'POST', '/_search/scroll', { key: keys.scroller, body: { scroll: '1m', scroll_id: id } }))
        .status,
    ).toBe(403);

    const pit = (await call(guard.url, 'POST', '/people/_pit?keep_alive=1m', { key: keys.scroller })).json()
      .id as string;
    expect((await call(guard.url, 'DELETE', '/_pit', { key: keys.other, body: { id: pit } })).status).toBe(403);
    expect((await call(guard.url, 'DELETE', '/_pit', { key: keys.janitor, body: { id: pit } })).status).toBe(403);
    expect((await call(guard.url, 'DELETE', '/_pit', { key: keys.scroller, body: {} })).status).toBe(400);
    const closed = await call(guard.url, 'DELETE', '/_pit', { key: keys.scroller, body: { id: pit } });
    expect(closed.status).toBe(200);
    expect(closed.json().succeeded).toBe(true);
  });
});

describe('audit: which types were masked', () => {
  const v1Hash = (seq: number, prev: string, f: unknown[]) =>
    createHash('sha256')
      .update(prev)
      .update('\n')
      .update(JSON.stringify([seq, ...f]))
      .digest('hex');

  it('records masked types per type (format 2) beside format 1 rows that still verify; edits are detected', async () => {
    // A catalog from before masked types: schema version 1 with two rows in the old format.
    const db = await openSqlite(join(dir, 'audit-v1.db'));
    await migrate(db, 'guard', GUARD_MIGRATIONS.slice(0, 1));
    let prev = '0'.repeat(64);
    for (let seq = 1; seq <= 2; seq++) {
      const fields = [
        `2026-01-01T00:00:0${seq}.000Z`,
        `r${seq}`,
        'old-user',
        'analyst',
        '127.0.0.1',
        'POST',
        '/people/_search',
        null,
        200,
        'allow',
        null,
        1,
        100,
        [['CN_MOBILE', 1]],
        1,
        null,
        2,
      ];
      const hash = v1Hash(seq, prev, fields);
      await db.run(
        `INSERT INTO lg_guard_audit (seq, at, request_id, principal, role, client, method, path, query, status, decision,
          reason, records, bytes, types, masked, purpose, duration_ms, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [seq, ...fields.slice(0, 13), '{"CN_MOBILE":1}', ...fields.slice(14), prev, hash] as (string | number | null)[],
      );
      await db.run(
        'INSERT INTO lg_guard_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
        [seq, hash],
      );
      prev = hash;
    }
    writeFileSync(
      join(dir, 'keep-mobile.yaml'),
      'rules:\n  - { type: CN_MOBILE, action: keep }\ndefault: { action: mask }\n',
    );
    const { guard, keys } = await startGuard(
      esConfig({ roles: `  keeper: { indices: [people], policy: ${join(dir, 'keep-mobile.yaml')} }` }),
      { db, principals: { analyst: 'analyst', keeper: 'keeper', admin: 'admin' } },
    );
    const q = { query: { ids: { values: ['p0', 'p1'] } } };
    expect((await search(guard, keys.analyst, q)).status).toBe(200);
    const kept = await search(guard, keys.keeper, q);
    expect(kept.json().hits.hits[0]._source.phone).toBe('13812345678');
    await search(guard, keys.admin, q, 'people');
    await call(guard.url, 'POST', '/people/_search', {
      key: keys.admin,
      body: q,
      headers: { 'x-leakguard-purpose': 'case 7' },
    });
    await guard.flush();
    const rows = await db.all<{
      seq: number;
      principal: string;
      types: string;
      masked_types: string | null;
      format: number;
      purpose: string | null;
    }>('SELECT seq, principal, types, masked_types, format, purpose FROM lg_guard_audit ORDER BY seq');
    expect(rows.map((r) => Number(r.format))).toEqual([1, 1, 2, 2, 2, 2]);
    const by = (p: string, purpose: string | null = null) => {
      const r = rows.find((x) => x.principal === p && x.purpose === purpose)!;
      return { types: JSON.parse(r.types), masked: JSON.parse(r.masked_types ?? 'null') };
    };
    const analyst = by('analyst-user');
    expect(analyst.masked.CN_MOBILE).toBe(analyst.types.CN_MOBILE); // every mobile masked (phone and note)
    expect(analyst.masked.CN_MOBILE).toBeGreaterThanOrEqual(4);
    const keeper = by('keeper-user');
    expect(keeper.types.CN_MOBILE).toBeGreaterThanOrEqual(4); // seen …
    expect(keeper.masked.CN_MOBILE).toBeUndefined(); // … but kept by the policy
    expect(keeper.masked.CN_RESIDENT_ID).toBeGreaterThanOrEqual(2); // masked
    expect(by('admin-user', 'case 7').masked).toEqual({}); // clear with a purpose: nothing masked
    expect(by('admin-user').masked.CN_MOBILE).toBeGreaterThanOrEqual(4);

    expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 6 });
    await db.run(`UPDATE lg_guard_audit SET masked_types = '{}' WHERE seq = 3`);
    const edited = await verifyAudit(db);
    expect(edited.ok).toBe(false);
    expect(edited.problems[0]).toMatchObject({ seq: 3 });
    await db.run('UPDATE lg_guard_audit SET masked_types = ? WHERE seq = 3', [
      rows.find((r) => Number(r.seq) === 3)!.masked_types,
    ]);
    expect((await verifyAudit(db)).ok).toBe(true);
    await db.run('UPDATE lg_guard_audit SET format = 1 WHERE seq = 4');
    expect((await verifyAudit(db)).problems[0]).toMatchObject({ seq: 4 });
    await db.run('UPDATE lg_guard_audit SET format = 2 WHERE seq = 4');
    await db.run('UPDATE lg_guard_audit SET records = 5 WHERE seq = 1');
    expect((await verifyAudit(db)).problems[0]).toMatchObject({ seq: 1 });
  });
});

describe('with a redis-server this suite starts', () => {
  const redisConfig = (url: string, prefix: string) =>
    esConfig({
      extra: `quotas: { redis: ${url}, prefix: '${prefix}' }`,
      roles: '  metered: { indices: [people], maxPageSize: 20, quota: { records: { minute: 1000 } } }',
    });
  const principals = { scroller: 'scroller', other: 'scroller', metered: 'metered', admin: 'admin' };

  it('shares scroll ownership and pages between two guard instances; frees are checked across them', async () => {
    const redis = await startRedis();
    const db = await openSqlite(join(dir, 'shared.db'));
    const text = redisConfig(redis.url, 'lg:test:ctx:');
    const a = await startGuard(text, { db, principals });
    const b = await startGuard(text, { db, principals: {} });
    await b.guard.reload();
    const open = await call(a.guard.url, 'POST', '/people/_search?scroll=1m', {
      key: a.keys.scroller,
      body: { size: 5 },
    });
    const id = open.json()._scroll_id as string;
    const page = (g: Guard, key: string | undefined) =>
      call(g.url, 'POST', '/_search/scroll', { ...(key ? { key } : {}), body: { scroll: '1m', scroll_id: id } });
    expect((await page(b.guard, a.keys.other)).status).toBe(403);
    expect((await page(b.guard, a.keys.scroller)).status).toBe(200); // page 2, on the other instance
    expect((await page(a.guard, a.keys.scroller)).status).toBe(200); // page 3
    const p4 = await page(b.guard, a.keys.scroller);
    expect(p4.status).toBe(400); // maxScrollPages 3, counted across both
    expect(
      (await call(b.guard.url, 'DELETE', '/_search/scroll', { key: a.keys.other, body: { scroll_id: id } })).status,
    ).toBe(403);
    expect(
      (await call(b.guard.url, 'DELETE', '/_search/scroll', { key: a.keys.scroller, body: { scroll_id: id } })).status,
    ).toBe(200);
    // Ids are stored hashed.
    const r = new Redis(redis.url);
    const stored = await r.keys('lg:test:ctx:ctx:*');
    r.disconnect();
    expect(stored.join(' ')).not.toContain(id);
    await db.close();
  });

  it('fails closed (503) when Redis goes away: quota checks and scroll ownership', async () => {
    const redis = await startRedis();
    const { guard, keys } = await startGuard(redisConfig(redis.url, 'lg:test:down:'), { principals });
    expect((await search(guard, keys.metered, { size: 5 })).status).toBe(200);
    const open = await call(guard.url, 'POST', '/people/_search?scroll=1m', { key: keys.scroller, body: { size: 5 } });
    const id = open.json()._scroll_id as string;
    await redis.kill();
    const q = await search(guard, keys.metered, { size: 5 });
    expect(q.status).toBe(503);
    expect(q.json().error.code).toBe('LG_GUARD_UNAVAILABLE');
    expect(q.text).not.toContain('127.0.0.1');
    const s = await call(guard.url, 'POST', '/_search/scroll', {
      key: keys.scroller,
      body: { scroll: '1m', scroll_id: id },
    });
    expect(s.status).toBe(503);
    expect((await call(guard.url, 'GET', '/_guard/health')).status).toBe(200);
  });

  it('swaps the quota store on reload (memory → Redis), counting in Redis from then on', async () => {
    const redis = await startRedis();
    const memory = esConfig({
      roles: '  metered: { indices: [people], maxPageSize: 20, quota: { records: { minute: 1000 } } }',
    });
    const { guard, keys, file, logs } = await startGuard(memory, { principals });
    expect((await search(guard, keys.metered, { size: 5 })).status).toBe(200);
    writeFileSync(file, redisConfig(redis.url, 'lg:test:swap:'));
    expect(await guard.reload()).toBe(true);
    expect(logs.some((l) => String(l.msg).startsWith('quota store changed'))).toBe(true);
    expect((await search(guard, keys.metered, { size: 7 })).status).toBe(200);
    const r = new Redis(redis.url);
    const k = await r.keys('lg:test:swap:metered-user:r:minute:*');
    const v = k[0] ? await r.get(k[0]) : null;
    r.disconnect();
    expect(v).toBe('7');
    // A Redis that cannot be reached is refused and the running store kept.
    await redis.kill();
    writeFileSync(file, redisConfig(`redis://127.0.0.1:${await freePort()}`, 'lg:test:swap2:'));
    expect(await guard.reload()).toBe(false);
  });
});
