import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLuhnValid, luhnCheckDigit } from './luhn.js';

describe('luhn', () => {
  it('isLuhnValid accepts known vectors and rejects one-digit changes', () => {
    expect(isLuhnValid('4111111111111111')).toBe(true);
    expect(isLuhnValid('79927398713')).toBe(true);
    expect(isLuhnValid('79927398710')).toBe(false);
    expect(isLuhnValid('4111111111111112')).toBe(false);
    expect(isLuhnValid('41111a1111111111')).toBe(false);
  });

  it('luhnCheckDigit makes any payload valid, and every single-digit change invalid', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{8,18}$/),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (payload, at, delta) => {
          const full = payload + luhnCheckDigit(payload);
          expect(isLuhnValid(full)).toBe(true);
          const i = at % full.length;
          const changed = full.slice(0, i) + String((Number(full[i]) + delta) % 10) + full.slice(i + 1);
          expect(isLuhnValid(changed)).toBe(false);
        },
      ),
    );
  });
});
