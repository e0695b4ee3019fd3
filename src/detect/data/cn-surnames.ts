/**
 * Chinese surnames (姓), for the PERSON recognizer and the synthetic-name generator.
 *
 * Sources: the 100 most common surnames of the ChineseNames dataset (Bao 2021, reference §7.1, in that order);
 * the next ~300 from the Ministry of Public Security name reports and the Hundred Family Surnames (百家姓),
 * grouped by rough frequency, not ranked; Traditional forms mapped to their Simplified surname; compound
 * surnames (复姓) that are still in use. Look-ups go through a `Uint8Array` over the CJK block built once at
 * module load, so `surnameTier` is one array read.
 *
 * Distinct surnames that merely look alike stay distinct (闫/阎, 付/傅, 肖/萧 are separate surnames).
 */

/** The 100 most common surnames, most common first (reference §7.1). */
export const COMMON_SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙朱马胡郭何高罗林郑梁谢宋唐韩许冯邓曹彭曾肖田董袁于潘蒋杜蔡余程魏叶吕丁苏任沈姚姜卢崔钟谭汪范陆金石廖贾夏付方韦邹白熊孟秦邱尹江薛闫侯段雷史龙陶顾贺黎郝毛邵龚万钱武严戴孔向覃常汤';

/** About 210 further surnames, roughly ranks 101–320. */
export const FREQUENT_SURNAMES =
  '欧易傅葛伍康洪乔牛文施庞樊兰殷齐单耿关包赖倪邢祝柳鲁骆岳莫季俞代宁甘柴蓝褚温安卜车申纪焦聂凌成游章阎左牟尤舒饶屈梅管裴路翟谷霍翁苗边鲍丘迟穆华房缪滕储靳邬卓蒙涂宫时吉古喻詹粟苟商符冉巫米查晏甄景童凡郎鞠池项桂麦刁晋尚冀闵司阮官虞奚茅戚廉沙解谈柏胥冷盛宗瞿芦娄占巩仇艾岑郁强桑隋荣辛连幸阳卞习全庄练农佘危蔺辜揭蒲邝姬鄢鹿佟明祁邰伏厉曲应原满冼柯麻雍逯毕闻綦匡汝鄂窦索丛邸敖栗扈党宣杭薄诸惠井燕衣臧滑简雒战苑郜相栾师宿郦訾颜费';

/** Rarer surnames: accepted only next to a strong cue (a 姓名-style label). */
export const RARE_SURNAMES =
  '伊依赫归展权鲜敬乐仲支弓钮庹修禹逄蔚初冒荀鄞竺羊寇檀戎邴蓟卫羿荆贲侍楚晁浦谌姒勾续慎宦羌尉琚阚汲邗骞暴仝寿殳弋仉帅宓蒯闾濮封宰缑昝蹇茹牧祖容酆岐庾钭计阙利仰桓云劳';

/** Traditional forms, each followed by its Simplified surname (`陳陈`): they take the Simplified surname's tier. */
export const TRADITIONAL_SURNAMES =
  '陳陈 劉刘 張张 黃黄 趙赵 吳吴 鄭郑 謝谢 楊杨 孫孙 馬马 羅罗 鄧邓 馮冯 韓韩 許许 蕭肖 葉叶 呂吕 蘇苏 盧卢 鍾钟 鐘钟 ' +
  '譚谭 陸陆 賈贾 韋韦 鄒邹 閆闫 閻阎 龍龙 顧顾 賀贺 龔龚 萬万 錢钱 嚴严 湯汤 歐欧 喬乔 龐庞 蘭兰 齊齐 單单 關关 賴赖 ' +
  '駱骆 魯鲁 鄔邬 聶聂 紀纪 蔣蒋 溫温 衛卫 雲云 顏颜 簡简 藍蓝 鮑鲍 莊庄 塗涂 鄺邝 勞劳 麥麦 於于 閔闵 儲储 費费';

/** Compound surnames (复姓), Simplified then Traditional spellings. Checked before single surnames. */
export const COMPOUND_SURNAMES: readonly string[] = [
  '欧阳',
  '司马',
  '诸葛',
  '上官',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '司空',
  '夏侯',
  '令狐',
  '轩辕',
  '钟离',
  '鲜于',
  '闾丘',
  '端木',
  '呼延',
  '南宫',
  '西门',
  '澹台',
  '淳于',
  '申屠',
  '万俟',
  '太史',
  '拓跋',
  '百里',
  '东郭',
  '公冶',
  '公羊',
  '赫连',
  '濮阳',
  '独孤',
  '梁丘',
  '左丘',
  '谷梁',
  '宰父',
  '亓官',
  '巫马',
  '仲孙',
  '叔孙',
  '乐正',
  '漆雕',
  '壤驷',
  '公良',
  '司寇',
  '颛孙',
  '羊舌',
  '微生',
  '闻人',
  '夹谷',
  '段干',
  '即墨',
  '张简',
  '范姜',
  '歐陽',
  '司馬',
  '諸葛',
  '東方',
  '尉遲',
  '公孫',
  '長孫',
  '軒轅',
  '鍾離',
  '閭丘',
  '南宮',
  '西門',
  '澹臺',
  '萬俟',
  '赫連',
  '濮陽',
  '獨孤',
  '張簡',
];

