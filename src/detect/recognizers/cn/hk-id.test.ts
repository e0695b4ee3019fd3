import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateHkId } from '../../../synth/cn.js';
import { createSeededRng } from '../../../synth/rng.js';
import { embedded, findingsOf, replaceAt, spans } from './__fixtures__/embed.js';
import { hkIdRecognizer as r } from './hk-id.js';

const K = 'HK_ID';

describe('hk.id', () => {
  it('hkIdRecognizer finds the reference vectors at exact offsets', () => {
    expect(spans(r, 'HKID: A123456(3)')).toEqual([[K, 6, 16]]);
    expect(spans(r, '香港身份证AB987654(3)。')).toEqual([[K, 5, 16]]);
    expect(spans(r, 'K034169(A)')).toEqual([[K, 0, 10]]);
    expect(spans(r, 'E364912(5)')).toEqual([[K, 0, 10]]);
    expect(spans(r, '{"hkid":"A123456(3)"}')).toEqual([[K, 9, 19]]);
    expect(spans(r, 'ID A1234563')).toEqual([[K, 3, 11]]);
  });

  it('hkIdRecognizer scores the bracketed form higher than the bare one', () => {
    expect(findingsOf(r, 'A123456(3)')[0]?.score).toBeCloseTo(0.85);
    expect(findingsOf(r, 'A1234563')[0]?.score).toBeCloseTo(0.55);
    expect(spans(r, 'EK4264533')).toEqual([]); // bare two-letter form: a passport shape too
    expect(spans(r, 'HKID EK4264533')).toEqual([[K, 5, 14]]);
    expect(findingsOf(r, '香港身份证 A123456(3)')[0]?.score).toBeGreaterThanOrEqual(0.95);
  });

  it('hkIdRecognizer reads a space before the bracketed check character', () => {
    expect(spans(r, 'A123456 (3)')).toEqual([[K, 0, 11]]);
    expect(spans(r, '我是香港居民，身份证号码A123456 (3)，想开个内地账户')).toEqual([[K, 12, 23]]);
    expect(spans(r, '{"hk_id":"AB987654 (3)","tw_id":"A123456789"}')).toEqual([[K, 10, 22]]);
    expect(spans(r, '香港身份证：E364912 （5）\n姓名')).toEqual([[K, 6, 17]]);
    expect(findingsOf(r, 'A123456 (3)')[0]?.score).toBeCloseTo(0.8);
    for (const t of ['A123456 (4)', 'A123456  (3)', 'A123456 (3', 'A123456 (3)X', 'A123456 (33)', 'A123456 -(3)']) {
      expect(spans(r, t), t).toEqual([]);
    }
  });

  it('hkIdRecognizer rejects wrong checks, lower case and other shapes', () => {
    for (const t of [
      'A123456(4)',
      'K034169(1)',
      'a123456(3)',
      'ABC123456(3)',
      'A12345(3)',
      'A123456(3)X',
      'xA123456(3)',
      'A1234564',
    ]) {
      expect(spans(r, t), t).toEqual([]);
    }
  });

  it('hkIdRecognizer finds generated numbers in random text and rejects single-digit changes', () => {
    fc.assert(
      fc.property(embedded(generateHkId), ({ text, start, end }) => {
        expect(spans(r, text)).toEqual([[K, start, end]]);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), fc.nat(5), fc.integer({ min: 1, max: 9 }), (seed, k, d) => {
        const id = generateHkId(createSeededRng(seed), { twoLetters: false });
        const i = 1 + k;
        expect(spans(r, replaceAt(id, i, String((Number(id[i]) + d) % 10)))).toEqual([]);
      }),
    );
  });
});
