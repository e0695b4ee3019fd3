/**
 * International Bank Account Number (ISO 13616-1:2020) validation.
 *
 * An IBAN is a 2-letter country code, 2 check digits and a country-specific BBAN. Its check is ISO 7064
 * MOD 97-10: move the first four characters to the end, replace letters by 10..35 (`A` = 10) and read the
 * result as a decimal number; a valid IBAN leaves remainder 1.
 *
 * The country table is the SWIFT IBAN Registry (release 99, 89 countries). Territories that share a parent's
 * scheme (Åland, the French overseas departments, Jersey/Guernsey/Isle of Man…) use the parent's country code
 * in their IBANs according to the registry, so they have no entry of their own here.
 *
 * All functions take the compact electronic format (no spaces). Letters are upper case; the recognizer folds a
 * fully lower-case candidate before calling in.
 */

/** One BBAN field: `n` digits, `a` upper-case letters, `c` upper-case alphanumerics; `len` characters. */
interface BbanField {
  readonly kind: 'n' | 'a' | 'c';
  readonly len: number;
}

/** A country's IBAN layout. */
export interface IbanCountrySpec {
  /** Total IBAN length (country code + check digits + BBAN). */
  readonly length: number;
  /** BBAN structure in SWIFT registry notation, e.g. `8!n10!n` for Germany. */
  readonly bban: string;
}

/**
 * BBAN structures from the SWIFT IBAN Registry (release 99). `n` digits, `a` upper-case letters, `c` alphanumerics;
 * `!` means fixed length (every registry field is fixed-length).
 */
const BBAN_FORMATS: Readonly<Record<string, string>> = {
  AD: '4!n4!n12!c',
  AE: '3!n16!n',
  AL: '8!n16!c',
  AT: '5!n11!n',
  AZ: '4!a20!c',
  BA: '3!n3!n8!n2!n',
  BE: '3!n7!n2!n',
  BG: '4!a4!n2!n8!c',
  BH: '4!a14!c',
  BI: '5!n5!n11!n2!n',
  BR: '8!n5!n10!n1!a1!c',
  BY: '4!c4!n16!c',
  CH: '5!n12!c',
  CR: '4!n14!n',
  CY: '3!n5!n16!c',
  CZ: '4!n6!n10!n',
  DE: '8!n10!n',
  DJ: '5!n5!n11!n2!n',
  DK: '4!n9!n1!n',
  DO: '4!c20!n',
  EE: '2!n14!n',
  EG: '4!n4!n17!n',
  ES: '4!n4!n1!n1!n10!n',
  FI: '3!n11!n',
  FK: '2!a12!n',
  FO: '4!n9!n1!n',
  FR: '5!n5!n11!c2!n',
  GB: '4!a6!n8!n',
  GE: '2!a16!n',
  GI: '4!a15!c',
  GL: '4!n9!n1!n',
  GR: '3!n4!n16!c',
  GT: '4!c20!c',
  HN: '4!a20!n',
  HR: '7!n10!n',
  HU: '3!n4!n1!n15!n1!n',
  IE: '4!a6!n8!n',
  IL: '3!n3!n13!n',
  IQ: '4!a3!n12!n',
  IS: '4!n2!n6!n10!n',
  IT: '1!a5!n5!n12!c',
  JO: '4!a4!n18!c',
  KW: '4!a22!c',
  KZ: '3!n13!c',
  LB: '4!n20!c',
  LC: '4!a24!c',
  LI: '5!n12!c',
  LT: '5!n11!n',
  LU: '3!n13!c',
  LV: '4!a13!c',
  LY: '3!n3!n15!n',
  MC: '5!n5!n11!c2!n',
  MD: '2!c18!c',
  ME: '3!n13!n2!n',
  MK: '3!n10!c2!n',
  MN: '4!n12!n',
  MR: '5!n5!n11!n2!n',
  MT: '4!a5!n18!c',
  MU: '4!a2!n2!n12!n3!n3!a',
  NI: '4!a20!n',
  NL: '4!a10!n',
  NO: '4!n6!n1!n',
  OM: '3!n16!c',
  PK: '4!a16!c',
  PL: '8!n16!n',
  PS: '4!a21!c',
  PT: '4!n4!n11!n2!n',
  QA: '4!a21!c',
  RO: '4!a16!c',
  RS: '3!n13!n2!n',
  RU: '9!n5!n15!c',
  SA: '2!n18!c',
  SC: '4!a2!n2!n16!n3!a',
  SD: '2!n12!n',
  SE: '3!n16!n1!n',
  SI: '5!n8!n2!n',
  SK: '4!n6!n10!n',
  SM: '1!a5!n5!n12!c',
  SO: '4!n3!n12!n',
  ST: '8!n11!n2!n',
  SV: '4!a20!n',
  TL: '3!n14!n2!n',
  TN: '2!n3!n13!n2!n',
  TR: '5!n1!n16!c',
  UA: '6!n19!c',
  VA: '3!n15!n',
  VG: '4!a16!n',
  XK: '4!n10!n2!n',
  YE: '4!a4!n18!c',
};

/** `8!n` style field: a count and a kind. Example match: `16!c`; source: SWIFT IBAN Registry notation. */
const FIELD_RE = /(\d{1,2})!([nac])/g;

function parseBban(format: string): BbanField[] {
  const fields: BbanField[] = [];
  for (const m of format.matchAll(FIELD_RE)) {
    fields.push({ kind: m[2] as 'n' | 'a' | 'c', len: Number(m[1]) });
  }
  return fields;
}

