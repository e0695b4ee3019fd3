/**
 * DATE_OF_BIRTH — a calendar date that the text says is a birth date.
 *
 * Spec: a date in one of the formats of `dates.ts` (`1990-03-07`, `1990/3/7`, `1990.03.07`, `19900307`,
 * `1990年3月7日`, `07/03/1990`, `March 7, 1990`, `7 Mar 1990`, year-month `1990年3月` after 出生年月, month-day
 * `3月7日` after 生日/birthday) next to a birth cue: 出生 出生日期 出生年月 生日 生于 `DOB` `d.o.b.` `date of birth`
 * `birth date` `birthday` `born`, JSON/CSV keys (`"dob":`, `birth_date`, `csrq`), or a table header cell over the
 * column. Validator: a real Gregorian date, not in the future, holder at most 130 years old (`validators/cn-date`).
 *
 * Without a cue there is no finding: dates in logs, timestamps, invoices and orders are hard negatives. Between the
 * cue and the date only filler may stand (`：`, `日期`, `（公历）`, `于`, `on`, `is`…); the first number after the
 * cue must be the date (`出生证明编号：20190307…` is a certificate number). The compact `19900307` form needs the cue
 * within 8 characters. A date inside a longer digit run (a resident ID's `19900307`) never parses.
 *
 * Derived: `attrs.ageBand` (coarse), `sensitive: true` for a holder under 14 (PIPL Art. 28).
 */

import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { ageBand, ageOn, isPlausibleBirthDate, todayKey } from '../../validators/cn-date.js';
import { headerCellAt, newColumnCursor, nextColumnCell } from './columns.js';
import { isRealDate, newParsedDate, parseDateAt } from './dates.js';

const ID = 'date-of-birth';

// Cue kinds.
const FORWARD = 1; // the date follows: 出生日期：…, DOB: …
const BOTH = 2; // either side: 出生 (1990年3月7日出生 / 出生于1990年…)
const BIRTHDAY = 3; // 生日 / birthday: a month-day without year is enough
const SHENG = 4; // `1990年3月7日生，`: a date directly before 生

const CUES: readonly (readonly [string, number])[] = [
  ['出生', BOTH],
  ['生于', FORWARD],
  ['诞辰', FORWARD],
  ['生日', BIRTHDAY],
  ['生', SHENG],
  ['dob', FORWARD],
  ['d.o.b', FORWARD],
  ['birth', FORWARD],
  ['birthdate', FORWARD],
  ['dateofbirth', FORWARD],
  ['born', FORWARD],
  ['birthday', BIRTHDAY],
  ['csrq', FORWARD],
];
const KEYWORDS: readonly string[] = CUES.map((c) => c[0]);
const KIND = Uint8Array.from(CUES.map((c) => c[1]));

const CJK = 0x4e00;
const CJK_END = 0xa000;
/** Han characters that may stand between a cue and the date: 日期 年月 时间 公历 农历 于 为 是 在. */
const FILLER = new Uint8Array(CJK_END - CJK);
for (const ch of '日期年月时间公历农阴于为是在号码') FILLER[ch.charCodeAt(0) - CJK] = 1;
/** English words that may stand between a cue and the date. */
const EN_FILLER = new Set([
  'on',
  'is',
  'was',
  'of',
  'date',
  'the',
  'day',
  'dd',
  'mm',
  'yyyy',
  'yy',
  'format',
  'd',
  'o',
  'b',
]);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isHan(c: number): boolean {
  return c >= CJK && c < CJK_END;
}

const date = newParsedDate();
const MONTH_NAME_FIRST = new Set(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']);

/** Whether a month name starts at `i` (`Mar`, `March`): a cheap check before the full parse. */
function monthNameAt(text: string, i: number): boolean {
  if (!isLetter(text.charCodeAt(i)) || isLetter(text.charCodeAt(i - 1))) return false;
  return MONTH_NAME_FIRST.has(text.slice(i, i + 3).toLowerCase());
}

/** Find the date after a cue ending at `from`, within 24 characters of filler. Fills `date`; returns its start. */
function dateAfter(text: string, from: number): number {
  const max = from + 24;
  let i = from;
  while (i < max && i < text.length) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) return parseDateAt(text, i, date) ? i : -1; // the first number must be the date
    if (isLetter(c)) {
      if (monthNameAt(text, i)) return parseDateAt(text, i, date) ? i : -1;
      let e = i;
      while (e < i + 12 && isLetter(text.charCodeAt(e))) e++;
      if (!EN_FILLER.has(text.slice(i, e).toLowerCase())) return -1;
      i = e;
      continue;
    }
    if (isHan(c)) {
      if (FILLER[c - CJK] !== 1) return -1;
    } else if (c === 10 || c === 13 || c === 0x3002 || c === 59 || c === 0xff1b) {
      return -1; // line or sentence end
    }
    i++;
  }
  return -1;
}

