/**
 * CSV/TSV: dialect sniffing (delimiter, header presence) and a reader that yields one structured fragment per
 * non-empty cell with `loc.row` (1-based data record, header excluded), `loc.line` (physical line where the record
 * starts) and `loc.field` (header name, or `column N`). Ragged and malformed records are reported with their row
 * and line and skipped.
 */
import type { Fragment } from '../source.js';
import { CsvTokenizer } from './csv-tokenizer.js';
import { ChunkDecoder, type TextEncoding } from './decode.js';
import type { ByteInput } from './input.js';
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

/** A sniffed CSV dialect. The quote is always `"` (RFC 4180). */
export interface CsvDialect {
  /** One ASCII character: `,`, tab, `;` or `|`. */
  delimiter: string;
  /** Whether the first record is a header. */
  header: boolean;
}

/** Candidate delimiters in tie-break order. */
const DELIMITERS = [',', '\t', ';', '|'] as const;

/** Extensions that name a delimited file (the final extension decides: `a.csv.bak` is not one). */
const CSV_EXT: ReadonlyMap<string, string> = new Map([
  ['csv', ','],
  ['tsv', '\t'],
  ['tab', '\t'],
  ['psv', '|'],
]);

/** Extensions whose content is never sniffed as CSV (Markdown tables and log lines are too regular). */
const NEVER_CSV_EXT: ReadonlySet<string> = new Set([
  'md',
  'markdown',
  'log',
  'eml',
  'yml',
  'yaml',
  'ini',
  'conf',
  'cfg',
  'toml',
]);

/**
 * Whether a cell looks numeric or date-like: `42`, `-3.5`, `1,234.00`, `2024-01-31`, `13:45`, `50%`.
 * Deliberately does not match text with letters (`12 Main St`). Bounded, no nested repetition.
 */
const NUMERIC_LIKE = /^[-+]?[\d][\d.,:/\-\s%]{0,40}$/;

/**
 * Words that make a first row a header: `name`, `Phone number`, `e-mail`, `身份证号`, `手机`. Matches a word
 * anywhere in the cell (headers are short labels); not a number or an address. Vocabulary: the column names
 * of common personal-data exports (English and Chinese).
 */
const HEADER_WORDS =
  /(name|^id$|_id\b|\bid\b|e-?mail|phone|mobile|\btel\b|address|city|country|zip|postcode|date|birth|\bdob\b|gender|\bsex\b|\bage\b|account|card|number|\bcode\b|ssn|passport|user|customer|姓名|名字|电话|手机|身份证|证件|地址|邮箱|邮件|性别|生日|出生|年龄|账号|账户|卡号|编号|银行|单位|公司)/i;

/** A header cell: a short, non-numeric label without `@`. */
function isLabel(cell: string): boolean {
  const t = cell.trim();
  return t.length > 0 && t.length <= 64 && !NUMERIC_LIKE.test(t) && !t.includes('@');
}

/** A data cell that clearly is not a label (so a first row of labels above it is a header). */
function isValueLike(cell: string): boolean {
  const t = cell.trim();
  if (t.length === 0) return false;
  if (t.length > 64 || t.includes('@') || NUMERIC_LIKE.test(t)) return true;
  let digits = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
  }
  return digits >= 3;
}

/**
 * Whether the first row of `rows` is a header: every cell a unique short label, and either a known column word or
 * a column whose data cells look like values (numbers, dates, emails, long text) under it. Ambiguous files
 * (labels over labels) count as headerless, which is the safe side: the first row is then scanned as data.
 *
 * @example
 * looksLikeHeader([['name', 'phone'], ['Wang Fang', '13800138000']]); // true
 * looksLikeHeader([['Alice', 'Paris'], ['Bob', 'Lyon']]); // false
 */
export function looksLikeHeader(rows: readonly (readonly string[])[]): boolean {
  const first = rows[0];
  if (!first || first.length === 0) return false;
  const seen = new Set<string>();
  for (const cell of first) {
    if (!isLabel(cell)) return false;
    const key = cell.trim().toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
  }
  if (first.some((c) => HEADER_WORDS.test(c))) return true;
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    for (let j = 0; j < row.length && j < first.length; j++) if (isValueLike(row[j]!)) return true;
  }
  return false;
}

