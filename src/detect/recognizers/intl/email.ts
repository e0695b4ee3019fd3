/**
 * EMAIL_ADDRESS — e-mail addresses.
 *
 * Spec: RFC 5321 §4.5.3.1 lengths (local part ≤ 64, domain ≤ 253, labels ≤ 63) with the dot-atom local part
 * people actually use (`[A-Za-z0-9._%+-]` plus Unicode letters for internationalised addresses, RFC 6531:
 * `汉字@qq.com`), and an ASCII domain (IDNs in their `xn--` form) whose top-level label is a letter-only TLD:
 * two-letter labels must be ISO 3166 country codes (`.cn`, `.uk`); longer ones must not be file extensions.
 * Validator: none (shape only).
 *
 * Triggered at `@`; looks left at most 64 units and right at most 253.
 *
 * False-positive traps handled: `@Override`, `@media`, `@types/node` (empty local part); `icon@2x.png`
 * (file-extension TLD); `react@18.2.0` (numeric TLD); `user@localhost` (one label: reported only with e-mail
 * context); `git@github.com:org/repo` (scp-style SSH remote); `https://user:pass@host` (URL userinfo: left to
 * SECRET); Chinese text glued to an address (`联系zhang@qq.com` → `zhang@qq.com`, `邮箱是张三@qq.com` → `张三@qq.com`).
 * Already-masked addresses (`z***@qq.com`, `****@163.com`) are reported with `masked: true`.
 */
import { defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';

const ID = 'email';

const CONTEXT = defineContext({
  positive: ['email', 'e-mail', 'mail', 'mailto', 'mailbox', 'contact', '邮箱', '邮件', '电邮', '电子邮件', '联系'],
  before: 24,
  after: 12,
});

/** ISO 3166-1 alpha-2 codes delegated as ccTLDs, plus `ac`, `eu`, `su` and `uk`. */
const CC_TLDS = new Set(
  (
    'ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo bq br bs bt bv bw by bz ' +
    'ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg eh er es et eu fi fj fk fm fo ' +
    'fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm ' +
    'jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo mp mq ' +
    'mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ' +
    'ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr ' +
    'tt tv tw tz ua ug uk um us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw'
  ).split(' '),
);

/** Endings of file names and code that look like TLDs after `name@2x.`; none is a TLD people use for mail. */
const NOT_TLDS = new Set(
  (
    'png jpg jpeg gif svg webp bmp ico tif tiff heic avif pdf doc docx xls xlsx ppt pptx txt log csv tsv json yaml ' +
    'yml xml html htm xhtml css scss sass less php asp aspx jsp cgi exe dll bin dat tmp bak iso dmg apk ipa jar war ' +
    'mp3 mp4 m4a wav flac ogg avi mkv webm mov zip rar tgz bz2 tsx jsx vue mjs cjs java class kts swift scala lua sql ' +
    'sqlite lock toml ini cfg conf env properties gradle py rb go rs ts js md sh'
  ).split(' '),
);

/**
 * Words that end a Chinese label before an address written in Chinese. Example match: `邮箱是` in `邮箱是张三@qq.com`
 * (the local part is then `张三`); source: common form labels and verbs; does not match inside ASCII local parts
 * (it runs only on all-ideographic ones).
 */
const CJK_LABEL = /邮箱地址|电子邮件|邮箱|邮件|电邮|地址|账号|帐号|联系|发送至|发送到|发至|发到|为|是|至|到|给/g;

/**
 * One letter, mark or digit of any script. Example match: `ü` in `müller@firma.de`; source: RFC 6531 (UTF-8 local
 * parts); does not match punctuation such as `，` or `：`, which end a local part. Used only on non-ASCII code
 * units, which are rare around `@`.
 */
const UNICODE_WORD = /[\p{L}\p{M}\p{N}]/u;

function isAsciiLocal(c: number): boolean {
  // A-Z a-z 0-9 . _ % + - and `*` (masks such as z***@qq.com).
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 46 ||
    c === 95 ||
    c === 37 ||
    c === 43 ||
    c === 45 ||
    c === 42
  );
}

/** Ideographic scripts whose text is written without spaces: CJK, kana, hangul. */
function isIdeographic(c: number): boolean {
  return (c >= 0x3400 && c <= 0x9fff) || (c >= 0x3040 && c <= 0x30ff) || (c >= 0xac00 && c <= 0xd7af);
}

function isLocalChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return isAsciiLocal(c);
  if (c >= 0xd800 && c <= 0xdfff) return false;
  return isIdeographic(c) || UNICODE_WORD.test(text[i] as string);
}

function isDomainChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** Start of the local part ending at `at` (exclusive), or -1. */
function localStart(text: string, at: number): number {
  let i = at - 1;
  const limit = at - 64;
  while (i >= limit && i >= 0 && isLocalChar(text, i)) i--;
  let start = i + 1;
  const overLong = i >= 0 && i < limit && isLocalChar(text, i);
  // Text without spaces glued to the address: the local part is the trailing run of one script.
  const lastIdeo = isIdeographic(text.charCodeAt(at - 1));
  let cut = start;
  for (let k = at - 1; k >= start; k--) {
    if (isIdeographic(text.charCodeAt(k)) !== lastIdeo) {
      cut = k + 1;
      break;
    }
  }
  if (cut > start) start = cut;
  else if (overLong) return -1;
  if (lastIdeo) {
    // All-ideographic local part: drop a leading label such as 邮箱是.
    const local = text.slice(start, at);
    CJK_LABEL.lastIndex = 0;
    let labelEnd = 0;
    for (let m = CJK_LABEL.exec(local); m !== null; m = CJK_LABEL.exec(local)) labelEnd = m.index + m[0].length;
    if (labelEnd >= local.length) return -1;
    start += labelEnd;
  }
  while (start < at && text.charCodeAt(start) === 46) start++;
  if (start >= at || text.charCodeAt(at - 1) === 46) return -1;
  return start;
}

