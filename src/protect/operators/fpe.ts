/**
 * `fpe`: format-preserving encryption with FF1 or FF3-1 (NIST SP 800-38G; FF3-1 with the 56-bit tweak of
 * Rev. 1), reversible with the key. Characters of the configured alphabet (digits by default) are enciphered;
 * every other character (spaces, hyphens, a resident ID's `X`) stays in place, so `138-1234-5678` stays
 * `ddd-dddd-dddd`.
 *
 * `preserveCheck: true` keeps identifiers with a check character valid, using the project's validators:
 * - CN_RESIDENT_ID (and the HMT residence permit / 2023 foreign PR ID, same GB 11643 scheme): the six-digit
 *   region code and the birth decade are kept; the birth date within its decade and the sequence code are
 *   enciphered together (a 3.65-million-value domain, by cycle-walking over 7 digits), so the output has a real
 *   calendar date; the MOD 11-2 check character is recomputed. Caveats: gender (sequence parity) is not kept,
 *   and for holders born in the current decade the new date may lie after today.
 * - CN_BANK_CARD / CREDIT_CARD: the 6-digit BIN (issuer, not personal) is kept, the digits between it and the
 *   Luhn check digit are enciphered, the check digit is recomputed. Needs at least 13 digits.
 * - CN_USCC: the authority, category and region (positions 1–8) are kept; the organisation-code body
 *   (positions 9–16) is enciphered over the USCC alphabet; the GB 11714 check (17) and the GB 32100 check (18)
 *   are recomputed.
 *
 * Keys: a 256-bit AES key (`keySize` to change) derived from the rule's key with HKDF purpose `fpe`.
 * fpe output is not self-describing; `revealText` reverts it where the caller's findings (re-detection of the
 * protected text, or the `applied` spans of `anonymizeText`) say an fpe-protected value sits.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { EntityType } from '../../core/entity-types.js';
import { isCalendarDate } from '../../detect/validators/cn-date.js';
import { orgCodeCheckChar, USCC_ALPHABET, usccCheckChar } from '../../detect/validators/gb32100.js';
import { isLuhnValid, luhnCheckDigit } from '../../detect/validators/luhn.js';
import { isMod112Valid, mod112CheckChar } from '../../detect/validators/mod11-2.js';
import { Ff1 } from '../crypto/ff1.js';
import { FF3_1_TWEAK_BYTES, Ff3_1 } from '../crypto/ff3-1.js';
import { ALPHABETS, Alphabet, type AlphabetName } from '../crypto/numeral.js';
import type { KeyMaterial } from '../keys/key-ring.js';
import {
  type Operator,
  type OperatorContext,
  OperatorParamsError,
  operatorFailed,
  type ParseInfo,
  parseWith,
} from '../operator.js';

/** Check-character schemes `preserveCheck` supports, by the entity type that selects them. */
const SCHEMES = {
  CN_RESIDENT_ID: 'gb11643',
  CN_RESIDENCE_PERMIT_HMT: 'gb11643',
  CN_FOREIGN_PR_ID: 'gb11643',
  CN_BANK_CARD: 'luhn',
  CREDIT_CARD: 'luhn',
  CN_USCC: 'gb32100',
} as const satisfies Partial<Record<EntityType, string>>;

type SchemeType = keyof typeof SCHEMES;
type Scheme = (typeof SCHEMES)[SchemeType];

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

const Schema = z
  .strictObject({
    /** `ff1` (default) or `ff3-1`. */
    mode: z.enum(['ff1', 'ff3-1']).default('ff1'),
    /** A built-in alphabet name or `{ custom: "…" }` (2–65536 distinct characters). Default `digits`. */
    alphabet: z
      .union([
        z.enum(Object.keys(ALPHABETS) as [AlphabetName, ...AlphabetName[]]),
        z.strictObject({ custom: z.string().min(2).max(65536) }),
      ])
      .default('digits'),
    /** Tweak as hex: any even length up to 512 hex digits for FF1, exactly 14 (56 bits) for FF3-1. */
    tweak: z.string().max(512).regex(HEX, 'must be hex digits (an even number)').optional(),
    /** Keep a valid check character (resident ID, bank card, USCC); see the module doc. */
    preserveCheck: z.boolean().default(false),
    /** The check scheme to use when the value's type is not one of the supported types (column rules). */
    as: z.enum(Object.keys(SCHEMES) as [SchemeType, ...SchemeType[]]).optional(),
    /** AES key size in bits. */
    keySize: z.union([z.literal(128), z.literal(192), z.literal(256)]).default(256),
  })
  .superRefine((p, ctx) => {
    if (p.mode === 'ff3-1' && p.tweak !== undefined && p.tweak.length !== FF3_1_TWEAK_BYTES * 2) {
      ctx.addIssue({ code: 'custom', path: ['tweak'], message: 'FF3-1 needs a 56-bit tweak: exactly 14 hex digits' });
    }
  });

