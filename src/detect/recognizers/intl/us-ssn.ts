/**
 * US_SSN — United States Social Security Numbers.
 *
 * Spec: SSA numbering (`AAA-GG-SSSS`; area 001–899 except 666, group 01–99, serial 0001–9999; advertised and
 * specimen numbers void). Validator: `validators/ssn.ts`. There is no check digit, so the written form and context
 * carry the score: `123-45-6789` style alone is a fair signal; spaced `536 22 5169` and bare nine digits need
 * context (`SSN`, `social security`, `社会安全号`) — a label nearby, or an `ssn` header cell of a CSV/TSV table
 * (KEYWORD trigger; the column is read with the bounded scan of `text/columns.ts`). Masked forms (`***-**-6789`,
 * `XXX-XX-6789`) are reported with `masked: true`.
 *
 * False-positive traps handled: invalid areas (000, 666, 9xx — ITINs), group 00, serial 0000, advertised numbers
 * (078-05-1120…), longer dashed numbers (`1-234-56-7890`, `123-45-6789-0`), order/tracking/phone context.
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { isSsnValid } from '../../validators/ssn.js';
import { headerCellAt, newColumnCursor, nextColumnCell } from '../text/columns.js';

const ID = 'us-ssn';

const CONTEXT = defineContext({
  positive: [
    'ssn',
    'ss#',
    'ssa',
    'social security',
    'social security number',
    'social sec',
    'soc sec',
    'tax id',
    'taxpayer',
    '社会安全号',
    '社会安全号码',
    '社安号',
  ],
  negative: [...COMMON_NEGATIVE, 'phone', 'tel', 'fax', 'zip', 'isbn', 'part', 'model', 'case', 'ref', 'account'],
  before: 32,
  after: 12,
});

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isMaskCode(c: number): boolean {
  return c === 42 || c === 88 || c === 120 || c === 35;
}

function digitsAt(text: string, i: number, n: number): boolean {
  for (let k = i; k < i + n; k++) if (!isDigitCode(text.charCodeAt(k))) return false;
  return true;
}

/** Whether `[start, end)` is glued to a longer number (`1-234-56-7890`, `123-45-6789-0`, `12.345`). */
function glued(text: string, start: number, end: number): boolean {
  const p = text.charCodeAt(start - 1);
  if (isWordCode(p)) return true;
  if ((p === 45 || p === 46 || p === 47) && isDigitCode(text.charCodeAt(start - 2))) return true;
  const a = text.charCodeAt(end);
  if (isWordCode(a)) return true;
  return (a === 45 || a === 46 || a === 47) && isDigitCode(text.charCodeAt(end + 1));
}

function emit(start: number, end: number, score: number, ctx: MatchContext, masked: boolean): void {
  ctx.emit({
    type: 'US_SSN',
    start,
    end,
    score,
    recognizer: ID,
    subject: 'person',
    ...(masked ? { masked: true } : {}),
  });
}

/** Header words of an SSN column (the KEYWORD trigger). */
const HEADERS = ['ssn', 'social security number', 'social security', 'social security no', 'ss number'];

const cursor = newColumnCursor();

/** Whether the cell `[start, end)` is exactly one SSN (dashed, spaced or nine digits), structurally valid. */
function cellIsSsn(text: string, start: number, end: number): boolean {
  const n = end - start;
  if (n === 9) return digitsAt(text, start, 9) && isSsnValid(text.slice(start, end));
  if (n !== 11) return false;
  const sep = text.charCodeAt(start + 3);
  if ((sep !== 45 && sep !== 32) || text.charCodeAt(start + 6) !== sep) return false;
  if (!digitsAt(text, start, 3) || !digitsAt(text, start + 4, 2) || !digitsAt(text, start + 7, 4)) return false;
  return isSsnValid(text.slice(start, start + 3) + text.slice(start + 4, start + 6) + text.slice(start + 7, end));
}

