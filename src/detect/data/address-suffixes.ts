/**
 * Address vocabulary: the suffixes that mark each level of a Chinese address below the county (reference §7.2),
 * the organisation words that end an address-like run (`…区人民法院` names a court, not a home), and the US
 * street suffixes, unit designators and state codes used by the US-style address parser.
 */

/** Address levels as bits; a parsed address records which levels it contains. */
export const AddressLevel = {
  PROVINCE: 1,
  PREFECTURE: 2,
  COUNTY: 4,
  /** 街道, 镇, 乡, 苏木 */
  TOWN: 8,
  /** 社区, 村, 居委会, 嘎查, 组 */
  VILLAGE: 16,
  /** 路, 街, 大道, 巷, 弄, 胡同 … */
  ROAD: 32,
  /** `88号`, `1号院` */
  NUMBER: 64,
  /** 小区, 花园, 苑, 大厦, 公寓 … */
  ESTATE: 128,
  /** 栋, 幢, 座, 号楼, 单元 */
  BUILDING: 256,
  /** 层, 楼, 室, 房, 户, or a bare room number after a building/unit */
  ROOM: 512,
} as const;

/** Suffixes of the CJK parts of an address, by level. Longer suffixes win (`大街` over `街`). */
const CJK_SUFFIXES: readonly (readonly [string, number])[] = [
  ['街道', AddressLevel.TOWN],
  ['镇', AddressLevel.TOWN],
  ['乡', AddressLevel.TOWN],
  ['苏木', AddressLevel.TOWN],
  ['开发区', AddressLevel.TOWN],
  ['工业园区', AddressLevel.TOWN],
  ['高新区', AddressLevel.TOWN],
  ['新区', AddressLevel.TOWN],
  ['社区', AddressLevel.VILLAGE],
  ['居委会', AddressLevel.VILLAGE],
  ['村委会', AddressLevel.VILLAGE],
  ['村', AddressLevel.VILLAGE],
  ['嘎查', AddressLevel.VILLAGE],
  ['屯', AddressLevel.VILLAGE],
  ['路', AddressLevel.ROAD],
  ['街', AddressLevel.ROAD],
  ['大街', AddressLevel.ROAD],
  ['大道', AddressLevel.ROAD],
  ['道', AddressLevel.ROAD],
  ['巷', AddressLevel.ROAD],
  ['弄', AddressLevel.ROAD],
  ['胡同', AddressLevel.ROAD],
  ['里', AddressLevel.ROAD],
  ['条', AddressLevel.ROAD],
  ['段', AddressLevel.ROAD],
  ['园区', AddressLevel.ESTATE],
  ['校区', AddressLevel.ESTATE],
  ['厂区', AddressLevel.ESTATE],
  ['片区', AddressLevel.ESTATE],
  ['小区', AddressLevel.ESTATE],
  ['花园', AddressLevel.ESTATE],
  ['苑', AddressLevel.ESTATE],
  ['园', AddressLevel.ESTATE],
  ['家园', AddressLevel.ESTATE],
  ['新村', AddressLevel.ESTATE],
  ['新城', AddressLevel.ESTATE],
  ['大厦', AddressLevel.ESTATE],
  ['大楼', AddressLevel.ESTATE],
  ['广场', AddressLevel.ESTATE],
  ['公寓', AddressLevel.ESTATE],
  ['山庄', AddressLevel.ESTATE],
  ['公馆', AddressLevel.ESTATE],
  ['宿舍', AddressLevel.ESTATE],
  ['商城', AddressLevel.ESTATE],
  ['中心', AddressLevel.ESTATE],
  ['城', AddressLevel.ESTATE],
  ['湾', AddressLevel.ESTATE],
  ['栋', AddressLevel.BUILDING],
  ['幢', AddressLevel.BUILDING],
  ['座', AddressLevel.BUILDING],
  ['号楼', AddressLevel.BUILDING],
  ['单元', AddressLevel.BUILDING],
  ['楼', AddressLevel.ROOM],
  ['层', AddressLevel.ROOM],
  ['室', AddressLevel.ROOM],
];

/** Suffixes after a number (`88号`, `3栋`, `2单元`, `502室`, `12楼`, `5组`, `123弄`). */
const NUMBER_SUFFIXES: readonly (readonly [string, number])[] = [
  ['号院', AddressLevel.NUMBER],
  ['号楼', AddressLevel.BUILDING],
  ['号', AddressLevel.NUMBER],
  ['栋', AddressLevel.BUILDING],
  ['幢', AddressLevel.BUILDING],
  ['座', AddressLevel.BUILDING],
  ['排', AddressLevel.BUILDING],
  ['期', AddressLevel.ESTATE],
  ['单元', AddressLevel.BUILDING],
  ['层', AddressLevel.ROOM],
  ['楼', AddressLevel.ROOM],
  ['室', AddressLevel.ROOM],
  ['房', AddressLevel.ROOM],
  ['户', AddressLevel.ROOM],
  ['弄', AddressLevel.ROAD],
  ['支弄', AddressLevel.ROAD],
  ['段', AddressLevel.ROAD],
  ['组', AddressLevel.VILLAGE],
];

/**
 * Words that end organisation names. An address-like run that reaches one of them names an organisation
 * (`海淀区人民法院`, `朝阳区政府`): the address stops before that run.
 */
