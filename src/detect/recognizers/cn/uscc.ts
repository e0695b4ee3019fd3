/**
 * CN_USCC — Unified Social Credit Code (统一社会信用代码), GB 32100-2015; reference §4.
 *
 * Spec: 18 characters of `0-9 A-H J-N P-R T U W-Y`: registration authority + entity category (a pair GB 32100
 * defines), a six-digit administrative division, the 9-character GB 11714 organisation code (own check) and the
 * mod-31 check character. Validator: `gb32100.ts`.
 * Scores: both checks pass → 0.9 (0.99 labelled). Mod-31 passes but the embedded organisation code fails → only
 * when labelled. Pilot-era codes that fail mod-31 (Fujian/Xiamen, reference §4.4) → only with a strong label
 * (统一社会信用代码, 信用代码, 税号, USCC) and a valid pilot-registry organisation code (`M` + digit), at 0.6. All-digit codes are common in
 * numeric columns by chance (≈ 2 in 10⁴ random 18-digit numbers pass), so without a label they score 0.55.
 * `92…` (个体工商户, individual business) names a natural person: `subject: 'person'`; the rest are
 * `subject: 'organisation'`. Attrs: `kind` (enterprise, individual-business, …) and `province`.
 *
 * Told apart from resident IDs and 2023 foreign permanent-resident IDs: an all-digit code that passes those
 * checks (address/province, birth date, MOD 11-2) is left to those recognizers.
 * False-positive traps: hashes and random tokens (upper-case only, exact 18-character words, a defined
 * authority/category pair, a province in positions 3–4, two checks), order numbers (negative context).
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { birthAgeAt } from '../../validators/cn-date.js';
import { provinceCodeAt, regionCodeStatusAt } from '../../validators/cn-regions.js';
import { checkUsccAt, usccKind } from '../../validators/gb32100.js';
import { isMod112CheckCode, mod112CheckValueAt } from '../../validators/mod11-2.js';
import { clampScore, isAN, isD, wordEnd } from './shared.js';

const STRONG = [
  '统一社会信用代码',
  '社会信用代码',
  '信用代码',
  '税号',
  '纳税人识别号',
  '纳税识别号',
  'USCC',
  'credit code',
];

const CONTEXT = defineContext({
  positive: [
    ...STRONG,
    '营业执照',
    '执照号',
    '注册号',
    '企业代码',
    '单位代码',
    '机构代码',
    'tax id',
    'business license',
  ],
  negative: [...COMMON_NEGATIVE, '身份证', '手机', '卡号'],
});

const STRONG_CONTEXT = defineContext({ positive: STRONG, negative: COMMON_NEGATIVE, before: 24, after: 8 });

const ID = 'cn.uscc';

/** An all-digit (last may be X) 18-character value that is a resident ID or a 2023 foreign PR ID. */
function isPersonalNumber(text: string, pos: number): boolean {
  if (!isMod112CheckCode(mod112CheckValueAt(text, pos, pos + 17), text.charCodeAt(pos + 17))) return false;
  if (birthAgeAt(text, pos + 6) < 0) return false;
  if (text.charCodeAt(pos) === 57) return provinceCodeAt(text, pos + 1) >= 0;
  return regionCodeStatusAt(text, pos) !== 'invalid';
}

/**
 * Pilot-era codes carry organisation codes issued by the pilot registries, `M` + digit (`M0000XUF4`); the national
 * scheme since 2015 uses `MA…`, and older codes reuse all-digit organisation codes. Only the former may fail mod-31.
 */
function isPilotOrgCode(text: string, at: number): boolean {
  return text.charCodeAt(at) === 77 && isD(text.charCodeAt(at + 1));
}

/** Recognizer for Unified Social Credit Codes; see the file header. */
export const usccRecognizer = defineRecognizer({
  id: ID,
  entities: ['CN_USCC'],
  country: 'CN',
  triggers: Trigger.DIGIT | Trigger.ALNUM,
  alnumGate: (first, len) => (first === 'A' || first === 'N' || first === 'Y') && len >= 18,
  // Digit-led codes hold at least 8 leading digits and never start with 0.
  digitGate: (d, len) => d !== 0 && len >= 8 && len <= 18,
  match(text: string, pos: number, ctx: MatchContext): void {
    // O(1) gates: a digit-led code has at least its first 8 characters as digits; a letter-led one starts A/N/Y.
    const c0 = text.charCodeAt(pos);
    if (isD(c0)) {
      const run = ctx.runEnd - pos;
      if (run < 8 || run > 18 || c0 === 48) return;
    } else if (!(c0 === 65 || c0 === 78 || c0 === 89) || ctx.runEnd - pos < 18) return;
    if (isAN(text.charCodeAt(pos - 1)) || wordEnd(text, pos, 18) !== pos + 18) return;
    const r = checkUsccAt(text, pos);
    if (r === null) return;
    let allDigits = true;
    for (let i = pos; i < pos + 17 && allDigits; i++) allDigits = isD(text.charCodeAt(i));
    if (allDigits && isPersonalNumber(text, pos)) return;
    const c = ctx.context(pos, pos + 18, CONTEXT);
    let score: number;
    if (r.check && r.orgCode) {
      if (allDigits) score = c === 1 ? 0.99 : c === -1 ? 0.3 : 0.55;
      else score = c === 1 ? 0.99 : c === -1 ? 0.6 : 0.9;
    } else if (r.check) {
      if (c !== 1) return;
      score = 0.85;
    } else if (r.orgCode && isPilotOrgCode(text, pos + 8) && ctx.context(pos, pos + 18, STRONG_CONTEXT) === 1) {
      score = 0.6;
    } else return;
    const kind = usccKind(text.slice(pos, pos + 2)) ?? 'other';
    ctx.emit({
      type: 'CN_USCC',
      start: pos,
      end: pos + 18,
      score: clampScore(score),
      recognizer: ID,
      subject: kind === 'individual-business' ? 'person' : 'organisation',
      attrs: { kind, province: text.slice(pos + 2, pos + 4), ...(r.check ? {} : { check: false }) },
    });
  },
  examples: {
    match: [
      '统一社会信用代码：91110000600037341L',
      '91230184MA1BUFLT44',
      '个体户 92371000MA3MXH0E3W',
      '统一社会信用代码 91350211M0000XUF46',
      '信用代码911101085923662400',
    ],
    noMatch: [
      '91110000600037341M',
      '91110000600037341I',
      '91350211M0000XUF46',
      'a91230184MA1BUFLT44',
      '94110000600037341L',
    ],
  },
});
