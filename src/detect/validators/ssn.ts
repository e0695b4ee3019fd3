/**
 * US Social Security Number structure (SSA, Program Operations Manual System RM 10201.035; SSA "randomization"
 * notice of 2011): `AAA-GG-SSSS`, area 001–899 except 666, group 01–99, serial 0001–9999. Areas 900–999 are
 * Individual Taxpayer Identification Numbers or unassigned, not SSNs. There is no check digit.
 *
 * Numbers that were published in advertising or specimen cards and are void:
 * - 078-05-1120 (the 1938 Woolworth wallet insert, "used" by thousands),
 * - 219-09-9999 (printed in a 1940 SSA pamphlet),
 * - 457-55-5462 (published in LifeLock advertising),
 * - 987-65-4320 … 987-65-4329 (reserved by SSA for advertising; area 9xx is already invalid),
 * - 123-45-6789 (the ubiquitous example value; treated as a placeholder).
 */

/** Why a nine-digit string is not an SSN, or `null` when it is structurally valid. */
export type SsnDefect = 'length' | 'area' | 'group' | 'serial' | 'advertised' | 'repeated';

/** Exactly nine ASCII digits. Example match: `536225169`; does not match `536-22-5169` (callers strip separators). */
const NINE_DIGITS = /^[0-9]{9}$/;

/** One digit repeated nine times. Example match: `111111111`; source: common test-data convention. */
const REPEATED = /^([0-9])\1{8}$/;

/** Specimen and advertised numbers (nine digits, no separators). */
const ADVERTISED = new Set(['078051120', '219099999', '457555462', '123456789']);

/**
 * Why `digits` (nine ASCII digits, no separators) cannot be an SSN, or `null` when it is structurally valid.
 *
 * @example
 * ssnDefect('666123456') // 'area'
 */
export function ssnDefect(digits: string): SsnDefect | null {
  if (digits.length !== 9 || !NINE_DIGITS.test(digits)) return 'length';
  const area = Number(digits.slice(0, 3));
  if (area === 0 || area === 666 || area >= 900) return 'area';
  if (digits.slice(3, 5) === '00') return 'group';
  if (digits.slice(5) === '0000') return 'serial';
  if (ADVERTISED.has(digits)) return 'advertised';
  // 111-11-1111 … 888-88-8888: test data, never issued in practice.
  if (REPEATED.test(digits)) return 'repeated';
  return null;
}

/**
 * Whether `digits` (nine ASCII digits, no separators) is a structurally valid SSN.
 *
 * @example
 * isSsnValid('536225169') // true
 * isSsnValid('078051120') // false (advertised)
 */
export function isSsnValid(digits: string): boolean {
  return ssnDefect(digits) === null;
}
