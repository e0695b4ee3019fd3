/**
 * ADDRESS — postal addresses: Chinese administrative addresses and US-style street addresses.
 *
 * Spec: reference §7.2 (Chinese levels and their suffixes: 省/自治区/市 → 市/州/盟/地区 → 区/县/旗/县级市 →
 * 街道/镇/乡 → 社区/村 → 路/街/大道/巷/弄/胡同 → 号/号院 → 小区/花园/大厦 → 栋/幢/座/单元 → 层/室/房, and
 * `2-1-302` style room triples); USPS Publication 28 for street suffixes, unit designators and state codes.
 * No validator: the gazetteer (`cn-divisions.ts`, GB/T 2260 names) and the level structure carry the evidence.
 *
 * Entry (KEYWORD trigger for Chinese, DIGIT for US):
 * - cue words: 地址/住址 (through their rare last character 址), 籍贯 居住地 户籍地 出生地 暂住地, 寄往/寄至,
 *   `address`, `ship to`;
 * - the suffix characters 省 市 区 县 旗 州 盟 that end administrative names. At a hit the parser looks left for the
 *   gazetteer name ending there (one map look-up on the two characters before, then a few `startsWith` checks) and
 *   extends left over larger units written before it (`广东深圳南山区` from `南山区`; look-left ≤ 2 units, each ≤ 16
 *   characters). Registering the ~400 province and prefecture names instead would put frequent prose characters
 *   (上 大 新 安 …) into the scanner's keyword table; suffix keywords cost one array read elsewhere.
 *   Consequence: an informal address with no suffix at all (`上海浦东张江路1号`) is found only after a cue.
 * From the start the parser extends right, token by token, while tokens carry address suffixes or numbers with
 * 号/栋/单元/室, and stops at punctuation, a field label (电话 邮编 …), an organisation word (法院 公司 …), a
 * function character (的 在 是 …) or 80 characters.
 *
 * Emission: with a cue, any structure (籍贯：江苏南京 counts, coarsely scored); without one, at least a county,
 * town, road or estate plus a house-level part (number, building, room, village), or a county plus a road.
 * Province-only and city-only mentions (`我在上海工作`, `江苏省南京市`) are not addresses.
 * `attrs.province` carries the province short name (coarse, non-identifying), `attrs.country` `CN` or `US`.
 *
 * False-positive traps: organisation names (`北京市海淀区人民法院`), place names in prose (`上海的天气`), roads
 * named after cities (`中山路`), `1号线`, prices and counts before `Street`-like words (`5 Main Street` needs a
 * capitalised street name), US street suffix `Dr` vs the title.
 */
import {
  AddressLevel,
  cjkSuffixAt,
  numberSuffixAt,
  organisationWordAt,
  US_STATE_CODES,
  US_STREET_SUFFIXES,
  US_UNIT_DESIGNATORS,
} from '../../data/address-suffixes.js';
import {
  CN_PROVINCES,
  DivisionKind,
  divisionEndingAt,
  matchDivisionAt,
  newDivisionMatch,
} from '../../data/cn-divisions.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { headerCellAt, newColumnCursor, nextColumnCell } from './columns.js';

const ID = 'address';

const CUE = 1;
const EN_CUE = 2;
const SUFFIX = 4;
const VERB_CUE = 5;
const ZHI = 6;

/**
 * Labels: the value after them is an address (`籍贯：江苏南京` counts, coarsely scored). `地址`/`住址` (and
 * `收货地址`, `家庭住址`, `现住址`…) are found through their rare last character `址`, which keeps the frequent
 * `地`/`住` out of the scanner's keyword table.
 */
const CN_LABELS = ['籍贯', '居住地', '户籍地', '户口所在地', '出生地', '暂住地', '籍貫'];
/** Verbs: the place after them is an address only with some structure (`寄往昌平区` alone is not). */
const CN_VERBS = ['寄往', '寄至', '寄到'];
const CN_CUES = ['地址', '住址', ...CN_LABELS, ...CN_VERBS];
const EN_CUES = ['address', 'addr', 'ship to', 'lives at', 'deliver to', 'mail to'];
/**
 * Suffix characters that end an administrative name (`广东省`, `深圳市`, `海淀区`, `杭州`, `兴安盟`). The parser
 * looks left from them for the gazetteer name and any larger units before it, instead of registering ~400 place
 * names whose first characters (上 大 新 安 …) are among the most frequent in Chinese prose.
 */
