/**
 * Identifier normalisation for the private leak lookup: the OPRF input is the UTF-8 bytes of `<KIND>:<normalised>`.
 * This is a wire contract (outside clients compute the same bytes), so every rule here is stable:
 *
 * - `PHONE`: E.164 (`+8613812345678`), parsed with libphonenumber-js (minimal metadata, the same in Node and the
 *   browser); numbers without a country code are read as Chinese (`defaultCountry`); `00` and a bare `86` before an
 *   11-digit mobile count as the international prefix.
 * - `CN_RESIDENT_ID`: 18 characters, the check character upper-case (`X`), MOD 11-2 valid (GB 11643-1999); a
 *   15-digit first-generation number is widened to 18 (century `19` inserted, check character computed), as
 *   issuing offices do, so both forms of one person's number meet.
 * - `EMAIL`: trimmed and lower-cased (the whole address: providers differ on local-part case, a lookup errs towards
 *   matching).
 *
 * Pure and synchronous; no Node APIs (bundled for the browser page).
 */
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { isMod112Valid, mod112CheckChar } from '../../detect/validators/mod11-2.js';

/** Identifier kinds of the wire contract. */
export type IdentifierKind = 'PHONE' | 'CN_RESIDENT_ID' | 'EMAIL';

/** Every kind, in the order a form offers them. */
export const IDENTIFIER_KINDS: readonly IdentifierKind[] = ['PHONE', 'CN_RESIDENT_ID', 'EMAIL'];

/** A normalised identifier. */
export interface NormalizedIdentifier {
  readonly kind: IdentifierKind;
  /** The normalised value (`+8613812345678`). */
  readonly value: string;
  /** The OPRF input text `<KIND>:<value>`; its UTF-8 bytes are the PRF input. */
  readonly input: string;
}

/**
 * Why an identifier could not be normalised (no value in the message: it may be shown and logged). Its `code` is
 * the one the lookup client uses for the same failure, so callers of both match on one code.
 */
export class IdentifierError extends Error {
  readonly code = 'LG_LEAK_CLIENT_INPUT';
  readonly kind: IdentifierKind | undefined;
  constructor(message: string, kind?: IdentifierKind) {
    super(message);
    this.name = 'IdentifierError';
    this.kind = kind;
  }
}

/** Options of {@link normalizeIdentifier}. */
export interface NormalizeOptions {
  /** Country of numbers written without a country code (default `CN`). */
  defaultCountry?: CountryCode;
}

/**
 * Spaces, dots, hyphens, slashes and brackets people put inside numbers (ASCII and full-width forms).
 * Example match: ` ` in `138 1234 5678`. Source: this module. Does not match digits, `+` or letters.
 */
const NUMBER_PUNCT = /[\s\u3000.\-‐‑‒–—―/\\()（）[\]]/g;

/** Full-width digits and plus (`１３８`, `＋`) to ASCII, as typed by Chinese input methods. */
function asciiDigits(s: string): string {
  return s.replace(/[０-９＋Ｘｘ]/g, (c) => {
    const code = c.charCodeAt(0);
    if (c === '＋') return '+';
    if (c === 'Ｘ' || c === 'ｘ') return 'X';
    return String.fromCharCode(code - 0xff10 + 48);
  });
}

/**
 * Normalise a phone number to E.164.
 *
 * @throws IdentifierError when it is not a possible phone number
 * @example
 * normalizePhone('138 1234 5678') // '+8613812345678'
 */
export function normalizePhone(raw: string, options: NormalizeOptions = {}): string {
  let s = asciiDigits(raw.trim()).replace(NUMBER_PUNCT, '');
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  // `86 138…` without the plus: an 11-digit Chinese mobile behind a bare country code.
  if (/^861[3-9]\d{9}$/.test(s)) s = `+${s}`;
  if (!/^\+?\d{3,17}$/.test(s)) throw new IdentifierError('Not a phone number: expected digits, optionally +', 'PHONE');
  const parsed = parsePhoneNumberFromString(s, options.defaultCountry ?? 'CN');
  if (!parsed?.isPossible()) throw new IdentifierError('Not a possible phone number for its country', 'PHONE');
  return parsed.number;
}