/** An `ssn` header cell of a CSV/TSV table: report the SSNs of that column. */
function matchColumn(text: string, pos: number, ctx: MatchContext): void {
  if (!headerCellAt(text, pos, ctx.keywordEnd, cursor)) return;
  while (nextColumnCell(text, cursor)) {
    if (cellIsSsn(text, cursor.start, cursor.end)) emit(cursor.start, cursor.end, 0.9, ctx, false);
  }
}

function match(text: string, pos: number, ctx: MatchContext): void {
  if (!isDigitCode(text.charCodeAt(pos))) {
    matchColumn(text, pos, ctx);
    return;
  }
  const run = ctx.runEnd - pos;
  if (run === 3) {
    const sep = text.charCodeAt(pos + 3);
    if (sep !== 45 && sep !== 32) return;
    if (!digitsAt(text, pos + 4, 2) || text.charCodeAt(pos + 6) !== sep || !digitsAt(text, pos + 7, 4)) return;
    const end = pos + 11;
    if (glued(text, pos, end)) return;
    const digits = text.slice(pos, pos + 3) + text.slice(pos + 4, pos + 6) + text.slice(pos + 7, end);
    if (!isSsnValid(digits)) return;
    const c = ctx.context(pos, end, CONTEXT);
    if (sep === 45) emit(pos, end, c === 1 ? 0.95 : c === -1 ? 0.3 : 0.65, ctx, false);
    else if (c === 1) emit(pos, end, 0.85, ctx, false);
    return;
  }
  if (run === 9) {
    if (glued(text, pos, pos + 9)) return;
    if (!isSsnValid(text.slice(pos, pos + 9))) return;
    if (ctx.context(pos, pos + 9, CONTEXT) === 1) emit(pos, pos + 9, 0.8, ctx, false);
    return;
  }
  if (run === 4) {
    // Masked: ***-**-6789 / XXX-XX-6789 (the trigger is the clear serial).
    const sep = text.charCodeAt(pos - 1);
    if (sep !== 45 && sep !== 32) return;
    const start = pos - 7;
    if (start < 0 || text.charCodeAt(pos - 4) !== sep) return;
    for (const k of [start, start + 1, start + 2, pos - 3, pos - 2]) if (!isMaskCode(text.charCodeAt(k))) return;
    if (isWordCode(text.charCodeAt(start - 1)) || isWordCode(text.charCodeAt(pos + 4))) return;
    if (text.slice(pos, pos + 4) === '0000') return;
    const c = ctx.context(start, pos + 4, CONTEXT);
    if (c === 1 || sep === 45) emit(start, pos + 4, c === 1 ? 0.9 : 0.6, ctx, true);
  }
}

/**
 * US Social Security Numbers: dashed form alone, spaced or bare nine digits with context, masked forms.
 *
 * @example
 * createAnalyzer({ recognizers: [usSsnRecognizer] }).detect('SSN: 536-22-5169') // [{ start: 5, end: 16, … }]
 */
export const usSsnRecognizer = defineRecognizer({
  id: ID,
  entities: ['US_SSN'],
  country: 'US',
  triggers: Trigger.DIGIT | Trigger.KEYWORD,
  // `AAA-GG-SSSS` (area 0xx-8xx), nine bare digits, or the clear serial of a masked number.
  digitGate: (first: number, length: number, prev?: string, next?: string) =>
    (length === 3 &&
      first <= 8 &&
      prev !== 'letter' &&
      prev !== 'x' &&
      (next === undefined || next === 'hyphen' || next === 'space')) ||
    (length === 9 && first <= 8 && prev !== 'letter' && prev !== 'x' && next !== 'letter' && next !== 'x') ||
    (length === 4 && (prev === undefined || prev === 'hyphen' || prev === 'space')),
  keywords: HEADERS,
  match,
  examples: {
    match: ['SSN: 536-22-5169', 'social security number 536225169', 'ssn 536 22 5169', 'SSN ***-**-5169'],
    noMatch: ['666-12-3456', '900-12-3456', 'order 536225169', '078-05-1120', 'tel 1-536-22-5169'],
  },
});
