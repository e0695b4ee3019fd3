import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitAt } from './testing.js';

describe('splitAt', () => {
  it('cuts strings and buffers into pieces that join back to the input, one more piece than distinct cuts', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.array(fc.nat(), { maxLength: 8 }), (s, cuts) => {
        const parts = splitAt(s, cuts);
        expect(parts.join('')).toBe(s);
        expect(parts).toHaveLength(new Set(cuts.map((c) => c % (s.length + 1))).size + 1);
        const bytes = Buffer.from(s);
        expect(Buffer.concat(splitAt(bytes, cuts)).equals(bytes)).toBe(true);
      }),
    );
    expect(splitAt('abcdef', [4, 2, 2])).toEqual(['ab', 'cd', 'ef']);
  });
});
