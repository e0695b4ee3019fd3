/**
 * The labeled evaluation set behind `npm run eval`.
 *
 * ## How it is built
 * Deterministically, from templates, by slot filling: a template such as `手机{mobile}，身份证号：{rid}` is
 * filled left to right, and every slot knows the entity type of the value it writes, so each label is the exact
 * UTF-16 range of the value in the text. Nothing is labeled by running a detector. Values come from the project's
 * synthetic generators (`src/synth`: valid check characters, real region/area codes, carrier prefixes, bank
 * BINs), then are written in the forms people use (separators, `+86`, full-width digits, brackets, lower-case
 * `x`…); the `form` of each span names that written form so recall can be broken down by it. Every random choice
 * draws from a seeded generator per section, so a seed gives the same set on every machine and every day (birth
 * dates are drawn up to a fixed year, not up to "today").
 *
 * ## Labeling policy (what a span covers)
 * - Numbers (phones, IDs, cards, codes): the whole written number — country code and its brackets (`+86 `,
 *   `0086-`, `(+86)`), area-code brackets (`(010)`), internal separators (spaces, hyphens, dash variants,
 *   full-width forms) and an extension (`转8021`, `-8021`). Never the label before it (`手机：`, `tel:`), quotes,
 *   surrounding brackets or trailing punctuation. `HK_ID` includes its bracketed check character (`A123456(3)`);
 *   plates include an inner separator (`京A·12345`).
 * - `EMAIL_ADDRESS`: `local@domain` (a full-width `＠` counts); not `mailto:`, not angle brackets. Role addresses
 *   (`support@…`) are labeled too: a detector cannot tell them apart.
 * - `IP_ADDRESS`: the address only — no port, no `[…]` around IPv6, no CIDR suffix.
 * - `SECRET`: self-identifying tokens (`AKIA…`, `ghp_…`, `xoxb-…`, `sk_live_…`, JWTs) whole; a PEM private key
 *   from `-----BEGIN` to the end of its `-----END … KEY-----` line; a URL carrying a password whole
 *   (`postgres://user:pw@host:5432/db` — the URL is the credential: host plus password); an assignment
 *   (`password=…`, `AWS_SECRET_ACCESS_KEY=…`, `"password": "…"`, `密码：…`) only the value, without quotes;
 *   passwords given as command-line flags (`-p …`, `-a …`) are labeled too.
 * - `PERSON`: the name only, without titles or roles (`先生`, `女士`, `Mr.`, `Dr.`, `患者`); a name with a middle
 *   dot (`买买提·艾力`) whole. A surname with an honorific alone (`王先生`) is not labeled: a surname is not a name.
 * - `ADDRESS`: from the first administrative or street component to the last component (room, unit, apartment).
 *   Chinese spans end before a postal code written after them (`（邮编100080）`); US spans cover the street line,
 *   city, state and ZIP when written on one line. A city or district mentioned alone (`我下周去上海`) is not an
 *   address.
 * - `DATE_OF_BIRTH`: the date only, where the text says it is a birth date (`出生日期`, `生日`, `DOB`, `born`,
 *   `…出生`). Order, incident, issue and expiry dates are not labeled.
 * - `CN_RESIDENT_ID`: 18-character numbers; a 15-digit legacy number only next to an explicit ID label
 *   (`form: legacy15`). A birth date inside an ID is part of the ID, not a `DATE_OF_BIRTH`.
 * - Cards: Chinese-issued numbers (UnionPay 62/81 BINs or a BIN of the Chinese bank table) are `CN_BANK_CARD`,
 *   all others `CREDIT_CARD`, whatever the language of the text.
 * - Organisational numbers are labeled as their type with `subject: 'organisation'`: 400/800 service numbers
 *   (`CN_LANDLINE`) and USCCs of organisations (`CN_USCC`); a USCC of an individual business (`92…`) has
 *   `subject: 'person'`. The eval scores them by type like any other label and reports separately whether the
 *   detector's `subject` agrees. Short service codes (`10086`, `95588`, `12315`) are not labeled.
 * - Already-masked values (`138****5678`, `110105********002X`, `张*`, `张某`, `***-**-6789`) are never spans; they
 *   are listed in `masked` and any finding on them is a false positive. Partial disclosures such as
 *   `尾号1234` are not labeled either.
 * - Look-alikes (category `lookalike`): a valid value of a checksum type with ONE character changed so that its
 *   check fails (and every other checksum it could be read as fails too), the rest kept plausible (region, date,
 *   BIN unchanged). Listed in `lookalike`; the case has no spans; any finding is a false positive.
 *
 * ## What is not labeled
 * Everything else: order, tracking, invoice and transaction numbers, timestamps, UUIDs, hashes, prices,
 * versions, IMEIs/ICCIDs, postal codes, company names, usernames and internal numeric ids. Template text holds
 * no personal value of a labeled type outside a slot.
 */
import { ENTITY_TYPES, type EntityType } from '../core/entity-types.js';
import type { Subject } from '../core/finding.js';
import { binEntries, CN_BANKS, findBin } from '../detect/recognizers/cn/bank-bins.js';
import { bitcoinBase58Kind } from '../detect/validators/base58check.js';
import { decodeSegwitAddress } from '../detect/validators/bech32.js';
import { eip55Status } from '../detect/validators/eip55.js';
import { isUsccValid, USCC_ALPHABET } from '../detect/validators/gb32100.js';
import { isHkIdValid } from '../detect/validators/hk-id.js';
import { isIbanValid } from '../detect/validators/iban.js';
import { isLuhnValid, luhnCheckDigit } from '../detect/validators/luhn.js';
import { isMod112Valid } from '../detect/validators/mod11-2.js';
import { isTwIdValid } from '../detect/validators/tw-id.js';
import { isVinValid } from '../detect/validators/vin.js';
import {
  type CalendarDate,
  generateBankCard,
  generateForeignPrId,
  generateHkId,
  generateHkMacauPermit,
  generateLandline,
  generateMobile,
  generatePassport,
  generatePlate,
  generateResidencePermit,
  generateResidentId,
  generateTaiwanPermit,
  generateTwId,
  generateUscc,
  generateVin,
} from '../synth/cn.js';
import { intlGenerators } from '../synth/intl.js';
import { createSeededRng, type Rng } from '../synth/rng.js';
import { generateChineseAddress, generateChineseName, generateEnglishName, generateUsAddress } from '../synth/text.js';

// ---------------------------------------------------------------------------------------------------------------
// Public shape

/** One labeled span: `[start, end)` in UTF-16 code units of `EvalCase.text`. */
export interface EvalSpan {
  type: EntityType;
  start: number;
  end: number;
  /** How the value is written (`plain`, `spaced`, `+86`, `fullwidth`, `legacy15`…). */
  form?: string;
  /** Whose identifier it is, where the policy says (organisational numbers, individual-business USCCs). */
  subject?: Subject;
}

/** One evaluation case. */
export interface EvalCase {
  /** Stable id: `<section>-<index>`. */
  id: string;
  /** Kind of text (`chat`, `ticket`, `log`, `csv`, `json`, `form`, `police`, `html`, `url`, `config`, `email`,
   * `masked`, `lookalike`, `neg-*`). */
  category: string;
  lang: 'zh' | 'en' | 'mixed';
  text: string;
  /** Clear values a detector should report. */
  spans: EvalSpan[];
  /** Already-masked values in the text: no clear finding may overlap them. */
  masked?: EvalSpan[];
  /** Invalid-checksum look-alikes in the text (category `lookalike`): no finding may overlap them. */
  lookalike?: EvalSpan[];
}

/** The default seed of {@link buildEvalSet}. */
export const DEFAULT_EVAL_SEED = 20261129;

/** Latest birth year drawn, fixed so the set does not change with the calendar. */
const LAST_BIRTH_YEAR = 2024;

// ---------------------------------------------------------------------------------------------------------------
// Random helpers

class Gen {
  constructor(readonly rng: Rng) {}
  int(n: number): number {
    return this.rng.int(n);
  }
  /** Integer in `[a, b]`. */
  range(a: number, b: number): number {
    return a + this.rng.int(b - a + 1);
  }
  chance(p: number): boolean {
    return this.rng.int(1_000_000) < p * 1_000_000;
  }
  pick<T>(items: readonly T[]): T {
    return this.rng.pick(items);
  }
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of items) total += w;
    let x = this.rng.int(total);
    for (const [w, v] of items) {
      if (x < w) return v;
      x -= w;
    }
    return items[items.length - 1]![1];
  }
  chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.rng.int(alphabet.length)];
    return s;
  }
  digits(n: number): string {
    return this.chars(DIGITS, n);
  }
}

const DIGITS = '0123456789';
const HEX = '0123456789abcdef';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = DIGITS + UPPER + LOWER;
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** FNV-1a of a string: derives a per-section seed from the set seed. */
function hash32(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Full-width form of printable ASCII (`138` → `１３８`); a space becomes U+3000. */
export function toFullWidth(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c === 32 ? '\u3000' : c > 32 && c < 127 ? String.fromCharCode(c + 0xfee0) : ch;
  }
  return out;
}

/** `group('13812345678', [3, 4, 4], ' ')` → `138 1234 5678`; the last group takes the rest. */
function group(s: string, sizes: readonly number[], sep: string): string {
  const parts: string[] = [];
  let i = 0;
  for (let k = 0; k < sizes.length && i < s.length; k++) {
    const n = k === sizes.length - 1 ? s.length - i : sizes[k]!;
    parts.push(s.slice(i, i + n));
    i += n;
  }
  if (i < s.length) parts.push(s.slice(i));
  return parts.join(sep);
}

