/**
 * `leakguard audit endpoints` against real services on loopback (the machine's Redis without AUTH and
 * PostgreSQL with trust; a second redis-server with requirepass and a scram-only PostgreSQL cluster this suite
 * starts; the machine's MariaDB with an empty root password) and protocol-faithful fakes of Elasticsearch,
 * Kibana, MongoDB and S3. Only 127.0.0.1 is ever probed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEndpoints } from '../../src/audit/endpoints.js';
import { AuditStore } from '../../src/audit/store.js';
import { planTargets } from '../../src/audit/targets.js';
import type { AuditResult } from '../../src/audit/types.js';
import { Catalog } from '../../src/catalog/catalog.js';
import { createAnalyzer } from '../../src/detect/analyzer.js';
import { builtinRecognizers } from '../../src/detect/presets.js';
import { runAudit } from '../support/audit-cli.js';
import {
  type Running,
  startFakeKibana,
  startFakeS3,
  startGarbage,
  startSlowDrip,
  startStaticSite,
  startTarpit,
  startTlsServer,
} from '../support/audit-http.js';
import { type FakeMongo, startFakeMongo } from '../support/audit-mongodb.js';
import {
  freePort,
  type Started,
  startPostgresWithPassword,
  startRedis,
  startRedisWithPassword,
} from '../support/audit-services.js';
import { type FakeElasticsearch, start as startEs } from '../support/fake-elasticsearch.js';
import { MYSQL_URL, PG_URL, REDIS_URL } from '../support/services.js';

const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
const PEOPLE = [
  { name: '张伟', id_card: '11010519491231002X', phone: '13812345678' },
  { name: '李娜', id_card: '110105199003071239', phone: '13987654321' },
  { name: '王芳', id_card: '440308199901011234', phone: '15012345678' },
];

function hostPort(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port}`;
}

async function audit(targets: string[], o: Parameters<typeof auditEndpoints>[1] = {}): Promise<AuditResult[]> {
  return (await auditEndpoints(planTargets(targets).endpoints, { timeoutMs: 3000, ...o })).results;
}

describe('real services on loopback', () => {
  let redis2: Started;
  let pg2: Started;
  beforeAll(async () => {
    redis2 = await startRedisWithPassword('Xq7-audit-test-pw');
    pg2 = await startPostgresWithPassword('Zr4-audit-test-pw');
  });
  afterAll(async () => {
    await redis2?.close();
    await pg2?.close();
  });

  it('reports the machine Redis without AUTH as open', async () => {
    const [r] = await audit([hostPort(REDIS_URL)]);
    expect(r).toMatchObject({ service: 'redis', verdict: 'open' });
    expect(r!.reason).toMatch(/INFO answered without AUTH/);
  });

  it('reports a Redis with requirepass as auth-required (defaults refused)', async () => {
    const [r] = await audit([`redis://127.0.0.1:${redis2.port}`], { concurrency: 1 });
    expect(r).toMatchObject({ service: 'redis', verdict: 'auth-required' });
    expect(r!.reason).toMatch(/NOAUTH/);
  });

  it('a Redis of the suite is open, then auth-required once the test turns on requirepass', async () => {
    const own = await startRedis();
    const sock = await import('node:net');
    const { encodeCommand, parseResp } = await import('../../src/audit/probes/redis.js');
    /** One command over a raw socket (the suite's own server only: never the shared 6379). */
    const send = (args: string[]) =>
      new Promise<unknown>((resolve, reject) => {
        const c = sock.connect(own.port, '127.0.0.1');
        let buf = Buffer.alloc(0);
        c.on('error', reject);
        c.on('data', (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          const r = parseResp(buf);
          if (r) {
            c.destroy();
            resolve(r.value);
          }
        });
        c.write(encodeCommand(args));
      });
    try {
      const [before] = await audit([`redis://127.0.0.1:${own.port}`]);
      expect(before).toMatchObject({ service: 'redis', verdict: 'open' });
      expect(await send(['CONFIG', 'SET', 'requirepass', 'Kq2-turned-on-pw'])).toBe('OK');
      const [after] = await audit([`redis://127.0.0.1:${own.port}`]);
      expect(after).toMatchObject({ service: 'redis', verdict: 'auth-required' });
      expect(after!.reason).toMatch(/NOAUTH/);
    } finally {
      await own.close();
    }
  });

  it('reports a Redis whose password is a well-known default as weak-credentials', async () => {
    const weak = await startRedisWithPassword('foobared');
    try {
      const [r] = await audit([`redis://127.0.0.1:${weak.port}`]);
      expect(r).toMatchObject({ service: 'redis', verdict: 'weak-credentials' });
    } finally {
      await weak.close();
    }
  });

  it('reports the machine PostgreSQL with trust authentication as open, listing databases', async () => {
    const [r] = await audit([hostPort(PG_URL)]);
    expect(r).toMatchObject({ service: 'postgresql', verdict: 'open' });
    expect(r!.reason).toMatch(/trust authentication/);
    expect(r!.details?.containers).toContain(new URL(PG_URL).pathname.slice(1));
  });

  it('reports a PostgreSQL that requires a password as auth-required', async () => {
    const [r] = await audit([`postgres://127.0.0.1:${pg2.port}`]);
    expect(r).toMatchObject({ service: 'postgresql', verdict: 'auth-required' });
    expect(r!.reason).toMatch(/password required/);
  });

  it('reports MariaDB root with an empty password as weak-credentials', async () => {
    const [r] = await audit([hostPort(MYSQL_URL)]);
    expect(r).toMatchObject({ service: 'mysql', verdict: 'weak-credentials' });
    expect(r!.reason).toMatch(/empty password/);
    // With --no-defaults nothing is tried, and the reason does not claim a refusal.
    const [quiet] = await audit([hostPort(MYSQL_URL)], { tryDefaults: false });
    expect(quiet).toMatchObject({ service: 'mysql', verdict: 'auth-required' });
    expect(quiet!.reason).toMatch(/no password was tried \(--no-defaults\)/);
    expect(quiet!.reason).not.toMatch(/refused/);
  });

  it('samples an open PostgreSQL and counts personal data types without printing values', async () => {
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query('DROP TABLE IF EXISTS lg_audit_people');
      await client.query('CREATE TABLE lg_audit_people (id serial primary key, name text, id_card text, phone text)');
      for (const p of PEOPLE)
        await client.query('INSERT INTO lg_audit_people (name, id_card, phone) VALUES ($1, $2, $3)', [
          p.name,
          p.id_card,
          p.phone,
        ]);
      const [r] = await audit([hostPort(PG_URL)], { sample: 20, analyzer });
      expect(r!.exposed?.CN_RESIDENT_ID).toBeGreaterThanOrEqual(3);
      expect(r!.exposed?.CN_MOBILE).toBeGreaterThanOrEqual(3);
      expect(JSON.stringify(r)).not.toContain('13812345678');
    } finally {
      await client.query('DROP TABLE IF EXISTS lg_audit_people');
      await client.end();
    }
  });
});

