/**
 * CN_RESIDENT_ID — PRC citizen identity number (公民身份号码), GB 11643-1999; reference §1.
 *
 * Spec: 18 characters = 6-digit address code (province strict, county loose; see `cn-regions.ts`) + `YYYYMMDD`
 * birth date + 3-digit sequence (odd = male) + ISO 7064 MOD 11-2 check character (`X`/`x` = 10).
 * Also: the spaced form `110105 19491231 002X`; already-masked forms (`110105********002X`, `1101**********123X`,
 * `110***********002X`) reported with `masked: true`; the legacy 15-digit number (`YYMMDD`, no check) ONLY next
 * to an identity-card label. Numbers with the address codes 810000/820000 belong to `cn.residence-permit-hmt`.
 *
 * Validators: `mod11-2.ts`, `cn-date.ts` (real date, not in the future, age ≤ 130), `cn-regions.ts`.
 * Derived attrs: `province`, `ageBand`, `sex`; `usage: 'social-security'` next to 社保号/社会保障号码 (the social
 * security number IS the citizen number, Social Insurance Law Art. 58). A holder under 14 makes the finding
 * `sensitive` (PIPL Art. 28).
 *
 * False-positive traps (reference §1.6): 18–19-digit order/snowflake ids pass all checks about 14 times per
 * million, hence negative context lowers the score; runs longer than 18 digits and digit runs glued to letters
 * (hex hashes) are never candidates; 15-digit IMEIs (Luhn-valid) and business registration numbers collide with
 * legacy numbers, hence the label requirement.
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { ageBand, legacyBirthAgeAt } from '../../validators/cn-date.js';
import { provinceCodeAt, regionCodeStatusAt } from '../../validators/cn-regions.js';
import { isLuhnValid } from '../../validators/luhn.js';
import { clampScore, compactSpacedId, holderAttrs, isAN, isD, parseGb11643At, spacedIdEnd } from './shared.js';

/** Labels of identity numbers (reference §1.5 list, plus Traditional forms and common field names). */
export const ID_LABELS: readonly string[] = [
  '身份证',
  '身份证号',
  '身份证号码',
  '公民身份号码',
  '居民身份证',
  '身份号码',
  '证件号',
  '证件号码',
  '证件类型',
  '身份证件',
  '身份證',
  '身分證',
  '社保号',
  '社会保障号码',
  '社会保障号',
  '社保卡号',
  '医保号',
  '医保卡号',
  'ID',
  'IDNo',
  'ID no',
  'id_card',
  'idcard',
  'id card',
  'id number',
  'identity',
  'sfz',
  'sfzh',
  'social security',
];

const ID_CONTEXT = defineContext({
  positive: ID_LABELS,
  negative: [...COMMON_NEGATIVE, '快递', '物流', '设备号', 'IMEI', 'uid', 'user id', 'userid', 'trace', 'request id'],
});

/** Labels that say the number is used as a social security number. */
const SOCIAL_CONTEXT = defineContext({
  positive: [
    '社保号',
    '社会保障号码',
    '社会保障号',
    '社保卡号',
    '社保账号',
    '社保编号',
    '医保号',
    '医保卡号',
    'social security',
  ],
  before: 24,
  after: 8,
});

/** Legacy numbers need an explicit identity-card label: the bare `ID` is too common for an unchecked number. */
const LEGACY_CONTEXT = defineContext({
  positive: ID_LABELS.filter((w) => w !== 'ID' && w !== 'IDNo' && w !== 'ID no' && w !== 'identity'),
  negative: [...COMMON_NEGATIVE, 'IMEI', 'MEID', '设备号', '注册号', '工商注册号', '营业执照'],
  before: 24,
  after: 8,
});

const ID = 'cn.resident-id';

function usage(ctx: MatchContext, start: number, end: number): 'social-security' | undefined {
  return ctx.context(start, end, SOCIAL_CONTEXT) === 1 ? 'social-security' : undefined;
}

/** Validate and emit an 18-character number whose significant characters are `src[at, at + 18)`. */
function full(src: string, at: number, ctx: MatchContext, start: number, end: number): void {
  const region = regionCodeStatusAt(src, at);
  if (region === 'invalid') return;
  const province = provinceCodeAt(src, at);
  // 810000 / 820000 are residence permits (cn.residence-permit-hmt), never citizen numbers.
  if ((province === 81 || province === 82) && src.startsWith('0000', at + 2)) return;
  const facts = parseGb11643At(src, at);
  if (facts === null) return;
  const c = ctx.context(start, end, ID_CONTEXT);
  const base = region === 'known' ? 0.9 : 0.86;
  const score = c === 1 ? base + 0.08 : c === -1 ? base - 0.3 : base;
  // Social-security labels are identity labels too: look for them only when a label is near.
  const u = c === 1 ? usage(ctx, start, end) : undefined;
  ctx.emit({
    type: 'CN_RESIDENT_ID',
    start,
    end,
    score: clampScore(score),
    recognizer: ID,
    subject: 'person',
    ...(facts.age < 14 ? { sensitive: true } : {}),
    attrs: { province: String(province), ...holderAttrs(facts), ...(u ? { usage: u } : {}) },
  });
}

