import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createMemoryTokenVault } from './memory-vault.js';
import { createSqliteTokenVault, openSqliteTokenVault } from './sqlite-vault.js';
import type { TokenRecord, TokenVault } from './token-vault.js';

function rec(token: string, index: string, fill = 1): TokenRecord {
  return {
    token,
    index,
    sealed: new Uint8Array(20).fill(fill),
    kid: 'main',
    type: 'CN_MOBILE',
    createdAt: '2025-01-01T00:00:00.000Z',
  };
}

const IMPLEMENTATIONS: ReadonlyArray<[string, () => TokenVault]> = [
  ['memory', () => createMemoryTokenVault()],
  ['sqlite (in-memory database)', () => createSqliteTokenVault(new Database(':memory:'), { closeDatabase: true })],
  ['sqlite (file)', () => openSqliteTokenVault(join(mkdtempSync(join(tmpdir(), 'lg-vault-')), 'vault.db'))],
];

// The shared TokenVault conformance suite: every implementation must pass it unchanged.
describe.each(IMPLEMENTATIONS)('TokenVault conformance: %s', (_name, make) => {
  it('`put` stores a record that `get` and `lookup` return when the index is new', async () => {
    const v = make();
    expect(await v.put(rec('t1', 'i1'))).toMatchObject({ token: 't1', index: 'i1' });
    const got = await v.get('t1');
    expect(got?.index).toBe('i1');
    expect(Array.from(got?.sealed ?? [])).toEqual(Array.from(new Uint8Array(20).fill(1)));
    expect((await v.lookup('i1'))?.token).toBe('t1');
    await v.close();
  });

  it('`put` returns the existing record when the index is already stored', async () => {
    const v = make();
    await v.put(rec('t1', 'i1'));
    expect((await v.put(rec('t2', 'i1', 2)))?.token).toBe('t1');
    expect(await v.get('t2')).toBeUndefined();
    await v.close();
  });

  it('`put` returns undefined when the token is taken by another index', async () => {
    const v = make();
    await v.put(rec('t1', 'i1'));
    expect(await v.put(rec('t1', 'i2'))).toBeUndefined();
    expect(await v.lookup('i2')).toBeUndefined();
    await v.close();
  });

  it('`get` and `lookup` return undefined when nothing is stored', async () => {
    const v = make();
    expect(await v.get('nope')).toBeUndefined();
    expect(await v.lookup('nope')).toBeUndefined();
    await v.close();
  });

  it('`audit` appends records that `auditLog` returns in order', async () => {
    const v = make();
    await v.audit({
      at: '2025-01-01T00:00:00Z',
      action: 'detokenize',
      token: 't1',
      kid: 'main',
      actor: 'a',
      outcome: 'ok',
    });
    await v.audit({
      at: '2025-01-02T00:00:00Z',
      action: 'detokenize',
      token: 't2',
      kid: '',
      actor: '',
      outcome: 'not-found',
    });
    const log = await v.auditLog();
    expect(log.map((e) => [e.token, e.outcome, e.actor])).toEqual([
      ['t1', 'ok', 'a'],
      ['t2', 'not-found', ''],
    ]);
    await v.close();
  });
});

describe('openSqliteTokenVault', () => {
  it('keeps tokens across reopening when given the same file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lg-vault-')), 'v.db');
    const a = openSqliteTokenVault(file);
    a.put(rec('tok', 'idx'));
    a.close();
    const b = openSqliteTokenVault(file);
    expect((b.get('tok') as TokenRecord | undefined)?.index).toBe('idx');
    const db = new Database(file, { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['lg_token_vault', 'lg_vault_audit']));
    db.close();
    b.close();
  });
});
