/**
 * PERSON — names of natural persons in Chinese and English text.
 *
 * Spec: reference §7.1. A Chinese name is a surname (compound checked before single: `欧阳`, then `王`) and a
 * one- or two-character given name, or a transliterated name whose parts are joined by a middle dot
 * (`买买提·艾力`). English names are one to four capitalised tokens (`John Smith`, `Mary-Jane O'Brien`, `J. Smith`).
 * There is no validator; evidence comes from cues, and every path needs one:
 * - labels before the name (`姓名：`, `联系人`, `收件人`, `name:`, `"first_name": "…"`) — strong;
 * - role nouns glued to the name (`患者张伟`, `被告人李某某`, `patient John Smith`);
 * - honorifics after the name (`张伟先生`, `王老师`, `王总`, `Mr. Smith`, `Dear John,`);
 * - weak verbs (`联系张伟`, `通知王小明`): three-character names of common surnames and given-name characters only;
 * - diminutives (`老王`, `小李`) and court-style masks (`张某`, `张某某`, `李*`; reported with `masked: true`);
 * - table columns: a header cell `姓名`/`name` makes the cells below it candidates (bounded, see `columns.ts`).
 *
 * Entry is the KEYWORD trigger on cue words, never on surname characters: prose costs one table lookup per
 * character. Each cue does bounded work: at most 8 characters to the left (honorifics) or 48 to the right.
 *
 * Known false-positive traps, and what handles them:
 * - everyday words that start with a surname (高兴 王国 周末 黄金 马上 …): the stop-list `cn-name-stoplist.ts`,
 *   and the requirement that a name ends at a plausible boundary (punctuation, a digit, a field label, an
 *   honorific, or a function word such as 的 在 说 是 和);
 * - subject words before honorifics (`历史老师`, `项目经理`, `高中同学`): a lone surname before an honorific needs
 *   a clean left boundary; two-character candidates go through the stop-list;
 * - `于某些`, `关于某`, `总结`: mask and boss forms check the characters around them;
 * - English capitalised words (Monday, Street, Inc, Customer…): `EN_NOT_NAMES`; a bare `name` key (JSON product
 *   names) needs a given name or surname from the lists;
 * - street suffix `Dr.` after a street name (`12 Oak Dr. Springfield`).
 */
import { isCommonGivenChar } from '../../data/cn-given-names.js';
import { isNameStopword } from '../../data/cn-name-stoplist.js';
import { isAmbiguousSurname, isCompoundSurnameAt, surnameTier } from '../../data/cn-surnames.js';
import { EN_GIVEN_NAMES, EN_NOT_NAMES, EN_SURNAMES, foldAccents } from '../../data/en-names.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { headerCellAt, newColumnCursor, nextColumnCell } from './columns.js';

const ID = 'person';

// Cue kinds.
const LABEL = 1; // 姓名：X
const ROLE = 2; // 患者X, 律师X
const SELF = 3; // 我叫X, 本人X
const VERB = 4; // 联系X (weak)
const HONORIFIC = 5; // X先生
const BOSS = 6; // X总
const MASK = 7; // X某
const DIMINUTIVE = 8; // 老X, 小X
const EN_LABEL = 9; // name: X
const EN_KEY = 10; // first_name: X (person-specific key)
const EN_TITLE = 11; // Mr. X
const EN_GREETING = 12; // Dear X,
const EN_ROLE = 13; // patient X
const EN_SIGNOFF = 14; // Regards,\nX
const EN_HEADER = 15; // From: X <x@y>
const GENDER = 16; // X，男，1990年… (record style)
const TITLE = 17; // X局长 (via 长)
const VARIANT = 18; // a single rare-ish character standing for several cues (户 → 客户 用户 户主 户名 …)
const BARE = 19; // ，X — a name right after a full-width comma, with strict checks
const EN_WEAK = 20; // for X Y / add X Y: both a listed given name and a listed surname
const EN_AFTER = 21; // X Y said
const POSSESSIVE = 22; // X的电话 / X的手机 (a name before 的)
const SHOP = 23; // 南京市于翠便利店: an individual business named after its owner
const JOB_LINE = 24; // Jane Doe\nSenior Engineer (a signature: the line before a job title)
const TD = 25; // <td>张伟</td>

/** Honorifics and titles after a name: every one ends a name; those in {@link HONORIFIC_KEYS} are also keywords. */
const HONORIFICS = [
  '先生',
  '女士',
  '小姐',
  '同学',
  '老师',
  '医生',
  '护士',
  '经理',
  '主任',
  '律师',
  '警官',
  '法官',
  '教授',
  '博士',
  '师傅',
  '阿姨',
  '叔叔',
  '同志',
  '总监',
  '老板',
  '太太',
  '夫人',
  '记者',
  '会计',
  '书记',
  '工程师',
  '醫生',
  '老師',
  '經理',
];
/**
 * Honorifics registered as keywords. Left out: those whose first character is very frequent in prose and whose
 * value is low (同志 阿姨 太太 书记 …); `同学` is found through `学` (already a keyword first character for 学生).
 */
const HONORIFIC_KEYS = [
  '先生',
  '女士',
  '小姐',
  '老师',
  '医生',
  '护士',
  '经理',
  '律师',
  '警官',
  '法官',
  '教授',
  '博士',
  '师傅',
  '叔叔',
  '总监',
  '老板',
  '醫生',
  '老師',
  '經理',
];

/**
 * One keyword character standing for several cues, so that the frequent characters around it (客 用 会 车 同 …)
 * stay out of the scanner's keyword table: `[before, after, kind]` — the cue is `before + key + after`.
 */
const VARIANTS: ReadonlyMap<string, readonly (readonly [string, string, number])[]> = new Map([
  [
    '户',
    [
      ['客', '', ROLE],
      ['用', '', ROLE],
      ['住', '', ROLE],
      ['', '主', LABEL],
      ['', '名', LABEL],
      ['开', '人', LABEL],
    ],
  ],
  [
    '主',
    [
      ['', '任', HONORIFIC],
      ['', '任', ROLE],
      ['', '管', HONORIFIC],
      ['车', '', LABEL],
      ['业', '', LABEL],
      ['房', '', LABEL],
      ['店', '', LABEL],
      ['雇', '', LABEL],
    ],
  ],
  [
    '员',
    [
      ['会', '', ROLE],
      ['', '工', ROLE],
      ['驾驶', '', LABEL],
      ['快递', '', ROLE],
      ['业务', '', ROLE],
      ['服务', '', ROLE],
      ['乘务', '', ROLE],
      ['职', '', ROLE],
      ['学', '', ROLE],
      ['队', '', ROLE],
      ['店', '', ROLE],
      ['销售', '', ROLE],
      ['人', '', ROLE],
    ],
  ],
  [
    '学',
    [
      ['同', '', HONORIFIC],
      ['', '生', ROLE],
    ],
  ],
  ['胞', [['同', '', ROLE]]],
]);

/**
 * Cue words and their kinds. A word may appear twice with two kinds (`律师张伟`, `张伟律师`).
 *
 * The scanner pays for every occurrence of a keyword's FIRST character, so cues are keyed on rare characters
 * where possible: `件人` stands for 收件人/寄件人/发件人, `款人` for 收款人/付款人/汇款人/借款人, `诉人` for
 * 上诉人/申诉人/起诉人, `长` (with the title prefix checked in `match`) for 局长/院长/科长…, `叫` for 我叫/名叫/叫做.
 * Cues whose first character is among the most frequent in prose and that add little (会员, 用户, 作者, 大爷…)
 * are left out on purpose.
 */