/** Whether `[.., start)` is the userinfo of a URL (`scheme://user:pass@`), looking back at most 256 units. */
function inUrlAuthority(text: string, start: number): boolean {
  const prev = text.charCodeAt(start - 1);
  if (prev !== 58 && prev !== 47) return false;
  const limit = Math.max(0, start - 256);
  for (let i = start - 1; i >= limit + 2; i--) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 34 || c === 39 || c === 60) return false;
    if (c === 47 && text.charCodeAt(i - 1) === 47 && text.charCodeAt(i - 2) === 58) return true;
  }
  return false;
}

interface DomainScan {
  end: number;
  labels: number;
}

const scan: DomainScan = { end: 0, labels: 0 };

/** Scan the domain after `@` at `at`; fills {@link scan} and returns false when it is not a host name. */
function scanDomain(text: string, at: number): boolean {
  const limit = Math.min(text.length, at + 1 + 253);
  let i = at + 1;
  while (i < limit && isDomainChar(text.charCodeAt(i))) i++;
  if (i === limit && limit < text.length && isDomainChar(text.charCodeAt(i))) return false;
  // Trim a sentence-ending dot or hyphen; stop at an empty label.
  let end = i;
  for (let k = at + 1; k < end; k++) {
    if (text.charCodeAt(k) === 46 && text.charCodeAt(k + 1) === 46) {
      end = k;
      break;
    }
  }
  while (end > at + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
  if (end <= at + 1) return false;
  let labels = 0;
  let labelStart = at + 1;
  for (let k = at + 1; k <= end; k++) {
    if (k === end || text.charCodeAt(k) === 46) {
      const len = k - labelStart;
      if (len < 1 || len > 63) return false;
      if (text.charCodeAt(labelStart) === 45 || text.charCodeAt(k - 1) === 45) return false;
      labels++;
      labelStart = k + 1;
    }
  }
  scan.end = end;
  scan.labels = labels;
  return true;
}

/** Whether the last label of `text[from, end)` is a plausible TLD. */
function isTld(text: string, from: number, end: number): boolean {
  const dot = text.lastIndexOf('.', end - 1);
  const start = dot >= from ? dot + 1 : from;
  const len = end - start;
  if (len >= 4 && text.startsWith('xn--', start)) return true;
  if (len < 2) return false;
  for (let k = start; k < end; k++) if (!isLetter(text.charCodeAt(k))) return false;
  const tld = text.slice(start, end).toLowerCase();
  return len === 2 ? CC_TLDS.has(tld) : !NOT_TLDS.has(tld);
}

function match(text: string, pos: number, ctx: MatchContext): void {
  // O(1) gate: a local-part character before and a domain label start after the `@`.
  const before = text.charCodeAt(pos - 1);
  if (Number.isNaN(before) || (before < 128 && !isAsciiLocal(before))) return;
  const after = text.charCodeAt(pos + 1);
  if (!((after >= 97 && after <= 122) || (after >= 65 && after <= 90) || (after >= 48 && after <= 57))) return;

  const start = localStart(text, pos);
  if (start < 0) return;
  if (!scanDomain(text, pos)) return;
  const end = scan.end;
  const labels = scan.labels;
  // scp-style remote (git@github.com:org/repo) or ssh target with a port.
  const next = text.charCodeAt(end);
  if (next === 58) {
    const n2 = text.charCodeAt(end + 1);
    if (n2 === 47 || (n2 >= 48 && n2 <= 57) || isLetter(n2) || n2 === 126) return;
  }
  if (next === 64) return;
  if (inUrlAuthority(text, start)) return;

  let masked = false;
  let numeric = true;
  for (let k = start; k < pos; k++) {
    const c = text.charCodeAt(k);
    if (c === 42) masked = true;
    if (c < 48 || c > 57) numeric = false;
  }
  let score: number;
  if (labels < 2) {
    // `user@localhost`: only when the text says it is an e-mail address.
    if (ctx.context(start, end, CONTEXT) !== 1) return;
    score = 0.55;
  } else {
    if (!isTld(text, pos + 1, end)) return;
    score = ctx.context(start, end, CONTEXT) === 1 ? 0.97 : 0.9;
  }
  ctx.emit({
    type: 'EMAIL_ADDRESS',
    start,
    end,
    score,
    recognizer: ID,
    ...(masked ? { masked: true } : {}),
    ...(numeric && !masked ? { attrs: { numericLocal: true } } : {}),
  });
}

/**
 * E-mail addresses, including Unicode local parts and already-masked forms.
 *
 * @example
 * createAnalyzer({ recognizers: [emailRecognizer] }).detect('联系zhang.san@qq.com') // [{ start: 2, end: 18, … }]
 */
export const emailRecognizer = defineRecognizer({
  id: ID,
  entities: ['EMAIL_ADDRESS'],
  triggers: Trigger.AT,
  match,
  examples: {
    match: ['Contact: zhang.san@example.com', '邮箱：12345678@qq.com', '汉字@qq.com', 'mailto:li.lei+news@163.com'],
    noMatch: [
      '@Override public void run()',
      'npm i @types/node',
      'icon@2x.png',
      'react@18.2.0',
      'git@github.com:org/repo.git',
    ],
  },
});
