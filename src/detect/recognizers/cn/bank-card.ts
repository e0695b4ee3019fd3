/**
 * CN_BANK_CARD — bank card numbers issued in China; reference §3.
 *
 * Spec: 16–19 digits. UnionPay IINs `62…` and `8100–8171…`; cards of major Chinese issuers outside those ranges
 * (Visa/Mastercard/JCB co-branded cards, old domestic BINs such as `9558…`, `601382…`) via the BIN table in
 * `bank-bins.ts`, whose card length must match. Layouts: `6222021234567890123`, `6222 0212 3456 7890 123`,
 * `6222-0212-3456-7890`, `622202 1234567890123`. Masked `6222 **** **** 1234`, `622202******1234`,
 * `6217 **** **** **** 122` are reported with `masked: true`.
 *
 * Validator: Luhn (`luhn.ts`). A Luhn pass is strong evidence; UnionPay does not require Luhn (payment libraries
 * skip it), so a Luhn failure on a 62/81 number is reported only next to a card label (卡号, 银行卡, card …), at a
 * lower score. Attrs: `network` (`unionpay`), `bank` and `kind` (debit/credit) from the BIN table.
 *
 * False-positive traps: 16–19-digit order and transaction numbers (≈ 1 in 1,000 random numbers start 62/81 and
 * pass Luhn: negative context lowers them below threshold); 18-digit Gansu resident IDs (`62…`) that pass Luhn
 * (the resident-ID checks are stronger evidence, so the card scores below the ID unless labelled as a card);
 * longer digit runs and pieces of longer grouped numbers are never candidates.
 */
import { digitsOf } from '../../chars.js';
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { birthAgeAt } from '../../validators/cn-date.js';
import { regionCodeStatusAt } from '../../validators/cn-regions.js';
import { isLuhnValid } from '../../validators/luhn.js';
import { isMod112CheckCode, mod112CheckValueAt } from '../../validators/mod11-2.js';
import { findBin } from './bank-bins.js';
import { clampScore, isAN, isD, isSep } from './shared.js';

const CONTEXT = defineContext({
  positive: [
    '银行卡',
    '银行卡号',
    '卡号',
    '银行账号',
    '账号',
    '借记卡',
    '储蓄卡',
    '信用卡',
    '开户行',
    '收款账户',
    '收款账号',
    '付款卡',
    '绑定卡',
    '尾号',
    '银联',
    'card',
    'card no',
    'card number',
    'bank card',
    'debit',
    'credit card',
    'account',
    'unionpay',
    'pan',
  ],
  negative: [...COMMON_NEGATIVE, '快递', '运单', '物流', '手机', 'IMEI', '身份证', 'uid', 'user id'],
});

const ID = 'cn.bank-card';

/** Whether the digits at `pos` start a UnionPay IIN: `62…`, or `81` with the next two digits 00–71. */
function isUnionPayAt(text: string, pos: number): boolean {
  const a = text.charCodeAt(pos);
  const b = text.charCodeAt(pos + 1);
  if (a === 54) return b === 50;
  if (a !== 56 || b !== 49) return false;
  const c = text.charCodeAt(pos + 2) - 48;
  const d = text.charCodeAt(pos + 3) - 48;
  return c >= 0 && c <= 7 && d >= 0 && d <= 9 && c * 10 + d <= 71;
}

/** Whether 18 digits are also a checksum-valid resident ID (the ID wins unless the text says "card"). */
function isResidentIdShaped(digits: string): boolean {
  return (
    regionCodeStatusAt(digits, 0) !== 'invalid' &&
    birthAgeAt(digits, 6) >= 0 &&
    isMod112CheckCode(mod112CheckValueAt(digits, 0, 17), digits.charCodeAt(17))
  );
}

/** End of a grouped layout from `pos` (groups of digits joined by one repeated separator), or -1. */
function groupedEnd(text: string, pos: number, firstEnd: number): number {
  const s = text.charCodeAt(firstEnd);
  let i = firstEnd;
  let total = firstEnd - pos;
  let groups = 1;
  while (text.charCodeAt(i) === s && isD(text.charCodeAt(i + 1)) && groups < 6) {
    let j = i + 1;
    while (j < i + 15 && isD(text.charCodeAt(j))) j++;
    const len = j - i - 1;
    if (len > 13) return -1;
    total += len;
    groups++;
    i = j;
    if (total > 19) return -1;
  }
  if (groups < 2 || total < 16 || isD(text.charCodeAt(i))) return -1;
  return i;
}

