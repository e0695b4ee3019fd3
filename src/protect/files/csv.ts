/**
 * CSV/TSV: records are read with the scanner's own tokenizer (`CsvTokenizer`: the same record boundaries, row
 * and line numbers as `leakguard scan`), and written back keeping the dialect: delimiter, quote character, each
 * record's own line ending, the header, the BOM and the encoding (UTF-8, UTF-16, GB18030). A field is re-quoted
 * only where the original was quoted or where its new value needs it; an unchanged field is copied byte for
 * byte, so an unchanged record is identical to its input.
 *
 * Rules: `column:` rules by header name (case-insensitive; without a header, `column 1`, `column 2`, …); every
 * other cell, the header row included, goes through detection with its header as context. Ragged rows (a field
 * count other than the header's) and broken quoting are bad records (see `records.ts`).
 */
import type { CsvDialect } from '../../sources/formats/csv.js';
import { fieldNames, looksLikeHeader } from '../../sources/formats/csv.js';
import { type CsvEvent, CsvTokenizer } from '../../sources/formats/csv-tokenizer.js';
import { ChunkDecoder, type TextEncoding } from '../../sources/formats/decode.js';
import type { ByteInput } from '../../sources/formats/input.js';
import { isPromiseLike, type MaybePromise } from '../operator.js';
import type { BlockWriter } from './output.js';
import { type BadRecordAction, BadRecords } from './records.js';
import { type ColumnRef, columnKey, columnRef, type ValueLocation, type ValueTransformer } from './values.js';

/** A CSV dialect as written back: the sniffed one plus the quote character. */
export interface CsvWriteDialect extends CsvDialect {
  /** One ASCII character; `"` unless the file quotes with `'`. */
  quote: string;
}

/** Options of {@link transformCsv}. */
export interface CsvTransformOptions {
  dialect: CsvWriteDialect;
  encoding: TextEncoding;
  /** File name for messages. */
  file: string;
  onBadRecord: BadRecordAction;
  /** Header of the column whose value is the data subject (`dateshift`). */
  subjectColumn?: string | undefined;
  /** Largest record in bytes (default 16 MiB); a longer one is a bad record. */
  maxRecordBytes?: number;
}

/** What {@link transformCsv} reports. */
export interface CsvResult {
  /** Data rows read (header excluded; bad rows included). */
  rows: number;
  /** Column names (header cells, or `column N`). */
  columns: string[];
  bad: BadRecords;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Sniffs the quote character: `'` only when single quotes wrap fields and double quotes never do.
 *
 * @example
 * sniffQuote(Buffer.from("'a,b',c\n'd',e\n"), ','); // "'"
 */
export function sniffQuote(head: Uint8Array, delimiter: string): string {
  const d = delimiter.charCodeAt(0);
  let single = 0;
  let double = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head[i] as number;
    if (c !== 0x22 && c !== 0x27) continue;
    const prev = i === 0 ? LF : (head[i - 1] as number);
    if (prev !== d && prev !== LF) continue;
    // A field that starts with this quote: look for its close before the end of the line.
    let j = i + 1;
    while (j < head.length && head[j] !== LF) {
      if (head[j] === c) {
        if (head[j + 1] === c) {
          j += 2;
          continue;
        }
        break;
      }
      j++;
    }
    const next = head[j + 1];
    if (j < head.length && head[j] === c && (next === undefined || next === d || next === LF || next === CR)) {
      if (c === 0x22) double++;
      else single++;
    }
  }
  return single >= 2 && double === 0 ? "'" : '"';
}

/** Field byte spans `[start, end, quoted]` of a well-formed record's content (terminator excluded). */
function fieldSpans(raw: Uint8Array, end: number, d: number, q: number, out: number[]): void {
  out.length = 0;
  let i = 0;
  for (;;) {
    const start = i;
    if (raw[i] === q && i < end) {
      i++;
      while (i < end) {
        if (raw[i] === q) {
          if (raw[i + 1] === q) i += 2;
          else {
            i++;
            break;
          }
        } else i++;
      }
      while (i < end && raw[i] !== d) i++;
      out.push(start, i, 1);
    } else {
      while (i < end && raw[i] !== d) i++;
      out.push(start, i, 0);
    }
    if (i >= end) return;
    i++; // the delimiter
    if (i === end) {
      out.push(end, end, 0);
      return;
    }
  }
}

