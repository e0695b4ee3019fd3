import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hkIdCheckChar, hkIdCheckValueAt, isHkIdCheckCode, isHkIdValid } from './hk-id.js';

const body = fc.tuple(fc.stringMatching(/^[A-Z]{1,2}$/), fc.stringMatching(/^[0-9]{6}$/)).map(([l, d]) => l + d);

describe('hk-id', () => {
  it('isHkIdValid accepts the reference vectors and rejects the wrong ones', () => {
    expect(isHkIdValid('A123456(3)')).toBe(true);
    expect(isHkIdValid('A1234563')).toBe(true);
    expect(isHkIdValid('A123456(4)')).toBe(false);
    expect(isHkIdValid('AB987654(3)')).toBe(true);
    expect(isHkIdValid('E364912(5)')).toBe(true);
    expect(isHkIdValid('K034169(1)')).toBe(false);
    expect(isHkIdValid('K034169(A)')).toBe(true);
  });

  it('isHkIdValid rejects malformed input', () => {
    expect(isHkIdValid('a123456(3)')).toBe(false);
    expect(isHkIdValid('A123456(3')).toBe(false);
    expect(isHkIdValid('ABC123456(3)')).toBe(false);
    expect(isHkIdValid('A12345(3)')).toBe(false);
    expect(isHkIdValid('A123456(a)')).toBe(false);
    expect(isHkIdValid('')).toBe(false);
  });

  it('hkIdCheckChar computes the worked example and throws on bad bodies', () => {
    expect(hkIdCheckChar('A123456')).toBe('3');
    expect(hkIdCheckChar('K034169')).toBe('A');
    expect(() => hkIdCheckChar('A12345')).toThrow(RangeError);
    expect(() => hkIdCheckChar('1A23456')).toThrow(RangeError);
    expect(hkIdCheckValueAt('HKID A123456', 5, 1)).toBe(3);
    expect(isHkIdCheckCode(10, 'A'.charCodeAt(0))).toBe(true);
  });

  it('isHkIdValid accepts a computed check in both notations and rejects every detectable single-character change', () => {
    fc.assert(
      fc.property(body, fc.nat(), fc.integer({ min: 1, max: 35 }), (b, at, delta) => {
        const check = hkIdCheckChar(b);
        expect(isHkIdValid(`${b}(${check})`)).toBe(true);
        const id = b + check;
        expect(isHkIdValid(id)).toBe(true);
        const i = at % id.length;
        const c = id[i] as string;
        let next: string;
        if (i === id.length - 1) next = '0123456789A'[('0123456789A'.indexOf(c) + (delta % 10) + 1) % 11] as string;
        else if (c >= '0' && c <= '9') next = String((Number(c) + (delta % 9) + 1) % 10);
        else next = String.fromCharCode(65 + ((c.charCodeAt(0) - 65 + (delta % 25) + 1) % 26));
        // Mod 11 cannot see a letter replaced by one 11 places away (A and L weigh the same): the scheme's limit.
        fc.pre(!(c >= 'A' && i < id.length - 7 && Math.abs(c.charCodeAt(0) - next.charCodeAt(0)) % 11 === 0));
        expect(isHkIdValid(id.slice(0, i) + next + id.slice(i + 1))).toBe(false);
      }),
    );
  });
});
