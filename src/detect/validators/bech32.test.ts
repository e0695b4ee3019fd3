import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  convertBits,
  decodeBech32,
  decodeSegwitAddress,
  encodeBech32,
  encodeSegwitAddress,
  isBech32Char,
} from './bech32.js';

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/** BIP-173 "valid checksum" vectors. */
const BECH32_VALID = [
  'A12UEL5L',
  'a12uel5l',
  'an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs',
  'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw',
  '11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j',
  'split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w',
  '?1ezyfcl',
];

/** BIP-173 "invalid checksum" vectors. */
const BECH32_INVALID = [
  '\x201nwldj5',
  '\x7f1axkwrx',
  '\x801eym55h',
  'an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx',
  'pzry9x0s0muk',
  '1pzry9x0s0muk',
  'x1b4n0q5v',
  'li1dgmt3',
  'de1lg7wt\xff',
  'A1G7SGD8',
  '10a06t8',
  '1qzzfhee',
];

/** BIP-350 valid Bech32m vectors. */
const BECH32M_VALID = [
  'A1LQFN3A',
  'a1lqfn3a',
  'an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6',
  'abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx',
  '11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8',
  'split1checkupstagehandshakeupstreamerranterredcaperredlc445v',
  '?1v759aa',
];

/** BIP-350 invalid Bech32m vectors. */
const BECH32M_INVALID = [
  '\x201xj0phk',
  '\x7f1g6xzxy',
  '\x801vctc34',
  'an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4',
  'qyrz8wqd2c9m',
  '1qyrz8wqd2c9m',
  'y1b0jsk6g',
  'lt1igcx5c0',
  'in1muywd',
  'mm1crxm3i',
  'au1s5cgom',
  'M1VUXWEZ',
  '16plkw9',
  '1p2gdwpf',
];

/** BIP-350 valid segwit addresses and their scriptPubKey (version opcode, push length, program). */
const SEGWIT_VALID: readonly (readonly [string, string])[] = [
  ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', '0014751e76e8199196d454941c45d1b3a323f1433bd6'],
  [
    'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7',
    '00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262',
  ],
  [
    'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y',
    '5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6',
  ],
  ['BC1SW50QGDZ25J', '6002751e'],
  ['bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', '5210751e76e8199196d454941c45d1b3a323'],
  [
    'tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy',
    '0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433',
  ],
  [
    'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c',
    '5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433',
  ],
  [
    'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
    '512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
  ],
];

/** BIP-350 invalid segwit addresses (plus the BIP-173 ones that stay invalid). */
const SEGWIT_INVALID = [
  'tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut',
  'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd',
  'tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf',
  'BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL',
  'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh',
  'tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47',
  'bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4',
  'BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R',
  'bc1pw5dgrnzv',
  'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav',
  'BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P',
  'tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq',
  'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf',
  'tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j',
  'bc1gmk9yu',
  'tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty',
  'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5',
  'BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2',
  'bc1rw5uspcuh',
  'bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90',
  'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7',
  'bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du',
  'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv',
];

function scriptPubKey(version: number, program: Uint8Array): string {
  const op = version === 0 ? 0 : 0x50 + version;
  return Buffer.from([op, program.length, ...program]).toString('hex');
}

const segwit = fc
  .oneof(
    fc.tuple(fc.constant(0), fc.uint8Array({ minLength: 20, maxLength: 20 })),
    fc.tuple(fc.constant(0), fc.uint8Array({ minLength: 32, maxLength: 32 })),
    fc.tuple(fc.integer({ min: 1, max: 16 }), fc.uint8Array({ minLength: 2, maxLength: 40 })),
  )
  .map(([v, p]) => encodeSegwitAddress('bc', v, p));

