import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BASE58_MAX_INPUT,
  bitcoinBase58Kind,
  decodeBase58,
  decodeBase58Check,
  encodeBase58,
  encodeBase58Check,
  isBase58Char,
} from './base58check.js';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Bitcoin Core `src/test/data/base58_encode_decode.json`. */
const CORE_VECTORS: readonly (readonly [string, string])[] = [
  ['61', '2g'],
  ['626262', 'a3gV'],
  ['636363', 'aPEr'],
  ['73696d706c792061206c6f6e6720737472696e67', '2cFupjhnEsSn59qHXstmK2ffpLv2'],
  ['00eb15231dfceb60925886b67d065299925915aeb172c06647', '1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L'],
  ['516b6fcd0f', 'ABnLTmg'],
  ['bf4f89001e670274dd', '3SEo3LWLoPntC'],
  ['572e4794', '3EFU7m'],
  ['ecac89cad93923c02321', 'EJDM8drfXA6uyA'],
  ['10c8511e', 'Rt5zm'],
  ['00000000000000000000', '1111111111'],
];

/** Addresses from the Bitcoin wiki and the genesis block (public, well known). */
const P2PKH = ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'];
const P2SH = ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'];

const address = fc
  .tuple(fc.constantFrom(0x00, 0x05), fc.uint8Array({ minLength: 20, maxLength: 20 }))
  .map(([version, hash]) => encodeBase58Check(Uint8Array.from([version, ...hash])));

describe('base58check', () => {
  it('encodeBase58 and decodeBase58 match the Bitcoin Core vectors', () => {
    for (const [h, text] of CORE_VECTORS) {
      expect(encodeBase58(Buffer.from(h, 'hex'))).toBe(text);
      expect(hex(decodeBase58(text) as Uint8Array)).toBe(h);
    }
  });

  it('decodeBase58 returns null for characters outside the alphabet and over-long input', () => {
    for (const bad of ['0', 'O', 'I', 'l', '3SEo3LWLoPnt0', 'ab cd', '']) expect(decodeBase58(bad)).toBeNull();
    expect(decodeBase58('2'.repeat(BASE58_MAX_INPUT + 1))).toBeNull();
  });

  it('decodeBase58 honours the start and end offsets', () => {
    expect(hex(decodeBase58('xx2gxx', 2, 4) as Uint8Array)).toBe('61');
  });

  it('isBase58Char excludes 0, O, I and l', () => {
    const ok = [...ALPHABET].every((c) => isBase58Char(c.charCodeAt(0)));
    expect(ok).toBe(true);
    for (const c of '0OIl+/') expect(isBase58Char(c.charCodeAt(0))).toBe(false);
    expect(isBase58Char(0x4e00)).toBe(false);
  });

  it('bitcoinBase58Kind recognises known P2PKH and P2SH addresses', () => {
    for (const a of P2PKH) expect(bitcoinBase58Kind(a)).toBe('p2pkh');
    for (const a of P2SH) expect(bitcoinBase58Kind(a)).toBe('p2sh');
    expect(bitcoinBase58Kind(`xx${P2SH[0]}yy`, 2, 36)).toBe('p2sh');
  });

  it('bitcoinBase58Kind rejects a wrong checksum, other versions and wrong lengths', () => {
    expect(bitcoinBase58Kind('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3')).toBeNull();
    // Bitcoin Core's encode/decode vector: version 0 and 20 bytes, but its last 4 bytes are not a checksum.
    expect(bitcoinBase58Kind('1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L')).toBeNull();
    expect(bitcoinBase58Kind('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNV')).toBeNull();
    // A testnet (0x6f) address with a valid checksum is not a mainnet address.
    const testnet = encodeBase58Check(Uint8Array.from([0x6f, ...new Uint8Array(20).fill(7)]));
    expect(decodeBase58Check(testnet)).not.toBeNull();
    expect(bitcoinBase58Kind(testnet)).toBeNull();
    // Right version, 19-byte hash.
    expect(bitcoinBase58Kind(encodeBase58Check(Uint8Array.from([0, ...new Uint8Array(19).fill(9)])))).toBeNull();
  });

  it('decodeBase58Check inverts encodeBase58Check for any payload', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), (payload) => {
        const back = decodeBase58Check(encodeBase58Check(payload));
        return back !== null && hex(back) === hex(payload);
      }),
    );
  });

  it('bitcoinBase58Kind accepts every generated address', () => {
    fc.assert(fc.property(address, (a) => bitcoinBase58Kind(a) !== null));
  });

  it('bitcoinBase58Kind rejects every single-character substitution', () => {
    fc.assert(
      fc.property(address, fc.nat(), fc.nat({ max: 57 }), (a, pos, pick) => {
        const i = pos % a.length;
        const c = ALPHABET[pick] as string;
        fc.pre(c !== a[i]);
        return bitcoinBase58Kind(a.slice(0, i) + c + a.slice(i + 1)) === null;
      }),
      { numRuns: 1000 },
    );
  });
});
