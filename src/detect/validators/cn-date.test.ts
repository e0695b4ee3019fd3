import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ageBand,
  ageOn,
  birthAgeAt,
  daysInMonth,
  isCalendarDate,
  isLeapYear,
  isPlausibleBirthDate,
  legacyBirthAgeAt,
  todayKey,
} from './cn-date.js';

const NOW = Date.UTC(2025, 5, 15, 4); // 2025-06-15 12:00 in Beijing

describe('cn-date', () => {
  it('isCalendarDate follows the Gregorian leap-year rules', () => {
    expect(isCalendarDate(2000, 2, 29)).toBe(true);
    expect(isCalendarDate(1900, 2, 29)).toBe(false);
    expect(isCalendarDate(2024, 2, 29)).toBe(true);
    expect(isCalendarDate(2023, 2, 29)).toBe(false);
    expect(isCalendarDate(1949, 2, 30)).toBe(false);
    expect(isCalendarDate(1990, 4, 31)).toBe(false);
    expect(isCalendarDate(1990, 13, 1)).toBe(false);
    expect(isCalendarDate(1990, 0, 1)).toBe(false);
    expect(isCalendarDate(1990, 1, 0)).toBe(false);
    expect(isLeapYear(2100)).toBe(false);
    expect(daysInMonth(2023, 12)).toBe(31);
  });

  it('todayKey uses China Standard Time', () => {
    expect(todayKey(Date.UTC(2024, 0, 31, 15, 59))).toBe(20240131);
    expect(todayKey(Date.UTC(2024, 0, 31, 16, 0))).toBe(20240201);
  });

  it('ageOn counts completed years and is -1 for a future birth date', () => {
    expect(ageOn(2010, 6, 15, 20240614)).toBe(13);
    expect(ageOn(2010, 6, 15, 20240615)).toBe(14);
    expect(ageOn(2024, 6, 16, 20240615)).toBe(-1);
    expect(ageOn(2024, 6, 15, 20240615)).toBe(0);
  });

  it('isPlausibleBirthDate rejects the future, impossible dates and ages over the limit', () => {
    const o = { nowMs: NOW };
    expect(isPlausibleBirthDate(1949, 12, 31, o)).toBe(true);
    expect(isPlausibleBirthDate(2025, 6, 15, o)).toBe(true);
    expect(isPlausibleBirthDate(2025, 6, 16, o)).toBe(false);
    expect(isPlausibleBirthDate(2030, 1, 1, o)).toBe(false);
    expect(isPlausibleBirthDate(1894, 6, 16, o)).toBe(true); // 130 until tomorrow
    expect(isPlausibleBirthDate(1894, 6, 15, o)).toBe(false); // 131 today
    expect(isPlausibleBirthDate(1880, 1, 1, o)).toBe(false);
    expect(isPlausibleBirthDate(1880, 1, 1, { nowMs: NOW, maxAgeYears: 150 })).toBe(true);
    expect(isPlausibleBirthDate(1900, 2, 29, o)).toBe(false);
  });

  it('birthAgeAt reads YYYYMMDD inside an identifier', () => {
    const o = { nowMs: NOW };
    expect(birthAgeAt('11010519491231002X', 6, o)).toBe(75);
    expect(birthAgeAt('510107200002290045', 6, o)).toBe(25);
    expect(birthAgeAt('510107190002290045', 6, o)).toBe(-1);
    expect(birthAgeAt('110105194902300021', 6, o)).toBe(-1);
    expect(birthAgeAt('110105203001010012', 6, o)).toBe(-1);
    expect(birthAgeAt('1101051949123', 6, o)).toBe(-1);
    expect(birthAgeAt('110105ABCD1231002X', 6, o)).toBe(-1);
  });

  it('legacyBirthAgeAt reads YYMMDD as a 20th-century date', () => {
    const o = { nowMs: NOW };
    expect(legacyBirthAgeAt('110105491231002', 6, o)).toBe(75);
    expect(legacyBirthAgeAt('110105000229002', 6, o)).toBe(-1); // 1900-02-29 does not exist
    expect(legacyBirthAgeAt('110105991301002', 6, o)).toBe(-1);
  });

  it('ageBand puts the PIPL threshold at 14', () => {
    expect(ageBand(0)).toBe('<14');
    expect(ageBand(13)).toBe('<14');
    expect(ageBand(14)).toBe('14-17');
    expect(ageBand(18)).toBe('18-29');
    expect(ageBand(44)).toBe('30-44');
    expect(ageBand(59)).toBe('45-59');
    expect(ageBand(74)).toBe('60-74');
    expect(ageBand(120)).toBe('75+');
  });

  it('isCalendarDate agrees with the JavaScript Date round trip', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1600, max: 2400 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => {
          const t = new Date(Date.UTC(y, m - 1, d));
          const real = m >= 1 && m <= 12 && d >= 1 && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
          expect(isCalendarDate(y, m, d)).toBe(real);
        },
      ),
    );
  });
});
