import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitAt } from '../core/testing.js';
import { createAnalyzer } from './analyzer.js';
import { defineRecognizer, Trigger } from './recognizer.js';
import { detectStream, detectStreamHits } from './stream.js';

// An 11-digit run not glued to other digits, standing in for a real recognizer.
const elevenDigits = defineRecognizer({
  id: 'eleven',
  entities: ['CN_MOBILE'],
  triggers: Trigger.DIGIT,
  examples: { match: ['a', 'b', 'c'], noMatch: ['d', 'e', 'f'] },
  match(_text, pos, ctx) {
    if (ctx.runEnd - pos === 11)
      ctx.emit({ type: 'CN_MOBILE', start: pos, end: ctx.runEnd, score: 0.9, recognizer: 'eleven' });
  },
});
const analyzer = createAnalyzer({ recognizers: [elevenDigits] });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('detectStream', () => {
  it('finds exactly what a whole read finds, for any chunking and small windows (property)', async () => {
    const piece = fc.constantFrom('13812345678', '1', '22', ' ', '手机', 'x', '\n', '123456789012');
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 80 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer({ min: 1, max: 40 }),
        async (parts, cuts, win) => {
          const text = parts.join('');
          const whole = analyzer.detect(text);
          const streamed = await collect(
            detectStream(analyzer, splitAt(text, cuts), { windowChars: win, overlapChars: 16 }),
          );
          expect(streamed).toEqual(whole);
        },
      ),
    );
  });

  it('decodes byte chunks split inside a UTF-8 sequence and counts invalid bytes', async () => {
    const bytes = Buffer.from('手机13812345678，再见');
    const parts = [bytes.subarray(0, 4), bytes.subarray(4, 9), bytes.subarray(9), Buffer.from([0xff, 0x0a])];
    const stats = { chars: 0, bytes: 0, invalidUtf8: 0 };
    const hits = await collect(detectStreamHits(analyzer, parts, {}, stats));
    expect(hits.map((h) => [h.finding.start, h.finding.end, h.value])).toEqual([[2, 13, '13812345678']]);
    expect(stats).toMatchObject({ bytes: bytes.length + 2, invalidUtf8: 1 });
  });

  it('finds a value inside a long single line streamed in small pieces with small windows', async () => {
    const line = '1'.repeat(5000) + ' 13812345678 ' + 'a'.repeat(5000);
    async function* gen() {
      for (let i = 0; i < line.length; i += 97) yield line.slice(i, i + 97);
    }
    const found = await collect(detectStream(analyzer, gen(), { windowChars: 256, overlapChars: 32 }));
    expect(found).toEqual([{ type: 'CN_MOBILE', start: 5001, end: 5012, score: 0.9, recognizer: 'eleven' }]);
  });
});
