/**
 * A streaming JSON rewriter for the guard's hot path. It validates the JSON grammar as it goes and hands every
 * string value, number and object key to a callback that may replace it; everything else is copied through as
 * slices of the decoded chunk. Memory is bounded by the nesting depth and the longest single token
 * (`maxTokenChars`).
 *
 * Why text and not bytes: the byte-level version decoded every string with its own `Buffer#toString` call and
 * checked escapes and control characters byte by byte; on a 12 MB search response that tokenizer alone ran at
 * about 43 MB/s (one native call per token, ~250 ns each). Here each chunk is decoded once (`StringDecoder`,
 * which never splits a character), string bodies are scanned with `charCodeAt` and cut out with `slice`, and
 * the output of a chunk is encoded once. The tokenizer alone runs at several hundred MB/s (BENCHMARKS.md).
 *
 * Output is the input re-encoded: for valid UTF-8 it is byte-identical where nothing was replaced; invalid
 * UTF-8 comes out as U+FFFD, so the output is always valid UTF-8. The first grammar error stops the stream;
 * nothing after it is emitted.
 */
import { StringDecoder } from 'node:string_decoder';

/** What kind of token a leaf is. */
export type LeafKind = 'key' | 'string' | 'number';

/**
 * Replaces a leaf: return `undefined` to keep its raw text, or the JSON text to write instead.
 * `value` is the decoded string (keys, strings) or the number's text. It may be a slice of a larger string:
 * copy it before keeping it beyond the call (see `detach`).
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
export interface Frame {
  obj: boolean;
  /** The current key (objects) or undefined (arrays). */
  key: string | undefined;
  /** Array index (arrays). */
  index: number;
}

/** A JSON number (RFC 8259 §6): `-12`, `3.5e-7`. Not `01`, `+1`, `.5`. */
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/**
 * A copy of `s` that does not keep alive the (large) string it may be a slice of. V8 represents a slice of 13
 * or more characters as a view into its parent, and a Set or Map holding it holds the whole decoded chunk.
 *
 * @example
 * cache.add(detach(value));
 */
export function detach(s: string): string {
  return s.length < 13 ? s : ` ${s}`.slice(1);
}

/** Streaming JSON rewriter over decoded text. */
export class JsonStream {
  /** Open containers, outermost first. */
  readonly stack: Frame[] = [];
  /** Why the input is not JSON. */
  error: string | undefined;
  #expect = Expect.Value;
  readonly #decoder = new StringDecoder('utf8');
  /** Parts of a token cut by a chunk boundary. */
  #carry: string[] = [];
  #carryLen = 0;
  /** Inside a string: kind being read. */
  #inString: 'key' | 'string' | undefined;
  /** The previous chunk ended right after a backslash inside the string being read. */
  #pendingEscape = false;
  #hasEscape = false;
  /** Inside a number or literal. */
  #inBare = false;
  readonly #cb: LeafCallback;
  readonly #maxToken: number;

