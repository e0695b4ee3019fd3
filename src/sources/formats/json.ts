/**
 * JSON and NDJSON: a streaming walker that yields every string and number leaf with its JSON path
 * (`$.users[3].phone`) and the line it starts on, in memory bounded by nesting depth and one fragment (strings
 * longer than `maxFragmentChars` come out in pieces with the same path). Numbers keep their source text, so an
 * 18-digit identifier stored as a number is not rounded.
 *
 * Hand-written rather than a library because the locations (path and line) are the product: no streaming JSON
 * library reports the line of each value or splits huge strings.
 *
 * Invalid JSON is reported (`LG_FORMAT_CORRUPT`, with the line) and the rest of the input is then read as plain
 * text, so content after a syntax error is still scanned. NDJSON reports a bad line (`loc.row`) and goes on.
 */
import { ChunkDecoder, type TextEncoding } from './decode.js';
import type { ByteInput } from './input.js';
import { lineAlignedRange, TextChunker } from './text.js';
import {
  at,
  checkAbort,
  extensionOf,
  PROBLEM,
  problem,
  type ReadBatch,
  type ReadContext,
  type ReadItem,
} from './types.js';

/**
 * An identifier that needs no quoting in a path: `phone`, `_id`, `$ref`. Not `first name`, `1st`, `a-b`
 * (those use `['…']`). Source: the dot-notation rule of JSONPath (RFC 9535 §2.5.1.1, ASCII subset).
 */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]{0,199}$/;

/** Longest key kept in a path; longer keys are cut (paths are locations, not content). */
const MAX_KEY_IN_PATH = 200;

/**
 * One path segment for an object key.
 *
 * @example
 * keySegment('phone'); // '.phone'; keySegment('first name'); // "['first name']"
 */
export function keySegment(key: string): string {
  if (IDENTIFIER.test(key)) return `.${key}`;
  const k = key.length > MAX_KEY_IN_PATH ? `${key.slice(0, MAX_KEY_IN_PATH)}...` : key;
  let out = "['";
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c === 0x27 || c === 0x5c) out += `\\${k[i]}`;
    else if (c < 0x20) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += k[i];
  }
  return `${out}']`;
}

/** A quoted key that is probably data rather than a name: a run of 4+ digits or an `@` (a phone, an e-mail). */
const DATA_LIKE_KEY = /\d{4}|@/;

/**
 * The path with array indices replaced by `[*]`, for per-field classification across array elements. Quoted
 * keys are kept as written, even when they contain digits in brackets — except keys that look like data (a
 * phone number or e-mail used as an object key), which become `['*']`: they are values, not field names, and
 * must not reach the catalog.
 *
 * @example
 * fieldKeyOf('$.users[3].phone'); // '$.users[*].phone'
 * fieldKeyOf("$['a[1]'][0]"); // "$['a[1]'][*]"
 * fieldKeyOf("$.byPhone['13812345678'].name"); // "$.byPhone['*'].name"
 */
