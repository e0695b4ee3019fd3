/**
 * CREDIT_CARD — payment card numbers (PAN) of the international networks.
 *
 * Spec: ISO/IEC 7812-1 (IIN + account + Luhn check digit) with the networks' published IIN ranges and the
 * lengths cards are issued in: Visa 4 (13, 16, 19), Mastercard 51–55 and 2221–2720 (16), American Express 34/37
 * (15), Discover 6011, 644–649, 65 (16, 19), JCB 3528–3589 (16, 19), Diners Club 300–305, 3095, 36, 38–39 (14, 16,
 * 19), Maestro 5018/5020/5038/5893/6304/6759/6761–6763 and 56–58 (12–19), Mir 2200–2204 (16, 19). The unused
 * 17/18-digit lengths are left out on purpose: 18-digit Chinese resident IDs of Jilin (22), Jiangxi (36) and
 * Xinjiang (65) would otherwise pass as cards one time in ten. Validator: Luhn (`validators/luhn.ts`).
 *
 * Written forms: contiguous, or groups of four with one consistent separator (the last group 1–4 digits),
 * Amex 4-6-5 and Diners 4-6-4. Masked PANs (`4111 **** **** 1111`, `411111******1111`: first 4–6 and last 4
 * digits kept) are reported with `masked: true`.
 *
 * Not reported: UnionPay (62, 81) and BINs of Chinese issuers (`cn/bank-bins.ts`) — those are CN_BANK_CARD;
 * numbers that fail Luhn; digit runs that continue past the
 * candidate (`4111 1111 1111 1111 2222`); decimals.
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { isLuhnValid } from '../../validators/luhn.js';
import { findBin } from '../cn/bank-bins.js';

const ID = 'credit-card';

const CONTEXT = defineContext({
  positive: [
    'card',
    'credit card',
    'debit card',
    'card number',
    'card no',
    'cc',
    'ccn',
    'pan',
    'visa',
    'mastercard',
    'amex',
    'american express',
    'discover',
    'jcb',
    'diners',
    'maestro',
    'payment',
    'expiry',
    'exp',
    'cvv',
    'cvc',
    '信用卡',
    '银行卡',
    '卡号',
    '借记卡',
    '储蓄卡',
    '刷卡',
  ],
  // Identity-number labels: an old 15-digit resident ID can pass Luhn with an AmEx shape.
  negative: [...COMMON_NEGATIVE, 'id', 'imei', 'isbn', 'account id', 'user id', 'uid', '身份证', '证件号', '身份证号'],
  before: 32,
  after: 16,
});

/** Brand of a PAN by IIN and length, or `null` (including UnionPay, which is CN_BANK_CARD). */
export function cardBrand(digits: string): string | null {
  const n = digits.length;
  const d1 = digits.charCodeAt(0) - 48;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  if (d1 === 4) return n === 13 || n === 16 || n === 19 ? 'visa' : null;
  if (p2 >= 51 && p2 <= 55) return n === 16 ? 'mastercard' : null;
  if (p4 >= 2221 && p4 <= 2720) return n === 16 ? 'mastercard' : null;
  if (p4 >= 2200 && p4 <= 2204) return n === 16 || n === 19 ? 'mir' : null;
  if (p2 === 34 || p2 === 37) return n === 15 ? 'amex' : null;
  if (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65) return n === 16 || n === 19 ? 'discover' : null;
  if (p4 >= 3528 && p4 <= 3589) return n === 16 || n === 19 ? 'jcb' : null;
  if ((p3 >= 300 && p3 <= 305) || p4 === 3095 || p2 === 36 || p2 === 38 || p2 === 39) {
    return n === 14 || n === 16 || n === 19 ? 'diners' : null;
  }
  if (
    p4 === 5018 ||
    p4 === 5020 ||
    p4 === 5038 ||
    p4 === 5893 ||
    p4 === 6304 ||
    p4 === 6759 ||
    (p4 >= 6761 && p4 <= 6763) ||
    (p2 >= 56 && p2 <= 58)
  ) {
    return n >= 12 && n <= 19 ? 'maestro' : null;
  }
  return null;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isMaskCode(c: number): boolean {
  return c === 42 || c === 88 || c === 120 || c === 0xb7 || c === 0x2022;
}

function isAlnumCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

const MAX_GROUPS = 6;
/** Group lengths of the candidate being parsed (reused: no allocation per call). */
const groupLen = new Int8Array(MAX_GROUPS + 1);
const groupMasked = new Uint8Array(MAX_GROUPS + 1);

function validLayout(count: number, total: number): boolean {
  if (count === 1) return true;
  if (count === 3 && groupLen[0] === 4 && groupLen[1] === 6 && (groupLen[2] === 5 || groupLen[2] === 4)) return true;
  if (count < 3) return false;
  for (let g = 0; g < count - 1; g++) if (groupLen[g] !== 4) return false;
  const last = groupLen[count - 1] as number;
  return last >= 1 && last <= 4 && total >= 12;
}

function match(text: string, pos: number, ctx: MatchContext): void {
  // O(1) gates: a plausible first digit, a word boundary before, a run that can grow to 12-19 digits.
  const d0 = text.charCodeAt(pos);
  if (d0 < 50 || d0 > 54) return; // first digit 2-6
  const prev = text.charCodeAt(pos - 1);
  if (isWordCode(prev) || prev === 43 || prev === 36) return;
  // A decimal (`3.4111…`) is not a card; a comma is a CSV field start (a thousands group has three digits only).
  if (prev === 46 && isDigitCode(text.charCodeAt(pos - 2))) return;
  const run = ctx.runEnd - pos;
  if (
    run <= 6 &&
    (prev === 45 || prev === 32) &&
    isAlnumCode(text.charCodeAt(pos - 2)) &&
    isAlnumCode(text.charCodeAt(pos - 3)) &&
    isAlnumCode(text.charCodeAt(pos - 4)) &&
    isAlnumCode(text.charCodeAt(pos - 5)) &&
    !isWordCode(text.charCodeAt(pos - 6)) &&
    (isDigitCode(text.charCodeAt(pos - 2)) || isDigitCode(text.charCodeAt(pos - 3)))
  ) {
    // A later group of a code grouped in fours (`4111 1111 …`, an IBAN's `DE89 3704 …`) is not a start; a
    // number after some other group (`qty 2 4111…`) still is.
    return;
  }
  if (run > 19) return;
  const next = text.charCodeAt(ctx.runEnd);
  if (run < 12 && !isMaskCode(next)) {
    if (next !== 32 && next !== 45) return;
    const n1 = text.charCodeAt(ctx.runEnd + 1);
    if (!isDigitCode(n1) && !isMaskCode(n1)) return;
  }

  // Parse groups of digits or mask characters with one consistent separator.
  let i = pos;
  let count = 0;
  let total = 0;
  let sep = -1;
  let anyMask = false;
  for (;;) {
    const g = i;
    let masked = false;
    let digits = false;
    while (i < g + 19) {
      const c = text.charCodeAt(i);
      if (isDigitCode(c)) digits = true;
      else if (isMaskCode(c)) masked = true;
      else break;
      i++;
    }
    const len = i - g;
    if (len === 0 || count === MAX_GROUPS) return;
    groupLen[count] = len;
    groupMasked[count] = masked && !digits ? 1 : masked ? 2 : 0;
    if (masked) anyMask = true;
    count++;
    total += len;
    if (total > 19) return;
    const c = text.charCodeAt(i);
    if ((c === 32 || c === 45) && (sep === -1 || sep === c)) {
      const n1 = text.charCodeAt(i + 1);
      if (isDigitCode(n1) || isMaskCode(n1)) {
        if (total >= 19 || (count === 1 && len !== 4)) break;
        sep = c;
        i++;
        continue;
      }
    }
    break;
  }
  const end = i;
  const after = text.charCodeAt(end);
  if (isWordCode(after) || (after === 46 && isDigitCode(text.charCodeAt(end + 1)))) return;
  if (total < 12 || !validLayout(count, total)) return;

  if (anyMask) {
    matchMasked(text, pos, end, count, total, ctx);
    return;
  }
  let digits = '';
  for (let k = pos; k < end; k++) {
    const c = text.charCodeAt(k);
    if (isDigitCode(c)) digits += text[k];
  }
  const brand = cardBrand(digits);
  if (brand === null || !isLuhnValid(digits)) return;
  // Co-branded cards of Chinese issuers (Visa/Mastercard/JCB BINs of Chinese banks) are CN_BANK_CARD.
  if (findBin(digits) !== undefined) return;
  const c = ctx.context(pos, end, CONTEXT);
  const score = c === 1 ? 0.98 : c === -1 ? 0.45 : count > 1 ? 0.92 : 0.9;
  ctx.emit({ type: 'CREDIT_CARD', start: pos, end, score, recognizer: ID, attrs: { brand } });
}

/** Masked PAN: leading clear digits (4-6 with a known brand), masked middle, 4 clear digits at the end. */
function matchMasked(text: string, pos: number, end: number, count: number, total: number, ctx: MatchContext): void {
  let lead = 0;
  while (isDigitCode(text.charCodeAt(pos + lead))) lead++;
  let tail = 0;
  while (isDigitCode(text.charCodeAt(end - 1 - tail))) tail++;
  if (lead < 4 || lead > 6 || tail !== 4) return;
  // Every character between the clear ends must be a mask or a separator.
  for (let k = pos + lead; k < end - tail; k++) {
    const c = text.charCodeAt(k);
    if (!isMaskCode(c) && c !== 32 && c !== 45) return;
  }
  if (count > 1 && groupMasked[0] !== 0) return;
  // Brand from the clear prefix, checked against the full length (pad with zeros).
  const brand = cardBrand(text.slice(pos, pos + lead) + '0'.repeat(total - lead));
  if (brand === null) return;
  const c = ctx.context(pos, end, CONTEXT);
  const score = c === 1 ? 0.95 : c === -1 ? 0.45 : 0.85;
  ctx.emit({ type: 'CREDIT_CARD', start: pos, end, score, recognizer: ID, masked: true, attrs: { brand } });
}

/**
 * International payment card numbers (Luhn-valid, known network and length); `attrs.brand` names the network.
 *
 * @example
 * createAnalyzer({ recognizers: [creditCardRecognizer] }).detect('Visa 4111 1111 1111 1111') // [{ start: 5, end: 24, … }]
 */
export const creditCardRecognizer = defineRecognizer({
  id: ID,
  entities: ['CREDIT_CARD'],
  triggers: Trigger.DIGIT,
  // First digit 2-6; at most 19 digits; a short run only when a separator or mask follows; never inside a word.
  digitGate: (first: number, length: number, prev?: string, next?: string) =>
    first >= 2 &&
    first <= 6 &&
    length <= 19 &&
    prev !== 'letter' &&
    prev !== 'x' &&
    prev !== 'plus' &&
    next !== 'letter' &&
    // Short runs: the first group of four of a grouped number, or the clear 4-6 digits before a mask.
    (length >= 12 ||
      (length === 4 && (next === 'space' || next === 'hyphen')) ||
      (length >= 4 && length <= 6 && (next === 'mask' || next === 'x'))),
  match,
  examples: {
    match: [
      'card: 4111 1111 1111 1111',
      'Amex 3782-822463-10005',
      '信用卡5555555555554444',
      'paid with 4111 **** **** 1111',
    ],
    noMatch: ['4111 1111 1111 1112', '6222 0212 3456 7894', '4111 1111 1111 1111 2222', 'pi 3.4111111111111111'],
  },
});
