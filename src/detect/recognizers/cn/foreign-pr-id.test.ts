import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateForeignPrId } from '../../../synth/cn.js';
import { createSeededRng } from '../../../synth/rng.js';
import { ageBand, ageOn, todayKey } from '../../validators/cn-date.js';
import { embedded, findingsOf, replaceAt, spans } from './__fixtures__/embed.js';
import { foreignPrIdRecognizer as r } from './foreign-pr-id.js';
import { residentIdRecognizer } from './resident-id.js';

describe('cn.foreign-pr-id', () => {
  it('foreignPrIdRecognizer finds the 2023 form with or without a label', () => {
    expect(spans(r, '911840199001010018')).toEqual([['CN_FOREIGN_PR_ID', 0, 18]]);
    expect(spans(r, '永久居留身份证号码：911440201803030027。')).toEqual([['CN_FOREIGN_PR_ID', 10, 28]]);
    expect(findingsOf(r, '911840199001010018')[0]?.attrs).toEqual({
      form: 2023,
      ageBand: ageBand(ageOn(1990, 1, 1, todayKey())),
      sex: 'male',
    });
    expect(findingsOf(r, '证件号 911840199001010018')[0]!.score).toBeGreaterThan(
      findingsOf(r, '911840199001010018')[0]!.score,
    );
  });

  it('foreignPrIdRecognizer tells the 2023 form from USCCs and resident IDs', () => {
    expect(spans(r, '911101085923662400')).toEqual([]); // a checksum-valid all-digit USCC
    expect(spans(r, '911840199001010017')).toEqual([]);
    expect(spans(r, '911156199001010010')).toEqual([]); // nationality 156 is China
    expect(spans(r, '919940199001010018')).toEqual([]); // province 99
    expect(spans(residentIdRecognizer, '911840199001010018')).toEqual([]);
  });

  it('foreignPrIdRecognizer needs a label for the 2017 form', () => {
    expect(spans(r, '外国人永久居留身份证 USA110090010112')).toEqual([['CN_FOREIGN_PR_ID', 11, 26]]);
    expect(spans(r, 'permanent resident card: CAN310005061512')).toEqual([['CN_FOREIGN_PR_ID', 25, 40]]);
    expect(spans(r, 'USA110090010112')).toEqual([]);
    expect(spans(r, '永久居留 USA110090130112')).toEqual([]); // month 13
    expect(spans(r, '永久居留 USa110090010112')).toEqual([]);
  });

  it('foreignPrIdRecognizer finds generated numbers in random text and rejects single-digit changes', () => {
    fc.assert(
      fc.property(embedded(generateForeignPrId), ({ text, start, end }) => {
        expect(spans(r, text)).toEqual([['CN_FOREIGN_PR_ID', start, end]]);
      }),
    );
    fc.assert(
      fc.property(
        embedded((rng) => generateForeignPrId(rng, { form: 2017 }), '永久居留证：'),
        ({ text, start, end }) => {
          expect(spans(r, text)).toEqual([['CN_FOREIGN_PR_ID', start, end]]);
        },
      ),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), fc.nat(16), fc.integer({ min: 1, max: 9 }), (seed, i, d) => {
        const v = generateForeignPrId(createSeededRng(seed));
        expect(spans(r, replaceAt(v, i, String((Number(v[i]) + d) % 10)))).toEqual([]);
      }),
    );
  });
});
