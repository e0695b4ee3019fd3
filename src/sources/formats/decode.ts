/**
 * Streaming text decoding with an exact count of invalid UTF-8.
 *
 * `TextDecoder` replaces invalid sequences with U+FFFD but cannot say how many it replaced (a literal U+FFFD in the
 * input looks the same), so {@link Utf8Validator} runs the WHATWG UTF-8 decoder's error rules over the same bytes:
 * its count equals the number of replacement characters the decoder inserts. The fast path is `buffer.isUtf8`
 * (a native check); the byte loop only runs on chunks that are not valid UTF-8 on their own.
 */
import { isUtf8 } from 'node:buffer';
import type { Problem } from '../source.js';
import { PROBLEM, problem, type ReadContext } from './types.js';

/** Text encodings the readers decode. */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

/** Counts invalid UTF-8 sequences across chunks (WHATWG "maximal subpart" rule, as `TextDecoder` replaces them). */
export class Utf8Validator {
  /** Invalid sequences seen (each became one U+FFFD). */
  invalid = 0;
  /** Byte offset (from the input's start) of the first invalid sequence, or -1. */
  firstOffset = -1;
  private needed = 0;
  private seen = 0;
  private lower = 0x80;
  private upper = 0xbf;
  private seqStart = 0;

  /** @param offset absolute byte offset of the first byte pushed */
  constructor(private offset = 0) {}

  /** Validate the next chunk. */
  push(chunk: Uint8Array): void {
    if (this.needed === 0 && isUtf8(chunk)) {
      this.offset += chunk.length;
      return;
    }
    for (let i = 0; i < chunk.length; i++) this.byte(chunk[i]!, this.offset + i);
    this.offset += chunk.length;
  }

  /** Signal the end of input (a truncated final sequence counts as one invalid sequence). */
  end(): void {
    if (this.needed !== 0) {
      this.fail(this.seqStart);
      this.needed = 0;
    }
  }

  private fail(at: number): void {
    this.invalid++;
    if (this.firstOffset < 0) this.firstOffset = at;
  }

  private byte(b: number, at: number): void {
    if (this.needed === 0) {
      if (b <= 0x7f) return;
      this.seqStart = at;
      if (b >= 0xc2 && b <= 0xdf) this.needed = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) this.lower = 0xa0;
        if (b === 0xed) this.upper = 0x9f;
        this.needed = 2;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) this.lower = 0x90;
        if (b === 0xf4) this.upper = 0x8f;
        this.needed = 3;
      } else this.fail(at);
      return;
    }
    if (b < this.lower || b > this.upper) {
      // The sequence so far is one error; the offending byte is then processed afresh (it may start a sequence).
      this.fail(this.seqStart);
      this.needed = 0;
      this.seen = 0;
      this.lower = 0x80;
      this.upper = 0xbf;
      this.byte(b, at);
      return;
    }
    this.lower = 0x80;
    this.upper = 0xbf;
    if (++this.seen === this.needed) {
      this.needed = 0;
      this.seen = 0;
    }
  }

  /** The one problem to report for an input, or undefined when it was valid. */
  problem(ctx: ReadContext): Problem | undefined {
    if (this.invalid === 0) return undefined;
    const n = this.invalid;
    return problem(
      ctx,
      PROBLEM.invalidUtf8,
      `Invalid UTF-8: ${n} sequence${n === 1 ? '' : 's'} replaced by U+FFFD, first at byte ${this.firstOffset}`,
    );
  }
}

/** A streaming decoder for one encoding, with UTF-8 validation when the encoding is UTF-8. */
export class ChunkDecoder {
  readonly validator: Utf8Validator | undefined;
  private readonly decoder: InstanceType<typeof TextDecoder>;

  /**
   * @param encoding the input's encoding
   * @param offset absolute byte offset of the first byte (for the first invalid offset)
   * @param keepBom keep a leading U+FEFF (true when decoding from the middle of a file)
   */
  constructor(
    readonly encoding: TextEncoding,
    offset = 0,
    keepBom = false,
  ) {
    this.decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: keepBom });
    this.validator = encoding === 'utf-8' ? new Utf8Validator(offset) : undefined;
  }

  /** Decode the next chunk (incomplete trailing sequences are held for the next call). */
  write(chunk: Uint8Array): string {
    this.validator?.push(chunk);
    return this.decoder.decode(chunk, { stream: true });
  }

  /** Flush at end of input. */
  end(): string {
    this.validator?.end();
    return this.decoder.decode();
  }
}
