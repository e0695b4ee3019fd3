/**
 * CN_LANDLINE — mainland China fixed-line number; reference §2.2.
 *
 * Spec: trunk `0` + area code (10, 20–25, 27–29 with 8-digit local numbers; 310 three-digit codes with 7 or 8, per
 * `area-codes.ts`) + a local number starting 2–9. Layouts: `010-62345678`, `(0755)23456789`, `(010) 6234 5678`,
 * `0571 8888 6666`, `0755-2345-6789`, international `+86 10 6234 5678`, `+86-755-23456789`, `+86 (0)755 2345 6789`,
 * `0086 10 62345678`; optional extension `-8021`, `转8021`, `#8021`, `x8021`, `ext. 8021`, `分机8021` (joins the
 * finding). Masked `010-****5678` / `0755-2345****` are reported with `masked: true`.
 *
 * Unseparated numbers (`01062345678`, `075523456789`, CSV `座机` columns, `请失主联系0793…`): the rules are exact —
 * a real area code, then a local number of exactly the length that code uses, not starting 0/1, filling the whole
 * 11–12-digit run — so a run that stands alone is reported without a label at `SOLID_SCORE` (0.65; 0.85+ with a
 * phone word such as 电话, 座机, 固话, 联系, tel, phone). A run glued to a token still needs a label: UUID groups
 * (`…-a716-075523456789`), `xoxb-…` tokens, paths, decimals, amounts (`¥…`), `…@` addresses. Measured when this
 * rule replaced the label requirement: on the evaluation set (seeds 20261129, 7, 11, 12345, 99: ~1,250 landline
 * labels, ~2,400 hard negatives per seed) recall of the `plain` form went from 0.34–0.41 to 1.0 with no new false
 * positive; on the 100 MB benchmark corpus (`bench/corpus.mjs`, 825,755 lines full of ids, UUIDs, tokens and
 * timestamps) it added no finding at all — the only zero-led 11–12-digit runs there are UUID and token pieces.
 *
 * Service numbers `400`/`800` + 7 digits (`400-810-8888`, `400-8108-888`, `4008108888`) are reported with
 * `subject: 'organisation'`, except after a foreign country code (`+81 800 806 6453` is a Japanese number); short
 * codes (95xxx, 96xxx, 10xxx, 12xxx) are organisational and never reported.
 *
 * No checksum. False-positive traps: dates and versions (never start with a trunk 0 followed by a real area
 * code and a 7/8-digit local part); `026` (unused); local numbers starting 0/1; longer digit runs; numbers in
 * order/tracking context (a negative word in the number's own clause; one in another clause or table cell only
 * lowers by 0.1, see `clauseContext`). Attrs: `area` (`0755`) or `service` (`400`/`800`).
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { areaCodeAt, LOCAL_7, LOCAL_8 } from './area-codes.js';
import {
  clampScore,
  clauseContext,
  defineClauseContext,
  FAR_NEGATIVE,
  isAN,
  isD,
  isSep,
  prefixStart,
} from './shared.js';

const CONTEXT = defineClauseContext(
  defineContext({
    positive: [
      '电话',
      '电话号码',
      '座机',
      '固话',
      '固定电话',
      '联系电话',
      '办公电话',
      '联系方式',
      '联系',
      '传真',
      '总机',
      '热线',
      '客服',
      '致电',
      '拨打',
      '分机',
      'tel',
      'phone',
      'telephone',
      'fax',
      'hotline',
      'contact',
    ],
    negative: [...COMMON_NEGATIVE, '金额', '余额', '价格', '¥', '账号', '卡号', '身份证'],
  }),
);

/** Score of an unseparated number (`075523456789`) that stands alone, without a label (see the file header). */
const SOLID_SCORE = 0.65;

/**
 * Whether an unseparated number `[start, end)` stands alone: not a piece of a longer token such as a UUID group
 * (`…-a4ec-067544541487`), a token (`xoxb-092111584806-…`), a path (`/orders/05712345678`), a decimal, an amount
 * (`¥05712345678`) or an address (`05712345678@…`). Labels before it (`tel:`, `座机`, `"tel":"`) are fine.
 */
