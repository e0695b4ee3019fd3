/**
 * CN_MOBILE — mainland China mobile number; reference §2.1.
 *
 * Spec: 11 digits `1` + network digits + 8 digits. Accepted prefixes (a table, not a regex, so it stays current):
 * 13x; 145–149 (145/147 in libphonenumber, 146/148/149 11-digit data ranges, scored a little lower); 15x but 154;
 * 162, 165–167; 170–173, 175–178 and only 17400–17405 of 174 (satellite); 18x; 19x but 194. 140–144 are 13-digit
 * IoT numbers and never match; 10x–12x are never mobiles.
 * Layouts: `13812345678`, `138 1234 5678`, `138-1234-5678` (any dash: `138—1234—5678`, and the doubled Chinese
 * dash `138——1234——5678`), `138 12345678`, `1381234 5678`, with an optional
 * `86`/`+86`/`0086` prefix (`+86 138 1234 5678`, `0086-138-1234-5678`, `(+86)138…`, `8613812345678`), which joins
 * the finding. Already-masked `138****5678` (3+4, the dominant convention) is reported with `masked: true`.
 * Attrs: original `carrier` (`mobile`/`unicom`/`telecom`/`broadnet`; number portability since 2019 means it is
 * the allocating carrier, not necessarily the current one).
 *
 * No checksum: scores reflect real-world precision (bare 11 digits ~0.75, formatted 0.8, `+86` 0.85, labelled
 * 0.95; a negative word in another clause than the number — `发票寄到…，江信收，147…`, `…、173…，QQ邮箱…` — only
 * lowers by 0.1, see `clauseContext`). False-positive traps: longer digit runs (never matched: the run must be
 * exactly 11), counters and amounts (negative context in the number's own clause: order, tracking, QQ …), digits
 * glued to letters (`a13812345678` only with a phone label), pieces of longer grouped numbers (`6222 138 1234 5678`).
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
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

/** Carrier codes. */
const MOBILE = 1;
const UNICOM = 2;
const TELECOM = 3;
const BROADNET = 4;
const CARRIER_NAMES = ['', 'mobile', 'unicom', 'telecom', 'broadnet'] as const;

/**
 * Carrier by three-digit prefix (index 100–199); 0 = not a mobile prefix. Prefixes whose carrier depends on the
 * fourth digit (134, 170, 174) are resolved in {@link carrierOf}. Source: reference §2.1 carrier table.
 */
const PREFIX = new Uint8Array(200);
for (const [carrier, list] of [
  [
    MOBILE,
    [
      134, 135, 136, 137, 138, 139, 147, 148, 150, 151, 152, 157, 158, 159, 165, 172, 178, 182, 183, 184, 187, 188, 195,
      197, 198,
    ],
  ],
  [UNICOM, [130, 131, 132, 145, 146, 155, 156, 166, 167, 171, 175, 176, 185, 186, 196]],
  [TELECOM, [133, 149, 153, 162, 170, 173, 174, 177, 180, 181, 189, 190, 191, 193, 199]],
  [BROADNET, [192]],
] as const) {
  for (const p of list) PREFIX[p] = carrier;
}

/** The carrier for prefix `p` and the fourth and fifth digits, or 0 when the number is not a mobile. */
function carrierOf(p: number, d4: number, d5: number): number {
  const c = PREFIX[p] as number;
  if (c === 0) return 0;
  if (p === 134) return d4 === 9 ? TELECOM : MOBILE;
  if (p === 170) return d4 <= 2 ? TELECOM : d4 === 3 || d4 === 5 || d4 === 6 ? MOBILE : UNICOM;
  if (p === 174) return d4 === 0 && d5 <= 5 ? TELECOM : 0;
  return c;
}

const CONTEXT = defineClauseContext(
  defineContext({
    positive: [
      '手机',
      '手机号',
      '手机号码',
      '电话',
      '电话号码',
      '联系电话',
      '联系方式',
      '联系人',
      '联系',
      '移动电话',
      '致电',
      '来电',
      '拨打',
      '微信同号',
      '短信',
      '号码',
      'tel',
      'mobile',
      'phone',
      'cell',
      'cellphone',
      'contact',
      'sms',
      'whatsapp',
    ],
    negative: [...COMMON_NEGATIVE, 'QQ', 'qq号', '金额', '余额', '价格', '¥', '工号', '学号', '账号', 'uid', 'user id'],
  }),
);

