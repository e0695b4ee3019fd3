import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BinEntry, binEntries, findBin } from './bank-bins.js';

/** The plain definition: the longest BIN that prefixes `digits` among entries of its length. */
function reference(digits: string): BinEntry | undefined {
  let best: BinEntry | undefined;
  for (const e of binEntries()) {
    if (e.length !== digits.length || !digits.startsWith(e.bin)) continue;
    if (best === undefined || e.bin.length > best.bin.length) best = e;
  }
  return best;
}

const digitString = (min: number, max: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((a) => a.join(''));

describe('findBin', () => {
  it('finds the BIN of a number of the listed length, and nothing for other lengths or non-digits', () => {
    expect(findBin('6222020000000000000')?.bank).toBe('ICBC');
    expect(findBin('622202000000000000')).toBeUndefined(); // 18 digits: not a length that BIN issues
    expect(findBin('62')).toBeUndefined();
    expect(findBin('62a2020000000000000')).toBeUndefined();
    expect(findBin('')).toBeUndefined();
  });

  it('equals the longest-prefix definition for every listed BIN extended to its length', () => {
    fc.assert(
      fc.property(fc.constantFrom(...binEntries()), digitString(0, 19), (e, tail) => {
        const digits = (e.bin + tail).slice(0, e.length).padEnd(e.length, '7');
        return findBin(digits) === reference(digits);
      }),
      { numRuns: 3000 },
    );
  });

  it('equals the longest-prefix definition on random digit strings', () => {
    fc.assert(
      fc.property(fc.constantFrom('62', '4', '5', '3', '60', '81', ''), digitString(0, 19), (head, rest) => {
        const digits = (head + rest).slice(0, 19);
        return findBin(digits) === reference(digits);
      }),
      { numRuns: 3000 },
    );
  });
});