  constructor(cb: LeafCallback, maxTokenChars = 16 * 1024 * 1024) {
    this.#cb = cb;
    this.#maxToken = maxTokenChars;
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

  /** Feeds a chunk of UTF-8; returns the output for it (maybe empty), encoded. */
  write(chunk: Buffer): Buffer[] {
    if (this.error) return [];
    const out = this.writeText(this.#decoder.write(chunk));
    return out.length === 0 ? [] : [Buffer.from(out, 'utf8')];
  }

  /** End of input: flushes a trailing number; reports truncation. */
  end(): Buffer[] {
    if (this.error) return [];
    let out = '';
    const rest = this.#decoder.end();
    if (rest.length > 0) out = this.writeText(rest);
    out += this.endText();
    return out.length === 0 || this.error ? [] : [Buffer.from(out, 'utf8')];
  }

  /**
   * Feeds decoded text; returns the output text for it. Unchanged text is passed as slices of `t`, cut only
   * where a leaf is replaced (most leaves are not).
   */
  writeText(t: string): string {
    if (this.error) return '';
    const n = t.length;
    let out = '';
    let i = 0;
    let copy = 0; // start of text not yet emitted
    if (this.#inString) {
      const end = this.#scanString(t, 0);
      if (end < 0) {
        this.#hold(t, 0, n);
        return '';
      }
      if (this.error) return '';
      this.#hold(t, 0, end + 1);
      const raw = this.#take();
      const r = this.#string(this.#inString, raw, 0, raw.length);
      if (this.error) return '';
      out = r === undefined ? raw : r;
      i = end + 1;
      copy = i;
    } else if (this.#inBare) {
      let j = 0;
      while (j < n && isBare(t.charCodeAt(j))) j++;
      this.#hold(t, 0, j);
      if (j === n) return '';
      const raw = this.#take();
      const r = this.#bare(raw, 0, raw.length);
      if (this.error) return '';
      out = r === undefined ? raw : r;
      i = j;
      copy = i;
    }
    while (i < n) {
      const c = t.charCodeAt(i);
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
            const end = this.#scanString(t, i + 1);
            if (this.error) return out;
            if (end < 0) {
              if (i > copy) out += t.slice(copy, i);
              this.#inString = 'string';
              this.#hold(t, i, n);
              return out;
            }
            const r = this.#string('string', t, i, end + 1);
            if (r !== undefined) {
              if (i > copy) out += t.slice(copy, i);
              out += r;
              copy = end + 1;
            }
            i = end + 1;
          } else if (c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e) {
            let j = i + 1;
            while (j < n && isBare(t.charCodeAt(j))) j++;
            if (j === n) {
              if (i > copy) out += t.slice(copy, i);
              this.#inBare = true;
              this.#hold(t, i, j);
              return out;
            }
            const r = this.#bare(t, i, j);
            if (r !== undefined) {
              if (i > copy) out += t.slice(copy, i);
              out += r;
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
            const end = this.#scanString(t, i + 1);
            if (this.error) return out;
            if (end < 0) {
              if (i > copy) out += t.slice(copy, i);
              this.#inString = 'key';
              this.#hold(t, i, n);
              return out;
            }
            const r = this.#string('key', t, i, end + 1);
            if (r !== undefined) {
              if (i > copy) out += t.slice(copy, i);
              out += r;
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
    if (copy < n) out += copy === 0 ? t : t.slice(copy, n);
    return out;
  }

  /** End of decoded input: flushes a trailing number; reports truncation. */
  endText(): string {
    if (this.error) return '';
    let out = '';
    if (this.#inBare) {
      const raw = this.#take();
      const r = this.#bare(raw, 0, raw.length);
      if (!this.error) out = r === undefined ? raw : r;
    }
    if (!this.error && this.#expect !== Expect.Done) this.#fail('unexpected end of input');
    return this.error ? '' : out;
  }

  #close(obj: boolean): void {
    const top = this.stack.pop();
    if (!top || top.obj !== obj) {
      this.#fail(obj ? 'unexpected "}"' : 'unexpected "]"');
      return;
    }
    this.#valueDone();
  }

  #hold(t: string, from: number, to: number): void {
    if (to <= from) return;
    this.#carry.push(from === 0 && to === t.length ? t : t.slice(from, to));
    this.#carryLen += to - from;
    if (this.#carryLen > this.#maxToken) this.#fail(`token longer than ${this.#maxToken} characters`);
  }

  #take(): string {
    const s = this.#carry.length === 1 ? (this.#carry[0] as string) : this.#carry.join('');
    this.#carry = [];
    this.#carryLen = 0;
    return s;
  }

  /**
   * Index of the closing quote of a string whose body continues at `from`, or −1 at the end of the text (the
   * escape state is kept for the next chunk). Notes whether the string has escapes; fails on a raw control
   * character (not allowed inside JSON strings).
   */
  #scanString(t: string, from: number): number {
    const n = t.length;
    let p = from;
    if (this.#pendingEscape) {
      // The previous chunk ended right after a backslash: this character is escaped.
      if (p >= n) return -1;
      this.#pendingEscape = false;
      p++;
    }
    for (; p < n; p++) {
      const c = t.charCodeAt(p);
      if (c === Q) return p;
      if (c === BS) {
        this.#hasEscape = true;
        if (p + 1 >= n) {
          this.#pendingEscape = true;
          return -1;
        }
        p++;
      } else if (c < 0x20) {
        this.#fail('control character in string');
        return -1;
      }
    }
    return -1;
  }

  /** Decodes a string token `t[start, end)` (quotes included) and asks the callback. */
  #string(kind: 'key' | 'string', t: string, start: number, end: number): string | undefined {
    this.#inString = undefined;
    const esc = this.#hasEscape;
    this.#hasEscape = false;
    this.#pendingEscape = false;
    let value: string;
    if (!esc) value = t.slice(start + 1, end - 1);
    else {
      try {
        value = JSON.parse(t.slice(start, end)) as string;
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

  /** A number or literal token `t[start, end)`. */
  #bare(t: string, start: number, end: number): string | undefined {
    this.#inBare = false;
    const text = start === 0 && end === t.length ? t : t.slice(start, end);
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

/** Characters that can continue a number or a literal (`true`, `false`, `null`). */
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
