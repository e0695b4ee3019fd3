import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { areaCodeAt } from '../detect/recognizers/cn/area-codes.js';
import { findBin } from '../detect/recognizers/cn/bank-bins.js';
import { birthAgeAt, legacyBirthAgeAt } from '../detect/validators/cn-date.js';
import { provinceCodeAt, regionCodeStatus } from '../detect/validators/cn-regions.js';
import { checkUsccAt, isUsccValid, usccKind } from '../detect/validators/gb32100.js';
import { isHkIdValid } from '../detect/validators/hk-id.js';
import { isLuhnValid } from '../detect/validators/luhn.js';
import { isMod112Valid } from '../detect/validators/mod11-2.js';
import { isTwIdValid } from '../detect/validators/tw-id.js';
import { isVinValid } from '../detect/validators/vin.js';
import {
  CN_MOBILE_PREFIXES,
  cnGenerators,
  generateBankCard,
  generateForeignPrId,
  generateHkMacauPermit,
  generateLandline,
  generateMobile,
  generatePassport,
  generatePlate,
  generateResidencePermit,
  generateResidentId,
  generateTwId,
  generateUscc,
  generateVin,
  PLATE_PROVINCES,
  randomDate,
} from './cn.js';
import { createKeyedRng, createSeededRng } from './rng.js';

const seeds = fc.integer({ min: 0, max: 0x7fffffff });

function isResidentId(v: string): boolean {
  return (
    /^[0-9]{17}[0-9X]$/.test(v) &&
    regionCodeStatus(v.slice(0, 6)) !== 'invalid' &&
    birthAgeAt(v, 6) >= 0 &&
    isMod112Valid(v)
  );
}

