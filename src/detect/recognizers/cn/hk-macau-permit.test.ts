import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateHkMacauPermit } from '../../../synth/cn.js';
import { embedded, findingsOf, spans } from './__fixtures__/embed.js';
import { hkMacauPermitRecognizer as r } from './hk-macau-permit.js';

const H = 'CN_HK_MACAU_PERMIT';

describe('cn.hk-macau-permit', () => {
  it('hkMacauPermitRecognizer finds labelled permits of every form', () => {
    expect(spans(r, '往来港澳通行证：C12345678')).toEqual([[H, 8, 17]]);
    expect(spans(r, '港澳通行证 CA1234567')).toEqual([[H, 6, 15]]);
    expect(spans(r, '回乡证号码 H12345678')).toEqual([[H, 6, 15]]);
    expect(spans(r, '回乡证M1234567801。')).toEqual([[H, 3, 14]]);
    expect(findingsOf(r, '回乡证 M12345678')[0]?.attrs).toEqual({ permit: 'home-return', region: 'MO' });
    expect(findingsOf(r, '通行证 C12345678')[0]?.attrs).toEqual({ permit: 'exit-entry' });
  });

  it('hkMacauPermitRecognizer needs a label and the exact shape', () => {
    for (const t of [
      'C12345678',
      'H12345678',
      '通行证 CI1234567',
      '通行证 C1234567',
      '通行证 C123456789',
      '回乡证 h12345678',
      '回乡证 H123456789',
      '通行证 xC12345678',
    ]) {
      expect(spans(r, t), t).toEqual([]);
    }
  });

  it('hkMacauPermitRecognizer finds generated labelled permits in random text at exact offsets', () => {
    fc.assert(
      fc.property(embedded(generateHkMacauPermit, '通行证号码：'), ({ text, start, end }) => {
        expect(spans(r, text)).toEqual([[H, start, end]]);
      }),
    );
  });
});
