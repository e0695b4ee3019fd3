/**
 * The guard with shared services: quotas in real Redis shared by two guard instances, the audit chain in real
 * PostgreSQL (two instances appending to one chain), generic mode in front of a plain JSON API, and TLS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, openSqlite, type SqlDb } from '../../src/catalog/sql.js';
import { listAlerts } from '../../src/guard/alerts.js';
import { verifyAudit } from '../../src/guard/audit.js';
import { parseGuardConfig } from '../../src/guard/config.js';
import { createGuard, type Guard } from '../../src/guard/guard.js';
import { createApiKey } from '../../src/guard/keys.js';
import { type FakeElasticsearch, start } from '../support/fake-elasticsearch.js';
import { PEOPLE_MAPPINGS, syntheticPeople } from '../support/guard-upstreams.js';
import { PG_URL, REDIS_URL, requireService } from '../support/services.js';

let dir: string;
let es: FakeElasticsearch;
const guards: Guard[] = [];
const env = { LEAKGUARD_KEY: 'b'.repeat(64) };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lg-guard-svc-'));
  es = await start({ seed: { people: { mappings: PEOPLE_MAPPINGS, docs: syntheticPeople(100) } } });
});
afterAll(async () => {
  await es.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const g of guards.splice(0)) await g.close();
});

async function guardOn(text: string, db: SqlDb): Promise<Guard> {
  const g = await createGuard({ config: parseGuardConfig(text, join(dir, 'g.yaml')), db, env });
  guards.push(g);
  await g.listen();
  return g;
}

async function search(url: string, key: string, body: unknown = { size: 10 }): Promise<number> {
  const r = await fetch(`${url}/people/_search`, {
    method: 'POST',
    headers: { authorization: `ApiKey ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  await r.arrayBuffer();
  return r.status;
}

describe('guard with shared services', () => {
  it('shares quota counters between two guard instances through Redis', async () => {
    const prefix = `lg:guard:test:${Date.now()}:`;
    const text = `upstream: { url: ${es.url} }
listen: { port: 0 }
quotas: { redis: ${REDIS_URL}, prefix: '${prefix}' }
anomaly: { enabled: false }
roles:
  pager: { indices: [people], maxPageSize: 20, quota: { records: { minute: 30 } } }
`;
    const db = await openSqlite(join(dir, 'redis.db'));
    const a = await requireService('Redis', REDIS_URL, 'LEAKGUARD_TEST_REDIS_URL', () => guardOn(text, db));
    const b = await guardOn(text, db);
    const { key } = await createApiKey(db, { principal: 'pat', role: 'pager' });
    await a.reload();
    await b.reload();
    expect(await search(a.url, key, { size: 20 })).toBe(200); // 20 records through A
    expect(await search(b.url, key, { size: 20 })).toBe(200); // 40 in total: over, seen by both
    expect(await search(a.url, key)).toBe(429);
    expect(await search(b.url, key)).toBe(429);
    await a.flush();
    await b.flush();
    expect((await listAlerts(db, { kind: 'quota' })).length).toBeGreaterThanOrEqual(1);
    await db.close();
  });

  it('keeps one audit chain in PostgreSQL across two instances and detects a tampered row', async () => {
    const db = await requireService('PostgreSQL', PG_URL, 'LEAKGUARD_TEST_PG_URL', () => openPostgres(PG_URL));
    await db.exec(
      "DROP TABLE IF EXISTS lg_guard_audit, lg_guard_head, lg_guard_keys, lg_guard_alerts; CREATE TABLE IF NOT EXISTS lg_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version)); DELETE FROM lg_migrations WHERE module = 'guard'",
    );
    const text = `upstream: { url: ${es.url} }
listen: { port: 0 }
roles:
  analyst: { indices: [people] }
`;
    const a = await guardOn(text, db);
    const b = await guardOn(text, db);
    const { key } = await createApiKey(db, { principal: 'ann', role: 'analyst' });
    await a.reload();
    await b.reload();
    const all = [];
    for (let i = 0; i < 10; i++) all.push(search(i % 2 ? a.url : b.url, key, { size: 3 }));
    expect(await Promise.all(all)).toEqual(Array(10).fill(200));
    await a.flush();
    await b.flush();
    expect(a.audit.failures + b.audit.failures).toBe(0);
    const v = await verifyAudit(db);
    expect(v).toMatchObject({ ok: true, rows: 10 });
    await db.run('UPDATE lg_guard_audit SET records = 99 WHERE seq = 4');
    const t = await verifyAudit(db);
    expect(t.ok).toBe(false);
    expect(t.problems[0]?.seq).toBe(4);
    for (const g of guards.splice(0)) await g.close();
    await db.close();
  });

  it('guards a generic JSON API by path rules, counting records at the configured path', async () => {
    const api: Server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.startsWith('/api/users')) {
        res.end(
          JSON.stringify({ items: syntheticPeople(5).map((p) => ({ name: p.name, mobile: p.phone })), next: null }),
        );
      } else res.end('{"ok":true}');
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const port = (api.address() as AddressInfo).port;
    const db = await openSqlite(join(dir, 'generic.db'));
    const g = await guardOn(
      `upstream: { url: http://127.0.0.1:${port} }
listen: { port: 0 }
mode: generic
roles:
  reader: { paths: [/api/users], maxPageSize: 5 }
paths:
  - { path: /api/users, methods: [GET], records: '$.items[*]', sizeParam: limit }
  - { path: /api/admin/**, methods: [GET], adminOnly: true }
`,
      db,
    );
    const { key } = await createApiKey(db, { principal: 'rita', role: 'reader' });
    await g.reload();
    const h = { authorization: `ApiKey ${key}` };
    const ok = await fetch(`${g.url}/api/users?limit=5`, { headers: h });
    const body = (await ok.json()) as { items: { mobile: string }[] };
    expect(ok.status).toBe(200);
    expect(body.items[0]?.mobile).toBe('138****5678');
    expect((await fetch(`${g.url}/api/users?limit=50`, { headers: h })).status).toBe(400);
    expect((await fetch(`${g.url}/api/admin/x`, { headers: h })).status).toBe(403);
    expect((await fetch(`${g.url}/api/other`, { headers: h })).status).toBe(403);
    await g.flush();
    const row = await db.get<{ records: number }>('SELECT records FROM lg_guard_audit WHERE status = 200');
    expect(row?.records).toBe(5);
    await db.close();
    await new Promise<void>((r) => api.close(() => r()));
  });

  it('terminates TLS', async () => {
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
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'tls.key'),
        '-out',
        join(dir, 'tls.crt'),
      ],
      { stdio: 'ignore' },
    );
    const db = await openSqlite(join(dir, 'tls.db'));
    const g = await guardOn(
      `upstream: { url: ${es.url} }
listen: { port: 0, tls: { cert: ${join(dir, 'tls.crt')}, key: ${join(dir, 'tls.key')} } }
roles: { analyst: { indices: [people] } }
`,
      db,
    );
    expect(g.url.startsWith('https://')).toBe(true);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(
        `${g.url}/_guard/health`,
        { ca: readFileSync(join(dir, 'tls.crt')), timeout: 10_000 },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    await db.close();
  });
});
