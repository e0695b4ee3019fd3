/**
 * Unified Social Credit Code (统一社会信用代码, GB 32100-2015) and the organisation code it embeds
 * (组织机构代码, GB 11714-1997), reference §4.
 *
 * USCC layout: 1 registration authority, 2 entity category, 3–8 administrative division (digits), 9–17 the
 * GB 11714 organisation code (8 body characters + its own check), 18 the mod-31 check (GB/T 17710 style) over
 * the 31-symbol alphabet `0-9 A-H J-N P-R T U W-Y` (no I, O, S, V, Z).
 */

/** The USCC alphabet; a character's value is its index. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** `3^(i−1) mod 31` for positions 1–17. */
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 11714 weights for the 8 body characters. */
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** USCC value by char code (upper-case only), -1 outside the alphabet. */
const USCC_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_ALPHABET.length; i++) USCC_VALUE[USCC_ALPHABET.charCodeAt(i)] = i;

function usccValue(c: number): number {
  return c < 128 ? (USCC_VALUE[c] as number) : -1;
}

/** GB 11714 body value: digits face value, A–Z 10–35 (upper-case only), else -1. */
function orgValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 90) return c - 55;
  return -1;
}

/**
 * The mod-31 check value (0–30) of the 17 characters at `text[start, start + 17)`, or -1 when one of them is
 * outside the alphabet. Allocation-free.
 *
 * @example
 * USCC_ALPHABET[usccCheckValueAt('91110000600037341L', 0)] // 'L'
 */
export function usccCheckValueAt(text: string, start: number): number {
  let s = 0;
  for (let i = 0; i < 17; i++) {
    const v = usccValue(text.charCodeAt(start + i));
    if (v < 0) return -1;
    s += v * (USCC_WEIGHTS[i] as number);
  }
  return (31 - (s % 31)) % 31;
}

/**
 * The USCC check character for a 17-character body.
 *
 * @throws RangeError when the body is not 17 characters of the USCC alphabet
 * @example
 * usccCheckChar('91110000600037341') // 'L'
 */
export function usccCheckChar(body: string): string {
  const v = body.length === 17 ? usccCheckValueAt(body, 0) : -1;
  if (v < 0) throw new RangeError('usccCheckChar: body must be 17 characters of the USCC alphabet');
  return USCC_ALPHABET[v] as string;
}

/**
 * The GB 11714 check value (0–10, 10 written `X`) of the 8 body characters at `text[start, start + 8)`, or -1 when
 * one is not `[0-9A-Z]`. Allocation-free.
 *
 * @example
 * orgCodeCheckValueAt('60003734', 0) // 1
 */
export function orgCodeCheckValueAt(text: string, start: number): number {
  let s = 0;
  for (let i = 0; i < 8; i++) {
    const v = orgValue(text.charCodeAt(start + i));
    if (v < 0) return -1;
    s += v * (ORG_WEIGHTS[i] as number);
  }
  const c = 11 - (s % 11);
  return c === 11 ? 0 : c;
}

function isOrgCheckCode(value: number, c: number): boolean {
  return value === 10 ? c === 88 : value >= 0 && c === 48 + value;
}

/**
 * The GB 11714 check character (`0`–`9` or `X`) for an 8-character organisation-code body.
 *
 * @throws RangeError when the body is not 8 characters of `[0-9A-Z]`
 * @example
 * orgCodeCheckChar('MA1BUFLT') // '4'
 */
export function orgCodeCheckChar(body: string): string {
  const v = body.length === 8 ? orgCodeCheckValueAt(body, 0) : -1;
  if (v < 0) throw new RangeError('orgCodeCheckChar: body must be 8 characters of [0-9A-Z]');
  return v === 10 ? 'X' : String(v);
}

/**
 * Whether the 9 organisation-code characters at `text[start, start + 9)` pass the GB 11714 check.
 *
 * @example
 * isOrgCodeValidAt('91110000600037341L', 8) // true
 */
export function isOrgCodeValidAt(text: string, start: number): boolean {
  return isOrgCheckCode(orgCodeCheckValueAt(text, start), text.charCodeAt(start + 8));
}

/**
 * Whether `code` is a valid stand-alone organisation code, `XXXXXXXX-X` or `XXXXXXXXX`.
 *
 * @example
 * isOrgCodeValid('60003734-1') // true
 */
export function isOrgCodeValid(code: string): boolean {
  if (code.length === 10 && code.charCodeAt(8) === 45) return isOrgCodeValidAt(code.slice(0, 8) + code.slice(9), 0);
  return code.length === 9 && isOrgCodeValidAt(code, 0);
}

