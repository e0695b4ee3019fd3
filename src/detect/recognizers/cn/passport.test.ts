import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatePassport } from '../../../synth/cn.js';
import { embedded, findingsOf, spans } from './__fixtures__/embed.js';
import { passportRecognizer as r } from './passport.js';

const P = 'CN_PASSPORT';

describe('cn.passport', () => {
  it('passportRecognizer finds labelled passport numbers of every form', () => {
    expect(spans(r, '护照号码：EA1234567')).toEqual([[P, 5, 14]]);
    expect(spans(r, 'Passport No. E12345678')).toEqual([[P, 13, 22]]);
    expect(spans(r, '护照G12345678，有效期')).toEqual([[P, 2, 11]]);
    expect(spans(r, '护照 DE1234567')).toEqual([[P, 3, 12]]);
    expect(spans(r, '护照 S12345678')).toEqual([[P, 3, 12]]);
    expect(spans(r, '护照 141234567')).toEqual([[P, 3, 12]]);
    expect(spans(r, '护照 K12345678')).toEqual([[P, 3, 12]]);
    expect(spans(r, '护照 MA1234567')).toEqual([[P, 3, 12]]);
    expect(spans(r, '{"passport":"EB7654321"}')).toEqual([[P, 13, 22]]);
  });

  it('passportRecognizer scores the modern E + letter form mid and the rest low without a label', () => {
    expect(findingsOf(r, 'EJ7654321')[0]?.score).toBeCloseTo(0.5);
    expect(spans(r, 'E12345678')).toEqual([]);
    expect(spans(r, 'G12345678')).toEqual([]);
    expect(findingsOf(r, '护照 EJ7654321')[0]?.score).toBeGreaterThanOrEqual(0.9);
  });

  it('passportRecognizer rejects I/O letters, lower case, wrong lengths and negative context', () => {
    for (const t of [
      '护照 EI1234567',
      '护照 EO1234567',
      '护照 e12345678',
      '护照 EA12345678',
      '护照 E1234567',
      '型号 EA1234567',
      '护照 xEA1234567',
    ]) {
      expect(spans(r, t), t).toEqual([]);
    }
  });

  it('passportRecognizer finds generated labelled numbers in random text at exact offsets', () => {
    fc.assert(
      fc.property(
        embedded((rng) => generatePassport(rng, { kind: rng.pick(['EA', 'E8', 'G'] as const) }), '护照号：'),
        ({ text, start, end }) => {
          expect(spans(r, text)).toEqual([[P, start, end]]);
        },
      ),
    );
  });
});
