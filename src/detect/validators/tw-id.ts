/**
 * Taiwan national identification number (中華民國國民身分證統一編號), reference §5.8: a registration-area letter,
 * a sex digit (`1` male, `2` female; `8`/`9` on the 2021 resident-certificate numbers for foreigners), seven serial
 * digits and a check digit.
 *
 * Check: the letter's two-digit value (A10 … H17, I34, J18 … N22, O35, P23 … V29, W32, X30, Y31, Z33) followed by
 * the 9 digits, weights `1 9 8 7 6 5 4 3 2 1 1`, valid when the sum is a multiple of 10.
 * The pre-2021 resident certificates (letter in the second position) are not covered.
 */

/** Letter values A–Z. */
const LETTER_VALUES = [
  10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30, 31, 33,
];

/** Weighted sum of the letter and the first 8 digits at `text[start, start + 9)`, or -1. */
function bodySum(text: string, start: number): number {
  const l = text.charCodeAt(start) - 65;
  if (!(l >= 0 && l < 26)) return -1;
  const lv = LETTER_VALUES[l] as number;
  let s = ((lv / 10) | 0) + (lv % 10) * 9;
  for (let i = 1, w = 8; i <= 8; i++, w--) {
    const d = text.charCodeAt(start + i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    s += d * w;
  }
  return s;
}

/** Whether char code `c` is a defined second character (`1`, `2`, `8`, `9`). */
function isSexDigit(c: number): boolean {
  return c === 49 || c === 50 || c === 56 || c === 57;
}

/**
 * Whether the 10 characters at `text[start, start + 10)` are a valid Taiwan ID (upper-case letter). Allocation-free.
 *
 * @example
 * isTwIdValidAt('ID A123456789', 3) // true
 */
export function isTwIdValidAt(text: string, start: number): boolean {
  if (!isSexDigit(text.charCodeAt(start + 1))) return false;
  const s = bodySum(text, start);
  const check = text.charCodeAt(start + 9) - 48;
  return s >= 0 && check >= 0 && check <= 9 && (s + check) % 10 === 0;
}

/**
 * Whether `value` is a valid Taiwan national ID.
 *
 * @example
 * isTwIdValid('A123456789') // true
 * isTwIdValid('A123456788') // false
 */
export function isTwIdValid(value: string): boolean {
  return value.length === 10 && isTwIdValidAt(value, 0);
}

/**
 * The check digit for a 9-character body (upper-case letter, sex digit `1`/`2`/`8`/`9`, seven digits).
 *
 * @throws RangeError when the body does not have that shape
 * @example
 * twIdCheckDigit('A12345678') // '9'
 */
export function twIdCheckDigit(body: string): string {
  const s = body.length === 9 && isSexDigit(body.charCodeAt(1)) ? bodySum(body, 0) : -1;
  if (s < 0) throw new RangeError('twIdCheckDigit: body must be a letter, 1/2/8/9 and seven digits');
  return String((10 - (s % 10)) % 10);
}