/** A field value written with the dialect's quoting. */
function encodeField(value: string, quoted: boolean, dialect: CsvWriteDialect, alone: boolean): string {
  const q = dialect.quote;
  const needs =
    quoted ||
    (alone && value.length === 0) ||
    value.includes(dialect.delimiter) ||
    value.includes(q) ||
    value.includes('\n') ||
    value.includes('\r');
  if (!needs) return value;
  return `${q}${value.includes(q) ? value.replaceAll(q, q + q) : value}${q}`;
}

/** UTF-8 bytes of the input (transcoded when it is UTF-16 or GB18030), without a UTF-8 BOM. */
async function* utf8Bytes(input: ByteInput, encoding: TextEncoding): AsyncGenerator<Buffer> {
  if (encoding === 'utf-8') {
    let first = true;
    for await (const chunk of input.stream()) {
      let c = chunk;
      if (first) {
        first = false;
        if (c.length >= 3 && c[0] === 0xef && c[1] === 0xbb && c[2] === 0xbf) c = c.subarray(3);
      }
      yield c;
    }
    return;
  }
  const decoder = new ChunkDecoder(encoding);
  for await (const chunk of input.stream()) yield Buffer.from(decoder.write(chunk), 'utf8');
  yield Buffer.from(decoder.end(), 'utf8');
}

const MALFORMED: Record<string, string> = {
  'bad-quote': 'has a closing quote followed by other characters',
  'unterminated-quote': 'has a quote that is never closed',
  'too-large': 'is longer than the record size limit',
};

/**
 * Protects (or reveals) a delimited file into `out`.
 *
 * @throws InputError `LG_INPUT_INVALID` naming the row and line of the first bad record under `onBadRecord:
 *   'fail'`; PolicyError `LG_OPERATOR_FAILED` with row, line and column when an operator fails
 * @example
 * await transformCsv(input, writer, values, { dialect: { delimiter: ',', header: true, quote: '"' }, encoding: 'utf-8', file: 'a.csv', onBadRecord: 'fail' });
 */
