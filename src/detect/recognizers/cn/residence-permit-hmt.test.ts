import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateResidencePermit } from '../../../synth/cn.js';
import { createSeededRng } from '../../../synth/rng.js';
import { ageBand, ageOn, todayKey } from '../../validators/cn-date.js';
import { embedded, findingsOf, replaceAt, spans } from './__fixtures__/embed.js';
import { residencePermitHmtRecognizer as r } from './residence-permit-hmt.js';
import { residentIdRecognizer } from './resident-id.js';

describe('cn.residence-permit-hmt', () => {
  it('residencePermitHmtRecognizer finds the three origins with attrs', () => {
    expect(spans(r, '居住证号码：810000199001010019')).toEqual([['CN_RESIDENCE_PERMIT_HMT', 6, 24]]);
    expect(findingsOf(r, '810000199001010019')[0]?.attrs).toEqual({
      origin: 'HK',
      ageBand: ageBand(ageOn(1990, 1, 1, todayKey())),
      sex: 'male',
    });
    expect(findingsOf(r, '820000201205200027')[0]?.attrs).toMatchObject({ origin: 'MO', sex: 'female' });
    expect(findingsOf(r, '{"no":"830000197912310033"}')[0]).toMatchObject({ start: 7, end: 25, subject: 'person' });
  });

  it('residencePermitHmtRecognizer rejects bad checks, other prefixes and glued runs', () => {
    expect(spans(r, '810000199001010018')).toEqual([]);
    expect(spans(r, '840000199001010019')).toEqual([]);
    expect(spans(r, '811000199001010019')).toEqual([]);
    expect(spans(r, '8100001990010100190')).toEqual([]);
    expect(spans(r, 'x810000199001010019')).toEqual([]);
    expect(spans(r, '810000199013010019')).toEqual([]);
  });

  it('residencePermitHmtRecognizer numbers never come out of the resident-ID recognizer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
        const v = generateResidencePermit(createSeededRng(seed));
        expect(spans(residentIdRecognizer, `身份证 ${v}`)).toEqual([]);
      }),
    );
  });

  it('residencePermitHmtRecognizer finds generated numbers in random text and rejects single-digit changes', () => {
    fc.assert(
      fc.property(embedded(generateResidencePermit), ({ text, start, end }) => {
        expect(spans(r, text)).toEqual([['CN_RESIDENCE_PERMIT_HMT', start, end]]);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), fc.nat(16), fc.integer({ min: 1, max: 9 }), (seed, i, d) => {
        const v = generateResidencePermit(createSeededRng(seed));
        expect(spans(r, replaceAt(v, i, String((Number(v[i]) + d) % 10)))).toEqual([]);
      }),
    );
  });
});
