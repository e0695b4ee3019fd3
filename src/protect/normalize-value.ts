/**
 * The canonical form of a value for keyed operators (`hash`, `pseudonym`, `tokenize`), so joins survive
 * formatting differences: `138 1234 5678`, `+86 138-1234-5678` and `１３８１２３４５６７８` hash alike.
 *
 * - every value: full-width forms folded (reference §0) and surrounding whitespace trimmed;
 * - identifier types: spaces, hyphens, dots and parentheses removed, letters upper-cased (`x` → `X` in IDs);
 * - CN_MOBILE: a leading `+86` / `0086` / `86` country code removed;
 * - EMAIL_ADDRESS: lower-cased (domains are case-insensitive and providers treat local parts so in practice).
 */
import type { EntityName } from '../core/finding.js';
import { normalizeText } from '../detect/normalize.js';

const COMPACT = new Set<string>([
  'CN_RESIDENT_ID',
  'CN_RESIDENCE_PERMIT_HMT',
  'CN_FOREIGN_PR_ID',
  'CN_MOBILE',
  'CN_LANDLINE',
  'CN_BANK_CARD',
  'CREDIT_CARD',
  'CN_USCC',
  'CN_PASSPORT',
  'CN_HK_MACAU_PERMIT',
  'CN_TAIWAN_PERMIT',
  'HK_ID',
  'TW_NATIONAL_ID',
  'VIN',
  'IBAN_CODE',
  'US_SSN',
  'PHONE_NUMBER',
  'MAC_ADDRESS',
]);

/**
 * Separators removed from identifier types. Example match: `-` in `138-1234-5678`. Source: reference §0/§2.1
 * written forms. Deliberately does not match `+` (kept for international phone numbers) or letters.
 */
const SEPARATORS = /[\s\-.()]/g;

/**
 * The canonical form of `value` as type `type` (undefined: only width folding and trimming).
 *
 * @example
 * normalizeValue('CN_MOBILE', '+86 138-1234-5678') // '13812345678'
 */
export function normalizeValue(type: EntityName | undefined, value: string): string {
  let v = normalizeText(value).trim();
  if (type === undefined) return v;
  if (COMPACT.has(type)) {
    v = v.replace(SEPARATORS, '').toUpperCase();
    if (type === 'CN_MOBILE' && v.length > 11) {
      if (v.startsWith('+86')) v = v.slice(3);
      else if (v.startsWith('0086')) v = v.slice(4);
      else if (v.startsWith('86') && v.length === 13) v = v.slice(2);
    }
    if (type === 'MAC_ADDRESS') v = v.replace(/:/g, '');
    return v;
  }
  if (type === 'EMAIL_ADDRESS') return v.toLowerCase();
  return v;
}
