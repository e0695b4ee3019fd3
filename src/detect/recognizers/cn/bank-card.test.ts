import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateBankCard } from '../../../synth/cn.js';
import { createSeededRng } from '../../../synth/rng.js';
import { luhnCheckDigit } from '../../validators/luhn.js';
import { embedded, findingsOf, replaceAt, spans } from './__fixtures__/embed.js';
import { bankCardRecognizer as r } from './bank-card.js';

const B = 'CN_BANK_CARD';
const withCheck = (payload: string) => payload + luhnCheckDigit(payload);

describe('cn.bank-card', () => {
  it('bankCardRecognizer finds the reference vectors at exact offsets', () => {
    expect(spans(r, '6217001234567890122')).toEqual([[B, 0, 19]]);
    expect(spans(r, '6222021234567894')).toEqual([[B, 0, 16]]);
    expect(spans(r, '621483123456789014')).toEqual([[B, 0, 18]]);
    expect(spans(r, '8100001234567899')).toEqual([[B, 0, 16]]);
    expect(spans(r, '卡号6217001234567890122，请核对')).toEqual([[B, 2, 21]]);
    expect(spans(r, '卡号：６２１７００１２３４５６７８９０１２２')).toEqual([[B, 3, 22]]);
  });

  it('bankCardRecognizer finds each card of a space-separated list', () => {
    expect(spans(r, '6222021234567894 6217001234567890122')).toEqual([
      [B, 0, 16],
      [B, 17, 36],
    ]);
  });

  it('bankCardRecognizer reads grouped layouts', () => {
    expect(spans(r, '6222 0212 3456 7890 123'.replace(/.$/, '') + luhnCheckDigit('622202123456789012'))).toEqual([
      [B, 0, 23],
    ]);
    expect(spans(r, '6222-0212-3456-7894')).toEqual([[B, 0, 19]]);
    expect(spans(r, '622202 1234567894')).toEqual([[B, 0, 17]]);
    expect(spans(r, '6222 0212 3456 7895')).toEqual([]);
    expect(spans(r, '6222 0212-3456 7894')).toEqual([]);
  });

  it('bankCardRecognizer finds cards in JSON, CSV, URLs, logs and HTML', () => {
    expect(spans(r, '{"cardNo":"6222021234567894"}')).toEqual([[B, 11, 27]]);
    expect(spans(r, '张三,6217001234567890122,工行')).toEqual([[B, 3, 22]]);
    expect(spans(r, '/pay?card=6222021234567894&amt=1')).toEqual([[B, 10, 26]]);
    expect(spans(r, 'INFO bind card 6222021234567894 ok')).toEqual([[B, 15, 31]]);
    expect(spans(r, '<td>6222 0212 3456 7894</td>')).toEqual([[B, 4, 23]]);
  });

  it('bankCardRecognizer labels UnionPay and the issuer from the BIN table', () => {
    const icbc = withCheck('622202123456789012');
    expect(findingsOf(r, icbc)[0]?.attrs).toEqual({ network: 'unionpay', bank: 'ICBC', kind: 'debit', luhn: true });
    const ccbVisa = withCheck('436742123456789012'); // CCB 龙卡 debit, 19 digits
    const [f] = findingsOf(r, ccbVisa);
    expect(f?.attrs).toEqual({ bank: 'CCB', kind: 'debit', luhn: true });
    expect(f?.score).toBeGreaterThanOrEqual(0.85);
  });

  it('bankCardRecognizer reports Luhn failures on UnionPay numbers only with a card label', () => {
    expect(spans(r, '6217001234567890123')).toEqual([]);
    const [f] = findingsOf(r, '银行卡号：6217001234567890123');
    expect(f).toMatchObject({ start: 5, end: 24, attrs: { luhn: false } });
    expect(f?.score).toBeLessThan(0.7);
    expect(spans(r, '卡号 4367421234567890123')).toEqual([]); // not UnionPay, Luhn fails: not a card
  });

  it('bankCardRecognizer ignores non-Chinese cards, order numbers, longer runs and glued words', () => {
    for (const t of [
      '4111111111111111', // a Visa test card, not a Chinese BIN
      '1234567812345678',
      '订单号 6217001234567890122',
      '62170012345678901220',
      'x6217001234567890122',
      '6217001234567890122y',
      '1 6222 0212 3456 7894',
      '6222 0212 3456 7894 1',
      '6222 0212 3456 7894 1234',
      '550e8400-e29b-41d4-a716-446655440000',
    ]) {
      expect(
        findingsOf(r, t).filter((x) => x.score >= 0.5),
        t,
      ).toEqual([]);
    }
  });

  it('bankCardRecognizer lets a Gansu resident ID that happens to pass Luhn go unless labelled as a card', () => {
    // 620102 + 1990-01-01 + 123 + MOD 11-2 check, and Luhn-valid as a digit string.
    let id = '';
    for (let seq = 100; seq < 999; seq++) {
      const body = `62010219900101${seq}`;
      let p = 0;
      for (const ch of body) p = ((p + Number(ch)) * 2) % 11;
      const v = (12 - p) % 11;
      if (v === 10) continue;
      const cand = body + String(v);
      if (withCheck(cand.slice(0, 17)) === cand) {
        id = cand;
        break;
      }
    }
    expect(id).not.toBe('');
    expect(findingsOf(r, id)[0]?.score).toBeLessThanOrEqual(0.6);
    expect(findingsOf(r, `卡号 ${id}`)[0]?.score).toBeGreaterThanOrEqual(0.95);
  });

  it('bankCardRecognizer reports masked cards as masked', () => {
    for (const [text, start, end] of [
      ['尾号 6222 **** **** 7894', 3, 22],
      ['622202******7894', 0, 16],
      ['6217 **** **** **** 122', 0, 23],
      ['6222-****-****-7894', 0, 19],
    ] as const) {
      expect(
        findingsOf(r, text).map((f) => [f.start, f.end, f.masked]),
        text,
      ).toEqual([[start, end, true]]);
    }
    expect(spans(r, '4367 **** **** 7894')).toEqual([]);
    expect(spans(r, '6222 **** 7894')).toEqual([]);
  });

  it('bankCardRecognizer finds generated cards embedded in random text at exact offsets', () => {
    fc.assert(
      fc.property(
        embedded((rng) => generateBankCard(rng)),
        ({ text, start, end }) => {
          expect(spans(r, text)).toEqual([[B, start, end]]);
        },
      ),
    );
  });

  it('bankCardRecognizer drops a generated card after any single-digit change unless labelled', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0x7fffffff }),
        fc.nat(18),
        fc.integer({ min: 1, max: 9 }),
        (seed, at, d) => {
          const card = generateBankCard(createSeededRng(seed));
          const i = 2 + (at % (card.length - 2)); // keep the 62 prefix: the change must be caught by Luhn
          const changed = replaceAt(card, i, String((Number(card[i]) + d) % 10));
          expect(spans(r, changed)).toEqual([]);
        },
      ),
    );
  });
});
