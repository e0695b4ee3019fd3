import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EntityType } from '../../core/entity-types.js';
import { applySync, ctxFor } from '../__fixtures__/context.js';
import { mask } from './mask.js';

const m = (value: string, type?: EntityType, params: unknown = {}): string =>
  applySync(mask, value, ctxFor(mask, params, type ? { type } : {}));

describe('mask', () => {
  it('keeps 3+4 of a mobile number when the type is CN_MOBILE', () => {
    expect(m('13812345678', 'CN_MOBILE')).toBe('138****5678');
    expect(m('138 1234 5678', 'CN_MOBILE')).toBe('138 **** 5678');
    expect(m('+86 138-1234-5678', 'CN_MOBILE')).toBe('+86 138-****-5678');
  });

  it('keeps first 3 + last 4 of a resident ID when the type is CN_RESIDENT_ID', () => {
    expect(m('11010519491231002X', 'CN_RESIDENT_ID')).toBe('110***********002X');
  });

  it('keeps the last 4 of a bank card when the type is CN_BANK_CARD, separators in place', () => {
    expect(m('6222021234567894', 'CN_BANK_CARD')).toBe('************7894');
    expect(m('6222 0212 3456 7894', 'CN_BANK_CARD')).toBe('**** **** **** 7894');
  });

  it('keeps the surname of a Chinese name when the type is PERSON', () => {
    expect(m('张三', 'PERSON')).toBe('张*');
    expect(m('张三丰', 'PERSON')).toBe('张**');
    expect(m('欧阳娜娜', 'PERSON')).toBe('欧阳**');
    expect(m('买买提·艾力', 'PERSON')).toBe('买**·**');
    expect(m('John Smith', 'PERSON')).toBe('J*** S****');
  });

  it('keeps an address to its district when the type is ADDRESS', () => {
    expect(m('北京市海淀区中关村大街1号', 'ADDRESS')).toBe('北京市海淀区*******');
    expect(m('中关村大街1号', 'ADDRESS')).toBe('*******');
  });

  it('keeps the first character of the local part and the domain when the type is EMAIL_ADDRESS', () => {
    expect(m('zhangsan@163.com', 'EMAIL_ADDRESS')).toBe('z*******@163.com');
    expect(m('a@qq.com', 'EMAIL_ADDRESS')).toBe('*@qq.com');
  });

  it('follows per-type defaults for landlines, passports, plates, IPs and VINs', () => {
    expect(m('010-62345678', 'CN_LANDLINE')).toBe('010-****5678');
    expect(m('0755-23456789', 'CN_LANDLINE')).toBe('0755-****6789');
    expect(m('EA1234567', 'CN_PASSPORT')).toBe('EA****567');
    expect(m('E12345678', 'CN_PASSPORT')).toBe('E*****678');
    expect(m('京A12345', 'CN_LICENSE_PLATE')).toBe('京A***45');
    expect(m('192.168.10.200', 'IP_ADDRESS')).toBe('192.***.**.***');
    expect(m('LATPAB071W1005301', 'VIN')).toBe('LATPAB07*********');
    expect(m('91110000600037341L', 'CN_USCC')).toBe('91110000********1L');
  });

  it('uses keepFirst, keepLast, char and keepChars when they are configured', () => {
    expect(m('13812345678', 'CN_MOBILE', { keepFirst: 0, keepLast: 2, char: '#' })).toBe('#########78');
    expect(m('ab/cd/ef', undefined, { keepFirst: 1, keepLast: 1, keepChars: '/' })).toBe('a*/**/*f');
  });

  it('collapses the hidden middle when maskedLength is set', () => {
    expect(m('6222021234567894', 'CN_BANK_CARD', { maskedLength: 4 })).toBe('****7894');
    expect(m('138 1234 5678', 'CN_MOBILE', { maskedLength: 3 })).toBe('138 *** 5678');
  });

  it('hides at least a third of the characters when the keep counts would show everything', () => {
    expect(m('1234', undefined, { keepFirst: 3, keepLast: 4 })).toBe('1**4');
    expect(m('12', 'CN_BANK_CARD')).toBe('*2');
  });

  it('throws LG_POLICY_INVALID naming options.char when the mask character is two characters', () => {
    expect(() => mask.parse({ char: '**' })).toThrow(/options\.char/);
  });

  it('keeps the length in code points when no maskedLength is set', () => {
    const types: EntityType[] = ['CN_MOBILE', 'CN_RESIDENT_ID', 'CN_BANK_CARD', 'PERSON', 'ADDRESS', 'EMAIL_ADDRESS'];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), (t, v) => {
        expect([...m(v, t)].length).toBe([...v].length);
      }),
    );
  });

  it('never outputs an identifier span intact when the value is an identifier', () => {
    const types: EntityType[] = ['CN_MOBILE', 'CN_RESIDENT_ID', 'CN_BANK_CARD', 'CREDIT_CARD', 'CN_USCC', 'US_SSN'];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.stringMatching(/^[0-9A-Z]{6,19}$/), (t, v) => {
        expect(m(v, t)).not.toContain(v);
      }),
    );
  });
});
