import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMod112CheckCode, isMod112Valid, mod112CheckChar, mod112CheckValueAt } from './mod11-2.js';

/** The weighted-sum form of reference §1.3, as an independent oracle for the recursion. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const TABLE = '10X98765432';
function oracle(body17: string): string {
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(body17[i]) * (WEIGHTS[i] as number);
  return TABLE[s % 11] as string;
}

describe('mod11-2', () => {
  it('isMod112Valid accepts the reference vectors and rejects the wrong check characters', () => {
    expect(isMod112Valid('11010519491231002X')).toBe(true);
    expect(isMod112Valid('11010519491231002x')).toBe(true);
    expect(isMod112Valid('110105194912310021')).toBe(false);
    expect(isMod112Valid('440524188001010014')).toBe(true);
    expect(isMod112Valid('440524188001010013')).toBe(false);
    expect(isMod112Valid('310104198807201234')).toBe(true);
    expect(isMod112Valid('310104198807201235')).toBe(false);
    expect(isMod112Valid('510107200002290045')).toBe(true);
    expect(isMod112Valid('65010219731108651X')).toBe(true);
    expect(isMod112Valid('810000199001010019')).toBe(true);
    expect(isMod112Valid('810000199001010018')).toBe(false);
    expect(isMod112Valid('830000197912310033')).toBe(true);
    expect(isMod112Valid('911840199001010018')).toBe(true);
    expect(isMod112Valid('911840199001010017')).toBe(false);
  });

  it('isMod112Valid rejects non-digit bodies, bad check characters and too-short input', () => {
    expect(isMod112Valid('1101051949123100AX')).toBe(false);
    expect(isMod112Valid('11010519491231002Y')).toBe(false);
    expect(isMod112Valid('X')).toBe(false);
    expect(isMod112Valid('')).toBe(false);
  });

  it('mod112CheckChar computes the GB 11643 examples and throws on a non-digit body', () => {
    expect(mod112CheckChar('11010519491231002')).toBe('X');
    expect(mod112CheckChar('44052418800101001')).toBe('4');
    expect(() => mod112CheckChar('1101051949123100A')).toThrow(RangeError);
    expect(() => mod112CheckChar('')).toThrow(RangeError);
  });

  it('mod112CheckValueAt reads a range of a longer text without copying', () => {
    expect(mod112CheckValueAt('身份证11010519491231002X。', 3, 20)).toBe(10);
    expect(mod112CheckValueAt('12a4', 0, 4)).toBe(-1);
    expect(isMod112CheckCode(10, 'X'.charCodeAt(0))).toBe(true);
    expect(isMod112CheckCode(3, '3'.charCodeAt(0))).toBe(true);
    expect(isMod112CheckCode(3, '4'.charCodeAt(0))).toBe(false);
  });

  it('mod112CheckChar agrees with the weighted-sum table of the standard for any 17-digit body', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{17}$/), (body) => {
        expect(mod112CheckChar(body)).toBe(oracle(body));
      }),
    );
  });

  it('isMod112Valid accepts a computed check and rejects every single-character change', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{17}$/), fc.nat(), fc.integer({ min: 1, max: 10 }), (body, at, delta) => {
        const full = body + mod112CheckChar(body);
        expect(isMod112Valid(full)).toBe(true);
        const i = at % 18;
        const alphabet = '0123456789X';
        const cur = alphabet.indexOf(full[i] as string);
        // Body positions take digits only; the check position takes any of the 11 check characters.
        const size = i === 17 ? 11 : 10;
        const next = alphabet[(cur + (delta % size === 0 ? 1 : delta % size)) % size] as string;
        const changed = full.slice(0, i) + next + full.slice(i + 1);
        expect(isMod112Valid(changed)).toBe(false);
      }),
    );
  });

  it('isMod112Valid rejects every transposition of two different adjacent digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{17}$/), fc.nat(), (body, at) => {
        const full = body + mod112CheckChar(body);
        const i = at % 16;
        fc.pre(full[i] !== full[i + 1]);
        const swapped = full.slice(0, i) + full[i + 1] + full[i] + full.slice(i + 2);
        expect(isMod112Valid(swapped)).toBe(false);
      }),
    );
  });
});
