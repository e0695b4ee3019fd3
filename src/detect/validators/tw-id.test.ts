import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTwIdValid, isTwIdValidAt, twIdCheckDigit } from './tw-id.js';

const body = fc
  .tuple(fc.stringMatching(/^[A-Z]$/), fc.constantFrom('1', '2', '8', '9'), fc.stringMatching(/^[0-9]{7}$/))
  .map(([l, s, d]) => l + s + d);

describe('tw-id', () => {
  it('isTwIdValid accepts the reference vectors and rejects the wrong ones', () => {
    expect(isTwIdValid('A123456789')).toBe(true);
    expect(isTwIdValid('A123456788')).toBe(false);
    expect(isTwIdValid('F123456784')).toBe(true);
    expect(isTwIdValid('A800000014')).toBe(true);
    expect(isTwIdValid('A323456789')).toBe(false);
  });

  it('isTwIdValid rejects malformed input', () => {
    expect(isTwIdValid('a123456789')).toBe(false);
    expect(isTwIdValid('A12345678')).toBe(false);
    expect(isTwIdValid('A12345678X')).toBe(false);
    expect(isTwIdValid('1123456789')).toBe(false);
    expect(isTwIdValidAt('身分證A123456789', 3)).toBe(true);
  });

  it('twIdCheckDigit computes the worked example and throws on bad bodies', () => {
    expect(twIdCheckDigit('A12345678')).toBe('9');
    expect(twIdCheckDigit('A80000001')).toBe('4');
    expect(() => twIdCheckDigit('A32345678')).toThrow(RangeError);
    expect(() => twIdCheckDigit('A1234567')).toThrow(RangeError);
  });

  it('isTwIdValid accepts a computed check and rejects every single-digit change the mod-10 sum can see', () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), (b, at, delta) => {
        const id = b + twIdCheckDigit(b);
        expect(isTwIdValid(id)).toBe(true);
        const changed = id.slice(0, at) + String((Number(id[at]) + delta) % 10) + id.slice(at + 1);
        // Weights 8 7 6 5 4 3 2 1 1 over positions 2-10; a change of d at weight w is invisible when w*d ≡ 0 (mod 10).
        const weight = at === 9 ? 1 : 9 - at;
        // (At the sex digit such a change, d = 5, lands on 3/4/6/7, which the shape rule rejects.)
        const invisible = (weight * delta) % 10 === 0 && at !== 1;
        expect(isTwIdValid(changed)).toBe(invisible);
      }),
    );
  });

  it('isTwIdValid tells every letter apart for the same digits', () => {
    // Letter values differ mod 10 in their weighted form except for a few pairs; count the distinct outcomes.
    fc.assert(
      fc.property(body, (b) => {
        const id = b + twIdCheckDigit(b);
        let valid = 0;
        for (let l = 65; l <= 90; l++) if (isTwIdValid(String.fromCharCode(l) + id.slice(1))) valid++;
        expect(valid).toBeGreaterThanOrEqual(1);
        expect(valid).toBeLessThanOrEqual(3);
      }),
    );
  });
});