describe('cn generators', () => {
  it('cnGenerators covers every Chinese and Greater-China entity type', () => {
    expect(Object.keys(cnGenerators).sort()).toEqual(
      [
        'CN_BANK_CARD',
        'CN_FOREIGN_PR_ID',
        'CN_HK_MACAU_PERMIT',
        'CN_LANDLINE',
        'CN_LICENSE_PLATE',
        'CN_MOBILE',
        'CN_PASSPORT',
        'CN_RESIDENCE_PERMIT_HMT',
        'CN_RESIDENT_ID',
        'CN_TAIWAN_PERMIT',
        'CN_USCC',
        'HK_ID',
        'TW_NATIONAL_ID',
        'VIN',
      ].sort(),
    );
  });

  it('generateResidentId produces valid numbers with known regions and plausible birth dates', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const id = generateResidentId(createSeededRng(seed));
        expect(isResidentId(id)).toBe(true);
        expect(regionCodeStatus(id.slice(0, 6))).toBe('known');
      }),
    );
  });

  it('generateResidentId honours region, birth date and sex', () => {
    const rng = createSeededRng(7);
    const id = generateResidentId(rng, {
      region: '110105',
      birthDate: { year: 2015, month: 2, day: 28 },
      sex: 'female',
    });
    expect(id.slice(0, 14)).toBe('11010520150228');
    expect(Number(id[16]) % 2).toBe(0);
    expect(isMod112Valid(id)).toBe(true);
    const male = generateResidentId(rng, { sex: 'male' });
    expect(Number(male[16]) % 2).toBe(1);
    expect(() => generateResidentId(rng, { region: '1101' })).toThrow(RangeError);
  });

  it('generateResidentId makes legacy 15-digit numbers with a 20th-century YYMMDD', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const id = generateResidentId(createSeededRng(seed), { legacy: true });
        expect(id).toMatch(/^[0-9]{15}$/);
        expect(legacyBirthAgeAt(id, 6)).toBeGreaterThanOrEqual(0);
      }),
    );
    expect(() =>
      generateResidentId(createSeededRng(1), { legacy: true, birthDate: { year: 2001, month: 1, day: 1 } }),
    ).toThrow(RangeError);
  });

  it('CN_RESIDENT_ID keeps region, birth decade and sex of like and its layout', () => {
    const gen = cnGenerators.CN_RESIDENT_ID!;
    fc.assert(
      fc.property(seeds, seeds, (s1, s2) => {
        const original = generateResidentId(createSeededRng(s1));
        const out = gen(createSeededRng(s2), { like: original, keep: ['region', 'birthDecade', 'sex'] });
        expect(isResidentId(out)).toBe(true);
        expect(out.slice(0, 6)).toBe(original.slice(0, 6));
        expect(out.slice(6, 9)).toBe(original.slice(6, 9));
        expect(Number(out[16]) % 2).toBe(Number(original[16]) % 2);
      }),
    );
    const spaced = gen(createSeededRng(3), { like: '110105 19491231 002x', keep: ['birthYear'] });
    expect(spaced).toMatch(/^[0-9]{6} 1949[0-9]{4} [0-9]{3}[0-9x]$/);
    expect(isResidentId(spaced.replace(/ /g, '').toUpperCase())).toBe(true);
    const legacy = gen(createSeededRng(3), { like: '110105491231002', keep: ['region'] });
    expect(legacy).toMatch(/^110105[0-9]{9}$/);
  });

  it('CN_RESIDENT_ID is deterministic per key and input with a keyed random source', () => {
    const key = new Uint8Array(32).fill(9);
    const gen = cnGenerators.CN_RESIDENT_ID!;
    const a = gen(createKeyedRng(key, 'CN_RESIDENT_ID:x'), { like: '11010519491231002X', keep: ['region'] });
    const b = gen(createKeyedRng(key, 'CN_RESIDENT_ID:x'), { like: '11010519491231002X', keep: ['region'] });
    expect(a).toBe(b);
    expect(a).not.toBe('11010519491231002X');
  });

  it('generateResidencePermit and generateForeignPrId reuse the MOD 11-2 scheme with their own prefixes', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const rng = createSeededRng(seed);
        const permit = generateResidencePermit(rng);
        expect(permit).toMatch(/^8[123]0000[0-9]{11}[0-9X]$/);
        expect(isMod112Valid(permit) && birthAgeAt(permit, 6) >= 0).toBe(true);
        const pr = generateForeignPrId(rng);
        expect(pr).toMatch(/^9[0-9]{16}[0-9X]$/);
        expect(isMod112Valid(pr) && birthAgeAt(pr, 6) >= 0).toBe(true);
        expect(provinceCodeAt(pr, 1)).toBeGreaterThan(0);
        expect(generateForeignPrId(rng, { form: 2017 })).toMatch(/^[A-Z]{3}[0-9]{12}$/);
      }),
    );
    expect(generateResidencePermit(createSeededRng(1), { origin: 'TW' })).toMatch(/^830000/);
  });

  it('generateMobile uses real prefixes and keeps the carrier and layout of like', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const m = generateMobile(createSeededRng(seed));
        expect(m).toMatch(/^1[3-9][0-9]{9}$/);
        expect(CN_MOBILE_PREFIXES).toContain(m.slice(0, 3));
        if (m.startsWith('174')) expect(Number(m.slice(3, 5))).toBeLessThanOrEqual(5);
        expect(m.startsWith('154') || m.startsWith('194') || m.startsWith('140')).toBe(false);
      }),
    );
    const out = cnGenerators.CN_MOBILE!(createSeededRng(1), { like: '+86 138-1234-5678', keep: ['carrier'] });
    expect(out).toMatch(/^\+86 138-[0-9]{4}-[0-9]{4}$/);
    expect(out).not.toBe('+86 138-1234-5678');
    expect(generateMobile(createSeededRng(1), { prefix: '174' })).toMatch(/^1740[0-5][0-9]{6}$/);
    expect(() => generateMobile(createSeededRng(1), { prefix: '154' })).toThrow(RangeError);
  });

  it('generateLandline uses real area codes with their local lengths', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const l = generateLandline(createSeededRng(seed));
        const [area, local] = l.split('-') as [string, string];
        const a = areaCodeAt(area, 1);
        expect(a).toBeGreaterThan(0);
        expect(Math.floor(a / 4)).toBe(area.length - 1);
        expect((a & 3 & (local.length === 7 ? 1 : 2)) !== 0).toBe(true);
        expect(local[0]).toMatch(/[2-8]/);
      }),
    );
    const out = cnGenerators.CN_LANDLINE!(createSeededRng(2), { like: '(0755)23456789', keep: ['areaCode'] });
    expect(out).toMatch(/^\(0755\)[2-8][0-9]{7}$/);
    expect(() => generateLandline(createSeededRng(1), { areaCode: '026' })).toThrow(RangeError);
  });

  it('generateBankCard is Luhn-valid on a Chinese BIN and keeps the BIN and length of like', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const c = generateBankCard(createSeededRng(seed));
        expect(c.startsWith('62')).toBe(true);
        expect(isLuhnValid(c)).toBe(true);
        expect(findBin(c)?.length).toBe(c.length);
      }),
    );
    const out = cnGenerators.CN_BANK_CARD!(createSeededRng(5), { like: '6217 0012 3456 7890 122', keep: ['bin'] });
    expect(out).toMatch(/^6217 00[0-9]{2} [0-9]{4} [0-9]{4} [0-9]{3}$/);
    expect(isLuhnValid(out.replace(/ /g, ''))).toBe(true);
    expect(() => generateBankCard(createSeededRng(1), { bin: '62', length: 20 })).toThrow(RangeError);
  });

  it('generateUscc is valid, embeds a valid organisation code and is never also a resident ID', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const u = generateUscc(createSeededRng(seed));
        expect(isUsccValid(u)).toBe(true);
        expect(checkUsccAt(u, 0)?.orgCode).toBe(true);
        expect(isResidentId(u)).toBe(false);
      }),
    );
    const out = cnGenerators.CN_USCC!;
    const kept = out(createSeededRng(3), { like: '92371000MA3MXH0E3W', keep: ['orgType'] });
    expect(usccKind(kept)).toBe('individual-business');
    expect(isUsccValid(kept)).toBe(true);
  });

  it('document generators follow the shapes of reference §5', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const rng = createSeededRng(seed);
        expect(generatePassport(rng)).toMatch(/^E[A-HJ-NP-Z][0-9]{7}$/);
        expect(generatePassport(rng, { kind: 'G' })).toMatch(/^G[0-9]{8}$/);
        expect(generateHkMacauPermit(rng)).toMatch(/^(?:C(?:[0-9]{8}|[A-HJ-NP-Z][0-9]{7})|[HM][0-9]{8}(?:[0-9]{2})?)$/);
        expect(cnGenerators.CN_TAIWAN_PERMIT!(rng)).toMatch(/^[0-9]{8}$/);
        expect(isHkIdValid(cnGenerators.HK_ID!(rng))).toBe(true);
        expect(isTwIdValid(generateTwId(rng))).toBe(true);
        expect(isVinValid(generateVin(rng))).toBe(true);
        expect(generateVin(rng)[0]).toBe('L');
      }),
    );
  });

  it('generatePlate produces ordinary and new-energy plates without I or O', () => {
    const p = PLATE_PROVINCES;
    const re = new RegExp(`^[${p}][A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{5}|[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF])$`);
    fc.assert(
      fc.property(seeds, (seed) => {
        expect(generatePlate(createSeededRng(seed))).toMatch(re);
      }),
    );
    const kept = cnGenerators.CN_LICENSE_PLATE!(createSeededRng(4), { like: '粤B·D12345', keep: ['province'] });
    expect(kept).toMatch(/^粤[A-HJ-NP-Z]·(?:[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF])$/);
  });

  it('randomDate never returns a future date and rejects empty ranges', () => {
    const rng = createSeededRng(11);
    const year = new Date().getUTCFullYear();
    for (let i = 0; i < 200; i++) {
      const d = randomDate(rng, year, year + 5);
      expect(d.year).toBe(year);
    }
    expect(() => randomDate(rng, 3000, 3001)).toThrow(RangeError);
  });

  it('every generator output differs from like when nothing is kept', () => {
    const likes: Record<string, string> = {
      CN_RESIDENT_ID: '11010519491231002X',
      CN_MOBILE: '13812345678',
      CN_BANK_CARD: '6217001234567890122',
      CN_USCC: '91110000600037341L',
      HK_ID: 'A123456(3)',
      TW_NATIONAL_ID: 'A123456789',
      VIN: 'LATPAB071W1005301',
    };
    for (const [type, like] of Object.entries(likes)) {
      const gen = cnGenerators[type as keyof typeof cnGenerators]!;
      expect(gen(createSeededRng(1), { like }), type).not.toBe(like);
    }
  });
});
