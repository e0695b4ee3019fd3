/**
 * JSON and NDJSON, rewritten as a stream: everything but the values that change is copied character for
 * character (whitespace, key order, number spelling, escapes), so a document with nothing to protect comes out
 * identical, and memory is bounded by nesting depth and the longest string.
 *
 * Rules by JSON path: a leaf at `$.users[3].phone` is looked up as `$.users[3].phone`, then `$.users[*].phone`,
 * then by its last key `phone` (so one `column: phone` rule covers a CSV header and a JSON field alike). Strings
 * and numbers are leaves; a number whose protected form is not a JSON number is written as a string. Object
 * keys get detection only (a map keyed by phone numbers is protected too). Values are found inside strings
 * (`"msg": "call 13812345678"`), with the key as detection context.
 *
 * NDJSON: one value per line; a line that is not one JSON value is a bad record (see `records.ts`); empty
 * lines are kept. A JSON document with a syntax error stops the run with its line (there is no record to skip).
 */
import { InputError } from '../../core/errors.js';
import { ChunkDecoder, type TextEncoding } from '../../sources/formats/decode.js';
import type { ByteInput } from '../../sources/formats/input.js';
import { keySegment } from '../../sources/formats/json.js';
import { isPromiseLike, type MaybePromise } from '../operator.js';
import type { BlockWriter } from './output.js';
import { type BadRecordAction, BadRecords } from './records.js';
import { type ColumnRef, columnRef, type ValueLocation, type ValueTransformer } from './values.js';

/**
 * JSON number grammar (RFC 8259 §6): `-12`, `3.5e-7`, `0`. Not `01`, `+1`, `.5`, `1.` (invalid JSON), so a
 * protected number that is not one is written as a string.
 */
const NUMBER = /^-?(?:0|[1-9][0-9]{0,400})(?:\.[0-9]{1,400})?(?:[eE][+-]?[0-9]{1,5})?$/;

/** Longest string value or key held in memory (a longer one is an error, not a silent cut). */
export const MAX_JSON_STRING_CHARS = 64 * 1024 * 1024;

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

/** One value the rewriter hands out: a string or number leaf, or an object key. */
export type JsonLeafKind = 'string' | 'number' | 'key';

/**
 * Replaces one leaf. Receives the decoded value and its raw JSON text; returns the JSON text to write (the raw
 * text when unchanged).
 */
export type JsonLeafHandler = (
  kind: JsonLeafKind,
  value: string,
  raw: string,
  rewriter: JsonRewriter,
) => MaybePromise<string>;

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * A streaming JSON rewriter: `write(chunk, out)` appends the output for what has been consumed (strings, or
 * promises of strings when the leaf handler is asynchronous) to `out`; text inside an unfinished string or
 * number is held until it completes.
 *
 * @example
 * const out: MaybePromise<string>[] = [];
 * const w = new JsonRewriter((kind, value, raw) => (value === 'secret' ? '"***"' : raw));
 * w.write('{"a": "secret"}', out); w.end(out); // out joins to '{"a": "***"}'
 */
export class JsonRewriter {
  /** Current line (1-based). */
  line = 1;
  /** Why the input is not JSON (the rewriter stops at the first error). */
  error: { line: number; reason: string } | undefined;
  /** Path segments (`.phone`, `[3]`) of the current value. */
  readonly segs: string[] = [];
  /** The same with array indices as `[*]`. */
  readonly wild: string[] = [];
  /** The nearest object key of each level (detection label). */
  readonly keys: (string | undefined)[] = [];
  #mode = Mode.Value;
  readonly #stack: { array: boolean; index: number }[] = [];
  #str = '';
  #raw = '';
  #strIsKey = false;
  #esc = 0;
  #hex = '';
  #lit = '';
  #litPos = 0;
  #num = '';

  constructor(
    private readonly leaf: JsonLeafHandler,
    private readonly maxStringChars = MAX_JSON_STRING_CHARS,
  ) {}

  /** Whether one complete value was read (and nothing but whitespace after it). */
  get complete(): boolean {
    return this.#mode === Mode.Done;
  }

