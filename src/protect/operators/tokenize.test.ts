import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySync, ctxFor, KEY_B, revertSync } from '../__fixtures__/context.js';
import { createMemoryTokenVault } from '../vault/memory-vault.js';
import type { TokenVault } from '../vault/token-vault.js';
import { TOKEN_PATTERN, tokenize } from './tokenize.js';

/** A vault whose every method answers with a promise (as a network vault would). */
function asyncVault(inner: TokenVault): TokenVault {
  return {
    put: async (r) => inner.put(r),
    lookup: async (i) => inner.lookup(i),
    get: async (t) => inner.get(t),
    audit: async (e) => inner.audit(e),
    auditLog: async () => inner.auditLog(),
    close: async () => inner.close(),
  };
}

describe('tokenize', () => {
  it('returns the same tagged token for the same value and a different one for another value', () => {
    const vault = createMemoryTokenVault();
    const ctx = ctxFor(tokenize, {}, { type: 'CN_MOBILE', vault });
    const t1 = applySync(tokenize, '13812345678', ctx);
    expect(t1).toMatch(/^tok:main:[a-z2-7]{26}$/);
    expect(applySync(tokenize, '138 1234 5678', ctx)).toBe(t1);
    expect(applySync(tokenize, '13912345678', ctx)).not.toBe(t1);
  });

  it('detokenizes with the key and writes an audit record naming the actor', () => {
    const vault = createMemoryTokenVault();
    const ctx = ctxFor(tokenize, {}, { type: 'CN_MOBILE', vault, actor: 'alice' });
    const t = applySync(tokenize, '13812345678', ctx);
    expect(revertSync(tokenize, t, ctx)).toBe('13812345678');
    const log = vault.auditLog() as unknown as Array<Record<string, unknown>>;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: 'detokenize', token: t, kid: 'main', actor: 'alice', outcome: 'ok' });
    expect(JSON.stringify(log)).not.toContain('13812345678');
  });

  it('stores only a sealed original in the vault', () => {
    const vault = createMemoryTokenVault();
    const t = applySync(tokenize, 'zhang.san@example.com', ctxFor(tokenize, {}, { vault }));
    const rec = vault.get(t) as { sealed: Uint8Array } | undefined;
    expect(Buffer.from(rec?.sealed ?? []).toString('latin1')).not.toContain('zhang.san');
  });

  it('audits and refuses when the token is unknown or the key ring lacks its key', () => {
    const vault = createMemoryTokenVault();
    const ctx = ctxFor(tokenize, {}, { vault });
    expect(() => revertSync(tokenize, 'tok:main:aaaaaaaaaaaaaaaaaaaaaaaaaa', ctx)).toThrow(/not in the vault/);
    const t = applySync(tokenize, '13812345678', ctxFor(tokenize, {}, { vault, key: KEY_B }));
    const noRing = { ...ctxFor(tokenize, {}, { vault }), keys: undefined };
    expect(() => revertSync(tokenize, t, noRing)).toThrow(/not in the key ring/);
    const outcomes = (vault.auditLog() as unknown as Array<{ outcome: string }>).map((e) => e.outcome);
    expect(outcomes).toEqual(['not-found', 'failed']);
  });

  it('keeps the shape of the value when format is preserve', () => {
    const vault = createMemoryTokenVault();
    const ctx = ctxFor(tokenize, { format: 'preserve' }, { vault });
    const t = applySync(tokenize, '138-1234-5678', ctx);
    expect(t).toMatch(/^\d{3}-\d{4}-\d{4}$/);
    expect(revertSync(tokenize, t, ctx)).toBe('138-1234-5678');
  });

  it('round-trips any value through the vault when tokenized and detokenized', () => {
    const vault = createMemoryTokenVault();
    const ctx = ctxFor(tokenize, { normalize: false }, { vault });
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), (v) => {
        expect(revertSync(tokenize, applySync(tokenize, v, ctx), ctx)).toBe(v);
      }),
    );
  });

  it('works through promises when the vault is asynchronous', async () => {
    const vault = asyncVault(createMemoryTokenVault());
    const ctx = ctxFor(tokenize, {}, { vault });
    const r = tokenize.apply('13812345678', ctx);
    expect(r).toBeInstanceOf(Promise);
    const t = await r;
    expect(await tokenize.apply('13812345678', ctx)).toBe(t);
    expect(await tokenize.revert(t, ctx)).toBe('13812345678');
    expect((await vault.auditLog()).map((e) => e.outcome)).toEqual(['ok']);
  });

  it('is matched by TOKEN_PATTERN when embedded in text', () => {
    const vault = createMemoryTokenVault();
    const t = applySync(tokenize, '13812345678', ctxFor(tokenize, {}, { vault }));
    expect([...`手机${t}。`.matchAll(TOKEN_PATTERN)].map((m) => m[0])).toEqual([t]);
  });

  it('throws LG_OPERATOR_FAILED when no vault is configured', () => {
    expect(() => applySync(tokenize, '13812345678', ctxFor(tokenize, {}))).toThrow(/no token vault/);
  });
});
