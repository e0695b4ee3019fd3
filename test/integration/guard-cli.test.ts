/**
 * `leakguard guard` subcommands, called as functions with in-memory IO: keys, audit verify/export, alerts,
 * check, configuration errors, and the server loop (start, reload, stop) on a real socket.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/catalog/sql.js';
import { guardCommand, runGuardServer } from '../../src/cli/commands/guard.js';
import type { CliIO } from '../../src/cli/io.js';
import { isLeakguardError } from '../../src/core/errors.js';
import type { Guard } from '../../src/guard/guard.js';
import { type FakeElasticsearch, start } from '../support/fake-elasticsearch.js';
import { PEOPLE_MAPPINGS, syntheticPeople } from '../support/guard-upstreams.js';

let dir: string;
let es: FakeElasticsearch;
const people = syntheticPeople(20);
const env = { LEAKGUARD_KEY: 'a'.repeat(64) };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lg-guard-cli-'));
  es = await start({ seed: { people: { mappings: PEOPLE_MAPPINGS, docs: people } } });
});
afterAll(async () => {
  await es.close();
  rmSync(dir, { recursive: true, force: true });
});

function io(): { io: CliIO; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on('data', (c: Buffer) => o.push(c));
  stderr.on('data', (c: Buffer) => e.push(c));
  return {
    io: { stdin: Readable.from([]), stdout, stderr, env, cwd: dir, isTTY: false },
    out: () => Buffer.concat(o).toString('utf8'),
    err: () => Buffer.concat(e).toString('utf8'),
  };
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const t = io();
  const code = await guardCommand(argv, t.io);
  return { code, out: t.out(), err: t.err() };
}

function writeConfig(name: string, catalog: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `upstream: { url: ${es.url} }
listen: { host: 127.0.0.1, port: 0 }
catalog: ${catalog}
roles:
  analyst: { indices: [people], maxPageSize: 10 }
  admin: { admin: true }
`,
  );
  return file;
}

describe('leakguard guard (CLI)', () => {
  it('prints help', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('leakguard guard keys create');
  });

  it('creates, lists and revokes keys; the key is printed once and stored hashed', async () => {
    const config = writeConfig('keys.yaml', 'keys.db');
    const created = await cli(['keys', 'create', '--config', config, '--principal', 'alice', '--role', 'analyst']);
    expect(created.code).toBe(0);
    const key = created.out.trim();
    expect(key).toMatch(/^lgk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.err).toContain('shown once');
    const db = await openSqlite(join(dir, 'keys.db'));
    const stored = JSON.stringify(await db.all('SELECT * FROM lg_guard_keys'));
    await db.close();
    // The secret is everything after `lgk_<id>_`: base64url may itself hold `_` (split('_') once took an empty
    // or one-letter piece of it, which any stored row "contains").
    const secret = key.slice('lgk_'.length + 12 + 1);
    expect(secret).toHaveLength(43);
    expect(stored).not.toContain(secret);
    const unknownRole = cli(['keys', 'create', '--config', config, '--principal', 'bob', '--role', 'root']);
    await expect(unknownRole).rejects.toMatchObject({ code: 'LG_USAGE' });
    const list = await cli(['keys', 'list', '--config', config, '--json']);
    const keys = JSON.parse(list.out).keys;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ principal: 'alice', role: 'analyst', revokedAt: null });
    expect(list.out).not.toContain(key);
    const revoked = await cli(['keys', 'revoke', keys[0].id, '--config', config]);
    expect(revoked.code).toBe(0);
    const again = cli(['keys', 'revoke', keys[0].id, '--config', config]);
    await expect(again).rejects.toMatchObject({ code: 'LG_USAGE' });
    expect((await cli(['keys', 'list', '--config', config])).out).toContain('revoked');
  });

  it('names file, line and field of a configuration error', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'upstream: { url: http://127.0.0.1:9200 }\nroles:\n  analyst:\n    maxPageSize: many\n');
    try {
      await cli(['check', '--config', file]);
      expect.unreachable();
    } catch (e) {
      expect(isLeakguardError(e)).toBe(true);
      expect((e as { code: string }).code).toBe('LG_CONFIG_INVALID');
      expect((e as Error).message).toContain('roles.analyst.maxPageSize');
      expect((e as { location: { line: number } }).location.line).toBe(4);
    }
  });

  it('checks the bundled example configuration', async () => {
    const r = await cli([
      'check',
      '--config',
      join(__dirname, '../../examples/guard.yaml'),
      '--catalog',
      join(dir, 'example.db'),
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('4 roles');
  });

  it('runs the server, reloads on request, stops on abort; audit verify and export, alerts list', async () => {
    const config = writeConfig('run.yaml', 'run.db');
    const key = (
      await cli(['keys', 'create', '--config', config, '--principal', 'carol', '--role', 'analyst'])
    ).out.trim();
    const t = io();
    const ac = new AbortController();
    let reload: (() => Promise<boolean>) | undefined;
    let guard: Guard | undefined;
    const listening = new Promise<void>((r) => {
      void runGuardServer(t.io, {
        configPath: config,
        signal: ac.signal,
        onReloadHook: (fn) => {
          reload = fn;
        },
        onListening: (g) => {
          guard = g;
          r();
        },
      }).then((code) => {
        exit = code;
      });
    });
    let exit: number | undefined;
    await listening;
    const url = (guard as Guard).url;
    const res = await fetch(`${url}/people/_search`, {
      method: 'POST',
      headers: { authorization: `ApiKey ${key}`, 'content-type': 'application/json' },
      body: '{"size":5}',
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('****');
    expect(await reload?.()).toBe(true);
    const anon = await fetch(`${url}/people/_search`, { signal: AbortSignal.timeout(10_000) });
    expect(anon.status).toBe(401);
    ac.abort();
    await new Promise<void>((r) => {
      const wait = () => (exit !== undefined ? r() : setTimeout(wait, 10));
      wait();
    });
    expect(exit).toBe(0);
    // Logs are JSON lines without clear values.
    const logs = t
      .err()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(logs.some((l) => l.msg === 'request' && l.status === 200 && l.records === 5)).toBe(true);
    expect(logs.some((l) => l.msg === 'reloaded')).toBe(true);
    // Exact values, not a phone-shaped pattern: request ids are UUIDs, whose hex can hold 11 digits in a row.
    for (const p of people) {
      expect(t.err()).not.toContain(p.phone);
      expect(t.err()).not.toContain(p.id_card);
    }

    const verify = await cli(['audit', 'verify', '--config', config]);
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(/^ok: 2 rows/);
    const exported = await cli(['audit', 'export', '--config', config]);
    const rows = exported.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ seq: 1, principal: 'carol', records: 5, decision: 'allow' });
    expect(rows[1]).toMatchObject({ seq: 2, status: 401, decision: 'deny' });
    expect(rows[1].prevHash).toBe(rows[0].hash);
    const db = await openSqlite(join(dir, 'run.db'));
    await db.run("UPDATE lg_guard_audit SET principal = 'mallory' WHERE seq = 1");
    await db.run(
      "INSERT INTO lg_guard_alerts (at, kind, severity, principal, message, detail, delivered) VALUES ('2026-01-01T00:00:00Z', 'quota', 'warning', 'carol', 'records quota per minute reached', '{}', 0)",
    );
    await db.close();
    const tampered = await cli(['audit', 'verify', '--config', config]);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toContain('row 1');
    const alerts = await cli(['alerts', '--config', config]);
    expect(alerts.out).toContain('records quota per minute reached');
    expect(alerts.out).toContain('not delivered');
    const alertsJson = JSON.parse((await cli(['alerts', '--config', config, '--json', '--kind', 'anomaly'])).out);
    expect(alertsJson.alerts).toEqual([]);
  });
});