  /** Whether nothing but whitespace has been seen. */
  get empty(): boolean {
    return this.#mode === Mode.Value && this.#stack.length === 0;
  }

  /** The current leaf's exact path (`$.users[3].phone`). */
  path(): string {
    return this.segs.length === 0 ? '$' : `$${this.segs.join('')}`;
  }

  /** The current leaf's path with `[*]` for array indices. */
  wildPath(): string {
    return this.wild.length === 0 ? '$' : `$${this.wild.join('')}`;
  }

  /** The nearest enclosing object key of the current leaf, if any. */
  lastKey(): string | undefined {
    for (let i = this.keys.length - 1; i >= 0; i--) {
      const k = this.keys[i];
      if (k !== undefined) return k;
    }
    return undefined;
  }

  #fail(reason: string): void {
    this.#mode = Mode.Error;
    this.error = { line: this.line, reason };
  }

  #valueDone(): void {
    this.#mode = this.#stack.length === 0 ? Mode.Done : Mode.After;
  }

  #emitLeaf(kind: JsonLeafKind, value: string, raw: string, out: MaybePromise<string>[]): void {
    out.push(this.leaf(kind, value, raw, this));
  }

  /** Feeds a chunk; appends output parts to `out`. Stops at the first syntax error (see `error`). */
  write(s: string, out: MaybePromise<string>[]): void {
    const n = s.length;
    let i = 0;
    // Start of text to copy through unchanged.
    let copy = this.#mode === Mode.String || this.#mode === Mode.Number ? -1 : 0;
    while (i < n && this.error === undefined) {
      const c = s.charCodeAt(i);
      if (this.#mode === Mode.String) {
        let j = i;
        while (j < n) {
          const d = s.charCodeAt(j);
          if (this.#esc !== 0 || d === 0x22 || d === 0x5c || d < 0x20) break;
          j++;
        }
        if (j > i) {
          const run = s.slice(i, j);
          this.#str += run;
          this.#raw += run;
          if (this.#str.length > this.maxStringChars) {
            this.#fail(`string longer than ${this.maxStringChars} characters`);
            break;
          }
          i = j;
          continue;
        }
        const ch = s[i] as string;
        this.#raw += ch;
        if (this.#esc === 1) {
          if (ch === 'u') {
            this.#esc = 2;
            this.#hex = '';
          } else if (ESCAPES[ch] !== undefined) {
            this.#str += ESCAPES[ch];
            this.#esc = 0;
          } else {
            this.#fail('invalid escape');
            break;
          }
          i++;
          continue;
        }
        if (this.#esc === 2) {
          const h = c | 0x20;
          if (!((c >= 0x30 && c <= 0x39) || (h >= 0x61 && h <= 0x66))) {
            this.#fail('invalid unicode escape');
            break;
          }
          this.#hex += ch;
          if (this.#hex.length === 4) {
            this.#str += String.fromCharCode(Number.parseInt(this.#hex, 16));
            this.#esc = 0;
          }
          i++;
          continue;
        }
        if (c === 0x5c) {
          this.#esc = 1;
          i++;
          continue;
        }
        if (c < 0x20) {
          this.#fail('control character in string');
          break;
        }
        // Closing quote.
        i++;
        copy = i;
        const value = this.#str;
        const raw = this.#raw;
        this.#str = '';
        this.#raw = '';
        if (this.#strIsKey) {
          const top = this.segs.length - 1;
          this.segs[top] = keySegment(value);
          this.wild[top] = this.segs[top] as string;
          this.keys[top] = value;
          this.#emitLeaf('key', value, raw, out);
          this.#mode = Mode.Colon;
        } else {
          this.#emitLeaf('string', value, raw, out);
          this.#valueDone();
        }
        continue;
      }
      if (this.#mode === Mode.Number) {
        if ((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d) {
          this.#num += s[i];
          if (this.#num.length > 1000) {
            this.#fail('number too long');
            break;
          }
          i++;
          continue;
        }
        if (!this.#flushNumber(out)) break;
        copy = i;
        continue;
      }
      if (this.#mode === Mode.Literal) {
        if (s[i] !== this.#lit[this.#litPos]) {
          this.#fail('invalid literal');
          break;
        }
        i++;
        if (++this.#litPos === this.#lit.length) this.#valueDone();
        continue;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        if (c === 0x0a) this.line++;
        i++;
        continue;
      }
      switch (this.#mode) {
        case Mode.Value:
        case Mode.ValueOrEndArray:
          if (c === 0x5d && this.#mode === Mode.ValueOrEndArray) {
            this.#endContainer(true);
            i++;
            break;
          }
          if (c === 0x22 || c === 0x2d || (c >= 0x30 && c <= 0x39)) {
            if (copy >= 0 && i > copy) out.push(s.slice(copy, i));
            copy = -1;
          }
          i = this.#beginValue(c, i, s);
          break;
        case Mode.KeyOrEndObject:
        case Mode.Key:
          if (c === 0x7d && this.#mode === Mode.KeyOrEndObject) {
            this.#endContainer(false);
            i++;
          } else if (c === 0x22) {
            if (copy >= 0 && i > copy) out.push(s.slice(copy, i));
            copy = -1;
            this.#mode = Mode.String;
            this.#strIsKey = true;
            this.#str = '';
            this.#raw = '"';
            i++;
          } else this.#fail('expected a key');
          break;
        case Mode.Colon:
          if (c === 0x3a) {
            this.#mode = Mode.Value;
            i++;
          } else this.#fail('expected ":"');
          break;
        case Mode.After: {
          const top = this.#stack[this.#stack.length - 1] as { array: boolean; index: number };
          if (c === 0x2c) {
            if (top.array) {
              top.index++;
              this.segs[this.segs.length - 1] = `[${top.index}]`;
              this.#mode = Mode.Value;
            } else this.#mode = Mode.Key;
            i++;
          } else if (c === 0x5d || c === 0x7d) {
            this.#endContainer(c === 0x5d);
            i++;
          } else this.#fail('expected "," or a closing bracket');
          break;
        }
        case Mode.Done:
          this.#fail('unexpected content after the value');
          break;
        default:
          break;
      }
    }
    if (this.error) return;
    if (copy >= 0 && copy < n && this.#mode !== Mode.String && this.#mode !== Mode.Number) out.push(s.slice(copy));
  }

  #beginValue(c: number, i: number, s: string): number {
    if (c === 0x7b) {
      this.#stack.push({ array: false, index: 0 });
      this.segs.push('');
      this.wild.push('');
      this.keys.push(undefined);
      this.#mode = Mode.KeyOrEndObject;
    } else if (c === 0x5b) {
      this.#stack.push({ array: true, index: 0 });
      this.segs.push('[0]');
      this.wild.push('[*]');
      this.keys.push(undefined);
      this.#mode = Mode.ValueOrEndArray;
    } else if (c === 0x22) {
      this.#mode = Mode.String;
      this.#strIsKey = false;
      this.#str = '';
      this.#raw = '"';
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      this.#mode = Mode.Number;
      this.#num = s[i] as string;
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      this.#lit = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
      this.#litPos = 1;
      this.#mode = Mode.Literal;
    } else {
      this.#fail('expected a value');
      return i;
    }
    return i + 1;
  }

  #endContainer(array: boolean): void {
    const top = this.#stack[this.#stack.length - 1];
    if (!top || top.array !== array) {
      this.#fail(array ? 'unexpected "]"' : 'unexpected "}"');
      return;
    }
    this.#stack.pop();
    this.segs.pop();
    this.wild.pop();
    this.keys.pop();
    this.#valueDone();
  }

  #flushNumber(out: MaybePromise<string>[]): boolean {
    if (!NUMBER.test(this.#num)) {
      this.#fail('invalid number');
      return false;
    }
    const raw = this.#num;
    this.#num = '';
    this.#emitLeaf('number', raw, raw, out);
    this.#valueDone();
    return true;
  }

  /** End of input: completes a trailing top-level number; reports truncation (unless nothing was seen). */
  end(out: MaybePromise<string>[]): void {
    if (this.error) return;
    if (this.#mode === Mode.Number && !this.#flushNumber(out)) return;
    if (this.#mode !== Mode.Done && !this.empty) this.#fail('unexpected end of input');
  }
}

/** Options of {@link transformJson} and {@link transformNdjson}. */
export interface JsonTransformOptions {
  encoding: TextEncoding;
  /** File name for messages. */
  file: string;
  /**
   * Where each record's data subject is (`dateshift`): a JSON path (`$.patient.id`; `$[*].patient_id` in an
   * array of records; relative to each line in NDJSON) or a bare key (the first leaf path ending in that key).
   */
  subjectPath?: string | undefined;
  /** NDJSON only. */
  onBadRecord: BadRecordAction;
  /** Longest NDJSON line in characters (default 16 Mi); a longer one is a bad record. */
  maxRecordChars?: number;
}

/** What the JSON paths report. */
export interface JsonResult {
  /** Documents: 1 for JSON; non-empty lines for NDJSON. */
  records: number;
  bad: BadRecords;
}

/**
 * The subjects of one JSON text (a document, or an NDJSON line), found in a first pass: the leaf at the subject
 * path holds the subject of every leaf that shares its path up to the subject path's last `[*]` (the record).
 * As with CSV, the subject is the subject leaf as written in the protected output, so `reveal` finds the same.
 */
class JsonSubjects {
  readonly #wanted: string;
  /** The subject's wild path once a leaf matched (a bare key locks on its first match). */
  #wild: string | undefined;
  #depth = 0;
  readonly #raw = new Map<string, { value: string; ref: ColumnRef; line: number }>();
  #resolved = new Map<string, string>();
  /** Whether any leaf matched. */
  found = false;

  constructor(path: string) {
    // Indices name records in general: `$.a[0].b` is read as `$.a[*].b`.
    this.#wanted = path.startsWith('$') ? path.replace(/\[[0-9]{1,9}\]/g, '[*]') : keySegment(path);
    if (path.startsWith('$')) this.#wild = this.#wanted;
  }

  /** The first-pass leaf handler: records subject leaves, writes nothing. */
  readonly collect: JsonLeafHandler = (kind, value, raw, w) => {
    if (kind === 'key') return raw;
    const wild = w.wildPath();
    if (this.#wild === undefined) {
      if (!wild.endsWith(this.#wanted)) return raw;
      this.#wild = wild;
    } else if (wild !== this.#wild) return raw;
    let d = 0;
    for (let i = 0; i < w.wild.length; i++) if (w.wild[i] === '[*]') d = i + 1;
    this.#depth = d;
    this.found = true;
    const record = w.segs.slice(0, d).join('');
    if (!this.#raw.has(record)) {
      const last = w.lastKey();
      this.#raw.set(record, {
        value,
        ref: columnRef(wild, last !== undefined ? [last] : [], last),
        line: w.line,
      });
    }
    return raw;
  };

  /** Computes each record's subject: the protected form of the subject leaf when protecting, as is otherwise. */
  async resolve(values: ValueTransformer, file: string): Promise<void> {
    const out = new Map<string, string>();
    for (const [record, s] of this.#raw) {
      if (values.mode === 'reveal') out.set(record, s.value);
      else {
        const r = values.peek(s.value, s.ref, () => ({ file, line: s.line, field: s.ref.name }));
        out.set(record, isPromiseLike(r) ? await r : r);
      }
    }
    this.#raw.clear();
    this.#resolved = out;
  }

  /** The subject of the current leaf of `w` (second pass). */
  of(w: JsonRewriter): string | undefined {
    return this.#resolved.get(w.segs.slice(0, this.#depth).join(''));
  }

  /** Forgets the subjects of one NDJSON line. */
  reset(): void {
    this.#raw.clear();
    this.#resolved = new Map();
  }
}

/** The leaf handler that applies `values`, with `where` giving the location for errors. */
function leafHandler(
  values: ValueTransformer,
  where: (w: JsonRewriter) => ValueLocation,
  subjects?: JsonSubjects,
): JsonLeafHandler {
  const refs = new Map<string, ColumnRef>();
  const exact = values.hasColumnRules && hasIndexedRule(values);
  return (kind, value, raw, w) => {
    if (kind === 'key') {
      const r = values.value(value, undefined, undefined, () => where(w));
      return isPromiseLike(r) ? r.then((o) => keyText(o, value, raw)) : keyText(r, value, raw);
    }
    const wild = w.wildPath();
    const last = w.lastKey();
    let ref: ColumnRef | undefined;
    if (exact) ref = columnRef(w.path(), last !== undefined ? [wild, last] : [wild], last);
    else {
      ref = refs.get(wild);
      if (!ref) {
        ref = columnRef(wild, last !== undefined ? [last] : [], last);
        if (refs.size < 10_000) refs.set(wild, ref);
      }
    }
    const r = values.value(value, ref, subjects?.of(w), () => where(w));
    if (kind === 'number') return isPromiseLike(r) ? r.then((o) => numberText(o, raw)) : numberText(r, raw);
    return isPromiseLike(r) ? r.then((o) => stringText(o, value, raw)) : stringText(r, value, raw);
  };
}

/** Whether a column rule names an exact array index (`$.a[0].b`), which needs exact paths per leaf. */
function hasIndexedRule(values: ValueTransformer): boolean {
  for (const r of values.policy.rules) for (const c of r.columns ?? []) if (/\[[0-9]{1,9}\]/.test(c)) return true;
  return false;
}

function keyText(out: string, value: string, raw: string): string {
  return out === value ? raw : JSON.stringify(out);
}

function stringText(out: string, value: string, raw: string): string {
  return out === value ? raw : JSON.stringify(out);
}

function numberText(out: string, raw: string): string {
  if (out === raw) return raw;
  return NUMBER.test(out) ? out : JSON.stringify(out);
}

/** Decoded text chunks of an input. */
async function* textChunks(input: ByteInput, encoding: TextEncoding): AsyncGenerator<string> {
  const decoder = new ChunkDecoder(encoding);
  for await (const chunk of input.stream()) {
    const s = decoder.write(chunk);
    if (s) yield s;
  }
  const s = decoder.end();
  if (s) yield s;
}

async function drain(parts: MaybePromise<string>[], out: BlockWriter): Promise<void> {
  for (const p of parts) await out.push(isPromiseLike(p) ? await p : p);
  parts.length = 0;
}

/**
 * Protects (or reveals) a JSON document into `out`.
 *
 * @throws InputError `LG_INPUT_INVALID` with the line of the first syntax error; PolicyError
 *   `LG_OPERATOR_FAILED` with the line and path when an operator fails
 * @example
 * await transformJson(input, writer, values, { encoding: 'utf-8', file: 'a.json', onBadRecord: 'fail' });
 */
export async function transformJson(
  input: ByteInput,
  out: BlockWriter,
  values: ValueTransformer,
  options: JsonTransformOptions,
): Promise<JsonResult> {
  const { file } = options;
  let subjects: JsonSubjects | undefined;
  if (options.subjectPath !== undefined) {
    // A first pass finds every record's subject (memory: one entry per record, not the document).
    if (input.random() === undefined) {
      throw new InputError(
        'LG_INPUT_INVALID',
        `Cannot ${values.mode} "${file}" with a dateshift subject: a JSON document is read twice for it, so give a file, not a stream`,
        { location: { file } },
      );
    }
    subjects = new JsonSubjects(options.subjectPath);
    const scan = new JsonRewriter(subjects.collect, options.maxRecordChars ?? MAX_JSON_STRING_CHARS);
    const ignored: MaybePromise<string>[] = [];
    for await (const s of textChunks(input, options.encoding)) {
      scan.write(s, ignored);
      ignored.length = 0;
      if (scan.error) break;
    }
    if (!scan.error) {
      scan.end(ignored);
      await subjects.resolve(values, file);
    }
  }
  const rewriter = new JsonRewriter(
    leafHandler(values, (w) => ({ file, line: w.line, field: w.wildPath() }), subjects),
    options.maxRecordChars ?? MAX_JSON_STRING_CHARS,
  );
  const parts: MaybePromise<string>[] = [];
  const fail = (): never => {
    const e = rewriter.error as { line: number; reason: string };
    throw new InputError(
      'LG_INPUT_INVALID',
      `Cannot ${values.mode} "${file}": invalid JSON at line ${e.line}: ${e.reason}`,
      { location: { file, line: e.line } },
    );
  };
  for await (const s of textChunks(input, options.encoding)) {
    rewriter.write(s, parts);
    if (rewriter.error) fail();
    await drain(parts, out);
  }
  rewriter.end(parts);
  if (rewriter.error) fail();
  await drain(parts, out);
  return { records: rewriter.empty ? 0 : 1, bad: new BadRecords(options.onBadRecord, file, 'line', values.mode) };
}

/**
 * Protects (or reveals) NDJSON into `out`, line by line.
 *
 * @throws InputError `LG_INPUT_INVALID` with the line of the first bad line under `onBadRecord: 'fail'`
 * @example
 * await transformNdjson(input, writer, values, { encoding: 'utf-8', file: 'a.ndjson', onBadRecord: 'skip' });
 */
export async function transformNdjson(
  input: ByteInput,
  out: BlockWriter,
  values: ValueTransformer,
  options: JsonTransformOptions,
): Promise<JsonResult> {
  const { file } = options;
  const max = options.maxRecordChars ?? 16 * 1024 * 1024;
  const bad = new BadRecords(options.onBadRecord, file, 'line', values.mode);
  let lineNo = 1;
  let records = 0;
  let chars = 0;
  let tooLong = false;
  const subjects = options.subjectPath !== undefined ? new JsonSubjects(options.subjectPath) : undefined;
  const handler = leafHandler(values, (w) => ({ file, line: lineNo, field: w.wildPath() }), subjects);
  let rewriter = new JsonRewriter(handler, max);
  let parts: MaybePromise<string>[] = [];
  // With a subject, a line is held whole (it is bounded by `max`): its subject must be known before its leaves.
  let held = '';

  const finishLine = async (eol: string): Promise<void> => {
    if (subjects && !tooLong) {
      subjects.reset();
      const scan = new JsonRewriter(subjects.collect, max);
      const ignored: MaybePromise<string>[] = [];
      scan.write(held, ignored);
      if (!scan.error) {
        scan.end(ignored);
        if (!scan.error) await subjects.resolve(values, file);
      }
      rewriter.write(held, parts);
      held = '';
    }
    if (!tooLong) rewriter.end(parts);
    if (tooLong || rewriter.error) {
      const reason = tooLong
        ? `is longer than ${max} characters`
        : `is not one JSON value (${(rewriter.error as { reason: string }).reason})`;
      const action = bad.handle({ line: lineNo, reason });
      if (action === 'redact') await out.push(eol);
    } else {
      if (!rewriter.empty) records++;
      await drain(parts, out);
      await out.push(eol);
    }
    parts = [];
    rewriter = new JsonRewriter(handler, max);
    tooLong = false;
    chars = 0;
    held = '';
    lineNo++;
  };
  const feed = (s: string): void => {
    if (s.length === 0 || tooLong || rewriter.error) return;
    chars += s.length;
    if (chars > max) {
      tooLong = true;
      parts = [];
      held = '';
      return;
    }
    if (subjects) held += s;
    else rewriter.write(s, parts);
  };

  for await (const s of textChunks(input, options.encoding)) {
    let from = 0;
    for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', from)) {
      feed(s.slice(from, nl));
      await finishLine('\n');
      from = nl + 1;
    }
    feed(s.slice(from));
    if (bad.action !== 'fail' && (tooLong || rewriter.error)) parts = [];
  }
  if (chars > 0 || tooLong) await finishLine('');
  return { records, bad };
}