/** Options of `fpe`. */
export interface FpeParams {
  readonly mode: 'ff1' | 'ff3-1';
  readonly alphabet: Alphabet;
  readonly tweak: Uint8Array;
  readonly preserveCheck: boolean;
  readonly scheme: Scheme | undefined;
  readonly keyBytes: 16 | 24 | 32;
}

interface Cipher {
  readonly minLength: number;
  readonly maxLength: number;
  encrypt(x: readonly number[], tweak: Uint8Array): number[];
  decrypt(x: readonly number[], tweak: Uint8Array): number[];
}

/** Ciphers per key, by mode/radix/key size/alphabet: keyed AES objects are built once per key. */
const CIPHERS = new WeakMap<KeyMaterial, Map<string, Cipher>>();

function cipherFor(key: KeyMaterial, mode: 'ff1' | 'ff3-1', radix: number, keyBytes: number): Cipher {
  let m = CIPHERS.get(key);
  if (!m) {
    m = new Map();
    CIPHERS.set(key, m);
  }
  const slot = `${mode}:${radix}:${keyBytes}`;
  let c = m.get(slot);
  if (!c) {
    const k = key.derive('fpe', keyBytes);
    c = mode === 'ff1' ? new Ff1(k, radix) : new Ff3_1(k, radix);
    m.set(slot, c);
  }
  return c;
}

const DIGITS = new Alphabet(ALPHABETS.digits);
const USCC_ALPHA = new Alphabet(USCC_ALPHABET);

/** A tweak for a structured sub-domain: the configured tweak bound to `context` (region, decade). */
function subTweak(p: FpeParams, context: string): Uint8Array {
  if (p.mode === 'ff1') return Buffer.concat([p.tweak, Buffer.from(`\u0000${context}`, 'utf8')]);
  const h = createHash('sha256').update(p.tweak).update(context).digest();
  const t = new Uint8Array(FF3_1_TWEAK_BYTES);
  for (let i = 0; i < FF3_1_TWEAK_BYTES; i++) t[i] = (p.tweak[i] ?? 0) ^ (h[i] as number);
  return t;
}

function resolveScheme(p: FpeParams, ctx: OperatorContext<FpeParams>): Scheme {
  if (p.scheme) return p.scheme;
  const s = ctx.type ? (SCHEMES as Partial<Record<string, Scheme>>)[ctx.type] : undefined;
  if (!s) {
    throw operatorFailed('fpe', ctx, 'preserveCheck needs a resident ID, bank card or USCC value; set options.as');
  }
  return s;
}

function keyOf(ctx: OperatorContext<FpeParams>): KeyMaterial {
  if (!ctx.key) throw operatorFailed('fpe', ctx, 'the rule has no key');
  return ctx.key;
}

/** Enciphers (or deciphers) the alphabet characters of `value` in place; others stay. */
function transformFree(value: string, ctx: OperatorContext<FpeParams>, decrypt: boolean): string {
  const p = ctx.params;
  const cipher = cipherFor(keyOf(ctx), p.mode, p.alphabet.radix, p.keyBytes);
  const positions: number[] = [];
  const numerals: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const v = p.alphabet.indexOf(value.charCodeAt(i));
    if (v >= 0) {
      positions.push(i);
      numerals.push(v);
    }
  }
  if (numerals.length < cipher.minLength) {
    throw operatorFailed(
      'fpe',
      ctx,
      `the value has ${numerals.length} alphabet characters, at least ${cipher.minLength} needed`,
    );
  }
  if (numerals.length > cipher.maxLength) {
    throw operatorFailed('fpe', ctx, `the value has more than ${cipher.maxLength} alphabet characters`);
  }
  const out = decrypt ? cipher.decrypt(numerals, p.tweak) : cipher.encrypt(numerals, p.tweak);
  if (positions.length === value.length) return p.alphabet.fromNumerals(out);
  const chars = value.split('');
  for (let j = 0; j < positions.length; j++)
    chars[positions[j] as number] = p.alphabet.chars[out[j] as number] as string;
  return chars.join('');
}

