import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySync, ctxFor, KEY_B, revertSync } from '../__fixtures__/context.js';
import { dateshift } from './dateshift.js';

const DAY = 86_400_000;
const diffDays = (a: string, b: string): number => (Date.parse(a) - Date.parse(b)) / DAY;

describe('dateshift', () => {
  it('shifts every date of one subject by the same non-zero offset within maxDays', () => {
    const ctx = ctxFor(dateshift, { maxDays: 30 }, { subject: 'patient-42' });
    const a = applySync(dateshift, '2024-03-05', ctx);
    const b = applySync(dateshift, '2024-03-20', ctx);
    const shift = diffDays(a, '2024-03-05');
    expect(shift).not.toBe(0);
    expect(Math.abs(shift)).toBeLessThanOrEqual(30);
    expect(diffDays(b, '2024-03-20')).toBe(shift);
    expect(diffDays(b, a)).toBe(15);
  });

  it('gives different subjects and keys their own shifts', () => {
    const shifts = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const out = applySync(dateshift, '2024-03-05', ctxFor(dateshift, { maxDays: 365 }, { subject: `s${i}` }));
      shifts.add(diffDays(out, '2024-03-05'));
    }
    expect(shifts.size).toBeGreaterThan(10);
    const a = applySync(dateshift, '2024-03-05', ctxFor(dateshift, { maxDays: 365 }, { subject: 's1' }));
    const b = applySync(dateshift, '2024-03-05', ctxFor(dateshift, { maxDays: 365 }, { subject: 's1', key: KEY_B }));
    expect(a).not.toBe(b);
  });

  it('keeps the written form of the date when shifting', () => {
    const ctx = ctxFor(dateshift, {}, { subject: 'p1' });
    expect(applySync(dateshift, '2024年3月5日', ctx)).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日$/);
    expect(applySync(dateshift, '2024/03/05 10:30', ctx)).toMatch(/^\d{4}\/\d{2}\/\d{2} 10:30$/);
    expect(applySync(dateshift, '20240305', ctx)).toMatch(/^\d{8}$/);
    expect(applySync(dateshift, '05.03.2024', ctx)).toMatch(/^\d{2}\.\d{2}\.2024$|^\d{2}\.\d{2}\.2023$/);
  });

  it('reverts to the original date when given the same subject and key', () => {
    const ctx = ctxFor(dateshift, { maxDays: 400 }, { subject: 'p9' });
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        expect(revertSync(dateshift, applySync(dateshift, iso, ctx), ctx)).toBe(iso);
      }),
    );
  });

  it('throws LG_OPERATOR_FAILED when there is no subject and withoutSubject is fail', () => {
    expect(() => applySync(dateshift, '2024-03-05', ctxFor(dateshift, {}))).toThrow(/no subject/);
    const out = applySync(dateshift, '2024-03-05', ctxFor(dateshift, { withoutSubject: 'value' }));
    expect(out).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
