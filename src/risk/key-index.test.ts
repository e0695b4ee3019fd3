import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyIndex } from './key-index.js';

describe('KeyIndex', () => {
  it('assigns the same dense ids as a Map, across growth, for keys up to 2^52', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.maxSafeNat()), { maxLength: 500 }), (keys) => {
        const idx = new KeyIndex(1);
        const ref = new Map<number, number>();
        for (const k0 of keys) {
          const k = k0 % 2 ** 52;
          if (!ref.has(k)) ref.set(k, ref.size);
          expect(idx.id(k)).toBe(ref.get(k));
        }
        expect(idx.size).toBe(ref.size);
      }),
    );
  });
});