/** Indices of the characters of `value` that are not separators (space, hyphen). */
function compactPositions(value: string): number[] {
  const pos: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c !== 32 && c !== 45) pos.push(i);
  }
  return pos;
}

function writeBack(value: string, positions: readonly number[], compact: string): string {
  const chars = value.split('');
  for (let j = 0; j < positions.length; j++) chars[positions[j] as number] = compact[j] as string;
  return chars.join('');
}

const EPOCH_DAY_MS = 86_400_000;

function dayNumber(y: number, m: number, d: number): number {
  return Math.round(Date.UTC(y, m - 1, d) / EPOCH_DAY_MS);
}

/** Cycle-walks `cipher` on a 7-digit numeral string until the value is below `limit`. */
function walk(cipher: Cipher, x: number, limit: number, tweak: Uint8Array, decrypt: boolean): number {
  let cur = DIGITS.toNumerals(String(x).padStart(7, '0')) as number[];
  for (let i = 0; i < 10_000; i++) {
    cur = decrypt ? cipher.decrypt(cur, tweak) : cipher.encrypt(cur, tweak);
    const v = Number(DIGITS.fromNumerals(cur));
    if (v < limit) return v;
  }
  // Unreachable in practice: 36.5% of the 10^7 points are in the domain.
  throw new RangeError('fpe: cycle-walking did not terminate');
}

function gb11643(value: string, ctx: OperatorContext<FpeParams>, decrypt: boolean): string {
  const positions = compactPositions(value);
  const compact = positions.map((i) => value[i]).join('');
  if (!/^\d{17}[\dXx]$/.test(compact))
    throw operatorFailed('fpe', ctx, 'the value is not an 18-character GB 11643 number');
  if (!isMod112Valid(compact.toUpperCase())) {
    throw operatorFailed('fpe', ctx, 'the check character is invalid, so it cannot be preserved');
  }
  const y = Number(compact.slice(6, 10));
  const m = Number(compact.slice(10, 12));
  const d = Number(compact.slice(12, 14));
  if (!isCalendarDate(y, m, d)) throw operatorFailed('fpe', ctx, 'the birth date is not a calendar date');
  const decade = y - (y % 10);
  const start = dayNumber(decade, 1, 1);
  const span = dayNumber(decade + 10, 1, 1) - start;
  const region = compact.slice(0, 6);
  const x = (dayNumber(y, m, d) - start) * 1000 + Number(compact.slice(14, 17));
  const p = ctx.params;
  const cipher = cipherFor(keyOf(ctx), p.mode, 10, p.keyBytes);
  const z = walk(cipher, x, span * 1000, subTweak(p, `gb11643:${region}:${decade}`), decrypt);
  const date = new Date((start + Math.floor(z / 1000)) * EPOCH_DAY_MS);
  const body =
    region +
    String(date.getUTCFullYear()).padStart(4, '0') +
    String(date.getUTCMonth() + 1).padStart(2, '0') +
    String(date.getUTCDate()).padStart(2, '0') +
    String(z % 1000).padStart(3, '0');
  let check = mod112CheckChar(body);
  if (check === 'X' && compact[17] === 'x') check = 'x';
  return writeBack(value, positions, body + check);
}