export const ORGANISATION_WORDS: readonly string[] = [
  '法院',
  '检察院',
  '公安局',
  '分局',
  '派出所',
  '医院',
  '卫生院',
  '学校',
  '大学',
  '学院',
  '中学',
  '小学',
  '幼儿园',
  '公司',
  '集团',
  '银行',
  '支行',
  '分行',
  '政府',
  '委员会',
  '办事处',
  '管委会',
  '人大',
  '政协',
];

type Table = (readonly (readonly [string, number])[] | undefined)[];

const CJK = 0x4e00;
const CJK_SIZE = 0xa000 - CJK;

/** A flat table over the CJK block: one array read per probe (a `Map` look-up costs several times more). */
function build(entries: readonly (readonly [string, number])[]): Table {
  const t: (readonly [string, number])[][] = [];
  t.length = CJK_SIZE;
  for (const e of entries) {
    const c = e[0].charCodeAt(0) - CJK;
    const list = t[c];
    if (list === undefined) t[c] = [e];
    else list.push(e);
  }
  for (const list of t) if (list !== undefined) list.sort((a, b) => b[0].length - a[0].length);
  return t;
}

const CJK_TABLE = build(CJK_SUFFIXES);
const NUMBER_TABLE = build(NUMBER_SUFFIXES);
const ORG_TABLE = build(ORGANISATION_WORDS.map((w) => [w, 1] as const));

function lookup(table: Table, text: string, pos: number): number {
  const c = text.charCodeAt(pos) - CJK;
  if (!(c >= 0 && c < CJK_SIZE)) return 0;
  const list = table[c];
  if (list === undefined) return 0;
  for (let i = 0; i < list.length; i++) {
    const [word, level] = list[i]!;
    if (text.startsWith(word, pos)) return (word.length << 12) | level;
  }
  return 0;
}

/**
 * The longest CJK address suffix starting at `pos`, packed as `length << 12 | level` (0 when none).
 *
 * @example
 * cjkSuffixAt('中关村大街1号', 3) // (2 << 12) | AddressLevel.ROAD
 */
export function cjkSuffixAt(text: string, pos: number): number {
  return lookup(CJK_TABLE, text, pos);
}

/**
 * The suffix after a house/building/room number at `pos`, packed as `length << 12 | level` (0 when none).
 *
 * @example
 * numberSuffixAt('3号楼', 1) // (2 << 12) | AddressLevel.BUILDING
 */
export function numberSuffixAt(text: string, pos: number): number {
  return lookup(NUMBER_TABLE, text, pos);
}

/**
 * Length of the organisation word starting at `pos` (0 when none).
 *
 * @example
 * organisationWordAt('人民法院', 2) // 2
 */
export function organisationWordAt(text: string, pos: number): number {
  return lookup(ORG_TABLE, text, pos) >>> 12;
}

/** US street suffixes (USPS Publication 28 common forms and abbreviations), lowercase. */
export const US_STREET_SUFFIXES: ReadonlySet<string> = new Set([
  'street',
  'st',
  'avenue',
  'ave',
  'av',
  'road',
  'rd',
  'boulevard',
  'blvd',
  'lane',
  'ln',
  'drive',
  'dr',
  'court',
  'ct',
  'way',
  'parkway',
  'pkwy',
  'place',
  'pl',
  'terrace',
  'ter',
  'circle',
  'cir',
  'highway',
  'hwy',
  'square',
  'sq',
  'trail',
  'trl',
  'alley',
  'aly',
  'loop',
  'plaza',
  'plz',
  'crescent',
  'close',
  'row',
  'pike',
  'expressway',
  'expy',
  'freeway',
  'fwy',
  'broadway',
  'walk',
  'path',
  'point',
  'pt',
  'ridge',
  'run',
  'crossing',
  'xing',
  'cove',
  'heights',
  'hts',
  'gardens',
  'mews',
]);

/** Secondary unit designators (USPS Publication 28 appendix C2), lowercase. */
export const US_UNIT_DESIGNATORS: ReadonlySet<string> = new Set([
  'apt',
  'apartment',
  'suite',
  'ste',
  'unit',
  'floor',
  'fl',
  'room',
  'rm',
  'bldg',
  'building',
  'dept',
  'lot',
  'space',
  'trlr',
]);

/** US state and territory codes (USPS). */
export const US_STATE_CODES: ReadonlySet<string> = new Set(
  (
    'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK ' +
    'OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP'
  ).split(' '),
);

/** US states: code, name and the first digit of their ZIP codes (for the generator). */
export const US_STATES: readonly (readonly [code: string, name: string, zipFirst: string])[] = [
  ['AL', 'Alabama', '3'],
  ['AZ', 'Arizona', '8'],
  ['CA', 'California', '9'],
  ['CO', 'Colorado', '8'],
  ['FL', 'Florida', '3'],
  ['GA', 'Georgia', '3'],
  ['IL', 'Illinois', '6'],
  ['MA', 'Massachusetts', '0'],
  ['MI', 'Michigan', '4'],
  ['MN', 'Minnesota', '5'],
  ['NC', 'North Carolina', '2'],
  ['NJ', 'New Jersey', '0'],
  ['NY', 'New York', '1'],
  ['OH', 'Ohio', '4'],
  ['OR', 'Oregon', '9'],
  ['PA', 'Pennsylvania', '1'],
  ['TN', 'Tennessee', '3'],
  ['TX', 'Texas', '7'],
  ['VA', 'Virginia', '2'],
  ['WA', 'Washington', '9'],
  ['WI', 'Wisconsin', '5'],
];
