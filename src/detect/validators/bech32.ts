/**
 * Bech32 (BIP-173) and Bech32m (BIP-350) strings and segregated-witness addresses.
 *
 * A bech32 string is a human-readable part (HRP, 1–83 printable ASCII characters), the separator `1` (the last
 * `1` in the string) and a data part over `qpzry9x8gf2tvdw0s3jn54khce6mua7l` whose last six characters are a
 * BCH checksum. Bech32 and Bech32m differ only in the constant xored into the checksum (1 vs 0x2bc830a3).
 * Strings are at most 90 characters and never mixed case.
 *
 * Segwit addresses (BIP-173 as amended by BIP-350): data[0] is the witness version 0–16; version 0 uses Bech32
 * and a 20- or 32-byte program, versions 1–16 use Bech32m and a 2–40-byte program.
 */

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3] as const;
const BECH32_CONST = 1;
const BECH32M_CONST = 0x2bc830a3;

/** Longest valid bech32 string (BIP-173). */
export const BECH32_MAX_LENGTH = 90;

/** 5-bit value per lower-case char code, -1 outside the charset. */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < CHARSET.length; i++) {
  VALUE[CHARSET.charCodeAt(i)] = i;
  VALUE[CHARSET.toUpperCase().charCodeAt(i)] = i;
}

/** Printable US-ASCII (33-126). Example match: `bc`; source: BIP-173 HRP rules; does not match spaces or `é`. */
const PRINTABLE = /^[\x21-\x7e]+$/;

/** Which checksum constant a string uses. */
export type Bech32Encoding = 'bech32' | 'bech32m';

/** A decoded bech32 string. `hrp` is lower-cased; `data` holds 5-bit words without the checksum. */
export interface Bech32Decoded {
  readonly hrp: string;
  readonly data: Uint8Array;
  readonly encoding: Bech32Encoding;
}

/**
 * Whether char code `c` is in the bech32 data charset (either case).
 *
 * @example
 * isBech32Char('b'.charCodeAt(0)) // false ('b', 'i', 'o' and '1' are excluded)
 */
export function isBech32Char(c: number): boolean {
  return c < 128 && (VALUE[c] as number) >= 0;
}

function polymodStep(chk: number, v: number): number {
  const top = chk >>> 25;
  let out = ((chk & 0x1ffffff) << 5) ^ v;
  for (let i = 0; i < 5; i++) if (((top >>> i) & 1) === 1) out ^= GENERATORS[i] as number;
  return out >>> 0;
}

function hrpChecksumState(hrp: string): number {
  let chk = 1;
  for (let i = 0; i < hrp.length; i++) chk = polymodStep(chk, hrp.charCodeAt(i) >>> 5);
  chk = polymodStep(chk, 0);
  for (let i = 0; i < hrp.length; i++) chk = polymodStep(chk, hrp.charCodeAt(i) & 31);
  return chk;
}

/**
 * Decode and verify a bech32 or bech32m string `s[start, end)`. Returns `null` on any rule violation: length over
 * 90, HRP character outside 33–126, mixed case, no separator, empty HRP, data shorter than the checksum, a
 * character outside the charset, or a checksum matching neither constant.
 *
 * @example
 * decodeBech32('a12uel5l') // { hrp: 'a', data: Uint8Array [], encoding: 'bech32' }
 */
export function decodeBech32(s: string, start = 0, end: number = s.length): Bech32Decoded | null {
  const n = end - start;
  if (n < 8 || n > BECH32_MAX_LENGTH) return null;
  let lower = false;
  let upper = false;
  let sep = -1;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 33 || c > 126) return null;
    if (c >= 97 && c <= 122) lower = true;
    else if (c >= 65 && c <= 90) upper = true;
    if (c === 49) sep = i;
  }
  if (lower && upper) return null;
  if (sep < start + 1 || sep + 7 > end) return null;
  const hrp = s.slice(start, sep).toLowerCase();
  let chk = hrpChecksumState(hrp);
  const dataLen = end - sep - 1;
  const data = new Uint8Array(dataLen - 6);
  for (let i = 0; i < dataLen; i++) {
    const c = s.charCodeAt(sep + 1 + i);
    const v = c < 128 ? (VALUE[c] as number) : -1;
    if (v < 0) return null;
    chk = polymodStep(chk, v);
    if (i < dataLen - 6) data[i] = v;
  }
  if (chk === BECH32_CONST) return { hrp, data, encoding: 'bech32' };
  if (chk === BECH32M_CONST) return { hrp, data, encoding: 'bech32m' };
  return null;
}

