import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ff1 } from './ff1.js';
import { ALPHABETS, Alphabet } from './numeral.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const K128 = '2B7E151628AED2A6ABF7158809CF4F3C';
const K192 = `${K128}EF4359D8D580AA4F`;
const K256 = `${K192}7F036D6F04FC6A94`;

/**
 * NIST SP 800-38G "FF1 samples" (NIST CSRC, Cryptographic Standards and Guidelines, Examples with
 * Intermediate Values: FF1samples.pdf), Samples 1–9: AES-128 (1–3), AES-192 (4–6), AES-256 (7–9).
 */
const SAMPLES: ReadonlyArray<{ sample: number; key: string; radix: number; tweak: string; pt: string; ct: string }> = [
  { sample: 1, key: K128, radix: 10, tweak: '', pt: '0123456789', ct: '2433477484' },
  { sample: 2, key: K128, radix: 10, tweak: '39383736353433323130', pt: '0123456789', ct: '6124200773' },
  {
    sample: 3,
    key: K128,
    radix: 36,
    tweak: '3737373770717273373737',
    pt: '0123456789abcdefghi',
    ct: 'a9tv40mll9kdu509eum',
  },
  { sample: 4, key: K192, radix: 10, tweak: '', pt: '0123456789', ct: '2830668132' },
  { sample: 5, key: K192, radix: 10, tweak: '39383736353433323130', pt: '0123456789', ct: '2496655549' },
  {
    sample: 6,
    key: K192,
    radix: 36,
    tweak: '3737373770717273373737',
    pt: '0123456789abcdefghi',
    ct: 'xbj3kv35jrawxv32ysr',
  },
  { sample: 7, key: K256, radix: 10, tweak: '', pt: '0123456789', ct: '6657667009' },
  { sample: 8, key: K256, radix: 10, tweak: '39383736353433323130', pt: '0123456789', ct: '1001623463' },
  {
    sample: 9,
    key: K256,
    radix: 36,
    tweak: '3737373770717273373737',
    pt: '0123456789abcdefghi',
    ct: 'xs8a0azh2avyalyzuwd',
  },
];

describe('Ff1', () => {
  for (const s of SAMPLES) {
    it(`\`encrypt\` and \`decrypt\` reproduce NIST FF1 sample ${s.sample} when given its key, radix and tweak`, () => {
      const alphabet = new Alphabet(s.radix === 10 ? ALPHABETS.digits : ALPHABETS['alphanumeric-lower']);
      const ff1 = new Ff1(hex(s.key), s.radix);
      const x = alphabet.toNumerals(s.pt) as number[];
      const y = ff1.encrypt(x, hex(s.tweak));
      expect(alphabet.fromNumerals(y)).toBe(s.ct);
      expect(alphabet.fromNumerals(ff1.decrypt(y, hex(s.tweak)))).toBe(s.pt);
    });
  }

  it('`decrypt` inverts `encrypt` for any digits, length and tweak when lengths are valid', () => {
    const ff1 = new Ff1(hex(K256), 10);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 60 }),
        fc.uint8Array({ maxLength: 40 }),
        (x, t) => {
          const y = ff1.encrypt(x, t);
          expect(y).toHaveLength(x.length);
          expect(ff1.decrypt(y, t)).toEqual(x);
        },
      ),
    );
  });

  it('`decrypt` inverts `encrypt` when the radix is 62 and the PRF needs extra blocks', () => {
    const ff1 = new Ff1(hex(K128), 62);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 61 }), { minLength: 4, maxLength: 120 }), (x) => {
        expect(ff1.decrypt(ff1.encrypt(x, new Uint8Array(3)), new Uint8Array(3))).toEqual(x);
      }),
      { numRuns: 50 },
    );
  });

  it('`encrypt` throws RangeError when the domain is below one million values', () => {
    const ff1 = new Ff1(hex(K128), 10);
    expect(() => ff1.encrypt([1, 2, 3, 4, 5], new Uint8Array(0))).toThrow(RangeError);
    expect(ff1.minLength).toBe(6);
  });
});