const SUFFIX_KEYWORDS = ['省', '市', '区', '县', '旗', '州', '盟'];

const KEYWORDS: readonly string[] = ['址', ...CN_LABELS, ...CN_VERBS, ...EN_CUES, ...SUFFIX_KEYWORDS];
const KIND = Uint8Array.from([
  ZHI,
  ...CN_LABELS.map(() => CUE),
  ...CN_VERBS.map(() => VERB_CUE),
  ...EN_CUES.map(() => EN_CUE),
  ...SUFFIX_KEYWORDS.map(() => SUFFIX),
]);

const L = AddressLevel;
const ADMIN = L.PROVINCE | L.PREFECTURE | L.COUNTY;
const HOUSE = L.NUMBER | L.BUILDING | L.ROOM | L.VILLAGE;
const STREET = L.ROAD | L.ESTATE | L.TOWN;
const MAX_LEN = 80;

// ---------------------------------------------------------------------------------------------------------------
// Character classes.

const CJK = 0x4e00;
const CJK_END = 0xa000;
const STOP = 1; // ends an address token: function words
const NUMERAL = 2; // Chinese numerals in house numbers (三号楼)
const STEM = 4; // 甲乙丙丁 before a number (甲1号)
const FLAGS = new Uint8Array(CJK_END - CJK);
function flag(chars: string, bit: number): void {
  for (let i = 0; i < chars.length; i++) FLAGS[chars.charCodeAt(i) - CJK] = FLAGS[chars.charCodeAt(i) - CJK]! | bit;
}
flag('的了是在我你他她它们这那有也都就还但而很最被把让给对吗呢吧啊呀说要会能可不没与及或等从到去于将已并且', STOP);
flag('一二三四五六七八九十百零〇两壹贰叁肆伍陆柒捌玖拾', NUMERAL);
flag('甲乙丙丁', STEM);

function isHan(c: number): boolean {
  return c >= CJK && c < CJK_END;
}

function has(c: number, bit: number): boolean {
  return c >= CJK && c < CJK_END && (FLAGS[c - CJK]! & bit) !== 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** Words that end an address inside a run of Han characters: field labels and relative-position words. */
const STOP_WORDS = [
  '电话',
  '手机',
  '联系',
  '邮编',
  '邮政',
  '姓名',
  '收件',
  '收货',
  '寄件',
  '备注',
  '身份',
  '证件',
  '邮箱',
  '微信',
  '号码',
  '附近',
  '旁边',
  '对面',
  '门口',
  '楼下',
  '楼上',
  '一带',
  '周边',
  '方向',
  '境内',
  '以及',
  '工作',
  '上班',
  '居住',
  '生活',
  '出生',
  '发生',
  '举行',
  '召开',
];
const STOP_TABLE = new Map<number, string[]>();
for (const w of STOP_WORDS) {
  const c = w.charCodeAt(0);
  const list = STOP_TABLE.get(c);
  if (list === undefined) STOP_TABLE.set(c, [w]);
  else list.push(w);
}

const STOP_FIRST = new Uint8Array(CJK_END - CJK);
for (const c of STOP_TABLE.keys()) STOP_FIRST[c - CJK] = 1;

function stopWordAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i) - CJK;
  if (!(c >= 0 && c < STOP_FIRST.length) || STOP_FIRST[c] === 0) return false;
  const list = STOP_TABLE.get(text.charCodeAt(i));
  if (list === undefined) return false;
  for (let k = 0; k < list.length; k++) if (text.startsWith(list[k]!, i)) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Chinese parser.

const div = newDivisionMatch();
const addr = { end: 0, levels: 0, province: -1 };

/** Generic county-level token (`XX县`) directly after a province or prefecture: suffix chars. */
function isCountySuffix(c: number): boolean {
  return c === 0x533a || c === 0x53bf || c === 0x65d7 || c === 0x5e02; // 区 县 旗 市
}