/** Records of a sample with one delimiter: field counts and the decoded rows. */
function sampleRecords(head: Buffer, delimiter: string, complete: boolean): { counts: number[]; rows: string[][] } {
  const t = new CsvTokenizer({ delimiter: delimiter.charCodeAt(0), maxRecordBytes: head.length + 1 });
  const events = t.push(head);
  if (complete) events.push(...t.end());
  const counts: number[] = [];
  const rows: string[][] = [];
  for (const e of events) {
    if (counts.length >= 200) break;
    if (e.kind === 'record') {
      counts.push(e.fields.length);
      if (rows.length < 50) rows.push(e.fields);
    } else counts.push(-1);
  }
  return { counts, rows };
}

/**
 * Sniff a delimited-text dialect from the first bytes of a UTF-8 input, or undefined when the text is not
 * convincingly tabular. The extension is a tie-breaker and lowers the evidence needed, never the only signal.
 *
 * @param head the first bytes (UTF-8, BOM already removed)
 * @param name file name, for the extension hint
 * @param complete whether `head` is the whole input (the last record is then complete)
 * @example
 * sniffCsvDialect(Buffer.from('name,phone\nWang,13800138000\n'), 'a.csv', true); // { delimiter: ',', header: true }
 */
export function sniffCsvDialect(head: Buffer, name: string, complete: boolean): CsvDialect | undefined {
  const extension = extensionOf(name);
  if (NEVER_CSV_EXT.has(extension)) return undefined;
  const preferred = CSV_EXT.get(extension);
  const ext = preferred !== undefined;
  let best: { delimiter: string; score: number; rows: string[][] } | undefined;
  for (const delimiter of DELIMITERS) {
    const { counts, rows } = sampleRecords(head, delimiter, complete);
    if (counts.length === 0) continue;
    const tally = new Map<number, number>();
    for (const c of counts) tally.set(c, (tally.get(c) ?? 0) + 1);
    let mode = 0;
    let modeCount = 0;
    for (const [c, k] of tally)
      if (c > 0 && (k > modeCount || (k === modeCount && c > mode))) [mode, modeCount] = [c, k];
    const consistency = modeCount / counts.length;
    const minRecords = ext ? 1 : delimiter === ',' || delimiter === '\t' ? 3 : 5;
    const minFields = ext ? 1 : 2;
    // A named CSV with broken rows is still CSV (the rows are reported); unnamed text needs strong evidence.
    if (mode < minFields || counts.length < minRecords || consistency < (ext ? 0.5 : 0.9)) continue;
    // Prefer consistent, then wider, then the extension's delimiter, then the table order.
    const score = consistency * 1000 + Math.min(mode, 100) * 2 + (delimiter === preferred ? 1 : 0);
    if (mode === 1 && delimiter !== (preferred ?? ',')) continue;
    if (!best || score > best.score) best = { delimiter, score, rows };
  }
  if (!best) return undefined;
  return { delimiter: best.delimiter, header: looksLikeHeader(best.rows) };
}

/** Options of {@link readCsv}. */
export interface CsvReadOptions {
  dialect: CsvDialect;
  encoding: TextEncoding;
  /** Byte range `[start, end)` (a planned `file-range` unit; UTF-8 only). Default: the whole input. */
  start?: number;
  end?: number;
  /** Physical line and data row of the record at `start` (ranges). */
  line?: number;
  row?: number;
  /** Header names for ranges after the first (the header record is not in the range). */
  columns?: readonly string[] | null;
  /** Expected field count for headerless ranges after the first (the first record's width). */
  width?: number;
}

/**
 * Field names for a header row: blanks become `column N`, duplicates get their column number.
 *
 * @example
 * fieldNames(['name', '', 'name']); // ['name', 'column 2', 'name (column 3)']
 */
export function fieldNames(header: readonly string[]): string[] {
  const seen = new Set<string>();
  return header.map((h, i) => {
    let name = h.trim() === '' ? `column ${i + 1}` : h.trim();
    if (seen.has(name)) name = `${name} (column ${i + 1})`;
    seen.add(name);
    return name;
  });
}

