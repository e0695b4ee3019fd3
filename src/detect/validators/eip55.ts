/**
 * EIP-55 mixed-case checksum for Ethereum addresses: hash the lower-case hex address (40 characters, no `0x`)
 * with Keccak-256; each letter `a-f` is upper case exactly when the corresponding nibble of the hash is ≥ 8.
 * All-lower-case and all-upper-case addresses carry no checksum.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';

/** How an address's letter case relates to EIP-55. */
export type Eip55Status = 'valid' | 'invalid' | 'uncased';

const HEX_LOWER = '0123456789abcdef';

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Keccak-256 of the ASCII lower-case hex in `text[start, start + 40)`; `null` on a non-hex character. */
function addressHash(text: string, start: number): Uint8Array | null {
  const ascii = new Uint8Array(40);
  for (let i = 0; i < 40; i++) {
    const v = hexValue(text.charCodeAt(start + i));
    if (v < 0) return null;
    ascii[i] = HEX_LOWER.charCodeAt(v);
  }
  return keccak_256(ascii);
}

/**
 * The EIP-55 status of the 40 hex characters at `text[start, start + 40)` (without `0x`): `uncased` when all
 * letters share one case (or there are none), otherwise `valid` or `invalid`. Returns `invalid` for non-hex input.
 *
 * @example
 * eip55Status('5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed') // 'valid'
 */
export function eip55Status(text: string, start = 0): Eip55Status {
  if (text.length - start < 40) return 'invalid';
  let lower = false;
  let upper = false;
  for (let i = start; i < start + 40; i++) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 102) lower = true;
    else if (c >= 65 && c <= 70) upper = true;
    else if (c < 48 || c > 57) return 'invalid';
  }
  if (!(lower && upper)) return 'uncased';
  const hash = addressHash(text, start) as Uint8Array;
  for (let i = 0; i < 40; i++) {
    const c = text.charCodeAt(start + i);
    if (c <= 57) continue;
    const byte = hash[i >> 1] as number;
    const nibble = (i & 1) === 0 ? byte >> 4 : byte & 15;
    if (nibble >= 8 !== c <= 70) return 'invalid';
  }
  return 'valid';
}

/**
 * The EIP-55 checksummed form (`0x` + 40 mixed-case hex) of a 40-hex-character address, with or without `0x`.
 *
 * @throws RangeError when the input is not 40 hex characters
 * @example
 * toChecksumAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed') // '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
 */
export function toChecksumAddress(address: string): string {
  const start = address.startsWith('0x') || address.startsWith('0X') ? 2 : 0;
  if (address.length - start !== 40) throw new RangeError('toChecksumAddress: expected 40 hex characters');
  const hash = addressHash(address, start);
  if (hash === null) throw new RangeError('toChecksumAddress: expected 40 hex characters');
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const v = hexValue(address.charCodeAt(start + i));
    const ch = HEX_LOWER[v] as string;
    const byte = hash[i >> 1] as number;
    const nibble = (i & 1) === 0 ? byte >> 4 : byte & 15;
    out += v >= 10 && nibble >= 8 ? ch.toUpperCase() : ch;
  }
  return out;
}
