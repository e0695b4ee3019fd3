/**
 * A single-block AES permutation on top of `node:crypto` (OpenSSL). FF1, FF3-1, CMAC and AES-SIV's CTR
 * all need the raw block function; node exposes it as ECB without padding, and an ECB cipher object is
 * stateless across blocks, so one object is created per key and reused for every block.
 */
import { type Cipher, createCipheriv } from 'node:crypto';

/** AES block size in bytes. */
export const AES_BLOCK_BYTES = 16;

/** A keyed AES block encryption `CIPH_K` (encryption direction only: every mode here needs only that). */
export class AesBlock {
  readonly #cipher: Cipher;

  /**
   * @param key 16, 24 or 32 bytes (AES-128/192/256)
   * @throws RangeError when the key length is not 16, 24 or 32 bytes
   * @example
   * new AesBlock(new Uint8Array(16)).encrypt(new Uint8Array(16))
   */
  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
      throw new RangeError('AesBlock: key must be 16, 24 or 32 bytes');
    }
    this.#cipher = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
    this.#cipher.setAutoPadding(false);
  }

  /**
   * Encrypts whole 16-byte blocks independently (ECB). The cipher is never finalised, so it can be reused.
   *
   * @example
   * aes.encrypt(block16)
   */
  encrypt(blocks: Uint8Array): Buffer {
    return this.#cipher.update(blocks);
  }
}

/** XOR `b` into `a` in place over `a.length` bytes. */
export function xorInto(a: Uint8Array, b: Uint8Array, bOffset = 0): void {
  for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) ^ (b[bOffset + i] as number);
}
