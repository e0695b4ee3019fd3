import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateResidentId } from '../../../synth/cn.js';
import { createSeededRng } from '../../../synth/rng.js';
import { mod112CheckChar } from '../../validators/mod11-2.js';
import { embedded, findingsOf, replaceAt, spans } from './__fixtures__/embed.js';
import { residentIdRecognizer as r } from './resident-id.js';

const year = new Date().getUTCFullYear();

describe('cn.resident-id', () => {
  it('residentIdRecognizer finds valid numbers at exact offsets in glued Chinese text', () => {
    expect(spans(r, '身份证号：110101199003071233')).toEqual([['CN_RESIDENT_ID', 5, 23]]);
    expect(spans(r, '身份证号110101199003071233，男')).toEqual([['CN_RESIDENT_ID', 4, 22]]);
    expect(spans(r, '11010519491231002X')).toEqual([['CN_RESIDENT_ID', 0, 18]]);
    expect(spans(r, '11010519491231002x')).toEqual([['CN_RESIDENT_ID', 0, 18]]);
    expect(spans(r, '１１０１０５１９４９１２３１００２Ｘ')).toEqual([['CN_RESIDENT_ID', 0, 18]]);
    expect(spans(r, '310104198807201234 and 65010219731108651X')).toEqual([
      ['CN_RESIDENT_ID', 0, 18],
      ['CN_RESIDENT_ID', 23, 41],
    ]);
  });

  it('residentIdRecognizer finds numbers inside JSON, CSV, URLs, log lines and HTML', () => {
    expect(spans(r, '{"idCard":"110101199003071233","name":"张三"}')).toEqual([['CN_RESIDENT_ID', 11, 29]]);
    expect(spans(r, '张三,110101199003071233,北京')).toEqual([['CN_RESIDENT_ID', 3, 21]]);
    expect(spans(r, 'https://x.cn/u?sfzh=110101199003071233&t=1')).toEqual([['CN_RESIDENT_ID', 20, 38]]);
    expect(spans(r, '2024-05-01 12:00:00 INFO verify id=110101199003071233 ok')).toEqual([['CN_RESIDENT_ID', 35, 53]]);
    expect(spans(r, '<td>110101199003071233</td>')).toEqual([['CN_RESIDENT_ID', 4, 22]]);
  });

  it('residentIdRecognizer derives province, age band and sex and flags holders under 14 as sensitive', () => {
    const [adult] = findingsOf(r, '身份证 11010519491231002X');
    expect(adult?.attrs).toEqual({ province: '11', ageBand: '75+', sex: 'female' });
    expect(adult?.sensitive).toBeUndefined();
    expect(adult?.subject).toBe('person');
    const childBody = `310104${year - 5}0615301`;
    const child = childBody + mod112CheckChar(childBody);
    const [minor] = findingsOf(r, `身份证 ${child}`);
    expect(minor?.attrs).toMatchObject({ ageBand: '<14', sex: 'male', province: '31' });
    expect(minor?.sensitive).toBe(true);
  });

  it('residentIdRecognizer scores context: labels raise, order-number words lower', () => {
    const bare = findingsOf(r, '110101199003071233')[0]!.score;
    const labelled = findingsOf(r, '身份证号码：110101199003071233')[0]!.score;
    const negative = findingsOf(r, '订单号：110101199003071233')[0]!.score;
    expect(bare).toBeGreaterThanOrEqual(0.85);
    expect(labelled).toBeGreaterThanOrEqual(0.95);
    expect(negative).toBeLessThan(bare);
    expect(negative).toBeGreaterThanOrEqual(0.5);
  });

  it('residentIdRecognizer marks social-security usage', () => {
    expect(findingsOf(r, '社会保障号码：440306201501010037')[0]?.attrs).toMatchObject({ usage: 'social-security' });
    expect(findingsOf(r, '身份证：440306201501010037')[0]?.attrs?.usage).toBeUndefined();
  });

  it('residentIdRecognizer rejects a birth date of tomorrow', () => {
    const t = new Date(Date.now() + 8 * 3600_000 + 86_400_000);
    const d = `${t.getUTCFullYear()}${String(t.getUTCMonth() + 1).padStart(2, '0')}${String(t.getUTCDate()).padStart(2, '0')}`;
    const body = `310104${d}001`;
    expect(spans(r, `身份证 ${body}${mod112CheckChar(body)}`)).toEqual([]);
  });

  it('residentIdRecognizer rejects wrong check characters, impossible dates and unused provinces', () => {
    for (const bad of [
      '110105194912310021', // check should be X
      '440524188001010014', // valid check, but born 1880: older than 130
      '310104198807201235',
      '510107190002290045', // 1900-02-29
      '990105194912310021',
      '100105194912310021',
      '110105194902300021',
      '110105209901010012', // future (valid check)
      '110005194912310024', // prefecture 00
    ]) {
      expect(spans(r, `身份证 ${bad}`), bad).toEqual([]);
    }
  });

  it('residentIdRecognizer ignores longer digit runs, letter-glued runs and residence permits', () => {
    expect(spans(r, '1110101199003071233')).toEqual([]);
    expect(spans(r, '1101011990030712331')).toEqual([]);
    expect(spans(r, 'a110101199003071233')).toEqual([]);
    expect(spans(r, '110101199003071233b')).toEqual([]);
    expect(spans(r, 'f3a9110101199003071233c0de')).toEqual([]);
    expect(spans(r, '11010519491231002XY')).toEqual([]);
    expect(spans(r, '810000199001010019')).toEqual([]);
    expect(spans(r, '550e8400-e29b-41d4-a716-446655440000')).toEqual([]);
    expect(spans(r, '1715000000000 1715000000000000000')).toEqual([]);
  });

  it('residentIdRecognizer reads the spaced 6-8-4 layout', () => {
    expect(spans(r, '身份证 110105 19491231 002X')).toEqual([['CN_RESIDENT_ID', 4, 24]]);
    expect(spans(r, '110105-19491231-002X')).toEqual([['CN_RESIDENT_ID', 0, 20]]);
    expect(spans(r, '110105 19491231 0021')).toEqual([]);
    expect(spans(r, '110105 19491231-002X')).toEqual([]);
  });

  it('residentIdRecognizer accepts legacy 15-digit numbers only next to an identity-card label', () => {
    expect(spans(r, '原身份证号码110105491231002')).toEqual([['CN_RESIDENT_ID', 6, 21]]);
    const [f] = findingsOf(r, '身份证：110105491231002');
    expect(f?.attrs).toMatchObject({ legacy: true, sex: 'female', province: '11' });
    expect(spans(r, '110105491231002')).toEqual([]);
    expect(spans(r, 'ID 110105491231002')).toEqual([]);
    expect(spans(r, '身份证：110105491331002')).toEqual([]); // month 13
    expect(spans(r, 'IMEI：110105491231002')).toEqual([]);
  });

  it('residentIdRecognizer reports masked numbers as masked', () => {
    for (const [text, start] of [
      ['证件号 110105********002X', 4],
      ['1101**********123X', 0],
      ['身份证：110***********002X', 4],
      ['1***************2X', 0],
    ] as const) {
      const got = findingsOf(r, text);
      expect(
        got.map((f) => [f.start, f.end, f.masked]),
        text,
      ).toEqual([[start, start + 18, true]]);
    }
    expect(spans(r, '990105********002X')).toEqual([]);
    expect(spans(r, '110105**002X')).toEqual([]);
    expect(spans(r, '110105********002X5')).toEqual([]);
  });

  it('residentIdRecognizer finds generated numbers embedded in random text at exact offsets', () => {
    fc.assert(
      fc.property(
        embedded((rng) => generateResidentId(rng)),
        ({ text, start, end }) => {
          const got = findingsOf(r, text);
          expect(got.map((f) => [f.type, f.start, f.end])).toEqual([['CN_RESIDENT_ID', start, end]]);
        },
      ),
    );
  });

  it('residentIdRecognizer rejects every single-digit change of a valid number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), fc.nat(16), fc.integer({ min: 1, max: 9 }), (seed, i, d) => {
        const id = generateResidentId(createSeededRng(seed));
        const changed = replaceAt(id, i, String((Number(id[i]) + d) % 10));
        expect(spans(r, `身份证号 ${changed}`)).toEqual([]);
      }),
    );
  });
});
