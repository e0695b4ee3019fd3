import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../core/finding.js';
import { createAnalyzer } from './analyzer.js';
import { defineContext } from './context.js';
import { defineRecognizer, type Recognizer, Trigger } from './recognizer.js';

const examples = { match: ['a', 'b', 'c'], noMatch: ['d', 'e', 'f'] };

/** A recognizer that records every trigger it receives as a zero-score finding spanning [pos, runEnd). */
function recorder(id: string, triggers: number, keywords?: string[]): Recognizer {
  return defineRecognizer({
    id,
    entities: ['CN_MOBILE'],
    triggers,
    ...(keywords ? { keywords } : {}),
    examples,
    match(_text, pos, ctx) {
      ctx.emit({ type: 'CN_MOBILE', start: pos, end: ctx.runEnd, score: 1, recognizer: `${id}:${ctx.keyword}` });
    },
  });
}

function spans(r: Recognizer, text: string): [number, number][] {
  const a = createAnalyzer({ recognizers: [r] });
  return a.detect(text).map((f) => [f.start, f.end]);
}

describe('createAnalyzer triggers', () => {
  it('fires DIGIT at each digit run start, including runs inside words', () => {
    const r = recorder('d', Trigger.DIGIT);
    expect(spans(r, 'ab 123 x45y6 _7')).toEqual([
      [3, 6],
      [8, 10],
      [11, 12],
      [14, 15],
    ]);
    expect(spans(r, '手机１３８')).toEqual([[2, 5]]);
  });

  it('fires ALNUM only for letter-led words containing a digit', () => {
    const r = recorder('a', Trigger.ALNUM);
    expect(spans(r, 'hello E12345678 abc_1 9abc LATPAB071W1005301.')).toEqual([
      [6, 15],
      [16, 21],
      [27, 44],
    ]);
  });

  it('fires HEX on short hex-letter groups followed by : - or .', () => {
    const r = recorder('h', Trigger.HEX);
    expect(spans(r, 'ab:cd fe80 face- beef. abcde: xyz:')).toEqual([
      [0, 2],
      [11, 15],
      [17, 21],
    ]);
  });

  it('fires AT, PLUS, PAREN and DASHES at their characters', () => {
    expect(spans(recorder('at', Trigger.AT), 'a@b @')).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(spans(recorder('p', Trigger.PLUS), '+86 +x + 1 1+2')).toEqual([
      [0, 1],
      [7, 8],
      [12, 13],
    ]);
    expect(spans(recorder('pa', Trigger.PAREN), '(010) (x')).toEqual([[0, 1]]);
    expect(spans(recorder('da', Trigger.DASHES), '-- ----- -------x')).toEqual([
      [3, 8],
      [9, 16],
    ]);
  });

  it('fires KEYWORD for whole ASCII words case-insensitively and for CJK substrings', () => {
    const r = recorder('k', Trigger.KEYWORD, ['password', 'api_key', '身份证', 'QQ号']);
    const text = 'Password: x passwords db_password=1 API-KEY 身份证号 qq号 password1';
    const a = createAnalyzer({ recognizers: [r] });
    const got = a.detect(text).map((f) => [text.slice(f.start, f.end), f.recognizer]);
    expect(got).toEqual([
      ['Password', 'k:0'],
      ['password', 'k:0'],
      ['API-KEY', 'k:1'],
      ['身份证', 'k:2'],
      ['qq号', 'k:3'],
      ['password', 'k:0'],
    ]);
  });

  it('passes full-width text through normalisation with unchanged offsets', () => {
    const r = recorder('d', Trigger.DIGIT);
    const text = '电话：１３８１２３４５６７８。';
    const [f] = createAnalyzer({ recognizers: [r] }).detect(text);
    expect(f).toMatchObject({ start: 3, end: 14 });
  });
});

