import { describe, expect, it } from 'vitest';
import { assertLinearPattern } from './safe-regex.js';

describe('assertLinearPattern', () => {
  it('accepts bounded, non-nested patterns', () => {
    for (const p of [
      'EMP-\\d{6}',
      '[A-Z]{2}\\d{4,8}',
      '(?:ab|cd)-\\d{1,3}',
      '(?<![0-9])\\d{3}(?:-\\d{4})?',
      '\\p{L}{1,20}',
    ]) {
      expect(() => assertLinearPattern(p)).not.toThrow();
    }
  });

  it('refuses unbounded, nested, alternating-quantified patterns and back-references', () => {
    for (const [p, msg] of [
      ['a+', /unbounded/],
      ['\\d*x', /unbounded/],
      ['a{2,}', /unbounded/],
      ['(a{1,3}){1,5}', /nested/],
      ['(a|ab){1,9}', /alternation/],
      ['(a)\\1', /back-ref/],
      ['a{5000}', /exceeds/],
      ['(ab', /compile|unbalanced/],
    ] as const) {
      expect(() => assertLinearPattern(p), p).toThrow(msg);
    }
  });

  it('reports the error code LG_PATTERN_UNSAFE with the location', () => {
    try {
      assertLinearPattern('x+', { file: 'r.yaml', line: 3, field: 'recognizers[0].patterns[0].regex' });
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'LG_PATTERN_UNSAFE', location: { file: 'r.yaml', line: 3 } });
    }
  });
});