export async function transformCsv(
  input: ByteInput,
  out: BlockWriter,
  values: ValueTransformer,
  options: CsvTransformOptions,
): Promise<CsvResult> {
  const { dialect, file } = options;
  const d = dialect.delimiter.charCodeAt(0);
  const q = dialect.quote.charCodeAt(0);
  const tokenizer = new CsvTokenizer({ delimiter: d, quote: q, maxRecordBytes: options.maxRecordBytes ?? 16 << 20 });
  const bad = new BadRecords(options.onBadRecord, file, 'row', values.mode);
  let pending: Buffer = Buffer.alloc(0);
  let pendingStart = 0;
  let header: string[] | undefined;
  let cols: ColumnRef[] = [];
  let expected = 0;
  let subjectIndex = -1;
  let needHeader = dialect.header;
  let row = 0;
  let lastEol = '\n';
  const spans: number[] = [];
  const loc = { row: 0, line: 0, j: 0 };
  const where = (): ValueLocation => ({
    file,
    row: loc.row,
    line: loc.line,
    ...(header ? { field: header[loc.j] ?? `column ${loc.j + 1}` } : { field: `column ${loc.j + 1}` }),
  });
  const headerWhere = (): ValueLocation => ({ file, line: loc.line });

  const setColumns = (names: string[]): void => {
    cols = names.map((n) => columnRef(n));
    expected = names.length;
    if (options.subjectColumn !== undefined) {
      const key = columnKey(options.subjectColumn);
      subjectIndex = names.findIndex((n) => columnKey(n) === key);
    }
  };

  /** Writes one record: unchanged fields byte for byte, changed ones re-encoded. */
  const emit = (raw: Buffer, fields: readonly string[], outs: readonly string[]): MaybePromise<void> => {
    let changed = false;
    for (let j = 0; j < fields.length; j++) {
      if (outs[j] !== fields[j]) {
        changed = true;
        break;
      }
    }
    if (!changed) return out.push(raw.toString('utf8'));
    let contentEnd = raw.length;
    if (contentEnd > 0 && raw[contentEnd - 1] === LF) contentEnd--;
    if (contentEnd > 0 && raw[contentEnd - 1] === CR) contentEnd--;
    fieldSpans(raw, contentEnd, d, q, spans);
    let s = '';
    for (let j = 0; j < fields.length; j++) {
      if (j > 0) s += dialect.delimiter;
      const o = outs[j] as string;
      const k = 3 * j;
      if (o === fields[j]) s += raw.toString('utf8', spans[k] as number, spans[k + 1] as number);
      else s += encodeField(o, spans[k + 2] === 1, dialect, fields.length === 1);
    }
    s += raw.toString('latin1', contentEnd);
    return out.push(s);
  };

  const record = async (e: Extract<CsvEvent, { kind: 'record' }>, raw: Buffer): Promise<void> => {
    if (raw.length > 0) lastEol = raw[raw.length - 1] === LF ? (raw[raw.length - 2] === CR ? '\r\n' : '\n') : lastEol;
    loc.line = e.line;
    if (needHeader) {
      needHeader = false;
      header = fieldNames(e.fields);
      setColumns(header);
      // Header cells are labels; detection still runs on them (a misjudged header must not leak a row).
      const outs: string[] = [];
      for (let j = 0; j < e.fields.length; j++) {
        const r = values.value(e.fields[j] as string, undefined, undefined, headerWhere);
        outs.push(isPromiseLike(r) ? await r : r);
      }
      await emit(raw, e.fields, outs);
      return;
    }
    row++;
    loc.row = row;
    if (expected === 0) setColumns(e.fields.map((_, j) => `column ${j + 1}`));
    if (e.fields.length !== expected) {
      const action = bad.handle({ row, line: e.line, reason: `has ${e.fields.length} fields, expected ${expected}` });
      if (action === 'redact') await out.push(dialect.delimiter.repeat(e.fields.length - 1) + eolOf(raw));
      return;
    }
    let subject: string | undefined;
    const outs: string[] = new Array(e.fields.length);
    if (subjectIndex >= 0) {
      // The subject is the subject cell as written in the protected file, so reveal finds the same one.
      loc.j = subjectIndex;
      const v = e.fields[subjectIndex] as string;
      if (values.mode === 'protect') {
        const r = values.value(v, cols[subjectIndex], undefined, where);
        subject = isPromiseLike(r) ? await r : r;
        outs[subjectIndex] = subject;
      } else subject = v;
    }
    for (let j = 0; j < e.fields.length; j++) {
      if (j === subjectIndex && values.mode === 'protect') continue;
      loc.j = j;
      const r = values.value(e.fields[j] as string, cols[j], subject, where);
      outs[j] = isPromiseLike(r) ? await r : r;
    }
    await emit(raw, e.fields, outs);
  };

  const handle = async (events: CsvEvent[]): Promise<void> => {
    for (const e of events) {
      if (e.kind === 'malformed') {
        if (needHeader) needHeader = false;
        row++;
        const action = bad.handle({ row, line: e.line, reason: MALFORMED[e.reason] ?? 'is malformed' });
        if (action === 'redact') await out.push(dialect.delimiter.repeat(Math.max(0, expected - 1)) + lastEol);
        continue;
      }
      await record(e, pending.subarray(e.offset - pendingStart, e.end - pendingStart));
    }
  };

  for await (const chunk of utf8Bytes(input, options.encoding)) {
    if (chunk.length === 0) continue;
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    await handle(tokenizer.push(chunk));
    const drop = tokenizer.offset - pendingStart;
    if (drop > 0) {
      pending = drop >= pending.length ? Buffer.alloc(0) : pending.subarray(drop);
      pendingStart = tokenizer.offset;
    }
  }
  await handle(tokenizer.end());
  return { rows: row, columns: header ?? cols.map((c) => c.name), bad };
}

/** The line ending of a raw record (none for a last record without one). */
function eolOf(raw: Buffer): string {
  const n = raw.length;
  if (n > 0 && raw[n - 1] === LF) return n > 1 && raw[n - 2] === CR ? '\r\n' : '\n';
  return '';
}

/**
 * Whether the first records of a headerless-or-not CSV sample start with a header (for a forced `csv` format,
 * where no dialect was sniffed).
 *
 * @example
 * sniffHeader(Buffer.from('name,phone\nWang,13800138000\n'), ','); // true
 */
export function sniffHeader(head: Uint8Array, delimiter: string, quote = '"'): boolean {
  const t = new CsvTokenizer({
    delimiter: delimiter.charCodeAt(0),
    quote: quote.charCodeAt(0),
    maxRecordBytes: head.length + 1,
  });
  const rows: string[][] = [];
  for (const e of t.push(head)) {
    if (e.kind === 'record') rows.push(e.fields);
    if (rows.length >= 50) break;
  }
  return looksLikeHeader(rows);
}