const CUES: readonly (readonly [string, number])[] = [
  ...[
    '姓名',
    '名字',
    '联系人',
    '联络人',
    '件人',
    '货人',
    '款人',
    '签收人',
    '申请人',
    '当事人',
    '法定代表人',
    '法人代表',
    '负责人',
    '经办人',
    '卡人',
    '乘车人',
    '报案人',
    '报警人',
    '害人',
    '委托人',
    '监护人',
    '投保人',
    '担保人',
    '被保险人',
    '签名',
    '签字',
    '驾驶人',
    '聯繫人',
    '聯絡人',
    '負責人',
    '申請人',
    '當事人',
  ].map((w) => [w, LABEL] as const),
  ...[
    '患者',
    '病人',
    '病患',
    '销售',
    '骑手',
    '师傅',
    '顾客',
    '乘客',
    '旅客',
    '司机',
    '嫌疑人',
    '嫌犯',
    '被告',
    '被告人',
    '原告',
    '诉人',
    '罪犯',
    '犯人',
    '死者',
    '伤者',
    '丈夫',
    '妻子',
    '儿子',
    '女儿',
    '父亲',
    '母亲',
    '朋友',
    '教师',
    '市民',
    '律师',
    '医生',
    '教授',
    '经理',
    '护士',
    '警官',
    '法官',
    '學生',
    '醫生',
  ].map((w) => [w, ROLE] as const),
  ['叫', SELF],
  ...['联系', '委托'].map((w) => [w, VERB] as const),
  ...HONORIFIC_KEYS.map((w) => [w, HONORIFIC] as const),
  ...[...VARIANTS.keys()].map((w) => [w, VARIANT] as const),
  ['长', TITLE],
  ['，', BARE],
  ['、', BARE],
  ['把', VERB],
  ['与', VERB],
  ['接', VERB],
  ['我是', SELF],
  ['自称', SELF],
  ['投诉', LABEL],
  ['记录', LABEL],
  ['收:', LABEL],
  ['寄:', LABEL],
  ['所有人', LABEL],
  ['经营者', LABEL],
  ['租方', LABEL],
  ['照人', LABEL],
  ['证人', LABEL],
  ['电话', POSSESSIVE],
  ['手机', POSSESSIVE],
  ...['便利店', '小卖部', '商店', '饭店', '餐馆', '经营部'].map((w) => [w, SHOP] as const),
  ['总', BOSS],
  ['男', GENDER],
  ['女', GENDER],
  ['某', MASK],
  ['老', DIMINUTIVE],
  ['小', DIMINUTIVE],
  ...['name', 'xm', 'xingming'].map((w) => [w, EN_LABEL] as const),
  ...[
    'firstname',
    'lastname',
    'fullname',
    'realname',
    'givenname',
    'familyname',
    'surname',
    'middlename',
    'customername',
    'contactname',
    'patientname',
    'holdername',
    'accountname',
    'receivername',
    'consigneename',
    'recipientname',
    'sendername',
    'receiver',
    'sender',
    'payee',
    'payer',
    'consignee',
    'person',
  ].map((w) => [w, EN_KEY] as const),
  ...['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof'].map((w) => [w, EN_TITLE] as const),
  ...['dear', 'hi', 'hello', 'hey'].map((w) => [w, EN_GREETING] as const),
  ...[
    'patient',
    'contact',
    'customer',
    'recipient',
    'attn',
    'signed',
    'applicant',
    'tenant',
    'passenger',
    'witness',
    'suspect',
    'victim',
    'defendant',
    'plaintiff',
    'cardholder',
    'holder',
    'owner',
    'caller',
    'beneficiary',
    'employee',
    'lead',
    'kyc',
    'author',
    'guest',
    'client',
    'driver',
    'student',
    'office',
    'form',
  ].map((w) => [w, EN_ROLE] as const),
  ...['sincerely', 'regards', 'cheers', 'thanks', 'best'].map((w) => [w, EN_SIGNOFF] as const),
  ['from', EN_HEADER],
  ['td', TD],
  ...[
    'senior',
    'junior',
    'principal',
    'staff',
    'chief',
    'engineer',
    'manager',
    'director',
    'ceo',
    'cto',
    'cfo',
    'founder',
    'president',
    'vp',
    'analyst',
    'consultant',
    'specialist',
    'developer',
    'designer',
    'coordinator',
    'representative',
    'assistant',
    'account',
    'sales',
    'product',
    'head',
  ].map((w) => [w, JOB_LINE] as const),
  ...['for', 'add', 'onboard', "it's", 'with', 'by', 'is', 'to', 'call'].map((w) => [w, EN_WEAK] as const),
  ...['said', 'wrote', 'says', 'asked', 'replied'].map((w) => [w, EN_AFTER] as const),
];

/** Characters allowed before a rare-keyed label (`件人` → 收件人 寄件人 发件人; `款人` → 收款人 付款人 …). */
const LABEL_HEADS: ReadonlyMap<string, string> = new Map([
  ['件人', '收寄发'],
  ['货人', '收发'],
  ['款人', '收付汇借贷'],
  ['卡人', '持'],
  ['害人', '受被'],
  ['诉人', '上申起'],
  ['租方', '出承'],
  ['照人', '持'],
]);

/** Characters before 长 that make it a title (局长 院长 科长 校长 …); 董事长/理事长/秘书长/护士长 look two back. */
const TITLE_HEADS = '院局处科部市县村厂组队店校班行所社站镇乡区省团署司会船机厅';

const KEYWORDS: readonly string[] = CUES.map((c) => c[0]);
const KIND = Uint8Array.from(CUES.map((c) => c[1]));
/** Code units allowed before each keyword (empty: no condition). */
const HEADS: readonly (readonly number[])[] = CUES.map((c) =>
  [...(LABEL_HEADS.get(c[0]) ?? '')].map((h) => h.charCodeAt(0)),
);
const VARIANT_LIST: readonly (readonly (readonly [string, string, number])[])[] = CUES.map(
  (c) => VARIANTS.get(c[0]) ?? [],
);

// ---------------------------------------------------------------------------------------------------------------
// Character classes (one Uint8Array over the CJK block, built once).

const CJK = 0x4e00;
const CJK_END = 0xa000;
const NOT_GIVEN = 1; // cannot be part of a given name
const STRONG = 2; // a function word that almost never ends a given name: ends the name before it
const WEAK = 4; // a function word that can also be a given-name character
const LEFT = 8; // may stand right before a name (对 给 和 的 …)
const NOT_AFTER_MOU = 16; // 某些 某种 某个 …: 某 is a determiner, not a mask
const NOT_AFTER_ZONG = 32; // 总结 总共 总是 …
const TRANSLIT_STOP = 64; // particles that end a transliterated name (的 了 是 …); 都 and 不 occur inside them (阿不都)

const FLAGS = new Uint8Array(CJK_END - CJK);
function flag(chars: string, bit: number): void {
  for (let i = 0; i < chars.length; i++) FLAGS[chars.charCodeAt(i) - CJK] = FLAGS[chars.charCodeAt(i) - CJK]! | bit;
}
flag(
  '的了着过吗呢吧啊呀哦嘛么我你他她它们这那哪谁什是在有与及或也都就还再很最太更不没别被把让给对从往到说讲问叫看做用要会能该得个些每各某其所等里年日号元块件条位次份点分秒性电手身证邮职联址籍',
  NOT_GIVEN,
);
flag(
  '的地得了说在是和与跟把被让给对从向也都就还又却并吗呢吧啊呀嘛哦称讲问答已曾于因将要会能可去到等及或今昨这那他她它们你我自所即便才只没不很太再拿买看找带用做写坐住走来回副拉打借收寄送转交签填办付接离报使',
  STRONG,
);
flag('为以男女同之经系中上下年月日', WEAK);
flag('的和与及跟同给对向找问叫请让把被是为由经据令派称了见到有位名将致谢们班组队司部门院校里', LEFT);
flag('些种个天人处地时日年月位项件家方类样段次所部单公市省县区国物事', NOT_AFTER_MOU);
flag('结共是体部数额计量统理算归而站局会书价值分要之和线则账纲称署督务机店台队院厂行', NOT_AFTER_ZONG);
flag('的了是在说和与把被给对从收使于称驾拉', TRANSLIT_STOP);

function isHan(c: number): boolean {
  return c >= CJK && c < CJK_END;
}

function has(c: number, bit: number): boolean {
  return c >= CJK && c < CJK_END && (FLAGS[c - CJK]! & bit) !== 0;
}

