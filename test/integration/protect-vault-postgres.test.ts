/**
 * `tokenize` with the token vault in the catalog database on the machine's PostgreSQL, through the CLI
 * (in-process): `--catalog postgres://…` puts the tokens in that database's `lg_token_vault` table (no local
 * vault file), `reveal` on the same catalog restores them, a policy's `vault: { postgres: { env } }` works the
 * same, and a distributed protect range queued with another vault is refused.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type SqlDb } from '../../src/catalog/sql.js';
import { runCli } from '../../src/cli/testing.js';
import { createProtectRangeHandler, policyVaultId } from '../../src/protect/db/distributed.js';
import { ENV, people } from '../../src/protect/files/__fixtures__/data.js';
import { parsePolicy } from '../../src/protect/policy.js';
import { PG_URL, requireService } from '../support/services.js';

// Every token of this run carries this key id, so the suite cleans up only its own rows.
const KID = `t${randomBytes(4).toString('hex')}`;
const POLICY = `keys:\n  main: { env: LEAKGUARD_KEY, id: ${KID} }\nrules:\n  - { type: CN_PASSPORT, action: tokenize, key: main }\n  - { column: phone, action: tokenize, key: main }\ndefault: { action: keep }\n`;
const P = people(6);
const CSV = `姓名,phone,护照\n${P.map((p) => `${p.name},${p.mobile},${p.passport}`).join('\n')}\n`;
let db: SqlDb;

beforeAll(async () => {
  db = await requireService('PostgreSQL', PG_URL, 'LEAKGUARD_TEST_PG_URL', () => openPostgres(PG_URL));
});
afterAll(async () => {
  await db?.run('DELETE FROM lg_vault_audit WHERE kid = ?', [KID]);
  await db?.run('DELETE FROM lg_token_vault WHERE kid = ?', [KID]);
  await db?.close();
});

function folder(policy = POLICY): string {
  const dir = mkdtempSync(join(tmpdir(), 'lg-vault-pg-'));
  writeFileSync(join(dir, 'policy.yaml'), policy);
  writeFileSync(join(dir, 'in.csv'), CSV);
  return dir;
}

const stored = async (): Promise<number> =>
  Number((await db.get('SELECT count(*) AS n FROM lg_token_vault WHERE kid = ?', [KID]))?.n);

describe('tokenize with the vault in a PostgreSQL catalog (CLI)', () => {
  it('protect --catalog postgres:// stores tokens in the catalog database and reveal restores them', async () => {
    const dir = folder();
    const env = { ...ENV };
    const p = await runCli(['protect', 'in.csv', '-o', 'out.csv', '-p', 'policy.yaml', '--catalog', PG_URL], '', {
      cwd: dir,
      env,
    });
    expect(p.exitCode, p.stderr).toBe(0);
    const out = readFileSync(join(dir, 'out.csv'), 'utf8');
    for (const x of P) {
      expect(out).not.toContain(x.passport);
      expect(out).not.toContain(x.mobile);
    }
    expect(out.match(new RegExp(`tok:${KID}:`, 'g'))).toHaveLength(12);
    expect(await stored()).toBe(12);
    // Nothing local: the vault is the catalog database.
    expect(existsSync(join(dir, '.leakguard', 'vault.db'))).toBe(false);

    // The same values protected again (another file, another process) get the same tokens.
    const p2 = await runCli(['protect', 'in.csv', '-o', 'out2.csv', '-p', 'policy.yaml', '--catalog', PG_URL], '', {
      cwd: dir,
      env,
    });
    expect(p2.exitCode, p2.stderr).toBe(0);
    expect(readFileSync(join(dir, 'out2.csv'), 'utf8')).toBe(out);

    const r = await runCli(
      ['reveal', 'out.csv', '-o', 'back.csv', '-p', 'policy.yaml', '--catalog', PG_URL, '--actor', 'it'],
      '',
      { cwd: dir, env },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'back.csv'), 'utf8')).toBe(CSV);
    const audit = await db.all('SELECT actor, outcome FROM lg_vault_audit WHERE kid = ?', [KID]);
    expect(audit.length).toBe(12);
    expect(audit.every((a) => a.actor === 'it' && a.outcome === 'ok')).toBe(true);
  });

  it('reveal without the PostgreSQL catalog cannot find the tokens and writes nothing', async () => {
    const dir = folder();
    const p = await runCli(['protect', 'in.csv', '-o', 'out.csv', '-p', 'policy.yaml', '--catalog', PG_URL], '', {
      cwd: dir,
      env: ENV,
    });
    expect(p.exitCode, p.stderr).toBe(0);
    // A local SQLite catalog is another vault: the tokens are not there.
    const r = await runCli(['reveal', 'out.csv', '-o', 'back.csv', '-p', 'policy.yaml'], '', { cwd: dir, env: ENV });
    expect(r.exitCode).toBe(2);
    expect(existsSync(join(dir, 'back.csv'))).toBe(false);
  });

  it('a policy with vault: { postgres: { env } } and --vault postgres:// use the same table', async () => {
    const dir = folder(POLICY.replace('rules:', 'vault: { postgres: { env: LG_VAULT_URL } }\nrules:'));
    const env = { ...ENV, LG_VAULT_URL: PG_URL };
    const p = await runCli(['protect', 'in.csv', '-o', 'out.csv', '-p', 'policy.yaml'], '', { cwd: dir, env });
    expect(p.exitCode, p.stderr).toBe(0);
    expect(existsSync(join(dir, '.leakguard'))).toBe(false);
    writeFileSync(join(dir, 'plain.yaml'), POLICY);
    const r = await runCli(['reveal', 'out.csv', '-o', 'back.csv', '-p', 'plain.yaml', '--vault', PG_URL], '', {
      cwd: dir,
      env: ENV,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'back.csv'), 'utf8')).toBe(CSV);
  });

  it('an unreachable PostgreSQL vault fails before any data is read', async () => {
    const dir = folder();
    const bad = 'postgres://nobody@127.0.0.1:1/none';
    const r = await runCli(['protect', 'in.csv', '-o', 'out.csv', '-p', 'policy.yaml', '--catalog', bad], '', {
      cwd: dir,
      env: ENV,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^error LG_SOURCE_CONNECT/);
    expect(existsSync(join(dir, 'out.csv'))).toBe(false);
  });

  it('a distributed protect range queued with another token vault is refused by the worker', async () => {
    const coordinator = parsePolicy(POLICY.replace('rules:', `vault: { postgres: "${PG_URL}" }\nrules:`), 'p.yaml', {
      env: ENV,
    });
    const worker = parsePolicy(POLICY.replace('rules:', 'vault: { memory: true }\nrules:'), 'p.yaml', { env: ENV });
    try {
      const vaultId = await policyVaultId(coordinator);
      expect(vaultId).toMatch(/^[0-9a-f-]{36}$/);
      const handle = createProtectRangeHandler({ policy: worker });
      await expect(
        handle({
          kind: 'protect',
          url: 'postgres://x@127.0.0.1/none',
          table: 'users',
          job: 'protect',
          range: 0,
          from: null,
          to: null,
          policyHash: (await import('../../src/protect/db/index.js')).policyHash(worker),
          analyzer: { recognizers: 'builtin' } as never,
          actor: 'it',
          ...(vaultId !== undefined ? { vaultId } : {}),
        }),
      ).rejects.toThrow(/another token vault than this worker's/);
    } finally {
      await coordinator.close();
      await worker.close();
    }
  });
});
