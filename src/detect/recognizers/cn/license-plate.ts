/**
 * CN_LICENSE_PLATE — mainland China motor-vehicle plate (机动车号牌, GA 36); reference §6.
 *
 * Spec: province abbreviation (31 characters) + issuing-authority letter (A–Z without I/O) + an optional `·`,
 * space or hyphen (`藏A-12356`, common in spreadsheets and databases) + 5 serial characters (ordinary; letters
 * without I/O and digits, at least two digits; the fifth may be 挂/学/警/港/澳/领) or 6 (new-energy: `D`/`F` +
 * letter-or-digit + 4 digits, or 5 digits + `D`/`F`). Embassy plates `使` + 6 digits only when labelled (format
 * unconfirmed). Masked plates (`京A***45`) → `masked: true`.
 * Entry: the KEYWORD trigger on the 32 leading characters; the O(1) gate is "next character is an upper-case
 * letter" (or a digit after 使), so prose full of 新/云/川/青… costs one comparison per hit.
 * Scores: ordinary 0.75, new-energy or special suffix 0.8, labelled (车牌, 号牌 …) 0.95; a negative word in the
 * plate's own clause lowers by 0.35, one in another clause (an address in the next CSV cell) by 0.1.
 *
 * False-positive traps: model names and codes after a place name (`新A12345型`, `京A座12层`): exact serial
 * shape, no ASCII letter/digit right after, I/O excluded; armed-police (WJ) and military plates are out of scope.
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { clampScore, clauseContext, defineClauseContext, FAR_NEGATIVE, isAN, isD, isUp } from './shared.js';

/** The 31 province abbreviations, then the embassy mark. */
const LEADS = Array.from('京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使');
const EMBASSY = LEADS.length - 1;

/** Characters that can replace the last serial character (trailer, driving school, police, HK, Macau, consulate). */
const SUFFIX = new Set(Array.from('挂学警港澳领').map((c) => c.charCodeAt(0)));

const CONTEXT = defineClauseContext(
  defineContext({
    positive: [
      '车牌',
      '车牌号',
      '车牌号码',
      '号牌',
      '号牌号码',
      '车号',
      '牌照',
      '牌号',
      '车辆',
      '车主',
      '违章',
      '停车',
      'license plate',
      'plate',
      'plate no',
    ],
    negative: [...COMMON_NEGATIVE, '型号', '座', '栋'],
  }),
);

const ID = 'cn.license-plate';

/** Serial character: upper-case letter except I/O, a digit, or `*` (masked). */
function isSerial(c: number): boolean {
  return (isUp(c) && c !== 73 && c !== 79) || isD(c) || c === 42;
}

function emit(ctx: MatchContext, start: number, end: number, base: number, masked: boolean): void {
  const c = clauseContext(ctx.text, start, end, ctx, CONTEXT);
  const score = c === 1 ? 0.95 : c === -1 ? base - 0.35 : c === FAR_NEGATIVE ? base - 0.1 : base;
  ctx.emit({
    type: 'CN_LICENSE_PLATE',
    start,
    end,
    score: clampScore(masked ? Math.min(score, 0.9) : score),
    recognizer: ID,
    ...(masked ? { masked: true } : {}),
  });
}

function embassy(text: string, pos: number, ctx: MatchContext): void {
  let i = pos + 1;
  let n = 0;
  while (n < 7 && (isD(text.charCodeAt(i)) || (n === 3 && text.charCodeAt(i) === 0xb7))) {
    if (isD(text.charCodeAt(i))) n++;
    i++;
  }
  if (n !== 6 || isAN(text.charCodeAt(i))) return;
  if (clauseContext(text, pos, i, ctx, CONTEXT) !== 1) return;
  emit(ctx, pos, i, 0.85, false);
}

/** Recognizer for mainland licence plates; see the file header. */
export const licensePlateRecognizer = defineRecognizer({
  id: ID,
  entities: ['CN_LICENSE_PLATE'],
  country: 'CN',
  triggers: Trigger.KEYWORD,
  keywords: LEADS,
  match(text: string, pos: number, ctx: MatchContext): void {
    if (ctx.keyword === EMBASSY) {
      if (isD(text.charCodeAt(pos + 1))) embassy(text, pos, ctx);
      return;
    }
    // O(1) gate: an authority letter (no I/O) right after the province character.
    const a = text.charCodeAt(pos + 1);
    if (!isUp(a) || a === 73 || a === 79) return;
    let i = pos + 2;
    const sep = text.charCodeAt(i);
    if (sep === 0xb7 || sep === 32 || sep === 45) i++;
    // A hyphenated plate followed by another hyphenated piece is a part or model code (`京A-12345-01`).
    const dashed = sep === 45;
    const s = i;
    while (i < s + 7 && isSerial(text.charCodeAt(i))) i++;
    const k = i - s;
    let digits = 0;
    let stars = 0;
    for (let j = s; j < i; j++) {
      const c = text.charCodeAt(j);
      if (isD(c)) digits++;
      else if (c === 42) stars++;
    }
    const masked = stars > 0;
    if (masked && stars < 2) return;
    if (k === 4 && SUFFIX.has(text.charCodeAt(i))) {
      if (digits + stars < 2) return;
      emit(ctx, pos, i + 1, 0.8, masked);
      return;
    }
    if (isAN(text.charCodeAt(i))) return;
    if (dashed && text.charCodeAt(i) === 45 && isAN(text.charCodeAt(i + 1))) return;
    if (k === 5) {
      if (digits + stars < 2) return;
      emit(ctx, pos, i, 0.75, masked);
      return;
    }
    if (k !== 6) return;
    // New-energy: `D`/`F` + letter-or-digit + 4 digits (small), or 5 digits + `D`/`F` (large).
    const f = text.charCodeAt(s);
    const l = text.charCodeAt(s + 5);
    let ok = true;
    if (f === 68 || f === 70) {
      for (let j = s + 2; j < s + 6 && ok; j++) ok = isD(text.charCodeAt(j)) || text.charCodeAt(j) === 42;
    } else if (l === 68 || l === 70) {
      for (let j = s; j < s + 5 && ok; j++) ok = isD(text.charCodeAt(j)) || text.charCodeAt(j) === 42;
    } else ok = false;
    if (ok) emit(ctx, pos, i, 0.8, masked);
  },
  examples: {
    match: ['车牌号：京A12345', '沪AD12345', '粤B12345D', '粤Z1234港', '京A·12345', '京A***45'],
    noMatch: ['京I12345', '京AO1234', '京A1234', '京AD1234A', '京a12345', '北京A座12层'],
  },
});