/** Find a date that ends at `end` (optionally followed by one space), starting within 20 characters before it. */
function dateBefore(text: string, end: number): number {
  let target = end;
  if (text.charCodeAt(target - 1) === 32) target--;
  const min = Math.max(target - 20, 0);
  for (let s = min; s <= target - 4; s++) {
    const c = text.charCodeAt(s);
    if (!(isDigit(c) && !isDigit(text.charCodeAt(s - 1))) && !monthNameAt(text, s)) continue;
    if (parseDateAt(text, s, date) && date.end === target) return s;
  }
  return -1;
}

/** Validate the parsed `date` for a birth date and emit it. `compactNear`: the `YYYYMMDD` form is allowed here. */
function emitDate(ctx: MatchContext, start: number, kind: number, compactNear: boolean, base: number): number {
  const { year, month, day, format } = date;
  if (!isRealDate(year, month, day)) return 0;
  if (format === 'YYYYMMDD' && !compactNear) return 0;
  let score = base;
  const today = todayKey();
  let age = -1;
  if (year === 0) {
    // Month-day (`3月7日`): a birthday without the year, only after 生日/birthday.
    if (kind !== BIRTHDAY) return 0;
    score = 0.6;
  } else if (day === 0) {
    // Year-month (`1990年3月`, `1990-03`).
    if (year * 100 + month > Math.floor(today / 100) || !isPlausibleBirthDate(year, month, 1)) return 0;
    age = ageOn(year, month, 1, today);
    score = 0.7;
  } else {
    if (!isPlausibleBirthDate(year, month, day)) return 0;
    age = ageOn(year, month, day, today);
    // The compact form is allowed only right after a label or right before 出生 (see callers), so it scores like
    // the others; a day-month order that could be swapped scores a little lower.
    if (date.ambiguous) score -= 0.05;
  }
  ctx.emit({
    type: 'DATE_OF_BIRTH',
    start,
    end: date.end,
    score,
    recognizer: ID,
    subject: 'person',
    ...(age >= 0 && age < 14 ? { sensitive: true } : {}),
    ...(age >= 0 ? { attrs: { ageBand: ageBand(age) } } : {}),
  });
  return 1;
}

const cursor = newColumnCursor();

function match(text: string, pos: number, ctx: MatchContext): void {
  const kind = KIND[ctx.keyword]!;
  const end = ctx.keywordEnd;
  if (kind === SHENG) {
    // Only right after a date (a digit, 日 or 号 before 生) and not inside a word (生活, 生产).
    const b = text.charCodeAt(pos - 1);
    if (!(isDigit(b) || b === 0x65e5 || b === 0x53f7)) return;
    const a = text.charCodeAt(end);
    if (isHan(a) && a !== 0x4e8e && a !== 0x5728 && a !== 0x4eba) return; // 于 在 人
    const s = dateBefore(text, pos);
    if (s >= 0 && date.end === pos) emitDate(ctx, s, kind, true, 0.85);
    return;
  }
  if (headerCellAt(text, pos, end, cursor)) {
    let found = 0;
    while (nextColumnCell(text, cursor)) {
      if (parseDateAt(text, cursor.start, date) && date.end === cursor.end) {
        found += emitDate(ctx, cursor.start, kind, true, 0.85);
      }
    }
    if (found > 0) return;
  }
  const s = dateAfter(text, end);
  if (s >= 0) {
    emitDate(ctx, s, kind, s - end <= 8, 0.9);
    return;
  }
  if (kind === BOTH || kind === BIRTHDAY) {
    const b = dateBefore(text, pos);
    // `19900307出生`: the compact form only when the cue follows it directly.
    if (b >= 0) emitDate(ctx, b, kind, date.end === pos, 0.85);
  }
}

/**
 * Dates of birth: a real past date next to a birth cue (Chinese and English), in tables and JSON too.
 *
 * @example
 * createAnalyzer({ recognizers: [dateOfBirthRecognizer] }).detect('出生日期：1990年3月7日') // [{ start: 5, end: 14, … }]
 */
export const dateOfBirthRecognizer = defineRecognizer({
  id: ID,
  entities: ['DATE_OF_BIRTH'],
  triggers: Trigger.KEYWORD,
  keywords: KEYWORDS,
  match,
  examples: {
    match: [
      '出生日期：1990年3月7日',
      '他于1985-11-23出生在上海',
      'DOB: 07/03/1990',
      'Date of Birth: March 7, 1990',
      '{"birth_date": "1990-03-07"}',
    ],
    noMatch: [
      '2024-03-07 12:00:01 INFO request served',
      '订单日期：2023-05-01',
      '出生证明编号：20190307001',
      '身份证号110105199003070018',
      'birthday party on 2024-05-01',
    ],
  },
});
