/**
 * CN_TAIWAN_PERMIT — Mainland Travel Permit for Taiwan Residents (台湾居民来往大陆通行证, 台胞证); reference §5.4.
 *
 * Spec: the holder's 8-digit lifetime number (since 2008; the 2015 card keeps it); old booklets: the 8 digits +
 * a 2-digit issue count, optionally followed by an issuing-office code in brackets (`0561682001(D)`).
 * An 8-digit number is hopeless without its label, so this recognizer reports ONLY next to 台胞证 / 台湾居民来往
 * 大陆通行证 / MTP (and their Traditional forms). A cheap look-back for `台` or `MTP` runs before the context regex,
 * because 8-digit runs (dates such as 20240101) are common.
 *
 * False-positive traps: dates, amounts, postcodes + digits, any 8-digit id (label required, nearest label wins).
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { isAN, isUp } from './shared.js';

const CONTEXT = defineContext({
  positive: [
    '台胞证',
    '台胞證',
    '台湾居民来往大陆通行证',
    '台灣居民來往大陸通行證',
    '台湾通行证',
    '台胞证号',
    '台胞',
    'MTP',
  ],
  // A compact birth date (`出生日期：19700812`) a few lines after a permit label is a date, not a permit.
  negative: [...COMMON_NEGATIVE, '出生日期', '出生', '生日', '日期'],
  before: 40,
});

const ID = 'cn.taiwan-permit';
/** 台 */
const TAI = 0x53f0;

/** Whether `台` or `MTP` occurs in the 40 characters before `pos` (bounded, allocation-free). */
function labelNearby(text: string, pos: number): boolean {
  const from = pos > 40 ? pos - 40 : 0;
  for (let i = pos - 1; i >= from; i--) {
    const c = text.charCodeAt(i);
    if (c === TAI) return true;
    if (c === 80 && text.charCodeAt(i - 1) === 84 && text.charCodeAt(i - 2) === 77) return true;
  }
  return false;
}

/** Recognizer for Taiwan compatriot permit numbers; see the file header. */
export const taiwanPermitRecognizer = defineRecognizer({
  id: ID,
  entities: ['CN_TAIWAN_PERMIT'],
  country: 'CN',
  triggers: Trigger.DIGIT,
  digitGate: (_d, len) => len === 8 || len === 10,
  match(text: string, pos: number, ctx: MatchContext): void {
    const run = ctx.runEnd - pos;
    if (run !== 8 && run !== 10) return;
    if (isAN(text.charCodeAt(pos - 1))) return;
    let end = ctx.runEnd;
    // Old booklets: `0561682001(D)`.
    if (
      run === 10 &&
      text.charCodeAt(end) === 40 &&
      isAN(text.charCodeAt(end + 1)) &&
      text.charCodeAt(end + 2) === 41
    ) {
      end += 3;
    }
    if (isAN(text.charCodeAt(end)) || (run === 10 && end === ctx.runEnd && isUp(text.charCodeAt(end)))) return;
    if (!labelNearby(text, pos) || ctx.context(pos, end, CONTEXT) !== 1) return;
    ctx.emit({ type: 'CN_TAIWAN_PERMIT', start: pos, end, score: 0.85, recognizer: ID, subject: 'person' });
  },
  examples: {
    match: ['台胞证号码：05616820', '台湾居民来往大陆通行证 12345678', '台胞证 0561682001(D)'],
    noMatch: ['05616820', '日期 20240101', '台胞证 1234567', '台胞证 123456789'],
  },
});