/** Number token at `i` (`88号`, `3栋`, `2单元`, `502室`, `2-1-302`, `A座`, `甲1号`, `三号楼`); returns end or -1. */
function numberTokenAt(text: string, i: number, levels: number, limit: number): number {
  let j = i;
  const c0 = text.charCodeAt(j);
  if (has(c0, STEM) && (isDigit(text.charCodeAt(j + 1)) || has(text.charCodeAt(j + 1), NUMERAL))) j++;
  const start = j;
  let dashes = 0;
  if (isDigit(text.charCodeAt(j))) {
    while (j < start + 5 && isDigit(text.charCodeAt(j))) j++;
    while (dashes < 3 && text.charCodeAt(j) === 45 && isDigit(text.charCodeAt(j + 1))) {
      j++;
      const g = j;
      while (j < g + 5 && isDigit(text.charCodeAt(j))) j++;
      dashes++;
    }
    if (isDigit(text.charCodeAt(j))) return -1;
    if (text.charCodeAt(j) === 35) j++; // 2#楼
  } else if (has(text.charCodeAt(j), NUMERAL)) {
    while (j < start + 4 && has(text.charCodeAt(j), NUMERAL)) j++;
  } else if (isLetter(text.charCodeAt(j))) {
    // A座, B2栋, C区
    j++;
    if (isLetter(text.charCodeAt(j))) j++;
    while (j < start + 6 && isDigit(text.charCodeAt(j))) j++;
    const sfx = numberSuffixAt(text, j);
    const lvl = sfx & 0xfff;
    if (sfx === 0 || (lvl !== L.BUILDING && lvl !== L.ROOM)) return -1;
    addr.levels |= lvl;
    return j + (sfx >>> 12);
  } else {
    return -1;
  }
  if (j > limit) return -1;
  // `765 号`, `6 栋`: one space may stand between a number and its suffix.
  if (text.charCodeAt(j) === 32 && numberSuffixAt(text, j + 1) !== 0) j++;
  const sfx = numberSuffixAt(text, j);
  if (sfx !== 0) {
    // `1号线` is a metro line, not a house number.
    const end = j + (sfx >>> 12);
    if (text.charCodeAt(end) === 0x7ebf /* 线 */) return -1;
    addr.levels |= sfx & 0xfff;
    return end;
  }
  // Bare room number after a building/unit (`3栋2单元502`) or a dash triple (`阳光花园2-1-302`).
  if (has(c0, NUMERAL)) return -1;
  if (dashes >= 1 || (j - start >= 3 && (levels & (L.BUILDING | L.ESTATE | L.NUMBER)) !== 0)) {
    if (isLetter(text.charCodeAt(j))) return -1;
    addr.levels |= L.ROOM;
    return j;
  }
  return -1;
}

/** 东 西 南 北 中. */
function isDirection(c: number): boolean {
  return c === 0x4e1c || c === 0x897f || c === 0x5357 || c === 0x5317 || c === 0x4e2d;
}

/** Whether a building/unit/floor/room number starts at `i` (`16幢`, ` 18 栋`, `3单元`). */
function buildingNumberAt(text: string, i: number): boolean {
  let j = i;
  if (text.charCodeAt(j) === 32) j++;
  const s = j;
  while (j < s + 4 && isDigit(text.charCodeAt(j))) j++;
  if (j === s) return false;
  if (text.charCodeAt(j) === 32) j++;
  const lvl = numberSuffixAt(text, j) & 0xfff;
  return lvl === L.BUILDING || lvl === L.ROOM;
}