function isGivenChar(c: number): boolean {
  return isHan(c) && (FLAGS[c - CJK]! & NOT_GIVEN) === 0;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const MIDDLE_DOT = 0xb7;

/**
 * Score of a lone surname (`王先生` → 王, `王总`, `老王`, `小李`): below the default threshold of 0.5. A surname is
 * not a name (it identifies no one), and the project's evaluation labels such text as no PERSON; callers who want
 * these forms lower the PERSON threshold.
 */
const SURNAME_ONLY = 0.45;
const MOU = 0x67d0; // 某

function isMaskChar(c: number): boolean {
  return c === 42 || c === 0xd7 || c === 0x25cb || c === 0x25cf || c === 88 || c === 120;
}

// ---------------------------------------------------------------------------------------------------------------
// Words that end a name: honorifics, field labels and multi-character verbs. First-char table, longest first.

const BOUNDARY_WORDS = [
  ...HONORIFICS,
  ...CUES.filter((c) => c[1] === LABEL).map((c) => c[0]),
  '性别',
  '年龄',
  '电话',
  '手机',
  '联系',
  '地址',
  '住址',
  '身份',
  '证件',
  '民族',
  '籍贯',
  '出生',
  '职业',
  '职务',
  '单位',
  '部门',
  '邮箱',
  '邮编',
  '学号',
  '工号',
  '工作',
  '户籍',
  '现住',
  '婚姻',
  '学历',
  '政治',
  '备注',
  '日期',
  '时间',
  '账号',
  '卡号',
  '银行',
  '开户',
  '金额',
  '微信',
  '表示',
  '认为',
  '指出',
  '介绍',
  '透露',
  '回忆',
  '坦言',
  '解释',
  '强调',
  '已经',
  '正在',
  '因为',
  '由于',
  '涉嫌',
  '驾驶',
  '携带',
  '前往',
  '来到',
  '夫妇',
  '一家',
  '家属',
  '等人',
  '同学',
  '本人',
  '自称',
  '反馈',
  '来电',
  '要求',
  '申请',
  '投诉',
  '办理',
  '购买',
  '咨询',
  '预约',
  '拨打',
  '报警',
  '反映',
  '提出',
  '需要',
  '收件',
  '收货',
  '寄件',
  '发件',
  '董事长',
  '理事长',
  '秘书长',
  '护士长',
  ...[...'院局处科部市县村厂组队店校班行所社站镇乡区省团署司会船机厅'].map((c) => `${c}长`),
];
const BOUNDARY_TABLE = new Map<number, string[]>();
for (const w of new Set(BOUNDARY_WORDS)) {
  const c = w.charCodeAt(0);
  const list = BOUNDARY_TABLE.get(c);
  if (list === undefined) BOUNDARY_TABLE.set(c, [w]);
  else list.push(w);
}
for (const list of BOUNDARY_TABLE.values()) list.sort((a, b) => b.length - a.length);

function boundaryWordAt(text: string, i: number): number {
  const list = BOUNDARY_TABLE.get(text.charCodeAt(i));
  if (list === undefined) return 0;
  for (let k = 0; k < list.length; k++) if (text.startsWith(list[k]!, i)) return list[k]!.length;
  return 0;
}

/** Label words, by last character, for checking that a label ends right before a name. */
const LABEL_BY_LAST = new Map<number, string[]>();
for (const [w, kind] of CUES) {
  if (kind !== LABEL && kind !== ROLE) continue;
  const c = w.charCodeAt(w.length - 1);
  const list = LABEL_BY_LAST.get(c);
  if (list === undefined) LABEL_BY_LAST.set(c, [w]);
  else list.push(w);
}

function labelEndsAt(text: string, end: number): boolean {
  const list = LABEL_BY_LAST.get(text.charCodeAt(end - 1));
  if (list === undefined) return false;
  for (let k = 0; k < list.length; k++) {
    const w = list[k]!;
    if (end - w.length >= 0 && text.startsWith(w, end - w.length)) return true;
  }
  return false;
}

/**
 * How clearly a name may end before `i`: 3 hard (not a Han character, or a label/honorific/verb word starts),
 * 2 a function character that rarely ends a given name, 1 one that may, 0 none.
 */
function boundaryAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (!isHan(c)) return c === MIDDLE_DOT || c === MOU || isMaskChar(c) ? 0 : 3;
  if (boundaryWordAt(text, i) > 0) return 3;
  const f = FLAGS[c - CJK]!;
  return (f & STRONG) !== 0 ? 2 : (f & WEAK) !== 0 ? 1 : 0;
}

/** A clean left edge for a name starting at `start`: not a Han character, a label end, or a particle. */
function leftEdge(text: string, start: number, allowParticle: boolean): boolean {
  const c = text.charCodeAt(start - 1);
  if (!isHan(c)) return c !== MIDDLE_DOT;
  if (labelEndsAt(text, start)) return true;
  return allowParticle && has(c, LEFT);
}

// ---------------------------------------------------------------------------------------------------------------
// Chinese candidate parser. Results go into one module-level slot (match() is synchronous and not re-entrant).

const cand = {
  end: 0,
  surnameLen: 0,
  givenLen: 0,
  tier: 0,
  masked: false,
  translit: false,
  /** Boundary strength at `end` (see boundaryAt). */
  boundary: 0,
};

/** A transliterated name at `p`: Han runs of 1–8 joined by middle dots, 2–4 parts, ≤ 24 characters. */
function translitAt(text: string, p: number, limit: number): boolean {
  if (boundaryWordAt(text, p) > 0) return false; // `自称阿卜杜·买买提` starts at 阿, not at 自
  let i = p;
  let parts = 0;
  const max = Math.min(p + 24, limit);
  for (;;) {
    const segStart = i;
    while (i < max && i - segStart < 8 && isHan(text.charCodeAt(i))) {
      if (parts > 0 && i > segStart && (boundaryWordAt(text, i) > 0 || has(text.charCodeAt(i), TRANSLIT_STOP))) break;
      i++;
    }
    if (i === segStart) return false;
    parts++;
    if (text.charCodeAt(i) !== MIDDLE_DOT || parts === 4 || !isHan(text.charCodeAt(i + 1))) break;
    i++;
  }
  if (parts < 2) return false;
  cand.end = i;
  cand.translit = true;
  cand.masked = false;
  cand.surnameLen = 0;
  cand.givenLen = 0;
  cand.tier = 1;
  cand.boundary = boundaryAt(text, i);
  return true;
}

/**
 * Parse a Chinese name starting at `p` (surname first). Fills `cand`; `cand.givenLen === 0` means only a surname
 * was found (callers decide whether `王先生` is enough).
 */
function cnNameAt(text: string, p: number, limit: number): boolean {
  cand.masked = false;
  cand.translit = false;
  const compound = isCompoundSurnameAt(text, p);
  const first = text.charCodeAt(p);
  const tier = compound ? 1 : surnameTier(first);
  if (tier === 0 || p >= limit) return dotWithin(text, p, 9) && translitAt(text, p, limit);
  const sLen = compound ? 2 : 1;
  const q = p + sLen;
  cand.surnameLen = sLen;
  cand.tier = tier;
  const c1 = text.charCodeAt(q);
  if (c1 === MOU) {
    let e = q + 1;
    if (text.charCodeAt(e) === MOU) e++;
    if (has(text.charCodeAt(e), NOT_AFTER_MOU)) return false;
    cand.masked = true;
    cand.givenLen = e - q;
    cand.end = e;
    cand.boundary = boundaryAt(text, e);
    return true;
  }
  if (isMaskChar(c1)) {
    let e = q;
    while (e < q + 3 && isMaskChar(text.charCodeAt(e))) e++;
    if (isAsciiLetter(text.charCodeAt(e))) return false; // `张Xiao` is not a mask
    if (e - q < 3 && isGivenChar(text.charCodeAt(e)) && !isGivenChar(text.charCodeAt(e + 1))) e++; // 王*明
    cand.masked = true;
    cand.givenLen = e - q;
    cand.end = e;
    cand.boundary = boundaryAt(text, e);
    return true;
  }
  if (dotWithin(text, p, 9) && translitAt(text, p, limit)) return true;
  // `匡一家 138…`: a boundary word right after the surname (一家, 等人) that itself ends at punctuation is the given name.
  const bw = boundaryWordAt(text, q);
  if (bw === 2 && !isHonorificAt(text, q) && isGivenChar(c1) && isGivenChar(text.charCodeAt(q + 1))) {
    const after = text.charCodeAt(q + 2);
    if (q + 2 >= limit || (!isHan(after) && after !== MIDDLE_DOT)) {
      cand.givenLen = 2;
      cand.end = q + 2;
      cand.boundary = 3;
      return true;
    }
  }
  if (!isGivenChar(c1) || bw > 0 || q >= limit) {
    cand.givenLen = 0;
    cand.end = q;
    cand.boundary = boundaryAt(text, q);
    return true;
  }
  const c2 = text.charCodeAt(q + 1);
  const b1 = q + 1 >= limit ? 3 : boundaryAt(text, q + 1);
  let g = 2;
  const b2hard = q + 2 >= limit || !isHan(text.charCodeAt(q + 2));
  if (b1 >= 2 && isCommonGivenChar(c2) && b2hard && text.charCodeAt(q + 2) !== MIDDLE_DOT) {
    // `顾瑛和` then punctuation or the cell end: a common given-name character, not the conjunction.
    g = 2;
  } else if (b1 >= 2 || !isGivenChar(c2)) g = 1;
  else {
    const b2 = q + 2 >= limit ? 3 : boundaryAt(text, q + 2);
    if (b2 === 0 && b1 > 0) g = 1;
  }
  cand.givenLen = g;
  cand.end = q + g;
  cand.boundary = cand.end >= limit ? 3 : boundaryAt(text, cand.end);
  return true;
}

/** Stop-list check for a candidate `[start, end)` (whole word, or a 3-char name whose prefix is a word). */
function isStopCandidate(text: string, start: number, end: number): boolean {
  if (isNameStopword(text, start, end)) return true;
  return end - start === 3 && isNameStopword(text, start, start + 2) && !isCommonGivenChar(text.charCodeAt(start + 2));
}

// ---------------------------------------------------------------------------------------------------------------
// English candidate parser.

const en = { end: 0, tokens: 0, hits: 0, caps: false, firstGiven: false, lastSurname: false };
/** Words that make the capitalised words before them an organisation name. */
const COMPANY_WORDS = new Set(
  'Corp Corporation Inc Ltd LLC Co Company Group Holdings Bank Team Foundation Partners Capital Ventures Labs Technologies Tech Systems Solutions Services Industries International Enterprises Associates Hotel Hospital University College School Restaurant Store Shop Market Motors Airlines Office Department'.split(
    ' ',
  ),
);
const NAME_PARTICLES = new Set(['van', 'von', 'de', 'da', 'di', 'del', 'della', 'la', 'le', 'bin', 'al']);