/** Bytes of the input as UTF-8 (transcoding UTF-16/GB18030), with the UTF-8 BOM removed and UTF-8 validated. */
async function* utf8Bytes(
  input: ByteInput,
  encoding: TextEncoding,
  start: number,
  end: number | undefined,
  decoderOut: { decoder?: ChunkDecoder },
): AsyncGenerator<Buffer> {
  if (encoding === 'utf-8') {
    const decoder = new ChunkDecoder('utf-8', start, start > 0);
    decoderOut.decoder = decoder;
    let first = start === 0;
    for await (const chunk of input.stream(start, end)) {
      decoder.validator?.push(chunk);
      let c = chunk;
      if (first) {
        first = false;
        if (c.length >= 3 && c[0] === 0xef && c[1] === 0xbb && c[2] === 0xbf) c = c.subarray(3);
      }
      yield c;
    }
    decoder.validator?.end();
    return;
  }
  const decoder = new ChunkDecoder(encoding);
  for await (const chunk of input.stream(start, end)) yield Buffer.from(decoder.write(chunk), 'utf8');
  yield Buffer.from(decoder.end(), 'utf8');
}

/**
 * Read a delimited file (or a planned byte range of one): one structured fragment per non-empty cell.
 *
 * @example
 * for await (const item of readCsv(input, ctx, { dialect: { delimiter: ',', header: true }, encoding: 'utf-8' })) …
 */
export async function* readCsv(input: ByteInput, ctx: ReadContext, options: CsvReadOptions): AsyncGenerator<ReadBatch> {
  const { dialect } = options;
  const start = options.start ?? 0;
  const tokenizer = new CsvTokenizer({
    delimiter: dialect.delimiter.charCodeAt(0),
    offset: start,
    line: options.line ?? 1,
    maxRecordBytes: ctx.limits.maxRecordBytes,
  });
  let names: string[] | undefined = options.columns ? fieldNames(options.columns) : undefined;
  let expected = names?.length ?? (start > 0 ? (options.width ?? 0) : 0);
  let needHeader = dialect.header && !options.columns && start === 0;
  let row = (options.row ?? 1) - 1;
  const decoderOut: { decoder?: ChunkDecoder } = {};
  let out: ReadItem[] = [];

  const handle = (events: ReturnType<CsvTokenizer['push']>): void => {
    for (const e of events) {
      if (e.kind === 'malformed') {
        row++;
        const what =
          e.reason === 'bad-quote'
            ? 'a closing quote is followed by other characters'
            : e.reason === 'unterminated-quote'
              ? 'a quote is never closed; reading resumes on the next line'
              : `the record exceeds ${ctx.limits.maxRecordBytes} bytes`;
        out.push(
          problem(ctx, PROBLEM.malformedRow, `Skipped CSV row ${row} (line ${e.line}): ${what}`, { row, line: e.line }),
        );
        continue;
      }
      if (needHeader) {
        needHeader = false;
        names = fieldNames(e.fields);
        expected = names.length;
        continue;
      }
      row++;
      if (expected === 0) expected = e.fields.length;
      if (e.fields.length !== expected) {
        out.push(
          problem(
            ctx,
            PROBLEM.raggedRow,
            `Skipped CSV row ${row} (line ${e.line}): ${e.fields.length} fields, expected ${expected}`,
            {
              row,
              line: e.line,
            },
          ),
        );
        continue;
      }
      for (let j = 0; j < e.fields.length; j++) {
        const text = e.fields[j]!;
        if (text.length === 0) continue;
        const fragment: Fragment = {
          text,
          loc: at(ctx, { row, line: e.line, field: names?.[j] ?? `column ${j + 1}` }),
          structured: true,
        };
        out.push(fragment);
      }
    }
  };

  for await (const chunk of utf8Bytes(input, options.encoding, start, options.end, decoderOut)) {
    checkAbort(ctx.signal);
    handle(tokenizer.push(chunk));
    if (out.length > 0) {
      yield out;
      out = [];
    }
  }
  handle(tokenizer.end());
  const p = decoderOut.decoder?.validator?.problem(ctx);
  if (p) out.push(p);
  if (out.length > 0) yield out;
}
