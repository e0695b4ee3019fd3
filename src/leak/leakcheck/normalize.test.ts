import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateMobile, generateResidentId } from '../../synth/cn.js';
import { createSeededRng } from '../../synth/rng.js';
import {
  guessKind,
  IdentifierError,
  normalizeEmail,
  normalizeIdentifier,
  normalizePhone,
  normalizeResidentId,
} from './normalize.js';

/** Five ways people write one Chinese mobile number. */
function phoneWays(m: string): string[] {
  const a = m.slice(0, 3);
  const b = m.slice(3, 7);
  const c = m.slice(7);
  return [m, `${a} ${b} ${c}`, `+86 ${a}-${b}-${c}`, `0086${m}`, `(+86) ${a}.${b}.${c}`, `86${m}`, `＋８６${m}`];
}

describe('normalizeIdentifier', () => {
  it('maps the same phone written five ways to one value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const m = generateMobile(createSeededRng(seed));
        const values = new Set(phoneWays(m).map((w) => normalizeIdentifier(w, 'PHONE').input));
        expect([...values]).toEqual([`PHONE:+86${m}`]);
      }),
      { numRuns: 200 },
    );
  });

  it('maps a resident ID with a lower-case x, spaces or its 15-digit form to one value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const id = generateResidentId(createSeededRng(seed));
        const ways = [id, id.toLowerCase(), ` ${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)} `];
        const values = new Set(ways.map((w) => normalizeIdentifier(w).input));
        expect([...values]).toEqual([`CN_RESIDENT_ID:${id.toUpperCase()}`]);
        if (id.slice(6, 8) === '19') {
          const old = id.slice(0, 6) + id.slice(8, 17);
          expect(normalizeResidentId(old)).toBe(id.toUpperCase());
        }
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a resident ID whose check character is changed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 10 }), (seed, delta) => {
        const id = generateResidentId(createSeededRng(seed)).toUpperCase();
        const chars = '0123456789X';
        const wrong = chars[(chars.indexOf(id[17] as string) + delta) % 11] as string;
        expect(() => normalizeResidentId(id.slice(0, 17) + wrong)).toThrow(IdentifierError);
      }),
    );
  });

  it('lower-cases and trims e-mail addresses', () => {
    expect(normalizeEmail('  Li.Lei@Example.CN\t')).toBe('li.lei@example.cn');
    expect(normalizeIdentifier('LI@EXAMPLE.COM').input).toBe('EMAIL:li@example.com');
    expect(() => normalizeEmail('not an address')).toThrow(IdentifierError);
    expect(() => normalizeEmail('a@b')).toThrow(IdentifierError);
  });

  it('never throws anything but IdentifierError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('PHONE', 'CN_RESIDENT_ID', 'EMAIL', undefined), (s, kind) => {
        try {
          const r = normalizeIdentifier(s, kind as never);
          expect(r.input.startsWith(`${r.kind}:`)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(IdentifierError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('normalizePhone keeps international numbers in E.164 and refuses impossible ones', () => {
    expect(normalizePhone('+1 (415) 555-2671')).toBe('+14155552671');
    expect(normalizePhone('+44 20 7946 0958')).toBe('+442079460958');
    expect(() => normalizePhone('12')).toThrow(IdentifierError);
    expect(() => normalizePhone('138-abcd-5678')).toThrow(IdentifierError);
  });

  it('guessKind tells e-mails, resident IDs and phones apart', () => {
    expect(guessKind('a@b.cn')).toBe('EMAIL');
    expect(guessKind('11010519491231002x')).toBe('CN_RESIDENT_ID');
    expect(guessKind('138 1234 5678')).toBe('PHONE');
  });
});
