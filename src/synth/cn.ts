/**
 * Synthetic Chinese and Greater-China identifiers: every value is valid for the project's own validators
 * (check characters computed, real region and area codes, real carrier prefixes and bank BINs) and is found by
 * the `cn` recognizers — shape-only types (passports, permits) when labelled, as in real documents.
 *
 * With `like`, a generator keeps the layout of the original (separators, `+86` prefix, brackets, case of `x`) and
 * the aspects named in `keep`, so pseudonyms stay realistic: a resident ID keeps its `region`, `birthYear` or
 * `birthDecade` and `sex`; a mobile its `carrier` prefix; a bank card its `bin`; a USCC its `orgType` and `region`;
 * a landline its `areaCode`; a plate its `province`; a VIN its `wmi`. Aspects not kept are drawn afresh, so
 * nothing else of the original leaks into the output.
 */
import { areaCodes } from '../detect/recognizers/cn/area-codes.js';
import { binEntries } from '../detect/recognizers/cn/bank-bins.js';
import { daysInMonth, todayKey } from '../detect/validators/cn-date.js';
import { knownRegionCodes, provinceCodeAt } from '../detect/validators/cn-regions.js';
import { orgCodeCheckChar, USCC_ALPHABET, usccCheckChar } from '../detect/validators/gb32100.js';
import { hkIdCheckChar } from '../detect/validators/hk-id.js';
import { luhnCheckDigit } from '../detect/validators/luhn.js';
import { isMod112Valid, mod112CheckChar } from '../detect/validators/mod11-2.js';
import { twIdCheckDigit } from '../detect/validators/tw-id.js';
import { vinCheckChar } from '../detect/validators/vin.js';
import type { Rng } from './rng.js';
import type { GeneratorTable, SynthOptions } from './types.js';

// Shapes used to read `like` values and to check options: anchored, bounded, linear-time. Sources: reference
// §1 (resident IDs), §3 (BINs), §4 (USCC), §5 (documents), §8.5 (VIN).
/** An address code such as `110105`; not 5 or 7 digits. */
const SIX_DIGITS = /^[0-9]{6}$/;
/** An 18-character GB 11643 number such as `11010519491231002X` (`x` too); not the 15-digit form. */
const ID18 = /^[0-9]{17}[0-9Xx]$/;
/** An 18-character GB 11643 number in canonical upper case, such as `11010519491231002X`. */
const ID18_UPPER = /^[0-9]{17}[0-9X]$/;
/** A legacy 15-digit number such as `110105491231002`; not 14 or 16 digits. */
const ID15 = /^[0-9]{15}$/;
/** Everything but digits, stripped to read phone and card digits (`+86 138-1234` → `861381234`). */
const NON_DIGITS = /[^0-9]/g;
/** A BIN such as `622202`: 1–18 digits, no separators. */
const BIN_DIGITS = /^[0-9]{1,18}$/;
/** Two USCC prefix characters such as `91` or `N1`; not lower case. */
const ORG_TYPE = /^[0-9A-Z]{2}$/;
/** A world manufacturer identifier such as `LSV`: three VIN characters, no I/O/Q. */
const WMI = /^[0-9A-HJ-NPR-Z]{3}$/;
/** The 2012–2017 passport form `E12345678`; not `EA1234567`. */
const PASSPORT_E8 = /^E[0-9]{8}$/;
/** The pre-2012 passport form `G12345678`. */
const PASSPORT_G = /^G[0-9]{8}$/;
/** Two leading letters, as in a two-letter HKID `AB987654(3)`. */
const TWO_LETTERS = /^[A-Za-z]{2}/;
/** Three leading letters, as in a 2017 foreign permanent-resident ID `USA110090010112`. */
const THREE_LETTERS = /^[A-Za-z]{3}/;

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

const DIGITS = '0123456789';
/** Upper-case letters without I and O (plates, passports, permits). */
const LETTERS_NO_IO = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
/** Letters and digits without I and O. */
const ALNUM_NO_IO = `${DIGITS}${LETTERS_NO_IO}`;