/** Han token at `i` that ends with an address suffix; returns end or -1 (longest within 12 characters). */
function hanTokenAt(text: string, i: number, limit: number, countyAllowed: boolean): number {
  let last = -1;
  let lastLevel = 0;
  const max = Math.min(i + 12, limit);
  if (stopWordAt(text, i)) return -1;
  let k = i;
  for (; k < max; k++) {
    const c = text.charCodeAt(k);
    if (!isHan(c) || has(c, STOP)) break;
    if (k > i && (stopWordAt(text, k) || organisationWordAt(text, k) > 0)) break;
    if (k > i) {
      const sfx = cjkSuffixAt(text, k);
      if (sfx !== 0) {
        const end = k + (sfx >>> 12);
        if (end <= max && end > last) {
          last = end;
          lastLevel = sfx & 0xfff;
        }
      } else if (countyAllowed && isCountySuffix(c) && k - i <= 5) {
        last = k + 1;
        lastLevel = L.COUNTY;
      }
    }
  }
  // `中山大道西18号`: a direction right after a road name, before its number.
  if (lastLevel === L.ROAD && last >= 0 && isDirection(text.charCodeAt(last)) && isDigit(text.charCodeAt(last + 1)))
    last++;
  if (last < 0) {
    // An estate name without a suffix right before a building number (`融创壹号16幢`, `华润城 18 栋`).
    if (k > i && k - i <= 8 && (addr.levels & (L.ROAD | L.NUMBER)) !== 0 && buildingNumberAt(text, k)) {
      addr.levels |= L.ESTATE;
      return k;
    }
    return -1;
  }
  addr.levels |= lastLevel;
  return last;
}

/**
 * Parse a Chinese address starting at `s`; fills `addr`. Returns false when nothing address-like starts there.
 * Bounded by {@link MAX_LEN} characters and `limit`.
 */