/**
 * Normalise a PRC resident identity number: 18 characters, upper-case check character, MOD 11-2 valid;
 * a 15-digit first-generation number is widened to 18.
 *
 * @throws IdentifierError when the shape or the check character is wrong
 * @example
 * normalizeResidentId('11010519491231002x') // '11010519491231002X'
 */
export function normalizeResidentId(raw: string): string {
  let s = asciiDigits(raw.trim()).replace(NUMBER_PUNCT, '').toUpperCase();
  if (/^\d{15}$/.test(s)) {
    const body = `${s.slice(0, 6)}19${s.slice(6)}`;
    s = body + mod112CheckChar(body);
  }
  if (!/^\d{17}[\dX]$/.test(s))
    throw new IdentifierError(
      'Not a resident ID: expected 18 characters (17 digits and a check character)',
      'CN_RESIDENT_ID',
    );
  if (!isMod112Valid(s))
    throw new IdentifierError('Not a resident ID: the check character does not match', 'CN_RESIDENT_ID');
  return s;
}

/**
 * A pragmatic address shape: one `@`, a non-empty local part, a dotted domain, no spaces.
 * Example match: `li.lei@example.cn`. Source: RFC 5321 §4.1.2 (simplified). Does not match quoted local parts.
 */
const EMAIL_SHAPE = /^[^\s@]{1,64}@[^\s@.]+(?:\.[^\s@.]+)+$/;

/**
 * Normalise an e-mail address: trimmed, lower-cased.
 *
 * @throws IdentifierError when it is not an address
 * @example
 * normalizeEmail('  Li.Lei@Example.CN ') // 'li.lei@example.cn'
 */
export function normalizeEmail(raw: string): string {
  const s = raw.trim().toLowerCase();
  if (s.length > 254 || !EMAIL_SHAPE.test(s)) throw new IdentifierError('Not an e-mail address', 'EMAIL');
  return s;
}

/**
 * The kind an identifier most likely is: `EMAIL` with an `@`, `CN_RESIDENT_ID` for 15/18-character ID shapes,
 * `PHONE` otherwise.
 *
 * @example
 * guessKind('110105194912310021') // 'CN_RESIDENT_ID'
 */
export function guessKind(raw: string): IdentifierKind {
  if (raw.includes('@')) return 'EMAIL';
  const s = asciiDigits(raw.trim()).replace(NUMBER_PUNCT, '');
  if (/^\d{17}[\dXx]$/.test(s) || (/^\d{15}$/.test(s) && !s.startsWith('0') && !s.startsWith('86'))) {
    return 'CN_RESIDENT_ID';
  }
  return 'PHONE';
}

/**
 * Normalise an identifier of `kind` (guessed when absent) into the OPRF input `<KIND>:<value>`.
 *
 * @throws IdentifierError when the value is not a valid identifier of that kind
 * @example
 * normalizeIdentifier('+86 138-1234-5678').input // 'PHONE:+8613812345678'
 */
export function normalizeIdentifier(
  raw: string,
  kind?: IdentifierKind,
  options: NormalizeOptions = {},
): NormalizedIdentifier {
  const k = kind ?? guessKind(raw);
  const value =
    k === 'PHONE'
      ? normalizePhone(raw, options)
      : k === 'CN_RESIDENT_ID'
        ? normalizeResidentId(raw)
        : normalizeEmail(raw);
  return { kind: k, value, input: `${k}:${value}` };
}

/** Whether `s` is one of the kinds. */
export function isIdentifierKind(s: string): s is IdentifierKind {
  return (IDENTIFIER_KINDS as readonly string[]).includes(s);
}