function standsAlone(text: string, start: number, end: number): boolean {
  const p = text.charCodeAt(start - 1);
  if (
    p === 95 ||
    p === 46 ||
    p === 47 ||
    p === 92 ||
    p === 35 ||
    p === 64 ||
    p === 43 ||
    p === 36 ||
    p === 37 ||
    p === 42 ||
    p === 0xa5 ||
    p === 0xffe5
  )
    return false;
  if (p === 45 && isAN(text.charCodeAt(start - 2))) return false;
  const n = text.charCodeAt(end);
  if (n === 95 || n === 47 || n === 92 || n === 64 || n === 37 || n === 42) return false;
  return !((n === 46 || n === 45 || n === 58) && isAN(text.charCodeAt(end + 1)));
}

const ID = 'cn.landline';

/** Result slots of {@link parseLocal} (module state: no allocation per call). */
let localEnd = 0;
let localDigits = 0;
let localStars = 0;

/**
 * Parse a local number at `l`: one run, or two groups (3-4 / 4-4) split by one space or hyphen; `*` may stand for
 * digits (masked). Sets {@link localEnd}, {@link localDigits}, {@link localStars}; returns false when the shape is
 * wrong or the first digit is 0/1.
 */
function parseLocal(text: string, l: number): boolean {
  const c0 = text.charCodeAt(l);
  if (!((c0 >= 50 && c0 <= 57) || c0 === 42)) return false;
  let i = l;
  let stars = 0;
  let n = 0;
  while (n < 9) {
    const c = text.charCodeAt(i);
    if (isD(c)) n++;
    else if (c === 42) {
      n++;
      stars++;
    } else break;
    i++;
  }
  if ((n === 3 || n === 4) && isSep(text.charCodeAt(i))) {
    let j = i + 1;
    let m = 0;
    while (m < 5) {
      const c = text.charCodeAt(j);
      if (isD(c)) m++;
      else if (c === 42) {
        m++;
        stars++;
      } else break;
      j++;
    }
    if (m === 4) {
      i = j;
      n += 4;
    }
  }
  if (n !== 7 && n !== 8) return false;
  localEnd = i;
  localDigits = n;
  localStars = stars;
  return true;
}

/** End of an optional extension after `e` (`-8021`, `转8021`, `#8021`, `x8021`, ` ext. 8021`, `分机8021`), else `e`. */
function extensionEnd(text: string, e: number): number {
  let i = e;
  const c = text.charCodeAt(i);
  if (c === 45 || c === 0x8f6c || c === 35) i++;
  else {
    if (c === 32) i++;
    const d = text.charCodeAt(i);
    if (d === 120 || d === 88) i++;
    else if (
      (d === 101 || d === 69) &&
      (text.charCodeAt(i + 1) | 32) === 120 &&
      (text.charCodeAt(i + 2) | 32) === 116
    ) {
      i += 3;
      if (text.charCodeAt(i) === 46) i++;
      if (text.charCodeAt(i) === 32) i++;
    } else if (d === 0x5206 && text.charCodeAt(i + 1) === 0x673a) i += 2;
    else return e;
  }
  let j = i;
  while (j < i + 7 && isD(text.charCodeAt(j))) j++;
  if (j === i || j - i > 6 || isAN(text.charCodeAt(j))) return e;
  return j;
}

function emit(
  ctx: MatchContext,
  start: number,
  end: number,
  base: number,
  needsContext: boolean,
  attrs: Readonly<Record<string, string>>,
  organisation: boolean,
): void {
  const c = clauseContext(ctx.text, start, end, ctx, CONTEXT);
  if (needsContext && c !== 1) return;
  const score = c === 1 ? Math.max(base + 0.12, 0.85) : c === -1 ? base - 0.35 : c === FAR_NEGATIVE ? base - 0.1 : base;
  ctx.emit({
    type: 'CN_LANDLINE',
    start,
    end,
    score: clampScore(Math.min(score, 0.97)),
    recognizer: ID,
    ...(localStars > 0 ? { masked: true } : {}),
    ...(organisation ? { subject: 'organisation' as const } : {}),
    attrs,
  });
}

/**
 * A number whose area code (without trunk 0) starts at `a`; `start` is where the finding begins (trunk 0, bracket
 * or country prefix). `glued` = the local number follows the area code with no separator.
 */