function parseCn(text: string, s: number, limit: number): boolean {
  const lim = Math.min(s + MAX_LEN, limit);
  addr.levels = 0;
  addr.province = -1;
  let i = s;
  let kinds = DivisionKind.PROVINCE | DivisionKind.PREFECTURE | DivisionKind.COUNTY;
  let end = s;
  // Administrative prefix from the gazetteer.
  for (let step = 0; step < 3 && kinds !== 0; step++) {
    if (!matchDivisionAt(text, i, kinds, div) || div.end > lim) break;
    if (addr.province < 0 && div.province >= 0) addr.province = div.province;
    i = div.end;
    if (div.kind === DivisionKind.PROVINCE) {
      addr.levels |= L.PROVINCE;
      if (div.short) {
        const c = text.charCodeAt(i);
        if (c === 0x7701 || c === 0x5e02) i++; // 省 市
      }
      kinds = DivisionKind.PREFECTURE | DivisionKind.COUNTY;
    } else if (div.kind === DivisionKind.PREFECTURE) {
      addr.levels |= L.PREFECTURE;
      if (div.short && text.charCodeAt(i) === 0x5e02) i++; // 市
      kinds = DivisionKind.COUNTY;
    } else {
      addr.levels |= L.COUNTY;
      kinds = 0;
    }
    end = i;
    if (text.charCodeAt(i) === 32 && isHan(text.charCodeAt(i + 1))) i++;
  }
  // Finer parts.
  for (let t = 0; t < 14 && i < lim; t++) {
    const c = text.charCodeAt(i);
    let e: number;
    if (isHan(c) && !has(c, NUMERAL) && !has(c, STEM)) {
      const countyAllowed = (addr.levels & (L.PROVINCE | L.PREFECTURE)) !== 0 && (addr.levels & ~ADMIN) === 0;
      e = hanTokenAt(text, i, lim, countyAllowed && (addr.levels & L.COUNTY) === 0);
      // `三里屯`, `甲1号`: a numeral-led Han token is tried as a number first, then as a name.
    } else {
      e = numberTokenAt(text, i, addr.levels, lim);
      if (e < 0 && isHan(c)) e = hanTokenAt(text, i, lim, false);
    }
    if (e < 0) break;
    end = e;
    i = e;
    // One space may separate parts (`北京市 海淀区 中关村大街 1号`).
    if (text.charCodeAt(i) === 32) {
      const n = text.charCodeAt(i + 1);
      if (isHan(n) || isDigit(n)) i++;
    }
  }
  addr.end = end;
  return end > s;
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

/** Score by the levels found; `cue` 2 label, 1 verb, 0 none. */
function scoreCn(levels: number, cue: number): number {
  if (cue === 1) {
    if ((levels & (HOUSE | STREET)) !== 0) return Math.min(0.9, scoreCn(levels, 2));
    return popcount(levels & ADMIN) >= 2 ? 0.65 : 0;
  }
  if (cue === 2) {
    if ((levels & HOUSE) !== 0) return 0.9;
    if ((levels & STREET) !== 0) return 0.85;
    if (popcount(levels & ADMIN) >= 2) return 0.75;
    if ((levels & ADMIN) !== 0) return 0.6;
    return 0;
  }
  if ((levels & HOUSE) !== 0 && (levels & (ADMIN | STREET)) !== 0) return (levels & ADMIN) !== 0 ? 0.85 : 0.7;
  if ((levels & STREET) !== 0 && (levels & L.COUNTY) !== 0) return 0.65;
  if ((levels & STREET) !== 0 && (levels & ADMIN) !== 0) return 0.55;
  return 0;
}

function emitCn(ctx: MatchContext, start: number, cue: number): number {
  const score = scoreCn(addr.levels, cue);
  if (score === 0) return 0;
  ctx.emit({
    type: 'ADDRESS',
    start,
    end: addr.end,
    score,
    recognizer: ID,
    attrs: addr.province >= 0 ? { country: 'CN', province: CN_PROVINCES[addr.province]!.short } : { country: 'CN' },
  });
  return 1;
}

const SUFFIX_CODES = new Set(SUFFIX_KEYWORDS.map((w) => w.charCodeAt(0)));
const ALL_KINDS = DivisionKind.PROVINCE | DivisionKind.PREFECTURE | DivisionKind.COUNTY;

/**
 * Start of the address whose administrative name ends at `end` (exclusive, on a suffix keyword), extended left over
 * larger units written before it (`广东深圳南山区` from `南山区`). Returns -1 when no gazetteer name ends there, or
 * when a unit to the left ends with a suffix keyword itself (`广东省深圳市…`): that keyword's own hit, earlier in
 * the scan, reports the same address.
 */
function addressStartBefore(text: string, end: number): number {
  let start = divisionEndingAt(text, end, ALL_KINDS, div);
  if (start < 0) return -1;
  // `杭州市`: the hit on 州 of 杭州 leaves the address to the hit on 市.
  if (div.short && SUFFIX_CODES.has(text.charCodeAt(end))) return -1;
  let kinds =
    div.kind === DivisionKind.COUNTY
      ? DivisionKind.PROVINCE | DivisionKind.PREFECTURE
      : div.kind === DivisionKind.PREFECTURE
        ? DivisionKind.PROVINCE
        : 0;
  for (let step = 0; step < 2 && kinds !== 0; step++) {
    let e = start;
    if (text.charCodeAt(e - 1) === 32) e--;
    const s = divisionEndingAt(text, e, kinds, div);
    if (s < 0) break;
    if (SUFFIX_CODES.has(text.charCodeAt(e - 1))) return -1;
    start = s;
    kinds = div.kind === DivisionKind.PREFECTURE ? DivisionKind.PROVINCE : 0;
  }
  return start;
}

/** Whether an address cue ends right before `start` (skipping a colon and spaces): the cue path reports it. */
function precededByCue(text: string, start: number): boolean {
  let i = start;
  while (i > start - 3 && (text.charCodeAt(i - 1) === 58 || text.charCodeAt(i - 1) === 32)) i--;
  const last = text.charCodeAt(i - 1);
  if (!CUE_LAST.has(last)) return false;
  for (let k = 0; k < CN_CUES.length; k++) {
    const w = CN_CUES[k]!;
    if (i - w.length >= 0 && text.startsWith(w, i - w.length)) return true;
  }
  return false;
}
const CUE_LAST = new Set(CN_CUES.map((w) => w.charCodeAt(w.length - 1)));

// ---------------------------------------------------------------------------------------------------------------
// US parser.

const us = { end: 0, full: false };
const DIRECTIONS = new Set(['N', 'S', 'E', 'W', 'NE', 'NW', 'SE', 'SW', 'North', 'South', 'East', 'West']);

/** End of a word of ASCII letters at `i` (≤ 20), or `i`. */
function wordEnd(text: string, i: number): number {
  let j = i;
  while (j < i + 20 && isLetter(text.charCodeAt(j))) j++;
  return j;
}

function isCapitalisedWord(text: string, i: number, e: number): boolean {
  if (e - i < 2 || !isUpper(text.charCodeAt(i))) return false;
  for (let k = i + 1; k < e; k++) if (!isLower(text.charCodeAt(k)) && !isUpper(text.charCodeAt(k))) return false;
  return true;
}

/** `1st`, `42nd`, `5th` at `i`; returns end or -1. */
function ordinalEnd(text: string, i: number): number {
  let j = i;
  while (j < i + 3 && isDigit(text.charCodeAt(j))) j++;
  if (j === i) return -1;
  const a = text.charCodeAt(j) | 32;
  const b = text.charCodeAt(j + 1) | 32;
  const ok =
    (a === 115 && b === 116) || (a === 110 && b === 100) || (a === 114 && b === 100) || (a === 116 && b === 104);
  if (!ok || isLetter(text.charCodeAt(j + 2))) return -1;
  return j + 2;
}

/**
 * Parse `1600 Amphitheatre Parkway, Mountain View, CA 94043` after the house number that ends at `runEnd`.
 * Fills `us`. Look-right is bounded to about 120 characters. `lenient` (after a cue) accepts lower-case words.
 */
function parseUs(text: string, runEnd: number, lenient: boolean): boolean {
  let i = runEnd;
  if (isLetter(text.charCodeAt(i)) && !isLetter(text.charCodeAt(i + 1))) i++; // 221B
  if (text.charCodeAt(i) !== 32) return false;
  i++;
  // Optional direction (`N Main St`).
  let e = wordEnd(text, i);
  if (e > i && text.charCodeAt(e) === 32 && DIRECTIONS.has(text.slice(i, e))) i = e + 1;
  // Street name tokens, then a suffix word after at least one of them (`Amphitheatre Parkway`, `Park Avenue`);
  // after a suffix only another suffix word continues the street (`Ocean Park Way`).
  let tokens = 0;
  let streetEnd = -1;
  let j = i;
  for (let t = 0; t < 5; t++) {
    let te = ordinalEnd(text, j);
    let isSuffix = false;
    if (te < 0) {
      te = wordEnd(text, j);
      if (te === j) break;
      if (!isCapitalisedWord(text, j, te) && !(lenient && isLower(text.charCodeAt(j)))) break;
      if (te - j <= 10) {
        const lower = text.slice(j, te).toLowerCase();
        isSuffix = US_STREET_SUFFIXES.has(lower) && (tokens > 0 || lower === 'broadway');
      }
    }
    if (streetEnd >= 0 && !isSuffix) break;
    tokens++;
    if (isSuffix) streetEnd = text.charCodeAt(te) === 46 ? te + 1 : te;
    if (text.charCodeAt(te) !== 32) break;
    j = te + 1;
  }
  if (streetEnd < 0) return false;
  let end = streetEnd;
  // Direction after the suffix (`NW`).
  if (text.charCodeAt(end) === 32) {
    e = wordEnd(text, end + 1);
    if (e > end + 1 && DIRECTIONS.has(text.slice(end + 1, e)) && isUpper(text.charCodeAt(end + 1))) end = e;
  }
  // Unit: `, Apt 4B`, ` Suite 200`, ` #12`.
  {
    let k = end;
    if (text.charCodeAt(k) === 44) k++;
    if (text.charCodeAt(k) === 32) {
      k++;
      if (text.charCodeAt(k) === 35 && isDigit(text.charCodeAt(k + 1))) {
        k++;
        while (k < end + 16 && (isDigit(text.charCodeAt(k)) || isUpper(text.charCodeAt(k)))) k++;
        end = k;
      } else {
        const we = wordEnd(text, k);
        if (we > k && US_UNIT_DESIGNATORS.has(text.slice(k, we).toLowerCase())) {
          let m = we;
          if (text.charCodeAt(m) === 46) m++;
          if (text.charCodeAt(m) === 32) m++;
          if (text.charCodeAt(m) === 35) m++;
          const ms = m;
          while (m < ms + 6 && (isDigit(text.charCodeAt(m)) || isUpper(text.charCodeAt(m)))) m++;
          if (m > ms) end = m;
        }
      }
    }
  }
  // City, state and ZIP: `, Mountain View, CA 94043` or ` Springfield IL 62704`.
  us.full = false;
  {
    let k = end;
    if (text.charCodeAt(k) === 44) k++;
    if (text.charCodeAt(k) === 32) {
      k++;
      let cityEnd = -1;
      let m = k;
      for (let t = 0; t < 3; t++) {
        const we = wordEnd(text, m);
        if (!isCapitalisedWord(text, m, we) || (we - m === 2 && isUpper(text.charCodeAt(m + 1)))) break;
        cityEnd = we;
        if (text.charCodeAt(we) !== 32 || !isUpper(text.charCodeAt(we + 1))) break;
        m = we + 1;
      }
      if (cityEnd > 0) {
        let n = cityEnd;
        if (text.charCodeAt(n) === 44) n++;
        if (text.charCodeAt(n) === 32) n++;
        if (isUpper(text.charCodeAt(n)) && isUpper(text.charCodeAt(n + 1)) && !isLetter(text.charCodeAt(n + 2))) {
          const state = text.slice(n, n + 2);
          if (US_STATE_CODES.has(state)) {
            let z = n + 2;
            if (text.charCodeAt(z) === 32 && isDigit(text.charCodeAt(z + 1))) {
              const zs = z + 1;
              let ze = zs;
              while (ze < zs + 5 && isDigit(text.charCodeAt(ze))) ze++;
              if (ze - zs === 5 && !isDigit(text.charCodeAt(ze))) {
                z = ze;
                if (text.charCodeAt(z) === 45 && isDigit(text.charCodeAt(z + 1))) {
                  let p4 = z + 1;
                  while (p4 < z + 5 && isDigit(text.charCodeAt(p4))) p4++;
                  if (p4 - z - 1 === 4 && !isDigit(text.charCodeAt(p4))) z = p4;
                }
              } else z = n + 2;
            }
            end = z;
            us.full = true;
          }
        }
      }
    }
  }
  if (isLetter(text.charCodeAt(end)) || isDigit(text.charCodeAt(end))) return false;
  us.end = end;
  return tokens > 0;
}

function emitUs(ctx: MatchContext, start: number, score: number): void {
  ctx.emit({ type: 'ADDRESS', start, end: us.end, score, recognizer: ID, attrs: { country: 'US' } });
}

// ---------------------------------------------------------------------------------------------------------------

/** Skip a cue's separator: colon, spaces, quotes, `是`/`为`/`在`/`于`. */
function skipSeparator(text: string, p: number): number {
  let i = p;
  let cjk = false;
  while (i < p + 8) {
    const c = text.charCodeAt(i);
    if (c === 58 || c === 61 || c === 32 || c === 9 || c === 34 || c === 39 || c === 0x3010 || c === 0x3011) i++;
    else if (!cjk && (c === 0x662f || c === 0x4e3a || c === 0x5728 || c === 0x4e8e)) {
      cjk = true;
      i++;
    } else break;
  }
  return i;
}

const cursor = newColumnCursor();

/** Parse the value after a cue (or a table cell); returns 1 when an address was reported. */
function valueAfterCue(
  text: string,
  p: number,
  limit: number,
  ctx: MatchContext,
  cellOnly: boolean,
  cue: number,
): number {
  const c = text.charCodeAt(p);
  if (isDigit(c)) {
    let r = p;
    while (r < p + 7 && isDigit(text.charCodeAt(r))) r++;
    if (r - p <= 6 && parseUs(text, r, true) && us.end <= limit) {
      emitUs(ctx, p, cue === 2 ? (us.full ? 0.9 : 0.8) : us.full ? 0.85 : 0.7);
      return 1;
    }
  }
  if (!isHan(c) && !isDigit(c)) return 0;
  if (!parseCn(text, p, limit)) return 0;
  if (cellOnly && addr.end < limit - 2) return 0;
  return emitCn(ctx, p, cue);
}

function match(text: string, pos: number, ctx: MatchContext): void {
  const kind = KIND[ctx.keyword]!;
  const end = ctx.keywordEnd;
  if (kind === SUFFIX) {
    const start = addressStartBefore(text, end);
    if (start < 0 || precededByCue(text, start)) return;
    if (parseCn(text, start, text.length)) emitCn(ctx, start, 0);
    return;
  }
  let cueStart = pos;
  if (kind === ZHI) {
    // 地址 / 住址 (not 网址, 厂址, 新址).
    const b = text.charCodeAt(pos - 1);
    if (b !== 0x5730 && b !== 0x4f4f) return;
    cueStart = pos - 1;
  }
  if (headerCellAt(text, cueStart, end, cursor)) {
    let found = 0;
    while (nextColumnCell(text, cursor)) found += valueAfterCue(text, cursor.start, cursor.end, ctx, true, 2);
    if (found > 0) return;
  }
  const p = skipSeparator(text, end);
  valueAfterCue(text, p, text.length, ctx, false, kind === VERB_CUE ? 1 : 2);
}

/** DIGIT trigger: a US house number. O(1) gate: 1–6 digits, a space, then a capitalised word or an ordinal. */
function matchDigit(text: string, pos: number, ctx: MatchContext): void {
  const runEnd = ctx.runEnd;
  if (runEnd - pos > 6) return;
  let i = runEnd;
  if (isUpper(text.charCodeAt(i)) && text.charCodeAt(i + 1) === 32) i++; // 221B
  if (text.charCodeAt(i) !== 32) return;
  const a = text.charCodeAt(i + 1);
  const b = text.charCodeAt(i + 2);
  const direction = (a === 78 || a === 83 || a === 69 || a === 87) && b === 32; // N S E W
  if (!((isUpper(a) && isLower(b)) || direction || (isDigit(a) && (isDigit(b) || isLower(b))))) return;
  const prev = text.charCodeAt(pos - 1);
  if (isLetter(prev) || prev === 46 || prev === 36 || prev === 45 || prev === 35 || prev === 58 || prev === 47) return;
  if (!parseUs(text, runEnd, false)) return;
  emitUs(ctx, pos, us.full ? 0.85 : 0.6);
}

function dispatch(text: string, pos: number, ctx: MatchContext): void {
  // Keywords never start with a digit, so a digit here is the DIGIT trigger.
  if (isDigit(text.charCodeAt(pos))) matchDigit(text, pos, ctx);
  else match(text, pos, ctx);
}

/**
 * Postal addresses: Chinese (gazetteer names, cue words, county-level suffixes) and US street addresses.
 *
 * @example
 * createAnalyzer({ recognizers: [addressRecognizer] }).detect('地址：北京市海淀区中关村大街1号') // [{ start: 3, end: 15, … }]
 */
export const addressRecognizer = defineRecognizer({
  id: ID,
  entities: ['ADDRESS'],
  triggers: Trigger.KEYWORD | Trigger.DIGIT,
  // DIGIT: a US house number (≤ 6 digits) before a space or a letter suffix (`221B`), not after a letter, `.`, `-`.
  digitGate: (_d, len, prev, next) =>
    len <= 6 &&
    (next === 'space' || next === 'letter' || next === 'x') &&
    prev !== 'letter' &&
    prev !== 'x' &&
    prev !== 'dot' &&
    prev !== 'hyphen',
  keywords: KEYWORDS,
  match: dispatch,
  examples: {
    match: [
      '收货地址：广东省深圳市南山区科技园路1号阳光花园3栋2单元502室',
      '他家住海淀区中关村大街1号院2号楼',
      '河南省周口市郸城县汲冢镇王庄村5组',
      '1600 Amphitheatre Parkway, Mountain View, CA 94043',
      'Address: 221B Baker Street',
    ],
    noMatch: [
      '我在上海工作，周末去江苏省玩',
      '北京市海淀区人民法院依法判决',
      '中山路上新开了一家店',
      '乘坐地铁1号线到人民广场',
      'We sold 5 units last week',
    ],
  },
});