export function fieldKeyOf(path: string): string {
  if (!path.startsWith('$')) return path;
  let out = '';
  let i = 0;
  while (i < path.length) {
    const c = path[i]!;
    if (c === '[' && path[i + 1] === "'") {
      let j = i + 2;
      while (j < path.length && !(path[j] === "'" && path[j + 1] === ']')) j += path[j] === '\\' ? 2 : 1;
      const segment = path.slice(i, j + 2);
      out += DATA_LIKE_KEY.test(segment) ? "['*']" : segment;
      i = j + 2;
    } else if (c === '[') {
      const j = path.indexOf(']', i);
      if (j < 0) return out + path.slice(i);
      out += '[*]';
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** A leaf the walker found. */
export interface JsonLeaf {
  path: string;
  text: string;
  line: number;
}

/** Why the walker stopped. */
export interface JsonSyntaxError {
  line: number;
  /** Index in the chunk where the error occurred (the text from here on is unparsed). */
  index: number;
  reason: string;
}

enum Mode {
  Value,
  ValueOrEndArray,
  KeyOrEndObject,
  Key,
  Colon,
  After,
  String,
  Number,
  Literal,
  Done,
  Error,
}

interface Frame {
  array: boolean;
  index: number;
}

/**
 * JSON number grammar (RFC 8259 §6): `-12`, `3.5e-7`, `0`. Not `01`, `+1`, `.5`, `1.` (invalid JSON).
 */
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Streaming JSON walker over text chunks.
 *
 * @example
 * const w = new JsonWalker(1 << 20);
 * const leaves = w.write('{"a":[1,"x"]}'); // [{ path: '$.a[0]', text: '1', … }, { path: '$.a[1]', text: 'x', … }]
 */
export class JsonWalker {
  /** Current line (1-based). */
  line: number;
  error: JsonSyntaxError | undefined;
  private mode = Mode.Value;
  private readonly stack: Frame[] = [];
  private readonly segs: string[] = [];
  private str = '';
  private strIsKey = false;
  private strLine = 0;
  private esc = 0;
  private hex = '';
  private lit = '';
  private litPos = 0;
  private num = '';
  private numLine = 0;

  constructor(
    private readonly maxChars: number,
    line = 1,
  ) {
    this.line = line;
  }

  /** Whether one complete top-level value was read (and nothing but whitespace after it). */
  get complete(): boolean {
    return this.mode === Mode.Done;
  }

  /** The current path, memoised until a segment changes (consecutive leaves often share it). */
  private pathCache: string | undefined;

  private path(): string {
    this.pathCache ??= this.segs.length === 0 ? '$' : `$${this.segs.join('')}`;
    return this.pathCache;
  }

  /** Reuse the walker for a new value (NDJSON lines) without reallocating. */
  reset(line = 1): void {
    this.line = line;
    this.error = undefined;
    this.mode = Mode.Value;
    this.stack.length = 0;
    this.segs.length = 0;
    this.pathCache = undefined;
    this.str = '';
    this.esc = 0;
    this.num = '';
  }

  private fail(index: number, reason: string): void {
    this.mode = Mode.Error;
    this.error = { line: this.line, index, reason };
  }

  /** A value finished: move to the state after it. */
  private valueDone(): void {
    this.mode = this.stack.length === 0 ? Mode.Done : Mode.After;
  }

  private beginValue(c: number, i: number, s: string): number {
    if (c === 0x7b) {
      this.stack.push({ array: false, index: 0 });
      this.segs.push('');
      this.pathCache = undefined;
      this.mode = Mode.KeyOrEndObject;
    } else if (c === 0x5b) {
      this.stack.push({ array: true, index: 0 });
      this.segs.push('[0]');
      this.pathCache = undefined;
      this.mode = Mode.ValueOrEndArray;
    } else if (c === 0x22) {
      this.mode = Mode.String;
      this.strIsKey = false;
      this.str = '';
      this.strLine = this.line;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      this.mode = Mode.Number;
      this.num = s[i]!;
      this.numLine = this.line;
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      this.lit = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
      this.litPos = 1;
      this.mode = Mode.Literal;
    } else {
      this.fail(i, 'expected a value');
      return i;
    }
    return i + 1;
  }

  private endContainer(array: boolean, i: number): void {
    const top = this.stack[this.stack.length - 1];
    if (!top || top.array !== array) {
      this.fail(i, array ? 'unexpected "]"' : 'unexpected "}"');
      return;
    }
    this.stack.pop();
    this.segs.pop();
    this.pathCache = undefined;
    this.valueDone();
  }

  private flushNumber(out: JsonLeaf[], i: number): boolean {
    if (!NUMBER.test(this.num)) {
      this.fail(i, 'invalid number');
      return false;
    }
    out.push({ path: this.path(), text: this.num, line: this.numLine });
    this.num = '';
    this.valueDone();
    return true;
  }

  /** Feed a chunk of text; returns the leaves completed in it. Stops at the first syntax error (see `error`). */
  write(s: string): JsonLeaf[] {
    const out: JsonLeaf[] = [];
    const n = s.length;
    let i = 0;
    while (i < n && this.error === undefined) {
      const c = s.charCodeAt(i);
      switch (this.mode) {
        case Mode.String: {
          // Copy runs of plain characters at once.
          let j = i;
          const limit = this.strIsKey ? n : Math.min(n, i + this.maxChars - this.str.length);
          while (j < limit) {
            const d = s.charCodeAt(j);
            if (this.esc !== 0 || d === 0x22 || d === 0x5c || d < 0x20) break;
            j++;
          }
          if (j > i) {
            this.str += s.slice(i, j);
            i = j;
            if (!this.strIsKey && this.str.length >= this.maxChars) {
              out.push({ path: this.path(), text: this.str, line: this.strLine });
              this.str = '';
            }
            continue;
          }
          if (this.esc === 1) {
            const map: Record<string, string> = {
              '"': '"',
              '\\': '\\',
              '/': '/',
              b: '\b',
              f: '\f',
              n: '\n',
              r: '\r',
              t: '\t',
            };
            const ch = s[i]!;
            if (ch === 'u') {
              this.esc = 2;
              this.hex = '';
            } else if (map[ch] !== undefined) {
              this.str += map[ch];
              this.esc = 0;
            } else {
              this.fail(i, 'invalid escape');
              break;
            }
            i++;
            continue;
          }
          if (this.esc === 2) {
            const h = c | 0x20;
            if (!((c >= 0x30 && c <= 0x39) || (h >= 0x61 && h <= 0x66))) {
              this.fail(i, 'invalid unicode escape');
              break;
            }
            this.hex += s[i];
            if (this.hex.length === 4) {
              this.str += String.fromCharCode(Number.parseInt(this.hex, 16));
              this.esc = 0;
            }
            i++;
            continue;
          }
          if (c === 0x5c) {
            this.esc = 1;
            i++;
            continue;
          }
          if (c < 0x20) {
            this.fail(i, 'control character in string');
            break;
          }
          // Closing quote.
          i++;
          if (this.strIsKey) {
            const top = this.segs.length - 1;
            this.segs[top] = keySegment(this.str);
            this.pathCache = undefined;
            this.str = '';
            this.mode = Mode.Colon;
          } else {
            if (this.str.length > 0) out.push({ path: this.path(), text: this.str, line: this.strLine });
            this.str = '';
            this.valueDone();
          }
          continue;
        }
        case Mode.Number: {
          if ((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d) {
            this.num += s[i];
            if (this.num.length > 1000) {
              this.fail(i, 'number too long');
              break;
            }
            i++;
            continue;
          }
          if (!this.flushNumber(out, i)) break;
          continue;
        }
        case Mode.Literal: {
          if (s[i] !== this.lit[this.litPos]) {
            this.fail(i, 'invalid literal');
            break;
          }
          i++;
          if (++this.litPos === this.lit.length) this.valueDone();
          continue;
        }
        default:
          break;
      }
      if (this.error) break;
      if (isWs(c)) {
        if (c === 0x0a) this.line++;
        i++;
        continue;
      }
      switch (this.mode) {
        case Mode.Value:
          i = this.beginValue(c, i, s);
          break;
        case Mode.ValueOrEndArray:
          if (c === 0x5d) {
            this.endContainer(true, i);
            i++;
          } else i = this.beginValue(c, i, s);
          break;
        case Mode.KeyOrEndObject:
        case Mode.Key:
          if (c === 0x7d && this.mode === Mode.KeyOrEndObject) {
            this.endContainer(false, i);
            i++;
          } else if (c === 0x22) {
            this.mode = Mode.String;
            this.strIsKey = true;
            this.str = '';
            i++;
          } else this.fail(i, 'expected a key');
          break;
        case Mode.Colon:
          if (c === 0x3a) {
            this.mode = Mode.Value;
            i++;
          } else this.fail(i, 'expected ":"');
          break;
        case Mode.After: {
          const top = this.stack[this.stack.length - 1]!;
          if (c === 0x2c) {
            if (top.array) {
              top.index++;
              this.segs[this.segs.length - 1] = `[${top.index}]`;
              this.pathCache = undefined;
              this.mode = Mode.Value;
            } else this.mode = Mode.Key;
            i++;
          } else if (c === 0x5d || c === 0x7d) {
            this.endContainer(c === 0x5d, i);
            i++;
          } else this.fail(i, 'expected "," or a closing bracket');
          break;
        }
        case Mode.Done:
          this.fail(i, 'unexpected content after the value');
          break;
        default:
          break;
      }
    }
    return out;
  }

  /** End of input: completes a trailing top-level number; reports truncation. */
  end(): JsonLeaf[] {
    const out: JsonLeaf[] = [];
    if (this.mode === Mode.Number) this.flushNumber(out, 0);
    if (this.mode !== Mode.Done && this.mode !== Mode.Error) {
      this.mode = Mode.Error;
      this.error = { line: this.line, index: -1, reason: 'unexpected end of input' };
    }
    return out;
  }

  /** Whether nothing but whitespace has been seen. */
  get empty(): boolean {
    return this.mode === Mode.Value && this.stack.length === 0;
  }
}

/**
 * Whether text starting with `{` or `[` is JSON or NDJSON, from a sample: NDJSON when every complete line is one
 * value (at least two lines, or one with a `.ndjson`/`.jsonl` name), JSON when the sample parses as a prefix.
 *
 * @example
 * probeJson('{"a":1}\n{"a":2}\n', 'x', true); // 'ndjson'
 */
export function probeJson(text: string, name: string, complete: boolean): 'json' | 'ndjson' | undefined {
  let first = 0;
  while (first < text.length && isWs(text.charCodeAt(first))) first++;
  const c = text[first];
  if (c !== '{' && c !== '[') return undefined;
  const ext = extensionOf(name);
  const ndjsonName = ext === 'ndjson' || ext === 'jsonl' || ext === 'ldjson';
  const jsonName = ext === 'json' || ext === 'geojson';
  const lines = text.split('\n');
  if (!complete) lines.pop();
  let values = 0;
  let nonEmpty = 0;
  let firstIsValue = false;
  for (const line of lines.slice(0, 200)) {
    if (line.trim() === '') continue;
    const w = new JsonWalker(1 << 30);
    w.write(line);
    w.end();
    if (nonEmpty === 0) firstIsValue = w.complete;
    nonEmpty++;
    if (w.complete) values++;
  }
  // NDJSON: the first line is one value and most lines are (bad lines are then reported one by one).
  if (firstIsValue && ((ndjsonName && values >= 1) || (values >= 2 && values >= 0.8 * nonEmpty))) return 'ndjson';
  const w = new JsonWalker(1 << 30);
  w.write(text);
  if (complete) w.end();
  // A named JSON file that breaks later is still JSON: the error is reported and the rest read as text.
  if (w.error === undefined || jsonName) return 'json';
  return undefined;
}

/** Decoded text chunks. */
async function* decodeChunks(chunks: AsyncIterable<Buffer>, decoder: ChunkDecoder): AsyncGenerator<string> {
  for await (const chunk of chunks) {
    const s = decoder.write(chunk);
    if (s) yield s;
  }
  const s = decoder.end();
  if (s) yield s;
}

/**
 * Read a JSON document: one structured fragment per string or number leaf (`loc.field` = path, `loc.line`).
 *
 * @example
 * for await (const item of readJson(input, ctx, 'utf-8')) …
 */
export async function* readJson(input: ByteInput, ctx: ReadContext, encoding: TextEncoding): AsyncGenerator<ReadBatch> {
  const decoder = new ChunkDecoder(encoding);
  const walker = new JsonWalker(ctx.limits.maxFragmentChars);
  let rest: TextChunker | undefined;
  const leafFragment = (leaf: JsonLeaf): ReadItem => ({
    text: leaf.text,
    loc: at(ctx, { line: leaf.line, field: leaf.path }),
    structured: true,
  });
  for await (const s of decodeChunks(input.stream(), decoder)) {
    checkAbort(ctx.signal);
    if (rest) {
      const batch: ReadBatch = rest.push(s);
      if (batch.length > 0) yield batch;
      continue;
    }
    const batch: ReadBatch = walker.write(s).map(leafFragment);
    if (walker.error) {
      const err = walker.error;
      batch.push(
        problem(ctx, PROBLEM.corrupt, `Invalid JSON at line ${err.line}: ${err.reason}; the rest is read as text`, {
          line: err.line,
        }),
      );
      rest = new TextChunker(ctx, err.line);
      batch.push(...rest.push(s.slice(err.index)));
    }
    if (batch.length > 0) yield batch;
  }
  const batch: ReadBatch = [];
  if (rest) batch.push(...rest.end());
  else {
    const wasEmpty = walker.empty;
    batch.push(...walker.end().map(leafFragment));
    if (walker.error && !wasEmpty) {
      batch.push(
        problem(ctx, PROBLEM.corrupt, `Invalid JSON at line ${walker.error.line}: ${walker.error.reason}`, {
          line: walker.error.line,
        }),
      );
    }
  }
  const p = decoder.validator?.problem(ctx);
  if (p) batch.push(p);
  if (batch.length > 0) yield batch;
}

/** Options of {@link readNdjson} for planned byte ranges. */
export interface NdjsonRange {
  start: number;
  end: number;
  /** Line number of the line containing byte `start`. */
  line: number;
}

/**
 * Read NDJSON (JSON Lines): per line, one structured fragment per leaf with `loc.row` = line number. A line that
 * is not one JSON value is reported and skipped.
 *
 * @example
 * for await (const item of readNdjson(input, ctx, 'utf-8')) …
 */
export async function* readNdjson(
  input: ByteInput,
  ctx: ReadContext,
  encoding: TextEncoding,
  range?: NdjsonRange,
): AsyncGenerator<ReadBatch> {
  const start = range?.start ?? 0;
  const decoder = new ChunkDecoder(encoding, start, start > 0);
  let row = range?.line ?? 1;
  const walker = new JsonWalker(ctx.limits.maxFragmentChars);
  let bad = false;
  let out: ReadItem[] = [];
  const finishLine = (): void => {
    if (!bad) {
      const wasEmpty = walker.empty;
      for (const leaf of walker.end())
        out.push({ text: leaf.text, loc: at(ctx, { row, field: leaf.path }), structured: true });
      if (walker.error && !wasEmpty) bad = true;
      if (wasEmpty) {
        walker.reset();
        row++;
        return;
      }
    }
    if (bad) out.push(problem(ctx, PROBLEM.corrupt, `Skipped NDJSON line ${row}: not one JSON value`, { row }));
    walker.reset();
    bad = false;
    row++;
  };
  const feed = (s: string): void => {
    if (bad || s.length === 0) return;
    for (const leaf of walker.write(s))
      out.push({ text: leaf.text, loc: at(ctx, { row, field: leaf.path }), structured: true });
    if (walker.error) bad = true;
  };
  const moved = { moved: false };
  const bytes = range ? lineAlignedRange(input, range.start, range.end, moved) : input.stream();
  let first = true;
  for await (const s of decodeChunks(bytes, decoder)) {
    checkAbort(ctx.signal);
    if (first) {
      first = false;
      if (moved.moved) row++;
    }
    let from = 0;
    for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', from)) {
      feed(s.slice(from, nl));
      finishLine();
      from = nl + 1;
    }
    feed(s.slice(from));
    if (out.length > 0) {
      yield out;
      out = [];
    }
  }
  if (!walker.empty || bad) finishLine();
  const p = decoder.validator?.problem(ctx);
  if (p) out.push(p);
  if (out.length > 0) yield out;
}