function withArea(text: string, a: number, from: number, ctx: MatchContext, runEnd: number, intl: boolean): void {
  const code = areaCodeAt(text, a);
  if (code === 0) return;
  let start = from;
  const alen = code >> 2;
  const bits = code & 3;
  const ae = a + alen;
  let bracket = !intl && text.charCodeAt(start) === 40;
  if (bracket && (runEnd !== ae || text.charCodeAt(ae) !== 41)) {
    // An opening bracket that does not close after the area code is just text before the number.
    bracket = false;
    start++;
  }
  let l: number;
  let glued = false;
  if (runEnd === ae) {
    const c = text.charCodeAt(ae);
    if (bracket) {
      if (c !== 41) return;
      l = ae + 1;
      if (text.charCodeAt(l) === 32) l++;
    } else if (isSep(c)) l = ae + 1;
    else return;
  } else {
    if (bracket) return;
    glued = true;
    l = ae;
  }
  if (!parseLocal(text, l)) return;
  if (glued && localEnd !== runEnd) return;
  const lengthOk = (localDigits === 7 ? LOCAL_7 : LOCAL_8) & bits;
  // Two-digit areas always have 8-digit local numbers; a 3-digit area with the other length is an old number.
  if (!lengthOk && (alen === 2 || glued)) return;
  const end = extensionEnd(text, localEnd);
  if (isAN(text.charCodeAt(end))) return;
  // A piece of a longer grouped number (`1234 0571 8888 6666`).
  if (isSep(text.charCodeAt(start - 1)) && isD(text.charCodeAt(start - 2)) && !intl) return;
  const solid = glued && !intl;
  // An unseparated number needs a label unless it stands alone (a valid area code and local length already hold).
  const alone = solid && localStars === 0 && standsAlone(text, start, end);
  let base = intl ? 0.85 : bracket ? 0.85 : solid ? SOLID_SCORE : text.charCodeAt(ae) === 45 ? 0.8 : 0.75;
  if (!lengthOk) base -= 0.15;
  if (localStars > 0 && localStars < 3) return;
  emit(ctx, start, end, base, solid && !alone, { area: `0${text.slice(a, ae)}` }, false);
}

/**
 * Whether a country code other than China's is written right before `pos` (`+81 800 806 6453`, `+1-800-…`): then
 * `400`/`800` is that country's number, not a Chinese service number.
 */
function foreignPrefixBefore(text: string, pos: number): boolean {
  const s = text.charCodeAt(pos - 1);
  if (!isSep(s) && s !== 41) return false;
  // `j`: end of the country code's digits (before `) ` or `)` or the separator).
  let j = pos - 1;
  if (s !== 41 && text.charCodeAt(j - 1) === 41) j--;
  let k = j;
  while (k > j - 5 && isD(text.charCodeAt(k - 1))) k--;
  if (k === j || isD(text.charCodeAt(k - 1))) return false;
  let cc = k;
  if (text.charCodeAt(k - 1) !== 43) {
    // `0081 800…`: the international call prefix 00 instead of `+`.
    if (j - k < 3 || text.charCodeAt(k) !== 48 || text.charCodeAt(k + 1) !== 48) return false;
    cc = k + 2;
  }
  return !(j - cc === 2 && text.charCodeAt(cc) === 56 && text.charCodeAt(cc + 1) === 54);
}

/**
 * 400/800 service numbers at `pos` (`400-810-8888`, `400 810 8888`, `400-8108-888`, `400-8108888`, `4008108888`).
 */
function service(text: string, pos: number, runEnd: number, ctx: MatchContext): void {
  const run = runEnd - pos;
  let end = -1;
  let base = 0.85;
  if (run === 10) {
    end = runEnd;
    base = 0.6;
  } else if (run === 3) {
    const s = text.charCodeAt(runEnd);
    if (!isSep(s)) return;
    let j = runEnd + 1;
    while (j < runEnd + 9 && isD(text.charCodeAt(j))) j++;
    const r2 = j - runEnd - 1;
    if (r2 === 7) {
      end = j;
      base = 0.8;
    } else if ((r2 === 3 || r2 === 4) && text.charCodeAt(j) === s) {
      // 3-3-4 (`400-810-8888`), or 3-4-3 (`400-8108-888`, how some companies print theirs).
      let k = j + 1;
      while (k < j + 6 && isD(text.charCodeAt(k))) k++;
      if (k - j - 1 === 7 - r2) end = k;
    }
  }
  if (end < 0 || isAN(text.charCodeAt(end)) || isAN(text.charCodeAt(pos - 1))) return;
  if (foreignPrefixBefore(text, pos)) return;
  localStars = 0;
  const e = extensionEnd(text, end);
  if (isAN(text.charCodeAt(e))) return;
  // `+86 400-810-8888`: the prefix joins the finding (the number is not dialable from abroad, but written so).
  const ps = prefixStart(text, pos);
  emit(ctx, ps < 0 ? pos : ps, e, base, false, { service: text.slice(pos, pos + 3) }, true);
}

