/**
 * Calendar-date parsing and formatting shared by the DATE_OF_BIRTH recognizer and the date generator.
 *
 * Formats read (first character at `pos`; `Y` year, `M` month, `D` day, 1–2 digits unless padded):
 * `1990-03-07`, `1990/3/7`, `1990.03.07`, `19900307`, `1990年3月7日` (`日` or `号` optional), `1990年3月`,
 * `1990-03` (year-month), `3月7日` (month-day), `07/03/1990` (day-first when ambiguous), `03/27/1990` (month-first
 * when the first group cannot be a month), `March 7, 1990`, `Mar. 7th 1990`, `7 Mar 1990`, `7th of March, 1990`,
 * `07-Mar-1990`, `March 1990`. Two-digit years are not read (`07/03/90` is ambiguous in three ways).
 *
 * The parser is a hand-written scanner over at most ~24 characters: no regex, no allocation except the format
 * string on success.
 */

/** Result slot of {@link parseDateAt}; one module-level instance is reused by callers that copy what they need. */
export interface ParsedDate {
  /** Four-digit year, or 0 for a month-day date. */
  year: number;
  month: number;
  /** 0 for a year-month date. */
  day: number;
  /** End offset (exclusive) of the date text. */
  end: number;
  /**
   * The format of the text, as tokens for {@link formatDate}: `YYYY`, `MM`/`M`, `DD`/`D`/`Do` (ordinal),
   * `MMMM` (full month name), `MMM` (abbreviated); anything else is literal.
   */
  format: string;
  /** Day and month could be swapped (`07/03/1990`). */
  ambiguous: boolean;
}

/** Full English month names. */
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** Whether `y` is a Gregorian leap year. */
function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * Days in month `m` of year `y` (0 for an invalid month). Year 0 (unknown) allows 29 February.
 *
 * @example
 * daysInMonth(2000, 2) // 29
 */
