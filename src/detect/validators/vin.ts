/**
 * Vehicle identification number (ISO 3779; GB 16735 in China; 49 CFR 565 in North America), reference §8.5:
 * 17 characters from `0-9 A-Z` without I, O, Q. Position 9 is a check character (mandatory in China and North
 * America): letters transliterate to 1–9, weights `8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2`, remainder mod 11,
 * 10 written `X`. Position 10 is the model-year code, which never uses U, Z or 0 (nor I, O, Q).
 */

/** Transliteration by char code: digits face value, letters per the standard table, -1 for I, O, Q and others. */
const VALUE = new Int8Array(128).fill(-1);
for (let d = 0; d <= 9; d++) VALUE[48 + d] = d;
// A B C D E F G H   J K L M N   P   R S T U V W X Y Z
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const LETTER_VALUES = [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9];
for (let i = 0; i < LETTERS.length; i++) VALUE[LETTERS.charCodeAt(i)] = LETTER_VALUES[i] as number;

const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/**
 * The check value (0–10) of the 17 characters at `text[start, start + 17)` (position 9 is ignored), or -1 when
 * a character is outside the VIN alphabet (upper-case, no I/O/Q). Allocation-free.
 *
 * @example
 * vinCheckValueAt('LATPAB071W1005301', 0) // 1
 */
export function vinCheckValueAt(text: string, start: number): number {
  let s = 0;
  for (let i = 0; i < 17; i++) {
    const c = text.charCodeAt(start + i);
    const v = c < 128 ? (VALUE[c] as number) : -1;
    if (v < 0) return -1;
    s += v * (WEIGHTS[i] as number);
  }
  return s % 11;
}

/**
 * Whether the 17 characters at `text[start, …)` are a VIN whose check character (position 9) matches and whose
 * model-year code (position 10) is not U, Z or 0. Allocation-free.
 *
 * @example
 * isVinValidAt('VIN: LATPAB071W1005301', 5) // true
 */
export function isVinValidAt(text: string, start: number): boolean {
  const v = vinCheckValueAt(text, start);
  if (v < 0) return false;
  const check = text.charCodeAt(start + 8);
  if (v === 10 ? check !== 88 : check !== 48 + v) return false;
  const year = text.charCodeAt(start + 9);
  return year !== 85 && year !== 90 && year !== 48;
}

/**
 * Whether `vin` is a valid 17-character VIN (check character and model-year code).
 *
 * @example
 * isVinValid('1M8GDM9AXKP042788') // true
 * isVinValid('LATPAB072W1005301') // false
 */
export function isVinValid(vin: string): boolean {
  return vin.length === 17 && isVinValidAt(vin, 0);
}

/**
 * The check character (`0`–`9` or `X`) for a 17-character VIN; position 9 of the input is ignored.
 *
 * @throws RangeError when `vin` is not 17 characters of the VIN alphabet
 * @example
 * vinCheckChar('LATPAB070W1005301') // '1'
 */
export function vinCheckChar(vin: string): string {
  const v = vin.length === 17 ? vinCheckValueAt(vin, 0) : -1;
  if (v < 0) throw new RangeError('vinCheckChar: expected 17 characters of [0-9A-HJ-NPR-Z]');
  return v === 10 ? 'X' : String(v);
}