const ID = 'cn.mobile';

/**
 * End of a national number laid out from `i` (3-4-4, 3-8, 7-4 with one consistent separator, or 11 in a row), or
 * -1. The separator is a space, a hyphen or a doubled hyphen (`138——1234——5678`: a Chinese dash is two em dashes,
 * folded to `--`). Sets {@link layoutSep} and {@link layoutSepLen}.
 */
function nationalEnd(text: string, i: number, runEnd: number): number {
  const r1 = runEnd - i;
  layoutSep = 0;
  layoutSepLen = 0;
  if (r1 === 11) return runEnd;
  if (r1 !== 3 && r1 !== 7) return -1;
  const s = text.charCodeAt(runEnd);
  if (!isSep(s)) return -1;
  const w = s === 45 && text.charCodeAt(runEnd + 1) === 45 ? 2 : 1;
  let j = runEnd + w;
  const r2Start = j;
  while (j < r2Start + 9 && isD(text.charCodeAt(j))) j++;
  const r2 = j - r2Start;
  layoutSep = s;
  layoutSepLen = w;
  if (r1 === 7) return r2 === 4 ? j : -1;
  if (r2 === 8) return j;
  if (r2 !== 4 || !sepAt(text, j, s, w)) return -1;
  const r3Start = j + w;
  let k = r3Start;
  while (k < r3Start + 5 && isD(text.charCodeAt(k))) k++;
  return k - r3Start === 4 ? k : -1;
}

/** Whether the separator `s` repeated `w` times (1 or 2) sits at `i` and is followed by a digit. */
function sepAt(text: string, i: number, s: number, w: number): boolean {
  return text.charCodeAt(i) === s && (w === 1 || text.charCodeAt(i + 1) === s) && isD(text.charCodeAt(i + w));
}

/** Separator of the last layout parsed by {@link nationalEnd} (module state: no allocation per call). */
let layoutSep = 0;
/** Its width: 1, or 2 for a doubled hyphen. */
let layoutSepLen = 0;

/** Validate the 11 national digits laid out from `i` and emit. `start` may include a country prefix. */
function emitNational(text: string, i: number, end: number, start: number, ctx: MatchContext): void {
  const p = 100 + (text.charCodeAt(i + 1) - 48) * 10 + (text.charCodeAt(i + 2) - 48);
  // The first three digits are contiguous in every layout; a separator may follow them (3-4-4, 3-8).
  const o = isD(text.charCodeAt(i + 3)) ? 0 : 1;
  const carrier = carrierOf(p, text.charCodeAt(i + 3 + o) - 48, text.charCodeAt(i + 4 + o) - 48);
  if (carrier === 0) return;
  if (isAN(text.charCodeAt(end))) return;
  const prefixed = start !== i;
  const separated = layoutSep !== 0;
  if (!prefixed) {
    const prev = text.charCodeAt(i - 1);
    // A piece of a longer grouped number: `6222 138 1234 5678`, `138 1234 5678 9012`.
    if (separated && isSep(prev) && isD(text.charCodeAt(i - 2))) return;
    if (separated && sepAt(text, end, layoutSep, layoutSepLen)) return;
  }
  const glued = isAN(text.charCodeAt(start - 1));
  const c = clauseContext(text, start, end, ctx, CONTEXT);
  if (glued && c !== 1) return;
  let score = prefixed ? 0.85 : separated ? 0.8 : 0.75;
  if (c === 1) score = prefixed ? 0.97 : 0.95;
  else if (c === -1) score = prefixed ? 0.55 : 0.4;
  else if (c === FAR_NEGATIVE) score -= 0.1;
  if (p === 146 || p === 148 || p === 149) score -= 0.05;
  ctx.emit({
    type: 'CN_MOBILE',
    start,
    end,
    score: clampScore(score),
    recognizer: ID,
    subject: 'person',
    attrs: { carrier: CARRIER_NAMES[carrier] as string },
  });
}

