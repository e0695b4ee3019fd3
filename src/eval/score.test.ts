import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rates, type ScoreCase, type ScoreSpan, scoreFindings } from './score.js';

const text = 'x'.repeat(100);

function one(spans: ScoreSpan[], extra: Partial<ScoreCase> = {}): ScoreCase {
  return { id: 'c1', category: 'chat', text, spans, ...extra };
}

/** A predictor returning fixed spans per case id. */
function fixed(byId: Record<string, ScoreSpan[]>): (t: string, c: ScoreCase) => ScoreSpan[] {
  return (_t, c) => byId[c.id] ?? [];
}

describe('rates', () => {
  it('`rates` computes precision, recall and F1 when counts are non-zero', () => {
    const r = rates({ support: 4, predicted: 4, tp: 3, fp: 1, fn: 1, partial: 0 });
    expect(r.precision).toBe(0.75);
    expect(r.recall).toBe(0.75);
    expect(r.f1).toBeCloseTo(0.75, 12);
  });

  it('`rates` gives precision 1 and F1 0 when a type has support and no prediction', () => {
    const r = rates({ support: 2, predicted: 0, tp: 0, fp: 0, fn: 2, partial: 0 });
    expect(r.precision).toBe(1);
    expect(r.recall).toBe(0);
    expect(r.f1).toBe(0);
  });

  it('`rates` gives recall 1 and F1 0 when a type has only false positives', () => {
    const r = rates({ support: 0, predicted: 3, tp: 0, fp: 3, fn: 0, partial: 0 });
    expect(r.precision).toBe(0);
    expect(r.recall).toBe(1);
    expect(r.f1).toBe(0);
  });
});

