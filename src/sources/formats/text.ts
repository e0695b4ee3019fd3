/**
 * Plain text (logs, Markdown, source, anything textual that is no richer format): fragments of up to
 * `maxFragmentChars` characters made of whole lines, `loc.line` = the line of the fragment's first character.
 *
 * Memory stays bounded by one fragment plus one read chunk whatever the line lengths: a line longer than a
 * fragment is split, at the last whitespace within 4 KiB of the limit when there is one (so a token is not cut
 * in two) and never inside a surrogate pair; every piece of the line carries that line's number.
 */

import type { Fragment } from '../source.js';
import { ChunkDecoder, type TextEncoding } from './decode.js';
import type { ByteInput } from './input.js';
import { at, checkAbort, type ReadBatch, type ReadContext } from './types.js';

/** How far back from the limit a long line may be cut at whitespace. */
const SOFT_CUT_WINDOW = 4096;

/** Whether a string has a character other than whitespace. */
function hasContent(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x20 && c !== 0xfeff && c !== 0xa0 && c !== 0x3000) return true;
  }
  return false;
}

/** Count `\n` in a string. */
function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Cuts a stream of text into line-aligned fragments with their first line numbers.
 *
 * @example
 * const c = new TextChunker(ctx);
 * const fragments = [...c.push('a\nb\n'), ...c.end()]; // one fragment, loc.line 1
 */
export class TextChunker {
  private pending = '';
  private readonly parts: string[] = [];
  private partsLength = 0;
  private line: number;
  private readonly max: number;

  /**
   * @param ctx the read context (limits, entry)
   * @param line line number of the first character pushed
   * @param field optional `loc.field` for every fragment (e-mail bodies)
   */
  constructor(
    private readonly ctx: ReadContext,
    line = 1,
    private readonly field?: string,
  ) {
    this.line = line;
    this.max = ctx.limits.maxFragmentChars;
  }

  private fragment(text: string, line: number): Fragment {
    const loc = this.field === undefined ? { line } : { line, field: this.field };
    return { text, loc: at(this.ctx, loc) };
  }

  private cut(out: Fragment[]): void {
    const p = this.pending;
    let cut = p.lastIndexOf('\n', this.max - 1) + 1;
    if (cut === 0) {
      cut = this.max;
      for (let k = this.max - 1; k >= this.max - SOFT_CUT_WINDOW && k > 0; k--) {
        const c = p.charCodeAt(k);
        if (c === 0x20 || c === 0x09 || c === 0x3000) {
          cut = k + 1;
          break;
        }
      }
      const last = p.charCodeAt(cut - 1);
      if (last >= 0xd800 && last <= 0xdbff) cut--;
    }
    const text = p.slice(0, cut);
    this.pending = p.slice(cut);
    if (hasContent(text)) out.push(this.fragment(text, this.line));
    this.line += countLines(text);
  }

  /** Add text; returns the fragments that are complete. */
  push(s: string): Fragment[] {
    const out: Fragment[] = [];
    // Collect parts and join once per fragment: repeated `+=` builds rope strings that are flattened (copied)
    // again at every search.
    this.parts.push(s);
    this.partsLength += s.length;
    if (this.pending.length + this.partsLength < this.max) return out;
    this.join();
    while (this.pending.length >= this.max) this.cut(out);
    return out;
  }

  private join(): void {
    if (this.parts.length === 0) return;
    this.pending = this.pending + this.parts.join('');
    this.parts.length = 0;
    this.partsLength = 0;
  }

  /** Flush the rest. */
  end(): Fragment[] {
    const out: Fragment[] = [];
    this.join();
    while (this.pending.length >= this.max) this.cut(out);
    if (hasContent(this.pending)) out.push(this.fragment(this.pending, this.line));
    this.line += countLines(this.pending);
    this.pending = '';
    return out;
  }
}

/**
 * Bytes of `[start, end)` widened to whole lines: from the first line start at or after `start` through the
 * line that straddles `end`. Every line of a file is in exactly one of a set of adjacent ranges.
 *
 * @param skipped receives whether the start was moved forward (the line at `start` belongs to the previous range)
 *
 * @example
 * for await (const chunk of lineAlignedRange(input, 1 << 26, 2 << 26)) …
 */
export async function* lineAlignedRange(
  input: ByteInput,
  start: number,
  end: number,
  skipped?: { moved: boolean },
): AsyncGenerator<Buffer> {
  const size = input.size ?? Number.POSITIVE_INFINITY;
  let from = start;
  if (start > 0) {
    // Is `start` a line start? Look at the byte before it.
    let moved = false;
    let found = false;
    for await (const chunk of input.stream(start - 1, size)) {
      const nl = chunk.indexOf(0x0a);
      if (nl >= 0) {
        from += nl;
        found = true;
        moved = nl > 0;
        break;
      }
      from += chunk.length;
    }
    if (skipped) skipped.moved = moved;
    if (!found) return;
  }
  // A range owns the lines that start inside it; none does when the first line start is at or past its end.
  if (from >= size || from >= end) return;
  let pos = from;
  let lastByte = -1;
  for await (const chunk of input.stream(from, end)) {
    pos += chunk.length;
    lastByte = chunk[chunk.length - 1]!;
    yield chunk;
  }
  if (pos < end || pos >= size || lastByte === 0x0a) return;
  // Read through the line that straddles `end`.
  for await (const chunk of input.stream(pos, size)) {
    const nl = chunk.indexOf(0x0a);
    if (nl >= 0) {
      yield chunk.subarray(0, nl + 1);
      return;
    }
    yield chunk;
  }
}

/** Options of {@link readText}. */
export interface TextReadOptions {
  encoding: TextEncoding;
  /** Byte range of a planned `file-range` unit (UTF-8 only). */
  range?: { start: number; end: number; line: number };
}

/**
 * Read text into line-aligned fragments, then report invalid UTF-8 once.
 *
 * @example
 * for await (const item of readText(input, ctx, { encoding: 'utf-8' })) …
 */
export async function* readText(
  input: ByteInput,
  ctx: ReadContext,
  options: TextReadOptions,
): AsyncGenerator<ReadBatch> {
  const range = options.range;
  const start = range?.start ?? 0;
  const decoder = new ChunkDecoder(options.encoding, start, start > 0);
  const moved = { moved: false };
  const chunks = range ? lineAlignedRange(input, range.start, range.end, moved) : input.stream();
  let chunker: TextChunker | undefined;
  for await (const chunk of chunks) {
    checkAbort(ctx.signal);
    chunker ??= new TextChunker(ctx, (range?.line ?? 1) + (moved.moved ? 1 : 0));
    const batch: ReadBatch = chunker.push(decoder.write(chunk));
    if (batch.length > 0) yield batch;
  }
  if (chunker) {
    const batch: ReadBatch = [...chunker.push(decoder.end()), ...chunker.end()];
    if (batch.length > 0) yield batch;
  }
  const p = decoder.validator?.problem(ctx);
  if (p) yield [p];
}
