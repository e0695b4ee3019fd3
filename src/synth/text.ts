/**
 * Synthetic PERSON, ADDRESS and DATE_OF_BIRTH values. Chinese names come from the surname tiers and given-name
 * characters in `detect/data`; Chinese addresses from the division gazetteer (a real province → prefecture →
 * county chain, then an invented road, number, estate and room); dates are real calendar dates in the past.
 *
 * Every value is accepted by the project's own recognizers when placed after a cue (`姓名：`, `地址：`,
 * `出生日期：`); the property tests in the recognizer folders rely on that.
 *
 * Supported `keep` aspects (with `like`):
 * - PERSON: `script` (Chinese vs English, from `like`), `surname` (the surname of `like`). The length of a
 *   Chinese `like` is kept as well, so masks and layouts stay aligned.
 * - ADDRESS: `province`, `city`, `district` (keep that prefix of `like`; the deepest level named wins).
 *   A US-style `like` yields a US-style address.
 * - DATE_OF_BIRTH: `year`, `decade`, `month`. The output uses the format of `like` (`1990年3月7日` stays
 *   `YYYY年M月D日`).
 */

import { US_STATES } from '../detect/data/address-suffixes.js';
import {
  CN_PREFECTURES,
  CN_PROVINCES,
  type CnPrefecture,
  DivisionKind,
  matchDivisionAt,
  newDivisionMatch,
} from '../detect/data/cn-divisions.js';
import {
  COMMON_GIVEN_NAMES,
  FEMALE_GIVEN_CHARS,
  MALE_GIVEN_CHARS,
  NEUTRAL_GIVEN_CHARS,
} from '../detect/data/cn-given-names.js';
import { isNameStopword } from '../detect/data/cn-name-stoplist.js';
import {
  AMBIGUOUS_SURNAMES,
  COMMON_SURNAMES,
  FREQUENT_SURNAMES,
  isCompoundSurnameAt,
  surnameTier,
} from '../detect/data/cn-surnames.js';
import { EN_GIVEN_NAMES, EN_SURNAMES } from '../detect/data/en-names.js';
import { formatDate, isRealDate, newParsedDate, parseDateAt } from '../detect/recognizers/text/dates.js';
import type { Rng } from './rng.js';
import type { GeneratorTable, SynthOptions } from './types.js';

const COMMON = [...COMMON_SURNAMES];
const FREQUENT = [...FREQUENT_SURNAMES].filter((c) => !AMBIGUOUS_SURNAMES.includes(c));
const COMPOUND = ['欧阳', '司马', '诸葛', '上官', '皇甫', '慕容', '司徒', '夏侯', '令狐', '公孙'];
const MALE = [...MALE_GIVEN_CHARS];
const FEMALE = [...FEMALE_GIVEN_CHARS];
const NEUTRAL = [...NEUTRAL_GIVEN_CHARS];
/** Given names that are also common words (`May`, `Hope`): the generator avoids them so outputs read as names. */
const WORD_NAMES = new Set(['April', 'May', 'June', 'August', 'Summer', 'Autumn', 'Dawn', 'Hope', 'Faith', 'Angel']);
const EN_GIVEN = [...EN_GIVEN_NAMES].filter((n) => n.length > 2 && !WORD_NAMES.has(n));
/** Plain capitalised surnames of four letters or more, e.g. matches `Smith`; not `Ng`, `O'Brien`, `McDonald`. */
const PLAIN_SURNAME = /^[A-Z][a-z]{3,}$/;
const EN_FAMILY = [...EN_SURNAMES].filter((n) => PLAIN_SURNAME.test(n));

function chance(rng: Rng, percent: number): boolean {
  return rng.int(100) < percent;
}

function pickSurname(rng: Rng): string {
  const r = rng.int(100);
  if (r < 2) return rng.pick(COMPOUND);
  if (r < 80) return rng.pick(COMMON);
  return rng.pick(FREQUENT);
}

function pickGivenChar(rng: Rng, male: boolean): string {
  const r = rng.int(10);
  if (r < 2) return rng.pick(NEUTRAL);
  return rng.pick(male ? MALE : FEMALE);
}

function givenName(rng: Rng, length: 1 | 2): string {
  if (length === 2 && chance(rng, 15)) {
    const common = COMMON_GIVEN_NAMES.filter((g) => g.length === 2);
    return rng.pick(common);
  }
  const male = chance(rng, 50);
  if (length === 1) return pickGivenChar(rng, male);
  const a = pickGivenChar(rng, male);
  if (chance(rng, 6)) return a + a; // 婷婷, 娜娜
  let b = pickGivenChar(rng, male);
  for (let i = 0; i < 4 && b === a; i++) b = pickGivenChar(rng, male);
  return a + b;
}

