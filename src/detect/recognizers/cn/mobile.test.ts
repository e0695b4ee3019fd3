import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CN_MOBILE_PREFIXES, generateMobile } from '../../../synth/cn.js';
import { createSeededRng } from '../../../synth/rng.js';
import { embedded, findingsOf, spans } from './__fixtures__/embed.js';
import { mobileRecognizer as r } from './mobile.js';

const M = 'CN_MOBILE';

describe('cn.mobile', () => {
  it('mobileRecognizer finds bare numbers glued to Chinese text at exact offsets', () => {
    expect(spans(r, '手机13812345678')).toEqual([[M, 2, 13]]);
    expect(spans(r, '联系电话13812345678王先生')).toEqual([[M, 4, 15]]);
    expect(spans(r, '13812345678')).toEqual([[M, 0, 11]]);
    expect(spans(r, '手机：１３８１２３４５６７８')).toEqual([[M, 3, 14]]);
    expect(spans(r, '13812345678,13912345678')).toEqual([
      [M, 0, 11],
      [M, 12, 23],
    ]);
  });

  it('mobileRecognizer reads grouped layouts and country prefixes into one finding', () => {
    expect(spans(r, '电话 138 1234 5678')).toEqual([[M, 3, 16]]);
    expect(spans(r, '138-1234-5678')).toEqual([[M, 0, 13]]);
    expect(spans(r, '138 12345678')).toEqual([[M, 0, 12]]);
    expect(spans(r, '1381234 5678')).toEqual([[M, 0, 12]]);
    expect(spans(r, '138—1234—5678')).toEqual([[M, 0, 13]]);
    expect(spans(r, 'call +86 138 1234 5678 now')).toEqual([[M, 5, 22]]);
    expect(spans(r, '+86-138-1234-5678')).toEqual([[M, 0, 17]]);
    expect(spans(r, '+8613812345678')).toEqual([[M, 0, 14]]);
    expect(spans(r, '0086-138-1234-5678')).toEqual([[M, 0, 18]]);
    expect(spans(r, '008613812345678')).toEqual([[M, 0, 15]]);
    expect(spans(r, '(+86)138-1234-5678')).toEqual([[M, 0, 18]]);
    expect(spans(r, '(86) 13812345678')).toEqual([[M, 0, 16]]);
    expect(spans(r, '86-13812345678')).toEqual([[M, 0, 14]]);
    expect(spans(r, '8613812345678')).toEqual([[M, 0, 13]]);
  });

  it('mobileRecognizer finds numbers in JSON, CSV, URLs, logs and HTML', () => {
    expect(spans(r, '{"phone":"13812345678"}')).toEqual([[M, 10, 21]]);
    expect(spans(r, '王五,13812345678,上海')).toEqual([[M, 3, 14]]);
    expect(spans(r, 'https://a.cn/?mobile=13812345678&x=1')).toEqual([[M, 21, 32]]);
    expect(spans(r, '[INFO] sms sent to 13812345678 in 12ms')).toEqual([[M, 19, 30]]);
    expect(spans(r, '<a href="tel:+8613812345678">call</a>')).toEqual([[M, 13, 27]]);
  });

  it('mobileRecognizer accepts every current prefix and rejects unallocated ones', () => {
    for (const p of ['162', '165', '166', '167', '192', '193', '199', '145', '147', '149', '170', '173', '178']) {
      expect(spans(r, `${p}12345678`), p).toEqual([[M, 0, 11]]);
    }
    for (const p of ['154', '194', '140', '141', '144', '120', '110', '100', '168', '169', '179']) {
      expect(spans(r, `${p}12345678`), p).toEqual([]);
    }
    expect(spans(r, '17400123456')).toEqual([[M, 0, 11]]);
    expect(spans(r, '17406123456')).toEqual([]);
    expect(spans(r, '17412345678')).toEqual([]);
  });

  it('mobileRecognizer labels the original carrier', () => {
    expect(findingsOf(r, '13812345678')[0]?.attrs).toEqual({ carrier: 'mobile' });
    expect(findingsOf(r, '13012345678')[0]?.attrs).toEqual({ carrier: 'unicom' });
    expect(findingsOf(r, '18912345678')[0]?.attrs).toEqual({ carrier: 'telecom' });
    expect(findingsOf(r, '19212345678')[0]?.attrs).toEqual({ carrier: 'broadnet' });
    expect(findingsOf(r, '13491234567')[0]?.attrs).toEqual({ carrier: 'telecom' });
    expect(findingsOf(r, '17051234567')[0]?.attrs).toEqual({ carrier: 'mobile' });
    expect(findingsOf(r, '170 7123 4567')[0]?.attrs).toEqual({ carrier: 'unicom' });
  });

  it('mobileRecognizer scores by layout and context', () => {
    const score = (t: string) => findingsOf(r, t)[0]?.score ?? 0;
    expect(score('13812345678')).toBeCloseTo(0.75);
    expect(score('138 1234 5678')).toBeCloseTo(0.8);
    expect(score('+86 13812345678')).toBeCloseTo(0.85);
    expect(score('手机号：13812345678')).toBeGreaterThanOrEqual(0.95);
    expect(score('订单号：13812345678')).toBeLessThan(0.5);
  });

  it('mobileRecognizer reads em-dash layouts, the doubled Chinese dash included', () => {
    expect(spans(r, '寄：蒋美芬 186—1352—6580')).toEqual([[M, 6, 19]]);
    expect(spans(r, '138——1234——5678')).toEqual([[M, 0, 15]]);
    expect(spans(r, '手机：138——1234——5678。')).toEqual([[M, 3, 18]]);
    expect(spans(r, '138--1234--5678')).toEqual([[M, 0, 15]]);
    expect(spans(r, '138 -- 1234 -- 5678')).toEqual([]);
    expect(spans(r, '138——1234—5678')).toEqual([]);
    expect(spans(r, '138——1234——5678——9012')).toEqual([]);
    expect(spans(r, '138———1234———5678')).toEqual([]);
  });

  it('mobileRecognizer does not let a label of the next value or of an earlier clause sink a number', () => {
    // The second number of a list, followed by the label of the next field.
    const list = '曾用手机号15917036001、17377669319，QQ邮箱a@b.com';
    expect(spans(r, list)).toEqual([
      [M, 5, 16],
      [M, 17, 28],
    ]);
    expect(spans(r, '曾用手机号13871468189、188—2502—6382，QQ邮箱a@b.com')).toEqual([
      [M, 5, 16],
      [M, 17, 30],
    ]);
    // A waybill label on the next line, an invoice earlier in the sentence.
    expect(spans(r, '寄：韦茹娜 150 1418 2010\n运单号：SF4437762266517')).toEqual([[M, 6, 19]]);
    expect(spans(r, '麻烦把发票寄到海南省东方市朝阳大道105号，江信收，14762452086')).toEqual([[M, 26, 37]]);
    // CSV cells: a `QQ` header or cell elsewhere on the row names another column.
    expect(spans(r, '序号,姓名,手机号,QQ\n1,莫建华,17281436762,7465546')).toEqual([[M, 19, 30]]);
    // A negative label of the number itself still counts.
    for (const t of ['订单号：13812345678', '13812345678是我的QQ号', 'QQ 13812345678，手机见下', '工号13812345678']) {
      expect(spans(r, t), t).toEqual([]);
    }
  });

  it('mobileRecognizer never fires inside longer digit runs, grouped numbers or letter-glued words', () => {
    expect(spans(r, '138123456789')).toEqual([]);
    expect(spans(r, '913812345678')).toEqual([]);
    expect(spans(r, '1715000000000')).toEqual([]); // a millisecond timestamp
    expect(spans(r, '6222 138 1234 5678')).toEqual([]);
    expect(spans(r, '138 1234 5678 9012')).toEqual([]);
    expect(spans(r, 'a13812345678')).toEqual([]);
    expect(spans(r, '13812345678b')).toEqual([]);
    expect(spans(r, 'tel13812345678')).toEqual([[M, 3, 14]]);
    expect(spans(r, '1381234567')).toEqual([]);
    expect(spans(r, '138 1234 567')).toEqual([]);
    expect(spans(r, '138-1234 5678')).toEqual([]);
    expect(spans(r, '1986 13812345678')).toEqual([[M, 5, 16]]);
    expect(spans(r, 'v1.13812345678')).toEqual([[M, 3, 14]]);
    expect(spans(r, '550e8400-e29b-41d4-a716-446655440000')).toEqual([]);
  });

  it('mobileRecognizer reports 3+4 masked numbers as masked', () => {
    for (const [text, start, end] of [
      ['手机：138****5678', 3, 14],
      ['138 **** 5678', 0, 13],
      ['138-****-5678', 0, 13],
      ['+86 138****5678', 0, 15],
    ] as const) {
      expect(
        findingsOf(r, text).map((f) => [f.start, f.end, f.masked]),
        text,
      ).toEqual([[start, end, true]]);
    }
    expect(spans(r, '154****5678')).toEqual([]);
    expect(spans(r, '138***5678')).toEqual([]);
    expect(spans(r, '138 ****-5678')).toEqual([]);
  });

  it('mobileRecognizer finds generated numbers embedded in random text at exact offsets', () => {
    fc.assert(
      fc.property(
        embedded((rng) => generateMobile(rng)),
        ({ text, start, end }) => {
          expect(spans(r, text)).toEqual([[M, start, end]]);
        },
      ),
    );
  });

  it('mobileRecognizer finds every generated prefix in every layout', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CN_MOBILE_PREFIXES), fc.integer({ min: 0, max: 0x7fffffff }), (prefix, seed) => {
        const m = generateMobile(createSeededRng(seed), { prefix });
        const forms = [m, `${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}`, `+86 ${m}`, `0086-${m}`];
        for (const f of forms) expect(spans(r, `手机：${f}。`), f).toEqual([[M, 3, 3 + f.length]]);
      }),
    );
  });
});
