/**
 * PHONE_NUMBER — international telephone numbers.
 *
 * Spec: ITU-T E.164 (country calling code + national significant number, at most 15 digits) in the written forms
 * of ITU-T E.123 (`+44 20 7946 0958`, `+1 (415) 555-2671`, `0044 20 7946 0958`), validated against Google's
 * libphonenumber metadata (`libphonenumber-js/max`: number ranges per country and type, not just lengths).
 * US national numbers are accepted as `(415) 555-2671`, `415-555-2671` and `415.555.2671` (the NANP ranges must be
 * valid: area code and exchange 2–9xx, an area code in use), and as `415 555 2671` with phone context.
 *
 * This is the only library-backed recognizer. libphonenumber parses in ≈ 25 µs, so it runs only after cheap
 * gates: the E.164 length, a calling code that exists (a table built once from the metadata) and a clean span.
 *
 * Not reported: mainland-China numbers (+86 / 0086 mobiles and landlines are CN_MOBILE / CN_LANDLINE, which also
 * classify 400/800 service numbers), invalid ranges (`+1 123 456 7890`), numbers glued to longer digit runs, and
 * `+` digit runs in arithmetic (`1+2345678`).
 */
import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';

const ID = 'phone';

const CONTEXT = defineContext({
  positive: [
    'phone',
    'telephone',
    'tel',
    'mobile',
    'cell',
    'cellphone',
    'call',
    'contact',
    'fax',
    'whatsapp',
    'telegram',
    'signal',
    'line',
    'sms',
    'hotline',
    'text me',
    'callback',
    'call back',
    'reach me',
    'dial',
    'ph',
    'mob',
    '电话',
    '手机',
    '联系',
    '致电',
    '号码',
    '座机',
    '传真',
  ],
  negative: COMMON_NEGATIVE,
  before: 32,
  after: 12,
});

/** Calling codes in use (1–3 digits), as a lookup by numeric value. Built once from the metadata. */
const CALLING_CODES = new Uint8Array(1000);
for (const country of getCountries()) CALLING_CODES[Number(getCountryCallingCode(country))] = 1;

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Characters allowed between digits of a written number: space, hyphen, dot, parentheses, slash. */
function isPhoneSep(c: number): boolean {
  return c === 32 || c === 45 || c === 46 || c === 40 || c === 41 || c === 47;
}

interface Span {
  end: number;
  digits: string;
}

const span: Span = { end: 0, digits: '' };

/**
 * Collect a written number from `i`: digits and single separators (the pairs `) ` and ` (` allowed), a UK-style
 * `(0)` trunk marker skipped, at most `maxDigits` digits and 24 characters. Fills {@link span}; returns false
 * when more digits follow than a number can have.
 */
function collect(text: string, i: number, maxDigits: number): boolean {
  let digits = '';
  let end = i;
  let k = i;
  let seps = 0;
  const limit = i + 24;
  while (k < limit) {
    const c = text.charCodeAt(k);
    if (isDigitCode(c)) {
      if (digits.length === maxDigits) return false;
      digits += text[k];
      k++;
      end = k;
      seps = 0;
    } else if (c === 40 && text.charCodeAt(k + 1) === 48 && text.charCodeAt(k + 2) === 41 && digits.length > 0) {
      k += 3;
      seps = 1;
    } else if (isPhoneSep(c)) {
      if (seps >= 2) break;
      if (seps === 1) {
        const p = text.charCodeAt(k - 1);
        if (!((p === 32 && c === 40) || (p === 41 && c === 32))) break;
      }
      seps++;
      k++;
    } else {
      break;
    }
  }
  if (k === limit && isDigitCode(text.charCodeAt(k))) return false;
  span.end = end;
  span.digits = digits;
  return true;
}

/** Whether the span `[start, end)` is glued to a word or to more digits. */
function glued(text: string, end: number): boolean {
  const a = text.charCodeAt(end);
  if (isWordCode(a)) return true;
  return (a === 46 || a === 45 || a === 47) && isDigitCode(text.charCodeAt(end + 1));
}

