/**
 * Plain text and logs, streamed with bounded memory: the text is cut into windows (a core of `windowChars`
 * plus `overlapChars` of context on each side, as `detectStreamHits` does), each window is detected once, the
 * findings that start in its core are applied to the core (extended to the end of the last such finding), and
 * the output is built from parts. Memory is `windowChars + 2 × overlapChars` plus one input chunk, whatever
 * the file size (a 1 GB log included).
 *
 * Cores end after a newline when there is one in their second half, so no value is cut between two windows in
 * practice. A value that still straddles a boundary (one giant line, or a later window that recognises a
 * longer value than the earlier one did) has its remainder removed, never written in clear.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { Finding } from '../../core/finding.js';
import type { Analyzer } from '../../detect/analyzer.js';
import { isPromiseLike, type MaybePromise } from '../operator.js';
import { ENCRYPTED_PATTERN } from '../operators/encrypt.js';
import { TOKEN_PATTERN } from '../operators/tokenize.js';
import type { CompiledPolicy } from '../policy.js';
import { located, revealFailed, type TransformMode, type TransformStats, ValueTransformer } from './values.js';

/** Window settings of the text path. */
export interface TextWindowOptions {
  /** Characters in a window's core. Default 1 MiB. */
  windowChars?: number;
  /** Characters of context on each side. Default 8192 (longer than any built-in entity). */
  overlapChars?: number;
  /**
   * Process every complete line as soon as it arrives instead of waiting for a full window (live logs: output
   * follows input line by line). The left context is kept; the right context is what has arrived.
   */
  flushLines?: boolean;
  /** File name for error locations. */
  file?: string;
}

/** Tagged outputs (`enc:v1:…`, `tok:…`) a reveal window must not cut. */
const TAGGED = [new RegExp(ENCRYPTED_PATTERN.source, 'g'), new RegExp(TOKEN_PATTERN.source, 'g')];

interface Window {
  /** The core's text (extended to the end of the last finding that starts in it). */
  readonly slice: string;
  /** Findings in `slice` coordinates. */
  readonly findings: Finding[];
  /** Findings that started before the core: their remainder, `[0, cut)` of `slice`, is removed. */
  readonly cut: number;
  /** Line number (1-based) of the slice's first character. */
  readonly line: number;
}

/**
 * Protects (or reveals) a text that arrives in pieces. `push` returns the output that is ready; `end` the rest.
 * Results are strings unless the policy may answer asynchronously (then promises).
 *
 * @example
 * const t = new TextStreamTransformer(new ValueTransformer(policy, analyzer, 'protect'));
 * let out = t.push(chunk1); out += t.push(chunk2); out += t.end();
 */
export class TextStreamTransformer {
  readonly #windowChars: number;
  readonly #overlap: number;
  readonly #flushLines: boolean;
  readonly #file: string | undefined;
  #buf = '';
  /** Absolute offset of `#buf[0]`. */
  #bufStart = 0;
  /** Absolute offset up to which output has been produced. */
  #emitted = 0;
  /** Newlines before `#emitted`. */
  #newlines = 0;
  #chars = 0;
  #ended = false;
  #lastWasNewline = false;