/** Groups of four (`6222 0212 3456 7890 123`). */
function fours(s: string, sep = ' '): string {
  return s.replace(/(.{4})(?=.)/g, `$1${sep}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Pieces and the template filler

interface Piece {
  text: string;
  /** A labeled value of this type. */
  type?: EntityType;
  form?: string;
  subject?: Subject;
  /** An already-masked value of this type (never a span). */
  masked?: EntityType;
  /** An invalid-checksum look-alike of this type (never a span). */
  lookalike?: EntityType;
}

type SlotFn = (g: Gen) => Piece | string;

function val(type: EntityType, text: string, form: string, subject?: Subject): Piece {
  const p: Piece = { text, type, form };
  if (subject !== undefined) p.subject = subject;
  return p;
}

function masked(type: EntityType, text: string): Piece {
  return { text, masked: type };
}

/**
 * Template syntax: `{slot}` writes a slot value; `{slot@x}` also binds it to `x` and `{=x}` writes the same value
 * again (another labeled span); `⟦a|b|c⟧` writes one of the alternatives (may be empty).
 */
const TOKEN = /\{([A-Za-z][A-Za-z0-9]*)(?:@([a-z0-9]+))?\}|\{=([a-z0-9]+)\}|⟦([^⟧]*)⟧/g;

interface Filled {
  text: string;
  spans: EvalSpan[];
  masked: EvalSpan[];
  lookalike: EvalSpan[];
}

type Template = string | ((g: Gen) => readonly (Piece | string)[]);

function emit(out: Filled, piece: Piece | string): void {
  const p: Piece = typeof piece === 'string' ? { text: piece } : piece;
  const start = out.text.length;
  out.text += p.text;
  const end = out.text.length;
  if (p.type !== undefined) {
    const s: EvalSpan = { type: p.type, start, end };
    if (p.form !== undefined) s.form = p.form;
    if (p.subject !== undefined) s.subject = p.subject;
    out.spans.push(s);
  } else if (p.masked !== undefined) {
    out.masked.push({ type: p.masked, start, end });
  } else if (p.lookalike !== undefined) {
    const s: EvalSpan = { type: p.lookalike, start, end };
    if (p.form !== undefined) s.form = p.form;
    out.lookalike.push(s);
  }
}

function fill(template: Template, g: Gen, extra: Readonly<Record<string, SlotFn>> = {}): Filled {
  const out: Filled = { text: '', spans: [], masked: [], lookalike: [] };
  if (typeof template === 'function') {
    for (const p of template(g)) emit(out, p);
    return out;
  }
  const bound = new Map<string, Piece | string>();
  let last = 0;
  for (const m of template.matchAll(TOKEN)) {
    emit(out, template.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[1] !== undefined) {
      const fn = extra[m[1]] ?? SLOTS[m[1]];
      if (fn === undefined) throw new Error(`eval template: unknown slot "${m[1]}"`);
      const p = fn(g);
      if (m[2] !== undefined) bound.set(m[2], p);
      emit(out, p);
    } else if (m[3] !== undefined) {
      const p = bound.get(m[3]);
      if (p === undefined) throw new Error(`eval template: unbound "${m[3]}"`);
      emit(out, p);
    } else {
      emit(out, g.pick((m[4] as string).split('|')));
    }
  }
  emit(out, template.slice(last));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Values and their written forms

function birthDate(g: Gen, fromYear: number, toYear: number): CalendarDate {
  const year = g.range(fromYear, Math.min(toYear, LAST_BIRTH_YEAR));
  const month = g.range(1, 12);
  const dim = [
    31,
    year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  return { year, month, day: g.range(1, dim[month - 1]!) };
}

function residentIdValue(g: Gen, opts: { minor?: boolean; wantX?: boolean } = {}): string {
  let id = '';
  for (let i = 0; i < 80; i++) {
    const birth = opts.minor ? birthDate(g, 2012, LAST_BIRTH_YEAR) : birthDate(g, 1940, 2006);
    id = generateResidentId(g.rng, { birthDate: birth });
    if (!opts.wantX || id.endsWith('X')) return id;
  }
  return id;
}

function ridPiece(g: Gen, forms: 'all' | 'plain'): Piece {
  const form =
    forms === 'plain'
      ? g.weighted([
          [90, 'plain'],
          [5, 'lower-x'],
          [5, 'minor'],
        ] as const)
      : g.weighted([
          [66, 'plain'],
          [5, 'lower-x'],
          [10, 'fullwidth'],
          [6, 'spaced'],
          [6, 'minor'],
          [7, 'x'],
        ] as const);
  if (form === 'lower-x') return val('CN_RESIDENT_ID', residentIdValue(g, { wantX: true }).toLowerCase(), form);
  if (form === 'x') return val('CN_RESIDENT_ID', residentIdValue(g, { wantX: true }), form);
  if (form === 'minor') return val('CN_RESIDENT_ID', residentIdValue(g, { minor: true }), form);
  const id = residentIdValue(g);
  if (form === 'fullwidth') return val('CN_RESIDENT_ID', toFullWidth(id), form);
  if (form === 'spaced') return val('CN_RESIDENT_ID', group(id, [6, 8, 4], ' '), form);
  return val('CN_RESIDENT_ID', id, form);
}

function mobilePiece(g: Gen, style: 'zh' | 'en' | 'plain'): Piece {
  const d = generateMobile(g.rng);
  const forms: readonly (readonly [number, string])[] =
    style === 'plain'
      ? [
          [85, 'plain'],
          [8, '+86'],
          [7, '86'],
        ]
      : style === 'en'
        ? [
            [30, 'plain'],
            [25, '+86 spaced'],
            [15, '+86'],
            [10, '+86-dashed'],
            [10, 'dashed'],
            [10, 'spaced'],
          ]
        : [
            [36, 'plain'],
            [10, 'spaced'],
            [8, 'dashed'],
            [8, '+86 spaced'],
            [5, '+86'],
            [5, '+86 plain'],
            [3, '+86-dashed'],
            [4, '0086'],
            [3, '(+86)'],
            [10, 'fullwidth'],
            [3, 'fullwidth spaced'],
            [3, 'emdash'],
            [2, 'mixed-space'],
          ];
  const form = g.weighted(forms);
  const text = (() => {
    switch (form) {
      case 'spaced':
        return group(d, [3, 4, 4], ' ');
      case 'dashed':
        return group(d, [3, 4, 4], '-');
      case '+86 spaced':
        return `+86 ${group(d, [3, 4, 4], ' ')}`;
      case '+86':
        return `+86${d}`;
      case '86':
        return `86${d}`;
      case '+86 plain':
        return `+86 ${d}`;
      case '+86-dashed':
        return `+86-${group(d, [3, 4, 4], '-')}`;
      case '0086':
        return `0086 ${d}`;
      case '(+86)':
        return `(+86)${group(d, [3, 4, 4], '-')}`;
      case 'fullwidth':
        return toFullWidth(d);
      case 'fullwidth spaced':
        return toFullWidth(group(d, [3, 4, 4], ' '));
      case 'emdash':
        return group(d, [3, 4, 4], '—');
      case 'mixed-space':
        return group(d, [7, 4], ' ');
      default:
        return d;
    }
  })();
  return val('CN_MOBILE', text, form);
}

function landlinePiece(g: Gen, style: 'zh' | 'plain'): Piece {
  const raw = generateLandline(g.rng);
  const [area, local] = raw.split('-') as [string, string];
  const form =
    style === 'plain'
      ? g.weighted([
          [70, 'dash'],
          [30, 'plain'],
        ] as const)
      : g.weighted([
          [34, 'dash'],
          [8, 'paren'],
          [4, 'paren-fw'],
          [10, 'space'],
          [7, 'plain'],
          [6, '+86'],
          [4, '+86-dash'],
          [6, 'ext-zh'],
          [4, 'ext-dash'],
          [6, 'fullwidth'],
          [5, 'split-local'],
          [2, '+86 (0)'],
        ] as const);
  const a = area.slice(1);
  const localGrouped = local.length === 8 ? group(local, [4, 4], ' ') : group(local, [3, 4], ' ');
  const text = (() => {
    switch (form) {
      case 'paren':
        return `(${area})${local}`;
      case 'paren-fw':
        return `（${area}）${local}`;
      case 'space':
        return `${area} ${local}`;
      case 'plain':
        return area + local;
      case '+86':
        return `+86 ${a} ${localGrouped}`;
      case '+86-dash':
        return `+86-${a}-${local}`;
      case 'ext-zh':
        return `${area}-${local}转${g.digits(g.range(3, 4))}`;
      case 'ext-dash':
        return `${area}-${local}-${g.digits(g.range(3, 4))}`;
      case 'fullwidth':
        return toFullWidth(`${area}-${local}`);
      case 'split-local':
        return `${area}-${localGrouped}`;
      case '+86 (0)':
        return `+86 (0)${a} ${localGrouped}`;
      default:
        return `${area}-${local}`;
    }
  })();
  return val('CN_LANDLINE', text, form);
}

function servicePiece(g: Gen): Piece {
  const head = g.weighted([
    [70, '400'],
    [30, '800'],
  ] as const);
  const rest = `${g.range(1, 9)}${g.digits(6)}`;
  const form = g.weighted([
    [45, 'service-dash'],
    [25, 'service-plain'],
    [15, 'service-space'],
    [15, 'service-dash4'],
  ] as const);
  const d = head + rest;
  const text =
    form === 'service-plain'
      ? d
      : form === 'service-space'
        ? group(d, [3, 3, 4], ' ')
        : form === 'service-dash4'
          ? group(d, [3, 4, 3], '-')
          : group(d, [3, 3, 4], '-');
  return val('CN_LANDLINE', text, form, 'organisation');
}

/** Chinese BINs outside UnionPay 62/81 (co-branded Visa/Mastercard/JCB, old domestic BINs). */
let nonUnionPay: readonly { bin: string; length: number }[] | undefined;

function bankCardValue(g: Gen): { value: string; kind: string } {
  if (g.chance(0.15)) {
    nonUnionPay ??= binEntries().filter((e) => !e.bin.startsWith('62') && !e.bin.startsWith('81') && e.bin.length >= 6);
    const e = g.pick(nonUnionPay);
    return { value: generateBankCard(g.rng, { bin: e.bin, length: e.length }), kind: 'cn-bin' };
  }
  if (g.chance(0.04)) {
    // UnionPay's newer 81 range.
    const bin = `81${g.range(0, 71).toString().padStart(2, '0')}`;
    return { value: generateBankCard(g.rng, { bin, length: 16 }), kind: '81' };
  }
  return { value: generateBankCard(g.rng), kind: '62' };
}

function bankCardPiece(g: Gen, style: 'zh' | 'plain'): Piece {
  const { value, kind } = bankCardValue(g);
  const form =
    style === 'plain'
      ? 'plain'
      : g.weighted([
          [46, 'plain'],
          [34, 'spaced'],
          [5, 'dashed'],
          [8, 'fullwidth'],
          [4, 'fullwidth spaced'],
          [3, 'split-6'],
        ] as const);
  const text =
    form === 'spaced'
      ? fours(value)
      : form === 'dashed'
        ? fours(value, '-')
        : form === 'fullwidth'
          ? toFullWidth(value)
          : form === 'fullwidth spaced'
            ? toFullWidth(fours(value))
            : form === 'split-6'
              ? group(value, [6, value.length - 6], ' ')
              : value;
  return val('CN_BANK_CARD', text, kind === '62' ? form : `${form} ${kind}`);
}

function isChineseCard(digits: string): boolean {
  return digits.startsWith('62') || digits.startsWith('81') || findBin(digits) !== undefined;
}

function creditCardPiece(g: Gen, style: 'any' | 'plain'): Piece {
  let text = '';
  for (;;) {
    text = intlGenerators.CREDIT_CARD!(g.rng);
    if (!isChineseCard(text.replace(/[^0-9]/g, ''))) break;
  }
  const digits = text.replace(/[^0-9]/g, '');
  if (style === 'plain') return val('CREDIT_CARD', digits, 'plain');
  const form = text === digits ? 'plain' : text.includes('-') ? 'dashed' : 'spaced';
  return val('CREDIT_CARD', text, form);
}

function usccPiece(g: Gen, orgType?: string): Piece {
  const v = orgType === undefined ? generateUscc(g.rng) : generateUscc(g.rng, { orgType });
  const subject: Subject = v.startsWith('92') ? 'person' : 'organisation';
  const form = g.chance(0.06) ? 'fullwidth' : v.startsWith('92') ? 'individual' : `org-${v.slice(0, 2)}`;
  return val('CN_USCC', form === 'fullwidth' ? toFullWidth(v) : v, form, subject);
}

function hkIdPiece(g: Gen): Piece {
  const v = generateHkId(g.rng, { twoLetters: g.chance(0.12) });
  const form = g.weighted([
    [60, 'paren'],
    [20, 'bare'],
    [10, 'paren-fw'],
    [10, 'space-paren'],
  ] as const);
  const body = v.slice(0, v.indexOf('('));
  const check = v.slice(v.indexOf('(') + 1, -1);
  const text =
    form === 'bare'
      ? body + check
      : form === 'paren-fw'
        ? `${body}（${check}）`
        : form === 'space-paren'
          ? `${body} (${check})`
          : v;
  return val('HK_ID', text, form);
}

function platePiece(g: Gen): Piece {
  const v = generatePlate(g.rng);
  const form = g.weighted([
    [74, v.length === 8 ? 'nev' : 'plain'],
    [12, 'dot'],
    [9, 'space'],
    [5, 'dash'],
  ] as const);
  const sep = form === 'dot' ? '·' : form === 'space' ? ' ' : form === 'dash' ? '-' : '';
  return val('CN_LICENSE_PLATE', sep === '' ? v : v.slice(0, 2) + sep + v.slice(2), form);
}

function foreignPrPiece(g: Gen): Piece {
  const form2017 = g.chance(0.2);
  const v = generateForeignPrId(g.rng, { form: form2017 ? 2017 : 2023, birthDate: birthDate(g, 1950, 2010) });
  return val('CN_FOREIGN_PR_ID', v, form2017 ? '2017' : '2023');
}

function hmtPiece(g: Gen): Piece {
  const v = generateResidencePermit(g.rng, { birthDate: birthDate(g, 1950, 2010) });
  return val('CN_RESIDENCE_PERMIT_HMT', g.chance(0.06) ? toFullWidth(v) : v, v.slice(0, 2));
}

function hkmoPiece(g: Gen): Piece {
  const v = generateHkMacauPermit(g.rng);
  return val('CN_HK_MACAU_PERMIT', v, v[0] === 'C' ? (/^C[0-9]/.test(v) ? 'C8' : 'CA') : `${v[0]}${v.length - 1}`);
}

// E-mail ---------------------------------------------------------------------------------------------------------

const ZH_MAIL_DOMAINS = [
  'qq.com',
  '163.com',
  '126.com',
  'sina.com',
  'foxmail.com',
  'aliyun.com',
  '139.com',
  '189.cn',
  'vip.qq.com',
  'yeah.net',
  'sohu.com',
];
const EN_MAIL_DOMAINS = [
  'gmail.com',
  'outlook.com',
  'yahoo.com',
  'hotmail.com',
  'icloud.com',
  'proton.me',
  'example.com',
  'mail.example.org',
];

function emailPiece(g: Gen, style: 'zh' | 'en' | 'any'): Piece {
  const domain = style === 'zh' ? g.pick(ZH_MAIL_DOMAINS) : style === 'en' ? g.pick(EN_MAIL_DOMAINS) : undefined;
  const v =
    domain === undefined
      ? intlGenerators.EMAIL_ADDRESS!(g.rng)
      : intlGenerators.EMAIL_ADDRESS!(g.rng, { like: `x@${domain}`, keep: ['domain'] });
  const form = g.weighted([
    [80, 'plain'],
    [style === 'zh' ? 6 : 0, 'fullwidth-at'],
    [6, 'plus-tag'],
    [4, 'upper'],
    [4, 'subdomain'],
  ] as const);
  const at = v.lastIndexOf('@');
  const local = v.slice(0, at);
  const dom = v.slice(at + 1);
  const text =
    form === 'fullwidth-at'
      ? `${local}＠${dom}`
      : form === 'plus-tag'
        ? `${local}+${g.pick(['shop', 'news', 'jd', 'taobao', 'work'])}@${dom}`
        : form === 'upper'
          ? `${local[0]!.toUpperCase()}${local.slice(1)}@${dom}`
          : form === 'subdomain'
            ? `${local}@${g.pick(['mail', 'corp', 'staff'])}.${g.pick(['example', 'acme-tech', 'huaxin'])}.${g.pick(['com', 'cn', 'com.cn', 'net'])}`
            : v;
  return val('EMAIL_ADDRESS', text, form);
}

// Phones (international) -----------------------------------------------------------------------------------------

function phonePiece(g: Gen): Piece {
  const v = intlGenerators.PHONE_NUMBER!(g.rng);
  const form = v.startsWith('+1 (')
    ? '+1 (paren)'
    : /^\+[0-9]+$/.test(v)
      ? 'e164'
      : v.includes('-')
        ? 'intl-dash'
        : 'intl';
  return val('PHONE_NUMBER', v, form);
}

function usPhonePiece(g: Gen): Piece {
  const v = intlGenerators.PHONE_NUMBER!(g.rng, { like: '+12125550123', keep: ['country'] });
  const d = v.replace(/[^0-9]/g, '').slice(-10);
  const form = g.weighted([
    [50, 'us-paren'],
    [35, 'us-dash'],
    [15, 'us-dot'],
  ] as const);
  const text =
    form === 'us-paren'
      ? `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`
      : form === 'us-dash'
        ? `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`
        : `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`;
  return val('PHONE_NUMBER', text, form);
}

// IBAN, SSN ------------------------------------------------------------------------------------------------------

function ibanPiece(g: Gen, style: 'any' | 'plain'): Piece {
  const v = intlGenerators.IBAN_CODE!(g.rng);
  const compact = v.replace(/ /g, '');
  if (style === 'plain') return val('IBAN_CODE', compact, 'electronic');
  return val('IBAN_CODE', v, v.includes(' ') ? 'print' : 'electronic');
}

function ssnPiece(g: Gen): Piece {
  const v = intlGenerators.US_SSN!(g.rng);
  const form = g.weighted([
    [82, 'dashed'],
    [6, 'spaced'],
    [12, 'plain'],
  ] as const);
  const d = v.replace(/[^0-9]/g, '');
  const text = form === 'spaced' ? group(d, [3, 2, 4], ' ') : form === 'plain' ? d : v;
  return val('US_SSN', text, form);
}

// Network ---------------------------------------------------------------------------------------------------------

function ipv4Value(g: Gen): { text: string; form: string } {
  const kind = g.weighted([
    [70, 'public'],
    [15, '10'],
    [10, '192.168'],
    [5, '172'],
  ] as const);
  if (kind === '10') return { text: `10.${g.int(256)}.${g.int(256)}.${g.range(1, 254)}`, form: 'v4-private' };
  if (kind === '192.168') return { text: `192.168.${g.int(256)}.${g.range(1, 254)}`, form: 'v4-private' };
  if (kind === '172') return { text: `172.${g.range(16, 31)}.${g.int(256)}.${g.range(1, 254)}`, form: 'v4-private' };
  return { text: intlGenerators.IP_ADDRESS!(g.rng, { like: '1.1.1.1', keep: ['version'] }), form: 'v4' };
}

const V6_PREFIXES = [
  [0x240e, -1],
  [0x2408, -1],
  [0x2409, -1],
  [0x2400, 0xcb00],
  [0x2a03, 0x2880],
  [0x2606, 0x4700],
  [0x2001, 0x0da8],
  [0x2a01, -1],
  [0x2600, 0x1f18],
] as const;

function ipv6Value(g: Gen): { text: string; form: string } {
  const [a, b] = g.pick(V6_PREFIXES);
  const groups: number[] = [a, b < 0 ? g.int(0x10000) : b];
  const zeros = g.chance(0.6);
  for (let i = 2; i < 8; i++) groups.push(zeros && i >= 3 && i <= 5 && g.chance(0.7) ? 0 : g.int(0x10000));
  let hex = groups.map((x) => x.toString(16));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const full = g.chance(0.1);
  if (full) {
    hex = groups.map((x) => x.toString(16).padStart(4, '0'));
    return { text: hex.join(':'), form: 'v6-full' };
  }
  const text =
    bestStart < 0 ? hex.join(':') : `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
  return g.chance(0.1) ? { text: text.toUpperCase(), form: 'v6-upper' } : { text, form: 'v6' };
}

function ipPiece(g: Gen, kind: 'any' | 'v4' | 'v6'): Piece {
  const v6 = kind === 'v6' || (kind === 'any' && g.chance(0.3));
  const { text, form } = v6 ? ipv6Value(g) : ipv4Value(g);
  return val('IP_ADDRESS', text, form);
}

function macPiece(g: Gen): Piece {
  const v = intlGenerators.MAC_ADDRESS!(g.rng);
  const form = v.includes('.') ? 'dot' : v.includes('-') ? 'hyphen' : 'colon';
  return val('MAC_ADDRESS', v, /[A-F]/.test(v) ? `${form}-upper` : form);
}

function cryptoPiece(g: Gen, kind?: 'btc' | 'eth'): Piece {
  let v = '';
  for (;;) {
    v = intlGenerators.CRYPTO!(g.rng);
    const eth = v.startsWith('0x');
    if (kind === undefined || (kind === 'eth') === eth) break;
  }
  if (v.startsWith('0x')) {
    if (g.chance(0.1)) return val('CRYPTO', v.toLowerCase(), 'eth-lower');
    return val('CRYPTO', v, 'eth');
  }
  const form = v.startsWith('bc1p') ? 'bech32m' : v.startsWith('bc1') ? 'bech32' : v.startsWith('3') ? 'p2sh' : 'p2pkh';
  return val('CRYPTO', v, form);
}

// Secrets --------------------------------------------------------------------------------------------------------

type SecretKind = 'aws-key-id' | 'github' | 'slack' | 'stripe' | 'jwt' | 'pem' | 'url' | 'alibaba' | 'tencent';

const SECRET_LIKE: Record<SecretKind, string> = {
  'aws-key-id': 'AKIA0000000000000000',
  github: 'ghp_x',
  slack: 'xoxb-1',
  stripe: 'sk_live_x',
  jwt: 'eyJx',
  pem: '-----BEGIN x',
  url: 'postgresql://x',
  alibaba: 'LTAIx',
  tencent: 'AKIDx',
};

function secretPiece(g: Gen, kind: SecretKind): Piece {
  const v = intlGenerators.SECRET!(g.rng, { like: SECRET_LIKE[kind], keep: ['kind'] });
  return val('SECRET', v, kind);
}

/** A strong random password (the value of a `password=` assignment). */
function passwordPiece(g: Gen): Piece {
  const v = g.weighted([
    [
      40,
      () =>
        g.chars(UPPER, 1) +
        g.chars(LOWER, g.range(5, 8)) +
        g.digits(g.range(2, 4)) +
        g.pick(['!', '@', '#', '$', '%', '&', '*']),
    ],
    [30, () => g.chars(`${ALNUM}!@#%^&*`, g.range(12, 20))],
    [20, () => g.chars(ALNUM, g.range(16, 32))],
    [
      10,
      () =>
        `${g.pick(['Spring', 'Winter', 'Dragon', 'Sunshine', 'Qwerty', 'Monkey'])}${g.range(1990, 2024)}!${g.chars(ALNUM, 3)}`,
    ],
  ] as const)();
  return val('SECRET', v, 'password');
}

function awsSecretPiece(g: Gen): Piece {
  return val('SECRET', g.chars(`${ALNUM}/+`, 40), 'aws-secret');
}

// Names, addresses, dates -----------------------------------------------------------------------------------------

const COMPOUND_SURNAMES = [
  '欧阳',
  '司马',
  '诸葛',
  '上官',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '司空',
  '夏侯',
  '令狐',
  '轩辕',
  '钟离',
  '端木',
  '呼延',
  '南宫',
  '西门',
  '澹台',
  '淳于',
  '申屠',
];

/** Surnames (the 100 most common, reference §7.1) and given-name characters for names drawn independently of the
 * project's own name data, so a slice of the set does not share the recognizer's lists. */
const INDEP_SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙朱马胡郭何高罗林郑梁谢宋唐韩许冯邓曹彭曾肖田董袁于潘蒋杜蔡余程魏叶吕丁苏任沈姚姜卢崔钟谭汪范陆金石廖贾夏付方韦邹白熊孟秦邱尹江薛闫侯段雷史龙陶顾贺黎郝毛邵龚万钱武严戴孔向覃常汤';
const INDEP_GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建国志强晨阳宇轩浩然子涵梓萱一诺欣怡思远雨桐佳琪俊杰嘉怡博文';
const UYGHUR_GIVEN = [
  '买买提',
  '阿依古丽',
  '艾力',
  '热依拉',
  '古丽娜尔',
  '艾克拜尔',
  '努尔',
  '迪丽拜尔',
  '阿卜杜',
  '帕提古丽',
];
const UYGHUR_FAMILY = ['艾力', '吐尔逊', '阿不都', '买买提', '热合曼', '依明', '司马义', '托合提'];

function zhNamePiece(g: Gen): Piece {
  const kind = g.weighted([
    [86, 'gen'],
    [11, 'indep'],
    [3, 'dot'],
  ] as const);
  if (kind === 'dot') return val('PERSON', `${g.pick(UYGHUR_GIVEN)}·${g.pick(UYGHUR_FAMILY)}`, 'dot-name');
  if (kind === 'indep') {
    const surname = g.chance(0.06) ? g.pick(COMPOUND_SURNAMES) : g.pick(INDEP_SURNAMES.split(''));
    const given = g.chars(INDEP_GIVEN, g.chance(0.7) ? 2 : 1);
    return val('PERSON', surname + given, 'zh-indep');
  }
  const v = generateChineseName(g.rng);
  const form = COMPOUND_SURNAMES.some((s) => v.startsWith(s)) ? 'compound' : `zh-${v.length}`;
  return val('PERSON', v, form);
}

const EN_GIVEN = [
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'John',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Barbara',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Christopher',
  'Karen',
  'Daniel',
  'Lisa',
  'Matthew',
  'Nancy',
  'Anthony',
  'Sandra',
  'Mark',
  'Ashley',
  'Steven',
  'Emily',
  'Andrew',
  'Michelle',
  'Joshua',
  'Amanda',
  'Kevin',
  'Melissa',
  'Brian',
  'Rebecca',
  'Olivia',
  'Ethan',
  'Sophia',
  'Liam',
  'Priya',
  'Mohammed',
  'Aisha',
  'Carlos',
  'Lucia',
  'Hiroshi',
  'Yuki',
  'Wei',
  'Mei',
];
const EN_FAMILY = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Thompson',
  'White',
  'Harris',
  'Clark',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Nguyen',
  'Hill',
  'Green',
  'Adams',
  'Baker',
  'Nelson',
  'Carter',
  'Mitchell',
  "O'Brien",
  'Patel',
  'Kim',
  'Chen',
  'Wang',
  'Müller',
  'Schmidt',
  'Kowalski',
  'Tanaka',
  'Fernández',
];

