import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intlGenerators } from '../../../synth/intl.js';
import { createSeededRng } from '../../../synth/rng.js';
import { createAnalyzer } from '../../analyzer.js';
import { ibanRecognizer } from './iban.js';

const analyzer = createAnalyzer({ recognizers: [ibanRecognizer] });

function found(text: string): [string, number, number][] {
  return analyzer.detect(text).map((f) => [text.slice(f.start, f.end), f.start, f.end]);
}

describe('ibanRecognizer', () => {
  it('ibanRecognizer finds print and electronic formats at exact offsets', () => {
    expect(found('IBAN: DE89 3704 0044 0532 0130 00.')).toEqual([['DE89 3704 0044 0532 0130 00', 6, 33]]);
    expect(found('pay GB29NWBK60161331926819 today')).toEqual([['GB29NWBK60161331926819', 4, 26]]);
    expect(found('收款账户FR1420041010050500013M02606，谢谢')).toEqual([['FR1420041010050500013M02606', 4, 31]]);
    expect(found('"iban":"NL91ABNA0417164300"')).toEqual([['NL91ABNA0417164300', 8, 26]]);
    expect(found('NO93-8601-1117-947')).toEqual([['NO93-8601-1117-947', 0, 18]]);
    expect(found('ＩＢＡＮ：ＣＨ９３００７６２０１１６２３８５２９５７')).toEqual([
      ['ＣＨ９３００７６２０１１６２３８５２９５７', 5, 26],
    ]);
  });

  it('ibanRecognizer reports the country', () => {
    expect(analyzer.detect('DE89370400440532013000')[0]?.attrs).toEqual({ country: 'DE' });
  });

  it('ibanRecognizer rejects wrong check digits, lengths, countries and structures', () => {
    for (const t of [
      'DE88 3704 0044 0532 0130 00',
      'DE89 3704 0044 0532 0130 0',
      'DE89 3704 0044 0532 0130 001',
      'US89370400440532013000',
      'GB29NWBK6016133192681',
      'GB29 NWBK 6016 1331 9268 19 77',
      'DE89 3704 0044-0532 0130 00',
      'de89370400440532013000',
      'XDE89370400440532013000',
    ]) {
      expect(found(t), t).toEqual([]);
    }
  });

  it('ibanRecognizer scores context', () => {
    expect(analyzer.detect('x DE89370400440532013000')[0]?.score).toBe(0.93);
    expect(analyzer.detect('Konto DE89370400440532013000')[0]?.score).toBe(0.98);
  });

  it('ibanRecognizer finds generated IBANs embedded in random text', () => {
    const g = intlGenerators.IBAN_CODE!;
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom('账户', 'iban ', '(', '"', '\n', 'x: '), (seed, pre) => {
        const v = g(createSeededRng(seed));
        const got = found(`${pre}${v}，ok`);
        return got.length === 1 && got[0]?.[1] === pre.length && got[0]?.[2] === pre.length + v.length;
      }),
    );
  });

  it('ibanRecognizer rejects every single-digit substitution of a generated IBAN', () => {
    const g = intlGenerators.IBAN_CODE!;
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