/** A name is usable when it is not an everyday word (`高明`, `周全`). */
function isUsableName(name: string): boolean {
  return !isNameStopword(name, 0, name.length) && !(name.length === 3 && isNameStopword(name, 0, 2));
}

function chineseName(rng: Rng, surname: string | null, givenLength: 1 | 2 | null): string {
  for (let attempt = 0; attempt < 16; attempt++) {
    const s = surname ?? pickSurname(rng);
    const g = givenName(rng, givenLength ?? (chance(rng, 75) ? 2 : 1));
    const name = s + g;
    if (isUsableName(name)) return name;
  }
  return `${surname ?? '张'}伟`;
}

/**
 * A plausible Chinese full name: a common surname (top 100 about 80 % of the time, a compound surname 2 %) and a
 * one- or two-character given name.
 *
 * @example
 * generateChineseName(createSeededRng(1)) // e.g. '李婷'
 */
export function generateChineseName(rng: Rng): string {
  return chineseName(rng, null, null);
}

/**
 * A plausible English name, `Given Surname`.
 *
 * @example
 * generateEnglishName(createSeededRng(1)) // e.g. 'Laura Bennett'
 */
export function generateEnglishName(rng: Rng): string {
  return `${rng.pick(EN_GIVEN)} ${rng.pick(EN_FAMILY)}`;
}

/** Any Han character (CJK basic block and extension A), e.g. matches `张伟`; not kana or hangul. */
const HAN = /[\u3400-\u9fff]/;
/** Any ASCII letter, e.g. matches `John`; not accented Latin letters (they only occur with ASCII ones here). */
const LATIN = /[A-Za-z]/;

function hasCjk(s: string): boolean {
  return HAN.test(s);
}

function hasLatin(s: string): boolean {
  return LATIN.test(s);
}

function person(rng: Rng, options?: SynthOptions): string {
  const like = options?.like;
  const keep = options?.keep ?? [];
  if (like === undefined || like.length === 0) return generateChineseName(rng);
  const english = !hasCjk(like) && hasLatin(like);
  if (english && keep.includes('script')) {
    const parts = like.trim().split(/\s+/);
    const last = parts[parts.length - 1]!;
    const surname = keep.includes('surname') ? last : rng.pick(EN_FAMILY);
    if (parts.length === 1) return keep.includes('surname') ? last : rng.pick(EN_GIVEN);
    return `${rng.pick(EN_GIVEN)} ${surname}`;
  }
  if (english) {
    return keep.includes('surname') ? chineseName(rng, null, null) : generateChineseName(rng);
  }
  const text = like.trim();
  const compound = isCompoundSurnameAt(text, 0);
  const sLen = compound ? 2 : surnameTier(text.charCodeAt(0)) !== 0 ? 1 : 0;
  const surname = keep.includes('surname') && sLen > 0 ? text.slice(0, sLen) : null;
  const givenLen = sLen > 0 ? text.length - sLen : text.length - 1;
  if (givenLen <= 0) return surname ?? pickSurname(rng).charAt(0);
  return chineseName(rng, surname, givenLen >= 2 ? 2 : 1);
}

const ROADS = [
  '人民',
  '解放',
  '中山',
  '建设',
  '和平',
  '新华',
  '胜利',
  '文化',
  '朝阳',
  '光明',
  '长江',
  '黄河',
  '青年',
  '友谊',
  '幸福',
  '团结',
  '育才',
  '学府',
  '迎宾',
  '滨江',
  '滨河',
  '金桥',
  '东风',
  '红旗',
  '花园',
  '工业',
  '科技',
  '创新',
  '振兴',
  '复兴',
  '锦绣',
  '金沙',
  '银河',
  '望江',
  '翠微',
  '紫荆',
  '梧桐',
  '桂花',
  '凤凰',
  '龙泉',
];
const ROAD_SUFFIXES = ['路', '路', '路', '街', '大道', '东路', '西路', '南路', '北路', '中路', '大街'];
const ESTATES = [
  '阳光',
  '金色',
  '幸福',
  '锦绣',
  '翠湖',
  '碧水',
  '绿地',
  '春天',
  '盛世',
  '御景',
  '紫金',
  '香榭',
  '枫林',
  '丽景',
  '华庭',
  '明珠',
  '海棠',
  '书香',
  '瑞景',
  '天合',
];
const ESTATE_SUFFIXES = ['花园', '小区', '家园', '苑', '新村', '公寓', '名苑', '雅苑', '大厦'];
const TOWNS = ['城关', '新城', '东关', '西关', '南湖', '北坝', '河口', '桥头', '石桥', '柳林', '杨庄', '王集'];
const VILLAGES = ['王庄', '李家', '张湾', '刘营', '陈村', '杨树', '东河', '西岭', '前进', '红星', '新立', '大柳'];

