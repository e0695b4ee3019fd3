/**
 * AES-SIV, deterministic authenticated encryption (RFC 5297). Used by the `encrypt` operator (same key and
 * plaintext give the same ciphertext, so joins and lookups survive) and by the token vault to encrypt
 * originals at rest.
 *
 * Keys are 32, 48 or 64 bytes: the first half keys S2V (CMAC), the second half keys CTR (RFC 5297 §2.6).
 */
import { createCipheriv, timingSafeEqual } from 'node:crypto';
import { AES_BLOCK_BYTES, AesBlock } from './aes-block.js';
import { Cmac, dbl } from './cmac.js';

const ZERO = new Uint8Array(AES_BLOCK_BYTES);
const ONE = (() => {
  const b = new Uint8Array(AES_BLOCK_BYTES);
  b[AES_BLOCK_BYTES - 1] = 1;
  return b;
})();

/** A keyed AES-SIV instance (sub-ciphers set up once). */
export class AesSiv {
  readonly #cmac: Cmac;
  readonly #ctrKey: Buffer;
  readonly #ctrAlg: string;

  /**
   * @param key 32, 48 or 64 bytes (AES-SIV-256/384/512)
   * @throws RangeError when the key length is wrong
   * @example
   * new AesSiv(randomBytes(64)).encrypt(Buffer.from('13812345678'))
   */
  constructor(key: Uint8Array) {
    if (key.length !== 32 && key.length !== 48 && key.length !== 64) {
      throw new RangeError('AesSiv: key must be 32, 48 or 64 bytes');
    }
    const half = key.length / 2;
    this.#cmac = new Cmac(new AesBlock(key.subarray(0, half)));
    this.#ctrKey = Buffer.from(key.subarray(half));
    this.#ctrAlg = `aes-${half * 8}-ctr`;
  }

  /** S2V over the associated-data strings and the plaintext (RFC 5297 §2.4). */
  s2v(strings: readonly Uint8Array[]): Uint8Array {
    const cmac = this.#cmac;
    if (strings.length === 0) return cmac.mac(ONE);
    let d = cmac.mac(ZERO);
    const last = strings.length - 1;
    for (let i = 0; i < last; i++) {
      const m = cmac.mac(strings[i] as Uint8Array);
      d = dbl(d);
      for (let j = 0; j < AES_BLOCK_BYTES; j++) d[j] = (d[j] as number) ^ (m[j] as number);
    }
    const sn = strings[last] as Uint8Array;
    let t: Uint8Array;
    if (sn.length >= AES_BLOCK_BYTES) {
      t = new Uint8Array(sn);
      const off = sn.length - AES_BLOCK_BYTES;
      for (let j = 0; j < AES_BLOCK_BYTES; j++) t[off + j] = (t[off + j] as number) ^ (d[j] as number);
    } else {
      t = dbl(d);
      for (let j = 0; j < sn.length; j++) t[j] = (t[j] as number) ^ (sn[j] as number);
      t[sn.length] = (t[sn.length] as number) ^ 0x80;
    }
    return cmac.mac(t);
  }

  #ctr(v: Uint8Array, data: Uint8Array): Buffer {
    const q = Buffer.from(v);
    // Clear the 31st and 63rd bits (from the right) of the counter so implementations may use 32-bit adds.
    q[8] = (q[8] as number) & 0x7f;
    q[12] = (q[12] as number) & 0x7f;
    const c = createCipheriv(this.#ctrAlg, this.#ctrKey, q);
    const out = c.update(data);
    c.final();
    return out;
  }

  /**
   * `V ‖ C`: the 16-byte synthetic IV followed by the ciphertext (same length as `plaintext`).
   *
   * @example
   * siv.encrypt(Buffer.from('hello'), [Buffer.from('header')])
   */
  encrypt(plaintext: Uint8Array, associatedData: readonly Uint8Array[] = []): Buffer {
    const v = this.s2v([...associatedData, plaintext]);
    const c = this.#ctr(v, plaintext);
    const out = Buffer.allocUnsafe(AES_BLOCK_BYTES + c.length);
    out.set(v, 0);
    out.set(c, AES_BLOCK_BYTES);
    return out;
  }

  /**
   * The plaintext of `V ‖ C`, or `undefined` when authentication fails (wrong key, wrong associated data or a
   * modified ciphertext).
   *
   * @example
   * siv.decrypt(siv.encrypt(p)) // p
   */
  decrypt(sealed: Uint8Array, associatedData: readonly Uint8Array[] = []): Buffer | undefined {
    if (sealed.length < AES_BLOCK_BYTES) return undefined;
    const v = sealed.subarray(0, AES_BLOCK_BYTES);
    const p = this.#ctr(v, sealed.subarray(AES_BLOCK_BYTES));
    const t = this.s2v([...associatedData, p]);
    return timingSafeEqual(t, v) ? p : undefined;
  }
}
