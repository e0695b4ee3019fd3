/**
 * `mask`: hides part of a value behind a mask character, keeping the first and last N characters and leaving
 * separators (spaces, hyphens by default) in place, so the output keeps its length and shape.
 *
 * With no `keepFirst`/`keepLast`, each entity type gets the default that common Chinese practice uses
 * (reference §11): mobile `138****5678`; bank card last 4; name `张*` / `欧阳**`; address kept to the district
 * (`北京市海淀区*******`); e-mail `z*******@163.com`; licence plate `京A***45`; VIN without its last 9.
 *
 * Resident ID numbers default to **first 3 + last 4** (`110***********002X`), not the common "first 6 +
 * last 4". With 6+4 only the birth date is hidden and the MOD 11-2 check character constrains it: brute force
 * over every date 1930–2025 leaves about 3,192 candidate numbers, and only about 34 once the birth year is known
 * (from a profile, a school year, or the age printed next to it) — a handful of guesses. Hiding the county
 * digits as well multiplies that by the ~64 county codes under a typical 3-digit prefix (≈ 204,000 candidates;
 * ≈ 2,200 with a known year). "First 10 + last 4" is worse still: it prints the birth year. Reference §11.
 *
 * Safety floor: a configured or default mask always hides at least a third of the maskable characters
 * (the larger of keepFirst/keepLast shrinks first), so a short value is never printed in full.
 */
import { z } from 'zod';
import type { EntityType } from '../../core/entity-types.js';
import type { EntityName } from '../../core/finding.js';
import { surnameLengthAt } from '../../detect/data/cn-surnames.js';
import { addressPrefixEnd, parseAddressPrefix } from '../cn-address.js';
import { type Operator, type OperatorContext, parseWith } from '../operator.js';

const Schema = z.strictObject({
  /** The mask character (one character). Default `*`. */
  char: z
    .string()
    .refine((s) => [...s].length === 1, 'must be exactly one character')
    .default('*'),
  /** Characters to leave visible at the start (maskable characters, separators not counted). */
  keepFirst: z.number().int().min(0).max(64).optional(),
  /** Characters to leave visible at the end. */
  keepLast: z.number().int().min(0).max(64).optional(),
  /** Characters never masked and not counted (separators). Default: space and hyphen, plus per-type extras. */
  keepChars: z.string().max(64).optional(),
  /**
   * Replace the whole hidden middle with exactly this many mask characters (hides the length; the output then
   * no longer keeps the input length).
   */
  maskedLength: z.number().int().min(1).max(64).optional(),
});

/** Options of `mask`. */
export interface MaskParams {
  readonly char: string;
  readonly keepFirst: number | undefined;
  readonly keepLast: number | undefined;
  /** Separator code points, or undefined for the per-type default. */
  readonly keepChars: ReadonlySet<number> | undefined;
  readonly maskedLength: number | undefined;
}

interface TypeDefault {
  readonly first: number;
  readonly last: number;
  readonly seps?: string;
}

const DEFAULT_SEPS = ' -';

/** Per-type keep counts (reference §11 and §12 "Suggested default mask"). */
const TYPE_DEFAULTS: Partial<Record<EntityType, TypeDefault>> = {
  CN_RESIDENT_ID: { first: 3, last: 4 },
  CN_RESIDENCE_PERMIT_HMT: { first: 3, last: 4 },
  CN_FOREIGN_PR_ID: { first: 3, last: 4 },
  CN_BANK_CARD: { first: 0, last: 4 },
  CREDIT_CARD: { first: 0, last: 4 },
  CN_USCC: { first: 8, last: 2 },
  CN_HK_MACAU_PERMIT: { first: 1, last: 3 },
  CN_TAIWAN_PERMIT: { first: 0, last: 2, seps: ' -()' },
  HK_ID: { first: 4, last: 0, seps: ' -()' },
  TW_NATIONAL_ID: { first: 3, last: 3 },
  CN_LICENSE_PLATE: { first: 2, last: 2, seps: ' -·•' },
  VIN: { first: 8, last: 0 },
  PHONE_NUMBER: { first: 3, last: 2, seps: ' -()' },
  IBAN_CODE: { first: 4, last: 4 },
  US_SSN: { first: 0, last: 4 },
  CRYPTO: { first: 4, last: 4 },
  SECRET: { first: 0, last: 0 },
  DATE_OF_BIRTH: { first: 4, last: 0, seps: ' -/.年月日' },
};