function emitClear(text: string, pos: number, end: number, ctx: MatchContext): void {
  const digits = digitsOf(text, pos, end);
  if (digits === null) return;
  const n = digits.length;
  if (n < 16 || n > 19) return;
  const unionPay = isUnionPayAt(text, pos);
  const bin = findBin(digits);
  if (!unionPay && bin === undefined) return;
  const luhn = isLuhnValid(digits);
  const c = ctx.context(pos, end, CONTEXT);
  let score: number;
  if (!luhn) {
    // UnionPay numbers need not pass Luhn, but then only a card label makes them cards.
    if (!unionPay || c !== 1) return;
    score = 0.6;
  } else if (unionPay) {
    score = c === 1 ? 0.99 : c === -1 ? 0.45 : 0.9;
  } else {
    const first = digits.charCodeAt(0);
    const brand = first === 51 || first === 52 || first === 53; // 3x JCB/AmEx, 4x Visa, 5x Mastercard
    if (brand) score = c === 1 ? 0.99 : c === -1 ? 0.45 : 0.88;
    else if ((bin as { bin: string }).bin.length >= 4 && first !== 49) score = c === 1 ? 0.95 : c === -1 ? 0.45 : 0.75;
    else if (c === 1) score = 0.85;
    else return;
  }
  if (n === 18 && c !== 1 && isResidentIdShaped(digits)) score = Math.min(score, 0.6);
  ctx.emit({
    type: 'CN_BANK_CARD',
    start: pos,
    end,
    score: clampScore(score),
    recognizer: ID,
    subject: 'person',
    attrs: {
      ...(unionPay ? { network: 'unionpay' } : {}),
      ...(bin !== undefined ? { bank: bin.bank, kind: bin.kind } : {}),
      luhn,
    },
  });
}

/** Masked layouts: a 4/6-digit UnionPay head, then `*` and digits (optionally grouped), 16–19 characters. */
function emitMasked(text: string, pos: number, headEnd: number, ctx: MatchContext): void {
  if (!isUnionPayAt(text, pos)) return;
  let i = headEnd;
  let sep = 0;
  if (isSep(text.charCodeAt(i))) sep = text.charCodeAt(i);
  let chars = headEnd - pos;
  let stars = 0;
  let lastDigits = 0;
  for (; chars <= 19; i++) {
    const c = text.charCodeAt(i);
    if (c === 42) {
      stars++;
      chars++;
      lastDigits = 0;
    } else if (isD(c)) {
      chars++;
      lastDigits++;
    } else if (sep !== 0 && c === sep && (isD(text.charCodeAt(i + 1)) || text.charCodeAt(i + 1) === 42)) {
      // another group
    } else break;
  }
  if (chars < 16 || chars > 19 || stars < 4 || lastDigits === 0 || lastDigits > 4 || isAN(text.charCodeAt(i))) return;
  const c = ctx.context(pos, i, CONTEXT);
  ctx.emit({
    type: 'CN_BANK_CARD',
    start: pos,
    end: i,
    score: c === 1 ? 0.9 : c === -1 ? 0.4 : 0.8,
    recognizer: ID,
    masked: true,
    subject: 'person',
    attrs: { network: 'unionpay' },
  });
}

/** Recognizer for bank cards issued in China; see the file header. */
export const bankCardRecognizer = defineRecognizer({
  id: ID,
  entities: ['CN_BANK_CARD'],
  country: 'CN',
  triggers: Trigger.DIGIT,
  // Whole cards are 16-19 digits; grouped or masked ones start with 4 or 6 digits and a separator or mask;
  // issuers' first digits exclude 0, 2 and 7.
  digitGate: (d, len, _prev, next) =>
    d !== 0 &&
    d !== 2 &&
    d !== 7 &&
    ((len >= 16 && len <= 19) ||
      ((len === 4 || len === 6) && (next === 'space' || next === 'hyphen' || next === 'mask'))),
  match(text: string, pos: number, ctx: MatchContext): void {
    const run = ctx.runEnd - pos;
    // O(1) gate: a whole-card run (16-19) or a 4/6-digit first group followed by a separator or `*`; issuers'
    // first digits are 1, 3-6, 8, 9.
    const c0 = text.charCodeAt(pos);
    if (c0 === 48 || c0 === 50 || c0 === 55) return;
    if (run >= 16 && run <= 19) {
      // (A whole card in one run stands on its own: lists such as `6222… 6217…` are fine.)
      if (isAN(text.charCodeAt(pos - 1)) || isAN(text.charCodeAt(ctx.runEnd))) return;
      emitClear(text, pos, ctx.runEnd, ctx);
      return;
    }
    if (run !== 4 && run !== 6) return;
    const next = text.charCodeAt(ctx.runEnd);
    if (next !== 42 && !isSep(next)) return;
    if (isAN(text.charCodeAt(pos - 1))) return;
    if (isSep(text.charCodeAt(pos - 1)) && isD(text.charCodeAt(pos - 2))) return;
    if (next === 42 || text.charCodeAt(ctx.runEnd + 1) === 42) {
      emitMasked(text, pos, ctx.runEnd, ctx);
      return;
    }
    const end = groupedEnd(text, pos, ctx.runEnd);
    if (end < 0 || isAN(text.charCodeAt(end))) return;
    emitClear(text, pos, end, ctx);
  },
  examples: {
    match: [
      '卡号：6217001234567890122',
      '6222 0212 3456 7894',
      '银行卡 621483123456789014',
      '8100001234567899',
      '尾号 6222 **** **** 7894',
      '信用卡 622202******7894',
    ],
    noMatch: [
      '6217001234567890123',
      '6222021234567895',
      '订单号 62170012345678901229',
      '1234567812345678',
      '6222 0212 3456 789',
    ],
  },
});