  constructor(
    readonly values: ValueTransformer,
    options: TextWindowOptions = {},
  ) {
    this.#windowChars = options.windowChars ?? 1 << 20;
    this.#overlap = options.overlapChars ?? 8192;
    if (!(this.#windowChars >= 16) || !(this.#overlap >= 0)) {
      throw new RangeError('TextStreamTransformer: windowChars must be >= 16 and overlapChars >= 0');
    }
    this.#flushLines = options.flushLines ?? false;
    this.#file = options.file;
  }

  /** Counters of the run. */
  get stats(): TransformStats {
    return this.values.stats;
  }

  /** Characters held in memory now (bounded by `windowChars + 2 × overlapChars` plus one input chunk). */
  get bufferedChars(): number {
    return this.#buf.length;
  }

  /** Lines read so far (a last line without a newline counts once the input has ended). */
  get lines(): number {
    return this.#newlines + (this.#ended && this.#chars > 0 && !this.#lastWasNewline ? 1 : 0);
  }

  /** Feeds text; returns the output ready so far. */
  push(text: string): MaybePromise<string> {
    if (this.#ended) throw new TypeError('TextStreamTransformer: push after end');
    if (text.length === 0) return '';
    this.#buf += text;
    this.#chars += text.length;
    this.#lastWasNewline = text.charCodeAt(text.length - 1) === 10;
    return this.#run(false);
  }

  /** Ends the input; returns the rest of the output. */
  end(): MaybePromise<string> {
    if (this.#ended) return '';
    const out = this.#run(true);
    this.#ended = true;
    return out;
  }

  #run(final: boolean): MaybePromise<string> {
    let out = '';
    for (;;) {
      const w = this.#next(final);
      if (!w) return out;
      const r = this.#apply(w);
      if (isPromiseLike(r)) return this.#runAsync(out, r, final);
      out += r;
    }
  }

  async #runAsync(head: string, first: Promise<string>, final: boolean): Promise<string> {
    let out = head + (await first);
    for (;;) {
      const w = this.#next(final);
      if (!w) return out;
      out += await this.#apply(w);
    }
  }

  /** The next window to process, advancing the state past it, or undefined when more input is needed. */
  #next(final: boolean): Window | undefined {
    const buf = this.#buf;
    const coreStart = this.#emitted - this.#bufStart;
    const avail = buf.length - coreStart;
    if (avail <= 0) return undefined;
    const W = this.#windowChars;
    let coreEnd: number;
    let windowEnd: number;
    if (avail >= W + this.#overlap) {
      coreEnd = coreStart + W;
      const nl = buf.lastIndexOf('\n', coreEnd - 1);
      if (nl >= coreStart + (W >> 1)) coreEnd = nl + 1;
      windowEnd = Math.min(buf.length, coreEnd + this.#overlap);
    } else if (final) {
      coreEnd = buf.length;
      windowEnd = buf.length;
    } else if (this.#flushLines) {
      const nl = buf.lastIndexOf('\n');
      if (nl < coreStart) return undefined;
      coreEnd = nl + 1;
      windowEnd = buf.length;
    } else return undefined;
    // Never end a core between the two halves of a surrogate pair.
    const c = buf.charCodeAt(coreEnd - 1);
    if (coreEnd < buf.length && c >= 0xd800 && c <= 0xdbff && coreEnd - 1 > coreStart) coreEnd--;

    const text = windowEnd === buf.length ? buf : buf.slice(0, windowEnd);
    const found = this.values.analyzer.detect(text);
    const picked: Finding[] = [];
    let emitEnd = coreEnd;
    let cut = 0;
    for (const f of found) {
      if (f.end <= coreStart || f.start >= coreEnd) continue;
      if (f.start < coreStart) {
        // Started in text already written: only its remainder is ours to handle.
        if (this.values.mode === 'protect' && !f.masked) cut = Math.max(cut, f.end - coreStart);
        continue;
      }
      if (f.start < cut + coreStart) continue;
      picked.push(f);
      if (f.end > emitEnd) emitEnd = f.end;
    }
    if (this.values.mode === 'reveal') {
      for (const re of TAGGED) {
        re.lastIndex = coreStart;
        for (let m = re.exec(text); m !== null && m.index < coreEnd; m = re.exec(text)) {
          if (m.index + m[0].length > emitEnd) emitEnd = m.index + m[0].length;
        }
      }
    }
    const slice = text.slice(coreStart, emitEnd);
    for (const f of picked) {
      f.start -= coreStart;
      f.end -= coreStart;
    }
    const line = this.#newlines + 1;
    for (let i = slice.indexOf('\n'); i >= 0; i = slice.indexOf('\n', i + 1)) this.#newlines++;
    this.#emitted = this.#bufStart + emitEnd;
    const keepFrom = Math.max(0, emitEnd - this.#overlap);
    if (keepFrom > 0) {
      this.#buf = buf.slice(keepFrom);
      this.#bufStart += keepFrom;
    }
    return { slice, findings: picked, cut: Math.min(cut, slice.length), line };
  }

  #apply(w: Window): MaybePromise<string> {
    let slice = w.slice;
    let findings = w.findings;
    let prefix = '';
    if (w.cut > 0) {
      // The remainder of a value whose start was already written: removed (see the module doc).
      this.values.stats.failed++;
      const removed = slice.slice(0, w.cut);
      const lines = removed.split('\n').length - 1;
      prefix = '\n'.repeat(lines);
      slice = slice.slice(w.cut);
      findings = findings.map((f) => ({ ...f, start: f.start - w.cut, end: f.end - w.cut }));
    }
    const where = (offset?: number) => {
      let line = w.line;
      if (offset !== undefined)
        for (let i = slice.indexOf('\n'); i >= 0 && i < offset; i = slice.indexOf('\n', i + 1)) line++;
      return { ...(this.#file !== undefined ? { file: this.#file } : {}), line };
    };
    if (this.values.mode === 'reveal') {
      // A protected value cut by a window boundary cannot be restored: fail closed as for one that does not open.
      if (w.cut > 0) throw revealFailed(where());
      const r = this.values.reveal(slice, findings, undefined, undefined, where);
      return isPromiseLike(r) ? r.then((s) => prefix + s) : prefix + r;
    }
    if (findings.length === 0) return prefix + slice;
    try {
      const r = this.values.anonymize(slice, findings, undefined, undefined, where);
      return isPromiseLike(r)
        ? r.then(
            (s) => prefix + s,
            (e) => {
              throw this.#locate(e, slice, findings, w.line);
            },
          )
        : prefix + r;
    } catch (e) {
      throw this.#locate(e, slice, findings, w.line);
    }
  }

  /** The error located at the line of the first finding whose operator fails (error path only). */
  #locate(e: unknown, slice: string, findings: readonly Finding[], line: number): unknown {
    const policy = this.values.policy;
    for (const f of findings) {
      const rule = policy.ruleFor(f.type);
      if (!rule) continue;
      try {
        const r = rule.apply(slice.slice(f.start, f.end), { type: f.type });
        if (isPromiseLike(r)) r.catch(() => undefined);
      } catch {
        let n = line;
        for (let i = slice.indexOf('\n'); i >= 0 && i < f.start; i = slice.indexOf('\n', i + 1)) n++;
        const cause = e instanceof Error && e.cause !== undefined ? e.cause : e;
        return located(cause, { ...(this.#file !== undefined ? { file: this.#file } : {}), line: n });
      }
    }
    return e;
  }
}

/** Options of {@link createProtectTransform}. */
export interface ProtectTransformOptions extends TextWindowOptions {
  /** Who is asking (audited by token reverts; reveal only). */
  actor?: string;
  /** `protect` (default) or `reveal`. */
  mode?: TransformMode;
}

/** A Node.js transform stream that protects text, with its counters. */
export interface ProtectTransform extends Transform {
  /** Counters so far (final after `end`). */
  readonly stats: TransformStats;
}

/**
 * A streaming transform for logs: UTF-8 bytes (or strings) in, protected UTF-8 out, memory bounded by the
 * window. Lines are flushed as they arrive by default (`flushLines: true`), so `tail -f | protect` stays live.
 *
 * @throws PolicyError `LG_OPERATOR_FAILED` (as a stream error) when an operator fails under `onError: fail`
 * @example
 * import { pipeline } from 'node:stream/promises';
 * await pipeline(fs.createReadStream('app.log'), createProtectTransform(policy, analyzer), fs.createWriteStream('app.safe.log'));
 */
export function createProtectTransform(
  policy: CompiledPolicy,
  analyzer: Analyzer,
  options: ProtectTransformOptions = {},
): ProtectTransform {
  const values = new ValueTransformer(policy, analyzer, options.mode ?? 'protect', {
    actor: options.actor,
    rememberValues: false,
  });
  const text = new TextStreamTransformer(values, { flushLines: true, ...options });
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const deliver = (self: Transform, r: MaybePromise<string>, callback: TransformCallback): void => {
    if (isPromiseLike(r)) {
      r.then(
        (s) => callback(null, s.length > 0 ? Buffer.from(s, 'utf8') : undefined),
        (e) => callback(e as Error),
      );
      return;
    }
    if (r.length > 0) self.push(Buffer.from(r, 'utf8'));
    callback();
  };
  // Output strings end on whole characters: the core never ends inside a surrogate pair (see #next).
  const stream = new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      let r: MaybePromise<string>;
      try {
        r = text.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      } catch (e) {
        callback(e as Error);
        return;
      }
      deliver(this, r, callback);
    },
    flush(callback) {
      let r: MaybePromise<string>;
      try {
        const tail = decoder.decode();
        const a = tail.length > 0 ? text.push(tail) : '';
        if (isPromiseLike(a)) {
          a.then(
            (s) => {
              const b = text.end();
              deliver(this, isPromiseLike(b) ? b.then((t) => s + t) : s + b, callback);
            },
            (e) => callback(e as Error),
          );
          return;
        }
        const b = text.end();
        r = isPromiseLike(b) ? b.then((t) => a + t) : a + b;
      } catch (e) {
        callback(e as Error);
        return;
      }
      deliver(this, r, callback);
    },
  }) as ProtectTransform;
  Object.defineProperty(stream, 'stats', { get: () => values.stats });
  return stream;
}