/** A legacy 15-digit number at `[pos, pos + 15)`: valid address code and `YYMMDD`, and an identity-card label. */
function legacy(text: string, pos: number, ctx: MatchContext): void {
  const end = pos + 15;
  if (regionCodeStatusAt(text, pos) === 'invalid') return;
  const age = legacyBirthAgeAt(text, pos + 6);
  if (age < 0) return;
  if (ctx.context(pos, end, LEGACY_CONTEXT) !== 1) return;
  // A Luhn-valid 15-digit number may still be an IMEI written next to the ID; the label wins, less surely.
  const score = isLuhnValid(text.slice(pos, end)) ? 0.7 : 0.8;
  const u = usage(ctx, pos, end);
  ctx.emit({
    type: 'CN_RESIDENT_ID',
    start: pos,
    end,
    score,
    recognizer: ID,
    subject: 'person',
    ...(age < 14 ? { sensitive: true } : {}),
    attrs: {
      province: String(provinceCodeAt(text, pos)),
      ageBand: ageBand(age),
      sex: (text.charCodeAt(pos + 14) - 48) % 2 === 1 ? 'male' : 'female',
      legacy: true,
      ...(u ? { usage: u } : {}),
    },
  });
}

/**
 * A masked number starting with `lead` clear digits at `pos`: 18 characters of digits and `*` (the last may be
 * `X`), at least four `*`, every visible part consistent (province, full address code, full birth date).
 */
function masked(text: string, pos: number, lead: number, ctx: MatchContext): void {
  let stars = 0;
  let i = pos + lead;
  const end = pos + 18;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 42) stars++;
    else if (!(isD(c) || (i === end - 1 && (c === 88 || c === 120)))) return;
  }
  if (stars < 4 || isAN(text.charCodeAt(end)) || text.charCodeAt(end) === 42) return;
  if (lead >= 2 && provinceCodeAt(text, pos) < 0) return;
  if (lead >= 6 && regionCodeStatusAt(text, pos) === 'invalid') return;
  const c = ctx.context(pos, end, ID_CONTEXT);
  const score = c === 1 ? 0.9 : c === -1 ? 0.4 : 0.7;
  ctx.emit({
    type: 'CN_RESIDENT_ID',
    start: pos,
    end,
    score,
    recognizer: ID,
    masked: true,
    subject: 'person',
    ...(lead >= 2 ? { attrs: { province: String(provinceCodeAt(text, pos)) } } : {}),
  });
}

/** Recognizer for PRC citizen identity numbers; see the file header. */
export const residentIdRecognizer = defineRecognizer({
  id: ID,
  entities: ['CN_RESIDENT_ID'],
  country: 'CN',
  triggers: Trigger.DIGIT,
  // Province codes 11-82 start with 1-8; whole forms are 18/17(+X)/15 digits; shorter runs only as a masked
  // prefix (`110105****…`) or the first group of a spaced ID (`110105 19491231 002X`).
  digitGate: (d, len, _prev, next) =>
    d >= 1 &&
    d <= 8 &&
    (len === 18 ||
      len === 17 ||
      len === 15 ||
      (len <= 14 && (next === 'mask' || (len === 6 && (next === 'space' || next === 'hyphen'))))),
  match(text: string, pos: number, ctx: MatchContext): void {
    // O(1) gate: first digit 1-8 (province codes 11-82), a run length the forms allow, no letter glued before.
    const c0 = text.charCodeAt(pos);
    if (c0 < 49 || c0 > 56) return;
    const run = ctx.runEnd - pos;
    if (run !== 18 && run !== 17 && run !== 15 && run > 14) return;
    if (isAN(text.charCodeAt(pos - 1))) return;
    const after = text.charCodeAt(ctx.runEnd);
    if (run === 18) {
      if (!isAN(after)) full(text, pos, ctx, pos, pos + 18);
      return;
    }
    if (run === 17) {
      if ((after === 88 || after === 120) && !isAN(text.charCodeAt(pos + 18))) full(text, pos, ctx, pos, pos + 18);
      return;
    }
    if (run === 15) {
      if (!isAN(after)) legacy(text, pos, ctx);
      return;
    }
    if (after === 42) {
      masked(text, pos, run, ctx);
      return;
    }
    if (run === 6) {
      const end = spacedIdEnd(text, pos);
      if (end < 0 || isAN(text.charCodeAt(end))) return;
      // Rare path: one 18-character copy for the checks.
      full(compactSpacedId(text, pos), 0, ctx, pos, end);
    }
  },
  examples: {
    match: [
      '身份证号：110101199003071233',
      '公民身份号码 11010519491231002X，性别女',
      'id_card=31010420100615302x&name=',
      '社保号 440306201501010037',
      '身份证 110105 19491231 002X',
      '原身份证号码110105491231002（15位）',
      '证件号 110105********002X',
    ],
    noMatch: [
      '110105194912310021',
      '990105194912310021',
      '110105209901010012',
      '510107190002290045',
      '810000199001010019',
      'hash a110101199003071233b',
      '1101011990030712330',
      'IMEI 110105491231002',
    ],
  },
});
