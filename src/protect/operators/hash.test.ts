import { describe, expect, it } from 'vitest';
import { applySync, ctxFor, KEY_A, KEY_B } from '../__fixtures__/context.js';
import { base32, hash } from './hash.js';

describe('hash', () => {
  it('is deterministic per key and differs across keys when the value is the same', () => {
    const a1 = applySync(hash, '13812345678', ctxFor(hash, {}, { type: 'CN_MOBILE', key: KEY_A }));
    const a2 = applySync(hash, '13812345678', ctxFor(hash, {}, { type: 'CN_MOBILE', key: KEY_A }));
    const b = applySync(hash, '13812345678', ctxFor(hash, {}, { type: 'CN_MOBILE', key: KEY_B }));
    expect(a1).toBe(a2);
    expect(a1).not.toBe(b);
    expect(a1).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes formatting variants alike when normalize is on', () => {
    const ctx = ctxFor(hash, {}, { type: 'CN_MOBILE' });
    const base = applySync(hash, '13812345678', ctx);
    expect(applySync(hash, '+86 138-1234-5678', ctx)).toBe(base);
    expect(applySync(hash, '１３８１２３４５６７８', ctx)).toBe(base);
  });

  it('encodes as base64url or base32 and truncates when configured', () => {
    const b64 = applySync(hash, 'x@example.com', ctxFor(hash, { encoding: 'base64url', length: 22, prefix: 'h_' }));
    expect(b64).toMatch(/^h_[A-Za-z0-9_-]{22}$/);
    const b32 = applySync(hash, 'x@example.com', ctxFor(hash, { encoding: 'base32' }));
    expect(b32).toMatch(/^[a-z2-7]{52}$/);
  });

  it('differs from an unkeyed SHA-256 of the value', async () => {
    const { createHash } = await import('node:crypto');
    const out = applySync(hash, '13812345678', ctxFor(hash, {}));
    expect(out).not.toBe(createHash('sha256').update('13812345678').digest('hex'));
  });

  it('throws LG_POLICY_INVALID naming options.length when the length exceeds the encoding', () => {
    expect(() => hash.parse({ encoding: 'base64url', length: 60 })).toThrow(/options\.length/);
    expect(() => hash.parse({ length: 8 })).toThrow(/options\.length/);
  });
});

describe('base32', () => {
  it('matches RFC 4648 §10 test vectors when lower-cased and unpadded', () => {
    const cases: Array<[string, string]> = [
      ['', ''],
      ['f', 'my'],
      ['fo', 'mzxq'],
      ['foo', 'mzxw6'],
      ['foob', 'mzxw6yq'],
      ['fooba', 'mzxw6ytb'],
      ['foobar', 'mzxw6ytboi'],
    ];
    for (const [input, out] of cases) expect(base32(Buffer.from(input))).toBe(out);
  });
});