function digits(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += DIGITS[rng.int(10)];
  return s;
}

function chars(rng: Rng, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[rng.int(alphabet.length)];
  return s;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function keeps(options: SynthOptions | undefined, aspect: string): boolean {
  return options?.like !== undefined && options.keep?.includes(aspect) === true;
}

/** Characters of a written identifier that are layout, not content. */
function isLayout(c: string): boolean {
  return c === ' ' || c === '-' || c === '·' || c === '(' || c === ')' || c === '+' || c === '.' || c === '/';
}

/** The content characters of `like` (layout removed). */
function significant(like: string): string {
  let s = '';
  for (const c of like) if (!isLayout(c)) s += c;
  return s;
}

/**
 * Write `value` into the layout of `like`: `like`'s content characters are replaced, right-aligned, by those of
 * `value` (so a `+86 ` or `0086-` prefix survives), keeping separators, brackets and lower case. When `like` has
 * fewer content characters than `value`, `value` is returned as is.
 */
function inLayoutOf(like: string | undefined, value: string): string {
  if (like === undefined) return value;
  const parts = Array.from(like);
  const slots: number[] = [];
  for (let i = 0; i < parts.length; i++) if (!isLayout(parts[i] as string)) slots.push(i);
  const v = Array.from(significant(value));
  if (slots.length < v.length) return value;
  const offset = slots.length - v.length;
  for (let k = 0; k < v.length; k++) {
    const at = slots[offset + k] as number;
    const old = parts[at] as string;
    const next = v[k] as string;
    parts[at] = old >= 'a' && old <= 'z' ? next.toLowerCase() : next;
  }
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Dates

/** A calendar date. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/**
 * A uniformly random date in `[fromYear-01-01, min(toYear-12-31, today)]` (today in China Standard Time).
 *
 * @throws RangeError when the range is empty
 * @example
 * randomDate(rng, 1990, 1999) // { year: 1994, month: 7, day: 12 }
 */
export function randomDate(rng: Rng, fromYear: number, toYear: number): CalendarDate {
  const today = todayKey();
  const ty = Math.floor(today / 10000);
  const last = Math.min(toYear, ty);
  if (last < fromYear) throw new RangeError('randomDate: empty year range');
  for (;;) {
    const year = fromYear + rng.int(last - fromYear + 1);
    const month = 1 + rng.int(12);
    const day = 1 + rng.int(daysInMonth(year, month));
    if (year * 10000 + month * 100 + day <= today) return { year, month, day };
  }
}

function dateDigits(d: CalendarDate): string {
  return pad(d.year, 4) + pad(d.month, 2) + pad(d.day, 2);
}

// ---------------------------------------------------------------------------------------------------------------
// Resident ID and the numbers that share its scheme

/** Options for {@link generateResidentId}. */
export interface ResidentIdOptions {
  /** Birth date; default uniform over 1940 to today. */
  birthDate?: CalendarDate;
  /** Six-digit address code; default a random county-level code from the GB/T 2260 table. */
  region?: string;
  sex?: 'male' | 'female';
  /** Produce the legacy 15-digit form (no check digit, `YYMMDD`); the birth year must be 1900–1999. */
  legacy?: boolean;
}

/** Three-digit sequence whose last digit has the parity for `sex` (odd male, even female). */
function sequence(rng: Rng, sex: 'male' | 'female' | undefined): string {
  const s = sex ?? (rng.int(2) === 0 ? 'male' : 'female');
  const last = 2 * rng.int(5) + (s === 'male' ? 1 : 0);
  return digits(rng, 2) + String(last);
}

/**
 * A GB 11643 citizen identity number with a valid region, birth date and MOD 11-2 check.
 *
 * @throws RangeError when `region` is not six digits, or `legacy` is asked for a birth year outside 1900–1999
 * @example
 * generateResidentId(rng, { region: '110105', sex: 'female' }) // '110105198807204528'
 */
export function generateResidentId(rng: Rng, options: ResidentIdOptions = {}): string {
  const region = options.region ?? rng.pick(knownRegionCodes());
  if (!SIX_DIGITS.test(region)) throw new RangeError('generateResidentId: region must be six digits');
  const birth = options.birthDate ?? randomDate(rng, 1940, options.legacy ? 1999 : 9999);
  const seq = sequence(rng, options.sex);
  if (options.legacy) {
    if (birth.year < 1900 || birth.year > 1999) throw new RangeError('generateResidentId: legacy numbers are 19xx');
    return region + dateDigits(birth).slice(2) + seq;
  }
  const body = region + dateDigits(birth) + seq;
  return body + mod112CheckChar(body);
}

/** Options for {@link generateResidencePermit}. */
export interface ResidencePermitOptions {
  /** Holder's home: Hong Kong (810000), Macau (820000) or Taiwan (830000); default random. */
  origin?: 'HK' | 'MO' | 'TW';
  birthDate?: CalendarDate;
  sex?: 'male' | 'female';
}

const PERMIT_REGIONS = { HK: '810000', MO: '820000', TW: '830000' } as const;

/**
 * A residence-permit number for Hong Kong, Macau or Taiwan residents (810000/820000/830000 + GB 11643 scheme).
 *
 * @example
 * generateResidencePermit(rng, { origin: 'TW' }) // '830000197912310033'
 */
export function generateResidencePermit(rng: Rng, options: ResidencePermitOptions = {}): string {
  const origin = options.origin ?? rng.pick(['HK', 'MO', 'TW'] as const);
  const birth = options.birthDate ?? randomDate(rng, 1940, 9999);
  const body = PERMIT_REGIONS[origin] + dateDigits(birth) + sequence(rng, options.sex);
  return body + mod112CheckChar(body);
}

/** ISO 3166-1 numeric and alpha-3 codes of common nationalities among permanent residents. */
const NATIONALITIES: readonly (readonly [string, string])[] = [
  ['840', 'USA'],
  ['826', 'GBR'],
  ['276', 'DEU'],
  ['250', 'FRA'],
  ['392', 'JPN'],
  ['410', 'KOR'],
  ['124', 'CAN'],
  ['036', 'AUS'],
  ['643', 'RUS'],
  ['356', 'IND'],
  ['702', 'SGP'],
  ['458', 'MYS'],
  ['764', 'THA'],
  ['704', 'VNM'],
  ['076', 'BRA'],
  ['380', 'ITA'],
  ['724', 'ESP'],
  ['528', 'NLD'],
  ['756', 'CHE'],
  ['752', 'SWE'],
];

/** Mainland province codes (the province of acceptance in a foreign permanent-resident ID). */
const MAINLAND_PROVINCES = [
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
] as const;

/** Options for {@link generateForeignPrId}. */
export interface ForeignPrIdOptions {
  /** 2023 (18 characters, MOD 11-2; default) or 2017 (3 letters + 12 digits). */
  form?: 2017 | 2023;
  birthDate?: CalendarDate;
}

/**
 * A foreign permanent-resident ID number. The 2023 form is `9` + province + ISO numeric nationality + birth date +
 * sequence + MOD 11-2 check; the 2017 form is ISO alpha-3 nationality + a 4-digit issuing-region code + `YYMMDD` +
 * two digits (its check rule is not public, so both digits are random).
 *
 * @example
 * generateForeignPrId(rng) // '911840199001010018'
 */
export function generateForeignPrId(rng: Rng, options: ForeignPrIdOptions = {}): string {
  const [numeric, alpha] = rng.pick(NATIONALITIES);
  const province = rng.pick(MAINLAND_PROVINCES);
  const birth = options.birthDate ?? randomDate(rng, 1940, 9999);
  if (options.form === 2017) return `${alpha}${province}00${dateDigits(birth).slice(2)}${digits(rng, 2)}`;
  const body = `9${province}${numeric}${dateDigits(birth)}${digits(rng, 3)}`;
  return body + mod112CheckChar(body);
}

/** Reads region, birth date and sex from a resident-ID-like value (18 or 15 characters), or `null`. */
function parseIdLike(like: string): { region: string; year: number; sexDigit: number; legacy: boolean } | null {
  const s = significant(like);
  if (ID18.test(s)) {
    return { region: s.slice(0, 6), year: Number(s.slice(6, 10)), sexDigit: Number(s[16]), legacy: false };
  }
  if (ID15.test(s)) {
    return { region: s.slice(0, 6), year: 1900 + Number(s.slice(6, 8)), sexDigit: Number(s[14]), legacy: true };
  }
  return null;
}

function residentIdLike(rng: Rng, options?: SynthOptions): string {
  const like = options?.like;
  const parsed = like === undefined ? null : parseIdLike(like);
  if (parsed === null) return generateResidentId(rng);
  const o: ResidentIdOptions = { legacy: parsed.legacy };
  if (keeps(options, 'region')) o.region = parsed.region;
  if (keeps(options, 'sex')) o.sex = parsed.sexDigit % 2 === 1 ? 'male' : 'female';
  const ty = Math.floor(todayKey() / 10000);
  let from = 1940;
  let to = parsed.legacy ? 1999 : ty;
  if (keeps(options, 'birthYear')) {
    from = parsed.year;
    to = parsed.year;
  } else if (keeps(options, 'birthDecade')) {
    from = parsed.year - (parsed.year % 10);
    to = from + 9;
  }
  if (from <= Math.min(to, ty) && from >= 1800) o.birthDate = randomDate(rng, from, to);
  return inLayoutOf(like, generateResidentId(rng, o));
}

// ---------------------------------------------------------------------------------------------------------------
// Telephones

/** Three-digit mobile prefixes in use (reference §2.1): 13x, 145–149, 15x but 154, 162/165–167, 170–178, 18x, 19x but 194. */
export const CN_MOBILE_PREFIXES: readonly string[] = [
  ...'0123456789'.split('').map((d) => `13${d}`),
  '145',
  '146',
  '147',
  '148',
  '149',
  ...'01235689'.split('').map((d) => `15${d}`),
  '162',
  '165',
  '166',
  '167',
  '170',
  '171',
  '172',
  '173',
  '174',
  '175',
  '176',
  '177',
  '178',
  ...'0123456789'.split('').map((d) => `18${d}`),
  ...'012356789'.split('').map((d) => `19${d}`),
];

/**
 * An 11-digit mainland mobile number with a real carrier prefix (174 only as 17400–17405, the satellite block).
 *
 * @throws RangeError when `prefix` is not one of {@link CN_MOBILE_PREFIXES}
 * @example
 * generateMobile(rng, { prefix: '138' }) // '13852107734'
 */
export function generateMobile(rng: Rng, options: { prefix?: string } = {}): string {
  const prefix = options.prefix ?? rng.pick(CN_MOBILE_PREFIXES);
  if (!CN_MOBILE_PREFIXES.includes(prefix)) throw new RangeError('generateMobile: unknown prefix');
  if (prefix === '174') return `1740${rng.int(6)}${digits(rng, 6)}`;
  return prefix + digits(rng, 8);
}

function mobileLike(rng: Rng, options?: SynthOptions): string {
  const like = options?.like;
  if (like === undefined) return generateMobile(rng);
  const s = significant(like).replace(NON_DIGITS, '');
  const core = s.length >= 11 ? s.slice(-11) : '';
  const prefix = core.slice(0, 3);
  const keep = keeps(options, 'carrier') && CN_MOBILE_PREFIXES.includes(prefix);
  return inLayoutOf(like, generateMobile(rng, keep ? { prefix } : {}));
}

/**
 * A landline number `0AREA-LOCAL` with a real area code and a local number of the right length starting 2–8.
 *
 * @throws RangeError when `areaCode` (with its trunk 0, e.g. `'0755'`) is unknown
 * @example
 * generateLandline(rng, { areaCode: '010' }) // '010-62345678'
 */
export function generateLandline(rng: Rng, options: { areaCode?: string } = {}): string {
  const all = areaCodes();
  const area = options.areaCode === undefined ? rng.pick(all) : all.find((a) => a.code === options.areaCode);
  if (area === undefined) throw new RangeError('generateLandline: unknown area code');
  const length = rng.pick(area.lengths);
  return `${area.code}-${String(2 + rng.int(7))}${digits(rng, length - 1)}`;
}

function landlineLike(rng: Rng, options?: SynthOptions): string {
  const like = options?.like;
  if (like === undefined) return generateLandline(rng);
  const s = significant(like).replace(NON_DIGITS, '');
  const area = areaCodes().find((a) => s.startsWith(a.code) && a.lengths.includes(s.length - a.code.length));
  const value = generateLandline(rng, keeps(options, 'areaCode') && area !== undefined ? { areaCode: area.code } : {});
  // Keep the original's layout only when the digit counts agree (same area-code and local lengths).
  return significant(value).length === s.length && area !== undefined
    ? inLayoutOf(like, value.replace('-', ''))
    : value;
}

// ---------------------------------------------------------------------------------------------------------------
// Bank cards

/**
 * A Luhn-valid bank card number from a major Chinese bank's BIN, by default a UnionPay (62…) BIN with its
 * issuer's card length; or with the given `bin` (digits) and `length` (16–19).
 *
 * @throws RangeError when `bin` holds a non-digit or `length` is outside 16–19 or not longer than the BIN
 * @example
 * generateBankCard(rng, { bin: '622202', length: 19 }) // '6222020123456789012'
 */
export function generateBankCard(rng: Rng, options: { bin?: string; length?: number } = {}): string {
  let bin = options.bin;
  let length = options.length;
  if (bin === undefined) {
    const unionPay = binEntries().filter((e) => e.bin.startsWith('62') && e.bin.length === 6);
    const entry = rng.pick(unionPay);
    bin = entry.bin;
    length ??= entry.length;
  }
  length ??= 19;
  if (!BIN_DIGITS.test(bin) || length < 16 || length > 19 || bin.length >= length) {
    throw new RangeError('generateBankCard: bin must be digits shorter than a length of 16-19');
  }
  const payload = bin + digits(rng, length - bin.length - 1);
  return payload + luhnCheckDigit(payload);
}

function bankCardLike(rng: Rng, options?: SynthOptions): string {
  const like = options?.like;
  if (like === undefined) return generateBankCard(rng);
  const s = significant(like).replace(NON_DIGITS, '');
  const ok = s.length >= 16 && s.length <= 19;
  const value =
    ok && keeps(options, 'bin')
      ? generateBankCard(rng, { bin: s.slice(0, 6), length: s.length })
      : generateBankCard(rng, ok ? { bin: rng.pick(unionPayBins()), length: s.length } : {});
  return inLayoutOf(like, value);
}

let unionPayBinList: readonly string[] | undefined;
function unionPayBins(): readonly string[] {
  unionPayBinList ??= [
    ...new Set(
      binEntries()
        .filter((e) => e.bin.startsWith('62') && e.bin.length === 6)
        .map((e) => e.bin),
    ),
  ];
  return unionPayBinList;
}

// ---------------------------------------------------------------------------------------------------------------
// USCC

/** Registration authority + category pairs and their weight in generated data (enterprises dominate). */
const ORG_TYPES: readonly string[] = [
  '91',
  '91',
  '91',
  '91',
  '91',
  '91',
  '92',
  '92',
  '93',
  '12',
  '11',
  '52',
  '51',
  '53',
  '31',
];

/**
 * A GB 32100 Unified Social Credit Code with a valid embedded GB 11714 organisation code and mod-31 check.
 * All-digit results that would also pass as a resident ID are redrawn, so the value is unambiguous.
 *
 * @throws RangeError when `orgType` is not two USCC characters or `region` not six digits
 * @example
 * generateUscc(rng, { orgType: '92' }) // '92371000MA3MXH0E3W'-like
 */
export function generateUscc(rng: Rng, options: { orgType?: string; region?: string } = {}): string {
  const orgType = options.orgType ?? rng.pick(ORG_TYPES);
  if (orgType.length !== 2) throw new RangeError('generateUscc: orgType must be two characters');
  if (options.region !== undefined && !SIX_DIGITS.test(options.region)) {
    throw new RangeError('generateUscc: region must be six digits');
  }
  for (;;) {
    const region = options.region ?? regionForUscc(rng);
    // Codes issued since 2015 carry a new organisation code starting `MA`; older ones reuse an all-digit code.
    const org = rng.int(3) === 0 ? digits(rng, 8) : `MA${chars(rng, USCC_ALPHABET, 6)}`;
    const body = orgType + region + org + orgCodeCheckChar(org);
    const code = body + usccCheckChar(body);
    if (!looksLikeResidentId(code)) return code;
  }
}

function regionForUscc(rng: Rng): string {
  const code = rng.pick(knownRegionCodes());
  // Registrations happen at county, city or province level.
  const level = rng.int(4);
  return level === 0 ? `${code.slice(0, 2)}0000` : level === 1 ? `${code.slice(0, 4)}00` : code;
}

function looksLikeResidentId(code: string): boolean {
  return ID18_UPPER.test(code) && provinceCodeAt(code, 0) >= 0 && isMod112Valid(code);
}

function usccLike(rng: Rng, options?: SynthOptions): string {
  const like = options?.like;
  if (like === undefined) return generateUscc(rng);
  const s = significant(like).toUpperCase();
  const o: { orgType?: string; region?: string } = {};
  if (s.length === 18 && keeps(options, 'orgType') && ORG_TYPE.test(s.slice(0, 2))) o.orgType = s.slice(0, 2);
  if (s.length === 18 && keeps(options, 'region') && SIX_DIGITS.test(s.slice(2, 8))) o.region = s.slice(2, 8);
  return inLayoutOf(like, generateUscc(rng, o));
}

// ---------------------------------------------------------------------------------------------------------------
// Travel documents and Greater-China IDs

/**
 * A PRC ordinary passport number: by default the current `E` + letter (no I/O) + 7 digits form; `kind: 'E8'` gives
 * `E` + 8 digits (2012–2017), `kind: 'G'` the pre-2012 `G` + 8 digits.
 *
 * @example
 * generatePassport(rng) // 'EH4827163'
 */
export function generatePassport(rng: Rng, options: { kind?: 'EA' | 'E8' | 'G' } = {}): string {
  const kind = options.kind ?? 'EA';
  if (kind === 'E8') return `E${digits(rng, 8)}`;
  if (kind === 'G') return `G${digits(rng, 8)}`;
  return `E${LETTERS_NO_IO[rng.int(LETTERS_NO_IO.length)]}${digits(rng, 7)}`;
}

/**
 * A Hong Kong/Macau permit number: the mainland residents' exit-entry permit (`C` + 8 digits or `C` + letter +
 * 7 digits) or the HK/Macau residents' mainland travel permit (`H`/`M` + 8 digits, the 1999 card + 2 more).
 *
 * @example
 * generateHkMacauPermit(rng, { kind: 'H' }) // 'H12345678'
 */
export function generateHkMacauPermit(rng: Rng, options: { kind?: 'C' | 'H' | 'M' } = {}): string {
  const kind = options.kind ?? rng.pick(['C', 'C', 'H', 'M'] as const);
  if (kind === 'C') return rng.int(2) === 0 ? `C${digits(rng, 8)}` : `C${LETTERS_NO_IO[rng.int(24)]}${digits(rng, 7)}`;
  return rng.int(4) === 0 ? `${kind}${digits(rng, 8)}0${rng.int(3)}` : `${kind}${digits(rng, 8)}`;
}

/**
 * A Taiwan compatriot permit number (台胞证): the 8-digit lifetime number.
 *
 * @example
 * generateTaiwanPermit(rng) // '05616820'
 */
export function generateTaiwanPermit(rng: Rng): string {
  return digits(rng, 8);
}

/**
 * A Hong Kong identity card number written `A123456(3)` (one letter, or two with `twoLetters`).
 *
 * @example
 * generateHkId(rng) // 'K034169(A)'
 */
export function generateHkId(rng: Rng, options: { twoLetters?: boolean } = {}): string {
  const letters = options.twoLetters ?? rng.int(10) === 0;
  const body = chars(rng, 'ABCDEFGHJKLMNPRSTVWYZ', letters ? 2 : 1) + digits(rng, 6);
  return `${body}(${hkIdCheckChar(body)})`;
}

/**
 * A Taiwan national ID number (letter, sex digit 1/2, 7 digits, check digit).
 *
 * @example
 * generateTwId(rng, { sex: 'male' }) // 'A123456789'
 */
export function generateTwId(rng: Rng, options: { sex?: 'male' | 'female' } = {}): string {
  const sex = options.sex === undefined ? String(1 + rng.int(2)) : options.sex === 'male' ? '1' : '2';
  const body = String.fromCharCode(65 + rng.int(26)) + sex + digits(rng, 7);
  return body + twIdCheckDigit(body);
}

/** The 31 mainland province abbreviations used on plates (reference §6). */
export const PLATE_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';

/**
 * A mainland licence plate: province + authority letter + 5 characters (ordinary) or 6 (new-energy: `D`/`F` +
 * letter-or-digit + 4 digits, or 5 digits + `D`/`F`).
 *
 * @example
 * generatePlate(rng, { province: '京' }) // '京A12345'
 */
export function generatePlate(rng: Rng, options: { province?: string; newEnergy?: boolean } = {}): string {
  const province = options.province ?? (PLATE_PROVINCES[rng.int(PLATE_PROVINCES.length)] as string);
  if (!PLATE_PROVINCES.includes(province) || province.length !== 1) {
    throw new RangeError('generatePlate: province must be one of the 31 abbreviations');
  }
  const authority = LETTERS_NO_IO[rng.int(LETTERS_NO_IO.length)] as string;
  const nev = options.newEnergy ?? rng.int(5) === 0;
  if (nev) {
    const df = rng.int(2) === 0 ? 'D' : 'F';
    return rng.int(2) === 0
      ? `${province}${authority}${df}${ALNUM_NO_IO[rng.int(ALNUM_NO_IO.length)]}${digits(rng, 4)}`
      : `${province}${authority}${digits(rng, 5)}${df}`;
  }
  // Serials are mostly digits; up to two letters appear in practice.
  let serial = '';
  const letterAt = rng.int(3) === 0 ? rng.int(5) : -1;
  for (let i = 0; i < 5; i++) serial += i === letterAt ? LETTERS_NO_IO[rng.int(24)] : DIGITS[rng.int(10)];
  return province + authority + serial;
}

function plateLike(rng: Rng, options?: SynthOptions): string {
  const like = options?.like;
  if (like === undefined) return generatePlate(rng);
  const s = significant(like);
  const first = s[0] ?? '';
  const o: { province?: string; newEnergy?: boolean } = { newEnergy: s.length === 8 };
  if (keeps(options, 'province') && PLATE_PROVINCES.includes(first) && first !== '') o.province = first;
  return inLayoutOf(like, generatePlate(rng, o));
}

/** World manufacturer identifiers of Chinese plants (all start with L). */
const CN_WMIS = [
  'LFV',
  'LSV',
  'LVS',
  'LGB',
  'LHG',
  'LVG',
  'LSG',
  'LBV',
  'LE4',
  'LRW',
  'LGX',
  'LB3',
  'LJD',
  'LFM',
  'LDC',
];
/** Model-year codes (no I, O, Q, U, Z, 0). */
const YEAR_CODES = 'ABCDEFGHJKLMNPRSTVWXY123456789';
/** VIN characters (no I, O, Q). */
const VIN_CHARS = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ';

/**
 * A VIN with a valid position-9 check digit; by default from a Chinese manufacturer (WMI starting with L).
 *
 * @throws RangeError when `wmi` is not three VIN characters
 * @example
 * generateVin(rng) // 'LSVAU2180N2183294'
 */
export function generateVin(rng: Rng, options: { wmi?: string } = {}): string {
  const wmi = options.wmi ?? rng.pick(CN_WMIS);
  if (!WMI.test(wmi)) throw new RangeError('generateVin: wmi must be three VIN characters');
  const raw = `${wmi}${chars(rng, VIN_CHARS, 5)}0${YEAR_CODES[rng.int(YEAR_CODES.length)]}${chars(rng, VIN_CHARS, 1)}${digits(rng, 6)}`;
  return raw.slice(0, 8) + vinCheckChar(raw) + raw.slice(9);
}

function vinLike(rng: Rng, options?: SynthOptions): string {
  const like = options?.like;
  if (like === undefined) return generateVin(rng);
  const s = significant(like).toUpperCase();
  const wmi = s.slice(0, 3);
  const keep = keeps(options, 'wmi') && WMI.test(wmi);
  return inLayoutOf(like, generateVin(rng, keep ? { wmi } : {}));
}

// ---------------------------------------------------------------------------------------------------------------
// The table

/** Generators for every Chinese and Greater-China entity type. */
export const cnGenerators: GeneratorTable = {
  CN_RESIDENT_ID: residentIdLike,
  CN_RESIDENCE_PERMIT_HMT: (rng, options) => {
    const s = options?.like === undefined ? '' : significant(options.like);
    const origin = s.startsWith('81') ? 'HK' : s.startsWith('82') ? 'MO' : s.startsWith('83') ? 'TW' : undefined;
    const o: ResidencePermitOptions = {};
    if (origin !== undefined && keeps(options, 'region')) o.origin = origin;
    return inLayoutOf(options?.like, generateResidencePermit(rng, o));
  },
  CN_MOBILE: mobileLike,
  CN_LANDLINE: landlineLike,
  CN_BANK_CARD: bankCardLike,
  CN_USCC: usccLike,
  CN_PASSPORT: (rng, options) => {
    const s = options?.like === undefined ? '' : significant(options.like).toUpperCase();
    const kind = PASSPORT_E8.test(s) ? 'E8' : PASSPORT_G.test(s) ? 'G' : 'EA';
    return inLayoutOf(options?.like, generatePassport(rng, { kind }));
  },
  CN_HK_MACAU_PERMIT: (rng, options) => {
    const first = options?.like === undefined ? '' : significant(options.like).toUpperCase().charAt(0);
    const kind = first === 'C' || first === 'H' || first === 'M' ? first : undefined;
    return generateHkMacauPermit(rng, kind === undefined ? {} : { kind });
  },
  CN_TAIWAN_PERMIT: (rng, options) => inLayoutOf(options?.like, generateTaiwanPermit(rng)),
  HK_ID: (rng, options) => {
    const s = options?.like === undefined ? '' : significant(options.like);
    return inLayoutOf(options?.like, generateHkId(rng, { twoLetters: TWO_LETTERS.test(s) }));
  },
  TW_NATIONAL_ID: (rng, options) => {
    const s = options?.like === undefined ? '' : significant(options.like);
    const o: { sex?: 'male' | 'female' } = {};
    if (keeps(options, 'sex') && (s[1] === '1' || s[1] === '2')) o.sex = s[1] === '1' ? 'male' : 'female';
    return inLayoutOf(options?.like, generateTwId(rng, o));
  },
  CN_FOREIGN_PR_ID: (rng, options) => {
    const s = options?.like === undefined ? '' : significant(options.like);
    return inLayoutOf(options?.like, generateForeignPrId(rng, { form: THREE_LETTERS.test(s) ? 2017 : 2023 }));
  },
  CN_LICENSE_PLATE: plateLike,
  VIN: vinLike,
};