/** Whether an E.164 number (digits after `+`) starts with an existing calling code other than China's. */
function callingCodeGate(digits: string): boolean {
  const d1 = digits.charCodeAt(0) - 48;
  if (d1 <= 0) return false;
  if (digits.startsWith('86')) return false;
  const d2 = d1 * 10 + (digits.charCodeAt(1) - 48);
  const d3 = d2 * 10 + (digits.charCodeAt(2) - 48);
  return CALLING_CODES[d1] === 1 || CALLING_CODES[d2] === 1 || CALLING_CODES[d3] === 1;
}

/** Length of the calling code `digits` starts with (calling codes are prefix-free); after `callingCodeGate`. */
function callingCodeLength(digits: string): number {
  const d1 = digits.charCodeAt(0) - 48;
  if (CALLING_CODES[d1] === 1) return 1;
  return CALLING_CODES[d1 * 10 + (digits.charCodeAt(1) - 48)] === 1 ? 2 : 3;
}

function lineType(type: string | undefined): string | undefined {
  return type === undefined ? undefined : type.toLowerCase();
}

function emitParsed(
  start: number,
  end: number,
  e164: string,
  defaultCountry: CountryCode | undefined,
  base: number,
  ctx: MatchContext,
): void {
  const parsed =
    defaultCountry === undefined ? parsePhoneNumberFromString(e164) : parsePhoneNumberFromString(e164, defaultCountry);
  if (parsed === undefined || !parsed.isValid() || parsed.country === 'CN') return;
  const c = ctx.context(start, end, CONTEXT);
  const score = c === 1 ? Math.min(0.97, base + 0.12) : c === -1 ? base - 0.3 : base;
  const type = lineType(parsed.getType());
  const organisation = type === 'toll_free' || type === 'premium_rate' || type === 'shared_cost' || type === 'uan';
  ctx.emit({
    type: 'PHONE_NUMBER',
    start,
    end,
    score,
    recognizer: ID,
    ...(organisation ? { subject: 'organisation' as const } : {}),
    attrs: { country: parsed.country ?? parsed.countryCallingCode, ...(type === undefined ? {} : { lineType: type }) },
  });
}

/** `+CC …` */
function matchPlus(text: string, pos: number, ctx: MatchContext): void {
  const prev = text.charCodeAt(pos - 1);
  // `1+2345678` is arithmetic; `a+44…` is part of a word.
  if (isWordCode(prev) || prev === 43) return;
  let i = pos + 1;
  if (text.charCodeAt(i) === 32) i++;
  if (!isDigitCode(text.charCodeAt(i))) return;
  if (!collect(text, i, 15)) return;
  const { end, digits } = span;
  if (digits.length < 7 || glued(text, end)) return;
  if (!callingCodeGate(digits)) return;
  // `(+44) 20 …`: the opening parenthesis belongs to the number when its closing one is inside.
  let start = pos;
  if (prev === 40) {
    for (let k = pos + 1; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c === 40) break;
      if (c === 41) {
        start = pos - 1;
        break;
      }
    }
  }
  emitParsed(start, end, `+${digits}`, undefined, 0.85, ctx);
}

/** `(415) 555-2671` — US/NANP national format. */
function matchParen(text: string, pos: number, ctx: MatchContext): void {
  // `+1 (415) …` is reported from the `+`.
  const p1 = text.charCodeAt(pos - 1);
  if (isWordCode(p1)) return;
  if (p1 === 32 && text.charCodeAt(pos - 2) === 49 && text.charCodeAt(pos - 3) === 43) return;
  if (!isDigitCode(text.charCodeAt(pos + 1)) || !isDigitCode(text.charCodeAt(pos + 2))) return;
  if (!isDigitCode(text.charCodeAt(pos + 3)) || text.charCodeAt(pos + 4) !== 41) return;
  let i = pos + 5;
  if (text.charCodeAt(i) === 32) i++;
  for (let k = i; k < i + 3; k++) if (!isDigitCode(text.charCodeAt(k))) return;
  const sep = text.charCodeAt(i + 3);
  if (sep !== 45 && sep !== 46 && sep !== 32) return;
  for (let k = i + 4; k < i + 8; k++) if (!isDigitCode(text.charCodeAt(k))) return;
  const end = i + 8;
  if (glued(text, end)) return;
  const digits = text.slice(pos + 1, pos + 4) + text.slice(i, i + 3) + text.slice(i + 4, end);
  emitParsed(pos, end, digits, 'US', 0.6, ctx);
}

