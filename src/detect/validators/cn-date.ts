/**
 * Birth dates embedded in identifiers (GB 11643 positions 7–14 `YYYYMMDD`, the legacy 15-digit `YYMMDD`, the
 * 2023 foreign permanent-resident ID): a real proleptic-Gregorian calendar date, not in the future, and a
 * plausible age (reference §1.5).
 *
 * "Today" is the calendar date in China Standard Time (UTC+8), the zone the numbers are issued in. The upper age
 * bound defaults to 130 years: GB 11643's own 1880 example fails it on purpose (no living holder), and callers
 * that scan historical records can raise it.
 */

/** Default maximum plausible age in years. */
export const MAX_AGE_YEARS = 130;

const CST_OFFSET_MS = 8 * 3600 * 1000;

/** Options shared by the date checks. */
export interface BirthDateOptions {
  /** The instant to treat as now, in milliseconds since the epoch (default `Date.now()`); for tests and replays. */
  nowMs?: number;
  /** Maximum plausible age in completed years (default {@link MAX_AGE_YEARS}). */
  maxAgeYears?: number;
}

/** Whether `y` is a Gregorian leap year. */
export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * Days in month `m` (1–12) of year `y`; 0 for a month outside 1–12.
 *
 * @example
 * daysInMonth(2000, 2) // 29
 */
export function daysInMonth(y: number, m: number): number {
  switch (m) {
    case 1:
    case 3:
    case 5:
    case 7:
    case 8:
    case 10:
    case 12:
      return 31;
    case 4:
    case 6:
    case 9:
    case 11:
      return 30;
    case 2:
      return isLeapYear(y) ? 29 : 28;
    default:
      return 0;
  }
}

/**
 * Whether `y-m-d` is a real calendar date (year 1–9999).
 *
 * @example
 * isCalendarDate(1900, 2, 29) // false
 */
export function isCalendarDate(y: number, m: number, d: number): boolean {
  return Number.isInteger(y) && y >= 1 && y <= 9999 && Number.isInteger(d) && d >= 1 && d <= daysInMonth(y, m);
}

/** `YYYYMMDD` as one integer, so dates compare with `<`. */
function dateKey(y: number, m: number, d: number): number {
  return y * 10000 + m * 100 + d;
}

/**
 * Today's date in China Standard Time as a `YYYYMMDD` integer.
 *
 * @example
 * todayKey(Date.UTC(2024, 0, 31, 17)) // 20240201 (already 1 February in Beijing)
 */
export function todayKey(nowMs: number = Date.now()): number {
  // Recognizers ask on every candidate: keep the last day's answer instead of building a Date each time.
  const day = Math.floor((nowMs + CST_OFFSET_MS) / 86_400_000);
  if (day === cachedDay) return cachedKey;
  const t = new Date(nowMs + CST_OFFSET_MS);
  cachedDay = day;
  cachedKey = dateKey(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
  return cachedKey;
}

let cachedDay = Number.NaN;
let cachedKey = 0;

/**
 * Completed years between the birth date and today's date key (`YYYYMMDD`), or -1 when born after it.
 *
 * @example
 * ageOn(2010, 6, 15, 20240614) // 13
 */
export function ageOn(y: number, m: number, d: number, today: number): number {
  const birth = dateKey(y, m, d);
  if (birth > today) return -1;
  const ty = Math.floor(today / 10000);
  const tmd = today % 10000;
  return ty - y - (tmd < m * 100 + d ? 1 : 0);
}

/**
 * Whether `y-m-d` is a real date, not after today (CST), with the holder at most `maxAgeYears` old.
 *
 * @example
 * isPlausibleBirthDate(1949, 12, 31) // true
 * isPlausibleBirthDate(2030, 1, 1) // false (future)
 */
export function isPlausibleBirthDate(y: number, m: number, d: number, options?: BirthDateOptions): boolean {
  if (!isCalendarDate(y, m, d)) return false;
  const age = ageOn(y, m, d, todayKey(options?.nowMs));
  return age >= 0 && age <= (options?.maxAgeYears ?? MAX_AGE_YEARS);
}

function digitsAt(text: string, start: number, count: number): number {
  let v = 0;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Age in completed years of a holder whose `YYYYMMDD` birth date sits at `text[start, start + 8)`, or -1 when the
 * digits are not a plausible birth date (see {@link isPlausibleBirthDate}). Allocation-free.
 *
 * @example
 * birthAgeAt('11010519491231002X', 6, { nowMs: Date.UTC(2025, 0, 1) }) // 75
 */
export function birthAgeAt(text: string, start: number, options?: BirthDateOptions): number {
  const y = digitsAt(text, start, 4);
  const m = digitsAt(text, start + 4, 2);
  const d = digitsAt(text, start + 6, 2);
  if (y < 0 || m < 0 || d < 0 || !isCalendarDate(y, m, d)) return -1;
  const age = ageOn(y, m, d, todayKey(options?.nowMs));
  return age >= 0 && age <= (options?.maxAgeYears ?? MAX_AGE_YEARS) ? age : -1;
}

/**
 * Age of a legacy 15-digit number's holder, whose `YYMMDD` birth date sits at `text[start, start + 6)`.
 * Legacy numbers were issued from 1984 to 2004 to people born in the 20th century, so the century is 19
 * (reference §1.4). Returns -1 when not a plausible birth date.
 *
 * @example
 * legacyBirthAgeAt('110105491231002', 6, { nowMs: Date.UTC(2025, 0, 1) }) // 75
 */
export function legacyBirthAgeAt(text: string, start: number, options?: BirthDateOptions): number {
  const yy = digitsAt(text, start, 2);
  const m = digitsAt(text, start + 2, 2);
  const d = digitsAt(text, start + 4, 2);
  if (yy < 0 || m < 0 || d < 0) return -1;
  const y = 1900 + yy;
  if (!isCalendarDate(y, m, d)) return -1;
  const age = ageOn(y, m, d, todayKey(options?.nowMs));
  return age >= 0 && age <= (options?.maxAgeYears ?? MAX_AGE_YEARS) ? age : -1;
}

/** Coarse age bands for findings: fine enough for PIPL decisions, too coarse to identify anyone. */
export type AgeBand = '<14' | '14-17' | '18-29' | '30-44' | '45-59' | '60-74' | '75+';

/**
 * The age band of an age in years. `<14` is the PIPL Art. 28 threshold for a minor's information being
 * sensitive; `14-17` are the other minors.
 *
 * @example
 * ageBand(13) // '<14'
 */
export function ageBand(age: number): AgeBand {
  if (age < 14) return '<14';
  if (age < 18) return '14-17';
  if (age < 30) return '18-29';
  if (age < 45) return '30-44';
  if (age < 60) return '45-59';
  if (age < 75) return '60-74';
  return '75+';
}
