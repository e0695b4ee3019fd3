/**
 * SECRET — provider tokens recognisable by their prefix.
 *
 * Formats (provider documentation; regexes as in gitleaks/trufflehog rules):
 * - AWS access key id: `AKIA` (long-term) or `ASIA` (STS) + 16 base32 characters `[A-Z2-7]`. The documented
 *   example `AKIAIOSFODNN7EXAMPLE` and other `…EXAMPLE` ids are skipped.
 * - Alibaba Cloud AccessKey ID: `LTAI` + 12–30 alphanumerics (mixed classes required).
 * - Tencent Cloud SecretId: `AKID` + 28–36 alphanumerics.
 * - GitHub tokens: `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` + 36 base62, whose last 6 characters are the base62 CRC32 of
 *   the 30 before them (GitHub's 2021 token format); `github_pat_` fine-grained tokens; npm `npm_` tokens (same
 *   checksum scheme). A token whose checksum fails is still reported, with a lower score.
 * - Slack: `xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xoxe-` + digit/alnum groups.
 * - Stripe: `sk_live_` / `rk_live_` + 24–99 alphanumerics (`sk_test_` keys open test data only: low score).
 *
 * Triggers: ALNUM for the cloud keys (`AKIA…`, `LTAI…`, `AKID…`: a word containing a digit) and KEYWORD for the
 * underscore/hyphen-prefixed tokens (`ghp`, `xoxb`, `sk_live`…), which start a word without a digit.
 *
 * Known gap: a cloud key id made of letters only (about 3.6 % of random AKIA ids) fires no trigger.
 */
import { defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { CharClass, charClasses, entropyThreshold, shannonEntropy } from '../../validators/entropy.js';

const ID = 'secret-token';

const CLOUD_CONTEXT = defineContext({
  positive: [
    'aws',
    'amazon',
    'access key',
    'access_key',
    'accesskey',
    'access key id',
    'secret id',
    'secretid',
    'aliyun',
    'alibaba',
    'alicloud',
    'tencent',
    'qcloud',
    'credentials',
    '阿里云',
    '腾讯云',
    '密钥',
  ],
  before: 40,
  after: 12,
});

/** Keywords that start a token; their index selects the token family in {@link matchKeyword}. */
const KEYWORDS = [
  'ghp',
  'gho',
  'ghu',
  'ghs',
  'ghr',
  'github_pat',
  'npm',
  'xoxb',
  'xoxp',
  'xoxa',
  'xoxr',
  'xoxs',
  'xoxe',
  'sk_live',
  'rk_live',
  'sk_test',
] as const;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const CRC_TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c;
}

function crc32(text: string, start: number, end: number): number {
  let crc = -1;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number);
  return (crc ^ -1) >>> 0;
}

/**
 * The 6-character base62 CRC32 checksum GitHub appends to the 30 random characters of a token.
 *
 * @example
 * githubTokenChecksum('a'.repeat(30)).length // 6
 */
export function githubTokenChecksum(random: string): string {
  let v = crc32(random, 0, random.length);
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out;
}

function isAlnumCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isWordCode(c: number): boolean {
  return isAlnumCode(c) || c === 95;
}

function isBase32Upper(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 50 && c <= 55);
}

function emit(start: number, end: number, score: number, kind: string, ctx: MatchContext): void {
  ctx.emit({ type: 'SECRET', start, end, score, recognizer: ID, attrs: { kind } });
}

/** Whether every character of `[start, end)` satisfies `pred`. */
function all(text: string, start: number, end: number, pred: (c: number) => boolean): boolean {
  for (let i = start; i < end; i++) if (!pred(text.charCodeAt(i))) return false;
  return true;
}

function matchCloudKey(text: string, pos: number, ctx: MatchContext): void {
  const end = ctx.runEnd;
  const n = end - pos;
  if (n < 16 || n > 40) return;
  const c0 = text.charCodeAt(pos);
  if (c0 !== 65 && c0 !== 76) return; // A or L
  const p4 = text.slice(pos, pos + 4);
  if (p4 === 'AKIA' || p4 === 'ASIA') {
    if (n !== 20 || !all(text, pos + 4, end, isBase32Upper)) return;
    if (text.endsWith('EXAMPLE', end)) return;
    const c = ctx.context(pos, end, CLOUD_CONTEXT);
    emit(pos, end, c === 1 ? 0.97 : 0.9, 'aws-access-key-id', ctx);
    return;
  }
  if (p4 === 'LTAI' || p4 === 'AKID') {
    const tencent = p4 === 'AKID';
    if (tencent ? n < 32 || n > 40 : n < 16 || n > 34) return;
    if (!all(text, pos + 4, end, isAlnumCode)) return;
    // Random keys mix letters and digits with high entropy; words such as LTAIEXAMPLEKEY do not.
    const classes = charClasses(text, pos + 4, end);
    if ((classes & CharClass.DIGIT) === 0 || (classes & (CharClass.LOWER | CharClass.UPPER)) === 0) return;
    if (shannonEntropy(text, pos + 4, end) < 0.8 * entropyThreshold(n - 4)) return;
    const c = ctx.context(pos, end, CLOUD_CONTEXT);
    emit(pos, end, c === 1 ? 0.95 : 0.85, tencent ? 'tencent-secret-id' : 'alibaba-access-key', ctx);
  }
}