describe('scoreFindings', () => {
  it('`scoreFindings` counts exact matches as TP, boundary errors as FP+FN and partial', () => {
    const cases = [
      one([
        { type: 'CN_MOBILE', start: 2, end: 13 },
        { type: 'EMAIL_ADDRESS', start: 20, end: 35 },
      ]),
    ];
    const r = scoreFindings(
      cases,
      fixed({
        c1: [
          { type: 'CN_MOBILE', start: 2, end: 13 },
          { type: 'EMAIL_ADDRESS', start: 21, end: 35 },
        ],
      }),
    );
    const mobile = r.perType.get('CN_MOBILE')!;
    expect([mobile.support, mobile.tp, mobile.fp, mobile.fn, mobile.partial]).toEqual([1, 1, 0, 0, 0]);
    const email = r.perType.get('EMAIL_ADDRESS')!;
    expect([email.support, email.tp, email.fp, email.fn, email.partial]).toEqual([1, 0, 1, 1, 1]);
    expect(r.micro.tp).toBe(1);
    expect(r.micro.fp).toBe(1);
    expect(r.micro.fn).toBe(1);
    expect(r.micro.precision).toBe(0.5);
    expect(r.macroF1).toBe(0.5);
    expect(r.errors.map((e) => `${e.kind}:${e.reason}`).sort()).toEqual(['fn:partial', 'fp:partial']);
  });

  it('`scoreFindings` matches one to one when a detector reports a span twice', () => {
    const r = scoreFindings(
      [one([{ type: 'VIN', start: 0, end: 17 }])],
      fixed({
        c1: [
          { type: 'VIN', start: 0, end: 17 },
          { type: 'VIN', start: 0, end: 17 },
        ],
      }),
    );
    const vin = r.perType.get('VIN')!;
    expect([vin.tp, vin.fp, vin.fn, vin.predicted]).toEqual([1, 1, 0, 2]);
  });

  it('`scoreFindings` records type confusions when a label is found as another type', () => {
    const r = scoreFindings(
      [one([{ type: 'CN_BANK_CARD', start: 0, end: 19 }])],
      fixed({ c1: [{ type: 'CREDIT_CARD', start: 0, end: 19 }] }),
    );
    expect(r.perType.get('CN_BANK_CARD')!.fn).toBe(1);
    expect(r.perType.get('CREDIT_CARD')!.fp).toBe(1);
    expect(r.confusion.get('CN_BANK_CARD')?.get('CREDIT_CARD')).toBe(1);
    expect(r.errors.every((e) => e.reason === 'confusion')).toBe(true);
  });

  it('`scoreFindings` counts findings on masked values and look-alikes apart when they are annotated', () => {
    const cases: ScoreCase[] = [
      one([], { id: 'm', category: 'masked', masked: [{ type: 'CN_MOBILE', start: 5, end: 16 }] }),
      one([], { id: 'l1', category: 'lookalike', lookalike: [{ type: 'CN_RESIDENT_ID', start: 0, end: 18 }] }),
      one([], { id: 'l2', category: 'lookalike', lookalike: [{ type: 'CN_RESIDENT_ID', start: 3, end: 21 }] }),
      one([], { id: 'l3', category: 'lookalike', lookalike: [{ type: 'VIN', start: 3, end: 20 }] }),
    ];
    const r = scoreFindings(
      cases,
      fixed({
        m: [{ type: 'CN_MOBILE', start: 5, end: 16 }],
        l1: [
          { type: 'CN_RESIDENT_ID', start: 0, end: 18 },
          { type: 'CN_BANK_CARD', start: 0, end: 18 },
        ],
        l2: [{ type: 'PHONE_NUMBER', start: 40, end: 50 }],
      }),
    );
    expect(r.maskedFindings.get('CN_MOBILE')).toBe(1);
    const id = r.lookalikeFindings.get('CN_RESIDENT_ID')!;
    expect(id.values).toBe(2);
    expect(id.findings).toBe(3);
    expect(id.valuesHit).toBe(1);
    expect(Object.fromEntries(id.byPredictedType)).toEqual({ CN_RESIDENT_ID: 1, CN_BANK_CARD: 1, PHONE_NUMBER: 1 });
    expect(r.lookalikeFindings.get('VIN')).toEqual({
      values: 1,
      findings: 0,
      valuesHit: 0,
      byPredictedType: new Map(),
    });
    expect(r.micro.fp).toBe(4);
    expect(r.perCategory.get('lookalike')).toEqual({ cases: 3, tp: 0, fp: 3, fn: 0 });
    expect(r.errors.filter((e) => e.reason === 'masked')).toHaveLength(1);
    expect(r.errors.filter((e) => e.reason === 'lookalike')).toHaveLength(3);
  });

  it('`scoreFindings` maps and filters types when options say so', () => {
    const cases = [
      one([
        { type: 'CN_MOBILE', start: 0, end: 11 },
        { type: 'PERSON', start: 20, end: 22 },
      ]),
    ];
    const r = scoreFindings(
      cases,
      fixed({
        c1: [
          { type: 'PHONE', start: 0, end: 11 },
          { type: 'NAME', start: 20, end: 22 },
          { type: 'URL', start: 30, end: 40 },
        ],
      }),
      {
        mapPredictedType: { PHONE: 'PHONE_NUMBER', URL: null },
        mapLabelType: (t) => (t === 'CN_MOBILE' ? 'PHONE_NUMBER' : t),
        types: ['PHONE_NUMBER'],
      },
    );
    expect([...r.perType.keys()]).toEqual(['PHONE_NUMBER']);
    expect(r.perType.get('PHONE_NUMBER')!.tp).toBe(1);
    expect(r.micro.fp).toBe(0);
  });

  it('`scoreFindings` breaks recall down by form and checks subjects when labels carry them', () => {
    const cases = [
      one([
        { type: 'CN_LANDLINE', start: 0, end: 12, form: 'service', subject: 'organisation' },
        { type: 'CN_LANDLINE', start: 20, end: 32, form: 'service', subject: 'organisation' },
        { type: 'CN_LANDLINE', start: 40, end: 52, form: 'dash' },
      ]),
    ];
    const r = scoreFindings(
      cases,
      fixed({
        c1: [
          { type: 'CN_LANDLINE', start: 0, end: 12, subject: 'organisation' },
          { type: 'CN_LANDLINE', start: 20, end: 32 },
        ],
      }),
    );
    expect(r.perForm.get('CN_LANDLINE')?.get('service')).toEqual({ support: 2, tp: 2 });
    expect(r.perForm.get('CN_LANDLINE')?.get('dash')).toEqual({ support: 1, tp: 0 });
    expect(r.subjects.get('organisation')).toEqual({ labeled: 2, agreed: 1 });
  });

  it('`scoreFindings` keeps at most maxErrorsPerType examples but complete counts', () => {
    const cases = Array.from({ length: 5 }, (_, i) => one([{ type: 'VIN', start: 0, end: 17 }], { id: `c${i}` }));
    const r = scoreFindings(cases, () => [], { maxErrorsPerType: 2 });
    expect(r.perType.get('VIN')!.fn).toBe(5);
    expect(r.errors).toHaveLength(2);
  });

  it('`scoreFindings` throws RangeError when a prediction lies outside the text', () => {
    expect(() => scoreFindings([one([])], () => [{ type: 'VIN', start: 90, end: 120 }])).toThrow(RangeError);
  });

  it('`scoreFindings` scores only filtered cases when a filter is given', () => {
    const cases = [one([{ type: 'VIN', start: 0, end: 17 }]), one([], { id: 'c2', lang: 'zh' })];
    const r = scoreFindings(cases, () => [], { filter: (c) => c.lang === 'zh' });
    expect(r.cases).toBe(1);
    expect(r.perType.size).toBe(0);
  });

  it('`scoreFindings` gives perfect scores when predictions equal labels (property)', () => {
    const span = fc.record({
      type: fc.constantFrom('A', 'B', 'C'),
      start: fc.integer({ min: 0, max: 90 }),
      len: fc.integer({ min: 1, max: 10 }),
    });
    fc.assert(
      fc.property(fc.array(fc.array(span, { maxLength: 5 }), { minLength: 1, maxLength: 5 }), (raw) => {
        const cases = raw.map((spans, i) =>
          one(
            spans.map((s) => ({ type: s.type, start: s.start, end: s.start + s.len })),
            { id: `c${i}` },
          ),
        );
        const r = scoreFindings(cases, (_t, c) => c.spans);
        expect(r.micro.fp).toBe(0);
        expect(r.micro.fn).toBe(0);
        expect(r.micro.tp).toBe(cases.reduce((n, c) => n + c.spans.length, 0));
      }),
    );
  });

  it('`scoreFindings` keeps tp + fn = support and tp + fp = predicted for any predictions (property)', () => {
    const span = fc.record({
      type: fc.constantFrom('A', 'B'),
      start: fc.integer({ min: 0, max: 20 }),
      len: fc.integer({ min: 1, max: 5 }),
    });
    fc.assert(
      fc.property(fc.array(span, { maxLength: 6 }), fc.array(span, { maxLength: 6 }), (ls, ps) => {
        const toSpan = (s: { type: string; start: number; len: number }) => ({
          type: s.type,
          start: s.start,
          end: s.start + s.len,
        });
        const r = scoreFindings([one(ls.map(toSpan))], () => ps.map(toSpan));
        for (const t of r.perType.values()) {
          expect(t.tp + t.fn).toBe(t.support);
          expect(t.tp + t.fp).toBe(t.predicted);
          expect(t.partial).toBeLessThanOrEqual(t.fn);
        }
        expect(r.micro.support).toBe(ls.length);
        expect(r.micro.predicted).toBe(ps.length);
      }),
    );
  });
});
