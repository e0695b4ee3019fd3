/**
 * FF3-1 format-preserving encryption (NIST SP 800-38G Rev. 1, §6.2, Algorithms 9 and 10, with the 56-bit
 * tweak of Rev. 1) over AES from `node:crypto`.
 *
 * FF3-1 differs from the withdrawn FF3 only in how the tweak halves are built: Rev. 1 derives the two 32-bit
 * halves `T_L = T[0..27] ‖ 0^4` and `T_R = T[32..55] ‖ T[28..31] ‖ 0^4` from a 56-bit tweak. The Feistel rounds
 * ({@link ff3Rounds}) are shared, which lets the tests check them against NIST's FF3 samples as well.
 */
import { AES_BLOCK_BYTES, AesBlock } from './aes-block.js';
import { FPE_MIN_DOMAIN } from './ff1.js';
import { numBytes, numRadixReversed, strRadix } from './numeral.js';

/** FF3-1 tweak length in bytes (56 bits). */
export const FF3_1_TWEAK_BYTES = 7;

/** The 8 Feistel rounds of FF3/FF3-1 given the two 4-byte tweak halves. `aes` is keyed with REVB(K). */
export function ff3Rounds(
  aes: AesBlock,
  radix: number,
  x: readonly number[],
  tl: Uint8Array,
  tr: Uint8Array,
  decrypt: boolean,
): number[] {
  const r = BigInt(radix);
  const n = x.length;
  const u = Math.ceil(n / 2);
  const v = n - u;
  // A and B as NUM_radix(REV(·)): FF3 reads the halves least significant numeral first.
  let a = numRadixReversed(x, r, 0, u);
  let b = numRadixReversed(x, r, u, n);
  const modU = r ** BigInt(u);
  const modV = r ** BigInt(v);
  const p = new Uint8Array(AES_BLOCK_BYTES);
  const rev = new Uint8Array(AES_BLOCK_BYTES);
  for (let step = 0; step < 8; step++) {
    const i = decrypt ? 7 - step : step;
    const w = i % 2 === 0 ? tr : tl;
    p[0] = w[0] as number;
    p[1] = w[1] as number;
    p[2] = w[2] as number;
    p[3] = (w[3] as number) ^ i;
    // [NUM_radix(REV(B))]^12 (or A when decrypting), big-endian in bytes 4..15.
    let num = decrypt ? a : b;
    for (let j = 15; j >= 4; j--) {
      p[j] = Number(num & 0xffn);
      num >>= 8n;
    }
    // S = REVB(CIPH_REVB(K)(REVB(P))).
    for (let j = 0; j < AES_BLOCK_BYTES; j++) rev[j] = p[15 - j] as number;
    const enc = aes.encrypt(rev);
    for (let j = 0; j < AES_BLOCK_BYTES; j++) rev[j] = enc[15 - j] as number;
    const y = numBytes(rev);
    const mod = i % 2 === 0 ? modU : modV;
    if (!decrypt) {
      const c = (a + y) % mod;
      a = b;
      b = c;
    } else {
      let c = (b - y) % mod;
      if (c < 0n) c += mod;
      b = a;
      a = c;
    }
  }
  // C = REV(STR_radix^m(c)): emit least significant numeral first.
  const out = strRadix(a, r, u).reverse();
  const tail = strRadix(b, r, v).reverse();
  for (let i = 0; i < v; i++) out.push(tail[i] as number);
  return out;
}

/** A keyed FF3-1 cipher for one radix. */
export class Ff3_1 {
  readonly radix: number;
  readonly #aes: AesBlock;
  readonly #minLen: number;
  readonly #maxLen: number;

  /**
   * @param key AES key, 16, 24 or 32 bytes (used byte-reversed, as the standard specifies)
   * @param radix 2 … 65536
   * @throws RangeError on a bad key length or radix
   * @example
   * new Ff3_1(key, 10).encrypt(numerals, tweak7)
   */
  constructor(key: Uint8Array, radix: number) {
    if (!Number.isInteger(radix) || radix < 2 || radix > 65536) {
      throw new RangeError('Ff3_1: radix must be in [2, 65536]');
    }
    this.#aes = new AesBlock(Uint8Array.from(key).reverse());
    this.radix = radix;
    const r = BigInt(radix);
    let minLen = 2;
    while (r ** BigInt(minLen) < FPE_MIN_DOMAIN) minLen++;
    this.#minLen = minLen;
    // maxlen = 2 · floor(log_radix(2^96))
    let k = 0;
    while (r ** BigInt(k + 1) <= 2n ** 96n) k++;
    this.#maxLen = 2 * k;
  }

  /** The shortest numeral string accepted (radix^minLen ≥ 1,000,000). */
  get minLength(): number {
    return this.#minLen;
  }

  /** The longest numeral string accepted: 2·⌊log_radix(2^96)⌋ (56 decimal digits). */
  get maxLength(): number {
    return this.#maxLen;
  }

  /**
   * FF3-1.Encrypt(K, T, X) with a 7-byte tweak.
   *
   * @throws RangeError when the tweak is not 7 bytes, or `x` is out of the length or numeral range
   * @example
   * ff31.encrypt(numerals, new Uint8Array(7))
   */
  encrypt(x: readonly number[], tweak: Uint8Array): number[] {
    return this.#run(x, tweak, false);
  }

  /**
   * FF3-1.Decrypt(K, T, Y).
   *
   * @throws RangeError as {@link Ff3_1.encrypt}
   * @example
   * ff31.decrypt(ff31.encrypt(x, t), t) // x
   */
  decrypt(y: readonly number[], tweak: Uint8Array): number[] {
    return this.#run(y, tweak, true);
  }

  #run(x: readonly number[], tweak: Uint8Array, decrypt: boolean): number[] {
    if (tweak.length !== FF3_1_TWEAK_BYTES) throw new RangeError('Ff3_1: tweak must be 7 bytes (56 bits)');
    const n = x.length;
    if (n < this.#minLen || n > this.#maxLen) {
      throw new RangeError(`Ff3_1: length ${n} outside [${this.#minLen}, ${this.#maxLen}] for radix ${this.radix}`);
    }
    for (let i = 0; i < n; i++) {
      const v = x[i] as number;
      if (!(v >= 0 && v < this.radix && Number.isInteger(v))) throw new RangeError('Ff3_1: numeral out of range');
    }
    const t3 = tweak[3] as number;
    const tl = Uint8Array.of(tweak[0] as number, tweak[1] as number, tweak[2] as number, t3 & 0xf0);
    const tr = Uint8Array.of(tweak[4] as number, tweak[5] as number, tweak[6] as number, (t3 & 0x0f) << 4);
    return ff3Rounds(this.#aes, this.radix, x, tl, tr, decrypt);
  }
}
