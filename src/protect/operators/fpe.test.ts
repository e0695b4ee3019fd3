import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLeakguardError } from '../../core/errors.js';
import { isCalendarDate } from '../../detect/validators/cn-date.js';
import { isOrgCodeValidAt, isUsccValid } from '../../detect/validators/gb32100.js';
import { isLuhnValid, luhnCheckDigit } from '../../detect/validators/luhn.js';
import { isMod112Valid, mod112CheckChar } from '../../detect/validators/mod11-2.js';
import { applySync, ctxFor, KEY_A, KEY_B, revertSync } from '../__fixtures__/context.js';
import { fpe } from './fpe.js';

const idArb = fc
  .record({
    region: fc.constantFrom('110105', '310104', '440305', '510107', '650102'),
    y: fc.integer({ min: 1900, max: 2024 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 31 }),
    seq: fc.integer({ min: 0, max: 999 }),
  })
  .filter((r) => isCalendarDate(r.y, r.m, r.d))
  .map((r) => {
    const body = `${r.region}${r.y}${String(r.m).padStart(2, '0')}${String(r.d).padStart(2, '0')}${String(r.seq).padStart(3, '0')}`;
    return body + mod112CheckChar(body);
  });

const cardArb = fc
  .tuple(fc.constantFrom('622202', '621700', '810000', '436742'), fc.stringMatching(/^\d{9,12}$/))
  .map(([bin, mid]) => bin + mid + luhnCheckDigit(bin + mid));

