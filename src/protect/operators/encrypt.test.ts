import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySync, ctxFor, KEY_A, KEY_B, revertSync } from '../__fixtures__/context.js';
import { KeyMaterial, KeyRing } from '../keys/key-ring.js';
import { decryptTagged, ENCRYPTED_PATTERN, encrypt } from './encrypt.js';

describe('encrypt', () => {
  it('outputs enc:v1:<kid>:<base64url> deterministically when the key is the same', () => {
    const a = applySync(encrypt, '13812345678', ctxFor(encrypt, {}));
    expect(a).toMatch(/^enc:v1:main:[A-Za-z0-9_-]+$/);
    expect(applySync(encrypt, '13812345678', ctxFor(encrypt, {}))).toBe(a);
    expect(applySync(encrypt, '13812345678', ctxFor(encrypt, {}, { key: KEY_B }))).toMatch(/^enc:v1:k2:/);
  });

  it('decrypts any text back when the key ring holds the key id (rotation)', () => {
    const ctx = ctxFor(encrypt, {});
    fc.assert(
      fc.property(fc.string({ maxLength: 60, unit: 'binary' }), (v) => {
        const out = applySync(encrypt, v, ctx);
        expect(revertSync(encrypt, out, ctx)).toBe(v);
      }),
    );
    // Written under KEY_B, read by a rule whose own key is KEY_A: the ring finds KEY_B by its id.
    const old = applySync(encrypt, '张三', ctxFor(encrypt, {}, { key: KEY_B }));
    expect(revertSync(encrypt, old, ctxFor(encrypt, {}, { key: KEY_A }))).toBe('张三');
  });

  it('refuses to decrypt when the ciphertext was altered or the key id is unknown', () => {
    const ctx = ctxFor(encrypt, {});
    const out = applySync(encrypt, '13812345678', ctx);
    const altered = out.slice(0, -2) + (out.endsWith('AA') ? 'AB' : 'AA');
    expect(() => revertSync(encrypt, altered, ctx)).toThrow(/not an enc:v1 ciphertext/);
    const other = new KeyRing([new KeyMaterial('x', Buffer.alloc(32, 9))]);
    expect(decryptTagged(out, (id) => other.byId(id))).toBeUndefined();
  });

  it('is matched by ENCRYPTED_PATTERN when embedded in text', () => {
    const out = applySync(encrypt, '13812345678', ctxFor(encrypt, {}));
    const found = [...`电话：${out}，谢谢`.matchAll(ENCRYPTED_PATTERN)].map((r) => r[0]);
    expect(found).toEqual([out]);
  });
});
