/**
 * Streaming detection for inputs of any size: text arrives in chunks, is analysed in windows that overlap by
 * `overlapChars` on both sides, and findings come out in order with absolute UTF-16 offsets. Memory is bounded
 * by `windowChars + 2 × overlapChars` whatever the input size (a 1 GB single line included).
 *
 * A finding is emitted by the window whose core `[coreStart, coreEnd)` holds its start; the overlap gives it
 * full context on both sides. Entities longer than the overlap (none of the built-ins: the longest, a PEM
 * private key block, is bounded by the SECRET recognizer below 8 KiB) could be cut, which is why the overlap
 * is at least 8192 characters.
 */
import type { Finding } from '../core/finding.js';
import type { Analyzer } from './analyzer.js';

/** Options for {@link detectStream}. */
export interface StreamOptions {
  /** Characters in a window's core. Default 256 Ki (smaller windows keep V8's heap, and so RSS, low). */
  windowChars?: number;
  /** Characters of overlap on each side. Default 8192. */
  overlapChars?: number;
}

/** A chunk of input: text, or bytes (decoded as UTF-8; invalid sequences become U+FFFD). */
export type StreamChunk = string | Uint8Array;

/** Counters a stream reports when it ends. */
export interface StreamStats {
  /** UTF-16 code units read. */
  chars: number;
  /** Bytes read (byte chunks only). */
  bytes: number;
  /** Invalid UTF-8 sequences replaced by U+FFFD. */
  invalidUtf8: number;
}

/** A finding with its matched text, for callers that mask it for display or protect it. Never log `value`. */
export interface StreamHit {
  finding: Finding;
  value: string;
}

/**
 * Detect over a stream of chunks. Yields findings in offset order with absolute offsets.
 *
 * @example
 * for await (const f of detectStream(analyzer, fs.createReadStream('big.log'))) console.log(f.type, f.start);
 */
export async function* detectStream(
  analyzer: Analyzer,
  chunks: AsyncIterable<StreamChunk> | Iterable<StreamChunk>,
  options: StreamOptions = {},
  stats?: StreamStats,
): AsyncGenerator<Finding, void, undefined> {
  for await (const hit of detectStreamHits(analyzer, chunks, options, stats, false)) yield hit.finding;
}

/**
 * Like {@link detectStream}, but each finding comes with its matched (original) text.
 */
export async function* detectStreamHits(
  analyzer: Analyzer,
  chunks: AsyncIterable<StreamChunk> | Iterable<StreamChunk>,
  options: StreamOptions = {},
  stats?: StreamStats,
  withValues = true,
): AsyncGenerator<StreamHit, void, undefined> {
  const windowChars = options.windowChars ?? 1 << 18;
  const overlap = options.overlapChars ?? 8192;
  if (!(windowChars > 0) || !(overlap >= 0)) throw new RangeError('detectStream: window must be > 0 and overlap >= 0');
  const decoder = new TextDecoder('utf-8', { fatal: false });
  // buf holds text from absolute offset bufStart; everything before `coreStart` has been emitted.
  let buf = '';
  let bufStart = 0;
  let coreStart = 0;
  const s = stats ?? { chars: 0, bytes: 0, invalidUtf8: 0 };

  const run = function* (final: boolean): Generator<StreamHit> {
    const coreEndRel = final ? buf.length : coreStart - bufStart + windowChars;
    const windowEndRel = final ? buf.length : coreEndRel + overlap;
    const text = windowEndRel >= buf.length ? buf : buf.slice(0, windowEndRel);
    const found = analyzer.detect(text);
    const lo = coreStart - bufStart;
    for (const f of found) {
      if (f.start >= lo && f.start < coreEndRel) {
        const value = withValues ? text.slice(f.start, f.end) : '';
        f.start += bufStart;
        f.end += bufStart;
        yield { finding: f, value };
      }
    }
    coreStart = bufStart + coreEndRel;
    const keepFrom = Math.max(0, coreEndRel - overlap);
    buf = buf.slice(keepFrom);
    bufStart += keepFrom;
  };

  for await (const chunk of chunks as AsyncIterable<StreamChunk>) {
    let piece: string;
    if (typeof chunk === 'string') piece = chunk;
    else {
      s.bytes += chunk.length;
      piece = decoder.decode(chunk, { stream: true });
      s.invalidUtf8 += countReplacements(piece, chunk);
    }
    s.chars += piece.length;
    buf += piece;
    while (buf.length - (coreStart - bufStart) >= windowChars + overlap) yield* run(false);
  }
  const tail = decoder.decode();
  if (tail.length > 0) {
    s.chars += tail.length;
    s.invalidUtf8 += tail.split('\ufffd').length - 1;
    buf += tail;
  }
  yield* run(true);
}

/** Count U+FFFD in `piece` that do not come from an encoded U+FFFD (EF BF BD) in the source bytes. */
function countReplacements(piece: string, bytes: Uint8Array): number {
  let n = 0;
  for (let i = piece.indexOf('\ufffd'); i >= 0; i = piece.indexOf('\ufffd', i + 1)) n++;
  if (n === 0) return 0;
  let literal = 0;
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) literal++;
  }
  return Math.max(0, n - literal);
}
