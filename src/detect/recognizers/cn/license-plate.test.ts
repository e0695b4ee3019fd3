import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatePlate } from '../../../synth/cn.js';
import { embedded, findingsOf, spans } from './__fixtures__/embed.js';
import { licensePlateRecognizer as r } from './license-plate.js';

const C = 'CN_LICENSE_PLATE';

describe('cn.license-plate', () => {
  it('licensePlateRecognizer finds the reference vectors at exact offsets', () => {
    for (const p of [
      '京A12345',
      '沪AD12345',
      '粤B12345D',
      '苏E12345F',
      '粤Z1234港',
      '京A1234学',
      '京A1234警',
      '沪A1234领',
      '黑B1234挂',
    ]) {
      expect(spans(r, `车牌${p}，`), p).toEqual([[C, 2, 2 + p.length]]);
    }
    expect(spans(r, '京A·12345')).toEqual([[C, 0, 8]]);
    expect(spans(r, '京A 12345')).toEqual([[C, 0, 8]]);
    expect(spans(r, '{"plate":"浙A8B8N9"}')).toEqual([[C, 10, 17]]);
    expect(spans(r, '车主张三驾驶川A12345于')).toEqual([[C, 6, 13]]);
  });

  it('licensePlateRecognizer reads a hyphen after the authority letter', () => {
    expect(spans(r, '车牌藏A-37856的车挡住我家车库了')).toEqual([[C, 2, 10]]);
    expect(spans(r, '{"vin":"LJDSDM786RC875366","plate":"渝R-44381","owner":"闫华"}')).toEqual([[C, 36, 44]]);
    expect(spans(r, 'INFO vehicle 川R-077L7 entered gate 3')).toEqual([[C, 13, 21]]);
    expect(spans(r, '车架号LBV5RVHG0XM467901，号牌宁Q-DW5845')).toEqual([[C, 23, 32]]);
    expect(spans(r, '车辆新J-72923在菜市场旁违停')).toEqual([[C, 2, 10]]);
    for (const t of ['京A-12345-01', '京A-1234', '京A--12345', '京I-12345', '京A-12345B', '京-A12345']) {
      expect(spans(r, t), t).toEqual([]);
    }
  });

  it('licensePlateRecognizer keeps plates whose row holds address words in other cells', () => {
    const csv = '序号,姓名,地址,车牌号\n1,韦栋鹏,北京市海淀区中关村大街1号3栋,桂D71439';
    expect(spans(r, csv)).toEqual([[C, csv.length - 7, csv.length]]);
    expect(spans(r, '3栋桂D71439')).toEqual([]);
  });

  it('licensePlateRecognizer rejects I/O, wrong lengths, bad new-energy shapes and lower case', () => {
    for (const t of [
      '京I12345',
      '京AO1234',
      '京A1234',
      '京AD1234A',
      '京a12345',
      '京A123456',
      '京ABCDEF',
      '京A12345B',
      '北京A座12层',
    ]) {
      expect(spans(r, t), t).toEqual([]);
    }
  });

  it('licensePlateRecognizer scores labels and special plates higher', () => {
    expect(findingsOf(r, '京A12345')[0]?.score).toBeCloseTo(0.75);
    expect(findingsOf(r, '沪AD12345')[0]?.score).toBeCloseTo(0.8);
    expect(findingsOf(r, '车牌号：京A12345')[0]?.score).toBeCloseTo(0.95);
  });

  it('licensePlateRecognizer reports masked plates and labelled embassy plates', () => {
    expect(findingsOf(r, '京A***45').map((f) => [f.start, f.end, f.masked])).toEqual([[0, 7, true]]);
    expect(findingsOf(r, '沪AD****5').map((f) => [f.start, f.end, f.masked])).toEqual([[0, 8, true]]);
    expect(spans(r, '车牌 使014578')).toEqual([[C, 3, 10]]);
    expect(spans(r, '使014578')).toEqual([]);
  });

  it('licensePlateRecognizer finds generated plates in random text at exact offsets', () => {
    fc.assert(
      fc.property(embedded(generatePlate), ({ text, start, end }) => {
        expect(spans(r, text)).toEqual([[C, start, end]]);
      }),
    );
  });
});
