/**
 * A byte-level streaming JSON rewriter for the guard's hot path. It validates the JSON grammar as it goes and
 * hands every string value, number and object key to a callback that may replace it; everything else is copied
 * through as slices of the input buffers (no decode/encode of untouched bytes). Memory is bounded by the
 * nesting depth and the longest single token (`maxTokenBytes`).
 *
 * Why not the protect module's `JsonRewriter`: that one works on decoded text one character at a time and
 * builds the raw text of every string as it goes; it ran at ~13 MB/s on search responses, the guard needs more
 * than 50 MB/s (BENCHMARKS.md). Here closing quotes are found with `Buffer.indexOf` (native memchr), strings
 * without escapes are decoded with one `toString('utf8')` call, and strings with escapes with `JSON.parse`.
 *
 * JSON's structural characters are ASCII and UTF-8 never uses bytes below 0x80 inside multi-byte sequences, so
 * scanning bytes is exact. The first grammar error stops the stream; nothing after it is emitted.
 */

/** What kind of token a leaf is. */
export type LeafKind = 'key' | 'string' | 'number';

/**
 * Replaces a leaf: return `undefined` to keep its raw bytes, or the JSON text to write instead.
 * `value` is the decoded string (keys, strings) or the number's text.
 */
export type LeafCallback = (kind: LeafKind, value: string, stream: JsonStream) => string | undefined;

enum Expect {
  Value = 0,
  ValueOrEnd = 1,
  KeyOrEnd = 2,
  Key = 3,
  Colon = 4,
  After = 5,
  Done = 6,
}

const Q = 0x22;
const BS = 0x5c;

/** One open container. */
interface Frame {
  obj: boolean;
  /** The current key (objects) or undefined (arrays). */
  key: string | undefined;
  /** Array index (arrays). */
  index: number;
}

/** Byte pattern of a JSON number (RFC 8259 §6): `-12`, `3.5e-7`. Not `01`, `+1`, `.5`. */
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** Streaming JSON rewriter over bytes. */
export class JsonStream {
  /** Open containers, outermost first. */
  readonly stack: Frame[] = [];
  /** Why the input is not JSON. */
  error: string | undefined;
  #expect = Expect.Value;
  /** Parts of a token cut by a chunk boundary. */
  #carry: Buffer[] = [];
  #carryLen = 0;
  /** Inside a string: kind being read. */
  #inString: 'key' | 'string' | undefined;
  /** Trailing backslashes of the carried string part (escape parity across chunks). */
  #slashes = 0;
  #hasEscape = false;
  /** Inside a number or literal. */
  #inBare = false;
  readonly #cb: LeafCallback;
  readonly #maxToken: number;

  constructor(cb: LeafCallback, maxTokenBytes = 16 * 1024 * 1024) {
    this.#cb = cb;
    this.#maxToken = maxTokenBytes;
  }

  /** Whether a whole value has been read. */
  get complete(): boolean {
    return this.#expect === Expect.Done;
  }

  /** Depth of open containers. */
  get depth(): number {
    return this.stack.length;
  }

