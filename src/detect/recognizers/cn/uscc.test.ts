import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateResidentId, generateUscc } from '../../../synth/cn.js';
import { createSeededRng } from '../../../synth/rng.js';
import { USCC_ALPHABET } from '../../validators/gb32100.js';
import { embedded, findingsOf, replaceAt, spans } from './__fixtures__/embed.js';
import { usccRecognizer as r } from './uscc.js';

const U = 'CN_USCC';

describe('cn.uscc', () => {
  it('usccRecognizer finds the reference vectors at exact offsets', () => {
    expect(spans(r, '统一社会信用代码：91110000600037341L')).toEqual([[U, 9, 27]]);
    expect(spans(r, '91230184MA1BUFLT44')).toEqual([[U, 0, 18]]);
    expect(spans(r, '公司91230184MA1BUFLT44成立于')).toEqual([[U, 2, 20]]);
    expect(spans(r, '{"uscc":"92371000MA3MXH0E3W"}')).toEqual([[U, 9, 27]]);
    expect(spans(r, '企业,91230184MA1BUFLT44,哈尔滨')).toEqual([[U, 3, 21]]);
    expect(spans(r, '?code=91230184MA1BUFLT44&p=1')).toEqual([[U, 6, 24]]);
    expect(spans(r, '<td>91230184MA1BUFLT44</td>')).toEqual([[U, 4, 22]]);
  });

  it('usccRecognizer tells individual businesses (persons) from organisations', () => {
    expect(findingsOf(r, '92371000MA3MXH0E3W')[0]).toMatchObject({
      subject: 'person',
      attrs: { kind: 'individual-business', province: '37' },
    });
    expect(findingsOf(r, '91230184MA1BUFLT44')[0]).toMatchObject({
      subject: 'organisation',
      attrs: { kind: 'enterprise', province: '23' },
    });
  });

  it('usccRecognizer needs a label for all-digit codes to score high', () => {
    expect(findingsOf(r, '911101085923662400')[0]?.score).toBeCloseTo(0.55);
    expect(findingsOf(r, '统一社会信用代码 911101085923662400')[0]?.score).toBeGreaterThanOrEqual(0.95);
    expect(findingsOf(r, '订单号 911101085923662400').filter((f) => f.score >= 0.5)).toEqual([]);
  });

  it('usccRecognizer accepts pilot-era codes that fail mod-31 only under a strong label', () => {
    expect(spans(r, '91350211M0000XUF46')).toEqual([]);
    const [f] = findingsOf(r, '统一社会信用代码：91350211M0000XUF46');
    expect(f).toMatchObject({ start: 9, end: 27, score: 0.6, attrs: { check: false } });
    expect(spans(r, '信用代码 91350100M0001TGQXM')).toEqual([[U, 5, 23]]);
    expect(spans(r, '营业执照 91350211M0000XUF46')).toEqual([]);
  });

  it('usccRecognizer rejects wrong checks, foreign characters, undefined prefixes and glued words', () => {
    for (const t of [
      '91110000600037341M',
      '91110000600037341I',
      '91110000600037341l',
      '94110000600037341L',
      '91990000600037341L',
      'a91230184MA1BUFLT44',
      '91230184MA1BUFLT44b',
      '91230184MA1BUFLT4',
      'da39a3ee5e6b4b0d3255bfef95601890afd80709',
      '550e8400-e29b-41d4-a716-446655440000',
    ]) {
      expect(spans(r, `统一社会信用代码 ${t}`), t).toEqual([]);
    }
  });

  it('usccRecognizer leaves resident IDs and foreign permanent-resident IDs to their recognizers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
        const id = generateResidentId(createSeededRng(seed));
        expect(spans(r, `信用代码 ${id}`)).toEqual([]);
      }),
    );
    expect(spans(r, '911440201803030027')).toEqual([]);
  });

  it('usccRecognizer finds generated codes embedded in random text at exact offsets', () => {
    fc.assert(
      fc.property(
        embedded((rng) => generateUscc(rng), '统一社会信用代码：'),
        ({ text, start, end }) => {
          expect(spans(r, text)).toEqual([[U, start, end]]);
        },
      ),
    );
    fc.assert(
      fc.property(
        embedded((rng) => generateUscc(rng, { orgType: '91', region: '110108' })),
        ({ text, start, end, value }) => {
          // Letters make the code unambiguous; all-digit ones (about a third) score below 0.9 without a label.
          const got = findingsOf(r, text);
          expect(got.map((f) => [f.start, f.end])).toEqual([[start, end]]);
          if (/[A-Z]/.test(value.slice(0, 17))) expect(got[0]?.score).toBeGreaterThanOrEqual(0.9);
        },
      ),
    );
  });

  it('usccRecognizer rejects every single-character change of a generated code', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0x7fffffff }),
        fc.nat(17),
        fc.integer({ min: 1, max: 30 }),
        (seed, i, d) => {
          const code = generateUscc(createSeededRng(seed));
          const next = USCC_ALPHABET[(USCC_ALPHABET.indexOf(code[i] as string) + d) % 31] as string;
          const changed = replaceAt(code, i, next);
          expect(findingsOf(r, changed).filter((f) => f.score >= 0.5)).toEqual([]);
          // Under a strong label only pilot-registry organisation codes (`M` + digit) may fail mod-31.
          const labelled = findingsOf(r, `统一社会信用代码：${changed}`);
          if (!/^M[0-9]/.test(changed.slice(8))) expect(labelled).toEqual([]);
        },
      ),
    );
  });
});