describe('expanded targets', () => {
  it('a /32 block is probed on every default port; closed ports are not listed', async () => {
    const { results, skipped } = await auditEndpoints(planTargets(['127.0.0.1/32']).endpoints, { timeoutMs: 3000 });
    const byService = new Map(results.map((r) => [r.service, r.verdict]));
    expect(byService.get('redis')).toBe('open');
    expect(byService.get('postgresql')).toBe('open');
    expect(byService.get('mysql')).toBe('weak-credentials');
    expect(results.every((r) => r.verdict !== 'unreachable')).toBe(true);
    expect(results.length + skipped).toBe(10);
  });
});

describe('protocol-faithful fakes', () => {
  const running: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const r of running) await r.close();
  });
  async function keep<T extends { close(): Promise<void> }>(p: Promise<T>): Promise<T> {
    const r = await p;
    running.push(r);
    return r;
  }

  let es: FakeElasticsearch;
  let esAuth: FakeElasticsearch;
  beforeAll(async () => {
    es = await keep(startEs({ seed: { citizens: { docs: PEOPLE }, '.kibana': { docs: [{ a: 1 }] } } }));
    esAuth = await keep(
      startEs({ auth: { username: 'elastic', password: 'a-strong-Pw-91x' }, seed: { citizens: { docs: PEOPLE } } }),
    );
  });

  it('Redis in protected mode (no password, remote client) is reported as refusing remote clients', async () => {
    // What redis-server answers a non-loopback client when protected-mode is on and no password is set.
    const server = createServer((sock) => {
      sock.on('error', () => {});
      sock.on('data', () =>
        sock.write(
          '-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user.\r\n',
        ),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    running.push({ close: () => new Promise<void>((r) => server.close(() => r())) });
    const [r] = await audit([`redis://127.0.0.1:${(server.address() as AddressInfo).port}`]);
    expect(r).toMatchObject({ service: 'redis', verdict: 'auth-required' });
    expect(r!.reason).toMatch(/protected mode/);
  });

  it('Elasticsearch without security is open: indices, documents, search', async () => {
    const [r] = await audit([`es+${es.url}`], { sample: 10, analyzer });
    expect(r).toMatchObject({ service: 'elasticsearch', verdict: 'open' });
    expect(r!.details?.containers).toEqual(['citizens']);
    expect(r!.details?.records).toBe(3);
    expect(r!.exposed?.CN_RESIDENT_ID).toBe(3);
    expect(r!.sampled).toBe(3);
  });

  it('Elasticsearch with security is auth-required, and default passwords are refused', async () => {
    const [r] = await audit([hostPort(esAuth.url)]);
    expect(r).toMatchObject({ service: 'elasticsearch', verdict: 'auth-required' });
    expect(esAuth.requests.filter((q) => q.auth === 'Basic').length).toBeGreaterThanOrEqual(2);
  });

  it('Elasticsearch with the old elastic/changeme default is weak-credentials', async () => {
    const weak = await keep(
      startEs({ auth: { username: 'elastic', password: 'changeme' }, seed: { citizens: { docs: PEOPLE } } }),
    );
    const [r] = await audit([`es+${weak.url}`]);
    expect(r).toMatchObject({ service: 'elasticsearch', verdict: 'weak-credentials' });
    expect(r!.details?.user).toBe('elastic');
  });

  it('Kibana without login is open and reads Elasticsearch through the console proxy', async () => {
    const kb = await keep(startFakeKibana({ esUrl: es.url }));
    const [r] = await audit([`kibana+${kb.url}`], { sample: 5, analyzer });
    expect(r).toMatchObject({ service: 'kibana', verdict: 'open' });
    expect(r!.reason).toMatch(/console proxy/);
    expect(r!.exposed?.CN_MOBILE).toBe(3);
  });

  it('Kibana with security redirects to login: auth-required', async () => {
    const kb = await keep(startFakeKibana({ esUrl: esAuth.url, security: true }));
    const [r] = await audit([hostPort(kb.url)]);
    expect(r).toMatchObject({ service: 'kibana', verdict: 'auth-required' });
  });

  it('MongoDB without auth is open; with auth, listDatabases is refused', async () => {
    const open: FakeMongo = await keep(
      startFakeMongo({ databases: { crm: { users: PEOPLE.map((p) => ({ ...p })) } } }),
    );
    const closed: FakeMongo = await keep(startFakeMongo({ auth: true }));
    const [a, b] = await audit([`mongodb://127.0.0.1:${open.port}`, `mongodb://127.0.0.1:${closed.port}`], {
      sample: 10,
      analyzer,
    });
    expect(a).toMatchObject({ service: 'mongodb', verdict: 'open' });
    expect(a!.details?.containers).toContain('crm');
    expect(a!.details?.records).toBe(3);
    expect(a!.exposed?.CN_RESIDENT_ID).toBe(3);
    expect(b).toMatchObject({ service: 'mongodb', verdict: 'auth-required' });
    expect(b!.reason).toMatch(/Unauthorized/);
  });

  it('S3: a public bucket lists anonymously, a private one does not', async () => {
    const s3 = await keep(
      startFakeS3({
        buckets: {
          exports: {
            public: true,
            objects: {
              'users.csv': `name,id_card,phone\n${PEOPLE.map((p) => `${p.name},${p.id_card},${p.phone}`).join('\n')}\n`,
            },
          },
          private: { public: false, objects: { 'x.txt': 'x' } },
        },
      }),
    );
    const port = s3.port;
    const [pub, priv, root] = await audit(
      [`s3+http://127.0.0.1:${port}/exports`, `s3+http://127.0.0.1:${port}/private`, `127.0.0.1:${port}`],
      {
        sample: 10,
        analyzer,
      },
    );
    expect(pub).toMatchObject({ service: 's3', verdict: 'open' });
    expect(pub!.exposed?.CN_RESIDENT_ID).toBe(3);
    expect(priv).toMatchObject({ service: 's3', verdict: 'auth-required' });
    expect(root).toMatchObject({ service: 's3', verdict: 'auth-required' });
  });

  it('--sample estimates records per type in the whole store from the sample (records, not findings)', async () => {
    // 20 documents; the first 5 (the sample) hold 3 with an ID card, one of them with two.
    const docs = Array.from({ length: 20 }, (_, i) =>
      i === 0
        ? { name: 'a', id_card: PEOPLE[0]!.id_card, old_id_card: PEOPLE[1]!.id_card }
        : i % 2 === 0
          ? { name: 'b', id_card: PEOPLE[2]!.id_card }
          : { name: 'c', note: 'none' },
    );
    const big = await keep(startEs({ seed: { citizens: { docs } } }));
    const [r] = await audit([`es+${big.url}`], { sample: 5, analyzer });
    expect(r).toMatchObject({ service: 'elasticsearch', verdict: 'open', sampled: 5 });
    expect(r!.details?.records).toBe(20);
    expect(r!.exposure?.inSample).toEqual({ CN_RESIDENT_ID: 3 });
    expect(r!.exposed).toEqual({ CN_RESIDENT_ID: 12 });
    expect(r!.exposure).toMatchObject({ sampled: 5, total: 20 });
    expect(r!.reason).toMatch(/personal data estimated from 5 sampled of ~20 records \(scaled; a rough estimate\)/);
    const cli = await runAudit([
      'endpoints',
      `es+${big.url}`,
      '--sample',
      '--sample-size',
      '5',
      '--catalog',
      join(tmpdir(), `lg-est-${big.port}.db`),
    ]);
    expect(cli.stdout).toMatch(/records exposed \(estimated from 5 sampled of ~20\): CN_RESIDENT_ID ~12/);
    rmSync(join(tmpdir(), `lg-est-${big.port}.db`), { force: true });
  });

  it('HTTP: gzip and zip dumps are sampled from a bounded prefix', async () => {
    const { gzipSync } = await import('node:zlib');
    const { buildZip } = await import('../../src/audit/probes/__fixtures__/zip.js');
    const sql = `-- MySQL dump 10.13\nCREATE TABLE users (name varchar(20), id_card char(18));\n${PEOPLE.map((p) => `INSERT INTO users VALUES ('${p.name}','${p.id_card}');`).join('\n')}\n`;
    const csv = `name,phone\n${PEOPLE.map((p) => `${p.name},${p.phone}`).join('\n')}\n`;
    const site = await keep(
      startStaticSite({
        autoindex: true,
        files: {
          '/backup/db.sql.gz': gzipSync(Buffer.from(sql)),
          '/backup/export.zip': buildZip([
            { name: 'bomb.txt', data: Buffer.alloc(8 * 1024 * 1024) },
            { name: 'users.csv', data: Buffer.from(csv) },
          ]),
        },
      }),
    );
    const [r] = await audit([`http://127.0.0.1:${site.port}/`], { sample: 5, analyzer });
    expect(r).toMatchObject({ service: 'http', verdict: 'open' });
    expect(r!.reason).toMatch(/db\.sql\.gz \(gzip\)/);
    expect(r!.exposed?.CN_RESIDENT_ID).toBe(3);
    expect(r!.exposed?.CN_MOBILE).toBe(3);
    expect(r!.exposure?.estimate).toMatch(/sampled line\(s\) of file prefixes/);
    expect(JSON.stringify(r)).not.toContain(PEOPLE[0]!.phone);
  });

  it('HTTP: a directory listing with a SQL dump is open; a single-page app that answers 200 everywhere is not', async () => {
    const dump = `-- MySQL dump 10.13\nCREATE TABLE users (name varchar(20), id_card char(18));\nINSERT INTO users VALUES ('张伟','11010519491231002X');\n`;
    const site = await keep(
      startStaticSite({ autoindex: true, files: { '/backup/site-2024.sql': dump, '/index.html': '<html></html>' } }),
    );
    const spa = await keep(startStaticSite({ autoindex: false, spaFallback: true, files: {} }));
    const [a, b] = await audit([`http://127.0.0.1:${site.port}/`, `http://127.0.0.1:${spa.port}/`], {
      sample: 5,
      analyzer,
    });
    expect(a).toMatchObject({ service: 'http', verdict: 'open' });
    expect(a!.reason).toMatch(/directory listing/);
    expect(a!.reason).toMatch(/site-2024\.sql \(sql\)/);
    expect(a!.exposed?.CN_RESIDENT_ID).toBe(1);
    expect(b!.verdict).toBe('not-service');
  });
});

describe('bad input: a verdict with a reason, never a hang', () => {
  const running: Running[] = [];
  afterAll(async () => {
    for (const r of running) await r.close();
  });

  it('unreachable port, tarpit, garbage banner and TLS on a plain port each get a verdict', async () => {
    const tarpit = await startTarpit();
    const garbage = await startGarbage();
    const tls = await startTlsServer();
    running.push(tarpit, garbage, tls);
    const closed = await freePort();
    const targets = [
      `127.0.0.1:${closed}`,
      `redis://127.0.0.1:${tarpit.port}`,
      `postgres://127.0.0.1:${tarpit.port}`,
      `mysql://127.0.0.1:${tarpit.port}`,
      `mongodb://127.0.0.1:${tarpit.port}`,
      `es+http://127.0.0.1:${tarpit.port}`,
      `redis://127.0.0.1:${garbage.port}`,
      `postgres://127.0.0.1:${garbage.port}`,
      `mysql://127.0.0.1:${garbage.port}`,
      `mongodb://127.0.0.1:${garbage.port}`,
      `es+http://127.0.0.1:${garbage.port}`,
      `es+http://127.0.0.1:${tls.port}`,
      `redis://127.0.0.1:${tls.port}`,
      `127.0.0.1:${tls.port}`,
    ];
    const results = await audit(targets, { timeoutMs: 800, concurrency: 16 });
    expect(results).toHaveLength(targets.length);
    // A closed port no service owns: nothing answered, so no service is named (the HTTP family was a guess).
    expect(results[0]).toMatchObject({ service: 'unknown', verdict: 'unreachable', reason: 'connection refused' });
    for (const r of results.slice(1)) {
      expect(r.verdict).toBe('not-service');
      expect(r.reason.length).toBeGreaterThan(10);
    }
    expect(results[1]!.reason).toMatch(/tarpit|deadline/);
    // TLS on a plain-text URL: the port is found to speak TLS and probed over TLS (a 200 "ok" is no cluster).
    expect(results[11]!.reason).toMatch(/speaks TLS/);
    expect(results[13]!.reason).toMatch(/speaks TLS/);
  });

  it('a server that drips bytes forever is cut at the deadline', async () => {
    const http = await startSlowDrip();
    const resp = await startSlowDrip('$100000\r\n');
    running.push(http, resp);
    const results = await audit([`es+http://127.0.0.1:${http.port}`, `redis://127.0.0.1:${resp.port}`], {
      timeoutMs: 700,
    });
    expect(results.map((r) => r.verdict)).toEqual(['not-service', 'not-service']);
    for (const r of results) expect(r.reason).toMatch(/deadline/);
  });
});

describe('leakguard audit endpoints (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lg-audit-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the --json contract and exits 1 when an endpoint is open', async () => {
    const r = await runAudit(['endpoints', hostPort(REDIS_URL), '--json', '--catalog', join(dir, 'c.db')]);
    expect(r.exitCode).toBe(1);
    const doc = JSON.parse(r.stdout) as { results: AuditResult[] };
    expect(doc.results).toHaveLength(1);
    expect(Object.keys(doc.results[0]!).slice(0, 4)).toEqual(['target', 'service', 'verdict', 'reason']);
    expect(doc.results[0]).toMatchObject({ target: hostPort(REDIS_URL), service: 'redis', verdict: 'open' });
    expect(doc.results[0]!.exposed).toBeUndefined();
  });

  it('exits 0 when nothing is open', async () => {
    const closed = await freePort();
    const r = await runAudit(['endpoints', `127.0.0.1:${closed}`, '--json', '--catalog', join(dir, 'c.db')]);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({ service: 'unknown', verdict: 'unreachable' });
    // A closed port of a known service, or a URL scheme, keeps the service that was tried.
    const pg = await runAudit([
      'endpoints',
      `postgres://127.0.0.1:${closed}`,
      '--json',
      '--catalog',
      join(dir, 'c.db'),
    ]);
    expect(JSON.parse(pg.stdout).results[0]).toMatchObject({ service: 'postgresql', verdict: 'unreachable' });
  });

  it('refuses public addresses and more than one /24 without --yes, probing nothing', async () => {
    const pub = await runAudit(['endpoints', '8.8.8.8:6379', '--catalog', join(dir, 'c.db')]);
    expect(pub.exitCode).toBe(2);
    expect(pub.stderr).toMatch(/--yes.*neither loopback nor private.*Only audit addresses you own/s);
    const wide = await runAudit(['endpoints', '10.0.0.0/23', '--catalog', join(dir, 'c.db')]);
    expect(wide.exitCode).toBe(2);
    expect(wide.stderr).toMatch(/more than one \/24/);
  });

  it('joins an open Elasticsearch with what the catalog already knows about it', async () => {
    const es = await startEs({ seed: { citizens: { docs: PEOPLE } } });
    try {
      const catalog = join(dir, 'join.db');
      // What `leakguard scan es+http://…/citizens` records (source id = the redacted scan URL); written through
      // the catalog API so this suite does not depend on the scan pipeline. Two runs: the latest snapshot counts.
      const c = await Catalog.open(catalog);
      const source = `es+${es.url}/citizens`;
      const asset = (types: Record<string, number>, people: number, grade: string) => ({
        asset: `${source}#citizens`,
        source,
        kind: 'index',
        types,
        people,
        sensitive: false,
        grade,
        detail: {
          masked: {},
          fields: [],
          samples: [],
          gradeReasons: [],
          units: 1,
          failedUnits: 0,
          bytes: 0,
          rows: 3,
          problems: 0,
        },
      });
      await c.saveAssets(await c.startRun([source], {}), [asset({ CN_RESIDENT_ID: 1 }, 1, 'L2')]);
      await c.saveAssets(await c.startRun([source], {}), [
        asset({ CN_RESIDENT_ID: 1_200_000, CN_MOBILE: 900_000 }, 1_150_000, 'L4'),
      ]);
      await c.saveAssets(await c.startRun(['postgres://app@127.0.0.1:5432/crm'], {}), [
        {
          ...asset({ CN_MOBILE: 5 }, 5, 'L2'),
          asset: 'postgres://app@127.0.0.1:5432/crm#public.users',
          source: 'postgres://app@127.0.0.1:5432/crm',
        },
      ]);
      await c.close();
      const r = await runAudit(['endpoints', `es+${es.url}`, '--json', '--catalog', catalog], { cwd: dir });
      const [res] = (JSON.parse(r.stdout) as { results: AuditResult[] }).results;
      expect(res!.catalog).toMatchObject({
        assets: 1,
        people: 1_150_000,
        grade: 'L4',
        types: { CN_RESIDENT_ID: 1_200_000, CN_MOBILE: 900_000 },
      });
      expect(res!.catalog?.summary).toBe(
        'the catalog knows 1 asset(s) here holding 1.2 M CN_RESIDENT_ID, 900 k CN_MOBILE (~1.1 M people), grade L4',
      );
      const text = await runAudit(['endpoints', `es+${es.url}`, '--catalog', catalog], { cwd: dir });
      expect(text.stdout).toMatch(/holding 1\.2 M CN_RESIDENT_ID/);
    } finally {
      await es.close();
    }
  });

  it('writes SARIF and HTML renderings', async () => {
    const r = await runAudit([
      'endpoints',
      hostPort(REDIS_URL),
      '--sarif',
      join(dir, 'a.sarif'),
      '--report',
      join(dir, 'a.html'),
      '--catalog',
      join(dir, 'c.db'),
    ]);
    expect(r.exitCode).toBe(1);
    const sarif = JSON.parse((await import('node:fs')).readFileSync(join(dir, 'a.sarif'), 'utf8'));
    expect(sarif.runs[0].results[0].ruleId).toBe('open-endpoint');
    // The scan report reads the latest audit back from the catalog.
    const store = await AuditStore.open(join(dir, 'c.db'));
    try {
      const latest = await store.latestReport();
      expect(latest.endpoints.map((e) => [e.target, e.verdict])).toEqual([[hostPort(REDIS_URL), 'open']]);
      expect(latest.secrets).toEqual([]);
    } finally {
      await store.close();
    }
    expect(r.stdout).toMatch(/redis\s+open/);
  });
});

