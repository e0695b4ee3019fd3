import { describe, expect, it } from 'vitest';
import {
  AddressLevel,
  cjkSuffixAt,
  numberSuffixAt,
  organisationWordAt,
  US_STATE_CODES,
  US_STATES,
  US_STREET_SUFFIXES,
} from './address-suffixes.js';

describe('address-suffixes', () => {
  it('cjkSuffixAt returns the longest suffix with its level', () => {
    expect(cjkSuffixAt('中关村大街', 3)).toBe((2 << 12) | AddressLevel.ROAD);
    expect(cjkSuffixAt('中关村大街', 4)).toBe((1 << 12) | AddressLevel.ROAD);
    expect(cjkSuffixAt('阳光花园', 2)).toBe((2 << 12) | AddressLevel.ESTATE);
    expect(cjkSuffixAt('仓前街道', 2)).toBe((2 << 12) | AddressLevel.TOWN);
    expect(cjkSuffixAt('你好', 0)).toBe(0);
  });

  it('numberSuffixAt reads the suffix after a number', () => {
    expect(numberSuffixAt('3号楼', 1)).toBe((2 << 12) | AddressLevel.BUILDING);
    expect(numberSuffixAt('88号', 2)).toBe((1 << 12) | AddressLevel.NUMBER);
    expect(numberSuffixAt('2单元', 1)).toBe((2 << 12) | AddressLevel.BUILDING);
    expect(numberSuffixAt('502室', 3)).toBe((1 << 12) | AddressLevel.ROOM);
    expect(numberSuffixAt('5元', 1)).toBe(0);
  });

  it('organisationWordAt finds organisation words', () => {
    expect(organisationWordAt('人民法院', 2)).toBe(2);
    expect(organisationWordAt('区政府', 1)).toBe(2);
    expect(organisationWordAt('花园', 0)).toBe(0);
  });

  it('US tables agree with each other', () => {
    for (const [code] of US_STATES) expect(US_STATE_CODES.has(code)).toBe(true);
    expect(US_STREET_SUFFIXES.has('parkway')).toBe(true);
  });
});
