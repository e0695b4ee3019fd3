import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskedPreview } from './preview.js';

describe('maskedPreview', () => {
  it('masks by type following common practice', () => {
    expect(maskedPreview('13812345678', 'CN_MOBILE')).toBe('138****5678');
    expect(maskedPreview('11010519491231002X', 'CN_RESIDENT_ID')).toBe('110***********002X');
    expect(maskedPreview('张伟', 'PERSON')).toBe('张*');
    expect(maskedPreview('欧阳娜娜', 'PERSON')).toBe('欧***');
    expect(maskedPreview('John Smith', 'PERSON')).toBe('J*** S****');
    expect(maskedPreview('zhang.wei@example.com', 'EMAIL_ADDRESS')).toBe('z***@example.com');
    expect(maskedPreview('AKIAABCDEFGHIJKLMNOP', 'SECRET')).toBe('AKIA********');
    expect(maskedPreview('138 1234 5678', 'CN_MOBILE')).toBe('138 **** 5678');
    expect(maskedPreview('6222 0212 3456 7890 128', 'CN_BANK_CARD')).toBe('622* **** **** ***0 128');
  });

  it('never reveals more than 7 characters of a value of 11 or more (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Z]{11,40}$/), (v) => {
        const p = maskedPreview(v, 'CN_BANK_CARD');
        expect(p.replace(/\*/g, '').length).toBeLessThanOrEqual(7);
        expect(p).not.toBe(v);
      }),
    );
  });
});