function codeSet(chars: string): Set<number> {
  const s = new Set<number>();
  for (const ch of chars) s.add(ch.codePointAt(0) as number);
  return s;
}

const DEFAULT_SEP_SET = codeSet(DEFAULT_SEPS);
const TYPE_SEP_SETS = new Map<EntityType, Set<number>>();
for (const [t, d] of Object.entries(TYPE_DEFAULTS)) {
  if (d?.seps) TYPE_SEP_SETS.set(t as EntityType, codeSet(d.seps));
}
const IP_SEPS = codeSet('.:');
const MAC_SEPS = codeSet(':-.');
const NAME_SEPS = codeSet(' ·•・.');
const LANDLINE_SEPS = codeSet(' -()');

/** Shrinks keep counts so at least a third of `m` maskable characters stay hidden. */
function floorKeep(first: number, last: number, m: number): [number, number] {
  const minHidden = Math.max(1, Math.ceil(m / 3));
  while (first + last > m - minHidden && first + last > 0) {
    if (first >= last) first--;
    else last--;
  }
  return [Math.max(0, first), Math.max(0, last)];
}

/** The code point at `i` of `s` and its length in UTF-16 units. */
function cpAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/**
 * Masks `value` keeping `first`/`last` maskable code points, separators `seps` untouched; `maskedLength`
 * collapses the hidden middle. Works on UTF-16 units with a surrogate check, building the output by
 * concatenation (no per-character arrays: this is the protect hot path).
 */
function maskRange(
  value: string,
  first: number,
  last: number,
  seps: ReadonlySet<number>,
  char: string,
  maskedLength: number | undefined,
  applyFloor = true,
): string {
  const len = value.length;
  let m = 0;
  for (let i = 0; i < len; i++) {
    const c = cpAt(value, i);
    if (c > 0xffff) i++;
    if (!seps.has(c)) m++;
  }
  if (applyFloor) [first, last] = floorKeep(first, last, m);
  else {
    first = Math.min(first, m);
    last = Math.min(last, m - first);
  }
  let out = '';
  let k = 0;
  let collapsed = false;
  for (let i = 0; i < len; i++) {
    const c = cpAt(value, i);
    const w = c > 0xffff ? 2 : 1;
    if (seps.has(c)) {
      // Separators inside a collapsed middle disappear with it.
      if (!(maskedLength !== undefined && k > first && k < m - last)) out += value.slice(i, i + w);
    } else {
      if (k < first || k >= m - last) out += value.slice(i, i + w);
      else if (maskedLength === undefined) out += char;
      else if (!collapsed) {
        out += char.repeat(maskedLength);
        collapsed = true;
      }
      k++;
    }
    i += w - 1;
  }
  return out;
}

function maskName(value: string, p: MaskParams): string {
  const cps = [...value];
  const c0 = value.charCodeAt(0);
  const isCjkName = c0 >= 0x3400 && c0 <= 0x9fff;
  if (isCjkName) {
    const surname = Math.max(1, surnameLengthAt(value, 0));
    // Keep the surname, never the whole name (a one-character "name" is masked completely).
    const keepN = cps.length > surname ? surname : 0;
    return maskRange(value, keepN, 0, NAME_SEPS, p.char, p.maskedLength, false);
  }
  // Latin names: the initial of each word (`J*** S****`).
  const out: string[] = [];
  let atWordStart = true;
  for (const c of cps) {
    if (NAME_SEPS.has(c.codePointAt(0) as number)) {
      out.push(c);
      atWordStart = true;
    } else {
      out.push(atWordStart ? c : p.char);
      atWordStart = false;
    }
  }
  return out.join('');
}

function maskEmail(value: string, p: MaskParams): string {
  const at = value.lastIndexOf('@');
  if (at <= 0) return maskRange(value, 0, 0, DEFAULT_SEP_SET, p.char, p.maskedLength);
  const local = value.slice(0, at);
  const keepN = [...local].length >= 2 ? 1 : 0;
  return maskRange(local, keepN, 0, new Set(), p.char, p.maskedLength, false) + value.slice(at);
}

