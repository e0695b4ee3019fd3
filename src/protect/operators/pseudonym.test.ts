import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EntityType } from '../../core/entity-types.js';
import { isCalendarDate } from '../../detect/validators/cn-date.js';
import { isProvinceCode } from '../../detect/validators/cn-regions.js';
import { isUsccValid } from '../../detect/validators/gb32100.js';
import { isHkIdValid } from '../../detect/validators/hk-id.js';
import { isIbanValid } from '../../detect/validators/iban.js';
import { isLuhnValid, luhnCheckDigit } from '../../detect/validators/luhn.js';
import { isMod112Valid, mod112CheckChar } from '../../detect/validators/mod11-2.js';
import { isTwIdValid } from '../../detect/validators/tw-id.js';
import { isVinValid } from '../../detect/validators/vin.js';
import { CN_MOBILE_PREFIXES } from '../../synth/cn.js';
import { applySync, ctxFor, KEY_A, KEY_B } from '../__fixtures__/context.js';
import { hasPseudonymGenerator, PSEUDONYM_KEEP, pseudonym } from './pseudonym.js';

const p = (value: string, type: EntityType, params: unknown = {}, key = KEY_A): string =>
  applySync(pseudonym, value, ctxFor(pseudonym, params, { type, key }));

const compact = (s: string): string => s.replace(/[\s\-()]/g, '');

function isValidResidentId(v: string): boolean {
  const c = compact(v).toUpperCase();
  return (
    /^\d{17}[\dX]$/.test(c) &&
    isMod112Valid(c) &&
    isProvinceCode(Number(c.slice(0, 2))) &&
    isCalendarDate(Number(c.slice(6, 10)), Number(c.slice(10, 12)), Number(c.slice(12, 14)))
  );
}

/** Validity per the project's validators, by type. */
const VALID: Partial<Record<EntityType, (v: string) => boolean>> = {
  CN_RESIDENT_ID: isValidResidentId,
  CN_MOBILE: (v) => {
    const c = compact(v).replace(/^\+?86/, '');
    return /^\d{11}$/.test(c) && CN_MOBILE_PREFIXES.includes(c.slice(0, 3));
  },
  CN_BANK_CARD: (v) => /^\d{13,19}$/.test(compact(v)) && isLuhnValid(compact(v)),
  CREDIT_CARD: (v) => isLuhnValid(compact(v)),
  CN_USCC: (v) => isUsccValid(compact(v)),
  HK_ID: (v) => isHkIdValid(compact(v)),
  TW_NATIONAL_ID: (v) => isTwIdValid(v),
  VIN: (v) => isVinValid(v),
  IBAN_CODE: (v) => isIbanValid(compact(v)),
  EMAIL_ADDRESS: (v) => /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(v),
};

const SAMPLES: Array<[EntityType, string]> = [
  ['CN_RESIDENT_ID', '11010519491231002X'],
  ['CN_MOBILE', '13812345678'],
  ['CN_BANK_CARD', '6222021234567894'],
  ['CREDIT_CARD', '4111111111111111'],
  ['CN_USCC', '91110000600037341L'],
  ['HK_ID', 'A1234563'],
  ['TW_NATIONAL_ID', 'A123456789'],
  ['VIN', 'LATPAB071W1005301'],
  ['IBAN_CODE', 'GB82WEST12345698765432'],
  ['EMAIL_ADDRESS', 'zhang.san@example.com'],
];

