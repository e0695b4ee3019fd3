/**
 * Shannon entropy of short strings, used to gate secret candidates (`password=…`, generic keys): real
 * credentials are drawn from large alphabets, placeholders and words are not.
 *
 * Reference points (bits per character): `changeme` 2.75, `password` 2.75, `aaaaaaaa` 0, a 20-character random
 * base62 string ≈ 4.1–4.3, a 40-character random base64 string ≈ 4.9–5.2. Entropy per character is bounded by
 * log2(length), so short strings need a lower bar: see {@link entropyThreshold}.
 */

/** Per-call scratch counters for ASCII; non-ASCII characters go through a map. */
const ASCII_COUNTS = new Uint16Array(128);

/** Longest span measured: longer inputs are measured on their first `MAX_SPAN` characters (bounded work). */
export const MAX_ENTROPY_SPAN = 4096;

/**
 * Shannon entropy in bits per character of `text[start, end)` (UTF-16 code units).
 *
 * @example
 * shannonEntropy('aabb') // 1
 */
export function shannonEntropy(text: string, start = 0, end: number = text.length): number {
  const stop = end - start > MAX_ENTROPY_SPAN ? start + MAX_ENTROPY_SPAN : end;
  const n = stop - start;
  if (n <= 0) return 0;
  let other: Map<number, number> | null = null;
  for (let i = start; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) ASCII_COUNTS[c] = (ASCII_COUNTS[c] as number) + 1;
    else {
      other ??= new Map();
      other.set(c, (other.get(c) ?? 0) + 1);
    }
  }
  let h = 0;
  for (let i = start; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      const k = ASCII_COUNTS[c] as number;
      if (k === 0) continue;
      const p = k / n;
      h -= p * Math.log2(p);
      ASCII_COUNTS[c] = 0;
    }
  }
  if (other !== null) {
    for (const k of other.values()) {
      const p = k / n;
      h -= p * Math.log2(p);
    }
  }
  return h;
}

/** Character classes present in a string, as bits. */
export const CharClass = { LOWER: 1, UPPER: 2, DIGIT: 4, SYMBOL: 8, NON_ASCII: 16 } as const;

/**
 * Bit set of the {@link CharClass} classes present in `text[start, end)`.
 *
 * @example
 * charClasses('aB3') // CharClass.LOWER | CharClass.UPPER | CharClass.DIGIT
 */
export function charClasses(text: string, start = 0, end: number = text.length): number {
  let mask = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 122) mask |= CharClass.LOWER;
    else if (c >= 65 && c <= 90) mask |= CharClass.UPPER;
    else if (c >= 48 && c <= 57) mask |= CharClass.DIGIT;
    else if (c < 128) mask |= CharClass.SYMBOL;
    else mask |= CharClass.NON_ASCII;
  }
  return mask;
}

/**
 * Minimum entropy (bits per character) a credential of `length` characters should reach: 85 % of the maximum
 * a string of that length can have (log2 of its length), capped at 3.0 bits. Short human passwords such as
 * `Tr0ub4dor&3` (3.28) pass; `changeme` (2.75 of 3.0) and `12345678` (3.0 — but one class) are left to the
 * caller's class check.
 *
 * @example
 * entropyThreshold(8) // 2.55
 */
export function entropyThreshold(length: number): number {
  if (length <= 1) return 0;
  const max = Math.log2(length);
  const t = 0.85 * max;
  return Math.min(t, 3);
}

/**
 * Whether `text[start, end)` looks like a random credential rather than a word or placeholder: entropy at or
 * above {@link entropyThreshold} and at least two character classes (or one class and 20+ characters, for hex
 * and base32 keys).
 *
 * @example
 * looksRandom('kT9#qL2vX8') // true
 * looksRandom('changeme') // false
 */
export function looksRandom(text: string, start = 0, end: number = text.length): boolean {
  const n = end - start;
  if (n < 6) return false;
  const classes = charClasses(text, start, end);
  let count = 0;
  for (let m = classes; m !== 0; m &= m - 1) count++;
  if (count < 2 && n < 20) return false;
  return shannonEntropy(text, start, end) >= entropyThreshold(n);
}