/** `138****5678`, `138 **** 5678`, `138-****-5678` (with an optional country prefix). */
function emitMasked(text: string, i: number, ctx: MatchContext): void {
  let j = i + 3;
  const s = text.charCodeAt(j);
  const sep = isSep(s);
  if (sep) j++;
  if (!text.startsWith('****', j)) return;
  j += 4;
  if (sep) {
    if (text.charCodeAt(j) !== s) return;
    j++;
  }
  for (let k = j; k < j + 4; k++) if (!isD(text.charCodeAt(k))) return;
  const end = j + 4;
  if (isAN(text.charCodeAt(end)) || text.charCodeAt(end) === 42) return;
  const p = 100 + (text.charCodeAt(i + 1) - 48) * 10 + (text.charCodeAt(i + 2) - 48);
  if (PREFIX[p] === 0 || p === 174) return;
  const ps = prefixStart(text, i);
  const start = ps < 0 ? i : ps;
  if (isAN(text.charCodeAt(start - 1))) return;
  const c = clauseContext(text, start, end, ctx, CONTEXT);
  ctx.emit({
    type: 'CN_MOBILE',
    start,
    end,
    score: c === 1 ? 0.9 : c === -1 ? 0.4 : c === FAR_NEGATIVE ? 0.7 : 0.8,
    recognizer: ID,
    masked: true,
    subject: 'person',
  });
}

/** Recognizer for mainland mobile numbers; see the file header. */
export const mobileRecognizer = defineRecognizer({
  id: ID,
  entities: ['CN_MOBILE'],
  country: 'CN',
  triggers: Trigger.DIGIT,
  // Layouts start with `1[3-9]`: 11 digits, or 3/7 digits then a separator (or `*` when masked), or a glued
  // country prefix `86…` (13) / `0086…` (15).
  digitGate: (d, len, _prev, next) =>
    (d === 1 &&
      (len === 11 ||
        (len === 3 && (next === 'space' || next === 'hyphen' || next === 'mask')) ||
        (len === 7 && (next === 'space' || next === 'hyphen')))) ||
    (d === 8 && len === 13) ||
    (d === 0 && len === 15),
  match(text: string, pos: number, ctx: MatchContext): void {
    const c0 = text.charCodeAt(pos);
    const run = ctx.runEnd - pos;
    if (c0 === 49) {
      // O(1) gate: `1[3-9]`, and a run length one of the layouts can start with.
      const c1 = text.charCodeAt(pos + 1);
      if (c1 < 51 || c1 > 57) return;
      if (run !== 11 && run !== 3 && run !== 7) return;
      if (run === 3 && (text.charCodeAt(pos + 3) === 42 || text.charCodeAt(pos + 4) === 42)) {
        emitMasked(text, pos, ctx);
        return;
      }
      const end = nationalEnd(text, pos, ctx.runEnd);
      if (end < 0) return;
      const ps = prefixStart(text, pos);
      emitNational(text, pos, end, ps < 0 ? pos : ps, ctx);
      return;
    }
    // Country prefix glued to the number: `8613812345678`, `008613812345678` (`+` is picked up before it).
    let i = -1;
    if (c0 === 56 && run === 13 && text.charCodeAt(pos + 1) === 54) i = pos + 2;
    else if (c0 === 48 && run === 15 && text.startsWith('086', pos + 1)) i = pos + 4;
    if (i < 0 || text.charCodeAt(i) !== 49) return;
    layoutSep = 0;
    layoutSepLen = 0;
    let start = pos;
    if (text.charCodeAt(pos - 1) === 43) start--;
    if (isAN(text.charCodeAt(start - 1))) return;
    emitNational(text, i, ctx.runEnd, start, ctx);
  },
  examples: {
    match: [
      '手机13812345678',
      '联系电话：138 1234 5678',
      '+86 138-1234-5678',
      '(+86)13912345678',
      'tel:008619212345678',
      '手机号 138****5678',
    ],
    noMatch: ['15412345678', '12345678901', '1381234567', '订单号 138123456789', '6222 138 1234 5678', 'ab13812345678'],
  },
});
