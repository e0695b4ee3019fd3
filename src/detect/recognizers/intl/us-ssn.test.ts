import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intlGenerators } from '../../../synth/intl.js';
import { createSeededRng } from '../../../synth/rng.js';
import { createAnalyzer } from '../../analyzer.js';
import { usSsnRecognizer } from './us-ssn.js';

const analyzer = createAnalyzer({ recognizers: [usSsnRecognizer], includeMasked: true });

function found(text: string): [string, number, number, number][] {
  return analyzer.detect(text).map((f) => [text.slice(f.start, f.end), f.start, f.end, f.score]);
}

describe('usSsnRecognizer', () => {
  it('usSsnRecognizer finds the dashed form alone and scores context', () => {
    expect(found('applicant 536-22-5169 approved')).toEqual([['536-22-5169', 10, 21, 0.65]]);
    expect(found('SSN: 536-22-5169')).toEqual([['536-22-5169', 5, 16, 0.95]]);
    expect(found('{"ssn":"536-22-5169"}')).toEqual([['536-22-5169', 8, 19, 0.95]]);
    expect(found('社会安全号：５３６－２２－５１６９')).toEqual([['５３６－２２－５１６９', 6, 17, 0.95]]);
  });

  it('usSsnRecognizer needs context for spaced and bare forms', () => {
    expect(found('x 536 22 5169')).toEqual([]);
    expect(found('ssn 536 22 5169')).toEqual([['536 22 5169', 4, 15, 0.85]]);
    expect(found('id 536225169')).toEqual([]);
    expect(found('Social Security Number: 536225169')).toEqual([['536225169', 24, 33, 0.8]]);
  });

  it('usSsnRecognizer reads the column under an ssn header of a CSV table', () => {
    const csv =
      'id,name,ssn,phone\n1,Ann Lee,536225169,+1 415 555 2671\n2,Bo Chan,432 12 3456,n/a\n3,Cy Dee,666-12-3456,\n';
    expect(found(csv).map((f) => [f[0], f[3]])).toEqual([
      ['536225169', 0.9],
      ['432 12 3456', 0.9],
    ]);
  });

  it('usSsnRecognizer rejects invalid areas, groups, serials and advertised numbers', () => {
    for (const t of [
      '000-12-3456',
      '666-12-3456',
      '900-12-3456',
      '536-00-5169',
      '536-22-0000',
      '078-05-1120',
      '123-45-6789',
    ]) {
      expect(found(`SSN ${t}`), t).toEqual([]);
    }
  });

  it('usSsnRecognizer rejects longer dashed numbers and negative context', () => {
    for (const t of [
      'tel 1-536-22-5169',
      '536-22-5169-0',
      'a536-22-5169',
      '536-22-51690',
      'order 536-22-5169',
      '3.536-22-5169',
    ]) {
      expect(found(t), t).toEqual([]);
    }
  });

  it('usSsnRecognizer reports masked forms as masked', () => {
    const got = analyzer.detect('SSN ***-**-5169 or XXX-XX-5169');
    expect(got.map((f) => [f.start, f.end, f.masked])).toEqual([
      [4, 15, true],
      [19, 30, true],
    ]);
  });

  it('usSsnRecognizer finds generated numbers embedded in random text', () => {
    const g = intlGenerators.US_SSN!;
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom('号码', 'ssn ', '(', '"', '\n', 'x: '), (seed, pre) => {
        const v = g(createSeededRng(seed));
        const got = found(`${pre}${v}，ok`);
        return got.length === 1 && got[0]?.[1] === pre.length && got[0]?.[2] === pre.length + v.length;
      }),
    );
  });
});
