/**
 * Luhn (ISO/IEC 7812-1 Annex B) check digit, used by payment and bank cards and IMEIs.
 * Operates on ASCII digit strings without separators.
 */

/**
 * Whether `digits` (ASCII 0-9 only) passes the Luhn check.
 *
 * @example
 * isLuhnValid('4111111111111111') // true
 */
export function isLuhnValid(digits: string): boolean {
  const n = digits.length;
  if (n < 2) return false;
  let sum = 0;
  let double = false;
  for (let i = n - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * The Luhn check digit to append to `payload` (ASCII digits).
 *
 * @throws RangeError when `payload` holds a non-digit
 * @example
 * luhnCheckDigit('411111111111111') // '1'
 */
export function luhnCheckDigit(payload: string): string {
  let sum = 0;
  let double = true;
  for (let i = payload.length - 1; i >= 0; i--) {
    let d = payload.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new RangeError('luhnCheckDigit: payload must be ASCII digits');
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return String((10 - (sum % 10)) % 10);
}