describe('fpe', () => {
  it('keeps length and separators and reverts when the alphabet is digits', () => {
    const ctx = ctxFor(fpe, {}, { type: 'CN_MOBILE' });
    const out = applySync(fpe, '138-1234-5678', ctx);
    expect(out).toMatch(/^\d{3}-\d{4}-\d{4}$/);
    expect(out).not.toBe('138-1234-5678');
    expect(revertSync(fpe, out, ctx)).toBe('138-1234-5678');
  });

  it('is deterministic per key and differs across keys and modes', () => {
    const a = applySync(fpe, '13812345678', ctxFor(fpe, {}, { key: KEY_A }));
    expect(applySync(fpe, '13812345678', ctxFor(fpe, {}, { key: KEY_A }))).toBe(a);
    expect(applySync(fpe, '13812345678', ctxFor(fpe, {}, { key: KEY_B }))).not.toBe(a);
    expect(applySync(fpe, '13812345678', ctxFor(fpe, { mode: 'ff3-1' }, { key: KEY_A }))).not.toBe(a);
  });

  it('round-trips any digit string for FF1 and FF3-1 when at least 6 digits long', () => {
    for (const mode of ['ff1', 'ff3-1'] as const) {
      const ctx = ctxFor(fpe, { mode, tweak: mode === 'ff3-1' ? '00112233445566' : 'abcd' });
      fc.assert(
        fc.property(fc.stringMatching(/^[0-9 -]{0,4}[0-9]{6,40}[0-9 -]{0,4}$/), (v) => {
          const out = applySync(fpe, v, ctx);
          expect(out).toHaveLength(v.length);
          expect(out.replace(/\d/g, '0')).toBe(v.replace(/\d/g, '0'));
          expect(revertSync(fpe, out, ctx)).toBe(v);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('round-trips alphanumeric and custom alphabets when configured', () => {
    const ctx = ctxFor(fpe, { alphabet: 'alphanumeric' });
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{4,30}$/), (v) => {
        const out = applySync(fpe, v, ctx);
        expect(out).toMatch(/^[A-Za-z0-9]+$/);
        expect(revertSync(fpe, out, ctx)).toBe(v);
      }),
      { numRuns: 50 },
    );
    const cctx = ctxFor(fpe, { alphabet: { custom: '甲乙丙丁戊己庚辛壬癸' } });
    const out = applySync(fpe, '甲乙丙丁戊己庚辛', cctx);
    expect(out).toMatch(/^[甲乙丙丁戊己庚辛壬癸]{8}$/);
    expect(revertSync(fpe, out, cctx)).toBe('甲乙丙丁戊己庚辛');
  });

  it('keeps resident IDs valid, in the same region and decade, and reverts when preserveCheck is on', () => {
    const ctx = ctxFor(fpe, { preserveCheck: true }, { type: 'CN_RESIDENT_ID' });
    fc.assert(
      fc.property(idArb, (id) => {
        const out = applySync(fpe, id, ctx);
        expect(isMod112Valid(out)).toBe(true);
        expect(out.slice(0, 6)).toBe(id.slice(0, 6));
        expect(out.slice(6, 9)).toBe(id.slice(6, 9));
        expect(isCalendarDate(Number(out.slice(6, 10)), Number(out.slice(10, 12)), Number(out.slice(12, 14)))).toBe(
          true,
        );
        expect(revertSync(fpe, out, ctx)).toBe(id);
      }),
      { numRuns: 80 },
    );
  });

  it('keeps bank cards Luhn-valid with their BIN and reverts when preserveCheck is on', () => {
    for (const mode of ['ff1', 'ff3-1'] as const) {
      const ctx = ctxFor(fpe, { preserveCheck: true, mode }, { type: 'CN_BANK_CARD' });
      fc.assert(
        fc.property(cardArb, (card) => {
          const out = applySync(fpe, card, ctx);
          expect(isLuhnValid(out)).toBe(true);
          expect(out.slice(0, 6)).toBe(card.slice(0, 6));
          expect(out).toHaveLength(card.length);
          expect(revertSync(fpe, out, ctx)).toBe(card);
        }),
        { numRuns: 50 },
      );
    }
    const spaced = applySync(
      fpe,
      '6222 0212 3456 7894',
      ctxFor(fpe, { preserveCheck: true }, { type: 'CN_BANK_CARD' }),
    );
    expect(spaced).toMatch(/^6222 02\d{2} \d{4} \d{4}$/);
    expect(isLuhnValid(spaced.replace(/ /g, ''))).toBe(true);
  });

  it('keeps USCCs valid (both checks) and reverts when preserveCheck is on', () => {
    const ctx = ctxFor(fpe, { preserveCheck: true }, { type: 'CN_USCC' });
    for (const v of ['91110000600037341L', '92371000MA3MXH0E3W', '91230184MA1BUFLT44']) {
      const out = applySync(fpe, v, ctx);
      expect(isUsccValid(out)).toBe(true);
      expect(isOrgCodeValidAt(out, 8)).toBe(true);
      expect(out.slice(0, 8)).toBe(v.slice(0, 8));
      expect(out).not.toBe(v);
      expect(revertSync(fpe, out, ctx)).toBe(v);
    }
  });

  it('uses options.as when the value has no detected type', () => {
    const ctx = ctxFor(fpe, { preserveCheck: true, as: 'CN_RESIDENT_ID' }, { column: 'id_no' });
    const out = applySync(fpe, '11010519491231002X', ctx);
    expect(isMod112Valid(out)).toBe(true);
  });

  it('throws LG_OPERATOR_FAILED without the value when a value is too short', () => {
    try {
      applySync(fpe, '12345', ctxFor(fpe, {}));
      expect.unreachable();
    } catch (e) {
      expect(isLeakguardError(e) && e.code).toBe('LG_OPERATOR_FAILED');
      expect(String((e as Error).message)).not.toContain('12345');
    }
  });

  it('throws LG_POLICY_INVALID when preserveCheck names an unsupported type or FF3-1 gets a long tweak', () => {
    expect(() => fpe.parse({ preserveCheck: true }, { types: ['CN_MOBILE'] })).toThrow(/options\.preserveCheck/);
    expect(() => fpe.parse({ mode: 'ff3-1', tweak: '0011' })).toThrow(/options\.tweak/);
    expect(() => fpe.parse({ alphabet: { custom: 'aa' } })).toThrow(/options\.alphabet\.custom/);
  });
});