/** What kind of body a USCC's authority and category codes name (reference §4.1 table). */
export type UsccKind =
  | 'government'
  | 'public-institution'
  | 'mass-organisation'
  | 'foreign-news-agency'
  | 'law-firm'
  | 'notary'
  | 'legal-service'
  | 'forensic-appraisal'
  | 'arbitration'
  | 'foreign-cultural-centre'
  | 'social-organisation'
  | 'private-non-enterprise'
  | 'foundation'
  | 'tourism-office'
  | 'religious'
  | 'trade-union'
  | 'enterprise'
  | 'individual-business'
  | 'farmers-cooperative'
  | 'military-institution'
  | 'collective-economic'
  | 'other';

/** Allowed `authority + category` pairs and what they name. */
const KINDS: Readonly<Record<string, UsccKind>> = {
  '11': 'government',
  '12': 'public-institution',
  '13': 'mass-organisation',
  '19': 'other',
  '21': 'foreign-news-agency',
  '29': 'other',
  '31': 'law-firm',
  '32': 'notary',
  '33': 'legal-service',
  '34': 'forensic-appraisal',
  '35': 'arbitration',
  '39': 'other',
  '41': 'foreign-cultural-centre',
  '49': 'other',
  '51': 'social-organisation',
  '52': 'private-non-enterprise',
  '53': 'foundation',
  '59': 'other',
  '61': 'tourism-office',
  '62': 'tourism-office',
  '69': 'other',
  '71': 'religious',
  '72': 'religious',
  '79': 'other',
  '81': 'trade-union',
  '89': 'other',
  '91': 'enterprise',
  '92': 'individual-business',
  '93': 'farmers-cooperative',
  A1: 'military-institution',
  A9: 'other',
  N1: 'collective-economic',
  N2: 'collective-economic',
  N3: 'collective-economic',
  N9: 'other',
  Y1: 'other',
};

/** Allowed pairs as a lookup by `authority code * 128 + category code`, for the hot path. */
const PAIR_OK = new Uint8Array(128 * 128);
for (const pair of Object.keys(KINDS)) PAIR_OK[pair.charCodeAt(0) * 128 + pair.charCodeAt(1)] = 1;

/**
 * Whether the characters at `text[start]` and `text[start + 1]` are a registration authority and entity category
 * that GB 32100 defines. Allocation-free.
 *
 * @example
 * isUsccPrefixAt('92371000MA3MXH0E3W', 0) // true
 * isUsccPrefixAt('94371000MA3MXH0E3W', 0) // false
 */
export function isUsccPrefixAt(text: string, start: number): boolean {
  const a = text.charCodeAt(start);
  const b = text.charCodeAt(start + 1);
  return a < 128 && b < 128 && PAIR_OK[a * 128 + b] === 1;
}

/** Province-level values allowed in positions 3–4: the 34 provinces plus 10 (national-level registration). */
const REGION_OK = new Uint8Array(100);
for (const p of [
  10, 11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62,
  63, 64, 65, 71, 81, 82,
]) {
  REGION_OK[p] = 1;
}

/** How an 18-character candidate fares against GB 32100. */
export interface UsccCheck {
  /** Authority/category pair, six-digit region with a known province part, alphabet: the code's shape. */
  readonly shape: boolean;
  /** The mod-31 check character matches. */
  readonly check: boolean;
  /** The embedded GB 11714 organisation code (positions 9–17) passes its own check. */
  readonly orgCode: boolean;
}

/**
 * Check the 18 characters at `text[start, start + 18)` as a USCC; `null` when they are not even the USCC shape.
 * Allocates one small object: call after a cheap gate.
 *
 * @example
 * checkUsccAt('91350211M0000XUF46', 0) // { shape: true, check: false, orgCode: true } (pilot-era code)
 */
export function checkUsccAt(text: string, start: number): UsccCheck | null {
  if (!isUsccPrefixAt(text, start)) return null;
  let region = 0;
  for (let i = start + 2; i < start + 8; i++) {
    const d = text.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return null;
    if (i < start + 4) region = region * 10 + d;
  }
  if (REGION_OK[region] !== 1) return null;
  for (let i = start + 8; i < start + 18; i++) if (usccValue(text.charCodeAt(i)) < 0) return null;
  const cv = usccCheckValueAt(text, start);
  return {
    shape: true,
    check: USCC_ALPHABET.charCodeAt(cv) === text.charCodeAt(start + 17),
    orgCode: isOrgCodeValidAt(text, start + 8),
  };
}

/**
 * Whether `code` is a valid USCC: 18 characters, defined authority and category, six-digit region, and a matching
 * mod-31 check. (The embedded organisation-code check is reported by {@link checkUsccAt}; it is not required here.)
 *
 * @example
 * isUsccValid('91110000600037341L') // true
 * isUsccValid('91110000600037341M') // false
 */
export function isUsccValid(code: string): boolean {
  if (code.length !== 18) return false;
  return checkUsccAt(code, 0)?.check === true;
}

/**
 * The kind of body the authority and category codes name, or `null` for an undefined pair.
 *
 * @example
 * usccKind('92371000MA3MXH0E3W') // 'individual-business'
 */
export function usccKind(code: string): UsccKind | null {
  return KINDS[code.slice(0, 2)] ?? null;
}
