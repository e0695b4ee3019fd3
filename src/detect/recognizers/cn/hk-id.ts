/**
 * HK_ID — Hong Kong identity card number (HKID); reference §5.5.
 *
 * Spec: one or two upper-case letters + six digits + check character `0`–`9`/`A`, written `A123456(3)` (the usual
 * form; also `A123456 (3)` with a space before the bracket, and full-width `A123456（3）`) or `A1234563`.
 * Validator: `hk-id.ts` (mod 11, space = 36 for one-letter prefixes).
 * Scores: bracketed form 0.85 (0.8 with the space), bare form 0.55 (a mod-11 check passes 1 in 11 random codes),
 * bare two-letter form 0.45 (collides with `E`/`C` + letter + 7-digit passports and permits); labelled +0.1;
 * negative context lowers.
 *
 * False-positive traps: product and part codes `B1234567` (bare form scores low; lower-case never matches);
 * the regex-collection "example" `K034169(1)` is invalid (its check is `A`).
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { hkIdCheckValueAt, isHkIdCheckCode } from '../../validators/hk-id.js';
import { clampScore, isAN, isD, isUp, wordEnd } from './shared.js';

const CONTEXT = defineContext({
  positive: [
    '香港身份证',
    '香港身份證',
    '身份证',
    '身份證',
    '身分證',
    'HKID',
    'HK ID',
    'identity card',
    'ID card',
    'ID no',
    'ID',
  ],
  negative: [...COMMON_NEGATIVE, '型号', '料号', '货号', 'part', 'model'],
});

const ID = 'hk.id';

/** End of the `[A-Za-z0-9]` word at `pos`, at most 10 characters on (`runEnd` would also count `_`). */
function alnumEnd(text: string, pos: number): number {
  return wordEnd(text, pos, 10);
}

/** Recognizer for Hong Kong identity card numbers; see the file header. */
export const hkIdRecognizer = defineRecognizer({
  id: ID,
  entities: ['HK_ID'],
  country: 'HK',
  triggers: Trigger.ALNUM,
  alnumGate: (first, len) => first >= 'A' && first <= 'Z' && len >= 7,
  match(text: string, pos: number, ctx: MatchContext): void {
    // O(1) gate: 1-2 upper-case letters then digits, 7-9 characters before a bracket or the word end.
    const len = ctx.runEnd - pos;
    if (len < 7 || !isUp(text.charCodeAt(pos)) || isAN(text.charCodeAt(pos - 1))) return;
    const wEnd = alnumEnd(text, pos);
    if (wEnd - pos > 9) return;
    const letters = isUp(text.charCodeAt(pos + 1)) ? 2 : 1;
    const digitsEnd = pos + letters + 6;
    for (let i = pos + letters; i < digitsEnd; i++) if (!isD(text.charCodeAt(i))) return;
    const value = hkIdCheckValueAt(text, pos, letters as 1 | 2);
    let end: number;
    let bracketed: boolean;
    let spaced = false;
    // `(` right after the digits, or after one space (`A123456 (3)`, as the card prints it when typed out).
    const open = text.charCodeAt(digitsEnd) === 32 ? digitsEnd + 1 : digitsEnd;
    if (wEnd === digitsEnd && text.charCodeAt(open) === 40 && text.charCodeAt(open + 2) === 41) {
      if (!isHkIdCheckCode(value, text.charCodeAt(open + 1))) return;
      end = open + 3;
      bracketed = true;
      spaced = open !== digitsEnd;
    } else if (wEnd === digitsEnd + 1) {
      if (!isHkIdCheckCode(value, text.charCodeAt(digitsEnd))) return;
      end = digitsEnd + 1;
      bracketed = false;
    } else return;
    if (isAN(text.charCodeAt(end))) return;
    const c = ctx.context(pos, end, CONTEXT);
    // Bare two-letter forms (`AB9876543`) are rare in writing and collide with passport/permit shapes
    // (`EK4264533`): they need a label.
    const base = bracketed ? (spaced ? 0.8 : 0.85) : letters === 2 ? 0.45 : 0.55;
    const score = c === 1 ? base + 0.1 : c === -1 ? base - 0.3 : base;
    ctx.emit({ type: 'HK_ID', start: pos, end, score: clampScore(score), recognizer: ID, subject: 'person' });
  },
  examples: {
    match: ['HKID: A123456(3)', '香港身份证 AB987654(3)', 'K034169(A)', 'E364912(5)'],
    noMatch: ['A123456(4)', 'K034169(1)', 'a123456(3)', 'ABC123456(3)'],
  },
});