/** Lower-case letter of a name: ASCII, Latin-1 (`é`, `ü`) or Latin Extended-A (`ł`, `š`). */
function isNameLower(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 0xdf && c <= 0xff && c !== 0xf7) || (c >= 0x100 && c <= 0x17f);
}

/** Upper-case letter that starts a name token: ASCII or Latin-1 (`É`, `Ö`). */
function isNameUpper(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde && c !== 0xd7);
}

/** End of an English name token at `i` (`Smith`, `O'Brien`, `Smith-Jones`, `McDonald`, `Müller`, `J.`), or -1. */
function enTokenEnd(text: string, i: number, allowCaps: boolean): number {
  if (!isNameUpper(text.charCodeAt(i))) return -1;
  let j = i + 1;
  if (text.charCodeAt(j) === 46 && !isAsciiLetter(text.charCodeAt(j + 1))) return j + 1; // initial `J.`
  if (allowCaps && isUpper(text.charCodeAt(j))) {
    while (j < i + 20 && isUpper(text.charCodeAt(j))) j++;
    return isNameLower(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)) ? -1 : j;
  }
  if (text.charCodeAt(j) === 39 && isNameUpper(text.charCodeAt(j + 1)) && isNameLower(text.charCodeAt(j + 2))) j += 2; // O'Brien
  if (!isNameLower(text.charCodeAt(j))) return -1;
  while (j < i + 20 && isNameLower(text.charCodeAt(j))) j++;
  const c = text.charCodeAt(j);
  // O'Brien, Smith-Jones, Hill-O'Brien, McDonald
  if (c === 45 && isNameUpper(text.charCodeAt(j + 1)) && i + 24 > j) {
    const sub = enTokenEnd(text, j + 1, false);
    if (sub > 0 && text.charCodeAt(sub - 1) !== 46) j = sub;
  } else if (c === 39 && isNameUpper(text.charCodeAt(j + 1)) && isNameLower(text.charCodeAt(j + 2))) {
    j += 2;
    while (j < i + 24 && isNameLower(text.charCodeAt(j))) j++;
  } else if (isUpper(c) && j - i <= 3 && isNameLower(text.charCodeAt(j + 1))) {
    j += 1;
    while (j < i + 24 && isNameLower(text.charCodeAt(j))) j++;
  }
  const after = text.charCodeAt(j);
  if (isAsciiLetter(after) || isNameLower(after) || isDigit(after) || after === 95 || after === 64) return -1;
  return j;
}

/** Whether a (title-cased) token is a listed surname, or a hyphenated one with a listed part (`Schmidt-Davis`). */
function isListedSurname(title: string): boolean {
  if (EN_SURNAMES.has(title)) return true;
  const dash = title.indexOf('-');
  return dash > 0 && (EN_SURNAMES.has(title.slice(0, dash)) || EN_SURNAMES.has(title.slice(dash + 1)));
}

/** Parse 1–4 English name tokens at `p`. Fills `en`. */
function enNameAt(text: string, p: number, allowCaps: boolean, limit: number): boolean {
  let i = p;
  let tokens = 0;
  let hits = 0;
  let end = -1;
  let caps = false;
  let firstGiven = false;
  let lastSurname = false;
  while (tokens < 4 && i < limit) {
    const e = enTokenEnd(text, i, allowCaps);
    if (e < 0 || e > limit) break;
    const word = text.slice(i, e);
    const isInitial = text.charCodeAt(e - 1) === 46;
    let title = word;
    if (!isInitial && e - i > 1 && isUpper(text.charCodeAt(i + 1))) {
      caps = true;
      title = word.charAt(0) + word.slice(1).toLowerCase();
    }
    title = foldAccents(title);
    const given = EN_GIVEN_NAMES.has(title);
    const surname = isListedSurname(title);
    // A common word ends the name, unless it is a listed given name or (after the first token) a surname: `Donald Price`.
    if (!isInitial && EN_NOT_NAMES.has(title) && !given && !(tokens > 0 && surname)) {
      // `Wayne Corp`, `Jordan Bank`: the capitalised words before a company word name an organisation.
      if (tokens > 0 && COMPANY_WORDS.has(title)) return false;
      break;
    }
    if (given || surname) hits++;
    if (tokens === 0) firstGiven = given;
    if (!isInitial) lastSurname = surname;
    tokens++;
    end = e;
    // Next token: one space, optionally a lowercase particle (`van`) and another space.
    if (text.charCodeAt(e) !== 32) break;
    let n = e + 1;
    if (isLower(text.charCodeAt(n))) {
      let k = n;
      while (k < n + 5 && isLower(text.charCodeAt(k))) k++;
      if (text.charCodeAt(k) !== 32 || !NAME_PARTICLES.has(text.slice(n, k))) break;
      n = k + 1;
    }
    i = n;
  }
  if (tokens === 0) return false;
  en.end = end;
  en.tokens = tokens;
  en.hits = hits;
  en.caps = caps;
  en.firstGiven = firstGiven;
  en.lastSurname = lastSurname;
  // A lone initial is not a name (`J.`).
  return !(tokens === 1 && text.charCodeAt(end - 1) === 46);
}

/** Starts of up to 4 words ending at `end` (farthest first), for names read backwards; returns how many. */
const wordStarts = [0, 0, 0, 0];
function wordsBefore(text: string, end: number): number {
  let n = 0;
  let i = end;
  const min = Math.max(end - 56, 0);
  while (n < 4 && i > min) {
    let s = i;
    while (s > min) {
      const c = text.charCodeAt(s - 1);
      if (!(isAsciiLetter(c) || isNameLower(c) || isNameUpper(c) || c === 39 || c === 45 || c === 46)) break;
      s--;
    }
    if (s === i) break;
    wordStarts[n++] = s;
    if (text.charCodeAt(s - 1) !== 32) break;
    i = s - 1;
  }
  // Farthest first.
  for (let a = 0, b = n - 1; a < b; a++, b--) {
    const t = wordStarts[a]!;
    wordStarts[a] = wordStarts[b]!;
    wordStarts[b] = t;
  }
  return n;
}

/** An English name that ends exactly at `end` (`Jane Doe said`, `Jane Doe <jane@…>`): returns its start or -1. */
function enNameEndingAt(text: string, end: number): number {
  const n = wordsBefore(text, end);
  for (let k = 0; k < n; k++) {
    const start = wordStarts[k]!;
    if (enNameAt(text, start, false, end) && en.end === end) return start;
  }
  return -1;
}

/**
 * Start of a transliterated name (`艾克拜尔·依明`) that ends exactly at `end`: after a label inside the Han run
 * (`嫌疑人古丽娜尔·艾力`), else at the run's clean left edge; -1 when none.
 */
function translitStartBefore(text: string, end: number): number {
  let edge = end;
  while (edge > end - 24 && (isHan(text.charCodeAt(edge - 1)) || text.charCodeAt(edge - 1) === MIDDLE_DOT)) edge--;
  if (edge >= end - 3) return -1;
  for (let k = edge + 1; k < end - 3; k++) {
    if (labelEndsAt(text, k) && translitAt(text, k, end) && cand.end === end) return k;
  }
  if (leftEdge(text, edge, false) && translitAt(text, edge, end) && cand.end === end) return edge;
  return -1;
}