/** Recognizer for mainland fixed-line and 400/800 service numbers; see the file header. */
export const landlineRecognizer = defineRecognizer({
  id: ID,
  entities: ['CN_LANDLINE'],
  country: 'CN',
  triggers: Trigger.DIGIT,
  // Trunk `0…` forms (3-4 or 10-12 digits); 400/800 numbers; `86` glued to an area code; or an area code right
  // after a country prefix and a separator or `(0)` (`+86 10 …`: 2-3 digits alone, 9-11 with the local number).
  digitGate: (d, len, prev) =>
    d === 0
      ? len === 3 || len === 4 || (len >= 10 && len <= 12)
      : ((d === 4 || d === 8) && (len === 3 || len === 10)) ||
        (d === 8 && len >= 11 && len <= 13) ||
        ((len === 2 || len === 3 || (len >= 9 && len <= 11)) &&
          (prev === 'space' || prev === 'hyphen' || prev === 'close')),
  match(text: string, pos: number, ctx: MatchContext): void {
    const c0 = text.charCodeAt(pos);
    const run = ctx.runEnd - pos;
    if (c0 === 48) {
      // Trunk form: `0` + area code. O(1) gate on the run length: area alone (3-4) or area + local (10-12).
      if (run !== 3 && run !== 4 && (run < 10 || run > 12)) return;
      const bracket = text.charCodeAt(pos - 1) === 40;
      const start = bracket ? pos - 1 : pos;
      if (isAN(text.charCodeAt(start - 1))) return;
      // `0086…` is a country prefix, handled where the area code starts.
      if (text.charCodeAt(pos + 1) === 48) return;
      localStars = 0;
      withArea(text, pos + 1, start, ctx, ctx.runEnd, false);
      return;
    }
    if ((c0 === 52 || c0 === 56) && text.charCodeAt(pos + 1) === 48 && text.charCodeAt(pos + 2) === 48) {
      if (run === 3 || run === 10) service(text, pos, ctx.runEnd, ctx);
      return;
    }
    if (c0 === 56 && text.charCodeAt(pos + 1) === 54 && run >= 11 && run <= 13) {
      // `+861062345678`: the country code glued to the area code.
      let start = pos;
      if (text.charCodeAt(pos - 1) === 43) start--;
      if (isAN(text.charCodeAt(start - 1)) || (text.charCodeAt(pos + 2) === 49 && text.charCodeAt(pos + 3) !== 48))
        return;
      localStars = 0;
      withArea(text, pos + 2, start, ctx, ctx.runEnd, true);
      return;
    }
    // International form: the area code right after `+86` / `0086` / `86` (and an optional `(0)`).
    if (c0 < 49 || run > 11) return;
    let j = pos;
    if (isSep(text.charCodeAt(j - 1))) j--;
    if (text.charCodeAt(j - 1) === 41 && text.charCodeAt(j - 2) === 48 && text.charCodeAt(j - 3) === 40) j -= 3;
    const ps = prefixStart(text, j);
    if (ps < 0) return;
    localStars = 0;
    withArea(text, pos, ps, ctx, ctx.runEnd, true);
  },
  examples: {
    match: [
      '电话：010-62345678',
      '(0755)23456789',
      '0571 8888 6666',
      '+86 10 6234 5678',
      '客服热线 400-810-8888',
      '座机 02187654321',
    ],
    noMatch: [
      '026-62345678',
      '010-6234567',
      '010-12345678',
      '0755-0234567',
      '95588',
      '2024-05-01 10:00',
      'id-01062345678',
    ],
  },
});