function pickProvince(rng: Rng, hint: string | undefined): number {
  if (hint !== undefined) {
    const i = CN_PROVINCES.findIndex((p) => p.name === hint || p.short === hint || p.code === hint);
    if (i >= 0) return i;
  }
  // Mainland provinces only: Taiwan, Hong Kong and Macau addresses follow other conventions.
  for (;;) {
    const i = rng.int(CN_PROVINCES.length);
    const code = CN_PROVINCES[i]!.code;
    if (code !== '71' && code !== '81' && code !== '82') return i;
  }
}

function streetPart(rng: Rng, county: string | null): string {
  if (county === null || chance(rng, 80)) {
    const road = rng.pick(ROADS) + rng.pick(ROAD_SUFFIXES);
    let s = `${road}${1 + rng.int(399)}号`;
    if (chance(rng, 70)) {
      const estate = rng.pick(ESTATES) + rng.pick(ESTATE_SUFFIXES);
      const building = 1 + rng.int(30);
      const unit = 1 + rng.int(6);
      const floor = 1 + rng.int(32);
      const room = floor * 100 + 1 + rng.int(4);
      s += chance(rng, 50) ? `${estate}${building}栋${unit}单元${room}室` : `${estate}${building}-${unit}-${room}`;
    }
    return s;
  }
  const town = rng.pick(TOWNS) + (chance(rng, 70) ? '镇' : '街道');
  const village = `${rng.pick(VILLAGES)}村`;
  return chance(rng, 50)
    ? `${town}${village}${1 + rng.int(12)}组${1 + rng.int(120)}号`
    : `${town}${village}${1 + rng.int(200)}号`;
}

/**
 * A plausible Chinese postal address: a real province → prefecture → county chain from the gazetteer, then an
 * invented road, house number and (usually) estate, building, unit and room — or a town and village.
 *
 * @example
 * generateChineseAddress(createSeededRng(3), { province: '广东' }) // e.g. '广东省深圳市南山区科技路88号阳光花园3栋2单元502室'
 */
export function generateChineseAddress(rng: Rng, options: { province?: string } = {}): string {
  const p = CN_PROVINCES[pickProvince(rng, options.province)]!;
  const pref = rng.pick(p.prefectures);
  const county = pref.counties.length > 0 ? rng.pick(pref.counties) : null;
  const head = p.municipality ? p.name : p.name + pref.name;
  return head + (county ?? '') + streetPart(rng, county);
}

const US_STREETS = [
  'Maple',
  'Oak',
  'Pine',
  'Cedar',
  'Elm',
  'Washington',
  'Lake',
  'Hill',
  'Main',
  'Park',
  'Sunset',
  'Lincoln',
  'Jefferson',
  'Highland',
  'Church',
  'Walnut',
  'Willow',
  'River',
  'Spring',
  'Meadow',
  'Ridge',
  'Forest',
  'Chestnut',
  'Franklin',
];
const US_SUFFIXES = [
  'Street',
  'Avenue',
  'Road',
  'Lane',
  'Drive',
  'Boulevard',
  'Court',
  'Way',
  'Place',
  'St',
  'Ave',
  'Rd',
];
const US_CITIES = [
  'Springfield',
  'Riverside',
  'Franklin',
  'Greenville',
  'Fairview',
  'Madison',
  'Georgetown',
  'Salem',
  'Clinton',
  'Arlington',
  'Ashland',
  'Burlington',
  'Dover',
  'Milford',
  'Oxford',
  'Newport',
];

/**
 * A plausible US street address: `1234 Maple Street, Springfield, IL 62704` (the ZIP's first digit matches
 * the state's region; sometimes with an apartment or suite).
 *
 * @example
 * generateUsAddress(createSeededRng(5)) // e.g. '742 Cedar Avenue, Apt 3B, Salem, OR 97301'
 */
export function generateUsAddress(rng: Rng): string {
  const [code, , zipFirst] = rng.pick(US_STATES);
  const number = 1 + rng.int(9899);
  let s = `${number} ${rng.pick(US_STREETS)} ${rng.pick(US_SUFFIXES)}`;
  if (chance(rng, 25)) s += `, ${chance(rng, 50) ? 'Apt' : 'Suite'} ${1 + rng.int(40)}${chance(rng, 50) ? 'B' : ''}`;
  const zip = zipFirst + String(rng.int(10000)).padStart(4, '0');
  return `${s}, ${rng.pick(US_CITIES)}, ${code} ${zip}`;
}

