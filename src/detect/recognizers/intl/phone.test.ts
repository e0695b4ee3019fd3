import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intlGenerators } from '../../../synth/intl.js';
import { createSeededRng } from '../../../synth/rng.js';
import { createAnalyzer } from '../../analyzer.js';
import { phoneRecognizer } from './phone.js';

const analyzer = createAnalyzer({ recognizers: [phoneRecognizer] });

function found(text: string): [string, number, number][] {
  return analyzer.detect(text).map((f) => [text.slice(f.start, f.end), f.start, f.end]);
}

describe('phoneRecognizer', () => {
  it('phoneRecognizer finds E.123 international numbers at exact offsets', () => {
    expect(found('Tel +44 20 7946 0958.')).toEqual([['+44 20 7946 0958', 4, 20]]);
    expect(found('call +1 (415) 555-2671 now')).toEqual([['+1 (415) 555-2671', 5, 22]]);
    expect(found('Büro: +49 30 901820')).toEqual([['+49 30 901820', 6, 19]]);
    expect(found('WhatsApp：+852 9123 4567，谢谢')).toEqual([['+852 9123 4567', 9, 23]]);
    expect(found('{"phone":"+14155552671"}')).toEqual([['+14155552671', 10, 22]]);
    expect(found('tel:+81-90-1234-5678')).toEqual([['+81-90-1234-5678', 4, 20]]);
    expect(found('UK +44 (0)20 7946 0958')).toEqual([['+44 (0)20 7946 0958', 3, 22]]);
    expect(found('电话＋８５２　９１２３　４５６７')).toEqual([['＋８５２　９１２３　４５６７', 2, 16]]);
    expect(found('(+44) 20 7946 0958')).toEqual([['(+44) 20 7946 0958', 0, 18]]);
    expect(found('(call +44 20 7946 0958)')).toEqual([['+44 20 7946 0958', 6, 22]]);
  });

  it('phoneRecognizer finds 00-prefixed international numbers', () => {
    expect(found('Fax 0044 20 7946 0958')).toEqual([['0044 20 7946 0958', 4, 21]]);
    expect(found('Fax 00 44 20 7946 0958')).toEqual([['00 44 20 7946 0958', 4, 22]]);
  });

  it('phoneRecognizer does not read a separator inside the calling code as a 00 prefix (SSN `004-70-3111`)', () => {
    // Regression: US SSNs with area 003-006 were taken for Norwegian/Luxembourg/Austrian numbers.
    expect(found('x 004-70-3111 y')).toEqual([]);
    expect(found('x 003-52-9269 y')).toEqual([]);
    expect(found('x 004-31-3060 y')).toEqual([]);
  });

  it('phoneRecognizer finds US national numbers with parentheses, dashes and dots, and spaced ones with context', () => {
    expect(found('office (415) 555-2671')).toEqual([['(415) 555-2671', 7, 21]]);
    expect(found('Text me at 415-555-2671 when')).toEqual([['415-555-2671', 11, 23]]);
    expect(found('x 415.555.2671')).toEqual([['415.555.2671', 2, 14]]);
    expect(found('x 415 555 2671')).toEqual([]);
    expect(found('phone: 415 555 2671')).toEqual([['415 555 2671', 7, 19]]);
  });

  it('phoneRecognizer describes country and line type, and marks toll-free numbers as organisational', () => {
    const [hk] = analyzer.detect('+852 9123 4567');
    expect(hk?.attrs).toEqual({ country: 'HK', lineType: 'mobile' });
    const [tollFree] = analyzer.detect('+1 800 253 0000');
    expect(tollFree?.subject).toBe('organisation');
  });

  it('phoneRecognizer leaves mainland-China numbers to the CN recognizers', () => {
    for (const t of ['+86 138 1234 5678', '+86 10 6234 5678', '0086 138 1234 5678', '+8613812345678'])
      expect(found(t), t).toEqual([]);
  });

  it('phoneRecognizer rejects invalid ranges, arithmetic and runaway digit strings', () => {
    for (const t of [
      '+1 123 456 7890',
      '+44 00 0000 0000',
      '2+3=5 and 1+2345678',
      '+1234',
      '+44 20 7946 0958 1234 5678 9012',
      '(123) 456-7890',
      'order (415) 555-2671',
      'ISBN 978-3-16-148410-0',
      'v+44207946095',
    ]) {
      expect(found(t), t).toEqual([]);
    }
  });

  it('phoneRecognizer scores context', () => {
    expect(analyzer.detect('x +44 20 7946 0958')[0]?.score).toBe(0.85);
    expect(analyzer.detect('phone +44 20 7946 0958')[0]?.score).toBe(0.97);
  });

  it('phoneRecognizer finds generated numbers embedded in random text', () => {
    const g = intlGenerators.PHONE_NUMBER!;
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom('电话', 'call ', '(', '"', '\n', 'x: '), (seed, pre) => {
        const v = g(createSeededRng(seed));
        const got = found(`${pre}${v}，ok`);
        return got.length === 1 && got[0]?.[1] === pre.length && got[0]?.[2] === pre.length + v.length;
      }),
    );
  });
});