export function daysInMonth(y: number, m: number): number {
  if (m < 1 || m > 12) return 0;
  if (m === 2) return y === 0 || isLeap(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Read up to `max` digits at `pos`; returns the count read (value in `num.v`). */
const num = { v: 0 };
function readDigits(text: string, pos: number, max: number): number {
  let v = 0;
  let n = 0;
  while (n < max) {
    const c = text.charCodeAt(pos + n);
    if (!isDigitCode(c)) break;
    v = v * 10 + (c - 48);
    n++;
  }
  num.v = v;
  return n;
}

/** Month name at `pos` (case-insensitive; full, 3-letter or `Sept`), as month number; length in `monthLen`. */
let monthLen = 0;
let monthFull = false;
function readMonthName(text: string, pos: number): number {
  if (!isLetterCode(text.charCodeAt(pos))) return 0;
  for (let m = 0; m < 12; m++) {
    const name = MONTH_NAMES[m]!;
    let k = 0;
    while (k < name.length && (text.charCodeAt(pos + k) | 32) === (name.charCodeAt(k) | 32)) k++;
    let len = 0;
    if (k === name.length && !isLetterCode(text.charCodeAt(pos + k))) len = k;
    else if (m === 8 && k >= 4 && !isLetterCode(text.charCodeAt(pos + 4)))
      len = 4; // Sept
    else if (k >= 3 && !isLetterCode(text.charCodeAt(pos + 3))) len = 3;
    if (len === 0) continue;
    monthLen = len;
    // `May` is both: treat three letters as the abbreviation so `May.` reads like `Mar.`.
    monthFull = len > 4 || (len === 4 && m !== 8);
    return m + 1;
  }
  return 0;
}

/** Skip an English ordinal suffix (`st`, `nd`, `rd`, `th`) at `pos`; returns its length. */
function ordinalAt(text: string, pos: number): number {
  const a = text.charCodeAt(pos) | 32;
  const b = text.charCodeAt(pos + 1) | 32;
  if ((a === 115 && b === 116) || (a === 110 && b === 100) || (a === 114 && b === 100) || (a === 116 && b === 104)) {
    return isLetterCode(text.charCodeAt(pos + 2)) ? 0 : 2;
  }
  return 0;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function monthToken(digits: number): string {
  return digits === 2 ? 'MM' : 'M';
}

function dayToken(digits: number): string {
  return digits === 2 ? 'DD' : 'D';
}

function finish(out: ParsedDate, y: number, m: number, d: number, end: number, format: string, amb: boolean): boolean {
  out.year = y;
  out.month = m;
  out.day = d;
  out.end = end;
  out.format = format;
  out.ambiguous = amb;
  return true;
}

/** `1990年3月7日`, `1990-03-07`, `1990-03`, `19900307` (year first). */
function parseYearFirst(text: string, pos: number, out: ParsedDate): boolean {
  const yLen = readDigits(text, pos, 9);
  const y = num.v;
  if (yLen === 8) {
    const yy = Math.floor(y / 10000);
    const mm = Math.floor(y / 100) % 100;
    const dd = y % 100;
    return finish(out, yy, mm, dd, pos + 8, 'YYYYMMDD', false);
  }
  if (yLen !== 4) return false;
  let p = pos + 4;
  const sep = text.charCodeAt(p);
  if (sep === 0x5e74 /* 年 */) {
    p++;
    const mLen = readDigits(text, p, 3);
    const m = num.v;
    if (mLen < 1 || mLen > 2 || text.charCodeAt(p + mLen) !== 0x6708 /* 月 */) return false;
    p += mLen + 1;
    const dLen = readDigits(text, p, 3);
    if (dLen < 1 || dLen > 2) return finish(out, y, m, 0, p, `YYYY年${monthToken(mLen)}月`, false);
    const d = num.v;
    p += dLen;
    const tail = text.charCodeAt(p);
    let fmt = `YYYY年${monthToken(mLen)}月${dayToken(dLen)}`;
    if (tail === 0x65e5 /* 日 */ || tail === 0x53f7 /* 号 */) {
      fmt += text.charAt(p);
      p++;
    }
    return finish(out, y, m, d, p, fmt, false);
  }
  if (sep !== 45 && sep !== 47 && sep !== 46) return false;
  const s = text.charAt(p);
  p++;
  const mLen = readDigits(text, p, 3);
  const m = num.v;
  if (mLen < 1 || mLen > 2) return false;
  p += mLen;
  if (text.charCodeAt(p) !== sep) {
    if (isDigitCode(text.charCodeAt(p))) return false;
    return finish(out, y, m, 0, p, `YYYY${s}${monthToken(mLen)}`, false);
  }
  p++;
  const dLen = readDigits(text, p, 3);
  if (dLen < 1 || dLen > 2) return false;
  const d = num.v;
  return finish(out, y, m, d, p + dLen, `YYYY${s}${monthToken(mLen)}${s}${dayToken(dLen)}`, false);
}

/** `07/03/1990`, `3月7日`, `7 March 1990`, `07-Mar-1990` (a 1–2 digit group first). */
function parseSmallFirst(text: string, pos: number, out: ParsedDate): boolean {
  const aLen = readDigits(text, pos, 3);
  if (aLen < 1 || aLen > 2) return false;
  const a = num.v;
  let p = pos + aLen;
  const sep = text.charCodeAt(p);
  if (sep === 0x6708 /* 月 */) {
    p++;
    const dLen = readDigits(text, p, 3);
    if (dLen < 1 || dLen > 2) return false;
    const d = num.v;
    p += dLen;
    const tail = text.charCodeAt(p);
    let fmt = `${monthToken(aLen)}月${dayToken(dLen)}`;
    if (tail === 0x65e5 || tail === 0x53f7) {
      fmt += text.charAt(p);
      p++;
    }
    return finish(out, 0, a, d, p, fmt, false);
  }
  if (sep === 45 || sep === 47 || sep === 46) {
    const s = text.charAt(p);
    p++;
    const month = readMonthName(text, p);
    if (month !== 0 && sep === 45) {
      // 07-Mar-1990
      p += monthLen;
      if (text.charCodeAt(p) !== 45) return false;
      p++;
      if (readDigits(text, p, 5) !== 4) return false;
      return finish(out, num.v, month, a, p + 4, `${dayToken(aLen)}-${monthFull ? 'MMMM' : 'MMM'}-YYYY`, false);
    }
    const bLen = readDigits(text, p, 3);
    if (bLen < 1 || bLen > 2) return false;
    const b = num.v;
    p += bLen;
    if (text.charCodeAt(p) !== sep) return false;
    p++;
    if (readDigits(text, p, 5) !== 4) return false;
    const y = num.v;
    p += 4;
    // Day-first unless the first group cannot be a month... or the second cannot be one.
    if (b > 12 && a <= 12) return finish(out, y, a, b, p, `${monthToken(aLen)}${s}${dayToken(bLen)}${s}YYYY`, false);
    return finish(out, y, b, a, p, `${dayToken(aLen)}${s}${monthToken(bLen)}${s}YYYY`, a <= 12 && b <= 12 && a !== b);
  }
  // 7 March 1990, 7th March 1990, 7th of March, 1990
  p += ordinalAt(text, p);
  const ordinal = p > pos + aLen;
  if (text.charCodeAt(p) !== 32) return false;
  p++;
  let ofPart = '';
  if ((text.charCodeAt(p) | 32) === 111 && (text.charCodeAt(p + 1) | 32) === 102 && text.charCodeAt(p + 2) === 32) {
    ofPart = ' of';
    p += 3;
  }
  const month = readMonthName(text, p);
  if (month === 0) return false;
  p += monthLen;
  const full = monthFull;
  let dot = '';
  if (!full && text.charCodeAt(p) === 46) {
    dot = '.';
    p++;
  }
  let comma = '';
  if (text.charCodeAt(p) === 44) {
    comma = ',';
    p++;
  }
  if (text.charCodeAt(p) !== 32) return false;
  p++;
  if (readDigits(text, p, 5) !== 4) return false;
  const dTok = ordinal ? 'Do' : dayToken(aLen);
  return finish(out, num.v, month, a, p + 4, `${dTok}${ofPart} ${full ? 'MMMM' : 'MMM'}${dot}${comma} YYYY`, false);
}

/** `March 7, 1990`, `Mar. 7th 1990`, `March 1990`. */
function parseMonthFirst(text: string, pos: number, out: ParsedDate): boolean {
  const month = readMonthName(text, pos);
  if (month === 0) return false;
  let p = pos + monthLen;
  const full = monthFull;
  let dot = '';
  if (!full && text.charCodeAt(p) === 46) {
    dot = '.';
    p++;
  }
  if (text.charCodeAt(p) !== 32) return false;
  p++;
  const n = readDigits(text, p, 5);
  const mTok = full ? 'MMMM' : 'MMM';
  if (n === 4) return finish(out, num.v, month, 0, p + 4, `${mTok}${dot} YYYY`, false);
  if (n < 1 || n > 2) return false;
  const d = num.v;
  const dTok0 = dayToken(n);
  p += n;
  const ord = ordinalAt(text, p);
  p += ord;
  let comma = '';
  if (text.charCodeAt(p) === 44) {
    comma = ',';
    p++;
  }
  if (text.charCodeAt(p) !== 32) return false;
  p++;
  if (readDigits(text, p, 5) !== 4) return false;
  return finish(out, num.v, month, d, p + 4, `${mTok}${dot} ${ord > 0 ? 'Do' : dTok0}${comma} YYYY`, false);
}

/**
 * Parse a date starting exactly at `pos`. Returns false when no supported format starts there, or when the
 * text continues with a digit or letter (the date would be part of a longer token). Does not check that the
 * date exists: see {@link isRealDate}.
 *
 * @example
 * const d = newParsedDate(); parseDateAt('DOB 1990-03-07', 4, d); // true, d.format === 'YYYY-MM-DD'
 */
export function parseDateAt(text: string, pos: number, out: ParsedDate): boolean {
  const c = text.charCodeAt(pos);
  let ok: boolean;
  if (isDigitCode(c)) {
    if (isDigitCode(text.charCodeAt(pos - 1))) return false;
    ok = readDigits(text, pos, 4) >= 4 ? parseYearFirst(text, pos, out) : parseSmallFirst(text, pos, out);
  } else {
    if (isLetterCode(text.charCodeAt(pos - 1))) return false;
    ok = parseMonthFirst(text, pos, out);
  }
  if (!ok) return false;
  const next = text.charCodeAt(out.end);
  if (isDigitCode(next) || isLetterCode(next)) return false;
  return true;
}

/** A fresh result slot for {@link parseDateAt}. */
export function newParsedDate(): ParsedDate {
  return { year: 0, month: 0, day: 0, end: 0, format: '', ambiguous: false };
}

/**
 * Whether the parsed parts form a real date (month 1–12, a day that exists in that month and year; a missing
 * day or year is allowed as 0).
 *
 * @example
 * isRealDate(1990, 2, 29) // false
 */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12) return false;
  if (day === 0) return true;
  return day >= 1 && day <= daysInMonth(year, month);
}

function ordinal(n: number): string {
  const t = n % 100;
  if (t >= 11 && t <= 13) return `${n}th`;
  const u = n % 10;
  return `${n}${u === 1 ? 'st' : u === 2 ? 'nd' : u === 3 ? 'rd' : 'th'}`;
}

/**
 * Render a date with a format from {@link ParsedDate.format}.
 *
 * @example
 * formatDate(1990, 3, 7, 'YYYY年M月D日') // '1990年3月7日'
 */
export function formatDate(year: number, month: number, day: number, format: string): string {
  let out = '';
  let i = 0;
  while (i < format.length) {
    if (format.startsWith('YYYY', i)) {
      out += pad(year, 4);
      i += 4;
    } else if (format.startsWith('MMMM', i)) {
      out += MONTH_NAMES[month - 1];
      i += 4;
    } else if (format.startsWith('MMM', i)) {
      out += MONTH_NAMES[month - 1]!.slice(0, 3);
      i += 3;
    } else if (format.startsWith('MM', i)) {
      out += pad(month, 2);
      i += 2;
    } else if (format.startsWith('M', i)) {
      out += String(month);
      i += 1;
    } else if (format.startsWith('DD', i)) {
      out += pad(day, 2);
      i += 2;
    } else if (format.startsWith('Do', i)) {
      out += ordinal(day);
      i += 2;
    } else if (format.startsWith('D', i)) {
      out += String(day);
      i += 1;
    } else {
      out += format.charAt(i);
      i += 1;
    }
  }
  return out;
}
