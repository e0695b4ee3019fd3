/**
 * CN_FOREIGN_PR_ID — Foreign Permanent Resident ID Card number (外国人永久居留身份证); reference §5.6.
 *
 * 2023 form (issued from 1 Dec 2023): 18 characters, `9` + 2-digit province of acceptance + 3-digit ISO 3166-1
 * numeric nationality + `YYYYMMDD` + 3-digit sequence + MOD 11-2 check (as GB 11643). The leading 9 can never
 * start a citizen number (province codes are 11–82). Told apart from all-digit USCCs (`91…`) by the birth date
 * and the MOD 11-2 check; the USCC recognizer defers to this one.
 * 2004/2017 form: 3 upper-case letters (ISO alpha-3 nationality) + 12 digits (4-digit issuing region + `YYMMDD` +
 * 2 digits; the check rule is not public), so it needs a label (永久居留, permanent resident …).
 *
 * Validators: `mod11-2.ts`, `cn-date.ts`, `cn-regions.ts` (province part). Attrs: `form`, `ageBand`, `sex` (2023).
 * False-positive traps: 18-digit order numbers starting with 9 (date + check leave ≈ 4 in 10⁶); SKU-like
 * `ABC123456789012` codes for the old form (label required).
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { ageBand, ageOn, isPlausibleBirthDate, todayKey } from '../../validators/cn-date.js';
import { provinceCodeAt } from '../../validators/cn-regions.js';
import { clampScore, holderAttrs, isAN, isD, isUp, parseGb11643At } from './shared.js';

const LABELS = [
  '永久居留',
  '永久居留证',
  '永久居留身份证',
  '外国人永久居留身份证',
  '永居证',
  '绿卡',
  '居留证',
  '证件号',
  '证件号码',
  'permanent resident',
  'permanent residence',
  'PR card',
  'green card',
];

const CONTEXT = defineContext({ positive: [...LABELS, '身份证', 'ID'], negative: COMMON_NEGATIVE });
const OLD_CONTEXT = defineContext({ positive: LABELS, negative: COMMON_NEGATIVE, before: 32, after: 8 });

const ID = 'cn.foreign-pr-id';

/** The 2023 form at `[pos, pos + 18)`. */
function form2023(text: string, pos: number, ctx: MatchContext): void {
  const province = provinceCodeAt(text, pos + 1);
  if (province < 11 || province > 65) return;
  // ISO 3166-1 numeric codes run 004-894; 156 is China itself.
  const nat =
    (text.charCodeAt(pos + 3) - 48) * 100 + (text.charCodeAt(pos + 4) - 48) * 10 + text.charCodeAt(pos + 5) - 48;
  if (nat < 4 || nat > 894 || nat === 156) return;
  const facts = parseGb11643At(text, pos);
  if (facts === null) return;
  const c = ctx.context(pos, pos + 18, CONTEXT);
  ctx.emit({
    type: 'CN_FOREIGN_PR_ID',
    start: pos,
    end: pos + 18,
    score: clampScore(c === 1 ? 0.97 : c === -1 ? 0.58 : 0.88),
    recognizer: ID,
    subject: 'person',
    ...(facts.age < 14 ? { sensitive: true } : {}),
    attrs: { form: 2023, ...holderAttrs(facts) },
  });
}

/** Two ASCII digits at `i` as a number (callers checked they are digits). */
function two(text: string, i: number): number {
  return (text.charCodeAt(i) - 48) * 10 + text.charCodeAt(i + 1) - 48;
}

/** The old form `AAA` + 12 digits at `[pos, pos + 15)`, reported only next to a label. */
function form2017(text: string, pos: number, ctx: MatchContext): void {
  for (let i = pos + 3; i < pos + 15; i++) if (!isD(text.charCodeAt(i))) return;
  // The 4-digit issuing region starts with a province code; the `YYMMDD` birth date follows it.
  if (provinceCodeAt(text, pos + 3) < 0) return;
  const yy = two(text, pos + 7);
  const m = two(text, pos + 9);
  const d = two(text, pos + 11);
  // The century is not written: prefer 20YY when that is not in the future, as the younger reading.
  let y = 2000 + yy;
  if (!isPlausibleBirthDate(y, m, d)) {
    y = 1900 + yy;
    if (!isPlausibleBirthDate(y, m, d)) return;
  }
  if (ctx.context(pos, pos + 15, OLD_CONTEXT) !== 1) return;
  ctx.emit({
    type: 'CN_FOREIGN_PR_ID',
    start: pos,
    end: pos + 15,
    score: 0.85,
    recognizer: ID,
    subject: 'person',
    attrs: { form: 2017, ageBand: ageBand(ageOn(y, m, d, todayKey())) },
  });
}

/** Recognizer for foreign permanent-resident ID numbers; see the file header. */
export const foreignPrIdRecognizer = defineRecognizer({
  id: ID,
  entities: ['CN_FOREIGN_PR_ID'],
  country: 'CN',
  triggers: Trigger.DIGIT | Trigger.ALNUM,
  alnumGate: (first, len) => first >= 'A' && first <= 'Z' && len >= 15,
  // Digit-led only in the 2023 form: `9` + 17 digits (or 16 + X).
  digitGate: (d, len) => d === 9 && (len === 18 || len === 17),
  match(text: string, pos: number, ctx: MatchContext): void {
    const c0 = text.charCodeAt(pos);
    if (c0 === 57) {
      // 2023 form: a 9-led run of 18 digits, or 17 + X.
      const run = ctx.runEnd - pos;
      if (run !== 18 && run !== 17) return;
      if (run === 17) {
        const x = text.charCodeAt(pos + 17);
        if (x !== 88 && x !== 120) return;
      }
      if (isAN(text.charCodeAt(pos - 1)) || isAN(text.charCodeAt(pos + 18))) return;
      form2023(text, pos, ctx);
      return;
    }
    // 2017 form: an ALNUM word of exactly 15 characters, 3 upper-case letters first.
    // (`runEnd` also counts underscores, which end the value: `USA110090010112_x`.)
    if (!isUp(c0) || ctx.runEnd - pos < 15 || isAN(text.charCodeAt(pos - 1)) || isAN(text.charCodeAt(pos + 15))) return;
    if (!isUp(text.charCodeAt(pos + 1)) || !isUp(text.charCodeAt(pos + 2))) return;
    form2017(text, pos, ctx);
  },
  examples: {
    match: ['911840199001010018', '永久居留身份证号码：911440201803030027', '外国人永久居留身份证 USA110090010112'],
    noMatch: ['911840199001010017', '911101085923662400', 'SKU USA110090010112', '911156199001010010'],
  },
});
