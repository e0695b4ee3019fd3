/**
 * CN_RESIDENCE_PERMIT_HMT — residence permit for Hong Kong, Macau and Taiwan residents (港澳台居民居住证, since
 * 2018); reference §1.7.
 *
 * Spec: an 18-character GB 11643-style number whose address code is `810000` (Hong Kong), `820000` (Macau) or
 * `830000` (Taiwan), then `YYYYMMDD`, a sequence (odd = male) and the MOD 11-2 check character.
 * Validators: `mod11-2.ts`, `cn-date.ts`. Attrs: `origin` (`HK`/`MO`/`TW`), `ageBand`, `sex`; holder under 14 →
 * `sensitive`. These numbers are never reported as CN_RESIDENT_ID (that recognizer skips 810000/820000, and 83 is
 * not a province code).
 *
 * False-positive traps: the fixed `8x0000` prefix makes random hits rare (≈ 1 in 10⁷ of 18-digit numbers pass
 * the prefix, date and check); order numbers with that prefix get the negative context penalty.
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { ID_LABELS } from './resident-id.js';
import { clampScore, holderAttrs, isAN, parseGb11643At } from './shared.js';

const CONTEXT = defineContext({
  positive: [...ID_LABELS, '居住证', '居住证号', '居住证号码', '港澳台居民居住证', '港澳居民居住证', '台湾居民居住证'],
  negative: COMMON_NEGATIVE,
});

const ID = 'cn.residence-permit-hmt';

/** Recognizer for Hong Kong/Macau/Taiwan residents' residence permits; see the file header. */
export const residencePermitHmtRecognizer = defineRecognizer({
  id: ID,
  entities: ['CN_RESIDENCE_PERMIT_HMT'],
  country: 'CN',
  triggers: Trigger.DIGIT,
  // `8[123]0000` + 12 characters.
  digitGate: (d, len) => d === 8 && (len === 18 || len === 17),
  match(text: string, pos: number, ctx: MatchContext): void {
    // O(1) gate: `8[123]0000`, 18 characters (or 17 digits + X), not glued to letters.
    if (text.charCodeAt(pos) !== 56) return;
    const run = ctx.runEnd - pos;
    if (run !== 18 && run !== 17) return;
    const o = text.charCodeAt(pos + 1);
    if (o < 49 || o > 51 || !text.startsWith('0000', pos + 2)) return;
    if (run === 17) {
      const x = text.charCodeAt(pos + 17);
      if (x !== 88 && x !== 120) return;
    }
    if (isAN(text.charCodeAt(pos - 1)) || isAN(text.charCodeAt(pos + 18))) return;
    const facts = parseGb11643At(text, pos);
    if (facts === null) return;
    const c = ctx.context(pos, pos + 18, CONTEXT);
    ctx.emit({
      type: 'CN_RESIDENCE_PERMIT_HMT',
      start: pos,
      end: pos + 18,
      score: clampScore(c === 1 ? 0.98 : c === -1 ? 0.6 : 0.9),
      recognizer: ID,
      subject: 'person',
      ...(facts.age < 14 ? { sensitive: true } : {}),
      attrs: { origin: o === 49 ? 'HK' : o === 50 ? 'MO' : 'TW', ...holderAttrs(facts) },
    });
  },
  examples: {
    match: ['居住证号码：810000199001010019', '830000197912310033', '港澳居民居住证 820000201205200027'],
    noMatch: ['810000199001010018', '840000199001010019', '8100001990010100190', 'x810000199001010019'],
  },
});
