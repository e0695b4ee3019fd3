/**
 * IBAN_CODE — International Bank Account Numbers.
 *
 * Spec: ISO 13616-1:2020 and the SWIFT IBAN Registry (country, exact length, BBAN structure), ISO 7064 MOD 97-10
 * check. Validator: `validators/iban.ts`. Written forms: electronic (`DE89370400440532013000`) and print format,
 * groups of four separated by single spaces (`DE89 3704 0044 0532 0130 00`); hyphens are accepted as a
 * consistent separator too.
 *
 * Triggered by ALNUM at the first word (`DE89…`), so the country letters must be upper case.
 *
 * False-positive traps handled: codes that share the shape but fail mod 97 (reported never), unknown
 * countries (`US12…`), right country with the wrong length or BBAN structure, grouped numbers that continue past
 * the country length (`… 0130 00 12`).
 */
import { defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { IBAN_COUNTRY_CODES, ibanLength, isIbanValid } from '../../validators/iban.js';

const ID = 'iban';

const CONTEXT = defineContext({
  positive: [
    'iban',
    'account',
    'account number',
    'bank',
    'bank account',
    'beneficiary',
    'transfer',
    'wire',
    'swift',
    'bic',
    'sepa',
    'konto',
    'kontonummer',
    'compte',
    'cuenta',
    'conto',
    'rekening',
    '账号',
    '账户',
    '银行',
    '收款',
    '汇款',
  ],
  negative: ['example', 'sample', 'test', 'invalid', 'dummy'],
  before: 32,
  after: 12,
});

/** IBAN length by the two country letters (index `(c0 - 65) * 26 + (c1 - 65)`), 0 when not in the registry. */
const LENGTHS = new Uint8Array(26 * 26);
for (const code of IBAN_COUNTRY_CODES) {
  LENGTHS[(code.charCodeAt(0) - 65) * 26 + (code.charCodeAt(1) - 65)] = ibanLength(code) ?? 0;
}

function isUpperCode(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isUpperAlnum(c: number): boolean {
  return isUpperCode(c) || isDigitCode(c);
}

function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function match(text: string, pos: number, ctx: MatchContext): void {
  // O(1) gates: two upper-case letters of a registry country, two check digits.
  const c0 = text.charCodeAt(pos);
  const c1 = text.charCodeAt(pos + 1);
  if (!isUpperCode(c0) || !isUpperCode(c1)) return;
  if (!isDigitCode(text.charCodeAt(pos + 2)) || !isDigitCode(text.charCodeAt(pos + 3))) return;
  const length = LENGTHS[(c0 - 65) * 26 + (c1 - 65)] as number;
  if (length === 0) return;
  const word = ctx.runEnd - pos;
  let end: number;
  let compact: string;
  if (word === length) {
    end = ctx.runEnd;
    compact = text.slice(pos, end);
  } else if (word === 4) {
    // Print format: groups of four, one separator kind, the last group 1-4 characters.
    const sep = text.charCodeAt(pos + 4);
    if (sep !== 32 && sep !== 45) return;
    let i = pos + 4;
    let have = 4;
    while (have < length) {
      if (text.charCodeAt(i) !== sep) return;
      const g = i + 1;
      const want = Math.min(length - have, 4);
      for (let k = g; k < g + want; k++) if (!isUpperAlnum(text.charCodeAt(k))) return;
      i = g + want;
      have += want;
      if (want < 4 && isUpperAlnum(text.charCodeAt(i))) return;
    }
    end = i;
    if (isWordCode(text.charCodeAt(end))) return;
    // A further group of the same shape means a longer number.
    if (text.charCodeAt(end) === sep && isUpperAlnum(text.charCodeAt(end + 1))) return;
    compact = '';
    for (let k = pos; k < end; k++) if (text.charCodeAt(k) !== sep) compact += text[k];
  } else {
    return;
  }
  if (!isIbanValid(compact)) return;
  const c = ctx.context(pos, end, CONTEXT);
  // MOD 97 plus the registry layout is a stronger check than Luhn: outrank a card read inside the same digits.
  const score = c === 1 ? 0.98 : c === -1 ? 0.6 : 0.93;
  ctx.emit({ type: 'IBAN_CODE', start: pos, end, score, recognizer: ID, attrs: { country: compact.slice(0, 2) } });
}

/**
 * IBANs of every SWIFT-registry country, electronic or print format; `attrs.country` is the country code.
 *
 * @example
 * createAnalyzer({ recognizers: [ibanRecognizer] }).detect('IBAN DE89 3704 0044 0532 0130 00') // [{ start: 5, end: 32, … }]
 */
export const ibanRecognizer = defineRecognizer({
  id: ID,
  entities: ['IBAN_CODE'],
  triggers: Trigger.ALNUM,
  // Two upper-case country letters; a compact IBAN is one word of 15-34, a grouped one starts with 4.
  alnumGate: (first, len) => first >= 'A' && first <= 'Z' && len >= 4,
  match,
  examples: {
    match: [
      'IBAN: DE89 3704 0044 0532 0130 00',
      'pay GB29NWBK60161331926819 today',
      '收款账户FR1420041010050500013M02606',
    ],
    noMatch: [
      'DE88 3704 0044 0532 0130 00',
      'US89370400440532013000',
      'DE89 3704 0044 0532 0130 00 11',
      'GB29NWBK6016133192681',
    ],
  },
});