/** A minimal Elasticsearch on loopback that answers `GET /` without security and never answers paths matching `stall`. */
async function startStallingEs(stall: RegExp): Promise<Running & { url: string }> {
  const { createServer: createHttp } = await import('node:http');
  const held: import('node:http').ServerResponse[] = [];
  const server = createHttp((req, res) => {
    const path = req.url ?? '/';
    req.resume();
    if (stall.test(path)) {
      held.push(res);
      return;
    }
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
      res.end(JSON.stringify(body));
    };
    if (path === '/')
      return send({
        name: 'n1',
        cluster_name: 'stalling',
        version: { number: '8.13.4', lucene_version: '9.10.0' },
        tagline: 'You Know, for Search',
      });
    if (path.startsWith('/_cat/indices')) return send([{ index: 'citizens', 'docs.count': '3' }]);
    if (path === '/_search') return send({ hits: { total: { value: 3 }, hits: [] } });
    if (path.startsWith('/citizens/_search'))
      return send({ hits: { hits: PEOPLE.map((p, i) => ({ _id: String(i), _source: p })) } });
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const h of held) h.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A minimal Redis without a password: INFO answers (3 keys in db0); commands named in `stall` are never answered. */
async function startStallingRedis(stall: readonly string[]): Promise<Running> {
  const { parseResp } = await import('../../src/audit/probes/redis.js');
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => {});
    let buf = Buffer.alloc(0);
    let stalled = false;
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (stalled) return;
        const r = parseResp(buf);
        if (!r) return;
        buf = buf.subarray(r.next);
        const args = r.value as string[];
        const name = String(args[0]).toUpperCase();
        if (stall.includes(name)) {
          stalled = true;
          return;
        }
        const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
        if (name === 'INFO')
          sock.write(bulk('# Server\r\nredis_version:7.2.4\r\n# Keyspace\r\ndb0:keys=3,expires=0\r\n'));
        else if (name === 'CONFIG') sock.write(`*2\r\n${bulk('protected-mode')}${bulk('no')}`);
        else if (name === 'SCAN') sock.write(`*2\r\n${bulk('0')}*1\r\n${bulk('person:1')}`);
        else if (name === 'TYPE') sock.write('+string\r\n');
        else if (name === 'GETRANGE') sock.write(bulk(`id_card: ${PEOPLE[0]!.id_card}`));
        else sock.write('-ERR unknown command\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('an open store stays open when a later step stalls', () => {
  const running: Running[] = [];
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lg-audit-stall-'));
  });
  afterAll(async () => {
    for (const r of running) await r.close();
    rmSync(dir, { recursive: true, force: true });
  });
  async function keep<T extends Running>(p: Promise<T>): Promise<T> {
    const r = await p;
    running.push(r);
    return r;
  }

  it('Elasticsearch answering GET / without auth, then stalling on _cat/indices: open, listing incomplete, exit 1', async () => {
    const es = await keep(startStallingEs(/^\/_cat\/indices/));
    const [r] = await audit([`es+${es.url}`], { timeoutMs: 700 });
    expect(r).toMatchObject({ service: 'elasticsearch', verdict: 'open' });
    expect(r!.reason).toMatch(
      /cluster info, indices and search answer without credentials; index listing incomplete: no answer before the deadline/,
    );
    expect(r!.details?.incomplete).toEqual(['index listing']);
    const cli = await runAudit([
      'endpoints',
      `es+${es.url}`,
      '--json',
      '--timeout',
      '700',
      '--catalog',
      join(dir, 'c.db'),
    ]);
    expect(cli.exitCode).toBe(1);
    expect(JSON.parse(cli.stdout).results[0]).toMatchObject({ service: 'elasticsearch', verdict: 'open' });
  });

  it('Elasticsearch stalling on the sample reads: open, counts kept, sample incomplete', async () => {
    const es = await keep(startStallingEs(/^\/citizens\/_search/));
    const [r] = await audit([`es+${es.url}`], { timeoutMs: 400, sample: 10, analyzer });
    expect(r).toMatchObject({ service: 'elasticsearch', verdict: 'open' });
    expect(r!.details?.records).toBe(3);
    expect(r!.reason).toMatch(
      /1 index\(es\), ~3 documents, _search answers; sample incomplete: no answer before the deadline/,
    );
    expect(r!.sampled).toBe(0);
  });

  it('Redis stalling on CONFIG GET: open with its key count, CONFIG GET incomplete', async () => {
    const redis = await keep(startStallingRedis(['CONFIG']));
    const [r] = await audit([`redis://127.0.0.1:${redis.port}`], { timeoutMs: 700 });
    expect(r).toMatchObject({ service: 'redis', verdict: 'open' });
    expect(r!.details?.records).toBe(3);
    expect(r!.reason).toMatch(
      /INFO answered without AUTH; 3 keys; CONFIG GET incomplete: no answer before the deadline/,
    );
  });

  it('Redis stalling on SCAN during --sample: open, sample incomplete', async () => {
    const redis = await keep(startStallingRedis(['SCAN']));
    const [r] = await audit([`redis://127.0.0.1:${redis.port}`], { timeoutMs: 400, sample: 10, analyzer });
    expect(r).toMatchObject({ service: 'redis', verdict: 'open' });
    expect(r!.reason).toMatch(/CONFIG command available.*; sample incomplete: no answer before the deadline/);
    expect(r!.details?.incomplete).toEqual(['sample']);
  });

  it('MongoDB stalling on dbStats, and on find during --sample: open in both cases', async () => {
    const data = { crm: { users: PEOPLE.map((p) => ({ ...p })) } };
    const stats = await keep(startFakeMongo({ databases: data, hang: ['dbStats'] }));
    const find = await keep(startFakeMongo({ databases: data, hang: ['find'] }));
    const [a] = await audit([`mongodb://127.0.0.1:${stats.port}`], { timeoutMs: 700 });
    expect(a).toMatchObject({ service: 'mongodb', verdict: 'open' });
    expect(a!.reason).toMatch(
      /listDatabases answered without credentials; \d+ database\(s\); document count \(dbStats\) incomplete: no answer before the deadline/,
    );
    const [b] = await audit([`mongodb://127.0.0.1:${find.port}`], { timeoutMs: 400, sample: 10, analyzer });
    expect(b).toMatchObject({ service: 'mongodb', verdict: 'open' });
    expect(b!.details?.records).toBe(3);
    expect(b!.reason).toMatch(/sample incomplete: no answer before the deadline/);
  });
});