function maskAddress(value: string, p: MaskParams): string {
  const end = addressPrefixEnd(parseAddressPrefix(value), 'district');
  const head = value.slice(0, end);
  const tail = value.slice(end);
  if (tail.length === 0) return head;
  return head + maskRange(tail, 0, 0, new Set(), p.char, p.maskedLength, false);
}

function maskFirstGroup(value: string, seps: ReadonlySet<number>, groupChars: number, p: MaskParams): string {
  const cps = [...value];
  let keepN = 0;
  if (groupChars > 0) keepN = groupChars;
  else {
    for (const c of cps) {
      if (seps.has(c.codePointAt(0) as number)) break;
      keepN++;
    }
  }
  return maskRange(value, keepN, 0, seps, p.char, p.maskedLength);
}

function maskByType(value: string, type: EntityName | undefined, p: MaskParams): string {
  switch (type) {
    case 'PERSON':
      return maskName(value, p);
    case 'EMAIL_ADDRESS':
      return maskEmail(value, p);
    case 'ADDRESS':
      return maskAddress(value, p);
    case 'IP_ADDRESS':
      return maskFirstGroup(value, IP_SEPS, 0, p);
    case 'MAC_ADDRESS':
      return maskFirstGroup(value, MAC_SEPS, 6, p);
    case 'CN_MOBILE': {
      let m = 0;
      for (let i = 0; i < value.length; i++) if (!DEFAULT_SEP_SET.has(value.charCodeAt(i))) m++;
      // `+86 138 1234 5678`: the country code stays visible with the 3-digit network prefix.
      // The floor would hide more than the middle four once a country code is added: skip it at 11+ characters.
      return maskRange(value, 3 + Math.max(0, m - 11), 4, DEFAULT_SEP_SET, p.char, p.maskedLength, m < 11);
    }
    case 'CN_LANDLINE': {
      let digits = '';
      for (const c of value) if (!LANDLINE_SEPS.has(c.codePointAt(0) as number)) digits += c;
      let area = 0;
      if (digits.startsWith('+86')) area = 3 + (digits[3] === '1' || digits[3] === '2' ? 2 : 3);
      else if (digits.startsWith('0')) area = digits[1] === '1' || digits[1] === '2' ? 3 : 4;
      return maskRange(value, area, 4, LANDLINE_SEPS, p.char, p.maskedLength);
    }
    case 'CN_PASSPORT': {
      const c1 = value.charCodeAt(1);
      const first = c1 >= 65 && c1 <= 90 ? 2 : 1;
      return maskRange(value, first, 3, DEFAULT_SEP_SET, p.char, p.maskedLength);
    }
    default: {
      const d = type ? TYPE_DEFAULTS[type as EntityType] : undefined;
      const seps = (type && TYPE_SEP_SETS.get(type as EntityType)) ?? DEFAULT_SEP_SET;
      return maskRange(value, d?.first ?? 0, d?.last ?? 0, seps, p.char, p.maskedLength);
    }
  }
}

/**
 * The `mask` operator.
 *
 * @example
 * mask.apply('13812345678', { ...ctx, type: 'CN_MOBILE', params: mask.parse({}) }) // '138****5678'
 */
export const mask = {
  name: 'mask',
  reversible: false,
  keyUse: 'none',
  mayBeAsync: false,
  parse(params: unknown): MaskParams {
    const p = parseWith('mask', Schema, params);
    return {
      char: p.char,
      keepFirst: p.keepFirst,
      keepLast: p.keepLast,
      keepChars: p.keepChars === undefined ? undefined : codeSet(p.keepChars),
      maskedLength: p.maskedLength,
    };
  },
  apply(value: string, ctx: OperatorContext<MaskParams>): string {
    const p = ctx.params;
    if (p.keepFirst === undefined && p.keepLast === undefined && p.keepChars === undefined) {
      return maskByType(value, ctx.type, p);
    }
    if (p.keepFirst === undefined && p.keepLast === undefined) {
      const d = ctx.type ? TYPE_DEFAULTS[ctx.type as EntityType] : undefined;
      return maskRange(value, d?.first ?? 0, d?.last ?? 0, p.keepChars ?? DEFAULT_SEP_SET, p.char, p.maskedLength);
    }
    return maskRange(value, p.keepFirst ?? 0, p.keepLast ?? 0, p.keepChars ?? DEFAULT_SEP_SET, p.char, p.maskedLength);
  },
} satisfies Operator<MaskParams>;
