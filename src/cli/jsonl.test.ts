import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonlLine } from './jsonl.js';

/** The reference semantics: strict JSON.parse. */
function reference(line: string): { idJson: string; text: string } | 'reject' {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return 'reject';
  }
  if (
    typeof obj !== 'object' ||
    obj === null ||
    Array.isArray(obj) ||
    typeof (obj as { text?: unknown }).text !== 'string'
  )
    return 'reject';
  const o = obj as { id?: unknown; text: string };
  return { idJson: JSON.stringify(o.id ?? null), text: o.text };
}

function normalized(r: ReturnType<typeof parseJsonlLine>): { id: unknown; text: string } | 'reject' {
  return typeof r === 'string' ? 'reject' : { id: JSON.parse(r.idJson), text: r.text };
}

describe('parseJsonlLine', () => {
  it('reads the common shapes on the fast path', () => {
    expect(parseJsonlLine('{"id":1,"text":"手机13812345678"}')).toEqual({ idJson: '1', text: '手机13812345678' });
    expect(parseJsonlLine(' { "text" : "a\\nb" , "id" : "x-1" } ')).toEqual({ idJson: '"x-1"', text: 'a\nb' });
    expect(parseJsonlLine('{"text":"t"}')).toEqual({ idJson: 'null', text: 't' });
    expect(parseJsonlLine('{"id":{"a":[1,"}"]},"text":"t"}')).toEqual({ idJson: '{"a":[1,"}"]}', text: 't' });
  });

  it('rejects malformed lines like a strict parser', () => {
    for (const bad of [
      '',
      'nope',
      '{"id":1}',
      '{"id":1,"text":2}',
      '[1]',
      '{"text":"a\tb"}',
      '{"text":"a"} x',
      '{"text":"a","x":tru}',
      '{"text":"a",}',
    ]) {
      expect(typeof parseJsonlLine(bad), bad).toBe('string');
    }
  });

  it('agrees with JSON.parse on generated objects (property)', () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
    );
    fc.assert(
      fc.property(
        fc.option(value, { nil: undefined }),
        fc.oneof(fc.string({ unit: 'binary' }), fc.integer()),
        fc.dictionary(fc.string(), value, { maxKeys: 3 }),
        fc.boolean(),
        (id, text, extra, pretty) => {
          const obj: Record<string, unknown> = { ...extra, text };
          if (id !== undefined) obj.id = id;
          const line = JSON.stringify(obj, null, pretty ? 1 : undefined).replace(/\n/g, ' ');
          const ref = reference(line);
          const got = normalized(parseJsonlLine(line));
          if (ref === 'reject') expect(got).toBe('reject');
          else expect(got).toEqual({ id: JSON.parse(ref.idJson), text: ref.text });
        },
      ),
    );
  });

  it('agrees with JSON.parse on mangled lines (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.string({ maxLength: 3 }), (text, at, junk) => {
        const good = JSON.stringify({ id: 1, text });
        const p = at % (good.length + 1);
        const line = good.slice(0, p) + junk + good.slice(p);
        const ref = reference(line);
        const got = normalized(parseJsonlLine(line));
        if (ref === 'reject') expect(got).toBe('reject');
        else expect(got).toEqual({ id: JSON.parse(ref.idJson), text: ref.text });
      }),
    );
  });
});
