import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FragmentSink,
  generalizeFieldPath,
  MAX_JSON_DEPTH,
  memberPath,
  parseJsonLossless,
  scalarText,
  walkJson,
} from './values.js';

function walk(value: unknown, base = 'c.$'): { fragments: Array<[string, string, boolean]>; problems: string[] } {
  const fragments: Array<[string, string, boolean]> = [];
  const problems: string[] = [];
  const sink: FragmentSink = {
    fragment: (text, field, structured) => fragments.push([field, text, structured]),
    problem: (p) => problems.push(p),
  };
  walkJson(value, base, sink);
  return { fragments, problems };
}

describe('parseJsonLossless', () => {
  it('`parseJsonLossless` agrees with JSON.parse when given any JSON, up to bigints for unsafe integers', () => {
    // Unsafe integers come back as bigint with their exact digits; as numbers they equal JSON.parse's doubles.
    const toNumbers = (v: unknown): unknown =>
      typeof v === 'bigint'
        ? Number(v)
        : Array.isArray(v)
          ? v.map(toNumbers)
          : v && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toNumbers(x)]))
            : v;
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(JSON.stringify(toNumbers(parseJsonLossless(text)))).toBe(JSON.stringify(JSON.parse(text)));
      }),
    );
  });

  it('`parseJsonLossless` keeps the digits of any integer lexeme', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), (n) => {
        const v = parseJsonLossless(`[${n}]`) as unknown[];
        expect(String(v[0])).toBe(String(n));
      }),
    );
  });

  it('`parseJsonLossless` keeps every digit of integers beyond 2^53', () => {
    expect(parseJsonLossless('{"card":6222021234567890123,"n":-99999999999999999999}')).toEqual({
      card: 6222021234567890123n,
      n: -99999999999999999999n,
    });
    expect(parseJsonLossless('[9007199254740991, 1.5e300, 0.1]')).toEqual([9007199254740991, 1.5e300, 0.1]);
  });

  it('`parseJsonLossless` throws SyntaxError when given invalid JSON', () => {
    for (const bad of [
      '',
      '{',
      '{"a":}',
      '[1,]',
      '01',
      '"\\x"',
      '"a',
      'tru',
      '{"a":1}x',
      `${'['.repeat(600)}${']'.repeat(600)}`,
      '"\u0001"',
    ]) {
      expect(() => parseJsonLossless(bad), JSON.stringify(bad)).toThrow(SyntaxError);
    }
  });

  it('`parseJsonLossless` throws nothing but SyntaxError when given arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          parseJsonLossless(s);
        } catch (e) {
          expect(e).toBeInstanceOf(SyntaxError);
        }
      }),
    );
  });

  it('`parseJsonLossless` makes __proto__ an own property, not the prototype', () => {
    const v = parseJsonLossless('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('walkJson', () => {
  it('`walkJson` emits strings and numbers with paths and skips booleans and nulls', () => {
    expect(
      walk({ a: { phone: '13800138000', ok: true, none: null }, list: [1, 'x'], 'first name': '李', 姓名: '王' })
        .fragments,
    ).toEqual([
      ['c.$.a.phone', '13800138000', true],
      ['c.$.list[0]', '1', true],
      ['c.$.list[1]', 'x', true],
      ['c.$["first name"]', '李', true],
      ['c.$.姓名', '王', true],
    ]);
  });

  it('`walkJson` scans data-like keys and keeps them out of paths', () => {
    expect(walk({ '13800138000': { level: 'vip' }, 'li.wei@example.com': 1 }).fragments).toEqual([
      ['c.$[*]', '13800138000', false],
      ['c.$[*].level', 'vip', true],
      ['c.$[*]', 'li.wei@example.com', false],
      ['c.$[*]', '1', true],
    ]);
  });

  it('`walkJson` notes nesting beyond the limit and scans the rest as one fragment', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < MAX_JSON_DEPTH + 5; i++) deep = { d: deep };
    const r = walk(deep);
    expect(r.problems).toEqual(['json-too-deep']);
    expect(r.fragments).toHaveLength(1);
    expect(r.fragments[0]![1]).toContain('bottom');
  });

  it('`walkJson` never puts a string value into a path when keys are plain names', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.string({ minLength: 3 })), (obj) => {
        for (const [field, text] of walk(obj).fragments) {
          expect(field.startsWith('c.$.')).toBe(true);
          if (text.length > 0 && !/^[a-z]{1,6}$/.test(text)) expect(field).not.toContain(text);
        }
      }),
    );
  });
});

describe('memberPath / generalizeFieldPath / scalarText', () => {
  it('`memberPath` uses dot notation for names and brackets for others', () => {
    expect(memberPath('$', 'phone')).toBe('$.phone');
    expect(memberPath('$', 'a-b')).toBe('$["a-b"]');
    expect(memberPath('$', '2fa')).toBe('$["2fa"]');
    expect(memberPath('$', '12345')).toBe('$[*]');
  });

  it('`generalizeFieldPath` turns array indices into [*] and leaves quoted members', () => {
    expect(generalizeFieldPath('tags.$[2].name[10]')).toBe('tags.$[*].name[*]');
    expect(generalizeFieldPath('$["12"]')).toBe('$["12"]');
  });

  it('`scalarText` converts numbers, bigints and dates and drops empty, boolean and binary values', () => {
    expect(scalarText(12.5)).toBe('12.5');
    expect(scalarText(12n)).toBe('12');
    expect(scalarText(new Date('2024-01-02T03:04:05Z'))).toBe('2024-01-02T03:04:05.000Z');
    expect([
      scalarText(''),
      scalarText('  '),
      scalarText(true),
      scalarText(Buffer.from('x')),
      scalarText(Number.NaN),
      scalarText(null),
    ]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});