/** `0044 20 7946 0958` (international prefix 00) and `415-555-2671` / `415.555.2671` (NANP). */
function matchDigits(text: string, pos: number, ctx: MatchContext): void {
  const prev = text.charCodeAt(pos - 1);
  if (isWordCode(prev) || prev === 43 || prev === 46 || prev === 45 || prev === 47) return;
  const run = ctx.runEnd - pos;
  const c0 = text.charCodeAt(pos);
  if (c0 === 48 && text.charCodeAt(pos + 1) === 48) {
    // 00 + calling code.
    let i = pos + 2;
    if (run === 2 && text.charCodeAt(i) === 32) i++;
    if (!isDigitCode(text.charCodeAt(i)) || text.charCodeAt(i) === 48) return;
    if (!collect(text, i, 15)) return;
    const { end, digits } = span;
    if (digits.length < 7 || glued(text, end) || !callingCodeGate(digits)) return;
    // `0047 …` or `00 47 …`: a separator inside the calling code (`004-70-3111`, an SSN's shape) is no IDD prefix.
    if (run > 2 && run < 2 + callingCodeLength(digits)) return;
    emitParsed(pos, end, `+${digits}`, undefined, 0.75, ctx);
    return;
  }
  if (run !== 3) return;
  const sep = text.charCodeAt(pos + 3);
  if (sep !== 45 && sep !== 46 && sep !== 32) return;
  for (let k = pos + 4; k < pos + 7; k++) if (!isDigitCode(text.charCodeAt(k))) return;
  if (text.charCodeAt(pos + 7) !== sep) return;
  for (let k = pos + 8; k < pos + 12; k++) if (!isDigitCode(text.charCodeAt(k))) return;
  const end = pos + 12;
  if (glued(text, end)) return;
  // `415-555-2671` / `415.555.2671` is how US numbers are written; `415 555 2671` needs a label.
  if (sep === 32 && ctx.context(pos, end, CONTEXT) !== 1) return;
  const digits = text.slice(pos, pos + 3) + text.slice(pos + 4, pos + 7) + text.slice(pos + 8, end);
  emitParsed(pos, end, digits, 'US', 0.65, ctx);
}

function match(text: string, pos: number, ctx: MatchContext): void {
  const c = text.charCodeAt(pos);
  if (c === 43) matchPlus(text, pos, ctx);
  else if (c === 40) matchParen(text, pos, ctx);
  else matchDigits(text, pos, ctx);
}

/**
 * International phone numbers validated with libphonenumber metadata (mainland China excluded); `attrs.country`
 * and `attrs.lineType` describe the number, toll-free and premium numbers are `subject: 'organisation'`.
 *
 * @example
 * createAnalyzer({ recognizers: [phoneRecognizer] }).detect('Tel +44 20 7946 0958') // [{ start: 4, end: 20, … }]
 */
export const phoneRecognizer = defineRecognizer({
  id: ID,
  entities: ['PHONE_NUMBER'],
  triggers: Trigger.PLUS | Trigger.PAREN | Trigger.DIGIT,
  // DIGIT only starts `00` + calling code or a NANP `415-555-2671` (area codes start 2-9); never inside a word.
  digitGate: (first: number, length: number, prev?: string, next?: string) =>
    prev !== 'letter' &&
    prev !== 'x' &&
    prev !== 'plus' &&
    prev !== 'dot' &&
    prev !== 'hyphen' &&
    ((first === 0 && length >= 2 && (length > 2 || next === undefined || next === 'space')) ||
      (first >= 2 && length === 3 && (next === undefined || next === 'hyphen' || next === 'dot' || next === 'space'))),
  match,
  examples: {
    match: [
      'Tel +44 20 7946 0958',
      'call +1 (415) 555-2671',
      '+49 30 901820',
      'WhatsApp +852 9123 4567',
      'phone: 415-555-2671',
    ],
    noMatch: [
      '+86 138 1234 5678',
      '+1 123 456 7890',
      '2+3=5 and 1+2345678',
      'order 415-555-2671',
      'ISBN 978-3-16-148410-0',
    ],
  },
});
