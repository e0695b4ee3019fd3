import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type SqlDb } from '../../src/catalog/sql.js';
import { createPostgresTokenVault } from '../../src/protect/vault/postgres-vault.js';
import type { TokenRecord, TokenVault } from '../../src/protect/vault/token-vault.js';
import { PG_URL, requireService } from '../support/services.js';

let db: SqlDb;
let vault: TokenVault;
const tag = randomBytes(4).toString('hex');
const rec = (token: string, index: string, fill = 1): TokenRecord => ({
  token: `${tag}-${token}`,
  index: `${tag}-${index}`,
  sealed: new Uint8Array(20).fill(fill),
  kid: 'main',
  type: 'CN_MOBILE',
  createdAt: '2025-01-01T00:00:00.000Z',
});

beforeAll(async () => {
  db = await requireService('PostgreSQL', PG_URL, 'LEAKGUARD_TEST_PG_URL', () => openPostgres(PG_URL));
  vault = await createPostgresTokenVault(db);
});
afterAll(async () => {
  await db?.run('DELETE FROM lg_token_vault WHERE token LIKE ?', [`${tag}-%`]);
  await db?.run('DELETE FROM lg_vault_audit WHERE token LIKE ?', [`${tag}-%`]);
  await db?.close();
});

describe('PostgreSQL token vault', () => {
  it('stores, finds by index and token, and keeps the first record for an index', async () => {
    expect(await vault.put(rec('t1', 'i1'))).toMatchObject({ token: `${tag}-t1` });
    expect((await vault.put(rec('t2', 'i1', 2)))?.token).toBe(`${tag}-t1`);
    expect(await vault.put(rec('t1', 'i2'))).toBeUndefined();
    const got = await vault.get(`${tag}-t1`);
    expect(Array.from(got!.sealed)).toEqual(Array.from(new Uint8Array(20).fill(1)));
    expect((await vault.lookup(`${tag}-i1`))?.token).toBe(`${tag}-t1`);
    expect(await vault.get(`${tag}-nope`)).toBeUndefined();
  });

  it('agrees under concurrent writers of the same index', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => vault.put(rec(`c${i}`, 'same', i))));
    const tokens = new Set(results.map((r) => r?.token));
    expect(tokens.size).toBe(1);
  });

  it('appends audit records in order', async () => {
    await vault.audit({
      at: '2025-01-01T00:00:00.000Z',
      action: 'detokenize',
      token: `${tag}-t1`,
      kid: 'main',
      actor: 'alice',
      outcome: 'ok',
    });
    await vault.audit({
      at: '2025-01-01T00:00:01.000Z',
      action: 'detokenize',
      token: `${tag}-zz`,
      kid: 'main',
      actor: 'bob',
      outcome: 'not-found',
    });
    const log = (await vault.auditLog()).filter((e) => e.token.startsWith(tag));
    expect(log.map((e) => [e.actor, e.outcome])).toEqual([
      ['alice', 'ok'],
      ['bob', 'not-found'],
    ]);
  });
});
