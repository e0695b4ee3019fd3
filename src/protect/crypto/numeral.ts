/**
 * Numeral-string helpers shared by FF1 and FF3-1 (NIST SP 800-38G §4.5: NUM_radix, STR_radix^m) and the
 * {@link Alphabet} that maps characters to numerals.
 */

/** NUM_radix(X): the number that the numeral string `x` represents, most significant numeral first. */
export function numRadix(x: readonly number[], radix: bigint, start = 0, end = x.length): bigint {
  let n = 0n;
  for (let i = start; i < end; i++) n = n * radix + BigInt(x[i] as number);
  return n;
}

/** NUM_radix(REV(X)): `x` read least significant numeral first (FF3-1). */
export function numRadixReversed(x: readonly number[], radix: bigint, start = 0, end = x.length): bigint {
  let n = 0n;
  for (let i = end - 1; i >= start; i--) n = n * radix + BigInt(x[i] as number);
  return n;
}

/** STR_radix^m(n): `n` as exactly `m` numerals, most significant first. */
export function strRadix(n: bigint, radix: bigint, m: number): number[] {
  const out = new Array<number>(m);
  for (let i = m - 1; i >= 0; i--) {
    out[i] = Number(n % radix);
    n /= radix;
  }
  return out;
}

/** NUM(X) of a byte string (big-endian). */
export function numBytes(bytes: Uint8Array, start = 0, end = bytes.length): bigint {
  if (end <= start) return 0n;
  return BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('hex')}`);
}

/** `n` as exactly `len` big-endian bytes written into `out` at `offset`. */
export function writeBigBytes(n: bigint, out: Uint8Array, offset: number, len: number): void {
  for (let i = offset + len - 1; i >= offset; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
}

/** The bit length of `n` (0 for 0). */
export function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * A set of characters used as numerals: the character at index `i` is numeral `i`.
 * Characters of a value that are not in the alphabet (separators) are left in place by the `fpe` operator.
 */
export class Alphabet {
  readonly chars: string;
  readonly radix: number;
  readonly #index: Map<number, number>;
  /** A dense table for code units < 128 (the usual case): −1 when not in the alphabet. */
  readonly #ascii: Int16Array;

  /**
   * @throws RangeError when `chars` has fewer than 2 characters, a repeated character, or a character outside
   *   the Basic Multilingual Plane
   * @example
   * new Alphabet('0123456789').radix // 10
   */
  constructor(chars: string) {
    if (chars.length < 2) throw new RangeError('Alphabet: needs at least 2 characters');
    this.chars = chars;
    this.radix = chars.length;
    this.#index = new Map();
    this.#ascii = new Int16Array(128).fill(-1);
    for (let i = 0; i < chars.length; i++) {
      const c = chars.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdfff) throw new RangeError('Alphabet: characters must be in the BMP');
      if (this.#index.has(c)) throw new RangeError('Alphabet: repeated character');
      this.#index.set(c, i);
      if (c < 128) this.#ascii[c] = i;
    }
  }

  /** The numeral of code unit `c`, or −1 when `c` is not in the alphabet. */
  indexOf(c: number): number {
    return c < 128 ? (this.#ascii[c] as number) : (this.#index.get(c) ?? -1);
  }

  /** Numerals of `text` (every character must be in the alphabet), or `undefined` if one is not. */
  toNumerals(text: string): number[] | undefined {
    const out = new Array<number>(text.length);
    for (let i = 0; i < text.length; i++) {
      const v = this.indexOf(text.charCodeAt(i));
      if (v < 0) return undefined;
      out[i] = v;
    }
    return out;
  }

  /** The string of `numerals`. */
  fromNumerals(numerals: readonly number[]): string {
    let s = '';
    for (let i = 0; i < numerals.length; i++) s += this.chars[numerals[i] as number];
    return s;
  }
}

/** Built-in alphabets by name. */
export const ALPHABETS = {
  digits: '0123456789',
  /** Lower-case hexadecimal. */
  hex: '0123456789abcdef',
  /** Digits and lower-case ASCII letters (radix 36; the alphabet of NIST's radix-36 FF1 samples). */
  'alphanumeric-lower': '0123456789abcdefghijklmnopqrstuvwxyz',
  /** Digits and upper-case ASCII letters (radix 36). */
  'alphanumeric-upper': '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  /** Digits, upper- then lower-case ASCII letters (radix 62): case is enciphered too. */
  alphanumeric: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
} as const;

/** A built-in alphabet name. */
export type AlphabetName = keyof typeof ALPHABETS;