function luhnScheme(value: string, ctx: OperatorContext<FpeParams>, decrypt: boolean): string {
  const positions = compactPositions(value);
  const compact = positions.map((i) => value[i]).join('');
  if (!/^\d{13,19}$/.test(compact)) throw operatorFailed('fpe', ctx, 'the value is not a 13-19 digit card number');
  if (!isLuhnValid(compact))
    throw operatorFailed('fpe', ctx, 'the Luhn check digit is invalid, so it cannot be preserved');
  const p = ctx.params;
  const cipher = cipherFor(keyOf(ctx), p.mode, 10, p.keyBytes);
  const bin = compact.slice(0, 6);
  const mid = DIGITS.toNumerals(compact.slice(6, -1)) as number[];
  const tweak = subTweak(p, `luhn:${compact.length}`);
  const out = DIGITS.fromNumerals(decrypt ? cipher.decrypt(mid, tweak) : cipher.encrypt(mid, tweak));
  const payload = bin + out;
  return writeBack(value, positions, payload + luhnCheckDigit(payload));
}

function gb32100(value: string, ctx: OperatorContext<FpeParams>, decrypt: boolean): string {
  const positions = compactPositions(value);
  const compact = positions.map((i) => value[i]).join('');
  if (compact.length !== 18 || USCC_ALPHA.toNumerals(compact) === undefined) {
    throw operatorFailed('fpe', ctx, 'the value is not an 18-character USCC');
  }
  const p = ctx.params;
  const cipher = cipherFor(keyOf(ctx), p.mode, 31, p.keyBytes);
  const head = compact.slice(0, 8);
  const body = USCC_ALPHA.toNumerals(compact.slice(8, 16)) as number[];
  const tweak = subTweak(p, 'gb32100');
  const org = USCC_ALPHA.fromNumerals(decrypt ? cipher.decrypt(body, tweak) : cipher.encrypt(body, tweak));
  const body17 = head + org + orgCodeCheckChar(org);
  return writeBack(value, positions, body17 + usccCheckChar(body17));
}

function transform(value: string, ctx: OperatorContext<FpeParams>, decrypt: boolean): string {
  if (!ctx.params.preserveCheck) return transformFree(value, ctx, decrypt);
  switch (resolveScheme(ctx.params, ctx)) {
    case 'gb11643':
      return gb11643(value, ctx, decrypt);
    case 'luhn':
      return luhnScheme(value, ctx, decrypt);
    case 'gb32100':
      return gb32100(value, ctx, decrypt);
  }
}

/**
 * The `fpe` operator.
 *
 * @example
 * fpe.apply('13812345678', { ...ctx, params: fpe.parse({}) }) // 11 other digits
 */
export const fpe = {
  name: 'fpe',
  reversible: true,
  keyUse: 'required',
  mayBeAsync: false,
  parse(params: unknown, info?: ParseInfo): FpeParams {
    const p = parseWith('fpe', Schema, params);
    const alphabet =
      typeof p.alphabet === 'string'
        ? new Alphabet(ALPHABETS[p.alphabet])
        : (() => {
            try {
              return new Alphabet((p.alphabet as { custom: string }).custom);
            } catch (e) {
              throw new OperatorParamsError(
                'fpe',
                ['alphabet', 'custom'],
                (e as Error).message.replace(/^Alphabet: /, ''),
              );
            }
          })();
    const scheme = p.as ? SCHEMES[p.as] : undefined;
    if (p.preserveCheck && !scheme && info?.types) {
      const bad = info.types.find((t) => !(t in SCHEMES));
      if (bad) {
        throw new OperatorParamsError(
          'fpe',
          ['preserveCheck'],
          `no check scheme for ${bad}: supported are ${Object.keys(SCHEMES).join(', ')}`,
        );
      }
    }
    const tweak =
      p.tweak !== undefined
        ? new Uint8Array(Buffer.from(p.tweak, 'hex'))
        : new Uint8Array(p.mode === 'ff3-1' ? FF3_1_TWEAK_BYTES : 0);
    return {
      mode: p.mode,
      alphabet,
      tweak,
      preserveCheck: p.preserveCheck,
      scheme,
      keyBytes: (p.keySize / 8) as 16 | 24 | 32,
    };
  },
  apply: (value: string, ctx: OperatorContext<FpeParams>): string => transform(value, ctx, false),
  revert: (value: string, ctx: OperatorContext<FpeParams>): string => transform(value, ctx, true),
} satisfies Operator<FpeParams>;