/**
 * Encode `hrp` (lower case) and 5-bit `data` as a bech32 or bech32m string.
 *
 * @throws RangeError when the HRP is empty or not printable ASCII, a word exceeds 31, or the result would exceed 90
 * @example
 * encodeBech32('a', new Uint8Array(0), 'bech32') // 'a12uel5l'
 */
export function encodeBech32(hrp: string, data: Uint8Array, encoding: Bech32Encoding): string {
  if (hrp.length === 0 || !PRINTABLE.test(hrp) || hrp.toLowerCase() !== hrp) {
    throw new RangeError('encodeBech32: the HRP must be non-empty lower-case printable ASCII');
  }
  if (hrp.length + 7 + data.length > BECH32_MAX_LENGTH)
    throw new RangeError('encodeBech32: result exceeds 90 characters');
  let chk = hrpChecksumState(hrp);
  let out = `${hrp}1`;
  for (const v of data) {
    if (v > 31) throw new RangeError('encodeBech32: data words must be 5-bit');
    chk = polymodStep(chk, v);
    out += CHARSET[v];
  }
  for (let i = 0; i < 6; i++) chk = polymodStep(chk, 0);
  chk ^= encoding === 'bech32' ? BECH32_CONST : BECH32M_CONST;
  for (let i = 0; i < 6; i++) out += CHARSET[(chk >>> (5 * (5 - i))) & 31];
  return out;
}

/**
 * Regroup bits: `from`-bit words to `to`-bit words. With `pad`, a trailing partial word is zero-padded; without,
 * more than `from - 1` padding bits or non-zero padding is an error (`null`), as BIP-173 requires when decoding.
 *
 * @example
 * convertBits(new Uint8Array([0xff]), 8, 5, true) // Uint8Array [31, 28]
 */
export function convertBits(data: Uint8Array, from: number, to: number, pad: boolean): Uint8Array | null {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const maxv = (1 << to) - 1;
  for (const v of data) {
    if (v >>> from !== 0) return null;
    acc = ((acc << from) | v) & 0xffffff;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >>> bits) & maxv);
    }
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & maxv);
  } else if (bits >= from || ((acc << (to - bits)) & maxv) !== 0) {
    return null;
  }
  return Uint8Array.from(out);
}

/** A decoded segregated-witness address. */
export interface SegwitAddress {
  readonly version: number;
  readonly program: Uint8Array;
}

/**
 * Decode the segwit address `s[start, end)` for the expected `hrp` (`bc` mainnet, `tb` testnet, `bcrt` regtest),
 * enforcing the version/encoding pairing and program lengths of BIP-141/173/350. Returns `null` when invalid.
 *
 * @example
 * decodeSegwitAddress('bc', 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4')?.program.length // 20
 */
export function decodeSegwitAddress(hrp: string, s: string, start = 0, end: number = s.length): SegwitAddress | null {
  const dec = decodeBech32(s, start, end);
  if (dec === null || dec.hrp !== hrp || dec.data.length < 1) return null;
  const version = dec.data[0] as number;
  if (version > 16) return null;
  if ((version === 0) !== (dec.encoding === 'bech32')) return null;
  const program = convertBits(dec.data.subarray(1), 5, 8, false);
  if (program === null || program.length < 2 || program.length > 40) return null;
  if (version === 0 && program.length !== 20 && program.length !== 32) return null;
  return { version, program };
}

/**
 * Encode a segwit address (Bech32 for version 0, Bech32m for 1–16).
 *
 * @throws RangeError when the version or program length is invalid
 * @example
 * encodeSegwitAddress('bc', 0, new Uint8Array(20)) // 'bc1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqs…'
 */
export function encodeSegwitAddress(hrp: string, version: number, program: Uint8Array): string {
  if (!Number.isInteger(version) || version < 0 || version > 16)
    throw new RangeError('encodeSegwitAddress: version must be 0-16');
  if (program.length < 2 || program.length > 40 || (version === 0 && program.length !== 20 && program.length !== 32)) {
    throw new RangeError('encodeSegwitAddress: invalid witness program length');
  }
  const words = convertBits(program, 8, 5, true) as Uint8Array;
  const data = new Uint8Array(words.length + 1);
  data[0] = version;
  data.set(words, 1);
  return encodeBech32(hrp, data, version === 0 ? 'bech32' : 'bech32m');
}
