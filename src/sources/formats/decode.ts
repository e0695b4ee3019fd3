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

/**
 * Counts invalid UTF-8 sequences across chunks (WHATWG "maximal subpart" rule, as `TextDecoder` replaces them).
 *
 * @example
 * const v = new Utf8Validator();
 * v.push(Buffer.from([0x41, 0xff]));
 * v.end(); // v.invalid === 1, v.firstOffset === 1
 */
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

const EMPTY = Buffer.alloc(0);

/**
 * Bytes at the end of `b` that start a UTF-8 sequence the buffer does not complete (0 to 3). Only a *valid
 * so far* prefix is held back; anything else is decoded now (and replaced if invalid).
 *
 * @example
 * incompleteTail(Buffer.from([0x41, 0xe4, 0xb8])); // 2 (a 3-byte sequence cut after 2 bytes)
 */
export function incompleteTail(b: Uint8Array): number {
  const n = b.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const c = b[n - k]!;
    if (c < 0x80) return 0;
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return need > k && c >= 0xc2 && c <= 0xf4 ? k : 0;
    }
  }
  return 0;
}

/**
 * A streaming decoder for one encoding, with UTF-8 validation when the encoding is UTF-8.
 *
 * @example
 * const d = new ChunkDecoder('utf-8');
 * d.write(Buffer.from([0xe4, 0xb8])) + d.write(Buffer.from([0xad])) + d.end(); // '中'
 */
export class ChunkDecoder {
  readonly validator: Utf8Validator | undefined;
  private readonly decoder: InstanceType<typeof TextDecoder>;
  private carry: Buffer = EMPTY;
  private bomPending: boolean;

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
    this.bomPending = encoding === 'utf-8' && !keepBom;
  }

  /** Decode the next chunk (incomplete trailing sequences are held for the next call). */
  write(chunk: Uint8Array): string {
    if (!this.validator) return this.decoder.decode(chunk, { stream: true });
    this.validator.push(chunk);
    // Buffer#toString is several times faster than a streaming TextDecoder; it replaces invalid sequences with
    // U+FFFD the same way. A sequence cut by the chunk boundary is carried to the next call.
    const all =
      this.carry.length === 0
        ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
        : Buffer.concat([this.carry, chunk]);
    const keep = incompleteTail(all);
    this.carry = keep === 0 ? EMPTY : Buffer.from(all.subarray(all.length - keep));
    return this.stripBom(all.toString('utf8', 0, all.length - keep));
  }

  /** Drop a leading U+FEFF once, as TextDecoder does. */
  private stripBom(s: string): string {
    if (!this.bomPending || s.length === 0) return s;
    this.bomPending = false;
    return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
  }

  /** Flush at end of input. */
  end(): string {
    if (!this.validator) return this.decoder.decode();
    this.validator.end();
    const rest = this.carry.toString('utf8');
    this.carry = EMPTY;
    return this.stripBom(rest);
  }
}
