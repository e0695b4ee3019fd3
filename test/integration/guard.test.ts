/**
 * The guard end to end: a real guard on a real socket in front of the protocol-faithful fake Elasticsearch
 * (seeded with synthetic people) and misbehaving upstreams. Every assertion goes through HTTP.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite, type SqlDb } from '../../src/catalog/sql.js';
import { listAlerts } from '../../src/guard/alerts.js';
import { exportAudit, verifyAudit } from '../../src/guard/audit.js';
import { parseGuardConfig } from '../../src/guard/config.js';
import { createGuard, type Guard } from '../../src/guard/guard.js';
import { createApiKey, revokeApiKey } from '../../src/guard/keys.js';
import type { CanaryMatcher } from '../../src/guard/mask.js';
import { loadCanaryKey } from '../../src/leak/canary/key.js';
import { plantCanaries } from '../../src/leak/canary/plant.js';
import { CanaryRegistry } from '../../src/leak/canary/registry.js';
import { loadCanaryWatch } from '../../src/leak/canary/watch.js';
import { type FakeElasticsearch, start } from '../support/fake-elasticsearch.js';
import {
  callGuard,
  PEOPLE_MAPPINGS,
  startMisbehavingUpstream,
  startWebhook,
  syntheticPeople,
  type TestUpstream,
} from '../support/guard-upstreams.js';

const KEY = 'k'.repeat(64);
const JWT_SECRET = 'j'.repeat(48);
const env = { LEAKGUARD_KEY: KEY, GUARD_JWT_SECRET: JWT_SECRET };

let dir: string;
let es: FakeElasticsearch;
const guards: Guard[] = [];
const upstreams: TestUpstream[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lg-guard-'));
  es = await start({
    seed: {
      people: { mappings: PEOPLE_MAPPINGS, docs: syntheticPeople(300) },
      secrets: { docs: [{ _id: 's1', token: 'internal' }] },
    },
  });
});
afterAll(async () => {
  await es.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const g of guards.splice(0)) await g.close();
  for (const u of upstreams.splice(0)) await u.close();
});

function configText(upstream: string, extra = '', roles = '', anomaly = 'anomaly: { enabled: false }'): string {
  return `
upstream: { url: ${upstream}, timeoutMs: 1500, connectTimeoutMs: 1000 }
listen: { host: 127.0.0.1, port: 0 }
auth: { apiKeys: true, jwt: { secretEnv: GUARD_JWT_SECRET } }
${anomaly}
roles:
  analyst:
    indices: [people*]
    maxPageSize: 50
    maxFrom: 500
    fields: { deny: [id_card] }
  pager:
    indices: [people]
    maxPageSize: 20
    quota: { records: { minute: 50 } }
  scroller:
    indices: [people]
    scroll: true
    pit: true
    maxScrollPages: 3
  admin:
    admin: true
    clearWithPurpose: true
${roles}
${extra}
`;
}

let n = 0;
async function startGuard(
  text: string,
  opts: { canary?: CanaryMatcher; now?: () => number; db?: SqlDb } = {},
): Promise<{ guard: Guard; keys: Record<string, string>; db: SqlDb }> {
  const file = join(dir, `guard-${++n}.yaml`);
  writeFileSync(file, text);
  const cfg = parseGuardConfig(text, file);
  const db = opts.db ?? (await openSqlite(join(dir, `catalog-${n}.db`)));
  const logs: unknown[] = [];
  const guard = await createGuard({
    config: cfg,
    configPath: file,
    db,
    env,
    log: (l) => logs.push(l),
    alertBackoffMs: 5,
    ...(opts.canary ? { canary: opts.canary } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  guards.push(guard);
  const keys: Record<string, string> = {};
  for (const role of ['analyst', 'pager', 'scroller', 'admin']) {
    keys[role] = (await createApiKey(db, { principal: `${role}-user`, role })).key;
  }
  keys.other = (await createApiKey(db, { principal: 'other-user', role: 'scroller' })).key;
  await guard.reload();
  await guard.listen();
  return { guard, keys, db };
}

const call = callGuard;

describe('guard over real sockets', () => {
  it('refuses anonymous callers with 401 and bad keys with 401', async () => {
    const { guard } = await startGuard(configText(es.url));
    const anon = await call(guard.url, 'POST', '/people/_search', { body: { size: 1 } });
    expect(anon.status).toBe(401);
    expect(anon.headers['www-authenticate']).toContain('ApiKey');
    expect(anon.json().error.code).toBe('LG_GUARD_UNAUTHENTICATED');
    const bad = await call(guard.url, 'POST', '/people/_search', {
      key: 'lgk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      body: {},
    });
    expect(bad.status).toBe(401);
    const weird = await call(guard.url, 'GET', '/people/_search', { headers: { authorization: 'Basic dTpw' } });
    expect(weird.status).toBe(401);
  });

  it('refuses a role outside its indices and admin-only endpoints with 403', async () => {
    const { guard, keys } = await startGuard(configText(es.url));
    const other = await call(guard.url, 'POST', '/secrets/_search', { key: keys.analyst, body: {} });
    expect(other.status).toBe(403);
    expect(other.json().error.code).toBe('LG_GUARD_NOT_ALLOWED');
    for (const [m, p] of [
      ['POST', '/_bulk'],
      ['GET', '/_cat/indices'],
      ['POST', '/_reindex'],
      ['PUT', '/_snapshot/repo'],
      ['PUT', '/_cluster/settings'],
      ['DELETE', '/people'],
      ['POST', '/*/_search'],
      ['POST', '/_search'],
      ['POST', '/people,secrets/_search'],
      ['POST', '/peo*,sec*/_search'],
    ] as const) {
      const r = await call(guard.url, m, p, { key: keys.analyst, body: m === 'GET' ? undefined : {} });
      expect(r.status, `${m} ${p}`).toBe(403);
    }
    // Nothing refused reached the upstream.
    expect(es.requests.some((r) => r.path.includes('secrets'))).toBe(false);
    const bulk = await call(guard.url, 'POST', '/_bulk', {
      key: keys.admin,
      body: '{"index":{"_index":"scratch","_id":"1"}}\n{"a":1}\n',
    });
    expect(bulk.status).toBe(200);
  });

  it('masks for the analyst (138****5678); the admin sees the full number only with a purpose', async () => {
    const { guard, keys, db } = await startGuard(configText(es.url));
    const q = { query: { ids: { values: ['p0'] } } };
    const analyst = await call(guard.url, 'POST', '/people/_search', { key: keys.analyst, body: q });
    expect(analyst.status).toBe(200);
    const hit = analyst.json().hits.hits[0];
    expect(hit._source.phone).toBe('138****5678');
    expect(hit._source.note).toContain('138****5678');
    expect(hit._source.id_card).toBeNull(); // denied field
    expect(analyst.text).not.toContain('13812345678');
    const adminNoPurpose = await call(guard.url, 'POST', '/people/_search', { key: keys.admin, body: q });
    expect(adminNoPurpose.json().hits.hits[0]._source.phone).toBe('138****5678');
    const adminPurpose = await call(guard.url, 'POST', '/people/_search', {
      key: keys.admin,
      body: q,
      headers: { 'x-leakguard-purpose': 'fraud case 2024-117' },
    });
    const src = adminPurpose.json().hits.hits[0]._source;
    expect(src.phone).toBe('13812345678');
    expect(src.id_card).toMatch(/^[0-9]{17}[0-9X]$/);
    await guard.flush();
    const rows = await db.all<{
      principal: string;
      purpose: string | null;
      types: string;
      masked: number;
      records: number;
      query: string;
    }>('SELECT principal, purpose, types, masked, records, query FROM lg_guard_audit ORDER BY seq');
    const last = rows[rows.length - 1]!;
    expect(last.principal).toBe('admin-user');
    expect(last.purpose).toBe('fraud case 2024-117');
    expect(JSON.parse(last.types)).toHaveProperty('CN_MOBILE');
    expect(last.records).toBe(1);
    const first = rows.find((r) => r.principal === 'analyst-user')!;
    expect(first.masked).toBeGreaterThanOrEqual(3);
    // Nothing in the audit log is a clear value.
    const all = JSON.stringify(await db.all('SELECT * FROM lg_guard_audit'));
    expect(all).not.toContain('13812345678');
  });

  it('refuses queries naming a denied field and requests over the page caps', async () => {
    const { guard, keys } = await startGuard(configText(es.url));
    const term = await call(guard.url, 'POST', '/people/_search', {
      key: keys.analyst,
      body: { query: { term: { id_card: 'x' } } },
    });
    expect(term.status).toBe(403);
    const aggs = await call(guard.url, 'POST', '/people/_search', {
      key: keys.analyst,
      body: { aggs: { a: { terms: { field: 'phone' } } } },
    });
    expect(aggs.status).toBe(403);
    const big = await call(guard.url, 'POST', '/people/_search', { key: keys.analyst, body: { size: 51 } });
    expect(big.status).toBe(400);
    expect(big.json().error.code).toBe('LG_GUARD_LIMIT');
    const deep = await call(guard.url, 'GET', '/people/_search?from=480&size=50', { key: keys.analyst });
    expect(deep.status).toBe(400);
    const ok = await call(guard.url, 'GET', '/people/_search?from=450&size=50', { key: keys.analyst });
    expect(ok.status).toBe(200);
    expect(ok.json().hits.hits).toHaveLength(0); // 300 people
  });

  it('throttles a caller paging through an index at its quota (429) and fires an alert (webhook + catalog)', async () => {
    const hook = await startWebhook(1);
    const { guard, keys, db } = await startGuard(
      configText(es.url, `alerts: { webhook: { url: ${hook.url}, retries: 3, timeoutMs: 2000 } }`),
    );
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let from = 0; from < 200; from += 20) {
      const r = await call(guard.url, 'POST', '/people/_search', {
        key: keys.pager,
        body: { from, size: 20, sort: ['_doc'] },
      });
      statuses.push(r.status);
      if (r.status === 429) {
        retryAfter = r.headers['retry-after'] as string;
        break;
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    await guard.flush();
    await hook.close();
    const alerts = await listAlerts(db, { kind: 'quota' });
    expect(alerts.length).toBe(1);
    expect(alerts[0]!.principal).toBe('pager-user');
    expect(alerts[0]!.delivered).toBe(true);
    expect(hook.attempts()).toBe(2); // one 503, one retry
    expect(hook.received[0]).toMatchObject({ kind: 'quota', principal: 'pager-user' });
    // Others are not affected.
    const other = await call(guard.url, 'POST', '/people/_search', { key: keys.analyst, body: { size: 5 } });
    expect(other.status).toBe(200);
  });

  it('refuses a scroll over everything by a non-admin; binds scrolls to their owner; caps scroll pages', async () => {
    const { guard, keys } = await startGuard(configText(es.url));
    const refused = await call(guard.url, 'POST', '/people/_search?scroll=1m', {
      key: keys.analyst,
      body: { size: 50 },
    });
    expect(refused.status).toBe(403);
    expect(refused.json().error.message).toContain('scroll');
    const all = await call(guard.url, 'POST', '/_all/_search?scroll=1m', { key: keys.scroller, body: { size: 10 } });
    expect(all.status).toBe(403);
    const open = await call(guard.url, 'POST', '/people/_search?scroll=1m', { key: keys.scroller, body: { size: 10 } });
    expect(open.status).toBe(200);
    const id = open.json()._scroll_id as string;
    expect(id).toMatch(/^\S{8,}$/);
    const stolen = await call(guard.url, 'POST', '/_search/scroll', {
      key: keys.other,
      body: { scroll: '1m', scroll_id: id },
    });
    expect(stolen.status).toBe(403);
    const p2 = await call(guard.url, 'POST', '/_search/scroll', {
      key: keys.scroller,
      body: { scroll: '1m', scroll_id: id },
    });
    expect(p2.status).toBe(200);
    expect(p2.json().hits.hits).toHaveLength(10);
    expect(p2.text).not.toContain('13812345678');
    const p3 = await call(guard.url, 'POST', '/_search/scroll', {
      key: keys.scroller,
      body: { scroll: '1m', scroll_id: id },
    });
    expect(p3.status).toBe(200);
    const p4 = await call(guard.url, 'POST', '/_search/scroll', {
      key: keys.scroller,
      body: { scroll: '1m', scroll_id: id },
    });
    expect(p4.status).toBe(400);
    expect(p4.json().error.code).toBe('LG_GUARD_LIMIT');
  });

  it('refuses an oversized request body (413), an over-long purpose is cut, HEAD works', async () => {
    const { guard, keys, db } = await startGuard(
      configText(es.url, 'limits: { maxRequestBytes: 1024, maxPurposeChars: 20 }'),
    );
    const big = await call(guard.url, 'POST', '/people/_search', {
      key: keys.analyst,
      body: { query: { match_all: {} }, pad: 'x'.repeat(2000) },
    });
    expect(big.status).toBe(413);
    const head = await call(guard.url, 'HEAD', '/people', { key: keys.analyst });
    expect(head.status).toBe(200);
    const purpose = 'p'.repeat(50);
    await call(guard.url, 'POST', '/people/_search', {
      key: keys.admin,
      body: { size: 1 },
      headers: { 'x-leakguard-purpose': purpose },
    });
    await guard.flush();
    const row = await db.get<{ purpose: string }>('SELECT purpose FROM lg_guard_audit WHERE purpose IS NOT NULL');
    expect(row?.purpose).toBe('p'.repeat(20));
  });

  it('binds a point in time to the principal that opened it', async () => {
    const { guard, keys } = await startGuard(configText(es.url));
    expect((await call(guard.url, 'POST', '/people/_pit?keep_alive=1m', { key: keys.analyst })).status).toBe(403);
    const open = await call(guard.url, 'POST', '/people/_pit?keep_alive=1m', { key: keys.scroller });
    expect(open.status).toBe(200);
    const id = open.json().id as string;
    const body = { size: 5, pit: { id, keep_alive: '1m' }, sort: [{ _shard_doc: 'asc' }] };
    const mine = await call(guard.url, 'POST', '/_search', { key: keys.scroller, body });
    expect(mine.status).toBe(200);
    expect(mine.json().hits.hits).toHaveLength(5);
    expect(mine.text).not.toContain('13812345678');
    expect((await call(guard.url, 'POST', '/_search', { key: keys.other, body })).status).toBe(403);
    expect((await call(guard.url, 'POST', '/_search', { key: keys.analyst, body })).status).toBe(403);
  });

  it('detects one tampered, removed or reordered audit row', async () => {
    const { guard, keys, db } = await startGuard(configText(es.url));
    for (let i = 0; i < 5; i++)
      await call(guard.url, 'POST', '/people/_search', { key: keys.analyst, body: { size: 2 } });
    await call(guard.url, 'GET', '/people/_search');
    await guard.flush();
    const ok = await verifyAudit(db);
    expect(ok.ok).toBe(true);
    expect(ok.rows).toBe(6);
    await db.run('UPDATE lg_guard_audit SET records = 0 WHERE seq = 3');
    const edited = await verifyAudit(db);
    expect(edited.ok).toBe(false);
    expect(edited.problems[0]).toMatchObject({ seq: 3 });
    expect(edited.problems[0]!.problem).toContain('edited');
    await db.run('UPDATE lg_guard_audit SET records = 2 WHERE seq = 3');
    expect((await verifyAudit(db)).ok).toBe(true);
    await db.run('DELETE FROM lg_guard_audit WHERE seq = 6');
    const tail = await verifyAudit(db);
    expect(tail.ok).toBe(false);
    expect(tail.problems[0]!.problem).toContain('removed at the end');
  });

  it('answers 502/504 without upstream details when the upstream is down, slow, resets or sends bad data', async () => {
    const dead = await startMisbehavingUpstream('slow');
    const deadUrl = dead.url;
    await dead.close(); // nothing listens there now
    const cases: Array<[string, number]> = [];
    const { guard: g1, keys: k1 } = await startGuard(configText(deadUrl));
    const down = await call(g1.url, 'POST', '/people/_search', { key: k1.analyst, body: {} });
    cases.push(['down', down.status]);
    expect(down.text).not.toContain('127.0.0.1');
    expect(down.text).not.toContain('ECONNREFUSED');
    for (const how of ['slow', 'reset', 'malformed', 'gzip'] as const) {
      const up = await startMisbehavingUpstream(how);
      upstreams.push(up);
      const { guard, keys } = await startGuard(configText(up.url));
      const r = await call(guard.url, 'POST', '/people/_search', { key: keys.analyst, body: {} });
      cases.push([how, r.status]);
      expect(r.text).not.toContain('secret-host');
      expect(r.text).not.toContain(up.url);
      expect(r.json().error.code).toMatch(/^LG_GUARD_UPSTREAM/);
      // The guard is alive after it.
      expect((await call(guard.url, 'GET', '/_guard/health')).status).toBe(200);
    }
    expect(cases).toEqual([
      ['down', 502],
      ['slow', 504],
      ['reset', 502],
      ['malformed', 502],
      ['gzip', 502],
    ]);
  });

  it('closes the connection rather than send clear data when upstream JSON breaks mid-stream', async () => {
    for (const how of ['malformed-late', 'reset-mid-body'] as const) {
      const up = await startMisbehavingUpstream(how);
      upstreams.push(up);
      const { guard, keys, db } = await startGuard(configText(up.url));
      let received = '';
      const outcome = await new Promise<string>((resolve) => {
        const req = httpRequest(new URL('/people/_search', guard.url), {
          method: 'POST',
          headers: { authorization: `ApiKey ${keys.analyst}`, 'content-type': 'application/json' },
        });
        req.on('response', (res) => {
          res.on('data', (c: Buffer) => {
            received += c.toString('utf8');
          });
          res.on('end', () => resolve('end'));
          res.on('error', () => resolve('error'));
          res.on('aborted', () => resolve('aborted'));
        });
        req.on('error', () => resolve('error'));
        req.end('{}');
      });
      expect(outcome).not.toBe('end');
      expect(received.length).toBeGreaterThan(0);
      expect(received).not.toContain('13812345678');
      expect(received).not.toContain('garbage');
      expect((await call(guard.url, 'GET', '/_guard/health')).status).toBe(200);
      await guard.flush();
      const row = await db.get<{ decision: string }>('SELECT decision FROM lg_guard_audit ORDER BY seq DESC LIMIT 1');
      expect(row?.decision).toBe('error');
    }
  });

  it('masks a large response as a stream: output flows while the upstream is still sending', async () => {
    const up = await startMisbehavingUpstream({ bigSearch: { bytes: 8 * 1024 * 1024 } });
    upstreams.push(up);
    const { guard, keys } = await startGuard(configText(up.url));
    const reached = up.holdAfter(3 * 1024 * 1024);
    let got = 0;
    let sawClear = false;
    let tail = '';
    let firstChunkBeforeRelease = false;
    const done = new Promise<number>((resolve, reject) => {
      const req = httpRequest(new URL('/people/_search', guard.url), {
        method: 'POST',
        headers: { authorization: `ApiKey ${keys.admin}`, 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        res.on('data', (c: Buffer) => {
          got += c.length;
          const s = tail + c.toString('latin1');
          if (s.includes('13812345678')) sawClear = true;
          tail = s.slice(-16);
        });
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end('{}');
    });
    await reached;
    // The upstream is paused at 3 MiB of 8: the client must already have masked output.
    await new Promise<void>((r) => {
      const check = () => (got > 1024 * 1024 ? r() : setTimeout(check, 10));
      check();
    });
    firstChunkBeforeRelease = up.written() < 8 * 1024 * 1024;
    up.release();
    expect(await done).toBe(200);
    expect(firstChunkBeforeRelease).toBe(true);
    expect(sawClear).toBe(false);
    expect(got).toBeGreaterThan(6.5 * 1024 * 1024);
  });

  it('raises a critical alert when a response holds a canary (fake matcher)', async () => {
    const canary: CanaryMatcher = {
      match: (text) => (text.includes('13812345678') ? [{ label: 'canary-p0' }] : []),
    };
    const { guard, keys, db } = await startGuard(configText(es.url), { canary });
    const r = await call(guard.url, 'POST', '/people/_search', {
      key: keys.analyst,
      body: { query: { ids: { values: ['p0'] } } },
    });
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('13812345678');
    const other = await call(guard.url, 'POST', '/people/_search', {
      key: keys.pager,
      body: { query: { ids: { values: ['p5'] } } },
    });
    expect(other.status).toBe(200);
    await guard.flush();
    const alerts = await listAlerts(db, { kind: 'canary' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'critical', principal: 'analyst-user' });
    expect(alerts[0]!.detail.labels).toEqual(['canary-p0']);
  });

  it('behind a trusted proxy audits the address the proxy appended, not one the client wrote', async () => {
    const { guard, keys, db } = await startGuard(configText(es.url, 'trustProxy: true'));
    const from = async (xff: string | undefined): Promise<unknown> => {
      const r = await call(guard.url, 'POST', '/people/_count', {
        key: keys.analyst,
        body: {},
        headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
      });
      expect(r.status).toBe(200);
      await guard.flush();
      let last: { client?: unknown } = {};
      for await (const line of exportAudit(db)) last = JSON.parse(line);
      return last.client;
    };
    // The first entry is the client's own claim; the proxy appended the last one.
    expect(await from('203.0.113.9, 10.1.2.3')).toBe('10.1.2.3');
    expect(await from('[2001:db8::7]:4711')).toBe('2001:db8::7');
    // Garbage or nothing: the socket's peer.
    expect(await from('203.0.113.9, not-an-address')).toMatch(/127\.0\.0\.1$/);
    expect(await from(undefined)).toMatch(/127\.0\.0\.1$/);
  });

  it('alerts on planted canaries through the real registry: string and number values, plants made after start', async () => {
    const catalog = join(dir, 'canary-catalog.db');
    const plant = async (label: string): Promise<Record<string, string>[]> => {
      const registry = await CanaryRegistry.open(catalog);
      let printed = '';
      try {
        await plantCanaries({
          key: loadCanaryKey({ env }),
          registry,
          label,
          count: 2,
          into: '-',
          format: 'ndjson',
          env,
          cwd: dir,
          print: (t) => {
            printed += t;
          },
        });
      } finally {
        await registry.close();
      }
      return printed
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, string>);
    };
    const index = async (name: string, docs: Record<string, unknown>[]): Promise<void> => {
      for (const [i, d] of docs.entries()) {
        const r = await fetch(`${es.url}/${name}/_doc/c${i}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(d),
        });
        expect(r.ok).toBe(true);
      }
    };
    const first = await plant('crm-prod');
    // Only the phone, stored as a number (a BIGINT column served as JSON): the guard must still see it.
    await index('people-crm', [{ note: 'imported', phone: Number(first[0]?.phone) }]);
    const watch = await loadCanaryWatch({ catalog, env });
    const { guard, keys, db } = await startGuard(configText(es.url), { canary: watch, db: await openSqlite(catalog) });
    const read = async (idx: string) => {
      const r = await call(guard.url, 'POST', `/${idx}/_search`, { key: keys.analyst, body: { size: 10 } });
      expect(r.status).toBe(200);
      return r.text;
    };
    const text = await read('people-crm');
    expect(text).not.toContain(String(first[0]?.phone));
    await guard.flush();
    let alerts = await listAlerts(db, { kind: 'canary' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.detail.labels).toEqual(['crm-prod']);

    // A plant made while the guard runs: seen after a reload (SIGHUP), without a restart. The same principal
    // reading another plant within the alert dedupe window still raises its own alert.
    const second = await plant('hr-prod');
    await index('people-hr', [{ contact: `${second[1]?.email}`, id: second[1]?.resident_id }]);
    await read('people-hr');
    await guard.flush();
    expect(await listAlerts(db, { kind: 'canary' })).toHaveLength(1);
    expect(await guard.reload()).toBe(true);
    expect(watch.plants).toBe(2);
    await read('people-hr');
    await guard.flush();
    alerts = await listAlerts(db, { kind: 'canary' });
    expect(alerts).toHaveLength(2);
    expect(alerts.flatMap((a) => a.detail.labels)).toContain('hr-prod');
    // Nothing to reload: the watch says so.
    expect(await watch.refresh()).toBe(false);
  });

  it('flags a principal whose volume jumps far above its baseline (EWMA z-score) and throttles it', async () => {
    let clock = Date.UTC(2026, 0, 1);
    const { guard, keys, db } = await startGuard(
      configText(
        es.url,
        '',
        '',
        'anomaly: { enabled: true, bucketSeconds: 60, alpha: 0.3, zThreshold: 4, minBuckets: 3, minRecords: 30, action: throttle }',
      ),
      { now: () => clock },
    );
    for (let b = 0; b < 4; b++) {
      for (let i = 0; i < 2; i++) {
        const r = await call(guard.url, 'POST', '/people/_search', {
          key: keys.analyst,
          body: { size: 3, from: i * 3 },
        });
        expect(r.status).toBe(200);
      }
      clock += 60_000;
    }
    const statuses: number[] = [];
    for (let from = 0; from < 300; from += 50) {
      const r = await call(guard.url, 'POST', '/people/_search', { key: keys.analyst, body: { size: 50, from } });
      statuses.push(r.status);
      if (r.status === 429) break;
    }
    expect(statuses[statuses.length - 1]).toBe(429);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(2);
    await guard.flush();
    const alerts = await listAlerts(db, { kind: 'anomaly' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.detail.action).toBe('throttle');
    clock += 60_000;
    expect((await call(guard.url, 'POST', '/people/_search', { key: keys.analyst, body: { size: 1 } })).status).toBe(
      200,
    );
  });

  it('accepts a JWT signed with the shared secret and refuses a forged one', async () => {
    const { guard } = await startGuard(configText(es.url));
    const sign = (secret: string, claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('bob')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(secret));
    const good = await call(guard.url, 'POST', '/people/_search', {
      bearer: await sign(JWT_SECRET, { role: 'analyst' }),
      body: { size: 1 },
    });
    expect(good.status).toBe(200);
    expect(good.text).not.toContain('13812345678'); // size 1: the first person, whose phone is fixed
    const forged = await call(guard.url, 'POST', '/people/_search', {
      bearer: await sign('x'.repeat(48), { role: 'admin' }),
      body: {},
    });
    expect(forged.status).toBe(401);
    const unknownRole = await call(guard.url, 'POST', '/people/_search', {
      bearer: await sign(JWT_SECRET, { role: 'root' }),
      body: {},
    });
    expect(unknownRole.status).toBe(403);
  });

  it('verifies JWTs against a JWKS endpoint (RS256), with issuer and audience', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    try {
      const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
      const text = configText(es.url).replace(
        'auth: { apiKeys: true, jwt: { secretEnv: GUARD_JWT_SECRET } }',
        `auth: { apiKeys: true, jwt: { jwksUrl: ${jwksUrl}, issuer: https://idp.example, audience: leakguard, roleClaim: groups_role } }`,
      );
      const { guard } = await startGuard(text);
      const sign = (claims: Record<string, unknown>, iss = 'https://idp.example') =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setSubject('dana')
          .setIssuer(iss)
          .setAudience('leakguard')
          .setExpirationTime('5m')
          .sign(privateKey);
      const ok = await call(guard.url, 'POST', '/people/_search', {
        bearer: await sign({ groups_role: 'analyst' }),
        body: { size: 1 },
      });
      expect(ok.status).toBe(200);
      const wrongIssuer = await call(guard.url, 'POST', '/people/_search', {
        bearer: await sign({ groups_role: 'analyst' }, 'https://evil.example'),
        body: {},
      });
      expect(wrongIssuer.status).toBe(401);
      const noRole = await call(guard.url, 'POST', '/people/_search', { bearer: await sign({}), body: {} });
      expect(noRole.status).toBe(401);
      await guard.flush();
      const row = await guard.db.get<{ principal: string }>('SELECT principal FROM lg_guard_audit WHERE status = 200');
      expect(row?.principal).toBe('dana');
    } finally {
      await new Promise<void>((r) => jwks.close(() => r()));
    }
  });

  it('reloads configuration and keys without dropping a request in flight', async () => {
    const up = await startMisbehavingUpstream({ bigSearch: { bytes: 2 * 1024 * 1024 } });
    upstreams.push(up);
    const text = configText(up.url);
    const { guard, keys, db } = await startGuard(text);
    const reached = up.holdAfter(512 * 1024);
    const inflight = call(guard.url, 'POST', '/people/_search', { key: keys.admin, body: {} });
    await reached;
    // Revoke a key and reload while the response is half sent.
    const id = keys.pager!.split('_')[1]!;
    expect(await revokeApiKey(db, id)).toBe(true);
    expect(await guard.reload()).toBe(true);
    up.release();
    const r = await inflight;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).hits.hits.length).toBeGreaterThan(1000);
    expect((await call(guard.url, 'POST', '/people/_search', { key: keys.pager, body: {} })).status).toBe(401);
    // An invalid configuration is refused and the running one kept.
    expect(await guard.reload(undefined)).toBe(true);
    const bad = await guard.reload({
      ...parseGuardConfig(text, 'x.yaml'),
      roles: { analyst: { ...parseGuardConfig(text, 'x.yaml').roles.analyst!, policy: '/nonexistent/policy.yaml' } },
    });
    expect(bad).toBe(false);
    expect((await call(guard.url, 'POST', '/people/_search', { key: keys.analyst, body: { size: 1 } })).status).toBe(
      200,
    );
  });

  it('serves health and Prometheus metrics', async () => {
    const { guard, keys } = await startGuard(configText(es.url));
    await call(guard.url, 'POST', '/people/_search', { key: keys.analyst, body: { size: 2 } });
    await call(guard.url, 'POST', '/people/_search', { body: {} });
    const health = await call(guard.url, 'GET', '/_guard/health');
    expect(health.json().status).toBe('ok');
    const m = await call(guard.url, 'GET', '/_guard/metrics');
    expect(m.headers['content-type']).toContain('text/plain');
    expect(m.text).toContain(
      'leakguard_guard_requests_total{role="analyst",endpoint="search",decision="allow",status="2xx"} 1',
    );
    expect(m.text).toContain(
      'leakguard_guard_requests_total{role="none",endpoint="unknown",decision="deny",status="4xx"} 1',
    );
    expect(m.text).toContain('leakguard_guard_records_total{role="analyst"} 2');
    expect(m.text).toContain('leakguard_guard_request_duration_seconds_count{role="analyst"} 1');
  });

  it('keeps clean-value caches per role: a phone one role keeps is still masked for the next role', async () => {
    // Clean values are cached per policy across responses; a cache shared by roles would serve the kept phone
    // to the analyst in clear.
    writeFileSync(
      join(dir, 'keep-phone.yaml'),
      'rules:\n  - { column: phone, action: keep }\ndefault: { action: mask }\n',
    );
    const { guard, keys, db } = await startGuard(
      configText(es.url, '', '  keeper:\n    indices: [people*]\n    policy: keep-phone.yaml'),
    );
    const keeper = (await createApiKey(db, { principal: 'keeper-user', role: 'keeper' })).key;
    await guard.reload();
    const q = { query: { ids: { values: ['p0'] } } };
    for (let round = 0; round < 2; round++) {
      const kept = await call(guard.url, 'POST', '/people/_search', { key: keeper, body: q });
      expect(kept.json().hits.hits[0]._source.phone).toBe('13812345678');
      const masked = await call(guard.url, 'POST', '/people/_search', { key: keys.analyst, body: q });
      expect(masked.json().hits.hits[0]._source.phone).toBe('138****5678');
      expect(masked.text).not.toContain('13812345678');
    }
  });

  it('sends a small masked response whole, with its length instead of chunks', async () => {
    const { guard, keys } = await startGuard(configText(es.url));
    const r = await call(guard.url, 'POST', '/people/_search', {
      key: keys.analyst,
      body: { query: { ids: { values: ['p0', 'p1'] } } },
    });
    expect(r.status).toBe(200);
    expect(r.headers['transfer-encoding']).toBeUndefined();
    expect(r.headers['content-length']).toBe(String(Buffer.byteLength(r.text)));
    expect(r.json().hits.hits[0]._source.phone).toBe('138****5678');
  });
});
