/**
 * FF1 format-preserving encryption (NIST SP 800-38G, §6.1, Algorithms 7 and 8; domain-size rule of
 * SP 800-38G Rev. 1: radix^minlen ≥ 1,000,000) over AES from `node:crypto`.
 *
 * Performance: the PRF's first block `P` depends only on radix, length and tweak length, so `CIPH_K(P)` is
 * cached per (length, tweak length) and a short value costs one AES call per round (10 rounds).
 */
import { AES_BLOCK_BYTES, AesBlock } from './aes-block.js';
import { bitLength, numBytes, numRadix, strRadix, writeBigBytes } from './numeral.js';

/** Minimum domain size radix^n required by SP 800-38G Rev. 1. */
export const FPE_MIN_DOMAIN = 1_000_000n;

/** Largest radix^v handled with plain numbers (see `#runSmall`): products stay below 2^53. */
const SMALL_DOMAIN = 2 ** 40;

/** Longest numeral string accepted (the standard allows up to 2^32 − 1; nothing here needs more). */
export const FF1_MAX_LEN = 4096;

/** A keyed FF1 cipher for one radix. */
export class Ff1 {
  readonly radix: number;
  readonly #aes: AesBlock;
  readonly #bigRadix: bigint;
  readonly #minLen: number;
  /** CIPH_K(P) by `n * 65536 + t`. */
  readonly #pCache = new Map<number, Buffer>();

  /**
   * @param key AES key, 16, 24 or 32 bytes
   * @param radix 2 … 65536
   * @throws RangeError on a bad key length or radix
   * @example
   * new Ff1(key, 10).encrypt([0,1,2,3,4,5,6,7,8,9], new Uint8Array(0))
   */
  constructor(key: Uint8Array, radix: number) {
    if (!Number.isInteger(radix) || radix < 2 || radix > 65536)
      throw new RangeError('Ff1: radix must be in [2, 65536]');
    this.#aes = new AesBlock(key);
    this.radix = radix;
    this.#bigRadix = BigInt(radix);
    let minLen = 2;
    while (this.#bigRadix ** BigInt(minLen) < FPE_MIN_DOMAIN) minLen++;
    this.#minLen = minLen;
  }

  /** The shortest numeral string this radix accepts (radix^minLen ≥ 1,000,000, and at least 2). */
  get minLength(): number {
    return this.#minLen;
  }

  /** The longest numeral string accepted. */
  get maxLength(): number {
    return FF1_MAX_LEN;
  }

  /**
   * FF1.Encrypt(K, T, X).
   *
   * @throws RangeError when `x` is too short or too long for the radix, or holds a numeral ≥ radix
   * @example
   * ff1.encrypt([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], tweak)
   */
  encrypt(x: readonly number[], tweak: Uint8Array): number[] {
    return this.#run(x, tweak, false);
  }

  /**
   * FF1.Decrypt(K, T, Y).
   *
   * @throws RangeError as {@link Ff1.encrypt}
   * @example
   * ff1.decrypt(ff1.encrypt(x, t), t) // x
   */
  decrypt(y: readonly number[], tweak: Uint8Array): number[] {
    return this.#run(y, tweak, true);
  }

  #checkInput(x: readonly number[]): void {
    const n = x.length;
    if (n < this.#minLen || n > FF1_MAX_LEN) {
      throw new RangeError(`Ff1: length ${n} outside [${this.#minLen}, ${FF1_MAX_LEN}] for radix ${this.radix}`);
    }
    for (let i = 0; i < n; i++) {
      const v = x[i] as number;
      if (!(v >= 0 && v < this.radix && Number.isInteger(v))) throw new RangeError('Ff1: numeral out of range');
    }
  }

