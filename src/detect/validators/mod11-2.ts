/**
 * ISO/IEC 7064 MOD 11-2, the check character of the PRC citizen identity number (GB 11643-1999), the
 * HK/Macau/Taiwan residence permit number and the 2023 foreign permanent-resident ID (reference §1.3, §1.7, §5.6).
 *
 * The pure-system recursion `p = 2 (p + d) mod 11` over the body, then `check = (12 − p) mod 11`, is the same as
 * the weighted sum with weights `2^(n−i) mod 11` (`7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2` for a 17-digit body);
 * a check value of 10 is written `X`.
 */

/** Check characters by check value 0–10. */
const CHECK_CHARS = '0123456789X';

/**
 * The MOD 11-2 check value (0–10, where 10 is written `X`) of the ASCII digits `text[start, end)`, or -1 when the
 * range holds a non-digit or is empty. Allocation-free: the hot-path form used by recognizers.
 *
 * @example
 * mod112CheckValueAt('11010519491231002X', 0, 17) // 10
 */
export function mod112CheckValueAt(text: string, start: number, end: number): number {
  if (end <= start) return -1;
  let p = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    p = ((p + d) * 2) % 11;
  }
  return (12 - p) % 11;
}

/**
 * Whether the character code `c` is the check character for check value `value` (`x` accepted for `X`).
 *
 * @example
 * isMod112CheckCode(10, 'x'.charCodeAt(0)) // true
 */
export function isMod112CheckCode(value: number, c: number): boolean {
  if (value === 10) return c === 88 || c === 120;
  return value >= 0 && c === 48 + value;
}

/**
 * The MOD 11-2 check character (`0`–`9` or `X`) for a body of ASCII digits.
 *
 * @throws RangeError when `body` is empty or holds a non-digit
 * @example
 * mod112CheckChar('11010519491231002') // 'X'
 */
export function mod112CheckChar(body: string): string {
  const v = mod112CheckValueAt(body, 0, body.length);
  if (v < 0) throw new RangeError('mod112CheckChar: body must be one or more ASCII digits');
  return CHECK_CHARS[v] as string;
}

/**
 * Whether `value` (ASCII digits followed by one check character, `X`/`x` for 10) passes MOD 11-2.
 * Checks the checksum only: GB 11643 shape, region and date are checked by the callers.
 *
 * @example
 * isMod112Valid('11010519491231002X') // true
 * isMod112Valid('110105194912310021') // false
 */
export function isMod112Valid(value: string): boolean {
  const n = value.length;
  if (n < 2) return false;
  return isMod112CheckCode(mod112CheckValueAt(value, 0, n - 1), value.charCodeAt(n - 1));
}
