import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysInMonth, formatDate, isRealDate, newParsedDate, parseDateAt } from './dates.js';

function parse(text: string, pos = 0) {
  const d = newParsedDate();
  return parseDateAt(text, pos, d) ? { ...d } : null;
}

describe('parseDateAt', () => {
  it.each([
    ['1990-03-07', 1990, 3, 7, 'YYYY-MM-DD'],
    ['1990/3/7', 1990, 3, 7, 'YYYY/M/D'],
    ['1990.03.07', 1990, 3, 7, 'YYYY.MM.DD'],
    ['19900307', 1990, 3, 7, 'YYYYMMDD'],
    ['1990年3月7日', 1990, 3, 7, 'YYYY年M月D日'],
    ['1990年03月07号', 1990, 3, 7, 'YYYY年MM月DD号'],
    ['1990年3月7', 1990, 3, 7, 'YYYY年M月D'],
    ['1990年3月', 1990, 3, 0, 'YYYY年M月'],
    ['1990-03', 1990, 3, 0, 'YYYY-MM'],
    ['3月7日', 0, 3, 7, 'M月D日'],
    ['07/03/1990', 1990, 3, 7, 'DD/MM/YYYY'],
    ['03/27/1990', 1990, 3, 27, 'MM/DD/YYYY'],
    ['27.03.1990', 1990, 3, 27, 'DD.MM.YYYY'],
    ['March 7, 1990', 1990, 3, 7, 'MMMM D, YYYY'],
    ['Mar. 7th 1990', 1990, 3, 7, 'MMM. Do YYYY'],
    ['7 Mar 1990', 1990, 3, 7, 'D MMM YYYY'],
    ['7th of March, 1990', 1990, 3, 7, 'Do of MMMM, YYYY'],
    ['07-Mar-1990', 1990, 3, 7, 'DD-MMM-YYYY'],
    ['Sept 7, 1990', 1990, 9, 7, 'MMM D, YYYY'],
    ['March 1990', 1990, 3, 0, 'MMMM YYYY'],
  ])('reads %s', (text, y, m, d, format) => {
    const r = parse(text);
    expect(r).not.toBeNull();
    expect([r!.year, r!.month, r!.day, r!.end, r!.format]).toEqual([y, m, d, text.length, format]);
  });

  it('parseDateAt marks day/month orders that could be swapped as ambiguous', () => {
    expect(parse('07/03/1990')!.ambiguous).toBe(true);
    expect(parse('27/03/1990')!.ambiguous).toBe(false);
    expect(parse('03/03/1990')!.ambiguous).toBe(false);
  });

  it.each([
    ['1990-03-071'],
    ['119900307'],
    ['1990-03-07x'],
    ['90-03-07'],
    ['07/03/90'],
    ['Marching 7, 1990'],
    ['1990'],
    ['12345'],
    ['v1990-03-07'.slice(1) + 'z'],
  ])('rejects %s', (text) => {
    expect(parse(text)).toBeNull();
  });

  it('parseDateAt refuses to start inside a digit run or a word', () => {
    expect(parse('119900307', 1)).toBeNull();
    expect(parse('xMarch 7, 1990', 1)).toBeNull();
    expect(parse('出生1990年3月7日', 2)!.end).toBe(11);
  });
});

describe('isRealDate', () => {
  it('isRealDate checks month lengths and leap years', () => {
    expect(isRealDate(1990, 2, 29)).toBe(false);
    expect(isRealDate(2000, 2, 29)).toBe(true);
    expect(isRealDate(1900, 2, 29)).toBe(false);
    expect(isRealDate(1990, 4, 31)).toBe(false);
    expect(isRealDate(1990, 13, 1)).toBe(false);
    expect(isRealDate(1990, 3, 0)).toBe(true);
    expect(isRealDate(0, 2, 29)).toBe(true);
    expect(daysInMonth(2023, 0)).toBe(0);
  });
});

describe('formatDate', () => {
  it('formatDate renders every token', () => {
    expect(formatDate(1990, 3, 7, 'YYYY年M月D日')).toBe('1990年3月7日');
    expect(formatDate(1990, 3, 7, 'DD/MM/YYYY')).toBe('07/03/1990');
    expect(formatDate(1990, 3, 1, 'MMM. Do YYYY')).toBe('Mar. 1st YYYY'.replace('YYYY', '1990'));
    expect(formatDate(1990, 3, 22, 'Do of MMMM, YYYY')).toBe('22nd of March, 1990');
    expect(formatDate(1990, 3, 13, 'MMMM Do')).toBe('March 13th');
  });

  it('formatDate and parseDateAt round-trip for every format', () => {
    const formats = [
      'YYYY-MM-DD',
      'YYYY/M/D',
      'YYYY.MM.DD',
      'YYYYMMDD',
      'YYYY年M月D日',
      'DD/MM/YYYY',
      'MMMM D, YYYY',
      'MMM. Do YYYY',
      'D MMM YYYY',
      'DD-MMM-YYYY',
      'Do of MMMM, YYYY',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2024 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.constantFrom(...formats),
        (y, m, d, f) => {
          const text = formatDate(y, m, d, f);
          const r = parse(text);
          expect(r).not.toBeNull();
          expect(r!.end).toBe(text.length);
          expect(r!.year).toBe(y);
          // Day-first reading of an ambiguous numeric date is the documented default.
          if (f !== 'DD/MM/YYYY' || d > 12 || m === d) {
            expect([r!.month, r!.day]).toEqual([m, d]);
            expect(formatDate(r!.year, r!.month, r!.day, r!.format)).toBe(text);
          }
        },
      ),
    );
  });
});