function matchKeyword(text: string, pos: number, ctx: MatchContext): void {
  if (isWordCode(text.charCodeAt(pos - 1))) return;
  const k = ctx.keyword;
  const after = ctx.keywordEnd;
  const sep = text.charCodeAt(after);
  if (k <= 4 || k === 6) {
    // ghp_ + 36 base62 / npm_ + 36 base62.
    if (sep !== 95) return;
    const start = after + 1;
    const end = start + 36;
    if (!all(text, start, end, isAlnumCode) || isWordCode(text.charCodeAt(end))) return;
    const ok = githubTokenChecksum(text.slice(start, start + 30)) === text.slice(start + 30, end);
    emit(pos, end, ok ? 0.99 : 0.8, k === 6 ? 'npm-token' : 'github-token', ctx);
    return;
  }
  if (k === 5) {
    // github_pat_ + 22 alnum + _ + 59 alnum.
    if (sep !== 95) return;
    const a = after + 1;
    if (!all(text, a, a + 22, isAlnumCode) || text.charCodeAt(a + 22) !== 95) return;
    const end = a + 23 + 59;
    if (!all(text, a + 23, end, isAlnumCode) || isWordCode(text.charCodeAt(end))) return;
    emit(pos, end, 0.97, 'github-token', ctx);
    return;
  }
  if (k >= 7 && k <= 12) {
    // xoxb-123…-456…-abc…: groups of alnum separated by hyphens, 20-250 characters.
    if (sep !== 45) return;
    let end = after;
    let groups = 0;
    const limit = pos + 250;
    while (end < limit && text.charCodeAt(end) === 45 && isAlnumCode(text.charCodeAt(end + 1))) {
      end++;
      while (end < limit && isAlnumCode(text.charCodeAt(end))) end++;
      groups++;
    }
    if (groups < 2 || end - pos < 20 || isWordCode(text.charCodeAt(end))) return;
    emit(pos, end, 0.95, 'slack-token', ctx);
    return;
  }
  // sk_live_ / rk_live_ / sk_test_ + 24-99 alnum.
  if (sep !== 95) return;
  const start = after + 1;
  let end = start;
  while (end < start + 99 && isAlnumCode(text.charCodeAt(end))) end++;
  if (end - start < 24 || isWordCode(text.charCodeAt(end))) return;
  emit(pos, end, k === 15 ? 0.6 : 0.97, k === 15 ? 'stripe-test-key' : 'stripe-key', ctx);
}

function match(text: string, pos: number, ctx: MatchContext): void {
  const c0 = text.charCodeAt(pos);
  if (c0 >= 97) {
    // KEYWORD trigger: tokens are case-sensitive, so the keyword must be there in lower case.
    const keyword = KEYWORDS[ctx.keyword];
    if (ctx.runEnd === ctx.keywordEnd && keyword !== undefined && text.startsWith(keyword, pos)) {
      matchKeyword(text, pos, ctx);
    }
    return;
  }
  matchCloudKey(text, pos, ctx);
}

/**
 * Provider tokens with a recognisable prefix: AWS, Alibaba Cloud and Tencent Cloud key ids, GitHub and npm
 * tokens (checksum verified), Slack and Stripe keys. `attrs.kind` names the provider.
 *
 * @example
 * createAnalyzer({ recognizers: [secretTokenRecognizer] }).detect('aws_access_key_id = AKIAQWERTYUIOPASDF23')
 */
export const secretTokenRecognizer = defineRecognizer({
  id: ID,
  entities: ['SECRET'],
  triggers: Trigger.ALNUM | Trigger.KEYWORD,
  // Cloud key ids: AKIA/ASIA/AKID/LTAI words of 16-40 (KEYWORD triggers take the lower-case tokens).
  alnumGate: (first, len) => (first === 'A' || first === 'L') && len >= 16,
  keywords: KEYWORDS,
  match,
  examples: {
    match: [
      'aws_access_key_id = AKIAQWERTYUIOPASDF23',
      'AccessKeyId: LTAI5tQ8xYz3KpL9mNvR2wEa',
      `token ghp_${'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy'}${githubTokenChecksum('Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy')}`,
      'SLACK_TOKEN=xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
    ],
    noMatch: ['AKIAIOSFODNN7EXAMPLE', 'AKIA1234', 'ghp_short', 'npm install leakguard', 'LTAIEXAMPLEKEYEXAMPLE'],
  },
});
