import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateTaiwanPermit } from '../../../synth/cn.js';
import { createAnalyzer } from '../../analyzer.js';
import { embedded, spans } from './__fixtures__/embed.js';
import { taiwanPermitRecognizer as r } from './taiwan-permit.js';

const T = 'CN_TAIWAN_PERMIT';

describe('cn.taiwan-permit', () => {
  it('taiwanPermitRecognizer finds labelled numbers only', () => {
    expect(spans(r, '台胞证号码：05616820')).toEqual([[T, 6, 14]]);
    expect(spans(r, '台湾居民来往大陆通行证 12345678')).toEqual([[T, 12, 20]]);
    expect(spans(r, '台胞證 12345678')).toEqual([[T, 4, 12]]);
    expect(spans(r, 'MTP No. 12345678')).toEqual([[T, 8, 16]]);
    expect(spans(r, '台胞证 0561682001(D)')).toEqual([[T, 4, 17]]);
    expect(spans(r, '台胞证 0561682001')).toEqual([[T, 4, 14]]);
  });

  it('taiwanPermitRecognizer ignores unlabelled 8-digit numbers, dates and other lengths', () => {
    for (const t of [
      '05616820',
      '日期 20240101',
      '台胞证 1234567',
      '台胞证 123456789',
      '台胞证 a12345678',
      '台南市 订单号 12345678',
    ]) {
      expect(spans(r, t), t).toEqual([]);
    }
  });

  it('taiwanPermitRecognizer finds generated labelled numbers in random text at exact offsets', () => {
    fc.assert(
      fc.property(embedded(generateTaiwanPermit, '台胞证：'), ({ text, start, end }) => {
        expect(spans(r, text)).toEqual([[T, start, end]]);
      }),
    );
  });
});

describe('taiwanPermitRecognizer: birth dates', () => {
  it('does not claim a compact birth date near a permit label', () => {
    const a = createAnalyzer({ recognizers: [r] });
    const text = '台胞证号：12345678\n出生日期：19700812';
    expect(a.detect(text).map((f) => text.slice(f.start, f.end))).toEqual(['12345678']);
  });
});