const idArb = fc
  .record({
    region: fc.constantFrom('110105', '310104', '440305', '510107'),
    y: fc.integer({ min: 1930, max: 2020 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    seq: fc.integer({ min: 0, max: 999 }),
  })
  .map((r) => {
    const body = `${r.region}${r.y}${String(r.m).padStart(2, '0')}${String(r.d).padStart(2, '0')}${String(r.seq).padStart(3, '0')}`;
    return body + mod112CheckChar(body);
  });

describe('pseudonym', () => {
  for (const [type, value] of SAMPLES) {
    it(`outputs a valid ${type} that is deterministic per key and differs across keys`, () => {
      const a = p(value, type);
      expect(VALID[type]?.(a), `${type} output should validate`).toBe(true);
      expect(a).not.toBe(value);
      expect(p(value, type)).toBe(a);
      expect(p(value, type, {}, KEY_B)).not.toBe(a);
    });
  }

  it('outputs valid resident IDs for any valid input and keeps region and decade when asked', () => {
    fc.assert(
      fc.property(idArb, (id) => {
        const out = p(id, 'CN_RESIDENT_ID', { keep: ['region', 'birthDecade'] });
        expect(isValidResidentId(out)).toBe(true);
        expect(out.slice(0, 6)).toBe(id.slice(0, 6));
        expect(out.slice(6, 9)).toBe(id.slice(6, 9));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps the bank card BIN and the e-mail domain when asked', () => {
    const card = '6222021234567894';
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), (mid) => {
        const v = `622202${mid}`;
        const c = v + luhnCheckDigit(v);
        const out = p(c, 'CN_BANK_CARD', { keep: ['bin'] });
        expect(out.slice(0, 6)).toBe('622202');
        expect(isLuhnValid(out)).toBe(true);
      }),
      { numRuns: 40 },
    );
    expect(p(card, 'CN_BANK_CARD', { keep: ['bin'] })).toHaveLength(card.length);
    expect(p('zhang.san@example.com', 'EMAIL_ADDRESS', { keep: ['domain'] })).toMatch(/@example\.com$/);
  });

  it('gives the same pseudonym to formatting variants of one value', () => {
    const a = compact(p('13812345678', 'CN_MOBILE'));
    expect(compact(p('138 1234 5678', 'CN_MOBILE'))).toBe(a);
  });

  it('falls back to a keyed hash-shaped value when there is no generator for the value', () => {
    const ctx = (key = KEY_A) => ctxFor(pseudonym, {}, { column: 'notes', key });
    const out = applySync(pseudonym, 'whatever value', ctx());
    expect(out).toMatch(/^VALUE-[a-z2-7]{16}$/);
    expect(applySync(pseudonym, 'whatever value', ctx())).toBe(out);
    expect(applySync(pseudonym, 'whatever value', ctx(KEY_B))).not.toBe(out);
  });

  it('writes plausible names, addresses and birth dates that keep the asked-for aspects', () => {
    const name = p('张三丰', 'PERSON', { keep: ['surname'] });
    expect(name).toMatch(/^张[\u4e00-\u9fff]{2}$/);
    expect(name).not.toBe('张三丰');
    const addr = p('广东省深圳市南山区科技园路1号', 'ADDRESS', { keep: ['city'] });
    expect(addr.startsWith('广东省深圳市')).toBe(true);
    expect(addr).not.toBe('广东省深圳市南山区科技园路1号');
    const dob = p('1990年3月7日', 'DATE_OF_BIRTH', { keep: ['year'] });
    expect(dob).toMatch(/^1990年\d{1,2}月\d{1,2}日$/);
  });

  it('`hasPseudonymGenerator` reports a generator for the Chinese identifier types', () => {
    for (const t of ['CN_RESIDENT_ID', 'CN_MOBILE', 'CN_BANK_CARD', 'CN_USCC', 'PERSON', 'ADDRESS'] as const)
      expect(hasPseudonymGenerator(t)).toBe(true);
  });

  it('uses options.as when the value has no detected type', () => {
    const out = applySync(pseudonym, '13812345678', ctxFor(pseudonym, { as: 'CN_MOBILE' }, { column: 'phone' }));
    expect(VALID.CN_MOBILE?.(out)).toBe(true);
  });

  it('throws LG_POLICY_INVALID naming options.as when the type is unknown', () => {
    expect(() => pseudonym.parse({ as: 'CN_NOPE' })).toThrow(/options\.as/);
  });

  it("`parse` rejects a keep aspect the rule's types do not support, naming options.keep[i]", () => {
    expect(() => pseudonym.parse({ keep: ['region', 'bin'] }, { types: ['CN_RESIDENT_ID'] })).toThrow(
      /options\.keep\.1: "bin" is not an aspect pseudonym can keep for CN_RESIDENT_ID \(supported: CN_RESIDENT_ID: region, birthYear, birthDecade, sex\)/,
    );
    expect(() => pseudonym.parse({ keep: ['regoin'] })).toThrow(
      /"regoin" is not an aspect pseudonym can keep for any type/,
    );
    expect(() => pseudonym.parse({ keep: ['region'] }, { types: ['CN_PASSPORT'] })).toThrow(/CN_PASSPORT: none/);
    // `as` stands for the type of a column rule.
    expect(() => pseudonym.parse({ as: 'CN_MOBILE', keep: ['domain'] })).toThrow(/CN_MOBILE: carrier/);
    // An aspect of at least one of several types is fine.
    expect(pseudonym.parse({ keep: ['carrier', 'surname'] }, { types: ['CN_MOBILE', 'PERSON'] }).keep).toEqual([
      'carrier',
      'surname',
    ]);
  });

  it('`parse` accepts exactly the supported keep aspects of each type (property)', () => {
    const types = Object.keys(PSEUDONYM_KEEP) as EntityType[];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.string({ minLength: 1, maxLength: 12 }), (type, word) => {
        const supported = PSEUDONYM_KEEP[type] ?? [];
        for (const a of supported) expect(pseudonym.parse({ keep: [a] }, { types: [type] }).keep).toEqual([a]);
        const parse = () => pseudonym.parse({ keep: [word] }, { types: [type] });
        if (supported.includes(word)) expect(parse().keep).toEqual([word]);
        else expect(parse).toThrow(/is not an aspect pseudonym can keep/);
      }),
    );
  });
});
