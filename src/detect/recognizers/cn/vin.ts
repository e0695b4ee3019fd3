/**
 * VIN — vehicle identification number (ISO 3779; GB 16735 in China); reference §8.5.
 *
 * Spec: 17 characters of `0-9 A-Z` without I, O, Q; position 9 check character (weights 8 7 6 5 4 3 2 10 0 9 8 7 6
 * 5 4 3 2, mod 11, 10 = X), position 10 the model year (never U, Z, 0). Chinese manufacturers' WMIs start with `L`.
 * Validator: `vin.ts`. The check is mandatory in China (L) and North America (1–5): there a failure rejects.
 * Elsewhere (e.g. European `W…` VINs) the check is often not computed, so a failing VIN is reported only when
 * labelled (VIN, 车架号, 车辆识别代号 …), at 0.7.
 * Scores: valid `L…` 0.9, other valid 0.85, labelled 0.98; hex-looking values (letters only A–F) lose 0.3.
 * Attrs: `wmi` (manufacturer, first three characters). The last six characters (车架号后六位) are a common
 * verification secret: masking must cover them.
 *
 * False-positive traps: 17-character hex/base32 tokens and order codes (alphabet, exact length, check, model-year
 * rule, upper-case only); all-digit 17-digit runs are never VINs here.
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { isVinValidAt, vinCheckValueAt } from '../../validators/vin.js';
import { clampScore, isAN, isD, isUp, wordEnd } from './shared.js';

const CONTEXT = defineContext({
  positive: [
    'VIN',
    'VIN码',
    '车架号',
    '车架号码',
    '车辆识别代号',
    '车辆识别代码',
    '车辆识别码',
    '识别代号',
    '底盘号',
    'chassis',
    'vehicle identification',
  ],
  negative: [...COMMON_NEGATIVE, 'hash', 'token', 'key', 'sha', 'md5'],
});

const ID = 'vin';

/** Recognizer for vehicle identification numbers; see the file header. */
export const vinRecognizer = defineRecognizer({
  id: ID,
  entities: ['VIN'],
  triggers: Trigger.ALNUM | Trigger.DIGIT,
  alnumGate: (first, len) => first >= 'A' && first <= 'Z' && len >= 17,
  // Digit-led VINs (WMI 1-9) stop the digit run at a letter before 17 characters.
  digitGate: (d, len, _prev, next) => d !== 0 && len < 17 && (next === 'letter' || next === 'x'),
  match(text: string, pos: number, ctx: MatchContext): void {
    // O(1) gate: a word start whose run can hold 17 characters; digit-led words start with a DIGIT trigger.
    const c0 = text.charCodeAt(pos);
    if (isD(c0)) {
      // Digit-led WMIs are 1-9; the run must stop at an upper-case letter (all-digit runs are not VINs).
      if (c0 === 48 || ctx.runEnd - pos >= 17 || !isUp(text.charCodeAt(ctx.runEnd))) return;
    } else if (ctx.runEnd - pos < 17 || !isUp(c0)) return;
    if (isAN(text.charCodeAt(pos - 1))) return;
    const end = pos + 17;
    if (wordEnd(text, pos, 17) !== end) return;
    let letters = 0;
    let hexOnly = true;
    for (let i = pos; i < end; i++) {
      const c = text.charCodeAt(i);
      if (isUp(c)) {
        letters++;
        if (c > 70) hexOnly = false;
      } else if (!isD(c)) return;
    }
    if (letters === 0) return;
    const c = ctx.context(pos, end, CONTEXT);
    let score: number;
    if (isVinValidAt(text, pos)) {
      score = c === 1 ? 0.98 : c === -1 ? 0.55 : c0 === 76 ? 0.9 : 0.85;
      if (hexOnly && c !== 1) score -= 0.3;
    } else {
      // Valid alphabet but the check fails: only outside China/North America, and only when labelled.
      if (c !== 1 || c0 === 76 || (c0 >= 49 && c0 <= 53) || vinCheckValueAt(text, pos) < 0) return;
      score = 0.7;
    }
    ctx.emit({
      type: 'VIN',
      start: pos,
      end,
      score: clampScore(score),
      recognizer: ID,
      attrs: { wmi: text.slice(pos, pos + 3) },
    });
  },
  examples: {
    match: ['车架号：LATPAB071W1005301', '1M8GDM9AXKP042788', 'VIN LSVAU218XN2183294', 'VIN: WVWZZZ1JZ3W386752'],
    noMatch: ['LATPAB072W1005301', '1M8GDM9AXKP04278O', 'latpab071w1005301', '12345678901234567', 'WVWZZZ1JZ3W386752'],
  },
});