function address(rng: Rng, options?: SynthOptions): string {
  const like = options?.like;
  const keep = options?.keep ?? [];
  if (like === undefined || like.length === 0) return generateChineseAddress(rng);
  if (!hasCjk(like) && hasLatin(like)) return generateUsAddress(rng);
  const wantDistrict = keep.includes('district');
  const wantCity = wantDistrict || keep.includes('city');
  const wantProvince = wantCity || keep.includes('province');
  if (!wantProvince) return generateChineseAddress(rng);
  // Walk the gazetteer over `like`: province, then prefecture, then county.
  const m = newDivisionMatch();
  let pos = 0;
  let provinceIndex = -1;
  let prefecture: CnPrefecture | null = null;
  let county: string | null = null;
  let keptEnd = 0;
  if (matchDivisionAt(like, pos, DivisionKind.PROVINCE, m)) {
    provinceIndex = m.province;
    pos = m.end;
    if (like.charAt(pos) === '省') pos++;
    keptEnd = pos;
  }
  if (wantCity && matchDivisionAt(like, pos, DivisionKind.PREFECTURE, m)) {
    prefecture = CN_PREFECTURES[m.prefecture] ?? null;
    if (provinceIndex < 0) provinceIndex = m.province;
    pos = m.end;
    if (like.charAt(pos) === '市') pos++;
    keptEnd = pos;
  }
  if (wantDistrict && matchDivisionAt(like, pos, DivisionKind.COUNTY, m)) {
    county = like.slice(pos, m.end);
    if (provinceIndex < 0) provinceIndex = m.province;
    if (prefecture === null && m.prefecture >= 0) prefecture = CN_PREFECTURES[m.prefecture] ?? null;
    pos = m.end;
    keptEnd = pos;
  }
  if (provinceIndex < 0) return generateChineseAddress(rng);
  const p = CN_PROVINCES[provinceIndex]!;
  const kept = like.slice(0, keptEnd);
  if (county !== null) return kept + streetPart(rng, county);
  if (prefecture !== null || (p.municipality && wantCity)) {
    const pref = prefecture ?? p.prefectures[0]!;
    const c = pref.counties.length > 0 ? rng.pick(pref.counties) : null;
    return kept + (c ?? '') + streetPart(rng, c);
  }
  // Province kept: a fresh prefecture and county inside it.
  const pref = rng.pick(p.prefectures);
  const c = pref.counties.length > 0 ? rng.pick(pref.counties) : null;
  const keptProvince = kept.length > 0 ? kept : p.name;
  return keptProvince + (p.municipality ? '' : pref.name) + (c ?? '') + streetPart(rng, c);
}

const DAY_MS = 86_400_000;

function todayParts(): [number, number, number] {
  const t = new Date(Date.now() + 8 * 3600 * 1000);
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

function isPast(y: number, m: number, d: number): boolean {
  const [ty, tm, td] = todayParts();
  return y * 10000 + m * 100 + d < ty * 10000 + tm * 100 + td;
}

function dateOfBirth(rng: Rng, options?: SynthOptions): string {
  const keep = options?.keep ?? [];
  const parsed = newParsedDate();
  let format = 'YYYY-MM-DD';
  let likeYear = 0;
  let likeMonth = 0;
  const like = options?.like;
  if (like !== undefined) {
    for (let i = 0; i < like.length && i < 64; i++) {
      if (parseDateAt(like, i, parsed) && isRealDate(parsed.year, parsed.month, parsed.day)) {
        format = parsed.format;
        likeYear = parsed.year;
        likeMonth = parsed.month;
        break;
      }
    }
  }
  const [thisYear] = todayParts();
  for (let attempt = 0; attempt < 64; attempt++) {
    let year: number;
    if (keep.includes('year') && likeYear > 0) year = likeYear;
    else if (keep.includes('decade') && likeYear > 0) year = likeYear - (likeYear % 10) + rng.int(10);
    else year = 1945 + rng.int(thisYear - 1945 - 17);
    const month = keep.includes('month') && likeMonth > 0 ? likeMonth : 1 + rng.int(12);
    const maxDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const day = 1 + rng.int(maxDay);
    if (year > thisYear || !isPast(year, month, day)) continue;
    return formatDate(year, month, day, format);
  }
  // Every attempt fell in the future (a kept year of this year, late in the month): yesterday fits every aspect.
  const y = new Date(Date.now() - DAY_MS);
  return formatDate(y.getUTCFullYear(), y.getUTCMonth() + 1, y.getUTCDate(), format);
}

/** Generators for PERSON, ADDRESS and DATE_OF_BIRTH. */
export const textGenerators: GeneratorTable = {
  PERSON: person,
  ADDRESS: address,
  DATE_OF_BIRTH: dateOfBirth,
};
