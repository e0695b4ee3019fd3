import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { TextEncoding } from '../../sources/formats/decode.js';
import { filesIn, tempDir } from './__fixtures__/data.js';
import { BlockWriter, hasBom, openAtomicOutput, TextEncoderStream } from './output.js';

function decode(bytes: Buffer, encoding: TextEncoding): string {
  return encoding === 'gb18030' ? iconv.decode(bytes, 'gb18030') : new TextDecoder(encoding).decode(bytes);
}

describe('TextEncoderStream', () => {
  it('TextEncoderStream encodes any split of a text like the whole text, in every encoding', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.constantFrom<TextEncoding>('utf-8', 'utf-16le', 'utf-16be', 'gb18030'),
        (text, cuts, encoding) => {
          const enc = new TextEncoderStream(encoding, false);
          const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const parts: Buffer[] = [];
          let from = 0;
          for (const c of at) {
            parts.push(enc.encode(text.slice(from, c)));
            from = c;
          }
          parts.push(enc.encode(text.slice(from)), enc.end());
          expect(decode(Buffer.concat(parts), encoding)).toBe(text);
        },
      ),
    );
  });

  it('TextEncoderStream writes the byte-order mark once, first', () => {
    const enc = new TextEncoderStream('utf-16le', true);
    const bytes = Buffer.concat([enc.encode('a'), enc.encode('b'), enc.end()]);
    expect([...bytes]).toEqual([0xff, 0xfe, 0x61, 0, 0x62, 0]);
    expect(hasBom(bytes, 'utf-16le')).toBe(true);
    expect(hasBom(bytes, 'utf-8')).toBe(false);
  });
});

describe('BlockWriter', () => {
  it('BlockWriter hands the sink large blocks and everything at the end', async () => {
    const got: Buffer[] = [];
    const w = new BlockWriter(
      new TextEncoderStream('utf-8', false),
      (d) => {
        got.push(d);
      },
      10,
    );
    for (let i = 0; i < 25; i++) await w.push('x');
    expect(got.map((b) => b.length)).toEqual([10, 10]);
    await w.end();
    expect(Buffer.concat(got).toString()).toBe('x'.repeat(25));
  });
});

describe('openAtomicOutput', () => {
  it('openAtomicOutput shows nothing at the target until commit, and abort leaves nothing', async () => {
    const dir = tempDir();
    const out = await openAtomicOutput(join(dir, 'o.txt'));
    await out.write(Buffer.from('data'));
    expect(existsSync(join(dir, 'o.txt'))).toBe(false);
    await out.commit();
    expect(readFileSync(join(dir, 'o.txt'), 'utf8')).toBe('data');
    expect(filesIn(dir)).toEqual(['o.txt']);
    const failed = await openAtomicOutput(join(dir, 'p.txt'));
    await failed.write(Buffer.from('half'));
    await failed.abort();
    await failed.abort();
    expect(filesIn(dir)).toEqual(['o.txt']);
  });

  it('openAtomicOutput refuses to replace a file, even one created while writing, unless asked', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'o.txt'), 'old');
    await expect(openAtomicOutput(join(dir, 'o.txt'))).rejects.toMatchObject({ code: 'LG_USAGE' });
    const out = await openAtomicOutput(join(dir, 'n.txt'));
    writeFileSync(join(dir, 'n.txt'), 'raced');
    await expect(out.commit()).rejects.toMatchObject({ code: 'LG_USAGE' });
    await out.abort();
    expect(readFileSync(join(dir, 'n.txt'), 'utf8')).toBe('raced');
    expect(filesIn(dir)).toEqual(['n.txt', 'o.txt']);
    const over = await openAtomicOutput(join(dir, 'o.txt'), { overwrite: true });
    await over.write(Buffer.from('new'));
    await over.commit();
    expect(readFileSync(join(dir, 'o.txt'), 'utf8')).toBe('new');
  });

  it('openAtomicOutput names a missing directory', async () => {
    await expect(openAtomicOutput('/nonexistent-leakguard-dir/o.txt')).rejects.toMatchObject({
      code: 'LG_USAGE',
      message: expect.stringContaining('does not exist'),
    });
  });
});