describe('createAnalyzer policy', () => {
  const fixed = (findings: Omit<Finding, 'recognizer'>[]): Recognizer =>
    defineRecognizer({
      id: 'fixed',
      entities: ['CN_MOBILE', 'CREDIT_CARD', 'CN_BANK_CARD'],
      triggers: Trigger.TEXT,
      examples,
      match(_t, _p, ctx) {
        for (const f of findings) ctx.emit({ ...f, recognizer: 'fixed' });
      },
    });

  it('resolves overlaps by score, then type priority, then length', () => {
    const r = fixed([
      { type: 'CREDIT_CARD', start: 0, end: 16, score: 0.9 },
      { type: 'CN_BANK_CARD', start: 0, end: 16, score: 0.9 },
      { type: 'CN_MOBILE', start: 2, end: 13, score: 0.95 },
      { type: 'CN_MOBILE', start: 20, end: 31, score: 0.6 },
    ]);
    const got = createAnalyzer({ recognizers: [r] }).detect('x'.repeat(40));
    expect(got.map((f) => [f.type, f.start])).toEqual([
      ['CN_MOBILE', 2],
      ['CN_MOBILE', 20],
    ]);
    const r2 = fixed([
      { type: 'CREDIT_CARD', start: 0, end: 16, score: 0.9 },
      { type: 'CN_BANK_CARD', start: 0, end: 16, score: 0.9 },
    ]);
    expect(createAnalyzer({ recognizers: [r2] }).detect('x'.repeat(20))[0]?.type).toBe('CN_BANK_CARD');
  });

  it('applies thresholds, type filters, allow and deny lists, and keeps masked values apart', () => {
    const r = fixed([
      { type: 'CN_MOBILE', start: 0, end: 11, score: 0.55 },
      { type: 'CN_MOBILE', start: 12, end: 23, score: 0.9, masked: true },
      { type: 'CREDIT_CARD', start: 24, end: 40, score: 0.9 },
    ]);
    const text = '13812345678 138****5678 4111111111111111 EMP-001';
    expect(
      createAnalyzer({ recognizers: [r] })
        .detect(text)
        .map((f) => f.type),
    ).toEqual(['CN_MOBILE', 'CREDIT_CARD']);
    expect(
      createAnalyzer({ recognizers: [r], thresholds: { CN_MOBILE: 0.6 } })
        .detect(text)
        .map((f) => f.type),
    ).toEqual(['CREDIT_CARD']);
    expect(
      createAnalyzer({ recognizers: [r], types: ['CREDIT_CARD'] })
        .detect(text)
        .map((f) => f.type),
    ).toEqual(['CREDIT_CARD']);
    expect(
      createAnalyzer({ recognizers: [r], allow: ['4111 1111 1111 1111'] })
        .detect(text)
        .map((f) => f.type),
    ).toEqual(['CN_MOBILE']);
    const withDeny = createAnalyzer({ recognizers: [r], deny: [{ value: 'EMP-001', type: 'EMPLOYEE_ID' }] }).detect(
      text,
    );
    expect(withDeny.at(-1)).toMatchObject({ type: 'EMPLOYEE_ID', start: 41, end: 48, recognizer: 'deny-list' });
    const a = createAnalyzer({ recognizers: [r] }).analyze(text);
    expect(a.masked.map((f) => f.start)).toEqual([12]);
    expect(createAnalyzer({ recognizers: [r], includeMasked: true }).detect(text)).toHaveLength(3);
  });

  it('rejects duplicate ids and bad keywords', () => {
    const r = recorder('x', Trigger.DIGIT);
    expect(() => createAnalyzer({ recognizers: [r, r] })).toThrow(/Duplicate recognizer id "x"/);
    expect(() => createAnalyzer({ recognizers: [recorder('y', Trigger.KEYWORD, ['1abc'])] })).toThrow(/must start/);
  });

  it('returns sorted, non-overlapping findings for any emitted set (property)', () => {
    const finding = fc.record({
      start: fc.nat(200),
      len: fc.integer({ min: 1, max: 30 }),
      score: fc.double({ min: 0.5, max: 1, noNaN: true }),
      type: fc.constantFrom('CN_MOBILE', 'CREDIT_CARD', 'CN_BANK_CARD'),
    });
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 40 }), (fs) => {
        const r = fixed(fs.map((f) => ({ type: f.type, start: f.start, end: f.start + f.len, score: f.score })));
        const got = createAnalyzer({ recognizers: [r] }).detect('x'.repeat(300));
        for (let i = 1; i < got.length; i++) expect(got[i]!.start).toBeGreaterThanOrEqual(got[i - 1]!.end);
        if (fs.length > 0) expect(got.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('context', () => {
  it('scores the nearest context word', () => {
    const spec = defineContext({ positive: ['手机', 'phone'], negative: ['订单号', 'order'] });
    const r = defineRecognizer({
      id: 'c',
      entities: ['CN_MOBILE'],
      triggers: Trigger.DIGIT,
      examples,
      match(_t, pos, ctx) {
        ctx.emit({
          type: 'CN_MOBILE',
          start: pos,
          end: ctx.runEnd,
          score: 0.7 + 0.2 * ctx.context(pos, ctx.runEnd, spec),
          recognizer: 'c',
        });
      },
    });
    const a = createAnalyzer({ recognizers: [r] });
    expect(a.detect('手机 13812345678')[0]?.score).toBeCloseTo(0.9);
    expect(a.detect('订单号 13812345678')).toEqual([]);
    expect(a.detect('订单号 x, phone: 13812345678')[0]?.score).toBeCloseTo(0.9);
    expect(a.detect('Phones 13812345678')[0]?.score).toBeCloseTo(0.7);
    expect(a.detect('13812345678')[0]?.score).toBeCloseTo(0.7);
  });
});

describe('context windows', () => {
  it('do not read a word cut at the window edge as a shorter context word', () => {
    const spec = defineContext({ positive: ['card'], negative: ['id'], before: 4 });
    const r = defineRecognizer({
      id: 'w',
      entities: ['CN_MOBILE'],
      triggers: Trigger.DIGIT,
      examples,
      match(_t, pos, ctx) {
        ctx.emit({
          type: 'CN_MOBILE',
          start: pos,
          end: ctx.runEnd,
          score: 0.75 + 0.2 * ctx.context(pos, ctx.runEnd, spec),
          recognizer: 'w',
        });
      },
    });
    // "paid " ends the 4-character window as "aid ": `id` must not count (it is part of `paid`).
    expect(createAnalyzer({ recognizers: [r] }).detect('paid 4111')[0]?.score).toBeCloseTo(0.75);
    expect(createAnalyzer({ recognizers: [r] }).detect('x id 4111')[0]?.score).toBeCloseTo(0.55);
  });
});
