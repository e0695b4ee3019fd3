import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateLandline } from '../../../synth/cn.js';
import { embedded, findingsOf, spans } from './__fixtures__/embed.js';
import { landlineRecognizer as r } from './landline.js';

const L = 'CN_LANDLINE';

describe('cn.landline', () => {
  it('landlineRecognizer finds the written layouts of reference §2.2 at exact offsets', () => {
    expect(spans(r, '电话：010-62345678')).toEqual([[L, 3, 15]]);
    expect(spans(r, '(010)62345678')).toEqual([[L, 0, 13]]);
    expect(spans(r, '(0755) 23456789')).toEqual([[L, 0, 15]]);
    expect(spans(r, '021 87654321')).toEqual([[L, 0, 12]]);
    expect(spans(r, '0755-23456789')).toEqual([[L, 0, 13]]);
    expect(spans(r, '0936-4211235')).toEqual([[L, 0, 12]]);
    expect(spans(r, '0571 8888 6666')).toEqual([[L, 0, 14]]);
    expect(spans(r, '010-6234-5678')).toEqual([[L, 0, 13]]);
    expect(spans(r, '办公室０１０－６２３４５６７８')).toEqual([[L, 3, 15]]);
  });

  it('landlineRecognizer reads international forms and extensions into one finding', () => {
    expect(spans(r, '+86 10 6234 5678')).toEqual([[L, 0, 16]]);
    expect(spans(r, '+86-755-23456789')).toEqual([[L, 0, 16]]);
    expect(spans(r, '+86 (0)755 2345 6789')).toEqual([[L, 0, 20]]);
    expect(spans(r, '0086 10 62345678')).toEqual([[L, 0, 16]]);
    expect(spans(r, '+861062345678')).toEqual([[L, 0, 13]]);
    expect(spans(r, '010-62345678转8021')).toEqual([[L, 0, 17]]);
    expect(spans(r, '010-62345678-8021')).toEqual([[L, 0, 17]]);
    expect(spans(r, '010-62345678 ext. 8021')).toEqual([[L, 0, 22]]);
    expect(spans(r, '010-62345678 x8021')).toEqual([[L, 0, 18]]);
    expect(spans(r, '010-62345678#8021')).toEqual([[L, 0, 17]]);
    expect(spans(r, '(010)62345678分机8021')).toEqual([[L, 0, 19]]);
  });

  it('landlineRecognizer finds numbers in JSON, CSV, URLs, logs and HTML', () => {
    expect(spans(r, '{"tel":"010-62345678"}')).toEqual([[L, 8, 20]]);
    expect(spans(r, '公司,0755-23456789,深圳')).toEqual([[L, 3, 16]]);
    expect(spans(r, '<td>021-87654321</td>')).toEqual([[L, 4, 16]]);
    expect(spans(r, 'call 0571 8888 6666 today')).toEqual([[L, 5, 19]]);
  });

  it('landlineRecognizer rejects unused area codes, wrong local lengths and local numbers starting 0 or 1', () => {
    for (const bad of [
      '026-62345678',
      '010-6234567',
      '010-12345678',
      '0755-0234567',
      '010-623456789',
      '0000-1234567',
    ]) {
      expect(spans(r, `电话 ${bad}`), bad).toEqual([]);
    }
  });

  it('landlineRecognizer reports an unseparated number that stands alone, higher with a label', () => {
    const score = (t: string) => findingsOf(r, t)[0]?.score ?? 0;
    expect(spans(r, '01062345678')).toEqual([[L, 0, 11]]);
    expect(spans(r, '075523456789')).toEqual([[L, 0, 12]]);
    expect(score('01062345678')).toBeGreaterThanOrEqual(0.6);
    expect(score('01062345678')).toBeLessThan(0.75);
    expect(spans(r, '座机 01062345678')).toEqual([[L, 3, 14]]);
    expect(score('座机 01062345678')).toBeGreaterThanOrEqual(0.85);
    expect(spans(r, 'tel:075523456789')).toEqual([[L, 4, 16]]);
    expect(spans(r, '请失主联系07933983798。')).toEqual([[L, 5, 16]]);
    expect(score('请失主联系07933983798。')).toBeGreaterThanOrEqual(0.85);
    expect(spans(r, '{"tel":"02187654321"}')).toEqual([[L, 8, 19]]);
  });

  it('landlineRecognizer finds numbers in table columns whatever the other headers say', () => {
    // Rows of a CSV export: `座机` is the third column; `卡号`/`身份证` headers sit nearer than it.
    const csv =
      '序号,姓名,座机,银行卡号,地址\n1,孙欣怡,07985315890,6222021234567894,北京\n2,郝杰,0354-8997680,6217001234567890122,上海';
    const a = csv.indexOf('07985315890');
    const b = csv.indexOf('0354-8997680');
    expect(spans(r, csv)).toEqual([
      [L, a, a + 11],
      [L, b, b + 12],
    ]);
    const ids = '序号,姓名,座机,身份证号\n1,姜鹏,0357-3259743,310109194603061234';
    const c = ids.indexOf('0357');
    expect(spans(r, ids)).toEqual([[L, c, c + 12]]);
  });

  it('landlineRecognizer leaves unseparated digit runs that are pieces of tokens, paths, amounts or decimals', () => {
    for (const t of [
      '550e8400-e29b-41d4-a716-075523456789',
      'API_TOKEN=xoxb-075523456789-39179723286',
      'GET /orders/075523456789 200',
      'x_075523456789',
      '075523456789_x',
      '075523456789.5',
      '3.075523456789',
      '¥075523456789',
      '075523456789@qq.com',
      '#075523456789',
      '075523456789-abc',
      '订单号 075523456789',
      '金额：02187654321',
      '07552345678', // 0755 takes 8-digit local numbers
      '01012345678', // local numbers never start with 1
      '0262345678901',
    ]) {
      expect(spans(r, t), t).toEqual([]);
    }
  });

  it('landlineRecognizer reports 400/800 numbers as organisational and ignores short service codes', () => {
    const [f] = findingsOf(r, '客服热线 400-810-8888');
    expect(f).toMatchObject({ start: 5, end: 17, subject: 'organisation', attrs: { service: '400' } });
    expect(spans(r, '800-810-8888')).toEqual([[L, 0, 12]]);
    expect(spans(r, '400 810 8888')).toEqual([[L, 0, 12]]);
    expect(spans(r, '4008108888')).toEqual([[L, 0, 10]]);
    expect(spans(r, '400-81-08888')).toEqual([]);
    expect(findingsOf(r, '客服 400-8108-888')).toMatchObject([{ start: 3, end: 15, subject: 'organisation' }]);
    expect(spans(r, 'reply@shop.example.org</a> or 400-9761-410</p>')).toEqual([[L, 30, 42]]);
    expect(spans(r, '400-8108-8888')).toEqual([]);
    expect(spans(r, '400-8108-88')).toEqual([]);
    expect(spans(r, '400-8108 888')).toEqual([]);
    expect(spans(r, '+86 400-810-8888')).toEqual([[L, 0, 16]]);
    expect(spans(r, '95588')).toEqual([]);
    expect(spans(r, '请拨打96110')).toEqual([]);
    expect(spans(r, '10086')).toEqual([]);
    expect(findingsOf(r, '010-62345678')[0]?.subject).toBeUndefined();
  });

  it('landlineRecognizer leaves 800 numbers of other countries to the international phone recognizer', () => {
    for (const t of ['is +81 800 806 6453 still', '(+81) 800-806-6453', '+1-800-806-6453', '001 800 806 6453']) {
      expect(spans(r, t), t).toEqual([]);
    }
    expect(spans(r, '2 800 806 6453')).toEqual([[L, 2, 14]]);
  });

  it('landlineRecognizer ignores dates, versions, longer runs and glued words', () => {
    for (const t of [
      '2024-05-01 10:00',
      'v0.755.2345',
      '0106234567890',
      'a010-62345678',
      '010-62345678b',
      '1234 0571 8888 6666',
      '550e8400-e29b-41d4-a716-446655440000',
      '订单号 010-62345678',
    ]) {
      expect(spans(r, t), t).toEqual([]);
    }
  });

  it('landlineRecognizer reports masked numbers as masked', () => {
    expect(findingsOf(r, '电话 010-****5678').map((f) => [f.start, f.end, f.masked])).toEqual([[3, 15, true]]);
    expect(findingsOf(r, '0755-2345****').map((f) => [f.start, f.end, f.masked])).toEqual([[0, 13, true]]);
  });

  it('landlineRecognizer finds generated numbers embedded in random text at exact offsets', () => {
    fc.assert(
      fc.property(
        embedded((rng) => generateLandline(rng)),
        ({ text, start, end }) => {
          expect(spans(r, text)).toEqual([[L, start, end]]);
        },
      ),
    );
  });
});