/** A Chinese name of 2–4 characters that ends exactly at `end`, with a clean left edge: its start or -1. */
function cnNameEndingAt(text: string, end: number): number {
  if (
    text.charCodeAt(end - 3) === MIDDLE_DOT ||
    text.charCodeAt(end - 4) === MIDDLE_DOT ||
    text.charCodeAt(end - 2) === MIDDLE_DOT
  ) {
    return translitStartBefore(text, end);
  }
  for (let len = 4; len >= 2; len--) {
    const s = end - len;
    if (s < 0 || !leftEdge(text, s, false)) continue;
    if (!cnNameAt(text, s, end) || cand.end !== end || cand.masked) continue;
    if (cand.givenLen === 0 && !cand.translit) continue;
    if (!cand.translit && (cand.tier === 3 || isStopCandidate(text, s, end))) continue;
    return s;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------------------
// Emission.

/** End of the last name reported in this call (for `A / B` lists); -1 when none. */
let lastEnd = -1;

function emit(ctx: MatchContext, start: number, end: number, score: number, masked: boolean, latin: boolean): void {
  lastEnd = end;
  ctx.emit({
    type: 'PERSON',
    start,
    end,
    score,
    recognizer: ID,
    subject: 'person',
    ...(masked ? { masked: true } : {}),
    attrs: { script: latin ? 'latin' : 'han' },
  });
}

/** Skip a label's separator (`：`, `:`, `=`, quotes, spaces, `为`/`是`/`叫`). Sets `sep.strong` when a colon or `=` is seen. */
const sep = { pos: 0, strong: false, words: 0 };
function skipSeparator(text: string, p: number, allowCjk: boolean): number {
  let i = p;
  let strong = false;
  const max = p + 8;
  let cjkUsed = false;
  let words = 0;
  while (i < max) {
    const c = text.charCodeAt(i);
    if (c === 58 || c === 61) strong = true;
    else if (c === 32 || c === 9 || c === 34 || c === 39 || c === 124 || c === 44 || c === 0x3010 || c === 0x3011) {
      // space, tab, quotes, |, comma, 【】 (a full-width `，` after a label ends the field instead)
    } else if (allowCjk && !cjkUsed && (c === 0x4e3a || c === 0x662f || c === 0x53eb)) {
      // 为 是 叫
      cjkUsed = true;
      words = 1;
    } else if (allowCjk && !cjkUsed && (c === 0x6539 || c === 0x6362) && text.charCodeAt(i + 1) === 0x6210) {
      // 改成 换成
      cjkUsed = true;
      words = 2;
      i++;
    } else if (allowCjk && !cjkUsed && c === 0x6539 && text.charCodeAt(i + 1) === 0x4e3a) {
      // 改为
      cjkUsed = true;
      words = 2;
      i++;
    } else break;
    i++;
  }
  sep.pos = i;
  sep.strong = strong;
  sep.words = words;
  return i;
}

/** Chinese name right after a cue; `strength` 3 label with separator, 2 label/role glued, 1 weak verb. */
function afterCueCn(text: string, p: number, ctx: MatchContext, strength: number, base: number): void {
  if (!cnNameAt(text, p, text.length)) return;
  const end = cand.end;
  if (strength === 0) {
    bareName(text, p, end, ctx);
    return;
  }
  if (cand.translit) {
    if (strength >= 2 ? cand.boundary >= 1 : cand.boundary >= 2) emit(ctx, p, end, base, false, false);
    return;
  }
  if (cand.masked) {
    if (strength >= 2 || leftEdge(text, p, true)) emit(ctx, p, end, base, true, false);
    return;
  }
  if (cand.givenLen === 0) {
    // `联系人：王先生` — a surname with an honorific.
    if (strength >= 2 && boundaryWordAt(text, end) > 0 && isHonorificAt(text, end)) {
      emit(ctx, p, end, SURNAME_ONLY, false, false);
    }
    return;
  }
  const len = end - p;
  if (strength === 3) {
    // A labelled value: accept unless it runs on without a boundary into a stop word.
    if (cand.boundary === 0 && (isStopCandidate(text, p, end) || isStopCandidate(text, p, p + 2))) return;
    // `联系人：高级工程师`: a stop word before an honorific is a title, not a name.
    if (isHonorificAt(text, end) && isStopCandidate(text, p, end)) return;
    let score = base;
    if (cand.tier === 3) score -= 0.1;
    if (cand.boundary === 0) score -= 0.2;
    emit(ctx, p, end, score, false, false);
    return;
  }
  if (isStopCandidate(text, p, end)) return;
  if (strength === 2) {
    if (cand.boundary < (cand.givenLen === 1 ? 2 : 1)) return;
    if (cand.tier === 3 && !isCommonGivenChar(text.charCodeAt(end - 1))) return;
    emit(ctx, p, end, len >= 3 ? base : base - 0.05, false, false);
    return;
  }
  // Weak: a surname of the frequent tiers, common given-name characters only, a clear boundary after the name.
  if (cand.boundary < 2 || cand.tier === 3) return;
  for (let i = p + cand.surnameLen; i < end; i++) if (!isCommonGivenChar(text.charCodeAt(i))) return;
  if (cand.givenLen === 1 && isNameStopword(text, p, end + 1)) return;
  emit(ctx, p, end, cand.givenLen === 2 ? base : base - 0.05, false, false);
}

/**
 * A name right after a full-width comma or 、 with no cue (`…，孙晓凤`, `，唐依璐收，`): a surname of the frequent tiers,
 * common given-name characters only, a clear boundary after it, and not a stop word.
 */
function bareName(text: string, p: number, end: number, ctx: MatchContext): void {
  if (cand.translit) {
    if (cand.boundary >= 2) emit(ctx, p, end, 0.6, false, false);
    return;
  }
  if (cand.masked) {
    if (cand.boundary >= 2) emit(ctx, p, end, 0.75, true, false);
    return;
  }
  if (cand.givenLen === 0 || cand.boundary < 2 || cand.tier === 3) return;
  for (let i = p + cand.surnameLen; i < end; i++) if (!isCommonGivenChar(text.charCodeAt(i))) return;
  if (isStopCandidate(text, p, end)) return;
  if (cand.givenLen === 1 && isNameStopword(text, p, end + 1)) return;
  emit(ctx, p, end, cand.givenLen === 2 ? 0.6 : 0.55, false, false);
}

function isHonorificAt(text: string, i: number): boolean {
  for (let k = 0; k < HONORIFIC_WORDS.length; k++) if (text.startsWith(HONORIFIC_WORDS[k]!, i)) return true;
  return (
    titleStartBefore(text, i + 1) === i || titleStartBefore(text, i + 2) === i || titleStartBefore(text, i + 3) === i
  );
}

/** Start of a 长 title whose 长 is at `pos` (`局长`, `副局长`, `董事长`), or -1. */
function titleStartBefore(text: string, pos: number): number {
  if (text.charCodeAt(pos) !== 0x957f) return -1;
  const t = text.charCodeAt(pos - 1);
  let s = -1;
  if (TITLE_HEADS.includes(text.charAt(pos - 1))) s = pos - 1;
  else if (t === 0x4e8b && (text.charCodeAt(pos - 2) === 0x8463 || text.charCodeAt(pos - 2) === 0x7406))
    s = pos - 2; // 董事 理事
  else if (t === 0x4e66 && text.charCodeAt(pos - 2) === 0x79d8)
    s = pos - 2; // 秘书
  else if (t === 0x58eb && text.charCodeAt(pos - 2) === 0x62a4) s = pos - 2; // 护士
  if (s > 0 && (text.charCodeAt(s - 1) === 0x526f || text.charCodeAt(s - 1) === 0x6b63)) s--; // 副 正
  return s;
}
const HONORIFIC_WORDS = HONORIFICS;

/** Name ending right before an honorific at `pos` (`张伟先生`, `王老师`). */
function beforeHonorific(text: string, pos: number, ctx: MatchContext): void {
  // Longest first: compound + 2, 3, 2 characters.
  for (let len = 4; len >= 2; len--) {
    const start = pos - len;
    if (start < 0) continue;
    const compound = isCompoundSurnameAt(text, start);
    const sLen = compound ? 2 : surnameTier(text.charCodeAt(start)) !== 0 ? 1 : 0;
    if (sLen === 0 || len - sLen < 1 || len - sLen > 2) continue;
    let ok = true;
    for (let i = start + sLen; i < pos; i++) if (!isGivenChar(text.charCodeAt(i))) ok = false;
    if (!ok || isStopCandidate(text, start, pos)) continue;
    if (len === 2) {
      // 陈林老师 could be 陈林 or 林; a surname before the candidate without a clean edge makes it ambiguous.
      const before = text.charCodeAt(start - 1);
      if (isHan(before) && !leftEdge(text, start, true)) {
        if (surnameTier(before) !== 0 || isStopCandidate(text, start - 1, pos)) continue;
      }
    }
    emit(ctx, start, pos, len >= 3 ? 0.8 : 0.75, false, false);
    return;
  }
  // A lone surname (`王先生`) needs a clean left edge: `历史老师` is not 史老师.
  const s = pos - 1;
  if (s >= 0 && surnameTier(text.charCodeAt(s)) !== 0 && leftEdge(text, s, true)) {
    emit(ctx, s, pos, SURNAME_ONLY, false, false);
  }
}

/** `王总` (not `总结`, `总共`). */
function beforeBoss(text: string, pos: number, ctx: MatchContext): void {
  const s = pos - 1;
  const c = text.charCodeAt(s);
  if (surnameTier(c) === 0 || has(text.charCodeAt(pos + 1), NOT_AFTER_ZONG)) return;
  if (isAmbiguousSurname(c) ? !leftEdge(text, s, false) : !leftEdge(text, s, true)) return;
  emit(ctx, s, pos, SURNAME_ONLY, false, false);
}

/**
 * Record style `张伟，男，1990年3月7日出生` / `李某（女，汉族）`: a name between a clean left edge and a comma or
 * parenthesis followed by the sex.
 */
function beforeGender(text: string, pos: number, ctx: MatchContext): void {
  // Full-width `，` and `；` are not folded by normalisation (prose punctuation stays as is).
  const sepc = text.charCodeAt(pos - 1);
  if (sepc !== 44 && sepc !== 0xff0c && sepc !== 40 && sepc !== 0x3001 && sepc !== 32 && sepc !== 124) return;
  const after = text.charCodeAt(pos + 1);
  const closes = after === 44 || after === 0xff0c || after === 41 || after === 0x3001 || after === 32 || after === 124;
  if (!(closes || after === 59 || after === 0xff1b || Number.isNaN(after))) return;
  const end = pos - 1;
  // A transliterated name (`艾克拜尔·依明，男`) from the clean left edge of the Han run.
  const edge = translitStartBefore(text, end);
  if (edge >= 0) {
    emit(ctx, edge, end, 0.8, false, false);
    return;
  }
  for (let len = 4; len >= 2; len--) {
    const s = end - len;
    if (s < 0 || !leftEdge(text, s, false)) continue;
    if (!cnNameAt(text, s, end) || cand.end !== end || (cand.givenLen === 0 && !cand.translit)) continue;
    if (!cand.masked && !cand.translit && isStopCandidate(text, s, end)) continue;
    emit(ctx, s, end, 0.8, cand.masked, false);
    return;
  }
}

/** `张某`, `欧阳某某`. */
function beforeMou(text: string, pos: number, ctx: MatchContext): void {
  let s = -1;
  if (pos >= 2 && isCompoundSurnameAt(text, pos - 2)) s = pos - 2;
  else if (pos >= 1 && surnameTier(text.charCodeAt(pos - 1)) !== 0) s = pos - 1;
  if (s < 0) return;
  if (text.charCodeAt(pos - 1) === MOU) return; // second 某 of 某某: the first one handled it
  let e = pos + 1;
  if (text.charCodeAt(e) === MOU) e++;
  if (has(text.charCodeAt(e), NOT_AFTER_MOU)) return;
  const labelled = labelEndsAt(text, s);
  const ambiguous = s === pos - 1 && isAmbiguousSurname(text.charCodeAt(s));
  if (!labelled && !leftEdge(text, s, !ambiguous)) return;
  emit(ctx, s, e, labelled ? 0.85 : 0.8, true, false);
}

/** `老王`, `小李` followed by a clear boundary. */
function diminutive(text: string, pos: number, ctx: MatchContext): void {
  const c = text.charCodeAt(pos + 1);
  const tier = surnameTier(c);
  if (tier === 0 || tier === 3 || isAmbiguousSurname(c)) return;
  if (isNameStopword(text, pos, pos + 2) || boundaryAt(text, pos + 2) < 2) return;
  const before = text.charCodeAt(pos - 1);
  // 很小, 最小, 大小: 小 as an adjective.
  if (before === 0x5f88 || before === 0x6700 || before === 0x5927 || before === 0x592a || before === 0x4e00) return;
  emit(ctx, pos, pos + 2, SURNAME_ONLY, false, false);
}

// ---------------------------------------------------------------------------------------------------------------
// English cues.

/** Words before `name` that make it something else's name (`file_name`, `company name`). */
const NOT_PERSON_PREFIX = new Set(
  (
    'file host user product company org organization organisation app application service bucket table db database key ' +
    'class display nick screen domain server device brand shop store item goods project task job field column index tag ' +
    'type event method function module package image container pod node cluster queue topic region zone city province ' +
    'country street bank branch dept department team group role plan sku model vendor merchant school hospital hotel ' +
    'restaurant business venue place site page tab sheet doc document attachment template variable var param parameter ' +
    'property attr attribute element component widget layer style font color colour theme path dir directory folder ' +
    'channel stage step state status category cat collection resource instance metric label alias course unit building ' +
    'brand_ code short long internal external'
  ).split(' '),
);
/** Words before `name` that make it a person's name (`first name`, `customer_name`). */
const PERSON_PREFIX = new Set(
  'first last full given family middle real legal customer contact patient holder card account receiver consignee recipient sender owner buyer applicant employee student member person guest tenant emergency maiden'.split(
    ' ',
  ),
);

/** Kind of the `name` key at `pos`: 0 not a person, 1 plain, 2 person-specific. */
function nameKeyKind(text: string, pos: number): number {
  const b = text.charCodeAt(pos - 1);
  if (b !== 95 && b !== 32 && b !== 45 && b !== 46) return 1;
  let s = pos - 1;
  while (s > pos - 18 && isAsciiLetter(text.charCodeAt(s - 1))) s--;
  if (s === pos - 1) return 1;
  const word = text.slice(s, pos - 1).toLowerCase();
  if (PERSON_PREFIX.has(word)) return 2;
  if (NOT_PERSON_PREFIX.has(word)) return 0;
  return b === 32 ? 1 : 0;
}

/**
 * An English name after a cue. `personKey`: the cue names a person field (`first_name`); `bareLabel`: an unquoted
 * form label (`Name: …`), where two capitalised words suffice — a quoted JSON `"name"` key names products as often
 * as people, so there a listed given name or surname is required.
 */
function afterEnglishCue(
  text: string,
  p: number,
  ctx: MatchContext,
  strong: boolean,
  personKey: boolean,
  bareLabel = false,
): void {
  const c = text.charCodeAt(p);
  if (isHan(c)) {
    afterCueCn(text, p, ctx, strong ? 3 : 2, 0.85);
    return;
  }
  if (!enNameAt(text, p, strong, p + 48)) return;
  if (en.caps && en.hits === 0) return;
  let score: number;
  if (personKey) score = en.tokens >= 2 ? 0.85 : 0.75;
  else if (en.hits > 0) score = en.tokens >= 2 ? 0.8 : 0.7;
  else if (bareLabel && en.tokens >= 2) score = 0.75;
  else return;
  if (!strong) score -= 0.1;
  emit(ctx, p, en.end, score, false, true);
}

function englishCue(text: string, pos: number, kind: number, ctx: MatchContext): void {
  const end = ctx.keywordEnd;
  if (kind === EN_WEAK) {
    afterWeakEnglish(text, pos, end, ctx);
    return;
  }
  if (kind === EN_AFTER) {
    beforeEnglishVerb(text, pos, ctx);
    return;
  }
  if (kind === JOB_LINE) {
    beforeJobLine(text, pos, ctx);
    return;
  }
  if (kind === TD) {
    inTableCell(text, pos, end, ctx);
    return;
  }
  if (kind === EN_LABEL || kind === EN_KEY) {
    const keyKind = kind === EN_KEY ? 2 : nameKeyKind(text, pos);
    if (keyKind === 0) return;
    if (kind === EN_LABEL && text.charCodeAt(pos) === 120 && !isKeyEnd(text.charCodeAt(end))) {
      return; // `xm`, `xingming` only as field names
    }
    const p = skipSeparator(text, end, false);
    if (!sep.strong) {
      // `name is John Smith`, `Name on card: John Smith`, `the name on the account is John Smith`
      if (text.startsWith(' is ', end)) afterEnglishCue(text, end + 4, ctx, false, keyKind === 2);
      else if (text.startsWith(' on ', end)) {
        for (let i = end + 4; i < end + 28; i++) {
          const c = text.charCodeAt(i);
          if (c === 58) {
            afterEnglishCue(text, skipSeparator(text, i, false), ctx, true, true);
            break;
          }
          if (c === 32 && text.startsWith(' is ', i)) {
            afterEnglishCue(text, i + 4, ctx, false, true);
            break;
          }
          if (!(isAsciiLetter(c) || c === 32)) break;
        }
      }
      return;
    }
    const quoted = text.charCodeAt(pos - 1) === 34 || text.charCodeAt(pos - 1) === 39;
    afterEnglishCue(text, p, ctx, true, keyKind === 2, !quoted);
    return;
  }
  if (kind === EN_TITLE) {
    if (!isUpper(text.charCodeAt(pos))) return;
    let p = end;
    if (text.charCodeAt(p) === 46) p++;
    if (text.charCodeAt(p) !== 32) return;
    p++;
    // `12 Oak Dr. Springfield`: a street suffix, not a title.
    if (isStreetBefore(text, pos)) return;
    if (!enNameAt(text, p, false, p + 48)) return;
    emit(ctx, p, en.end, en.hits > 0 ? 0.85 : 0.8, false, true);
    return;
  }
  if (kind === EN_GREETING) {
    if (!isUpper(text.charCodeAt(pos)) && text.charCodeAt(pos - 1) !== 10 && pos !== 0) return;
    let p = end;
    if (text.charCodeAt(p) === 44) p++;
    if (text.charCodeAt(p) !== 32) return;
    p++;
    // Dear Mr. Smith: the title cue reports it.
    const t = enTokenEnd(text, p, false);
    if (t > 0 && isTitleWord(text, p, t)) return;
    if (!enNameAt(text, p, false, p + 48)) return;
    const after = text.charCodeAt(en.end);
    if (!(after === 44 || after === 0xff0c || after === 33 || after === 10 || after === 13 || Number.isNaN(after)))
      return;
    const dear = (text.charCodeAt(pos) | 32) === 100;
    if (dear) emit(ctx, p, en.end, en.hits > 0 ? 0.8 : 0.6, false, true);
    else if (en.hits > 0) emit(ctx, p, en.end, 0.65, false, true);
    return;
  }
  if (kind === EN_ROLE) {
    // `<meta name="author" content="Jane Doe">`
    const meta = text.startsWith('" content="', end);
    let p = meta ? end + 11 : skipSeparator(text, end, false);
    const strong = meta || sep.strong;
    if (!strong) {
      p = end;
      if (text.charCodeAt(p) !== 32) return;
      p++;
      if (text.startsWith('by ', p)) p += 3;
      else if (text.startsWith('name ', p)) return; // `Beneficiary name: …`: the name cue reports it
    }
    if (isHan(text.charCodeAt(p))) {
      afterCueCn(text, p, ctx, strong ? 3 : 2, 0.8);
      return;
    }
    if (!enNameAt(text, p, strong, p + 48)) return;
    if (en.tokens >= 2) emit(ctx, p, en.end, (strong ? 0.8 : 0.75) + (en.hits > 0 ? 0.05 : 0), false, true);
    else if (en.hits > 0) emit(ctx, p, en.end, strong ? 0.75 : 0.6, false, true);
    return;
  }
  if (kind === EN_SIGNOFF) {
    let p = end;
    if (text.charCodeAt(p) === 44) p++;
    while (text.charCodeAt(p) === 32) p++;
    if (text.charCodeAt(p) === 13) p++;
    if (text.charCodeAt(p) !== 10) return;
    p++;
    while (text.charCodeAt(p) === 32) p++;
    if (!enNameAt(text, p, false, p + 48)) return;
    const after = text.charCodeAt(en.end);
    if (!(Number.isNaN(after) || after === 10 || after === 13 || after === 44)) return;
    emit(ctx, p, en.end, en.hits > 0 ? 0.75 : 0.6, false, true);
    return;
  }
  if (kind === EN_HEADER) {
    // `From: Jane Doe <jane@example.com>` at a line start.
    const b = text.charCodeAt(pos - 1);
    if (pos > 0 && b !== 10 && b !== 13) return;
    if (text.charCodeAt(end) !== 58 || text.charCodeAt(end + 1) !== 32) return;
    const p = end + 2;
    if (!enNameAt(text, p, false, p + 48)) return;
    const after = text.charCodeAt(en.end);
    const next = text.charCodeAt(en.end + 1);
    const ok = (after === 32 && (next === 60 || next === 91)) || after === 10 || after === 13 || Number.isNaN(after);
    if (ok && (en.tokens >= 2 || en.hits > 0)) emit(ctx, p, en.end, 0.75, false, true);
  }
}

/**
 * Weak English cues (`for Janet Hall`, `add Thomas Schmidt-Davis`, `it's Ted Ding`, `this is Jane Doe`): two or more
 * capitalised tokens whose first is a listed given name and whose last is a listed surname.
 */
function afterWeakEnglish(text: string, pos: number, end: number, ctx: MatchContext): void {
  if (
    (text.charCodeAt(pos) | 32) === 105 &&
    end - pos === 2 &&
    !text.startsWith('this ', pos - 5) &&
    !text.startsWith('This ', pos - 5)
  ) {
    return; // `is` only in `this is`
  }
  if (text.charCodeAt(end) !== 32) return;
  const p = end + 1;
  if (isHan(text.charCodeAt(p))) {
    // `Please call 侯琼欢 at …`: a Chinese name between spaces or punctuation.
    if (cnNameAt(text, p, text.length) && cand.boundary === 3 && !isHan(text.charCodeAt(cand.end))) {
      bareName(text, p, cand.end, ctx);
    }
    return;
  }
  if (!enNameAt(text, p, false, p + 48)) return;
  if (en.tokens < 2 || !en.firstGiven || !en.lastSurname) return;
  emit(ctx, p, en.end, 0.7, false, true);
}

/** `Karen Wang said` / `Jane Doe wrote:`: a name right before the verb. */
function beforeEnglishVerb(text: string, pos: number, ctx: MatchContext): void {
  if (text.charCodeAt(pos - 1) !== 32) return;
  const start = enNameEndingAt(text, pos - 1);
  if (start < 0 || en.tokens < 2 || (!en.firstGiven && !en.lastSurname)) return;
  const b = text.charCodeAt(start - 1);
  if (isAsciiLetter(b) || isDigit(b)) return;
  emit(ctx, start, pos - 1, 0.7, false, true);
}

/** `Please add Mary Johnson (mary@…)`, `张伟 <zw@…>`: a name right before an e-mail address in `<…>` or `(…)`. */
function beforeEmail(text: string, at: number, ctx: MatchContext): void {
  let s = at;
  const min = Math.max(at - 64, 0);
  while (s > min) {
    const c = text.charCodeAt(s - 1);
    if (!(isAsciiLetter(c) || isDigit(c) || c === 46 || c === 95 || c === 45 || c === 43 || c === 37)) break;
    s--;
  }
  const open = text.charCodeAt(s - 1);
  if ((open !== 60 && open !== 40) || text.charCodeAt(s - 2) !== 32) return;
  const nameEnd = s - 2;
  if (isHan(text.charCodeAt(nameEnd - 1))) {
    const start = cnNameEndingAt(text, nameEnd);
    if (start >= 0) emit(ctx, start, nameEnd, 0.75, false, false);
    return;
  }
  const start = enNameEndingAt(text, nameEnd);
  if (start < 0 || (en.tokens < 2 && en.hits === 0)) return;
  const b = text.charCodeAt(start - 1);
  if (isAsciiLetter(b) || isDigit(b)) return;
  emit(ctx, start, nameEnd, en.hits > 0 ? 0.75 : 0.65, false, true);
}

/** `Jane Doe\nSenior Engineer, Acme`: a line holding only a name, right before a line that starts with a job title. */
function beforeJobLine(text: string, pos: number, ctx: MatchContext): void {
  if (text.charCodeAt(pos - 1) !== 10 || !isUpper(text.charCodeAt(pos))) return;
  let end = pos - 1;
  if (text.charCodeAt(end - 1) === 13) end--;
  let start = end;
  const min = Math.max(end - 48, 0);
  while (start > min && text.charCodeAt(start - 1) !== 10 && text.charCodeAt(start - 1) !== 13) start--;
  while (text.charCodeAt(start) === 32) start++;
  if (start >= end || !enNameAt(text, start, false, end) || en.end !== end) return;
  if (en.tokens < 2 || en.hits === 0) return;
  emit(ctx, start, end, 0.7, false, true);
}

/** `<td>张伟</td>`: a cell holding only a Chinese name (no header to say so: the shape must do). */
function inTableCell(text: string, pos: number, end: number, ctx: MatchContext): void {
  if (text.charCodeAt(pos - 1) !== 60 || text.charCodeAt(end) !== 62) return;
  const p = end + 1;
  if (!isHan(text.charCodeAt(p)) || !cnNameAt(text, p, p + 24)) return;
  if (text.charCodeAt(cand.end) !== 60 || cand.masked || (cand.givenLen === 0 && !cand.translit)) return;
  if (!cand.translit && (cand.tier === 3 || isStopCandidate(text, p, cand.end))) return;
  emit(ctx, p, cand.end, 0.6, false, false);
}

function isKeyEnd(c: number): boolean {
  return c === 58 || c === 61 || c === 34 || c === 39;
}

function isTitleWord(text: string, s: number, e: number): boolean {
  const n = e - s;
  const w = text.slice(s, e).toLowerCase();
  return (
    n <= 5 && (w === 'mr' || w === 'mrs' || w === 'ms' || w === 'miss' || w === 'dr' || w === 'prof' || w === 'mx')
  );
}

/** Whether `Dr`/`St` at `pos` follows a capitalised word that follows a house number (`12 Oak Dr.`). */
function isStreetBefore(text: string, pos: number): boolean {
  let i = pos - 1;
  if (text.charCodeAt(i) !== 32) return false;
  i--;
  let k = i;
  while (k > pos - 24 && isAsciiLetter(text.charCodeAt(k))) k--;
  if (k === i || !isUpper(text.charCodeAt(k + 1))) return false;
  if (text.charCodeAt(k) !== 32) return false;
  return isDigit(text.charCodeAt(k - 1));
}

// ---------------------------------------------------------------------------------------------------------------
// Table columns.

const cursor = newColumnCursor();

/** Emit the name cells of the column set up in `cursor`; returns how many were found. */
function scanColumn(text: string, ctx: MatchContext, personKey: boolean): number {
  let found = 0;
  while (nextColumnCell(text, cursor)) {
    const s = cursor.start;
    const e = cursor.end;
    const c = text.charCodeAt(s);
    if (isHan(c)) {
      if (e - s > 24 || !cnNameAt(text, s, e) || cand.end !== e) continue;
      if (cand.givenLen === 0 && !cand.translit) continue;
      const score = cand.tier === 3 ? 0.75 : 0.85;
      emit(ctx, s, e, score, cand.masked, false);
      found++;
    } else if (isUpper(c)) {
      if (!enNameAt(text, s, true, e) || en.end !== e) continue;
      if (!personKey && en.hits === 0) continue;
      emit(ctx, s, e, en.tokens >= 2 || en.hits > 0 ? 0.8 : 0.7, false, true);
      found++;
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------------

/** Whether a middle dot follows within `n` Han characters of `p` (a transliterated name may start there). */
function dotWithin(text: string, p: number, n: number): boolean {
  for (let i = p; i < p + n; i++) {
    const c = text.charCodeAt(i);
    if (c === MIDDLE_DOT) return i > p;
    if (!isHan(c)) return false;
  }
  return false;
}

/** A Chinese label or role noun spanning `[cueStart, cueEnd)`: a table header, or a name after it. */
function afterChineseCue(text: string, cueStart: number, cueEnd: number, kind: number, ctx: MatchContext): void {
  // A header cell: read its column; when no row holds a name, read the line as a label instead.
  if (headerCellAt(text, cueStart, cueEnd, cursor) && scanColumn(text, ctx, true) > 0) return;
  const p = skipSeparator(text, cueEnd, kind === LABEL);
  const c = text.charCodeAt(p);
  if (isAsciiLetter(c)) {
    // `持卡人Lisa Jackson`, `客户 Walter Wong 的邮箱`
    if (sep.strong || p <= cueEnd + 1) afterEnglishCue(text, p, ctx, sep.strong, true);
    return;
  }
  if (sep.strong) afterCueCn(text, p, ctx, 3, 0.85);
  else if (p <= cueEnd + 1 + sep.words) afterCueCn(text, p, ctx, 2, kind === ROLE ? 0.75 : 0.8);
}

/** `我是` / `我叫` / `名叫` / `叫做` → an explicit name; a bare `叫` (`叫张伟过来`) is a weak verb. */
function afterSelf(text: string, pos: number, end: number, ctx: MatchContext): void {
  let p = end;
  let explicit = end - pos === 2 || text.charCodeAt(pos - 1) === 0x6211 || text.charCodeAt(pos - 1) === 0x540d;
  if (text.charCodeAt(p) === 0x505a) {
    p++; // 叫做
    explicit = true;
  }
  if (!explicit) {
    if (surnameTier(text.charCodeAt(p)) !== 0) afterCueCn(text, p, ctx, 1, 0.6);
    return;
  }
  p = skipSeparator(text, p, false);
  if (isAsciiLetter(text.charCodeAt(p))) afterEnglishCue(text, p, ctx, true, true);
  else afterCueCn(text, p, ctx, 2, 0.8);
}

/** `62220212345678（杨林新）`: a name in brackets right after a number (an account or phone and its holder). */
function afterNumber(text: string, runEnd: number, ctx: MatchContext): void {
  if (text.charCodeAt(runEnd) !== 40) return; // `（` folds to `(`
  const p = runEnd + 1;
  if (!isHan(text.charCodeAt(p)) || !cnNameAt(text, p, p + 24) || text.charCodeAt(cand.end) !== 41) return;
  if (cand.masked || (cand.givenLen === 0 && !cand.translit)) return;
  if (!cand.translit && (cand.tier === 3 || isStopCandidate(text, p, cand.end))) return;
  emit(ctx, p, cand.end, 0.7, false, false);
}

function match(text: string, pos: number, ctx: MatchContext): void {
  const first = text.charCodeAt(pos);
  if (first >= 48 && first <= 57) {
    // DIGIT trigger (keywords never start with a digit).
    afterNumber(text, ctx.runEnd, ctx);
    return;
  }
  if (first === 64) {
    // AT trigger (keywords never start with `@`).
    beforeEmail(text, pos, ctx);
    return;
  }
  lastEnd = -1;
  dispatch(text, pos, ctx);
  // `Contact: 韦玉雨 / James Lopez`: a second name after a slash belongs to the same cue.
  if (lastEnd > 0 && text.startsWith(' / ', lastEnd)) {
    const p = lastEnd + 3;
    if (isHan(text.charCodeAt(p))) afterCueCn(text, p, ctx, 2, 0.75);
    else if (isUpper(text.charCodeAt(p))) afterEnglishCue(text, p, ctx, false, true);
  }
}

function dispatch(text: string, pos: number, ctx: MatchContext): void {
  const kind = KIND[ctx.keyword]!;
  const end = ctx.keywordEnd;
  switch (kind) {
    case HONORIFIC:
      beforeHonorific(text, pos, ctx);
      return;
    case BOSS:
      beforeBoss(text, pos, ctx);
      return;
    case MASK:
      beforeMou(text, pos, ctx);
      return;
    case DIMINUTIVE:
      diminutive(text, pos, ctx);
      return;
    case GENDER:
      beforeGender(text, pos, ctx);
      return;
    case BARE: {
      // Most commas are followed by no surname: one array read rejects them (a transliterated name needs a dot).
      const c = text.charCodeAt(end);
      if (surnameTier(c) === 0 && !isCompoundSurnameAt(text, end) && !dotWithin(text, end, 9)) return;
      afterCueCn(text, end, ctx, 0, 0.6);
      return;
    }
    case POSSESSIVE:
      // `任晓东的电话是…` at the start of a message: a name before 的 with a clean left edge.
      if (text.charCodeAt(pos - 1) === 0x7684) {
        const s0 = cnNameEndingAt(text, pos - 1);
        if (s0 >= 0 && !has(text.charCodeAt(s0 - 1), LEFT)) emit(ctx, s0, pos - 1, 0.6, false, false);
      }
      return;
    case TITLE: {
      const t = titleStartBefore(text, pos);
      if (t > 0) beforeHonorific(text, t, ctx);
      return;
    }
    case VARIANT: {
      const variants = VARIANT_LIST[ctx.keyword]!;
      for (let k = 0; k < variants.length; k++) {
        const [before, after, vkind] = variants[k]!;
        const cueStart = pos - before.length;
        if (cueStart < 0 || (before !== '' && !text.startsWith(before, cueStart))) continue;
        if (after !== '' && !text.startsWith(after, end)) continue;
        if (vkind === HONORIFIC) beforeHonorific(text, cueStart, ctx);
        else afterChineseCue(text, cueStart, end + after.length, vkind, ctx);
      }
      return;
    }
    case VERB:
      if (isHan(text.charCodeAt(end))) afterCueCn(text, end, ctx, 1, 0.6);
      return;
    case SHOP: {
      // `南京市于翠便利店`: the owner's name between an administrative suffix and the shop word.
      let s0 = pos - 1;
      while (s0 > pos - 12 && (isHan(text.charCodeAt(s0 - 1)) || text.charCodeAt(s0 - 1) === MIDDLE_DOT)) {
        const b = text.charCodeAt(s0 - 1);
        if (b === 0x5e02 || b === 0x53bf || b === 0x533a || b === 0x9547 || b === 0x4e61) break; // 市县区镇乡
        s0--;
      }
      const b = text.charCodeAt(s0 - 1);
      if (!(b === 0x5e02 || b === 0x53bf || b === 0x533a || b === 0x9547 || b === 0x4e61) || pos - s0 < 2) return;
      if (!cnNameAt(text, s0, pos) || cand.end !== pos || (cand.givenLen === 0 && !cand.translit)) return;
      if (!cand.translit && (cand.tier === 3 || isStopCandidate(text, s0, pos))) return;
      emit(ctx, s0, pos, 0.7, false, false);
      return;
    }
    case SELF:
      afterSelf(text, pos, end, ctx);
      return;
    case LABEL:
    case ROLE: {
      let cueStart = pos;
      const heads = HEADS[ctx.keyword]!;
      if (heads.length > 0) {
        if (!heads.includes(text.charCodeAt(pos - 1))) return;
        cueStart = pos - 1;
      }
      afterChineseCue(text, cueStart, end, kind, ctx);
      return;
    }
    case EN_LABEL:
    case EN_KEY:
      if (headerCellAt(text, pos, end, cursor)) {
        const keyKind = kind === EN_KEY ? 2 : nameKeyKind(text, pos);
        if (keyKind === 0 || scanColumn(text, ctx, keyKind === 2) > 0) return;
      }
      englishCue(text, pos, kind, ctx);
      return;
    default:
      englishCue(text, pos, kind, ctx);
  }
}

/**
 * Person names (Chinese and English) after cues: labels, role nouns, honorifics, weak verbs, diminutives, masks
 * and table headers.
 *
 * @example
 * createAnalyzer({ recognizers: [personRecognizer] }).detect('收件人：张伟，电话13812345678') // [{ start: 4, end: 6, … }]
 */
export const personRecognizer = defineRecognizer({
  id: ID,
  entities: ['PERSON'],
  triggers: Trigger.KEYWORD | Trigger.AT | Trigger.DIGIT,
  // DIGIT: only a number followed by a name in parentheses (`13812345678（张伟）`); most digit runs are not.
  digitGate: (_d, _len, _prev, next) => next === 'open',
  keywords: KEYWORDS,
  match,
  examples: {
    match: [
      '姓名：张伟 性别：男',
      '收件人王小明，电话13812345678',
      '请联系欧阳娜娜老师',
      '被告人李某某于2020年',
      'Name: John Smith',
      'Dear Mrs. Jane Doe,',
      '{"first_name": "Emily", "last_name": "Clark"}',
      '姓名,性别,电话\n张伟,男,13812345678',
    ],
    noMatch: [
      '今天是周末，大家都很高兴',
      '王国的黄金储备马上就要用完了',
      '我们的历史老师很严格',
      '{"name": "Widget Pro", "price": 12}',
      'Dear Customer,',
      '关于某些问题的总结',
    ],
  },
});
