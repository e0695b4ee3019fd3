import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVinValid, isVinValidAt, vinCheckChar, vinCheckValueAt } from './vin.js';

const ALPHABET = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ';
const YEARS = '123456789ABCDEFGHJKLMNPRSTVWXY';
const vinWithoutCheck = fc
  .tuple(
    fc.stringMatching(/^[0-9A-HJ-NPR-Z]{8}$/),
    fc.constantFrom(...YEARS.split('')),
    fc.stringMatching(/^[0-9A-HJ-NPR-Z]{7}$/),
  )
  .map(([a, y, b]) => `${a}0${y}${b}`);

describe('vin', () => {
  it('isVinValid accepts the reference vectors and rejects the wrong ones', () => {
    expect(isVinValid('LATPAB071W1005301')).toBe(true);
    expect(isVinValid('1M8GDM9AXKP042788')).toBe(true);
    expect(isVinValid('LATPAB072W1005301')).toBe(false);
    expect(isVinValid('1M8GDM9AXKP04278O')).toBe(false);
  });

  it('isVinValid rejects I/O/Q, lower case, wrong lengths and impossible model years', () => {
    expect(isVinValid('latpab071w1005301')).toBe(false);
    expect(isVinValid('LATPAB071W100530')).toBe(false);
    expect(isVinValid('LATPAB071W10053011')).toBe(false);
    expect(isVinValid('LATPAB07IW1005301')).toBe(false);
    const zeroYear = 'LATPAB07?01005301';
    const body = zeroYear.replace('?', '0');
    const fixed = body.slice(0, 8) + vinCheckChar(body) + body.slice(9);
    expect(vinCheckValueAt(fixed, 0)).toBeGreaterThanOrEqual(0);
    expect(isVinValid(fixed)).toBe(false); // model year 0 does not exist
  });

  it('vinCheckChar computes the worked examples and throws on bad input', () => {
    expect(vinCheckChar('LATPAB070W1005301')).toBe('1');
    expect(vinCheckChar('1M8GDM9A0KP042788')).toBe('X');
    expect(() => vinCheckChar('LATPAB07OW1005301')).toThrow(RangeError);
    expect(() => vinCheckChar('LATPAB07')).toThrow(RangeError);
    expect(isVinValidAt('车架号LATPAB071W1005301', 3)).toBe(true);
  });

  it('isVinValid accepts a computed check and rejects every single-character change at a weighted position', () => {
    fc.assert(
      fc.property(vinWithoutCheck, fc.nat(), fc.integer({ min: 1, max: 32 }), (raw, at, delta) => {
        const vin = raw.slice(0, 8) + vinCheckChar(raw) + raw.slice(9);
        expect(isVinValid(vin)).toBe(true);
        const i = at % 17;
        const c = vin[i] as string;
        const alphabet = i === 8 ? '0123456789X' : ALPHABET;
        const step = 1 + (delta % (alphabet.length - 1));
        const next = alphabet[(alphabet.indexOf(c) + step) % alphabet.length] as string;
        const changed = vin.slice(0, i) + next + vin.slice(i + 1);
        // Letters that transliterate to the same value as the original (A and J are both 1) are indistinguishable
        // by design of the standard; every other change must be caught.
        const same = (x: string) => {
          const v = '0123456789'.includes(x)
            ? Number(x)
            : [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9][
                'ABCDEFGHJKLMNPRSTUVWXYZ'.indexOf(x)
              ];
          return v;
        };
        fc.pre(i === 8 || same(next) !== same(c));
        expect(isVinValid(changed)).toBe(false);
      }),
    );
  });
});
