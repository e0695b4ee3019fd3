import { describe, expect, it } from 'vitest';
import {
  AMBIGUOUS_SURNAMES,
  COMMON_SURNAMES,
  COMPOUND_SURNAMES,
  FREQUENT_SURNAMES,
  isAmbiguousSurname,
  isCompoundSurnameAt,
  RARE_SURNAMES,
  surnameLengthAt,
  surnameTier,
  TRADITIONAL_SURNAMES,
} from './cn-surnames.js';

const code = (s: string) => s.charCodeAt(0);

describe('cn-surnames', () => {
  it('COMMON_SURNAMES holds the reference top 100 with no repeats', () => {
    expect(COMMON_SURNAMES.length).toBe(100);
    expect(new Set(COMMON_SURNAMES).size).toBe(100);
    expect(COMMON_SURNAMES.slice(0, 5)).toBe('王李张刘陈');
  });

  it('the single-surname tiers are disjoint and hold about 400 surnames', () => {
    const all = [...COMMON_SURNAMES, ...FREQUENT_SURNAMES, ...RARE_SURNAMES];
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(380);
  });

  it('surnameTier ranks common, frequent and rare surnames', () => {
    expect(surnameTier(code('王'))).toBe(1);
    expect(surnameTier(code('欧'))).toBe(2);
    expect(surnameTier(code('庹'))).toBe(3);
    expect(surnameTier(code('的'))).toBe(0);
    expect(surnameTier(code('a'))).toBe(0);
    expect(surnameTier(Number.NaN)).toBe(0);
  });

  it('surnameTier gives Traditional forms the tier of their Simplified surname', () => {
    for (const pair of TRADITIONAL_SURNAMES.split(' ')) {
      expect(pair.length).toBe(2);
      expect(surnameTier(code(pair.charAt(0)))).toBe(surnameTier(code(pair.charAt(1))));
    }
    expect(surnameTier(code('陳'))).toBe(1);
    expect(surnameTier(code('歐'))).toBe(2);
  });

  it('isAmbiguousSurname flags surnames that are common word starts', () => {
    for (const c of AMBIGUOUS_SURNAMES) expect(surnameTier(code(c)), c).not.toBe(0);
    expect(isAmbiguousSurname(code('于'))).toBe(true);
    expect(isAmbiguousSurname(code('王'))).toBe(false);
  });

  it('isCompoundSurnameAt recognises compound surnames in Simplified and Traditional forms', () => {
    expect(new Set(COMPOUND_SURNAMES).size).toBe(COMPOUND_SURNAMES.length);
    for (const s of COMPOUND_SURNAMES) expect(isCompoundSurnameAt(`x${s}娜`, 1), s).toBe(true);
    expect(isCompoundSurnameAt('欧洲', 0)).toBe(false);
    expect(isCompoundSurnameAt('欧', 0)).toBe(false);
    expect(isCompoundSurnameAt('歐陽娜娜', 0)).toBe(true);
  });

  it('surnameLengthAt prefers the compound surname', () => {
    expect(surnameLengthAt('欧阳娜娜', 0)).toBe(2);
    expect(surnameLengthAt('欧文', 0)).toBe(1);
    expect(surnameLengthAt('的确', 0)).toBe(0);
    expect(surnameLengthAt('司马光', 0)).toBe(2);
  });
});