/**
 * Surnames that are also among the most frequent word-initial characters of ordinary prose (于 "at", 何 "what",
 * 成 "become", 时 "time", 高 "high"…). Weak cues (a verb before the name, a diminutive) do not accept them.
 */
export const AMBIGUOUS_SURNAMES =
  '于何向成时文安明全原满应党宣惠相师强连曲凡古吉司官查解谈冷盛宗占阳荣宁华管路边商代关包单车申游章左房景童项沙谷利计初容祖封乐支展权敬修仰高白金江石方万任余常史田林毛龙钱武严戴孔程叶段夏雷於萬';

/** Surname frequency tier: 1 = top 100, 2 = frequent, 3 = rare. */
export type SurnameTier = 0 | 1 | 2 | 3;

const CJK_BASE = 0x4e00;
const CJK_SIZE = 0xa000 - CJK_BASE;
const TIER_MASK = 3;
const AMBIGUOUS_BIT = 4;
/** The character starts some compound surname: gates the set look-up. */
const COMPOUND_FIRST_BIT = 8;

/** Per CJK code point: tier in the low two bits, {@link AMBIGUOUS_BIT}. Built once. */
const SURNAME_FLAGS = new Uint8Array(CJK_SIZE);

/** {@link pairKey} of every compound surname. */
const COMPOUND_KEYS = new Set<number>();

/** Two CJK code units as one small integer (below 2^31, so the set hashes a Smi, not a heap double). */
function pairKey(a: number, b: number): number {
  return (a - CJK_BASE) * CJK_SIZE + (b - CJK_BASE);
}

function setTier(chars: string, tier: number): void {
  for (let i = 0; i < chars.length; i++) {
    const c = chars.charCodeAt(i) - CJK_BASE;
    if (c >= 0 && c < CJK_SIZE && (SURNAME_FLAGS[c]! & TIER_MASK) === 0) SURNAME_FLAGS[c] = SURNAME_FLAGS[c]! | tier;
  }
}

setTier(COMMON_SURNAMES, 1);
setTier(FREQUENT_SURNAMES, 2);
setTier(RARE_SURNAMES, 3);
for (const pair of TRADITIONAL_SURNAMES.split(' ')) {
  const simplified = pair.charCodeAt(1) - CJK_BASE;
  setTier(pair.charAt(0), SURNAME_FLAGS[simplified]! & TIER_MASK || 3);
}
for (let i = 0; i < AMBIGUOUS_SURNAMES.length; i++) {
  const c = AMBIGUOUS_SURNAMES.charCodeAt(i) - CJK_BASE;
  SURNAME_FLAGS[c] = SURNAME_FLAGS[c]! | AMBIGUOUS_BIT;
}
for (const s of COMPOUND_SURNAMES) {
  COMPOUND_KEYS.add(pairKey(s.charCodeAt(0), s.charCodeAt(1)));
  const c = s.charCodeAt(0) - CJK_BASE;
  SURNAME_FLAGS[c] = SURNAME_FLAGS[c]! | COMPOUND_FIRST_BIT;
}

/**
 * Frequency tier of the single surname `code` (a UTF-16 code unit), 0 when it is not a surname.
 *
 * @example
 * surnameTier('王'.charCodeAt(0)) // 1
 */
export function surnameTier(code: number): SurnameTier {
  const i = code - CJK_BASE;
  if (!(i >= 0 && i < CJK_SIZE)) return 0;
  return (SURNAME_FLAGS[i]! & TIER_MASK) as SurnameTier;
}

/**
 * Whether the single surname `code` is also a very common word-initial character (see {@link AMBIGUOUS_SURNAMES}).
 *
 * @example
 * isAmbiguousSurname('于'.charCodeAt(0)) // true
 */
export function isAmbiguousSurname(code: number): boolean {
  const i = code - CJK_BASE;
  return i >= 0 && i < CJK_SIZE && (SURNAME_FLAGS[i]! & AMBIGUOUS_BIT) !== 0;
}

/**
 * Whether `text[pos, pos + 2)` is a compound surname. No allocation.
 *
 * @example
 * isCompoundSurnameAt('欧阳娜娜', 0) // true
 */
export function isCompoundSurnameAt(text: string, pos: number): boolean {
  const a = text.charCodeAt(pos) - CJK_BASE;
  if (!(a >= 0 && a < CJK_SIZE) || (SURNAME_FLAGS[a]! & COMPOUND_FIRST_BIT) === 0) return false;
  const b = text.charCodeAt(pos + 1) - CJK_BASE;
  return b >= 0 && b < CJK_SIZE && COMPOUND_KEYS.has(a * CJK_SIZE + b);
}

/**
 * Length of the surname starting at `pos`: 2 for a compound surname, 1 for a single one, 0 for none.
 * Compound surnames are checked first (`欧阳` rather than `欧`).
 *
 * @example
 * surnameLengthAt('司马光', 0) // 2
 */
export function surnameLengthAt(text: string, pos: number): 0 | 1 | 2 {
  if (isCompoundSurnameAt(text, pos)) return 2;
  return surnameTier(text.charCodeAt(pos)) !== 0 ? 1 : 0;
}