  #cipherP(n: number, u: number, t: number): Buffer {
    const cacheKey = n * 65536 + (t & 0xffff);
    let c = t <= 0xffff ? this.#pCache.get(cacheKey) : undefined;
    if (c) return c;
    const p = new Uint8Array(AES_BLOCK_BYTES);
    p[0] = 1;
    p[1] = 2;
    p[2] = 1;
    p[3] = (this.radix >>> 16) & 0xff;
    p[4] = (this.radix >>> 8) & 0xff;
    p[5] = this.radix & 0xff;
    p[6] = 10;
    p[7] = u & 0xff;
    new DataView(p.buffer).setUint32(8, n);
    new DataView(p.buffer).setUint32(12, t);
    c = this.#aes.encrypt(p);
    if (t <= 0xffff) this.#pCache.set(cacheKey, c);
    return c;
  }

  /**
   * The same algorithm with plain numbers when radix^v ≤ 2^40: NUM_radix of each half, y mod radix^m (reduced
   * byte by byte) and STR all stay below 2^53. About 3× faster than the BigInt path for phone-number-sized
   * inputs (bench/protect-ops.mjs); NIST samples 1, 2, 4, 5, 7 and 8 exercise it, 3, 6 and 9 the BigInt path.
   */
  #runSmall(x: readonly number[], tweak: Uint8Array, decrypt: boolean): number[] {
    const radix = this.radix;
    const n = x.length;
    const t = tweak.length;
    const u = n >>> 1;
    const v = n - u;
    let a = 0;
    for (let i = 0; i < u; i++) a = a * radix + (x[i] as number);
    let b = 0;
    for (let i = u; i < n; i++) b = b * radix + (x[i] as number);
    const modU = radix ** u;
    const modV = radix ** v;
    const b8 = Math.ceil(bitLength(BigInt(modV) - 1n) / 8);
    const d = 4 * Math.ceil(b8 / 4) + 4;
    const cp = this.#cipherP(n, u, t);
    const pad = (((-t - b8 - 1) % 16) + 16) % 16;
    const qLen = t + pad + 1 + b8;
    const q = new Uint8Array(qLen);
    q.set(tweak, 0);
    const y = new Uint8Array(AES_BLOCK_BYTES);
    const extraBlocks = Math.ceil(d / 16) - 1;
    const s = new Uint8Array(16 * (extraBlocks + 1));
    for (let step = 0; step < 10; step++) {
      const i = decrypt ? 9 - step : step;
      q[t + pad] = i;
      let num = decrypt ? a : b;
      for (let j = t + pad + b8; j > t + pad; j--) {
        q[j] = num % 256;
        num = Math.floor(num / 256);
      }
      let r: Uint8Array = cp;
      for (let off = 0; off < qLen; off += AES_BLOCK_BYTES) {
        for (let j = 0; j < AES_BLOCK_BYTES; j++) y[j] = (r[j] as number) ^ (q[off + j] as number);
        r = this.#aes.encrypt(y);
      }
      s.set(r, 0);
      for (let j = 1; j <= extraBlocks; j++) {
        y.set(r);
        y[15] = (y[15] as number) ^ (j & 0xff);
        y[14] = (y[14] as number) ^ ((j >>> 8) & 0xff);
        s.set(this.#aes.encrypt(y), 16 * j);
      }
      const mod = i % 2 === 0 ? modU : modV;
      let ym = 0;
      for (let j = 0; j < d; j++) ym = (ym * 256 + (s[j] as number)) % mod;
      if (!decrypt) {
        const c = (a + ym) % mod;
        a = b;
        b = c;
      } else {
        const c = (((b - ym) % mod) + mod) % mod;
        b = a;
        a = c;
      }
    }
    const out = new Array<number>(n);
    for (let i = u - 1; i >= 0; i--) {
      out[i] = a % radix;
      a = Math.floor(a / radix);
    }
    for (let i = n - 1; i >= u; i--) {
      out[i] = b % radix;
      b = Math.floor(b / radix);
    }
    return out;
  }

  #run(x: readonly number[], tweak: Uint8Array, decrypt: boolean): number[] {
    this.#checkInput(x);
    const v0 = x.length - (x.length >>> 1);
    if (this.radix ** v0 <= SMALL_DOMAIN) return this.#runSmall(x, tweak, decrypt);
    const radix = this.#bigRadix;
    const n = x.length;
    const t = tweak.length;
    const u = n >>> 1;
    const v = n - u;
    let a = numRadix(x, radix, 0, u);
    let b = numRadix(x, radix, u, n);
    const b8 = Math.ceil(bitLength(radix ** BigInt(v) - 1n) / 8);
    const d = 4 * Math.ceil(b8 / 4) + 4;
    const modU = radix ** BigInt(u);
    const modV = radix ** BigInt(v);
    const cp = this.#cipherP(n, u, t);
    const pad = (((-t - b8 - 1) % 16) + 16) % 16;
    const qLen = t + pad + 1 + b8;
    const q = new Uint8Array(qLen);
    q.set(tweak, 0);
    const y = new Uint8Array(AES_BLOCK_BYTES);
    const extraBlocks = Math.ceil(d / 16) - 1;
    const s = new Uint8Array(16 * (extraBlocks + 1));
    for (let step = 0; step < 10; step++) {
      const i = decrypt ? 9 - step : step;
      q[t + pad] = i;
      // Q's numeral part: NUM_radix(B) when encrypting, NUM_radix(A) when decrypting.
      writeBigBytes(decrypt ? a : b, q, t + pad + 1, b8);
      // R = PRF(P ‖ Q): CBC-MAC with a zero IV, starting from the cached CIPH_K(P).
      let r: Uint8Array = cp;
      for (let off = 0; off < qLen; off += AES_BLOCK_BYTES) {
        for (let j = 0; j < AES_BLOCK_BYTES; j++) y[j] = (r[j] as number) ^ (q[off + j] as number);
        r = this.#aes.encrypt(y);
      }
      s.set(r, 0);
      for (let j = 1; j <= extraBlocks; j++) {
        // CIPH_K(R ⊕ [j]^16)
        y.set(r);
        y[15] = (y[15] as number) ^ (j & 0xff);
        y[14] = (y[14] as number) ^ ((j >>> 8) & 0xff);
        s.set(this.#aes.encrypt(y), 16 * j);
      }
      const yNum = numBytes(s, 0, d);
      const mod = i % 2 === 0 ? modU : modV;
      if (!decrypt) {
        const c = (a + yNum) % mod;
        a = b;
        b = c;
      } else {
        let c = (b - yNum) % mod;
        if (c < 0n) c += mod;
        b = a;
        a = c;
      }
    }
    const out = strRadix(a, radix, u);
    const tail = strRadix(b, radix, v);
    for (let i = 0; i < v; i++) out.push(tail[i] as number);
    return out;
  }
}
