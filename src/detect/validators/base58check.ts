/**
 * Base58Check (Bitcoin): base58 text over the alphabet without `0`, `O`, `I`, `l`, carrying a payload followed by
 * the first four bytes of SHA-256(SHA-256(payload)). Legacy Bitcoin addresses are a version byte plus a 20-byte
 * hash: `0x00` P2PKH (`1…`), `0x05` P2SH (`3…`).
 *
 * Decoding is quadratic in the input length, so callers bound the input (addresses are at most 35 characters;
 * {@link decodeBase58} refuses anything longer than {@link BASE58_MAX_INPUT}).
 */
import { createHash } from 'node:crypto';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Longest base58 string {@link decodeBase58} accepts (keeps the quadratic decode bounded). */
export const BASE58_MAX_INPUT = 128;

/** Digit value per char code, -1 for characters outside the alphabet. */
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT[ALPHABET.charCodeAt(i)] = i;

/**
 * Whether char code `c` belongs to the base58 alphabet.
 *
 * @example
 * isBase58Char('l'.charCodeAt(0)) // false
 */
export function isBase58Char(c: number): boolean {
  return c < 128 && (DIGIT[c] as number) >= 0;
}

/**
 * Decode base58 text `s[start, end)` to bytes (leading `1`s become leading zero bytes). Returns `null` on a
 * character outside the alphabet or an input longer than {@link BASE58_MAX_INPUT}.
 *
 * @example
 * decodeBase58('2g') // Uint8Array [ 0x61 ]
 */
export function decodeBase58(s: string, start = 0, end: number = s.length): Uint8Array | null {
  const n = end - start;
  if (n <= 0 || n > BASE58_MAX_INPUT) return null;
  let zeros = 0;
  while (zeros < n && s.charCodeAt(start + zeros) === 49) zeros++;
  // log(58) / log(256) ≈ 0.733: bytes needed for the value part.
  const size = (((n - zeros) * 733) / 1000 + 1) | 0;
  const b256 = new Uint8Array(size);
  let length = 0;
  for (let i = start + zeros; i < end; i++) {
    const c = s.charCodeAt(i);
    let carry = c < 128 ? (DIGIT[c] as number) : -1;
    if (carry < 0) return null;
    let j = 0;
    for (let k = size - 1; (carry !== 0 || j < length) && k >= 0; k--, j++) {
      carry += 58 * (b256[k] as number);
      b256[k] = carry & 0xff;
      carry >>>= 8;
    }
    length = j;
  }
  let skip = size - length;
  while (skip < size && b256[skip] === 0) skip++;
  const out = new Uint8Array(zeros + (size - skip));
  out.set(b256.subarray(skip), zeros);
  return out;
}

/**
 * Encode bytes as base58 text.
 *
 * @example
 * encodeBase58(new Uint8Array([0x61])) // '2g'
 */
export function encodeBase58(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  // log(256) / log(58) ≈ 1.366.
  const size = (((bytes.length - zeros) * 138) / 100 + 1) | 0;
  const b58 = new Uint8Array(size);
  let length = 0;
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i] as number;
    let j = 0;
    for (let k = size - 1; (carry !== 0 || j < length) && k >= 0; k--, j++) {
      carry += 256 * (b58[k] as number);
      b58[k] = carry % 58;
      carry = (carry / 58) | 0;
    }
    length = j;
  }
  let skip = size - length;
  while (skip < size && b58[skip] === 0) skip++;
  let out = '1'.repeat(zeros);
  for (let i = skip; i < size; i++) out += ALPHABET[b58[i] as number];
  return out;
}

function doubleSha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(createHash('sha256').update(data).digest()).digest();
}

/**
 * Decode Base58Check text `s[start, end)` and verify its 4-byte double-SHA-256 checksum. Returns the payload
 * (without the checksum) or `null`.
 *
 * @example
 * decodeBase58Check('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')?.length // 21
 */
export function decodeBase58Check(s: string, start = 0, end: number = s.length): Uint8Array | null {
  const raw = decodeBase58(s, start, end);
  if (raw === null || raw.length < 5) return null;
  const payload = raw.subarray(0, raw.length - 4);
  const sum = doubleSha256(payload);
  for (let i = 0; i < 4; i++) if (sum[i] !== raw[raw.length - 4 + i]) return null;
  return payload;
}

/**
 * Encode `payload` with its Base58Check checksum.
 *
 * @example
 * encodeBase58Check(new Uint8Array(21)) // '1111111111111111111114oLvT2'
 */
export function encodeBase58Check(payload: Uint8Array): string {
  const sum = doubleSha256(payload);
  const full = new Uint8Array(payload.length + 4);
  full.set(payload);
  full.set(sum.subarray(0, 4), payload.length);
  return encodeBase58(full);
}

/** Kind of a legacy Bitcoin mainnet address. */
export type BitcoinBase58Kind = 'p2pkh' | 'p2sh';

/**
 * The kind of the legacy Bitcoin mainnet address `s[start, end)` (version byte 0x00 or 0x05 plus a 20-byte hash
 * with a valid checksum), or `null`.
 *
 * @example
 * bitcoinBase58Kind('3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy') // 'p2sh'
 */
export function bitcoinBase58Kind(s: string, start = 0, end: number = s.length): BitcoinBase58Kind | null {
  const n = end - start;
  if (n < 25 || n > 35) return null;
  const payload = decodeBase58Check(s, start, end);
  if (payload === null || payload.length !== 21) return null;
  if (payload[0] === 0x00) return 'p2pkh';
  if (payload[0] === 0x05) return 'p2sh';
  return null;
}
