/**
 * Hong Kong identity card number (HKID), reference §5.5: one or two letters, six digits and a check character
 * (`0`–`9` or `A`), printed `A123456(3)`.
 *
 * Check: a single-letter prefix is padded with a leading space worth 36; letters A–Z are 10–35, digits their face
 * value; weights 9..2 over the 8 positions; `check = (11 − S mod 11) mod 11`, 10 written `A`.
 */

function letterValue(c: number): number {
  return c >= 65 && c <= 90 ? c - 55 : -1;
}

/**
 * The check value (0–10) of the HKID body at `text[start, …)`: `letters` (1 or 2) upper-case letters followed by
 * six digits; -1 when the characters do not fit. Allocation-free.
 *
 * @example
 * hkIdCheckValueAt('A123456', 0, 1) // 3
 */
export function hkIdCheckValueAt(text: string, start: number, letters: 1 | 2): number {
  let s: number;
  let i = start;
  if (letters === 1) {
    const v = letterValue(text.charCodeAt(i++));
    if (v < 0) return -1;
    s = 36 * 9 + v * 8;
  } else {
    const v1 = letterValue(text.charCodeAt(i++));
    const v2 = letterValue(text.charCodeAt(i++));
    if (v1 < 0 || v2 < 0) return -1;
    s = v1 * 9 + v2 * 8;
  }
  for (let w = 7; w >= 2; w--) {
    const d = text.charCodeAt(i++) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    s += d * w;
  }
  return (11 - (s % 11)) % 11;
}

/**
 * Whether char code `c` is the HKID check character for check value `value` (`A` for 10, upper-case only).
 *
 * @example
 * isHkIdCheckCode(10, 65) // true
 */
export function isHkIdCheckCode(value: number, c: number): boolean {
  return value === 10 ? c === 65 : value >= 0 && c === 48 + value;
}

/**
 * The HKID check character for a prefix of one or two upper-case letters and six digits.
 *
 * @throws RangeError when the body does not have that shape
 * @example
 * hkIdCheckChar('A123456') // '3'
 */
export function hkIdCheckChar(body: string): string {
  const letters = body.length === 7 ? 1 : body.length === 8 ? 2 : 0;
  const v = letters === 0 ? -1 : hkIdCheckValueAt(body, 0, letters as 1 | 2);
  if (v < 0) throw new RangeError('hkIdCheckChar: body must be 1-2 upper-case letters and 6 digits');
  return v === 10 ? 'A' : String(v);
}

/**
 * `A123456(3)`, `A1234563`, `AB987654(3)`: one or two letters, six digits, the check with or without brackets.
 * Source: reference §5.5 pattern. Deliberately not matched: lower-case letters, three letters, other brackets,
 * a space before the bracket.
 */
const HKID = /^([A-Z]{1,2})([0-9]{6})(?:\(([0-9A])\)|([0-9A]))$/;

/**
 * Whether `value` is a valid HKID, written `A123456(3)` or `A1234563` (one or two upper-case letters).
 *
 * @example
 * isHkIdValid('A123456(3)') // true
 * isHkIdValid('K034169(1)') // false
 */
export function isHkIdValid(value: string): boolean {
  const m = HKID.exec(value);
  if (m === null) return false;
  const letters = (m[1] as string).length as 1 | 2;
  const check = (m[3] ?? m[4]) as string;
  return isHkIdCheckCode(hkIdCheckValueAt(value, 0, letters), check.charCodeAt(0));
}