/** Per-country compiled layout: a kind code per BBAN position (0 digit, 1 letter, 2 alphanumeric). */
const LAYOUTS = new Map<string, Uint8Array>();
const SPECS: Record<string, IbanCountrySpec> = {};
for (const [country, format] of Object.entries(BBAN_FORMATS)) {
  const fields = parseBban(format);
  let n = 0;
  for (const f of fields) n += f.len;
  const layout = new Uint8Array(n);
  let i = 0;
  for (const f of fields) {
    const code = f.kind === 'n' ? 0 : f.kind === 'a' ? 1 : 2;
    layout.fill(code, i, i + f.len);
    i += f.len;
  }
  LAYOUTS.set(country, layout);
  SPECS[country] = { length: n + 4, bban: format };
}

/** IBAN layouts of every SWIFT-registry country, keyed by ISO 3166 alpha-2 code. */
export const IBAN_COUNTRIES: Readonly<Record<string, IbanCountrySpec>> = Object.freeze(SPECS);

/** Country codes of the SWIFT IBAN Registry, sorted. */
export const IBAN_COUNTRY_CODES: readonly string[] = Object.freeze(Object.keys(SPECS).sort());

/** Shortest and longest IBAN of any registry country (Norway 15, Russia 33). */
export const IBAN_MIN_LENGTH = 15;
export const IBAN_MAX_LENGTH = 33;

/**
 * The IBAN length for `country`, or `undefined` when the country is not in the registry.
 *
 * @example
 * ibanLength('DE') // 22
 */
export function ibanLength(country: string): number | undefined {
  return SPECS[country]?.length;
}

function isUpperLetter(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Whether `bban` fits `country`'s registry structure (length and character kinds). Upper-case only.
 *
 * @example
 * isBbanShapeValid('DE', '370400440532013000') // true
 */
export function isBbanShapeValid(country: string, bban: string): boolean {
  const layout = LAYOUTS.get(country);
  if (layout === undefined || layout.length !== bban.length) return false;
  for (let i = 0; i < layout.length; i++) {
    const c = bban.charCodeAt(i);
    const k = layout[i];
    if (k === 0 ? !isDigitCode(c) : k === 1 ? !isUpperLetter(c) : !isDigitCode(c) && !isUpperLetter(c)) return false;
  }
  return true;
}

/** Fold one character into a running MOD 97 remainder; -1 on a character outside `[0-9A-Z]`. */
function step(r: number, c: number): number {
  if (isDigitCode(c)) return (r * 10 + (c - 48)) % 97;
  if (isUpperLetter(c)) return (r * 100 + (c - 55)) % 97;
  return -1;
}

/**
 * ISO 7064 MOD 97-10 remainder of an IBAN-ordered string (BBAN, then country code and check digits), computed
 * without big integers. Returns -1 when a character is outside `[0-9A-Z]`.
 *
 * @example
 * ibanMod97('DE89370400440532013000') // 1
 */
export function ibanMod97(iban: string): number {
  let r = 0;
  const n = iban.length;
  for (let i = 4; i < n; i++) {
    r = step(r, iban.charCodeAt(i));
    if (r < 0) return -1;
  }
  for (let i = 0; i < 4 && i < n; i++) {
    r = step(r, iban.charCodeAt(i));
    if (r < 0) return -1;
  }
  return r;
}

/**
 * Whether `iban` (compact, upper case) is a valid IBAN: registry country, exact length, BBAN structure and
 * MOD 97-10 check.
 *
 * @example
 * isIbanValid('GB29NWBK60161331926819') // true
 * isIbanValid('GB28NWBK60161331926819') // false
 */
export function isIbanValid(iban: string): boolean {
  if (iban.length < IBAN_MIN_LENGTH || iban.length > IBAN_MAX_LENGTH) return false;
  const country = iban.slice(0, 2);
  const spec = SPECS[country];
  if (spec === undefined || spec.length !== iban.length) return false;
  if (!isDigitCode(iban.charCodeAt(2)) || !isDigitCode(iban.charCodeAt(3))) return false;
  // Check digits 00, 01 and 99 are never produced by the algorithm (ISO 13616-1 §6.1).
  const check = iban.slice(2, 4);
  if (check === '00' || check === '01' || check === '99') return false;
  if (!isBbanShapeValid(country, iban.slice(4))) return false;
  return ibanMod97(iban) === 1;
}

/**
 * The two check digits for `country` + `bban`.
 *
 * @throws RangeError when the country is not in the registry or the BBAN does not fit its structure
 * @example
 * ibanCheckDigits('DE', '370400440532013000') // '89'
 */
export function ibanCheckDigits(country: string, bban: string): string {
  if (!isBbanShapeValid(country, bban)) {
    throw new RangeError(`ibanCheckDigits: BBAN does not fit the registry structure of "${country}"`);
  }
  const r = ibanMod97(`${country}00${bban}`);
  const check = 98 - r;
  return check < 10 ? `0${check}` : String(check);
}

/**
 * The BBAN layout of `country` as one kind letter per position (`n`, `a` or `c`), for generators.
 *
 * @example
 * bbanLayout('NL') // 'aaaannnnnnnnnn'
 */
export function bbanLayout(country: string): string | undefined {
  const layout = LAYOUTS.get(country);
  if (layout === undefined) return undefined;
  let out = '';
  for (const k of layout) out += k === 0 ? 'n' : k === 1 ? 'a' : 'c';
  return out;
}
