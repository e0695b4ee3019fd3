import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateBankCard } from '../../../synth/cn.js';
import { createSeededRng } from '../../../synth/rng.js';
import { createAnalyzer } from '../../analyzer.js';
import { isLuhnValid, luhnCheckDigit } from '../../validators/luhn.js';
import { isMod112CheckCode, mod112CheckValueAt } from '../../validators/mod11-2.js';
import { embedded, findingsOf, replaceAt, spans } from './__fixtures__/embed.js';
import { bankCardRecognizer as r } from './bank-card.js';

const B = 'CN_BANK_CARD';
const withCheck = (payload: string) => payload + luhnCheckDigit(payload);

/** The recognizer alone with the threshold lowered to 0.4, as a user reviewing possible cards would set it. */
const low = createAnalyzer({ recognizers: [r], includeMasked: true, defaultThreshold: 0.4 });

/** A synthetic Gansu (`62…`) resident ID with a valid MOD 11-2 check that also passes Luhn. */
function gansuIdPassingLuhn(): string {
  for (let seq = 100; seq < 999; seq++) {
    const body = `62010219900101${seq}`;
    for (const check of '0123456789') {
      const id = body + check;
      if (isMod112CheckCode(mod112CheckValueAt(id, 0, 17), id.charCodeAt(17)) && isLuhnValid(id)) return id;
    }
  }
  throw new Error('no such number');
}

/** A Gansu resident-ID look-alike: region and birth date kept, MOD 11-2 check wrong, and Luhn fails too. */
function gansuLookalike(): string {
  const body = '62302119600804995';
  for (const check of '0123456789') {
    const id = body + check;
    if (!isMod112CheckCode(mod112CheckValueAt(id, 0, 17), id.charCodeAt(17)) && !isLuhnValid(id)) return id;
  }
  throw new Error('no such number');
}

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

  it('bankCardRecognizer scores a Luhn failure on a labelled UnionPay number below the default threshold', () => {
    for (const [text, start, end] of [
      ['银行卡号：6217001234567890123', 5, 24],
      ['收款账户：6222021234567895', 5, 21],
      ['储蓄卡6222021234567895', 3, 19],
      ['卡号：6222 0212 3456 7895', 3, 22],
      ['card=8100001234567898', 5, 21],
    ] as const) {
      // Not reported by default (zero findings on invalid-checksum look-alikes) …
      expect(spans(r, text), text).toEqual([]);
      // … but a user who lowers the threshold sees it, at exact offsets and flagged as failing Luhn.
      const got = low.detect(text).map((f) => [f.type, f.start, f.end, f.attrs?.luhn]);
      expect(got, text).toEqual([[B, start, end, false]]);
      const score = low.detect(text)[0]?.score ?? 0;
      expect(score).toBeGreaterThanOrEqual(0.4);
      expect(score).toBeLessThan(0.5);
    }
    // Without a card label a Luhn failure is not a card at all; outside UnionPay not even with one.
    expect(low.detect('6217001234567890123')).toEqual([]);
    expect(low.detect('卡号 4367421234567890123')).toEqual([]);
  });

  it('bankCardRecognizer never reads a Luhn-failing number under an identity-card label as a card', () => {
    const id = gansuLookalike();
    for (const label of ['id_card=', 'idCard: ', 'ID card ', '身份证号：', '证件号码 ', '"id_card":"']) {
      expect(low.detect(`${label}${id}`), label).toEqual([]);
    }
    // The same digits under a card label stay a (low-scored) possible card.
    expect(low.detect(`卡号：${id}`).map((f) => [f.start, f.end])).toEqual([[3, 21]]);
  });

  it('bankCardRecognizer keeps a Luhn-valid card reportable when an order word sits in an earlier clause', () => {
    const icbcOld = withCheck('955800000012345678'); // ICBC domestic BIN 9558, 19 digits
    for (const [pre, card, min] of [
      ['退款申请：订单DD20250826212787，退回原卡', '6217001234567890122', 0.95],
      ['退款申请：订单20240414906328168，退回原卡', '８１００００１２３４５６７８９９', 0.95],
      ['退款申请：订单DD20250826212787，请退到', '6217001234567890122', 0.8],
      ['退款申请：订单10278589891，请退到', '6222 0212 3456 7894', 0.8],
      ['退款申请：订单7924-7329-4587，请退到', icbcOld, 0.65],
      ['order #A1234 cancelled, refund to ', '6222021234567894', 0.8],
      ['序号,姓名,银行卡号,手机号,座机\n1,邱雨桐,', '6222021234567894', 0.8],
      ['序号,姓名,出生日期,身份证号,卡\n1,姚睿晨,2004-08-11,11010519491231002X,', '6222021234567894', 0.8],
    ] as const) {
      const text = `${pre}${card}，持卡人张三`;
      const got = findingsOf(r, text);
      expect(
        got.map((f) => [f.type, f.start, f.end]),
        text,
      ).toEqual([[B, pre.length, pre.length + card.length]]);
      expect(got[0]?.score, text).toBeGreaterThanOrEqual(min);
    }
  });

  it('bankCardRecognizer still drops a card that its own clause names an order or transaction number', () => {
    for (const t of [
      '订单号 6217001234567890122',
      '订单号：6217001234567890122，请核对',
      'order_id=6222021234567894',
      '{"txn":"6222021234567894"}',
      '交易流水号6222021234567894',
      '运单号 6222 0212 3456 7894',
    ]) {
      expect(spans(r, t), t).toEqual([]);
    }
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
    const id = gansuIdPassingLuhn();
    expect(findingsOf(r, id)[0]?.score).toBeLessThanOrEqual(0.6);
    expect(findingsOf(r, `卡号 ${id}`)[0]?.score).toBeGreaterThanOrEqual(0.95);
    // A card word after the number names the next value, not this one; an `id_card` label is an ID label.
    const lost = `失物招领：拾得钱包一个，内有身份证（姓名张三，号码${id}）及银行卡一张（尾号3012）`;
    expect(findingsOf(r, lost)[0]?.score ?? 0).toBeLessThanOrEqual(0.6);
    expect(findingsOf(r, `id_card=${id}`)[0]?.score ?? 0).toBeLessThan(0.5);
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
