import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateTwId } from '../../../synth/cn.js';
import { embedded, findingsOf, spans } from './__fixtures__/embed.js';
import { twIdRecognizer as r } from './tw-id.js';

const W = 'TW_NATIONAL_ID';

describe('tw.national-id', () => {
  it('twIdRecognizer finds the reference vectors at exact offsets with sex attrs', () => {
    expect(spans(r, '身分證字號：A123456789')).toEqual([[W, 6, 16]]);
    expect(spans(r, 'F123456784')).toEqual([[W, 0, 10]]);
    expect(findingsOf(r, 'A123456789')[0]?.attrs).toEqual({ sex: 'male' });
    expect(findingsOf(r, 'A800000014')[0]?.attrs).toEqual({ resident: true });
    expect(spans(r, '<td>A123456789</td>')).toEqual([[W, 4, 14]]);
  });

  it('twIdRecognizer rejects wrong checks, other sex digits, lower case and longer words', () => {
    for (const t of ['A123456788', 'A323456789', 'a123456789', 'A1234567890', 'xA123456789', 'A12345678']) {
      expect(spans(r, t), t).toEqual([]);
    }
  });

  it('twIdRecognizer finds generated numbers in random text at exact offsets', () => {
    fc.assert(
      fc.property(embedded(generateTwId), ({ text, start, end }) => {
        expect(spans(r, text)).toEqual([[W, start, end]]);
      }),
    );
  });
});
