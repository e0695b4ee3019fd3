import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineOf, lineStarts } from './lines.js';

describe('lineStarts / lineOf', () => {
  it('finds the line of an offset', () => {
    expect(lineStarts('a\nbc\n')).toEqual([0, 2, 5]);
    expect([0, 1, 2, 3, 4, 5].map((o) => lineOf(lineStarts('a\nbc\n'), o))).toEqual([0, 0, 1, 1, 1, 2]);
    expect(lineOf(lineStarts(''), 0)).toBe(0);
  });

  it('agrees with counting newlines before the offset (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '\n', '\r', '中') }), fc.nat(), (text, n) => {
        const offset = text.length === 0 ? 0 : n % (text.length + 1);
        const expected = text.slice(0, offset).split('\n').length - 1;
        expect(lineOf(lineStarts(text), offset)).toBe(expected);
      }),
    );
  });
});
