/**
 * CN_HK_MACAU_PERMIT — the two Hong Kong/Macau travel permits; reference §5.2, §5.3.
 *
 * Spec (no check digit): Exit-Entry Permit for Travelling to and from Hong Kong and Macau (往来港澳通行证, mainland
 * residents) `C` + 8 digits, then `C` + letter (no I/O) + 7 digits from `CA0000001` on; Mainland Travel Permit
 * for Hong Kong and Macau Residents (回乡证) `H`/`M` + 8-digit lifetime number, on the 1999 card followed by a
 * 2-digit issue counter (`H1234567800`).
 * Shape-only and common-looking, so a permit label is required (通行证, 回乡证, home return permit …).
 * Attrs: `permit` = `exit-entry` (C) or `home-return` (H/M, with `region` HK/MO).
 *
 * False-positive traps: codes such as `C12345678` or `H12345678` in inventories and logs (label required);
 * the HK/Macau *residence permits* are 18-digit numbers (cn.residence-permit-hmt).
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { isAN, isD, isUp, wordEnd } from './shared.js';

const CONTEXT = defineContext({
  positive: [
    '通行证',
    '港澳通行证',
    '往来港澳通行证',
    '回乡证',
    '回鄉證',
    '港澳居民来往内地通行证',
    '来往内地通行证',
    '通行證',
    '证件号',
    '证件号码',
    'home return permit',
    'exit-entry permit',
    'EEP',
    'permit',
  ],
  negative: COMMON_NEGATIVE,
  before: 40,
});

const ID = 'cn.hk-macau-permit';

/** Recognizer for Hong Kong/Macau travel permits; see the file header. */
export const hkMacauPermitRecognizer = defineRecognizer({
  id: ID,
  entities: ['CN_HK_MACAU_PERMIT'],
  country: 'CN',
  triggers: Trigger.ALNUM,
  alnumGate: (first, len) => (first === 'C' || first === 'H' || first === 'M') && len >= 9,
  match(text: string, pos: number, ctx: MatchContext): void {
    // O(1) gate: C/H/M-led words of at least 9 characters (`runEnd` also counts a trailing `_`).
    const c0 = text.charCodeAt(pos);
    if (c0 !== 67 && c0 !== 72 && c0 !== 77) return;
    if (ctx.runEnd - pos < 9 || isAN(text.charCodeAt(pos - 1))) return;
    const end = wordEnd(text, pos, 11);
    const n = end - pos;
    if (n !== 9 && n !== 11) return;
    const b = text.charCodeAt(pos + 1);
    let from = pos + 1;
    if (c0 === 67) {
      if (n !== 9) return;
      if (isUp(b) && b !== 73 && b !== 79) from = pos + 2;
    }
    for (let i = from; i < end; i++) if (!isD(text.charCodeAt(i))) return;
    if (ctx.context(pos, end, CONTEXT) !== 1) return;
    ctx.emit({
      type: 'CN_HK_MACAU_PERMIT',
      start: pos,
      end,
      score: 0.85,
      recognizer: ID,
      subject: 'person',
      attrs: c0 === 67 ? { permit: 'exit-entry' } : { permit: 'home-return', region: c0 === 72 ? 'HK' : 'MO' },
    });
  },
  examples: {
    match: ['往来港澳通行证：C12345678', '港澳通行证 CA1234567', '回乡证号码 H12345678', '回乡证 M1234567801'],
    noMatch: ['C12345678', '通行证 CI1234567', '通行证 C1234567', '回乡证 h12345678'],
  },
});
