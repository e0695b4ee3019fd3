import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText } from './normalize.js';

describe('normalizeText', () => {
  it('folds full-width forms, spaces, dashes and middle dots', () => {
    expect(normalizeText('手机：１３８－１２３４－５６７８')).toBe('手机:138-1234-5678');
    expect(normalizeText('ｚｈａｎｇ＠ｑｑ．ｃｏｍ')).toBe('zhang@qq.com');
    expect(normalizeText('138\u2014123\u30004')).toBe('138-123 4');
    expect(normalizeText('买买提\u30fb艾力')).toBe('买买提·艾力');
    expect(normalizeText('（０１０）')).toBe('(010)');
  });

  it('leaves prose punctuation and plain text untouched (same string)', () => {
    const prose = '今天开会，讨论计划；很好！对吗？';
    expect(normalizeText(prose)).toBe(prose);
    const ascii = 'plain ascii 123';
    expect(normalizeText(ascii)).toBe(ascii);
  });

  it('preserves length for any input, short or long (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.boolean(), (s, long) => {
        const t = long ? s.repeat(Math.ceil(17000 / Math.max(1, s.length))) : s;
        const n = normalizeText(t);
        expect(n.length).toBe(t.length);
      }),
    );
  });
});
