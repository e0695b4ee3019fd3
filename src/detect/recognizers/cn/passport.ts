/**
 * CN_PASSPORT — PRC passport number; reference §5.1.
 *
 * Spec (no check digit outside the MRZ): ordinary passports `E` + letter (A–Z without I/O) + 7 digits (since the
 * `E` + 8-digit range ran out, c. 2017), `E` + 8 digits (2012 e-passports), `G` + 8 digits (pre-2012); official
 * `DE`/`SE`/`PE` + 7 digits and `D`/`S`/`P` + 7–8 digits; older `14`/`15` + 7 digits; SAR passports `K` + 8 digits
 * (Hong Kong) and `MA` + 7 digits (Macau).
 * Shape-only, so a passport label (护照, passport …) is needed to pass the threshold; the current `E` + letter + 7
 * digits form scores 0.5 on its own (the most specific shape), `E`/`G` + 8 digits 0.4, the rest lower.
 *
 * False-positive traps: part numbers, invoice and SKU codes of the same shape (`E12345678`), hence the label;
 * lower-case words are never passports; 8-character `D1234567` also fits an HKID (that recognizer checks its digit).
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { clampScore, isAN, isD, isUp, wordEnd } from './shared.js';

const CONTEXT = defineContext({
  positive: [
    '护照',
    '护照号',
    '护照号码',
    '护照编号',
    '旅行证件',
    '证件号',
    '证件号码',
    '護照',
    'passport',
    'passport no',
  ],
  negative: [...COMMON_NEGATIVE, '型号', '零件', '料号', '货号', 'part', 'model'],
});

const ID = 'cn.passport';

function digitsIn(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isD(text.charCodeAt(i))) return false;
  return true;
}

/** Base score for the shape at `[pos, end)`, or 0 when it is not a passport shape. */
function shapeScore(text: string, pos: number, end: number): number {
  const len = end - pos;
  const a = text.charCodeAt(pos);
  const b = text.charCodeAt(pos + 1);
  if (isD(a)) return len === 9 && a === 49 && (b === 52 || b === 53) && digitsIn(text, pos + 2, end) ? 0.2 : 0;
  if (len === 9) {
    if ((a === 69 || a === 71 || a === 75) && digitsIn(text, pos + 1, end)) return a === 75 ? 0.3 : 0.4; // E/G/K + 8
    if (a === 69 && isUp(b) && b !== 73 && b !== 79 && digitsIn(text, pos + 2, end)) return 0.5; // E + letter + 7
    if ((a === 68 || a === 83 || a === 80) && b === 69 && digitsIn(text, pos + 2, end)) return 0.35; // DE/SE/PE + 7
    if (a === 77 && b === 65 && digitsIn(text, pos + 2, end)) return 0.3; // MA + 7
  }
  if ((len === 8 || len === 9) && (a === 68 || a === 83 || a === 80) && digitsIn(text, pos + 1, end)) return 0.3;
  return 0;
}

/** Recognizer for PRC passport numbers; see the file header. */
export const passportRecognizer = defineRecognizer({
  id: ID,
  entities: ['CN_PASSPORT'],
  country: 'CN',
  triggers: Trigger.ALNUM | Trigger.DIGIT,
  alnumGate: (first, len) => 'DEGKMPS'.includes(first) && len >= 8,
  // Digit-led only as the 9-digit `14…`/`15…` service passports.
  digitGate: (d, len) => d === 1 && len === 9,
  match(text: string, pos: number, ctx: MatchContext): void {
    // O(1) gate: 8-9 character words led by D/E/G/K/M/P/S, or 9-digit runs led by 14/15.
    const c0 = text.charCodeAt(pos);
    if (isD(c0)) {
      if (c0 !== 49 || ctx.runEnd - pos !== 9) return;
    } else if (!(c0 === 68 || c0 === 69 || c0 === 71 || c0 === 75 || c0 === 77 || c0 === 80 || c0 === 83)) return;
    if (ctx.runEnd - pos < 8 || isAN(text.charCodeAt(pos - 1))) return;
    const end = wordEnd(text, pos, 9);
    if (end - pos > 9) return;
    const base = shapeScore(text, pos, end);
    if (base === 0) return;
    const c = ctx.context(pos, end, CONTEXT);
    if (c !== 1 && base < 0.5) return;
    const score = c === 1 ? (base >= 0.4 ? 0.9 : 0.85) : c === -1 ? 0.2 : base;
    ctx.emit({ type: 'CN_PASSPORT', start: pos, end, score: clampScore(score), recognizer: ID, subject: 'person' });
  },
  examples: {
    match: ['护照号码：EA1234567', 'Passport No. E12345678', '护照 G12345678', 'EJ7654321'],
    noMatch: ['E12345678', 'EI1234567', 'e12345678', '型号 EA1234567', 'EA12345678'],
  },
});
