import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMON_NEGATIVE, type ContextSpec, defineContext, scoreContext } from './context.js';

const SPEC = defineContext({
  positive: ['手机', 'mobile', 'tel', 'phone no', 'id', 'ip地址', 'v', 'e-mail', '2fa'],
  negative: [...COMMON_NEGATIVE, 'ver'],
  before: 16,
  after: 8,
});
/** The same words without the prefilter: the regexes alone decide. */
const UNGATED: ContextSpec = {
  positive: SPEC.positive,
  negative: SPEC.negative,
  before: SPEC.before,
  after: SPEC.after,
};

const PIECES = [
  '手机',
  'mobile',
  'Mobile',
  'TEL',
  'tel',
  'hotel',
  'phone no',
  'phone_no',
  'phone-no',
  'phoneno',
  'id',
  'paid',
  'ID',
  'IP地址',
  'vip地址',
  'v',
  'v2',
  'ver',
  'version',
  'e-mail',
  'E-MAIL',
  '2fa',
  'order',
  'Order',
  'border',
  '订单号',
  '单号',
  ' ',
  ':',
  '，',
  '_',
  'x',
  'ab',
  '1',
  '13812345678',
  '张',
];

describe('scoreContext', () => {
  it('the prefilter never changes the score (gated equals regex-only on random texts and windows)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }), fc.nat(), fc.nat(), (parts, a, b) => {
        const text = parts.join('');
        const start = text.length === 0 ? 0 : a % (text.length + 1);
        const end = start + (text.length === start ? 0 : b % (text.length - start + 1));
        return scoreContext(text, start, end, SPEC) === scoreContext(text, start, end, UNGATED);
      }),
      { numRuns: 3000 },
    );
  });

  it('finds positive and negative words before and after, whole-word for ASCII', () => {
    const at = (text: string, value: string) => {
      const s = text.indexOf(value);
      return scoreContext(text, s, s + value.length, SPEC);
    };
    expect(at('手机13812345678', '13812345678')).toBe(1);
    expect(at('Mobile: 13812345678', '13812345678')).toBe(1);
    expect(at('hotel 13812345678', '13812345678')).toBe(0);
    expect(at('phone_no 13812345678', '13812345678')).toBe(1);
    expect(at('订单号13812345678', '13812345678')).toBe(-1);
    expect(at('13812345678 (order)', '13812345678')).toBe(-1);
    expect(at('paid 13812345678', '13812345678')).toBe(0);
    expect(at('plain words 13812345678 here', '13812345678')).toBe(0);
  });

  it('reads after a value only to the end of its line; before it, the line above counts', () => {
    const at = (text: string, value: string) => {
      const start = text.indexOf(value);
      return scoreContext(text, start, start + value.length, SPEC);
    };
    // Found by the protect stream property test: `mail` on the next line made `0@0` an e-mail address.
    expect(at('13812345678 mobile', '13812345678')).toBe(1);
    expect(at('13812345678\nmobile', '13812345678')).toBe(0);
    expect(at('13812345678\r\nmobile', '13812345678')).toBe(0);
    expect(at('mobile\n13812345678', '13812345678')).toBe(1);
  });
});