  #fail(reason: string): void {
    if (!this.error) this.error = reason;
  }

  #valueDone(): void {
    this.#expect = this.stack.length === 0 ? Expect.Done : Expect.After;
  }

  /**
   * Feeds a chunk; returns the output parts for it. Unchanged bytes are passed as slices of `buf`, cut only
   * where a leaf is replaced (most leaves are not, so most chunks come out as one slice).
   */
  write(buf: Buffer): Buffer[] {
    const out: Buffer[] = [];
    if (this.error) return out;
    const n = buf.length;
    let i = 0;
    let copy = 0; // start of bytes not yet emitted
    if (this.#inString) {
      const end = this.#findQuote(buf, 0);
      if (end < 0) {
        this.#hold(buf, 0, n);
        return out;
      }
      this.#hold(buf, 0, end + 1);
      const raw = this.#take();
      const r = this.#string(this.#inString, raw, 0, raw.length);
      if (this.error) return out;
      out.push(r === undefined ? raw : Buffer.from(r, 'utf8'));
      i = end + 1;
      copy = i;
    } else if (this.#inBare) {
      let j = 0;
      while (j < n && isBare(buf[j] as number)) j++;
      this.#hold(buf, 0, j);
      if (j === n) return out;
      const raw = this.#take();
      const r = this.#bare(raw, 0, raw.length);
      if (this.error) return out;
      out.push(r === undefined ? raw : Buffer.from(r, 'utf8'));
      i = j;
      copy = i;
    }
    while (i < n) {
      const c = buf[i] as number;
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
        continue;
      }
      switch (this.#expect) {
        case Expect.Value:
        case Expect.ValueOrEnd: {
          if (c === 0x5d && this.#expect === Expect.ValueOrEnd) {
            this.#close(false);
            i++;
            break;
          }
          if (c === 0x7b) {
            this.stack.push({ obj: true, key: undefined, index: 0 });
            this.#expect = Expect.KeyOrEnd;
            i++;
          } else if (c === 0x5b) {
            this.stack.push({ obj: false, key: undefined, index: 0 });
            this.#expect = Expect.ValueOrEnd;
            i++;
          } else if (c === Q) {
            const end = this.#findQuote(buf, i + 1);
            if (end < 0) {
              if (i > copy) out.push(buf.subarray(copy, i));
              this.#inString = 'string';
              this.#hold(buf, i, n);
              return out;
            }
            const r = this.#string('string', buf, i, end + 1);
            if (r !== undefined) {
              if (i > copy) out.push(buf.subarray(copy, i));
              out.push(Buffer.from(r, 'utf8'));
              copy = end + 1;
            }
            i = end + 1;
          } else if (c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e) {
            let j = i + 1;
            while (j < n && isBare(buf[j] as number)) j++;
            if (j === n) {
              if (i > copy) out.push(buf.subarray(copy, i));
              this.#inBare = true;
              this.#hold(buf, i, j);
              return out;
            }
            const r = this.#bare(buf, i, j);
            if (r !== undefined) {
              if (i > copy) out.push(buf.subarray(copy, i));
              out.push(Buffer.from(r, 'utf8'));
              copy = j;
            }
            i = j;
          } else this.#fail('expected a value');
          break;
        }
        case Expect.KeyOrEnd:
        case Expect.Key:
          if (c === 0x7d && this.#expect === Expect.KeyOrEnd) {
            this.#close(true);
            i++;
          } else if (c === Q) {
            const end = this.#findQuote(buf, i + 1);
            if (end < 0) {
              if (i > copy) out.push(buf.subarray(copy, i));
              this.#inString = 'key';
              this.#hold(buf, i, n);
              return out;
            }
            const r = this.#string('key', buf, i, end + 1);
            if (r !== undefined) {
              if (i > copy) out.push(buf.subarray(copy, i));
              out.push(Buffer.from(r, 'utf8'));
              copy = end + 1;
            }
            i = end + 1;
          } else this.#fail('expected a key');
          break;
        case Expect.Colon:
          if (c === 0x3a) {
            this.#expect = Expect.Value;
            i++;
          } else this.#fail('expected ":"');
          break;
        case Expect.After: {
          const top = this.stack[this.stack.length - 1] as Frame;
          if (c === 0x2c) {
            if (top.obj) this.#expect = Expect.Key;
            else {
              top.index++;
              this.#expect = Expect.Value;
            }
            i++;
          } else if (c === 0x5d || c === 0x7d) {
            this.#close(c === 0x7d);
            i++;
          } else this.#fail('expected "," or a closing bracket');
          break;
        }
        default:
          this.#fail('unexpected content after the value');
      }
      if (this.error) {
        // Emit nothing of this chunk past the last good leaf.
        return out;
      }
    }
    if (copy < n) out.push(copy === 0 ? buf : buf.subarray(copy, n));
    return out;
  }

  /** End of input: flushes a trailing number; reports truncation. */
  end(): Buffer[] {
    const out: Buffer[] = [];
    if (this.error) return out;
    if (this.#inBare) {
      const raw = this.#take();
      const r = this.#bare(raw, 0, raw.length);
      if (!this.error) out.push(r === undefined ? raw : Buffer.from(r, 'utf8'));
    }
    if (!this.error && this.#expect !== Expect.Done) this.#fail('unexpected end of input');
    return out;
  }

  #close(obj: boolean): void {
    const top = this.stack.pop();
    if (!top || top.obj !== obj) {
      this.#fail(obj ? 'unexpected "}"' : 'unexpected "]"');
      return;
    }
    this.#valueDone();
  }

  #hold(buf: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.#carry.push(buf.subarray(from, to));
    this.#carryLen += to - from;
    if (this.#carryLen > this.#maxToken) this.#fail(`token longer than ${this.#maxToken} bytes`);
  }

  #take(): Buffer {
    const b = this.#carry.length === 1 ? (this.#carry[0] as Buffer) : Buffer.concat(this.#carry, this.#carryLen);
    this.#carry = [];
    this.#carryLen = 0;
    return b;
  }

  /**
   * Index of the closing quote of a string whose body starts at `from`, or −1 (then the escape state is kept
   * for the next chunk). Also notes whether the string has escapes.
   */
  #findQuote(buf: Buffer, from: number): number {
    let p = from;
    const n = buf.length;
    // Nothing to scan (an empty chunk, or a chunk ending right at the opening quote): the escape state carries.
    if (p >= n) return -1;
    if (this.#slashes % 2 === 1) {
      // The previous chunk ended inside an escape: this byte is escaped.
      p++;
    }
    for (;;) {
      const q = buf.indexOf(Q, p);
      const stop = q < 0 ? n : q;
      // A backslash before the quote escapes something (maybe this quote): look only up to the quote.
      let bs = -1;
      for (let k = p; k < stop; k++) {
        if (buf[k] === BS) {
          bs = k;
          break;
        }
      }
      if (bs >= 0) {
        this.#hasEscape = true;
        if (bs + 1 >= n) {
          this.#slashes = 1;
          return -1;
        }
        p = bs + 2;
        continue;
      }
      this.#slashes = 0;
      return q;
    }
  }

  /** Decodes a string token `buf[start, end)` (quotes included) and asks the callback. */
  #string(kind: 'key' | 'string', buf: Buffer, start: number, end: number): string | undefined {
    this.#inString = undefined;
    const esc = this.#hasEscape;
    this.#hasEscape = false;
    this.#slashes = 0;
    let value: string;
    if (!esc) {
      // Control characters are not allowed raw inside JSON strings.
      for (let k = start + 1; k < end - 1; k++) {
        if ((buf[k] as number) < 0x20) {
          this.#fail('control character in string');
          return undefined;
        }
      }
      value = buf.toString('utf8', start + 1, end - 1);
    } else {
      try {
        value = JSON.parse(buf.toString('utf8', start, end)) as string;
      } catch {
        this.#fail('invalid string escape');
        return undefined;
      }
    }
    if (kind === 'key') {
      const top = this.stack[this.stack.length - 1] as Frame;
      top.key = value;
      const r = this.#cb('key', value, this);
      this.#expect = Expect.Colon;
      return r;
    }
    const r = this.#cb('string', value, this);
    this.#valueDone();
    return r;
  }

  /** A number or literal token `buf[start, end)`. */
  #bare(buf: Buffer, start: number, end: number): string | undefined {
    this.#inBare = false;
    const text = buf.toString('latin1', start, end);
    if (text === 'true' || text === 'false' || text === 'null') {
      this.#valueDone();
      return undefined;
    }
    if (!NUMBER.test(text)) {
      this.#fail('invalid number or literal');
      return undefined;
    }
    const r = this.#cb('number', text, this);
    this.#valueDone();
    return r;
  }
}

/** Bytes that can continue a number or a literal (`true`, `false`, `null`). */
function isBare(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2e ||
    c === 0x2d ||
    c === 0x2b ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a)
  );
}