function enNamePiece(g: Gen): Piece {
  if (g.chance(0.5)) return val('PERSON', generateEnglishName(g.rng), 'first-last');
  const form = g.weighted([
    [60, 'first-last'],
    [12, 'middle-initial'],
    [8, 'hyphenated'],
  ] as const);
  const first = g.pick(EN_GIVEN);
  const last = g.pick(EN_FAMILY);
  const text =
    form === 'middle-initial'
      ? `${first} ${g.chars('ABCDEFGHJKLMNPRSTW', 1)}. ${last}`
      : form === 'hyphenated'
        ? `${first} ${last}-${g.pick(EN_FAMILY)}`
        : `${first} ${last}`;
  return val('PERSON', text, form);
}

/** Province / prefecture / county prefix of a generated Chinese address (best effort; `null` when unclear). */
const CN_ADMIN_HEAD =
  /^((?:内蒙古|广西壮族|西藏|宁夏回族|新疆维吾尔)自治区|[^省市区县]{2,3}省)?([^省市区县]{2,8}?(?:市|自治州|地区|盟))?([^省市区县]{1,6}?(?:区|县|市|旗))?/;

/**
 * Real province / city / district chains and street names for addresses drawn independently of the project's
 * gazetteer and address generator, in layouts it does not produce (`号院…号楼`, `弄`, `幢`, `座…层`, 街道 and
 * 社区 prefixes, provinces written without `省`, spaces around numbers, rural `组`).
 */
const INDEP_PLACES: readonly (readonly [string, string, string, readonly string[]])[] = [
  ['', '北京市', '朝阳区', ['建国路', '朝阳北路', '望京街', '酒仙桥路']],
  ['', '北京市', '海淀区', ['中关村大街', '学院路', '知春路', '西三环北路']],
  ['', '上海市', '浦东新区', ['张杨路', '世纪大道', '碧波路', '锦绣路']],
  ['', '上海市', '徐汇区', ['漕溪北路', '肇嘉浜路', '天钥桥路']],
  ['', '天津市', '南开区', ['鞍山西道', '长江道', '红旗路']],
  ['', '重庆市', '渝中区', ['解放碑民族路', '中山三路', '上清寺路']],
  ['广东省', '深圳市', '南山区', ['深南大道', '科技园南路', '南海大道', '后海大道']],
  ['广东省', '广州市', '天河区', ['天河路', '体育西路', '珠江新城花城大道', '中山大道西']],
  ['浙江省', '杭州市', '西湖区', ['文三路', '天目山路', '古墩路']],
  ['江苏省', '南京市', '鼓楼区', ['中山北路', '汉中路', '广州路']],
  ['四川省', '成都市', '武侯区', ['人民南路四段', '科华北路', '武侯祠大街']],
  ['湖北省', '武汉市', '洪山区', ['珞喻路', '雄楚大道', '光谷大道']],
  ['陕西省', '西安市', '雁塔区', ['长安南路', '小寨东路', '科技路']],
  ['山东省', '青岛市', '市南区', ['香港中路', '东海西路', '山东路']],
  ['福建省', '厦门市', '思明区', ['湖滨南路', '厦禾路', '莲前西路']],
  ['河南省', '郑州市', '金水区', ['花园路', '经三路', '农业路']],
  ['湖南省', '长沙市', '岳麓区', ['麓山南路', '桐梓坡路', '金星中路']],
  ['辽宁省', '沈阳市', '和平区', ['南京北街', '太原街', '三好街']],
  ['云南省', '昆明市', '五华区', ['东风西路', '人民中路', '青年路']],
  ['广西壮族自治区', '南宁市', '青秀区', ['民族大道', '东葛路', '金湖路']],
  ['黑龙江省', '哈尔滨市', '南岗区', ['西大直街', '学府路', '红军街']],
  ['新疆维吾尔自治区', '乌鲁木齐市', '天山区', ['解放北路', '新华南路', '光明路']],
];
const INDEP_ESTATES = ['万科城', '保利花园', '碧桂园', '融创壹号', '华润城', '绿城桂花园', '龙湖天街', '招商花园'];
const INDEP_TOWERS = ['国贸大厦', '环球中心', '科技大厦', '金融中心', '时代广场', '创新园'];

function zhAddressIndependent(g: Gen): Piece {
  const [province, city, district, roads] = g.pick(INDEP_PLACES);
  const road = g.pick(roads);
  const n = g.range(1, 999);
  const spaced = g.chance(0.12);
  const num = (x: number | string): string => (spaced ? ` ${x} ` : String(x));
  const tail = g.weighted([
    [
      20,
      () => `${road}${num(n)}号院${num(g.range(1, 20))}号楼${num(g.range(1, 6))}单元${g.range(1, 30)}0${g.range(1, 4)}`,
    ],
    [
      20,
      () =>
        `${road}${num(n)}号${g.pick(INDEP_TOWERS)}${g.pick(['A', 'B', 'C', '东', '西'])}座${num(g.range(2, 45))}层${g.range(1, 30)}0${g.range(1, 9)}室`,
    ],
    [
      15,
      () => `${road}${num(n)}号${g.pick(INDEP_ESTATES)}${num(g.range(1, 30))}幢${g.range(1, 30)}0${g.range(1, 4)}室`,
    ],
    // Lanes (弄) are a Shanghai layout.
    [
      city === '上海市' ? 60 : 0,
      () => `${road}${num(n)}弄${num(g.range(1, 80))}号${g.range(1, 20)}0${g.range(1, 4)}室`,
    ],
    [15, () => `${g.pick(['新华', '东风', '城南', '城北', '解放', '人民'])}街道${road}${num(n)}号`],
    [15, () => `${road}${num(n)}号${g.pick(INDEP_ESTATES)}${num(g.range(1, 30))}栋${g.range(1, 30)}楼`],
  ] as const)();
  const form = g.weighted([
    [55, 'indep'],
    [25, 'indep-no-province'],
    [20, 'indep-short-province'],
  ] as const);
  const head =
    form === 'indep-no-province' || province === ''
      ? city + district
      : form === 'indep-short-province' && province.endsWith('省')
        ? province.slice(0, -1) + city + district
        : province + city + district;
  return val('ADDRESS', (head + tail).replace(/ {2,}/g, ' ').trim(), spaced ? `${form} spaced` : form);
}

function zhAddressPiece(g: Gen): Piece {
  if (g.chance(0.25)) return zhAddressIndependent(g);
  const v = generateChineseAddress(g.rng);
  const m = CN_ADMIN_HEAD.exec(v);
  const form = g.weighted([
    [65, 'full'],
    [18, 'no-province'],
    [9, 'spaced'],
    [8, 'from-district'],
  ] as const);
  if (m === null || form === 'full') return val('ADDRESS', v, 'full');
  const [head, province, city, county] = [m[0], m[1], m[2], m[3]];
  const rest = v.slice(head.length);
  if (form === 'no-province' && province !== undefined && city !== undefined) {
    return val('ADDRESS', v.slice(province.length), form);
  }
  if (form === 'from-district' && county !== undefined && city !== undefined) {
    return val('ADDRESS', county + rest, form);
  }
  if (form === 'spaced' && city !== undefined && county !== undefined && rest.length > 0) {
    return val('ADDRESS', [province, city, county, rest].filter((x) => x !== undefined).join(' '), form);
  }
  return val('ADDRESS', v, 'full');
}

const US_STREETS = [
  'Main',
  'Oak',
  'Maple',
  'Cedar',
  'Pine',
  'Elm',
  'Washington',
  'Lake',
  'Hill',
  'Park',
  'Sunset',
  'Lincoln',
  'Jackson',
  'Highland',
  'River',
  'Church',
  'Madison',
  'Franklin',
  'Chestnut',
  'Willow',
];
const US_SUFFIXES = ['St', 'Street', 'Ave', 'Avenue', 'Rd', 'Road', 'Blvd', 'Lane', 'Dr', 'Drive', 'Ct', 'Way', 'Pl'];
const US_CITIES: readonly (readonly [string, string, string])[] = [
  ['Springfield', 'IL', '627'],
  ['Austin', 'TX', '787'],
  ['Portland', 'OR', '972'],
  ['Columbus', 'OH', '432'],
  ['San Jose', 'CA', '951'],
  ['Denver', 'CO', '802'],
  ['Madison', 'WI', '537'],
  ['Raleigh', 'NC', '276'],
  ['Boston', 'MA', '021'],
  ['Seattle', 'WA', '981'],
  ['Brooklyn', 'NY', '112'],
  ['Miami', 'FL', '331'],
  ['Phoenix', 'AZ', '850'],
  ['Nashville', 'TN', '372'],
  ['Ann Arbor', 'MI', '481'],
];

function usAddressPiece(g: Gen): Piece {
  if (g.chance(0.5)) return val('ADDRESS', generateUsAddress(g.rng), 'us');
  const [city, state, zip3] = g.pick(US_CITIES);
  const street = `${g.range(1, 9899)} ${g.chance(0.15) ? `${g.pick(['N', 'S', 'E', 'W'])} ` : ''}${g.pick(US_STREETS)} ${g.pick(US_SUFFIXES)}`;
  const unit = g.chance(0.3)
    ? `, ${g.pick(['Apt', 'Suite', 'Unit', 'Apt.'])} ${g.range(1, 40)}${g.chance(0.3) ? g.pick(['A', 'B', 'C']) : ''}`
    : '';
  const zip = `${zip3}${g.digits(2)}${g.chance(0.15) ? `-${g.digits(4)}` : ''}`;
  return val('ADDRESS', `${street}${unit}, ${city}, ${state} ${zip}`, 'us');
}

