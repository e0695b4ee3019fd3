/**
 * AES-CMAC (NIST SP 800-38B, RFC 4493) on {@link AesBlock}; the PRF inside AES-SIV's S2V.
 */
import { AES_BLOCK_BYTES, type AesBlock } from './aes-block.js';

/** Doubling in GF(2^128) with the polynomial x^128 + x^7 + x^2 + x + 1 (RFC 5297 `dbl`). */
export function dbl(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(AES_BLOCK_BYTES);
  let carry = 0;
  for (let i = AES_BLOCK_BYTES - 1; i >= 0; i--) {
    const b = block[i] as number;
    out[i] = ((b << 1) | carry) & 0xff;
    carry = b >>> 7;
  }
  if (carry) out[AES_BLOCK_BYTES - 1] = (out[AES_BLOCK_BYTES - 1] as number) ^ 0x87;
  return out;
}

/** A keyed CMAC with its subkeys K1 and K2 computed once. */
export class Cmac {
  readonly #aes: AesBlock;
  readonly #k1: Uint8Array;
  readonly #k2: Uint8Array;

  constructor(aes: AesBlock) {
    this.#aes = aes;
    const l = aes.encrypt(new Uint8Array(AES_BLOCK_BYTES));
    this.#k1 = dbl(l);
    this.#k2 = dbl(this.#k1);
  }

  /**
   * The 16-byte CMAC tag of `message`.
   *
   * @example
   * new Cmac(new AesBlock(key)).mac(new Uint8Array(0))
   */
  mac(message: Uint8Array): Uint8Array {
    const n = message.length;
    const blocks = n === 0 ? 1 : Math.ceil(n / AES_BLOCK_BYTES);
    const complete = n > 0 && n % AES_BLOCK_BYTES === 0;
    let x: Uint8Array = new Uint8Array(AES_BLOCK_BYTES);
    const y = new Uint8Array(AES_BLOCK_BYTES);
    for (let b = 0; b < blocks - 1; b++) {
      const off = b * AES_BLOCK_BYTES;
      for (let i = 0; i < AES_BLOCK_BYTES; i++) y[i] = (x[i] as number) ^ (message[off + i] as number);
      x = this.#aes.encrypt(y);
    }
    const lastOff = (blocks - 1) * AES_BLOCK_BYTES;
    const last = new Uint8Array(AES_BLOCK_BYTES);
    const rem = n - lastOff;
    for (let i = 0; i < rem; i++) last[i] = message[lastOff + i] as number;
    const sub = complete ? this.#k1 : this.#k2;
    if (!complete) last[rem] = 0x80;
    for (let i = 0; i < AES_BLOCK_BYTES; i++) y[i] = (x[i] as number) ^ (last[i] as number) ^ (sub[i] as number);
    return new Uint8Array(this.#aes.encrypt(y));
  }
}
