/**
 * CN_BANK_CARD — bank card numbers issued in China; reference §3.
 *
 * Spec: 16–19 digits. UnionPay IINs `62…` and `8100–8171…`; cards of major Chinese issuers outside those ranges
 * (Visa/Mastercard/JCB co-branded cards, old domestic BINs such as `9558…`, `601382…`) via the BIN table in
 * `bank-bins.ts`, whose card length must match. Layouts: `6222021234567890123`, `6222 0212 3456 7890 123`,
 * `6222-0212-3456-7890`, `622202 1234567890123`. Masked `6222 **** **** 1234`, `622202******1234`,
 * `6217 **** **** **** 122` are reported with `masked: true`.
 *
 * Validator: Luhn (`luhn.ts`). A Luhn pass on a 16–19-digit UnionPay number (or a co-branded Visa/Mastercard/JCB
 * number of a Chinese BIN) is strong evidence: 0.9 alone, 0.99 labelled, and only a negative label of the value
 * itself — in the same clause (`订单号：6217…`) — pushes it under the threshold (0.45); an order word in an earlier
 * clause (`订单DD2025…，退回原卡6217…`) or a CSV header two cells away lowers it to 0.8. Old domestic BINs of the
 * table (`9558…`) score 0.75 alone, 0.65 with such a distant negative word.
 *
 * Luhn failures. UnionPay does not require Luhn (payment libraries skip it), so a Luhn failure on a 62/81 number
 * only lowers confidence: next to a card label (卡号, 银行卡, 收款账户, card …) it scores `LUHN_FAIL_SCORE`
 * (0.45), below the default threshold 0.5. It is therefore never reported by default — the project's target is
 * zero findings on invalid-checksum look-alikes — but appears when a user lowers the threshold
 * (`createAnalyzer({ defaultThreshold: 0.4 })`) to review possible cards. Without a card label, or under an
 * identity-document label (`id_card=`, `身份证`: an 18-digit Gansu resident ID starts `62`), it is not a card at
 * all. Attrs: `network` (`unionpay`), `bank` and `kind` (debit/credit) from the BIN table, `luhn`.
 *
 * False-positive traps: 16–19-digit order and transaction numbers (≈ 1 in 1,000 random numbers start 62/81 and
 * pass Luhn: a negative label of the value lowers them below threshold); 18-digit Gansu resident IDs (`62…`) that
 * pass Luhn (the resident-ID checks are stronger evidence, so the card scores below the ID unless a card label
 * precedes it; an `id_card` label is an ID label although it contains `card`); longer digit runs and pieces of longer
 * grouped numbers are never candidates.
 */
import { digitsOf } from '../../chars.js';
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { birthAgeAt } from '../../validators/cn-date.js';
import { regionCodeStatusAt } from '../../validators/cn-regions.js';
import { isLuhnValid } from '../../validators/luhn.js';
import { isMod112CheckCode, mod112CheckValueAt } from '../../validators/mod11-2.js';
import { findBin } from './bank-bins.js';
import { clampScore, clauseContext, defineClauseContext, FAR_NEGATIVE, isAN, isD, isSep } from './shared.js';

const CONTEXT = defineClauseContext(
  defineContext({
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
      '原卡',
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
  }),
);

/**
 * Identity-document labels against card labels, before the number only (a label after a number usually names the
 * next value: `号码6230…）及银行卡一张`): `1` when the nearest label names an ID document, `-1` a card. A tie goes
 * to the ID, so `id_card` (which also contains `card`) reads as an ID label.
 */
const ID_LABEL = defineContext({
  positive: ['身份证', '公民身份号码', '证件号', '证件号码', 'id card', 'id no', 'id number', 'identity', 'citizen id'],
  negative: ['银行卡', '卡号', '借记卡', '储蓄卡', '信用卡', '收款账户', '收款账号', '原卡', 'card', 'unionpay'],
  after: 0,
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

/** Score of a Luhn-failing UnionPay number next to a card label: below the default threshold 0.5 (file header). */
const LUHN_FAIL_SCORE = 0.45;

/**
 * Card context, with a card label that is really an identity-document label (`id_card=…`, `身份证卡号`) read as
 * negative: a number under an ID label is not a card.
 */
function cardContext(text: string, start: number, end: number, ctx: MatchContext): -1 | 0 | 1 | typeof FAR_NEGATIVE {
  const c = clauseContext(text, start, end, ctx, CONTEXT);
  if (c === 1 && ctx.context(start, end, ID_LABEL) === 1) return -1;
  return c;
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
  const c = cardContext(text, pos, end, ctx);
  let score: number;
  if (!luhn) {
    // UnionPay numbers need not pass Luhn: next to a card label they are possible cards, scored below the
    // default threshold (reported only when the user lowers it); anywhere else they are not cards.
    if (!unionPay || c !== 1) return;
    score = LUHN_FAIL_SCORE;
  } else {
    const first = digits.charCodeAt(0);
    // 3x JCB/AmEx, 4x Visa, 5x Mastercard co-branded cards of a Chinese BIN: as strong as UnionPay + Luhn.
    const brand = first === 51 || first === 52 || first === 53;
    if (unionPay || brand) {
      // Strong evidence: only a negative label of the value itself (same clause) pushes it under the threshold.
      const none = unionPay ? 0.9 : 0.88;
      score = c === 1 ? 0.99 : c === -1 ? 0.45 : c === FAR_NEGATIVE ? none - 0.1 : none;
    } else if ((bin as { bin: string }).bin.length >= 4 && first !== 49) {
      // Old domestic BINs (`9558…`, `601382…`): a 4-6-digit BIN with its card length, Luhn-valid.
      score = c === 1 ? 0.95 : c === -1 ? 0.45 : c === FAR_NEGATIVE ? 0.65 : 0.75;
    } else if (c === 1) score = 0.85;
    else return;
  }
  // An 18-digit number that is also a valid resident ID is the ID unless a card label right before it says
  // otherwise (a card word after it, `号码6230…）及银行卡一张`, names another value).
  if (n === 18 && isResidentIdShaped(digits) && ctx.context(pos, end, ID_LABEL) !== -1) score = Math.min(score, 0.6);
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
  const c = cardContext(text, pos, i, ctx);
  ctx.emit({
    type: 'CN_BANK_CARD',
    start: pos,
    end: i,
    score: c === 1 ? 0.9 : c === -1 ? 0.4 : c === FAR_NEGATIVE ? 0.7 : 0.8,
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