function dobZhPiece(g: Gen): Piece {
  const d = birthDate(g, 1945, 2010);
  const form = g.weighted([
    [35, 'zh'],
    [15, 'zh-padded'],
    [25, 'iso'],
    [10, 'slash'],
    [8, 'dot'],
    [7, 'compact'],
  ] as const);
  const text =
    form === 'zh'
      ? `${d.year}年${d.month}月${d.day}日`
      : form === 'zh-padded'
        ? `${d.year}年${pad(d.month, 2)}月${pad(d.day, 2)}日`
        : form === 'iso'
          ? `${d.year}-${pad(d.month, 2)}-${pad(d.day, 2)}`
          : form === 'slash'
            ? `${d.year}/${d.month}/${d.day}`
            : form === 'dot'
              ? `${d.year}.${pad(d.month, 2)}.${pad(d.day, 2)}`
              : `${d.year}${pad(d.month, 2)}${pad(d.day, 2)}`;
  return val('DATE_OF_BIRTH', text, form);
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function dobEnPiece(g: Gen): Piece {
  const d = birthDate(g, 1945, 2010);
  const form = g.weighted([
    [35, 'us-slash'],
    [25, 'iso'],
    [20, 'month-day-year'],
    [12, 'day-month-year'],
    [8, 'abbr'],
  ] as const);
  const m = MONTHS[d.month - 1]!;
  const text =
    form === 'us-slash'
      ? `${pad(d.month, 2)}/${pad(d.day, 2)}/${d.year}`
      : form === 'iso'
        ? `${d.year}-${pad(d.month, 2)}-${pad(d.day, 2)}`
        : form === 'month-day-year'
          ? `${m} ${d.day}, ${d.year}`
          : form === 'day-month-year'
            ? `${d.day} ${m} ${d.year}`
            : `${m.slice(0, 3)} ${d.day}, ${d.year}`;
  return val('DATE_OF_BIRTH', text, form);
}

// Masked values ---------------------------------------------------------------------------------------------------

function maskedMobile(g: Gen): Piece {
  const d = generateMobile(g.rng);
  const m = `${d.slice(0, 3)}****${d.slice(7)}`;
  return masked(
    'CN_MOBILE',
    g.weighted([
      [70, m],
      [10, `${d.slice(0, 3)} **** ${d.slice(7)}`],
      [10, `+86 ${m}`],
      [10, toFullWidth(m)],
    ] as const),
  );
}

function maskedResidentId(g: Gen): Piece {
  const id = residentIdValue(g);
  return masked(
    'CN_RESIDENT_ID',
    g.weighted([
      [40, `${id.slice(0, 6)}********${id.slice(14)}`],
      [30, `${id.slice(0, 3)}***********${id.slice(14)}`],
      [15, `${id[0]}***************${id.slice(16)}`],
      [15, `${id.slice(0, 4)}**********${id.slice(14)}`],
    ] as const),
  );
}

function maskedBankCard(g: Gen): Piece {
  const v = bankCardValue(g).value;
  const last4 = v.slice(-4);
  return masked(
    'CN_BANK_CARD',
    g.weighted([
      [35, `${v.slice(0, 4)} **** **** ${last4}`],
      [20, `${v.slice(0, 6)}${'*'.repeat(v.length - 10)}${last4}`],
      [25, `**** **** **** ${last4}`],
      [
        20,
        `${v.slice(0, 4)} ${'**** '.repeat(Math.ceil((v.length - 8) / 4))}${v.slice(4 + 4 * Math.ceil((v.length - 8) / 4))}`,
      ],
    ] as const),
  );
}

function maskedName(g: Gen): Piece {
  const v = generateChineseName(g.rng);
  if (v.includes('·')) return masked('PERSON', `${v.slice(0, v.indexOf('·'))}·***`);
  const surname = COMPOUND_SURNAMES.find((s) => v.startsWith(s)) ?? v[0]!;
  return masked(
    'PERSON',
    g.weighted([
      [35, `${surname}${'*'.repeat(v.length - surname.length)}`],
      [30, `${surname}某`],
      [15, `${surname}某某`],
      [20, `${surname}**`],
    ] as const),
  );
}

function maskedEmail(g: Gen): Piece {
  const v = intlGenerators.EMAIL_ADDRESS!(g.rng);
  const at = v.lastIndexOf('@');
  return masked('EMAIL_ADDRESS', `${v.slice(0, g.range(1, Math.min(3, at)))}***${v.slice(at)}`);
}

function maskedLandline(g: Gen): Piece {
  const [area, local] = generateLandline(g.rng).split('-') as [string, string];
  return masked('CN_LANDLINE', `${area}-****${local.slice(-4)}`);
}

function maskedSsn(g: Gen): Piece {
  const d = intlGenerators.US_SSN!(g.rng).slice(-4);
  return masked('US_SSN', g.pick([`***-**-${d}`, `XXX-XX-${d}`, `xxx-xx-${d}`]));
}

function maskedCreditCard(g: Gen): Piece {
  const d = creditCardPiece(g, 'plain').text;
  return masked(
    'CREDIT_CARD',
    g.pick([
      `**** **** **** ${d.slice(-4)}`,
      `${d.slice(0, 4)} ${d.slice(4, 6)}** **** ${d.slice(-4)}`,
      `XXXX-XXXX-XXXX-${d.slice(-4)}`,
      `${d.slice(0, 6)}******${d.slice(-4)}`,
    ]),
  );
}

function maskedPlate(g: Gen): Piece {
  const v = generatePlate(g.rng, { newEnergy: false });
  return masked('CN_LICENSE_PLATE', g.pick([`${v.slice(0, 3)}***${v.slice(-1)}`, `${v.slice(0, 2)}***${v.slice(-2)}`]));
}

function maskedHkId(g: Gen): Piece {
  const v = generateHkId(g.rng, { twoLetters: false });
  return masked('HK_ID', `${v.slice(0, 4)}***(*)`);
}

// Unlabeled distractors (hard negatives) --------------------------------------------------------------------------

/** Card-like (brand prefix + length + Luhn), mobile-like or ID-like digit runs make a negative ambiguous. */
function isAmbiguousNumber(s: string): boolean {
  for (const run of s.match(/[0-9]+/g) ?? []) {
    const n = run.length;
    if (n === 11 && /^1[3-9]/.test(run)) return true;
    if (n === 18 && isMod112Valid(run)) return true;
    if (n === 15 && /^[1-8][0-9]/.test(run)) return true; // legacy-ID shaped
    if (n >= 12 && n <= 19 && isLuhnValid(run) && /^(?:[2-6]|81|35|3[0478])/.test(run)) return true;
    if (n >= 16 && n <= 19 && findBin(run) !== undefined) return true;
  }
  return false;
}

function unambiguous(make: () => string): string {
  for (let i = 0; i < 50; i++) {
    const s = make();
    if (!isAmbiguousNumber(s)) return s;
  }
  return make().replace(/[0-9]/g, '0');
}

function recentDate(g: Gen): CalendarDate {
  return { year: g.range(2019, 2025), month: g.range(1, 12), day: g.range(1, 28) };
}

function ymd(d: CalendarDate, sep = ''): string {
  return `${d.year}${sep}${pad(d.month, 2)}${sep}${pad(d.day, 2)}`;
}

function hms(g: Gen, sep = ':'): string {
  return `${pad(g.int(24), 2)}${sep}${pad(g.int(60), 2)}${sep}${pad(g.int(60), 2)}`;
}

function uuid(g: Gen): string {
  const h = g.chars(HEX, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${g.pick(['8', '9', 'a', 'b'])}${h.slice(17, 20)}-${h.slice(20)}`;
}

function s10Tracking(g: Gen): string {
  const body = g.digits(8);
  const w = [8, 6, 4, 2, 3, 5, 9, 7];
  let s = 0;
  for (let i = 0; i < 8; i++) s += Number(body[i]) * w[i]!;
  let c = 11 - (s % 11);
  if (c === 10) c = 0;
  if (c === 11) c = 5;
  return `${g.pick(['EA', 'EE', 'LK', 'RR', 'CP'])}${body}${c}CN`;
}

function luhnComplete(payload: string): string {
  return payload + luhnCheckDigit(payload);
}

/** Slots that write unlabeled text. */
const NEG_SLOTS: Record<string, SlotFn> = {
  orderNo: (g) =>
    unambiguous(() =>
      g.weighted([
        [30, () => `${ymd(recentDate(g))}${g.digits(g.range(6, 11))}`],
        [15, () => `DD${ymd(recentDate(g))}${g.digits(6)}`],
        [15, () => `${g.range(2, 5)}${g.digits(17)}`],
        [10, () => `SO${g.digits(10)}`],
        [10, () => `${g.pick(['10', '11', '12'])}${g.digits(9)}`],
        [10, () => `E${ymd(recentDate(g))}${g.digits(9)}`],
        [10, () => `${g.digits(4)}-${g.digits(4)}-${g.digits(4)}`],
      ] as const)(),
    ),
  orderNoEn: (g) =>
    unambiguous(() =>
      g.pick([`#${g.range(100000, 9999999)}`, `A${g.digits(8)}`, `${g.digits(3)}-${g.digits(7)}-${g.digits(7)}`]),
    ),
  refundNo: (g) => unambiguous(() => `TK${ymd(recentDate(g))}${g.digits(10)}`),
  txnNo: (g) =>
    unambiguous(() => g.pick([`4200${g.digits(24)}`, `${ymd(recentDate(g))}${g.digits(14)}`, `T${g.digits(20)}`])),
  invoiceNo: (g) => unambiguous(() => `${pad(recentDate(g).year % 100, 2)}${g.digits(18)}`),
  ticketNo: (g) =>
    unambiguous(() =>
      g.pick([`TK-${g.digits(6)}`, `#${g.range(10000, 999999)}`, `WO${ymd(recentDate(g))}${g.digits(4)}`]),
    ),
  sku: (g) => `${g.chars(UPPER, 2)}-${g.digits(4)}-${g.chars(UPPER + DIGITS, 3)}`,
  uid: (g) => String(g.range(1000, 99_999_999)),
  snowflake: (g) => unambiguous(() => `1${g.range(6, 8)}${g.digits(17)}`),
  empNo: (g) => g.pick([`A${g.digits(5)}`, `${g.digits(6)}`, `EMP-${g.digits(5)}`]),
  staffId: (g) => `${g.range(1000, 9999)}`,
  tsMs: (g) => `17${g.range(10, 49)}${g.digits(9)}`,
  tsSec: (g) => `17${g.range(10, 49)}${g.digits(6)}`,
  isoTime: (g) => `${ymd(recentDate(g), '-')}T${hms(g)}.${g.digits(3)}Z`,
  logTime: (g) => `${ymd(recentDate(g), '-')} ${hms(g)}.${g.digits(3)}`,
  compactTime: (g) => `${ymd(recentDate(g))}${hms(g, '')}`,
  cnTime: (g) => {
    const d = recentDate(g);
    return `${d.year}年${d.month}月${d.day}日 ${pad(g.int(24), 2)}:${pad(g.int(60), 2)}`;
  },
  date: (g) => ymd(recentDate(g), '-'),
  dateZh: (g) => {
    const d = recentDate(g);
    return `${d.year}年${d.month}月${d.day}日`;
  },
  incidentTime: (g) => {
    const d = recentDate(g);
    return `${d.year}年${d.month}月${d.day}日${g.range(0, 23)}时${g.chance(0.5) ? `${g.range(1, 59)}分` : '许'}`;
  },
  uuid: (g) => uuid(g),
  uuidUpper: (g) => uuid(g).toUpperCase(),
  hex16: (g) => g.chars(HEX, 16),
  hex32: (g) => g.chars(HEX, 32),
  md5: (g) => g.chars(HEX, 32),
  sha1: (g) => g.chars(HEX, 40),
  sha256: (g) => g.chars(HEX, 64),
  gitSha: (g) => g.chars(HEX, 7),
  b64: (g) => g.chars(`${ALNUM}+/`, 86) + '==',
  price: (g) =>
    g.pick([
      `¥${g.range(1, 99999)}.${g.digits(2)}`,
      `￥${g.range(1, 9999)}`,
      `${g.range(1, 50000)}元`,
      `${g.range(1, 9)},${g.digits(3)}.${g.digits(2)}元`,
    ]),
  priceEn: (g) =>
    g.pick([
      `$${g.range(1, 9999)}.${g.digits(2)}`,
      `USD ${g.range(1, 99)},${g.digits(3)}.00`,
      `€${g.range(1, 999)},${g.digits(2)}`,
      `$${g.range(1, 999)}`,
    ]),
  amount: (g) => `${g.range(1, 99999)}.${g.digits(2)}`,
  bigNumber: (g) => `${g.range(1, 999)},${g.digits(3)},${g.digits(3)}`,
  semver: (g) =>
    `${g.range(0, 20)}.${g.range(0, 40)}.${g.range(0, 99)}${g.chance(0.2) ? `-${g.pick(['beta', 'rc', 'alpha'])}.${g.range(1, 9)}` : ''}`,
  chromeVer: (g) => `${g.range(100, 131)}.0.${g.range(4000, 6999)}.${g.range(10, 250)}`,
  winBuild: (g) => `10.0.${g.range(17000, 26100)}.${g.range(1000, 5000)}`,
  buildNo: (g) => `${ymd(recentDate(g))}.${g.range(1, 30)}`,
  sfNo: (g) => unambiguous(() => `SF${g.range(1, 9)}${g.digits(12)}`),
  ztoNo: (g) => unambiguous(() => `7${g.pick(['3', '5', '8'])}${g.digits(11)}`),
  ytNo: (g) => `YT${g.digits(13)}`,
  jdNo: (g) => `JD${g.digits(13)}`,
  emsNo: (g) => s10Tracking(g),
  upsNo: (g) => `1Z${g.chars(UPPER + DIGITS, 6)}${g.digits(10)}`,
  uspsNo: (g) => fours(`9400${g.digits(18)}`),
  fedexNo: (g) => unambiguous(() => `7${g.digits(11)}`),
  imei: (g) => luhnComplete(`${g.pick(['35', '86', '01'])}${g.digits(12)}`),
  iccid: (g) => luhnComplete(`8986${g.digits(15)}`),
  serial: (g) =>
    g.pick([
      `SN${g.chars(UPPER + DIGITS, 10)}`,
      `${g.chars(UPPER, 3)}${g.digits(8)}`,
      `C02${g.chars(UPPER + DIGITS, 8)}`,
    ]),
  postcode: (g) => `${g.range(10, 85)}${g.digits(4)}`,
  port: (g) => String(g.pick([22, 80, 443, 3306, 5432, 6379, 8080, 8443, 9200, 27017])),
  n: (g) => String(g.range(2, 99)),
  n4: (g) => String(g.range(1000, 9999)),
  pid: (g) => String(g.range(100, 65000)),
  ms: (g) => String(g.range(1, 5000)),
  year: (g) => String(g.range(2019, 2025)),
  age: (g) => String(g.range(18, 82)),
  sex: (g) => g.pick(['男', '女']),
  ethnic: (g) => g.pick(['汉', '汉', '汉', '汉', '回', '满', '壮', '维吾尔', '苗', '土家', '蒙古']),
  bankName: (g) => g.pick(CN_BANKS).name,
  carrierName: (g) => g.pick(['顺丰', '中通', '圆通', '韵达', '京东物流', 'EMS']),
  company: (g) =>
    `${g.pick(['北京', '上海', '深圳', '杭州', '成都', '广州', '苏州'])}${g.pick(['星辰', '云图', '远航', '恒信', '博达', '嘉禾', '新锐'])}${g.pick(['科技', '信息技术', '贸易', '网络科技', '餐饮管理'])}有限公司`,
  companyEn: (g) =>
    `${g.pick(['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli'])} ${g.pick(['Corp', 'LLC', 'Inc.', 'Ltd'])}`,
  city: (g) => g.pick(['北京', '上海', '广州', '深圳', '杭州', '成都', '武汉', '西安', '南京', '重庆']),
  place: (g) => g.pick(['小区地下停车场', '公司楼下', '地铁站出口', '超市门口', '学校东门', '菜市场旁']),
  carColor: (g) => g.pick(['白色', '黑色', '银色', '红色', '蓝色']),
  host: (g) =>
    `${g.pick(['api', 'web', 'db', 'cache', 'mq', 'auth'])}-${g.range(1, 9)}.${g.pick(['prod', 'staging'])}.internal`,
  unixUser: (g) => g.pick(['deploy', 'ubuntu', 'admin', 'git', 'ops', 'www-data']),
  product: (g) =>
    g.pick(['iPhone 15 Pro', '小米14', '华为Mate 60', 'AirPods Pro', '戴森吹风机', 'Kindle', '机械键盘', '空气净化器']),
  productEn: (g) =>
    g.pick(['wireless earbuds', 'standing desk', 'coffee grinder', 'phone case', 'laptop sleeve', 'smart watch']),
  wechatId: (g) => `wxid_${g.chars(DIGITS + LOWER, 14)}`,
  httpPath: (g) =>
    g.pick(['/api/v1/orders', '/login', '/api/user/profile', '/static/app.js', '/health', '/api/pay/notify']),
  status: (g) => String(g.pick([200, 200, 200, 201, 302, 400, 401, 403, 404, 500, 502])),
  ua: (g) =>
    `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${g.range(100, 131)}.0.${g.range(4000, 6999)}.${g.range(10, 250)} Safari/537.36`,
};

// ---------------------------------------------------------------------------------------------------------------
// Slot table

const SLOTS: Record<string, SlotFn> = {
  ...NEG_SLOTS,
  zhName: zhNamePiece,
  enName: enNamePiece,
  zhAddr: zhAddressPiece,
  usAddr: usAddressPiece,
  dobZh: dobZhPiece,
  dobEn: dobEnPiece,
  rid: (g) => ridPiece(g, 'all'),
  ridPlain: (g) => ridPiece(g, 'plain'),
  rid15: (g) =>
    val('CN_RESIDENT_ID', generateResidentId(g.rng, { birthDate: birthDate(g, 1940, 1983), legacy: true }), 'legacy15'),
  hmt: hmtPiece,
  fpr: foreignPrPiece,
  mobile: (g) => mobilePiece(g, 'zh'),
  mobileEn: (g) => mobilePiece(g, 'en'),
  mobilePlain: (g) => mobilePiece(g, 'plain'),
  landline: (g) => landlinePiece(g, 'zh'),
  landlinePlain: (g) => landlinePiece(g, 'plain'),
  service: servicePiece,
  card: (g) => bankCardPiece(g, 'zh'),
  cardPlain: (g) => bankCardPiece(g, 'plain'),
  uscc: (g) => usccPiece(g),
  usccEnterprise: (g) => usccPiece(g, '91'),
  usccIndividual: (g) => usccPiece(g, '92'),
  passport: (g) => {
    const v = generatePassport(g.rng, {
      kind: g.weighted([
        [60, 'EA'],
        [30, 'E8'],
        [10, 'G'],
      ] as const),
    });
    return val('CN_PASSPORT', v, /^E[A-Z]/.test(v) ? 'EA' : v[0] === 'G' ? 'G8' : 'E8');
  },
  hkmo: hkmoPiece,
  twPermit: (g) => val('CN_TAIWAN_PERMIT', generateTaiwanPermit(g.rng), 'plain'),
  hkid: hkIdPiece,
  twid: (g) => val('TW_NATIONAL_ID', generateTwId(g.rng), 'plain'),
  plate: platePiece,
  vin: (g) => {
    const v = generateVin(
      g.rng,
      g.chance(0.25) ? { wmi: g.pick(['1HG', 'WVW', 'JTD', '5YJ', 'WBA', 'KMH', 'SAL']) } : {},
    );
    return val('VIN', v, v[0] === 'L' ? 'cn-wmi' : 'foreign-wmi');
  },
  email: (g) => emailPiece(g, 'any'),
  emailZh: (g) => emailPiece(g, 'zh'),
  emailEn: (g) => emailPiece(g, 'en'),
  phone: phonePiece,
  usPhone: usPhonePiece,
  cc: (g) => creditCardPiece(g, 'any'),
  ccPlain: (g) => creditCardPiece(g, 'plain'),
  iban: (g) => ibanPiece(g, 'any'),
  ibanPlain: (g) => ibanPiece(g, 'plain'),
  ssn: ssnPiece,
  ip: (g) => ipPiece(g, 'any'),
  ipv4: (g) => ipPiece(g, 'v4'),
  ipv6: (g) => ipPiece(g, 'v6'),
  mac: macPiece,
  crypto: (g) => cryptoPiece(g),
  btc: (g) => cryptoPiece(g, 'btc'),
  eth: (g) => cryptoPiece(g, 'eth'),
  awsKeyId: (g) => secretPiece(g, 'aws-key-id'),
  awsSecret: awsSecretPiece,
  ghToken: (g) => secretPiece(g, 'github'),
  slackToken: (g) => secretPiece(g, 'slack'),
  stripeKey: (g) => secretPiece(g, 'stripe'),
  jwt: (g) => secretPiece(g, 'jwt'),
  pem: (g) => secretPiece(g, 'pem'),
  dbUrl: (g) => secretPiece(g, 'url'),
  aliKey: (g) => secretPiece(g, 'alibaba'),
  tencentKey: (g) => secretPiece(g, 'tencent'),
  pwd: passwordPiece,
  mMobile: maskedMobile,
  mRid: maskedResidentId,
  mCard: maskedBankCard,
  mName: maskedName,
  mEmail: maskedEmail,
  mLandline: maskedLandline,
  mSsn: maskedSsn,
  mCc: maskedCreditCard,
  mPlate: maskedPlate,
  mHkid: maskedHkId,
};

/** Slots added after the table above (they reuse its helpers). */
Object.assign(SLOTS, {
  // Unlabeled.
  bic: (g: Gen) => `${g.chars(UPPER, 4)}${g.pick(['DE', 'GB', 'FR', 'NL', 'CN', 'HK'])}${g.chars(UPPER + DIGITS, 2)}`,
  expiry: (g: Gen) => `${pad(g.range(1, 12), 2)}/${g.range(25, 31)}`,
  nationality: (g: Gen) => g.pick(['美国', '英国', '德国', '法国', '日本', '韩国', '加拿大', '澳大利亚', '新加坡']),
  engineNo: (g: Gen) => `${g.pick(['G4FC', 'EA211', 'B48B20', 'JL473Q', 'SQR477F'])}${g.digits(6)}`,
  studentNo: (g: Gen) => `20${g.range(18, 24)}${g.digits(6)}`,
  caseNo: (g: Gen) => `A${g.digits(12)}${recentDate(g).year}${g.digits(7)}`,
  meid: (g: Gen) => `A${g.chars('0123456789ABCDEF', 13)}`,
  lat: (g: Gen) => `${g.range(18, 50)}.${g.digits(4)}`,
  lng: (g: Gen) => `${g.range(75, 134)}.${g.digits(4)}`,
  dateDot: (g: Gen) => ymd(recentDate(g), '.'),
  monthDay: (g: Gen) => `${g.pick(MONTHS)} ${g.range(1, 28)}`,
  isbn: (g: Gen) => `978-7-${g.range(100, 999)}-${g.range(10000, 99999)}-${g.int(10)}`,
  ean: (g: Gen) => `69${g.digits(11)}`,
  passportForeign: (g: Gen) => `5${g.digits(8)}`,
  // Labeled.
  supportEmail: (g: Gen) =>
    val(
      'EMAIL_ADDRESS',
      `${g.pick(['support', 'service', 'kefu', 'noreply', 'hr', 'info', 'billing'])}@${g.pick(['example.com', 'acme-tech.com', 'example.cn', 'shop.example.org'])}`,
      'role',
    ),
  mobileTel: (g: Gen) => {
    const d = generateMobile(g.rng);
    return g.chance(0.6) ? val('CN_MOBILE', `+86${d}`, '+86') : val('CN_MOBILE', d, 'plain');
  },
  dobIso: (g: Gen) => {
    const d = birthDate(g, 1945, 2010);
    return val('DATE_OF_BIRTH', ymd(d, '-'), 'iso');
  },
  aliSecret: (g: Gen) => val('SECRET', g.chars(ALNUM, 30), 'ali-secret'),
  tcSecret: (g: Gen) => val('SECRET', g.chars(ALNUM, 32), 'tencent-secret'),
} satisfies Record<string, SlotFn>);

// ---------------------------------------------------------------------------------------------------------------
// Templates of positive texts (they may hold distractors and masked values too)

const CHAT_ZH: readonly Template[] = [
  '你好，我的手机号是{mobile}，麻烦尽快回电。',
  '我手机{mobile}，到了给我打电话',
  '快递到了请打{mobile}，放门卫就行，谢谢',
  '{zhName}的电话是{mobile}，你直接联系他吧',
  '我换号了，新号码：{mobile}，旧号{mMobile}已经停用',
  '身份证号{rid}，帮我查一下社保缴费记录',
  '退款请打到我的银行卡{card}（{bankName}），户名{zhName}',
  '我的邮箱是{emailZh}，合同发这里就行',
  '收货地址：{zhAddr}，收件人{zhName}，电话{mobile}',
  '车牌{plate}的车挡住我家车库了，车主看到请挪一下车🙏',
  '客服电话{service}一直打不通😤',
  '我是{zhName}，工号{empNo}，座机{landline}，有事找我',
  '帮我订一下下周二去新加坡的机票，护照号{passport}，手机{mobile}',
  '港澳通行证号码是{hkmo}，签注还有效吗？',
  '我是香港居民，身份证号码{hkid}，想开个内地账户',
  '台湾身分證字號{twid}，可以办理吗？',
  '转账地址 {crypto}，USDT到账后发货',
  '这个IP {ip} 一直在刷接口，帮忙封一下',
  '公司统一社会信用代码{uscc}，开专票用',
  '我生日是{dobZh}，身份证{rid}，麻烦登记一下',
  '老师好，我是{zhName}的家长，电话{mobile}',
  '{zhName}：明天下午三点开会，别忘了带电脑',
  '已经把{zhName}拉进群了，他手机{mobile}，微信同号',
  '麻烦把发票寄到{zhAddr}，{zhName}收，{mobile}',
  '卡号{card}，开户行{bankName}，户名{zhName}，转账后截图发我',
  '简历已发到{emailZh}，请查收～',
  '请联系我们的销售{zhName}，电话{landline}，邮箱{email}',
  '刚才那个电话{mobile}是诈骗吧？别接',
  '在吗？把你身份证号发我一下，帮你买火车票。——{rid}，{zhName}',
  '手机{mobile}微信同号，加我时备注“{city}”',
  '王先生您好，您预约的维修师傅{zhName}会在下午上门，师傅电话{mobile}',
  '订单{orderNo}的收货人改成{zhName}，电话{mobile}',
  '座机{landline}，手机{mobile}，都可以找到我',
  '我在{city}，地址发你：{zhAddr}',
  '这是我的新邮箱{emailZh}，旧的不用了',
  '帮我查一下{mobile}这个号码的归属地',
  '兄弟借我点钱，转到{card}，{zhName}的卡',
  '我家小孩的身份证号是{rid}，报名用',
];

const CHAT_EN: readonly Template[] = [
  'Hi, you can reach me at {phone} or {emailEn}.',
  'My card {cc} was charged twice for order {orderNoEn}, please refund.',
  'Call me back at {usPhone}, thanks!',
  'Ship it to {usAddr}, leave it at the front door.',
  'My SSN is {ssn} - do you need anything else for the background check?',
  'Send the payment to my IBAN {iban}, the name on the account is {enName}.',
  'Here is my BTC address: {btc}',
  'ETH wallet: {eth} — please send the refund there',
  'Our office IP is {ipv4}, can you whitelist it?',
  'The laptop MAC is {mac}, please register it on the guest network.',
  'Please add {enName} ({emailEn}) to the channel.',
  "hey it's {enName}, my new number is {phone}",
  'Date of birth: {dobEn}. Updating my profile now.',
  'I was born on {dobEn} if you need it for the insurance form.',
  'VIN is {vin}, the dealer needs it for the recall.',
  'Can you reset the password for {emailEn}? Login keeps failing from {ip}.',
  'Wire details: IBAN {iban}, reference {orderNoEn}',
  'My new address is {usAddr}. Please update your records.',
  'Text me at {usPhone} when you get here',
  '{enName} said to forward the contract to {emailEn}',
  'is {phone} still your number?',
  'the card ending in 4242 was declined, try {cc} instead',
  'ping me on {emailEn} or call {usPhone}',
  'My DOB is {dobEn} and my SSN is {ssn}.',
  'Use this card: {cc}, exp {expiry}. Name on card: {enName}.',
];

const CHAT_MIXED: readonly Template[] = [
  'Customer {zhName} from {city}, tel {mobileEn}, email {emailZh}',
  'Contact: {zhName} / {enName}, mobile {mobileEn}',
  'Please call {zhName} at {mobileEn} about the visa application (passport {passport}).',
  '联系人 Contact: {enName}，电话 Tel: {phone}',
  'Shipping to {zhAddr}, recipient {zhName}, phone {mobileEn}',
  'HK office: {enName}, HKID {hkid}, mobile {phone}',
  'Invoice to {company}, USCC {uscc}, attn {zhName}, {emailZh}',
  '客户 {enName} 的邮箱是 {emailEn}，电话 {phone}',
  'Wechat同号 {mobileEn}，email: {emailZh}',
  'Beneficiary: {zhName}, Bank card {card}, Bank: {bankName}',
];

const TICKET_ZH: readonly Template[] = [
  '【工单{ticketNo}】客户{zhName}反馈：订单{orderNo}未收到货，联系电话{mobile}，收货地址{zhAddr}。',
  '工单编号：{ticketNo}\n用户：{zhName}\n手机：{mobile}\n问题描述：银行卡{card}被重复扣款，金额{price}。\n处理人：客服{staffId}',
  '用户{zhName}（{mobile}）来电称快递单号{sfNo}显示已签收但未收到，要求赔偿{price}。',
  '客户要求修改收货地址为：{zhAddr}（邮编{postcode}），原订单{orderNo}。',
  '实名认证失败：姓名{zhName}，身份证号{rid}，提示“信息不匹配”，请核实。',
  '退款申请：订单{orderNo}，退回原卡{card}，持卡人{zhName}，预留手机{mobile}。',
  '企业认证：{company}，统一社会信用代码{uscc}，法定代表人{zhName}，联系电话{landline}。',
  '用户反馈登录异常，IP地址{ip}，设备IMEI {imei}，账号绑定手机{mMobile}。',
  '投诉：{zhName}于{cnTime}拨打{service}未接通，回拨号码{mobile}。',
  '会员{zhName}，生日{dobZh}，申请生日礼包，收货电话{mobile}。',
  '发票抬头：{company}；税号：{uscc}；地址：{zhAddr}；电话：{landline}',
  '乘客{zhName}，护照{passport}，航班改签，联系电话{mobile}',
  '港澳台同胞{zhName}使用居住证{hmt}办理入住，电话{mobile}',
  '工单{ticketNo}：用户{emailZh}无法收到验证码，绑定手机{mobile}，请技术排查',
  '客户{zhName}来电，要求注销账号，已核验身份证后四位及手机{mobile}',
  '骑手{zhName}（{mobile}）反馈顾客地址{zhAddr}无法送达',
  '用户{zhName}的银行卡{card}绑定失败，错误码{n4}',
  '退货地址：{zhAddr}，收件人：{zhName}，电话：{landline}',
  '客户{zhName}要求开具发票，邮箱{emailZh}，税号{uscc}',
  '售后：用户{mName}，手机{mMobile}，已电话回访，问题已解决',
];

const TICKET_EN: readonly Template[] = [
  'Ticket {ticketNo}: Customer {enName} ({emailEn}) reports a double charge on card {cc}. Callback: {usPhone}.',
  'Subject: Address change\nFrom: {enName@n} <{emailEn}>\n\nPlease update my shipping address to {usAddr}. Order {orderNoEn}.\n\nThanks,\n{=n}',
  'Customer {enName} (DOB {dobEn}, SSN {ssn}) called to update the address to {usAddr}.',
  'Refund of {priceEn} to IBAN {iban} for {enName} approved by agent #{staffId}.',
  'Login alert: new sign-in to {emailEn} from {ip} ({ua})',
  'Chargeback on card {cc}, cardholder {enName}, amount {priceEn}, ref {uuid}.',
  'Caller {enName} verified with date of birth {dobEn}; mobile on file {phone}.',
  'Please delete my data. Name: {enName}. Email: {email}. Phone: {phone}.',
  'Vendor payment: beneficiary {companyEn}, IBAN {iban}, BIC {bic}, invoice INV-{year}-{n4}.',
  'Escalation: user {emailEn} could not verify wallet {crypto}; case {uuid}.',
  'Device {mac} at {ipv4} flagged by IDS at {isoTime}.',
  'Dr. {enName} requested records for patient {enName}, DOB {dobEn}.',
  'Return label sent to {usAddr} for {enName}, tracking {upsNo}.',
  'New lead: {enName}, {companyEn}, {emailEn}, {usPhone}',
  'Account {emailEn} locked after 5 failed attempts from {ipv6}.',
  'Customer {enName} disputes charge on {mCc}; new card on file {cc}.',
  'KYC: {enName}, SSN {ssn}, address {usAddr}, phone {usPhone}',
  'Payout to {enName} failed: IBAN {iban} rejected by bank (ref {hex16}).',
];

const POLICE: readonly Template[] = [
  '报警人{zhName}，{sex}，{age}岁，身份证号码：{rid}，现住{zhAddr}，联系电话：{mobile}。{incidentTime}，报警人称其停放在{place}的{carColor}轿车（车牌号{plate}）被人划伤。',
  '嫌疑人：{zhName}，{sex}，{ethnic}族，{dobZh}出生，公民身份号码{rid}，户籍地{zhAddr}。',
  '当事人{zhName}（身份证号：{rid}）驾驶{plate}小型轿车与{zhName}驾驶的电动车发生碰撞，无人员受伤。',
  '受害人{zhName}，手机号{mobile}，被骗{amount}元，已转入对方银行卡{card}（户名：{zhName}）。',
  '{incidentTime}接{zhName}（电话{mobile}）报警，称在{place}被盗手机一部，IMEI {imei}。',
  '询问笔录\n问：你的基本情况？\n答：我叫{zhName}，{dobZh}出生，身份证号{rid}，住{zhAddr}，手机{mobile}。',
  '涉案车辆：{plate}，车架号{vin}，登记车主{zhName}，联系电话{mobile}。',
  '出入境记录：{zhName}，护照号{passport}，于{dateZh}经{city}口岸出境。',
  '走访对象：{zhName}，{sex}，{age}岁，暂住{zhAddr}，工作单位{company}，电话{mobile}。',
  '报警人{mName}称其身份证{mRid}被他人冒用办理手机卡{mobile}。',
  '涉案账户：{bankName}，卡号{card}，开户人{zhName}，开户证件号{rid}。',
  '案件编号{caseNo}：嫌疑人使用的虚拟货币地址{crypto}，关联手机{mobile}。',
  '登记信息：姓名{zhName}；性别{sex}；民族{ethnic}；出生日期{dobZh}；住址{zhAddr}；公民身份号码{rid}。',
  '{zhName}，{sex}，{age}岁，香港居民，香港身份证{hkid}，回乡证号{hkmo}，内地联系电话{mobile}。',
  '{zhName}，{sex}，台湾居民，台胞证号码{twPermit}，居住证号码{hmt}，联系电话{mobile}。',
  '{incidentTime}，{zhName}（{sex}，{age}岁，身份证号{rid}）在{place}与他人发生纠纷，经调解双方和解。',
  '接警记录：报警电话{mobile}，报警人自称{zhName}，称{zhAddr}有人打架。',
  '嫌疑人{zhName}，男，{dobZh}生，身份证{rid}，曾用手机号{mobile}、{mobile}，QQ邮箱{emailZh}。',
  '失物招领：拾得钱包一个，内有身份证（姓名{zhName}，号码{rid}）及银行卡一张（尾号{n4}），请失主联系{landline}。',
  '外籍人员{enName}，永久居留身份证号码{fpr}，护照号{passportForeign}，住{zhAddr}。',
];

const FORM_ZH: readonly Template[] = [
  '姓名：{zhName}\n性别：{sex}\n出生日期：{dobZh}\n身份证号：{rid}\n手机：{mobile}\n邮箱：{emailZh}\n住址：{zhAddr}',
  '入住登记\n姓名 {zhName}\n证件类型 身份证\n证件号码 {rid}\n联系电话 {mobile}\n入住日期 {date}\n房号 {n4}',
  '开户申请表｜户名：{zhName}｜证件号码：{rid}｜银行卡号：{card}｜预留手机：{mobile}',
  '港澳台居民居住证号码：{hmt}\n姓名：{zhName}\n联系电话：{mobile}',
  '外国人永久居留身份证号码：{fpr}\n英文姓名：{enName}\n电话：{mobile}',
  '车辆信息：号牌号码 {plate}；车辆识别代号（VIN）{vin}；所有人 {zhName}；联系电话 {mobile}',
  '收货人：{zhName}\n联系电话：{mobile}\n收货地址：{zhAddr}\n备注：工作日送货',
  '紧急联系人：{zhName}（{sex}）  电话：{mobile}  关系：配偶',
  '企业名称：{company}\n统一社会信用代码：{uscc}\n法定代表人：{zhName}\n注册地址：{zhAddr}\n联系电话：{landline}',
  '个体工商户名称：{city}市{zhName}便利店\n统一社会信用代码：{usccIndividual}\n经营者：{zhName}\n电话：{mobile}',
  '学生姓名：{zhName}  出生日期：{dobZh}  身份证号：{rid}  家长电话：{mobile}',
  '患者：{zhName}  性别：{sex}  年龄：{age}岁  电话：{mobile}  住址：{zhAddr}',
  '护照号码：{passport}\n签发日期：{date}\n有效期至：{date}\n持照人：{zhName}',
  '往来港澳通行证：{hkmo}\n姓名：{zhName}\n出生日期：{dobZh}',
  '台胞证号码：{twPermit}\n姓名：{zhName}\n出生日期：{dobZh}\n联系电话：{mobile}',
  '香港身份证：{hkid}\n姓名：{zhName}\n电话：{phone}',
  '员工信息｜{zhName}｜{sex}｜{empNo}｜{mobile}｜{email}｜工资卡{card}',
  '联系人：{zhName}  座机：{landline}  手机：{mobile}',
  '报名表\n姓名：{zhName}\n身份证号码：{rid}\n手机号码：{mobile}\n电子邮箱：{emailZh}\n通讯地址：{zhAddr}（邮编{postcode}）',
  '租赁合同\n出租方：{zhName}，身份证号{rid}\n承租方：{zhName}，身份证号{rid}\n房屋地址：{zhAddr}',
  '快递面单\n收：{zhName} {mobile}\n{zhAddr}\n寄：{zhName} {mobile}\n运单号：{sfNo}',
  '体检报告\n姓名：{zhName}  性别：{sex}  出生日期：{dobZh}\n体检编号：{n4}{n4}',
];

const FORM_EN: readonly Template[] = [
  'Name: {enName}\nDate of Birth: {dobEn}\nSSN: {ssn}\nPhone: {usPhone}\nEmail: {emailEn}\nAddress: {usAddr}',
  'APPLICANT: {enName} | DOB: {dobEn} | Phone: {phone} | Email: {emailEn}',
  'Beneficiary name: {enName}\nIBAN: {iban}\nBIC: {bic}\nAmount: {priceEn}',
  'Cardholder: {enName}\nCard number: {cc}\nExpiry: {expiry}\nBilling address: {usAddr}',
  'Emergency contact: {enName}, {usPhone}',
  'Vehicle: {year} Toyota Camry, VIN {vin}, owner {enName}',
  'Passport holder: {enName}\nNationality: United States\nDate of birth: {dobEn}',
  'Patient: {enName}\nDOB: {dobEn}\nPhone: {phone}\nAddress: {usAddr}',
  'Employee: {enName}\nSocial Security Number: {ssn}\nDirect deposit IBAN: {iban}',
  'Billing contact: {enName} <{emailEn}>, {usPhone}, {usAddr}',
  'W-4 form: {enName}, SSN {ssn}, {usAddr}',
];

const GC_IDS: readonly Template[] = [
  '港澳居民来往内地通行证号码：{hkmo}',
  '回乡证{hkmo}已过期，需要换证',
  '往来港澳通行证 {hkmo}，签注类型 个人旅游',
  '台胞证：{twPermit}',
  '台湾居民来往大陆通行证号码{twPermit}',
  '香港身份证号码 {hkid}',
  'HKID: {hkid}',
  '身分證字號：{twid}',
  '台湾身份证号{twid}',
  '居住证号码：{hmt}',
  '港澳台居民居住证 {hmt}',
  '外国人永久居留身份证：{fpr}',
  '永居证号码{fpr}，国籍{nationality}',
  '护照号码：{passport}',
  'Passport No.: {passport}',
  '因私护照{passport}，有效期至{date}',
  '老身份证号（15位）：{rid15}',
  '请提供台胞证号码，例如您的：{twPermit}',
  '通行证号码{hkmo}，持证人{zhName}',
  'Hong Kong ID card {hkid}, holder {enName}',
  'Taiwan ID {twid}',
  '证件类型：港澳居民居住证；证件号码：{hmt}',
  '证件类型：外国人永久居留身份证；证件号码：{fpr}',
];

const VEHICLE: readonly Template[] = [
  '车牌号：{plate}',
  '{plate}于{cnTime}驶入停车场',
  '违章车辆{plate}，车主{zhName}，电话{mobile}',
  '车辆识别代号：{vin}',
  'VIN码{vin}，发动机号{engineNo}',
  '车架号{vin}，号牌{plate}',
  'ETC绑定车牌{plate}，扣款{price}',
  '小区登记：{plate}，{zhAddr}',
  '我的车是{plate}，白色SUV',
  'Recall notice for VIN {vin}',
  '车辆{plate}在{place}违停',
  '保险单：被保险车辆{plate}，车架号{vin}，被保险人{zhName}',
];

const FINANCE: readonly Template[] = [
  '银行卡号：{card}',
  '请转账至{bankName}储蓄卡{card}',
  '卡号{card}，有效期{expiry}',
  '信用卡号{cc}，持卡人{enName}',
  '统一社会信用代码：{uscc}',
  '纳税人识别号{uscc}',
  '供应商：{company}（{usccEnterprise}）',
  'IBAN {iban}',
  'Transfer to {iban} (BIC {bic})',
  'BTC: {btc}',
  '收款地址（ERC20）：{eth}',
  '提现地址{crypto}',
  'Card {cc} declined',
  '我的工资卡是{card}',
  '对方账户：{card}（{zhName}）',
  'Payment card: {cc}',
  'Wallet {crypto}',
  '个体户税号{usccIndividual}',
];

const NETWORK: readonly Template[] = [
  'Blocked {ip} after 5 failed logins',
  'MAC {mac} bound to {ipv4}',
  'client {ipv6} connected',
  '登录IP：{ip}，地点：{city}',
  '设备MAC地址：{mac}',
  'allow from {ipv4}',
  'Source address {ip} port {n4}',
  '访问来源 {ipv6}',
  'arp: {ipv4} is-at {mac}',
];

const CSV_ZH_COLUMNS: readonly (readonly [string, string])[] = [
  ['手机号', 'mobilePlain'],
  ['身份证号', 'ridPlain'],
  ['地址', 'zhAddr'],
  ['邮箱', 'emailZh'],
  ['银行卡号', 'cardPlain'],
  ['出生日期', 'dobIso'],
  ['车牌号', 'plate'],
  ['座机', 'landlinePlain'],
];

const CSV_EN_COLUMNS: readonly (readonly [string, string, boolean?])[] = [
  ['email', 'emailEn'],
  ['phone', 'phone'],
  ['ssn', 'ssn'],
  ['dob', 'dobIso'],
  ['address', 'usAddr', true],
  ['card_number', 'ccPlain'],
  ['iban', 'ibanPlain'],
  ['last_login_ip', 'ipv4'],
];

function slot(g: Gen, name: string): Piece | string {
  return SLOTS[name]!(g);
}

function pickColumns<T>(g: Gen, all: readonly T[], min: number, max: number): T[] {
  const pool = [...all];
  const out: T[] = [];
  const n = g.range(min, max);
  while (out.length < n && pool.length > 0) out.push(pool.splice(g.int(pool.length), 1)[0]!);
  return out;
}

function csvZh(g: Gen): (Piece | string)[] {
  const cols = pickColumns(g, CSV_ZH_COLUMNS, 2, 4);
  const out: (Piece | string)[] = [['序号', '姓名', ...cols.map((c) => c[0])].join(',')];
  const rows = g.range(2, 5);
  for (let r = 0; r < rows; r++) {
    out.push(`\n${r + 1},`, slot(g, 'zhName'));
    for (const [, s] of cols) out.push(',', slot(g, s));
  }
  return out;
}

function csvEn(g: Gen): (Piece | string)[] {
  const cols = pickColumns(g, CSV_EN_COLUMNS, 2, 4);
  const out: (Piece | string)[] = [['id', 'name', ...cols.map((c) => c[0])].join(',')];
  const rows = g.range(2, 5);
  for (let r = 0; r < rows; r++) {
    out.push(`\n${g.range(1000, 99999)},`, slot(g, 'enName'));
    for (const [, s, quoted] of cols) {
      out.push(quoted ? ',"' : ',', slot(g, s));
      if (quoted) out.push('"');
    }
  }
  return out;
}

const JSON_ZH: readonly Template[] = [
  '{"name":"{zhName}","mobile":"{mobilePlain}","idCard":"{ridPlain}","orderId":"{orderNo}"}',
  '{"user":{"id":{uid},"nickname":"小{city}","phone":"{mobilePlain}","email":"{emailZh}"},"ts":{tsMs}}',
  '{"receiver":"{zhName}","tel":"{mobilePlain}","address":"{zhAddr}","zip":"{postcode}"}',
  '{"card_no":"{cardPlain}","holder":"{zhName}","bank":"{bankName}","amount":{amount}}',
  '{"vin":"{vin}","plate":"{plate}","owner":"{zhName}"}',
  '{"company":"{company}","uscc":"{uscc}","legal_person":"{zhName}","tel":"{landlinePlain}"}',
  '[{"name":"{zhName}","id":"{ridPlain}"},{"name":"{zhName}","id":"{ridPlain}"}]',
  '{"passport":"{passport}","hkmo_permit":"{hkmo}","name":"{zhName}"}',
  '{\n  "姓名": "{zhName}",\n  "手机": "{mobile}",\n  "地址": "{zhAddr}"\n}',
  '{"event":"register","mobile":"{mobilePlain}","ip":"{ip}","device":"{uuid}"}',
  '{"birthday":"{dobIso}","name":"{zhName}","gender":"{sex}"}',
  '{"hk_id":"{hkid}","tw_id":"{twid}","name":"{zhName}"}',
];

const JSON_EN: readonly Template[] = [
  '{"customer":{"name":"{enName}","email":"{emailEn}","phone":"{phone}"},"order":"{orderNoEn}"}',
  '{"ssn":"{ssn}","dob":"{dobIso}","name":"{enName}"}',
  '{"payment":{"iban":"{ibanPlain}","amount":{amount},"currency":"EUR"},"request_id":"{uuid}"}',
  '{"wallet":"{crypto}","network":"mainnet","tx":"0x{sha256}"}',
  '{"mac":"{mac}","ip":"{ip}","hostname":"{host}","last_seen":"{isoTime}"}',
  '{"card":{"number":"{ccPlain}","exp":"{expiry}"},"billing":{"name":"{enName}","address":"{usAddr}"}}',
  '{"aws_access_key_id":"{awsKeyId}","aws_secret_access_key":"{awsSecret}","region":"us-east-1"}',
  '{"event":"login","user":"{emailEn}","ip":"{ip}","ua":"{ua}","at":"{isoTime}"}',
  '{\n  "contact": {\n    "name": "{enName}",\n    "phone": "{usPhone}",\n    "email": "{emailEn}"\n  }\n}',
  '{"vin":"{vin}","owner":"{enName}","date_of_birth":"{dobIso}"}',
];

const LOG: readonly Template[] = [
  '{logTime} INFO [auth] login success uid={uid} phone={mobilePlain} ip={ipv4}',
  '{isoTime} WARN payment failed card={cardPlain} amount={amount} trace={uuid}',
  '{ip} - - [29/Nov/2024:10:22:01 +0800] "GET /api/user?mobile={mobilePlain} HTTP/1.1" {status} 512 "-" "{ua}"',
  '{logTime} sshd[{pid}]: Accepted publickey for {unixUser} from {ipv4} port {n4} ssh2',
  '{logTime} dhcpd: DHCPACK on {ipv4} to {mac} via eth0',
  '{isoTime} ERROR sms.send failed to={mobilePlain} code=isv.BUSINESS_LIMIT_CONTROL',
  '{logTime} postfix/smtp[{pid}]: to=<{email}>, relay=mx.example.com[{ipv4}]:25, status=sent',
  '[{logTime}] user {emailEn} reset password from {ip}',
  '{logTime} DEBUG request body: {"name":"{zhName}","idCard":"{ridPlain}","mobile":"{mobilePlain}"}',
  '{isoTime} INFO order={orderNo} receiver={zhName} tel={mobilePlain} addr={zhAddr}',
  '{logTime} WARN risk: same device {imei} used by {n} accounts, last ip {ip}',
  '{isoTime} level=info msg="kyc passed" user_id={uid} id_no={ridPlain} name={zhName}',
  '{logTime} [gateway] {ipv6} -> {host}:{port} 200 {ms}ms',
  '{isoTime} audit: {emailEn} exported 1,204 rows from table customers',
  '{logTime} nginx: client {ipv4} sent invalid header',
  '{logTime} WARN wallet withdraw addr={crypto} amount={amount} uid={uid}',
  '{isoTime} DEBUG connecting to {dbUrl}',
  '{logTime} ERROR stripe: invalid api key {stripeKey}',
  '{isoTime} INFO bind card ok uid={uid} card={card} bank={bankName}',
  '{logTime} WARN 短信发送失败 手机号:{mobile} 原因:频率限制',
  '{isoTime} INFO 用户{zhName}({mobilePlain})修改收货地址为{zhAddr}',
  '{logTime} kernel: IN=eth0 OUT= MAC={mac} SRC={ipv4} DST={ipv4} PROTO=TCP SPT={n4} DPT={port}',
  '{isoTime} INFO vehicle {plate} entered gate 3, vin={vin}',
];

const HTML: readonly Template[] = [
  '<tr><td>{zhName}</td><td>{mobilePlain}</td><td>{emailZh}</td></tr>',
  '<a href="mailto:{email@e}">{=e}</a>',
  '<p>联系人：{zhName}<br>电话：<a href="tel:{mobileTel}">{mobile}</a></p>',
  '<input type="text" name="idcard" value="{ridPlain}">',
  '<div class="addr">收货地址：{zhAddr}</div>',
  '<span data-phone="{mobilePlain}">{mMobile}</span>',
  '<table><tr><th>Name</th><th>SSN</th><th>DOB</th></tr><tr><td>{enName}</td><td>{ssn}</td><td>{dobEn}</td></tr></table>',
  '<li>Email: <b>{emailEn}</b></li><li>Phone: <b>{phone}</b></li>',
  '<meta name="author" content="{enName}">',
  '<!-- debug: user={emailEn} ip={ip} -->',
  '<p>收货地址：{zhAddr}</p><p>收货人：{zhName} {mobile}</p>',
  '<td class="card">{card}</td><td>{bankName}</td>',
  '<div>身份证号：<span>{rid}</span></div>',
  '<p>Contact us: <a href="mailto:{supportEmail@s}">{=s}</a> or {service}</p>',
];

const URL: readonly Template[] = [
  'https://m.example.com/user/profile?uid={uid}&mobile={mobilePlain}&idcard={ridPlain}',
  'tel:{mobileTel}',
  'https://api.example.com/v1/customers?email={emailEn}&page=2',
  'http://{ipv4}:{port}/admin/login',
  'https://example.cn/track?phone={mobilePlain}&order={orderNo}',
  'ftp://{ipv4}/pub/',
  'https://wallet.example.io/pay?to={crypto}&amount=0.05',
  'http://[{ipv6}]:{port}/status',
  'https://example.com/unsubscribe?email={email}&list=weekly',
  'sms:{mobilePlain}?body=验证码{n4}',
  'https://example.com/api/verify?name={zhName}&id={ridPlain}',
  'mailto:{emailEn}?subject=Hello',
];

const CONFIG: readonly Template[] = [
  'DATABASE_URL={dbUrl}\nREDIS_HOST={host}\nLOG_LEVEL=info',
  'AWS_ACCESS_KEY_ID={awsKeyId}\nAWS_SECRET_ACCESS_KEY={awsSecret}\nAWS_DEFAULT_REGION=ap-east-1',
  'database:\n  host: {host}\n  port: 5432\n  user: app\n  password: {pwd}',
  'spring.datasource.url=jdbc:mysql://{host}:3306/shop\nspring.datasource.username=shop\nspring.datasource.password={pwd}',
  '{\n  "stripe": {\n    "apiKey": "{stripeKey}"\n  }\n}',
  'const token = "{ghToken}";',
  'curl -H "Authorization: Bearer {jwt}" https://api.example.com/v1/me',
  '# deploy key\n{pem}',
  'slack_bot_token: {slackToken}',
  'ALIBABA_CLOUD_ACCESS_KEY_ID={aliKey}\nALIBABA_CLOUD_ACCESS_KEY_SECRET={aliSecret}',
  'TENCENTCLOUD_SECRET_ID={tencentKey}\nTENCENTCLOUD_SECRET_KEY={tcSecret}',
  'mongodb_uri: "{dbUrl}"',
  'docker login -u admin -p {pwd} registry.example.com',
  '[client]\nuser=root\npassword={pwd}\nhost={host}',
  'export GITHUB_TOKEN={ghToken}',
  '数据库密码：{pwd}，账号 admin，地址 {host}',
  'PGPASSWORD={pwd} psql -h {host} -U app',
  'git remote add origin https://{ghToken}@github.com/acme/private-repo.git',
  'jwt: {jwt}',
  'ssh_private_key: |\n{pem}',
  'aws_access_key_id = {awsKeyId}\naws_secret_access_key = {awsSecret}',
  "DB_PASSWORD='{pwd}'",
  'redis:\n  url: {dbUrl}',
];

const EMAIL_EN: readonly Template[] = [
  'From: {enName@n} <{emailEn}>\nTo: {supportEmail}\nSubject: Order {orderNoEn}\n\nHi,\n\nMy order never arrived. My phone is {phone}.\n\nBest,\n{=n}',
  'From: {supportEmail}\nTo: {emailEn}\nSubject: Your receipt\n\nHi {enName}, thanks for your purchase of {productEn} ({priceEn}). Card: {mCc}.',
  'Hi team,\n\nPlease onboard {enName} ({emailEn}, {usPhone}). Start date {date}. Laptop MAC {mac}.\n\nThanks',
  '-----Original Message-----\nFrom: {enName} [mailto:{emailEn}]\nSent: Friday, November 29, 2024 10:22 AM\nSubject: RE: invoice\n\nPlease pay to IBAN {iban}.',
  '{enName}\nSenior Engineer, {companyEn}\nM: {phone}\nE: {emailEn}\n{usAddr}',
];

const MASKED: readonly Template[] = [
  '您好，尾号{n4}的用户：您的手机{mMobile}已完成实名认证。',
  '已为您绑定手机号{mMobile}，如非本人操作请联系客服。',
  '身份证号：{mRid}',
  '收款卡号：{mCard}（{bankName}）',
  '姓名：{mName}，手机：{mMobile}',
  '报警人{mName}，{sex}，{age}岁，身份证号{mRid}',
  'Your card {mCc} has been charged {priceEn}.',
  'SSN on file: {mSsn}',
  '邮箱：{mEmail}',
  '固话：{mLandline}',
  '车牌{mPlate}于{cnTime}驶出停车场',
  'HKID {mHkid}',
  '您尾号{n4}的储蓄卡{cnTime}支出人民币{amount}元',
  '原手机号{mMobile}已更换为{mobile}',
  '订单收件人：{mName}，电话：{mMobile}，地址已隐藏',
  '实名信息：{mName} {mRid}',
  '{"name":"{mName}","mobile":"{mMobile}","idCard":"{mRid}"}',
  '{logTime} INFO sms sent to {mMobile}',
  '判决书：被告人{mName}，{sex}，{dobZh}出生，公民身份号码{mRid}。',
  'Card ending in {n4} ({mCc}) expires {expiry}.',
  '账号{mEmail}登录成功，手机{mMobile}',
  '持卡人：{mName}  卡号：{mCard}',
];

// ---------------------------------------------------------------------------------------------------------------
// Hard negatives (no spans)

const NEG_ORDER: readonly Template[] = [
  '订单号：{orderNo}，请在24小时内完成支付',
  '您的订单{orderNo}已发货，{carrierName}运单号{sfNo}',
  'Order {orderNoEn} has been shipped.',
  '退款单号{refundNo}，预计3-5个工作日原路退回',
  '交易流水号：{txnNo}',
  '发票号码：{invoiceNo}，开票日期{date}',
  '商品编码 {sku}，库存 {n} 件',
  'Invoice INV-{year}-{n4}{n4} total {priceEn}',
  '合同编号：HT-{year}-{n4}',
  '工单号 {ticketNo} 已关闭',
  '支付宝交易号 {txnNo}',
  '订单编号 {orderNo} 下单时间 {cnTime} 实付 {price}',
  '用户ID：{snowflake}',
  'uid={uid}&order_id={orderNo}',
  '学号{studentNo}，成绩已录入',
  '案件编号：{caseNo}',
  '您的取件码为{n4}，请到{place}取件',
  '验证码{n4}，5分钟内有效，请勿泄露给他人',
  'Your verification code is {n4}{n}.',
];

const NEG_TIME: readonly Template[] = [
  'ts={tsMs}',
  '"created_at": {tsSec}',
  '{isoTime} INFO job finished in {ms}ms',
  '时间戳：{tsMs}',
  '批次号 {compactTime}',
  'Last-Modified: Fri, 29 Nov 2024 10:22:01 GMT',
  '{logTime} GC pause {ms}ms',
  'expires_at={tsSec}&nonce={hex16}',
  '更新时间：{cnTime}',
  '"updated": "{isoTime}", "version": {n}',
  '{"t":{tsMs},"v":{amount}}',
  'snapshot-{compactTime}.tar.gz',
];

const NEG_UUID: readonly Template[] = [
  'request_id={uuid}',
  'X-Request-Id: {uuid}',
  'traceId: {hex32}',
  'device_id={uuidUpper}',
  '会话ID：{uuid}',
  'Idempotency-Key: {uuid}',
  '{"id":"{uuid}","parent":"{uuid}"}',
];

const NEG_HASH: readonly Template[] = [
  'commit {sha1}',
  'sha256:{sha256}',
  'md5: {md5}',
  'git checkout {gitSha}',
  'ETag: "{md5}"',
  'integrity="sha512-{b64}"',
  'docker pull nginx@sha256:{sha256}',
  '文件校验值(SHA1)：{sha1}',
  'Merge pull request #{n4} from feature/{gitSha}',
  'tx hash 0x{sha256}',
  'fingerprint {sha1}',
];

const NEG_PRICE: readonly Template[] = [
  '合计：{price}',
  '实付{price}，优惠{price}',
  'Total: {priceEn}',
  '余额 {amount} 元',
  'GMV {bigNumber}',
  '单价{amount}元 × {n}件',
  'Subtotal {priceEn}, tax {priceEn}',
  '本月账单{price}，最低还款{price}',
  '销售额同比增长{n}%，达到{bigNumber}元',
];

const NEG_VERSION: readonly Template[] = [
  'v{semver}',
  'User-Agent: {ua}',
  'Android {n}; build {buildNo}',
  'node {semver}',
  'Linux 5.15.0-{n}-generic',
  'iOS 17.{n}.1',
  'Windows {winBuild}',
  '版本号：{semver}',
  'Version {semver} released on {date}',
  'App 版本 v{semver}（{buildNo}）',
  'Chrome/{chromeVer}',
  'upgrade from v{semver} to v{semver}',
];

const NEG_TRACKING: readonly Template[] = [
  '顺丰单号{sfNo}',
  '中通快递 {ztoNo}',
  '圆通 {ytNo}',
  'EMS {emsNo}',
  'UPS {upsNo}',
  'USPS tracking {uspsNo}',
  'FedEx {fedexNo}',
  '京东物流 {jdNo}',
  '您的快递{carrierName}{sfNo}已签收',
  '运单号：{ztoNo}，当前状态：派送中',
];

const NEG_DEVICE: readonly Template[] = [
  'IMEI: {imei}',
  'IMEI1 {imei} IMEI2 {imei}',
  'ICCID {iccid}',
  'SN: {serial}',
  '设备序列号 {serial}',
  'IDFA {uuidUpper}',
  'Android ID {hex16}',
  'SIM卡ICCID：{iccid}',
  'MEID {meid}',
  '手机串号{imei}',
];

const NEG_WORDS_ZH = [
  '今天很高兴见到大家。',
  '周末我们去武汉玩吧。',
  '余额不足，请及时充值。',
  '这个方法很常见。',
  '马上就到，稍等。',
  '黄金价格又涨了。',
  '王国的历史很悠久。',
  '许多人曾经这样想过。',
  '我下周去上海出差。',
  '北京时间今晚八点开播。',
  '严格执行安全规定。',
  '任何问题都可以问客服。',
  '程序员的钱包比较空。',
  '白色的车比较好卖。',
  '江苏和浙江都是经济大省。',
  '于是他们决定向上反映。',
  '叶子黄了，秋天到了。',
  '孔子说：学而时习之。',
  '万一下雨就改期。',
  '董事会决定明年扩张。',
  '林业局发布防火通知。',
  '宋体和黑体哪个好看？',
  '韩国队赢了比赛。',
  '何时发货？',
  '金额已退回原支付账户。',
  '田地里的庄稼长得很好。',
  '戴上口罩再进来。',
  '史上最强台风即将登陆。',
  '张开嘴巴说“啊”。',
  '李子熟了。',
  '常常加班的人要注意身体。',
  '方便的时候回个电话。',
  '广东省人民医院今天门诊人很多。',
  '人民路上新开了一家咖啡店。',
  '中山公园的樱花开了。',
  '我们学校在海淀区。',
  '王先生您好，请到三号窗口办理。',
  '李女士，您的快递到了。',
  '张老师布置了很多作业。',
  '陈列柜里摆满了瓷器。',
  '杨柳依依，春风拂面。',
  '黄河是中国第二长河。',
  '周一到周五正常营业。',
  '高新区管委会发布通知。',
  '欧阳修是北宋文学家。',
  '司马光砸缸的故事家喻户晓。',
  '诸葛亮草船借箭。',
  '东方明珠塔高468米。',
  '长城是世界文化遗产。',
  '深圳湾公园适合跑步。',
];

const NEG_WORDS_EN = [
  'Jordan and Georgia are both countries.',
  'We met in Paris last May.',
  'Will you be at the Main Street fair?',
  'The grace period ends in April.',
  'The Washington Post reported the story first.',
  'Please call the main line during business hours.',
  'Victoria Falls is on the Zambezi river.',
  'Lincoln Center hosts concerts every week.',
  'Turn left on Park Avenue after the bridge.',
  'Grant access to the marketing folder.',
  'Hope you have a great weekend!',
  'Rose gold is back in fashion.',
  'Jack Daniels is a whiskey brand.',
  'The Amazon is the largest rainforest.',
  'Mark the ticket as resolved.',
];

const NEG_MISC: readonly Template[] = [
  '拨打10086查询话费',
  '工商银行客服95588',
  '消费者投诉请拨12315',
  '报警请拨110，急救120',
  '邮编：{postcode}',
  '股票代码600519',
  'ISBN {isbn}',
  '条形码 {ean}',
  '坐标 {lat}, {lng}',
  'π≈3.14159265358979',
  'RGB(255, 128, 0) #ff8000',
  'SELECT * FROM users WHERE id = {uid};',
  'port {port} is open',
  '完成率 {n}%',
  '({year})京0105民初{n4}号',
  'ref: {hex16}',
  '房间号 {n4}',
  'OID 1.3.6.1.4.1.{n4}',
  'SNMP 1.3.6.1.2.1.1.{n}',
  '开门时间 09:30:00，闭馆 17:00:00',
  '色值 de:ad:be:ef',
  'v{n}.{n}.{n}.{n} 已发布',
  '加我微信 {wechatId}',
  '第{n}届 {year} 年会',
  '发动机号{engineNo}',
  '合同金额¥{bigNumber}.00，大写人民币',
];

const NEG_CONFIG: readonly Template[] = [
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal environment placeholder is the point of this negative
  'password: ${DB_PASSWORD}',
  'password = <your-password>',
  'api_key = os.environ["API_KEY"]',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal environment placeholder is the point of this negative
  'AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID}',
  'token: "{{ .Values.token }}"',
  'password: ********',
  'DB_PASSWORD=',
  '# the password must be at least 12 characters',
  'secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>',
  'PASSWORD_MIN_LENGTH=12',
  'auth:\n  type: oauth2\n  token_url: https://auth.example.com/token',
  '密码长度不少于8位，需包含字母和数字',
];

const NEG_DATES: readonly Template[] = [
  '会议时间：{dateZh}',
  'Expiry {expiry}',
  '有效期至{dateDot}',
  '签发日期 {date}',
  '发货日期：{date}',
  'Meeting on {monthDay}',
  '入职日期 {dateZh}',
  '{year}年度报告',
  '截止日期：{date}',
  'Offer valid until {monthDay}, {year}',
];

function sentences(list: readonly string[], lang: 'zh' | 'en'): Template {
  return (g) => {
    const n = g.range(1, 3);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(g.pick(list));
    return [out.join(lang === 'en' ? ' ' : '')];
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Sections

interface Section {
  name: string;
  category: string;
  lang: 'zh' | 'en' | 'mixed';
  count: number;
  templates: readonly Template[];
}

const SECTIONS: readonly Section[] = [
  { name: 'chat-zh', category: 'chat', lang: 'zh', count: 420, templates: CHAT_ZH },
  { name: 'chat-en', category: 'chat', lang: 'en', count: 220, templates: CHAT_EN },
  { name: 'chat-mixed', category: 'chat', lang: 'mixed', count: 100, templates: CHAT_MIXED },
  { name: 'ticket-zh', category: 'ticket', lang: 'zh', count: 260, templates: TICKET_ZH },
  { name: 'ticket-en', category: 'ticket', lang: 'en', count: 220, templates: TICKET_EN },
  { name: 'police', category: 'police', lang: 'zh', count: 260, templates: POLICE },
  { name: 'form-zh', category: 'form', lang: 'zh', count: 240, templates: FORM_ZH },
  { name: 'form-en', category: 'form', lang: 'en', count: 130, templates: FORM_EN },
  { name: 'gc-ids', category: 'form', lang: 'zh', count: 860, templates: GC_IDS },
  { name: 'vehicle', category: 'chat', lang: 'zh', count: 160, templates: VEHICLE },
  { name: 'finance', category: 'form', lang: 'zh', count: 200, templates: FINANCE },
  { name: 'network', category: 'log', lang: 'mixed', count: 90, templates: NETWORK },
  { name: 'csv-zh', category: 'csv', lang: 'zh', count: 70, templates: [csvZh] },
  { name: 'csv-en', category: 'csv', lang: 'en', count: 60, templates: [csvEn] },
  { name: 'json-zh', category: 'json', lang: 'zh', count: 130, templates: JSON_ZH },
  { name: 'json-en', category: 'json', lang: 'en', count: 110, templates: JSON_EN },
  { name: 'log', category: 'log', lang: 'mixed', count: 300, templates: LOG },
  { name: 'html', category: 'html', lang: 'mixed', count: 130, templates: HTML },
  { name: 'url', category: 'url', lang: 'mixed', count: 120, templates: URL },
  { name: 'config', category: 'config', lang: 'en', count: 230, templates: CONFIG },
  { name: 'email-en', category: 'email', lang: 'en', count: 100, templates: EMAIL_EN },
  { name: 'masked', category: 'masked', lang: 'mixed', count: 300, templates: MASKED },
  { name: 'neg-order', category: 'neg-order', lang: 'mixed', count: 190, templates: NEG_ORDER },
  { name: 'neg-timestamp', category: 'neg-timestamp', lang: 'mixed', count: 130, templates: NEG_TIME },
  { name: 'neg-uuid', category: 'neg-uuid', lang: 'en', count: 80, templates: NEG_UUID },
  { name: 'neg-hash', category: 'neg-hash', lang: 'en', count: 110, templates: NEG_HASH },
  { name: 'neg-price', category: 'neg-price', lang: 'mixed', count: 90, templates: NEG_PRICE },
  { name: 'neg-version', category: 'neg-version', lang: 'mixed', count: 120, templates: NEG_VERSION },
  { name: 'neg-tracking', category: 'neg-tracking', lang: 'mixed', count: 120, templates: NEG_TRACKING },
  { name: 'neg-device', category: 'neg-device', lang: 'mixed', count: 100, templates: NEG_DEVICE },
  { name: 'neg-words-zh', category: 'neg-words', lang: 'zh', count: 160, templates: [sentences(NEG_WORDS_ZH, 'zh')] },
  { name: 'neg-words-en', category: 'neg-words', lang: 'en', count: 60, templates: [sentences(NEG_WORDS_EN, 'en')] },
  { name: 'neg-misc', category: 'neg-misc', lang: 'mixed', count: 160, templates: NEG_MISC },
  { name: 'neg-config', category: 'neg-config', lang: 'en', count: 70, templates: NEG_CONFIG },
  { name: 'neg-dates', category: 'neg-dates', lang: 'mixed', count: 80, templates: NEG_DATES },
];

// ---------------------------------------------------------------------------------------------------------------
// Invalid-checksum look-alikes

/** Whether `value` passes any checksum the project knows (so it is not a look-alike of anything). */
export function passesAnyChecksum(value: string): boolean {
  const compact = value.replace(/[\s\-()（）]/g, '').toUpperCase();
  if (/^[0-9]{17}[0-9X]$/.test(compact) && isMod112Valid(compact)) return true;
  if (/^[0-9]{12,19}$/.test(compact) && isLuhnValid(compact)) return true;
  if (compact.length === 18 && isUsccValid(compact)) return true;
  if (/^[A-Z]{1,2}[0-9]{6}[0-9A]$/.test(compact) && isHkIdValid(compact)) return true;
  if (compact.length === 10 && isTwIdValid(compact)) return true;
  if (compact.length === 17 && isVinValid(compact)) return true;
  if (/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(compact) && isIbanValid(compact)) return true;
  if (bitcoinBase58Kind(value) !== null) return true;
  if (value.toLowerCase().startsWith('bc1') && decodeSegwitAddress('bc', value) !== null) return true;
  if (/^0x[0-9a-fA-F]{40}$/.test(value) && eip55Status(value, 2) !== 'invalid') return true;
  return false;
}

interface LookalikeSpec {
  /** A valid value in compact form. */
  make(g: Gen): string;
  /** Indexes that may change, and the index of the check character (if it has one). */
  positions(v: string): { at: readonly number[]; check: number };
  /** Replacement characters for index `i` of `v`. */
  alphabet(v: string, i: number): string;
  /** Written form of the mutated compact value. */
  write?(g: Gen, v: string): string;
  /** Context templates (`{L}` is the look-alike). */
  context: readonly string[];
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

const ID_TAIL = (v: string) => ({ at: range(14, 18), check: v.length - 1 });
const ID_ALPHABET = (v: string, i: number) => (i === v.length - 1 ? `${DIGITS}X` : DIGITS);

const BARE: readonly string[] = ['{L}', 'ref: {L}', '编号 {L}', 'value={L}', '| {L} |', '"{L}"', '数据 {L} 已同步'];

const LOOKALIKES: Partial<Record<EntityType, LookalikeSpec>> = {
  CN_RESIDENT_ID: {
    make: (g) => residentIdValue(g),
    positions: ID_TAIL,
    alphabet: ID_ALPHABET,
    context: ['身份证号：{L}', '证件号码：{L}', '公民身份号码 {L}', 'id_card={L}', '{"idNo":"{L}"}', '身份证{L}'],
  },
  CN_RESIDENCE_PERMIT_HMT: {
    make: (g) => generateResidencePermit(g.rng, { birthDate: birthDate(g, 1950, 2010) }),
    positions: ID_TAIL,
    alphabet: ID_ALPHABET,
    context: ['港澳台居民居住证号码：{L}', '居住证号码{L}', '证件号码：{L}'],
  },
  CN_FOREIGN_PR_ID: {
    make: (g) => generateForeignPrId(g.rng, { form: 2023, birthDate: birthDate(g, 1950, 2010) }),
    positions: ID_TAIL,
    alphabet: ID_ALPHABET,
    context: ['外国人永久居留身份证号码：{L}', '永居证 {L}', '证件号码：{L}'],
  },
  CN_BANK_CARD: {
    make: (g) => bankCardValue(g).value,
    positions: (v) => ({ at: range(6, v.length), check: v.length - 1 }),
    alphabet: () => DIGITS,
    write: (g, v) => (g.chance(0.4) ? fours(v) : v),
    context: ['卡号：{L}', '银行卡号 {L}', '收款账户：{L}', 'card={L}', '储蓄卡{L}'],
  },
  CREDIT_CARD: {
    make: (g) => creditCardPiece(g, 'plain').text,
    positions: (v) => ({ at: range(6, v.length), check: v.length - 1 }),
    alphabet: () => DIGITS,
    write: (g, v) => (g.chance(0.4) ? (v.length === 15 ? group(v, [4, 6, 5], ' ') : fours(v)) : v),
    context: ['Card number: {L}', 'card {L} declined', 'Visa/MC: {L}', 'credit card {L}'],
  },
  CN_USCC: {
    make: (g) => generateUscc(g.rng),
    positions: (v) => ({ at: range(8, 18), check: v.length - 1 }),
    alphabet: () => USCC_ALPHABET,
    context: ['统一社会信用代码：{L}', '税号 {L}', '信用代码{L}', '纳税人识别号：{L}'],
  },
  HK_ID: {
    make: (g) => generateHkId(g.rng).replace(/[()]/g, ''),
    positions: (v) => ({ at: range(v.length - 7, v.length), check: v.length - 1 }),
    alphabet: (v, i) => (i === v.length - 1 ? `${DIGITS}A` : DIGITS),
    write: (g, v) => (g.chance(0.7) ? `${v.slice(0, -1)}(${v.slice(-1)})` : v),
    context: ['香港身份证号码：{L}', 'HKID {L}', '香港身份證 {L}'],
  },
  TW_NATIONAL_ID: {
    make: (g) => generateTwId(g.rng),
    positions: (v) => ({ at: range(2, 10), check: v.length - 1 }),
    alphabet: () => DIGITS,
    context: ['身分證字號：{L}', '台湾身份证号 {L}', 'Taiwan ID {L}'],
  },
  VIN: {
    make: (g) => generateVin(g.rng),
    positions: () => ({ at: [8, ...range(11, 17)], check: 8 }),
    alphabet: (_v, i) => (i === 8 ? `${DIGITS}X` : DIGITS),
    context: ['车架号：{L}', 'VIN {L}', '车辆识别代号{L}'],
  },
  IBAN_CODE: {
    make: (g) => ibanPiece(g, 'plain').text,
    positions: (v) => ({ at: range(4, v.length).filter((i) => /[0-9]/.test(v[i]!)), check: 3 }),
    alphabet: () => DIGITS,
    write: (g, v) => (g.chance(0.5) ? fours(v) : v),
    context: ['IBAN: {L}', 'Please transfer to {L}', 'Account {L}', '收款账户 IBAN {L}'],
  },
  CRYPTO: {
    make: (g) => cryptoPiece(g).text,
    positions: (v) =>
      v.startsWith('0x')
        ? { at: range(2, 42).filter((i) => /[a-fA-F]/.test(v[i]!)), check: -1 }
        : { at: range(v.startsWith('bc1') ? 4 : 1, v.length), check: -1 },
    alphabet: (v, i) => {
      const c = v[i]!;
      if (v.startsWith('0x')) return c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
      return v.startsWith('bc1') ? BECH32 : BASE58;
    },
    context: ['wallet address: {L}', '钱包地址 {L}', 'send to {L}', 'payout address {L}', '提现地址：{L}'],
  },
};

function mutate(g: Gen, spec: LookalikeSpec): { value: string; where: 'check' | 'body' } {
  for (;;) {
    const v = spec.make(g);
    // Lower-case Ethereum addresses carry no checksum: only mixed-case ones have a look-alike.
    if (/^0x[0-9a-f]{40}$/.test(v)) continue;
    if (v.startsWith('0x') && v === v.toLowerCase()) continue;
    const { at, check } = spec.positions(v);
    if (at.length === 0) continue;
    const i = g.pick(at);
    const options = spec.alphabet(v, i).replaceAll(v[i]!, '');
    if (options.length === 0) continue;
    const w = v.slice(0, i) + g.pick(options.split('')) + v.slice(i + 1);
    if (passesAnyChecksum(w)) continue;
    return { value: w, where: i === check ? 'check' : 'body' };
  }
}

function lookalikeCases(seed: number, perType: number): EvalCase[] {
  const out: EvalCase[] = [];
  for (const [type, spec] of Object.entries(LOOKALIKES) as [EntityType, LookalikeSpec][]) {
    const g = new Gen(createSeededRng(hash32(`lookalike-${type}`, seed)));
    for (let i = 0; i < perType; i++) {
      const { value, where } = mutate(g, spec);
      const written = spec.write ? spec.write(g, value) : value;
      const withContext = i % 3 !== 2;
      const template = g.pick(withContext ? spec.context : BARE);
      const f = fill(template, g, {
        L: () => ({ text: written, lookalike: type, form: `${withContext ? 'context' : 'bare'} ${where}` }),
      });
      out.push({
        id: `lookalike-${type}-${pad(i, 4)}`,
        category: 'lookalike',
        lang: /[\u4e00-\u9fff]/.test(f.text) ? 'zh' : 'en',
        text: f.text,
        spans: f.spans,
        lookalike: f.lookalike,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The set

/** Forms of PERSON/ADDRESS spans written in Latin script. */
const LATIN_FORMS = new Set(['first-last', 'middle-initial', 'hyphenated', 'us']);

function langOf(section: Section, spans: readonly EvalSpan[]): 'zh' | 'en' | 'mixed' {
  if (section.lang === 'mixed') return 'mixed';
  for (const s of spans) {
    if (s.type !== 'PERSON' && s.type !== 'ADDRESS') continue;
    const latin = LATIN_FORMS.has(s.form ?? '');
    if (latin !== (section.lang === 'en')) return 'mixed';
  }
  return section.lang;
}

/** Look-alike cases per checksum type. */
export const LOOKALIKES_PER_TYPE = 60;

/**
 * Build the labeled evaluation set. Deterministic: the same seed gives the same cases on every machine and day.
 *
 * @example
 * const cases = buildEvalSet();
 * cases[0]; // { id: 'chat-zh-0000', category: 'chat', lang: 'zh', text: '…', spans: [{ type: 'CN_MOBILE', … }] }
 */
export function buildEvalSet(seed: number = DEFAULT_EVAL_SEED): EvalCase[] {
  const out: EvalCase[] = [];
  for (const section of SECTIONS) {
    const g = new Gen(createSeededRng(hash32(section.name, seed)));
    for (let i = 0; i < section.count; i++) {
      const f = fill(g.pick(section.templates), g);
      const c: EvalCase = {
        id: `${section.name}-${pad(i, 4)}`,
        category: section.category,
        lang: langOf(section, f.spans),
        text: f.text,
        spans: f.spans,
      };
      if (f.masked.length > 0) c.masked = f.masked;
      out.push(c);
    }
  }
  out.push(...lookalikeCases(seed, LOOKALIKES_PER_TYPE));
  return out;
}

/** The checksum-validated types (those with look-alikes), from the entity table. */
export const CHECKSUM_TYPES: readonly EntityType[] = (Object.keys(ENTITY_TYPES) as EntityType[]).filter(
  (t) => ENTITY_TYPES[t].checksum,
);
