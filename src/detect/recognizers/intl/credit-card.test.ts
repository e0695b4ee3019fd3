import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intlGenerators } from '../../../synth/intl.js';
import { createSeededRng } from '../../../synth/rng.js';
import { createAnalyzer } from '../../analyzer.js';
import { isLuhnValid, luhnCheckDigit } from '../../validators/luhn.js';
import { cardBrand, creditCardRecognizer } from './credit-card.js';

const analyzer = createAnalyzer({ recognizers: [creditCardRecognizer], includeMasked: true });

function found(text: string): [string, number, number][] {
  return analyzer.detect(text).map((f) => [text.slice(f.start, f.end), f.start, f.end]);
}

/** A Luhn-valid PAN from a prefix and a length (synthetic). */
function pan(prefix: string, length: number): string {
  const body = prefix + '7'.repeat(length - 1 - prefix.length);
  return body + luhnCheckDigit(body);
}

describe('creditCardRecognizer', () => {
  it('cardBrand knows the networks by IIN and length', () => {
    expect(cardBrand(pan('4', 16))).toBe('visa');
    expect(cardBrand(pan('4', 13))).toBe('visa');
    expect(cardBrand(pan('4', 15))).toBeNull();
    expect(cardBrand(pan('51', 16))).toBe('mastercard');
    expect(cardBrand(pan('2221', 16))).toBe('mastercard');
    expect(cardBrand(pan('2720', 16))).toBe('mastercard');
    expect(cardBrand(pan('2721', 16))).toBeNull();
    expect(cardBrand(pan('34', 15))).toBe('amex');
    expect(cardBrand(pan('37', 16))).toBeNull();
    expect(cardBrand(pan('6011', 16))).toBe('discover');
    expect(cardBrand(pan('65', 19))).toBe('discover');
    expect(cardBrand(pan('65', 18))).toBeNull();
    expect(cardBrand(pan('36', 18))).toBeNull();
    expect(cardBrand(pan('2201', 18))).toBeNull();
    expect(cardBrand(pan('3530', 16))).toBe('jcb');
    expect(cardBrand(pan('36', 14))).toBe('diners');
    expect(cardBrand(pan('6759', 12))).toBe('maestro');
    expect(cardBrand(pan('2201', 16))).toBe('mir');
    expect(cardBrand(pan('62', 16))).toBeNull();
    expect(cardBrand(pan('81', 16))).toBeNull();
  });

  it('creditCardRecognizer finds contiguous and grouped numbers at exact offsets', () => {
    expect(found('card: 4111 1111 1111 1111, exp 09/27')).toEqual([['4111 1111 1111 1111', 6, 25]]);
    expect(found('4111-1111-1111-1111')).toEqual([['4111-1111-1111-1111', 0, 19]]);
    expect(found('信用卡5555555555554444已绑定')).toEqual([['5555555555554444', 3, 19]]);
    expect(found('Amex 3782 822463 10005')).toEqual([['3782 822463 10005', 5, 22]]);
    expect(found('{"pan":"6011111111111117"}')).toEqual([['6011111111111117', 8, 24]]);
    expect(found('卡号：４１１１１１１１１１１１１１１１')).toEqual([['４１１１１１１１１１１１１１１１', 3, 19]]);
    expect(found('Diners 3056 930902 5904')).toEqual([['3056 930902 5904', 7, 23]]);
  });

  it('creditCardRecognizer reports the brand', () => {
    expect(analyzer.detect('4111111111111111')[0]?.attrs).toEqual({ brand: 'visa' });
  });

  it('creditCardRecognizer rejects Luhn failures, unknown IINs and UnionPay', () => {
    for (const t of [
      '4111 1111 1111 1112',
      '5555555555554445',
      '6222021234567894',
      '8100001234567899',
      '7111111111111114',
    ]) {
      expect(found(t), t).toEqual([]);
    }
  });

  it('creditCardRecognizer rejects mixed separators, odd groupings and longer numbers', () => {
    for (const t of [
      '4111 1111-1111 1111',
      '41111 11111 111111',
      '4111 1111 1111 1111 2222',
      '41111111111111111111',
      '3.4111111111111111',
      'id_4111111111111111',
    ]) {
      expect(found(t), t).toEqual([]);
    }
  });

  it('creditCardRecognizer does not start inside an IBAN or another grouped code', () => {
    expect(found('TL34 4595 0370 5646 6529 876')).toEqual([]);
  });

  it('creditCardRecognizer finds cards in CSV fields after numbers, dates and addresses', () => {
    expect(found('7,Ann,1964-11-06,4111111111111111\n')).toEqual([['4111111111111111', 17, 33]]);
    expect(found('10.136.232.197,5555555555554444,x')).toEqual([['5555555555554444', 15, 31]]);
    expect(found('1,4111111111111111,302596686')).toEqual([['4111111111111111', 2, 18]]);
  });

  it('creditCardRecognizer still finds a card after an unrelated short number', () => {
    expect(found('qty 2 4111 1111 1111 1111')).toEqual([['4111 1111 1111 1111', 6, 25]]);
    expect(found('2024 4111111111111111')).toEqual([['4111111111111111', 5, 21]]);
  });

  it('creditCardRecognizer reports masked PANs as masked and ignores last-four-only masks', () => {
    const got = analyzer.detect('charged 4111 **** **** 1111 and 411111******1111 and **** **** **** 1111');
    expect(got.map((f) => [f.start, f.end, f.masked])).toEqual([
      [8, 27, true],
      [32, 48, true],
    ]);
    expect(found('6222 **** **** 1234')).toEqual([]);
  });

  it('creditCardRecognizer lowers the score with negative context', () => {
    expect(analyzer.detect('visa 4111111111111111')[0]?.score).toBe(0.98);
    expect(found('order 4111111111111111')).toEqual([]);
  });

  it('creditCardRecognizer finds generated numbers embedded in random text', () => {
    const g = intlGenerators.CREDIT_CARD!;
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom('卡号', 'card ', '(', '"', '\n', 'x: '), (seed, pre) => {
        const v = g(createSeededRng(seed));
        const got = found(`${pre}${v}，ok`);
        return got.length === 1 && got[0]?.[1] === pre.length && got[0]?.[2] === pre.length + v.length;
      }),
    );
  });

  it('creditCardRecognizer rejects every single-digit substitution of a generated number', () => {
    const g = intlGenerators.CREDIT_CARD!;
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 9 }), (seed, p, d) => {
        const v = g(createSeededRng(seed));
        const idx = [...v].map((c, i) => (c >= '0' && c <= '9' ? i : -1)).filter((i) => i >= 0);
        const i = idx[p % idx.length] as number;
        fc.pre(v[i] !== String(d));
        return found(v.slice(0, i) + d + v.slice(i + 1)).length === 0;
      }),
      { numRuns: 500 },
    );
  });
});

describe('creditCardRecognizer: identity labels', () => {
  it('does not report a Luhn-passing AmEx-shaped number under a resident-ID label', () => {
    // 15 digits, starts 37, passes Luhn: the shape of an AmEx card and of an old 15-digit resident ID.
    const digits = '37010519900307';
    let check = 0;
    for (let d = 0; d <= 9; d++) if (isLuhnValid(digits + d)) check = d;
    const value = digits + check;
    const a = createAnalyzer({ recognizers: [creditCardRecognizer] });
    expect(a.detect(`老身份证号（15位）：${value}`)).toEqual([]);
    expect(a.detect(`card ${value}`).map((f) => f.type)).toEqual(['CREDIT_CARD']);
  });
});