describe('bech32', () => {
  it('decodeBech32 accepts the BIP-173 valid vectors as bech32', () => {
    for (const s of BECH32_VALID) expect(decodeBech32(s)?.encoding, s).toBe('bech32');
  });

  it('decodeBech32 rejects the BIP-173 invalid vectors', () => {
    for (const s of BECH32_INVALID) expect(decodeBech32(s), JSON.stringify(s)).toBeNull();
  });

  it('decodeBech32 accepts the BIP-350 valid vectors as bech32m', () => {
    for (const s of BECH32M_VALID) expect(decodeBech32(s)?.encoding, s).toBe('bech32m');
  });

  it('decodeBech32 rejects the BIP-350 invalid vectors', () => {
    for (const s of BECH32M_INVALID) expect(decodeBech32(s), JSON.stringify(s)).toBeNull();
  });

  it('encodeBech32 reproduces the valid vectors from their decoded form', () => {
    for (const s of [...BECH32_VALID, ...BECH32M_VALID]) {
      const d = decodeBech32(s);
      expect(d).not.toBeNull();
      if (d) expect(encodeBech32(d.hrp, d.data, d.encoding)).toBe(s.toLowerCase());
    }
  });

  it('encodeBech32 throws RangeError for bad HRPs, words and lengths', () => {
    expect(() => encodeBech32('', new Uint8Array(0), 'bech32')).toThrow(RangeError);
    expect(() => encodeBech32('BC', new Uint8Array(0), 'bech32')).toThrow(RangeError);
    expect(() => encodeBech32('bc', Uint8Array.of(32), 'bech32')).toThrow(RangeError);
    expect(() => encodeBech32('bc', new Uint8Array(84), 'bech32')).toThrow(RangeError);
  });

  it('decodeSegwitAddress decodes the BIP-350 valid addresses to their scriptPubKey', () => {
    for (const [addr, spk] of SEGWIT_VALID) {
      const hrp = addr.slice(0, 2).toLowerCase();
      const d = decodeSegwitAddress(hrp, addr);
      expect(d, addr).not.toBeNull();
      if (d) {
        expect(scriptPubKey(d.version, d.program)).toBe(spk);
        expect(encodeSegwitAddress(hrp, d.version, d.program)).toBe(addr.toLowerCase());
      }
    }
  });

  it('decodeSegwitAddress rejects the BIP-173/350 invalid addresses', () => {
    for (const addr of SEGWIT_INVALID) {
      expect(decodeSegwitAddress('bc', addr), addr).toBeNull();
      expect(decodeSegwitAddress('tb', addr), addr).toBeNull();
    }
  });

  it('decodeSegwitAddress honours offsets and the expected HRP', () => {
    const text = `pay BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4 now`;
    expect(decodeSegwitAddress('bc', text, 4, 46)?.version).toBe(0);
    expect(decodeSegwitAddress('tb', text, 4, 46)).toBeNull();
  });

  it('convertBits rejects excess or non-zero padding when not padding', () => {
    expect(convertBits(Uint8Array.of(31, 31), 5, 8, false)).toBeNull();
    expect(convertBits(Uint8Array.of(31, 28, 0), 5, 8, false)).toBeNull();
    expect(Array.from(convertBits(Uint8Array.of(31, 28), 5, 8, false) ?? [])).toEqual([0xff]);
    expect(convertBits(Uint8Array.of(40), 5, 8, true)).toBeNull();
  });

  it('encodeSegwitAddress throws RangeError for bad versions and program lengths', () => {
    expect(() => encodeSegwitAddress('bc', 17, new Uint8Array(20))).toThrow(RangeError);
    expect(() => encodeSegwitAddress('bc', 0, new Uint8Array(21))).toThrow(RangeError);
    expect(() => encodeSegwitAddress('bc', 1, new Uint8Array(41))).toThrow(RangeError);
    expect(() => encodeSegwitAddress('bc', 1, new Uint8Array(1))).toThrow(RangeError);
  });

  it('isBech32Char covers the charset in both cases and nothing else', () => {
    for (const c of CHARSET + CHARSET.toUpperCase()) expect(isBech32Char(c.charCodeAt(0))).toBe(true);
    for (const c of '1bioBIO-_') expect(isBech32Char(c.charCodeAt(0))).toBe(false);
  });

  it('decodeSegwitAddress accepts every generated address', () => {
    fc.assert(fc.property(segwit, (a) => decodeSegwitAddress('bc', a) !== null));
  });

  it('decodeSegwitAddress rejects every single-character substitution', () => {
    fc.assert(
      fc.property(segwit, fc.nat(), fc.nat({ max: 31 }), (a, pos, pick) => {
        const i = 3 + (pos % (a.length - 3));
        const c = CHARSET[pick] as string;
        fc.pre(c !== a[i]);
        return decodeSegwitAddress('bc', a.slice(0, i) + c + a.slice(i + 1)) === null;
      }),
      { numRuns: 1000 },
    );
  });
});
