/**
 * TW_NATIONAL_ID — Taiwan national identification number (國民身分證統一編號); reference §5.8.
 *
 * Spec: registration-area letter + sex digit (`1`/`2`; `8`/`9` on the 2021 resident-certificate numbers) + 7
 * serial digits + check digit (letter value split into two digits, weights 1 9 8 7 6 5 4 3 2 1 1, sum ≡ 0 mod 10).
 * Validator: `tw-id.ts`. Scores: 0.8 on the check alone (a mod-10 sum passes 1 in 10 random codes of the shape),
 * 0.95 labelled (身分證, 身份證, 統一編號 …). Attrs: `sex` for 1/2, `resident: true` for 8/9.
 *
 * False-positive traps: letter + 9-digit codes (SKUs, tickets): second digit restricted to 1/2/8/9, upper-case
 * only, exact 10-character words; negative context lowers.
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { isTwIdValidAt } from '../../validators/tw-id.js';
import { isAN, isUp } from './shared.js';

const CONTEXT = defineContext({
  positive: [
    '身分證',
    '身份證',
    '身分证',
    '身份证',
    '統一編號',
    '统一编号',
    '身分證字號',
    '國民身分證',
    'ID',
    'ID no',
    'national id',
  ],
  negative: [...COMMON_NEGATIVE, '型號', '型号', '料號', '貨號', 'part', 'model', 'ticket'],
});

const ID = 'tw.national-id';

/** Recognizer for Taiwan national ID numbers; see the file header. */
export const twIdRecognizer = defineRecognizer({
  id: ID,
  entities: ['TW_NATIONAL_ID'],
  country: 'TW',
  triggers: Trigger.ALNUM,
  alnumGate: (first, len) => first >= 'A' && first <= 'Z' && len >= 10,
  match(text: string, pos: number, ctx: MatchContext): void {
    // O(1) gate: a 10-character word, upper-case letter first, sex digit 1/2/8/9 second.
    if (ctx.runEnd - pos < 10 || !isUp(text.charCodeAt(pos))) return;
    const s = text.charCodeAt(pos + 1);
    if (s !== 49 && s !== 50 && s !== 56 && s !== 57) return;
    if (isAN(text.charCodeAt(pos - 1)) || isAN(text.charCodeAt(pos + 10))) return;
    if (!isTwIdValidAt(text, pos)) return;
    const c = ctx.context(pos, pos + 10, CONTEXT);
    ctx.emit({
      type: 'TW_NATIONAL_ID',
      start: pos,
      end: pos + 10,
      score: c === 1 ? 0.95 : c === -1 ? 0.5 : 0.8,
      recognizer: ID,
      subject: 'person',
      attrs: s === 49 ? { sex: 'male' } : s === 50 ? { sex: 'female' } : { resident: true },
    });
  },
  examples: {
    match: ['身分證字號：A123456789', 'F123456784', 'ID A800000014'],
    noMatch: ['A123456788', 'A323456789', 'a123456789', 'A1234567890'],
  },
});
