import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collect } from './__fixtures__/build.js';
import { ChunkDecoder, Utf8Validator } from './decode.js';
import { bufferInput, streamInput } from './input.js';
import { readBytesFragments } from './read.js';
import { lineAlignedRange, readText, TextChunker } from './text.js';
import { createReadContext } from './types.js';

describe('Utf8Validator', () => {
  it('Utf8Validator counts exactly the replacement characters TextDecoder inserts, whatever the chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat(), { maxLength: 4 }), (bytes, cuts) => {
        // The input must not contain U+FFFD itself, so every U+FFFD out of the decoder is a replacement.
        fc.pre(!Buffer.from(bytes).includes(Buffer.from([0xef, 0xbf, 0xbd])));
        const decoded = new TextDecoder('utf-8').decode(bytes);
        const expected = [...decoded].filter((c) => c === '\ufffd').length;
        const v = new Utf8Validator();
        let from = 0;
        for (const c of cuts.map((k) => k % (bytes.length + 1)).sort((a, b) => a - b)) {
          v.push(bytes.subarray(from, c));
          from = c;
        }
        v.push(bytes.subarray(from));
        v.end();
        expect(v.invalid).toBe(expected);
        expect(v.firstOffset >= 0).toBe(expected > 0);
      }),
    );
  });
});

describe('ChunkDecoder', () => {
  it('ChunkDecoder decodes UTF-8 exactly like TextDecoder whatever the chunking', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 48 }),
      fc.string({ unit: 'grapheme', maxLength: 16 }).map((s) => new Uint8Array(Buffer.from(`\ufeff${s}`, 'utf8'))),
    );
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 5 }), (data, cuts) => {
        const d = new ChunkDecoder('utf-8');
        let out = '';
        let from = 0;
        for (const c of cuts.map((k) => k % (data.length + 1)).sort((a, b) => a - b)) {
          out += d.write(data.subarray(from, c));
          from = c;
        }
        out += d.write(data.subarray(from));
        out += d.end();
        expect(out).toBe(new TextDecoder('utf-8').decode(data));
      }),
    );
  });
});

describe('TextChunker', () => {
  it('TextChunker keeps line numbers exact across fragments', () => {
    const ctx = createReadContext({ maxFragmentChars: 1024 });
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i + 1} ${'x'.repeat(i % 17)}`);
    const c = new TextChunker(ctx);
    const fragments = [...c.push(`${lines.join('\n')}\n`), ...c.end()];
    expect(fragments.length).toBeGreaterThan(3);
    for (const f of fragments) {
      expect(f.text.length).toBeLessThanOrEqual(1024);
      expect(f.text.startsWith(`line ${f.loc.line} `)).toBe(true);
    }
    expect(fragments.map((f) => f.text).join('')).toBe(`${lines.join('\n')}\n`);
  });

  it('TextChunker cuts a long line at whitespace and never inside a surrogate pair', () => {
    const ctx = createReadContext({ maxFragmentChars: 1024 });
    const c = new TextChunker(ctx);
    const text = `${'word '.repeat(500)}${'😀'.repeat(1000)}`;
    const fragments = [...c.push(text), ...c.end()];
    expect(fragments.map((f) => f.text).join('')).toBe(text);
    expect(fragments[0]?.text.endsWith(' ')).toBe(true);
    for (const f of fragments) {
      expect(f.loc.line).toBe(1);
      const last = f.text.charCodeAt(f.text.length - 1);
      expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
    }
  });
});

describe('readText', () => {
  it('readText reads a 50 MB single-line file in fragments bounded by the limit', async () => {
    const size = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let i = 0; i < size / chunk.length; i++) yield chunk;
    }
    const ctx = createReadContext();
    let count = 0;
    let total = 0;
    let maxLen = 0;
    for await (const batch of readText(streamInput('huge.log', chunks(), size), ctx, { encoding: 'utf-8' })) {
      for (const item of batch) {
        if ('problem' in item) continue;
        count++;
        total += item.text.length;
        maxLen = Math.max(maxLen, item.text.length);
        expect(item.loc.line).toBe(1);
      }
    }
    expect(total).toBe(size);
    expect(maxLen).toBeLessThanOrEqual(ctx.limits.maxFragmentChars);
    expect(count).toBeGreaterThanOrEqual(50);
  });

  it('readText reports invalid UTF-8 once with the count and the first offset', async () => {
    const bytes = Buffer.concat([
      Buffer.from('ok line\n'),
      Buffer.from([0xff, 0x41, 0xc3]),
      Buffer.from('\nmore\n'),
      Buffer.from([0xfe]),
    ]);
    const { fragments, problems } = await collect(readBytesFragments(bytes, 'x.log'));
    expect(problems).toEqual([
      { problem: 'invalid-utf8', message: 'Invalid UTF-8: 3 sequences replaced by U+FFFD, first at byte 8', loc: {} },
    ]);
    expect(fragments.map((f) => f.text).join('')).toContain('\ufffdA\ufffd');
  });

  it('readText decodes UTF-16 with a byte-order mark', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('电话 13800138000\n', 'utf16le')]);
    const { fragments } = await collect(readBytesFragments(bytes, 'x.txt'));
    expect(fragments).toEqual([{ text: '电话 13800138000\n', loc: { line: 1 } }]);
  });

  it('lineAlignedRange assigns every line to exactly one of adjacent ranges', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.stringMatching(/^[a-z]{0,12}$/), { maxLength: 30 }),
        fc.integer({ min: 1, max: 40 }),
        async (lines, step) => {
          const data = Buffer.from(lines.map((l) => `${l}\n`).join(''));
          const input = bufferInput('x', data);
          const parts: Buffer[] = [];
          for (let s = 0; s < data.length; s += step) {
            for await (const c of lineAlignedRange(input, s, Math.min(data.length, s + step))) parts.push(c);
          }
          expect(Buffer.concat(parts).toString()).toBe(data.toString());
        },
      ),
    );
  });
});
