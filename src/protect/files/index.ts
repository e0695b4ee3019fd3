/**
 * Protecting files: `protectFile(input, output, policy)` applies a policy to a text or log file, CSV/TSV, JSON,
 * NDJSON, Parquet or XLSX file (sniffed by content), and `revealFile` reverses the reversible operators
 * (`fpe`, `encrypt`, `tokenize`, `dateshift`) with the same policy, its keys and vault, writing an audit record.
 * `createProtectTransform` is the streaming transform for logs; `protectStream` handles the text formats
 * between two streams (stdin/stdout).
 *
 * Output is written to a temporary file beside the target and renamed into place only when everything
 * succeeded; any failure removes it. Formats, rules and bad-record handling are described in each module
 * (`text.ts`, `csv.ts`, `json.ts`, `parquet.ts`, `xlsx.ts`, `records.ts`); values and rule precedence in
 * `values.ts`.
 */
import { appendFile, mkdir, realpath } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { InputError, isLeakguardError, PolicyError, UsageError } from '../../core/errors.js';
import type { Analyzer } from '../../detect/analyzer.js';
import { createAnalyzer } from '../../detect/analyzer.js';
import { builtinRecognizers } from '../../detect/presets.js';
import { ChunkDecoder, type TextEncoding } from '../../sources/formats/decode.js';
import {
  type ByteInput,
  fileInput,
  NotRegularFileError,
  openRegularFile,
  streamInput,
} from '../../sources/formats/input.js';
import { sniffInput } from '../../sources/formats/read.js';
import type { Sniffed } from '../../sources/formats/sniff.js';
import type { ReadLimits } from '../../sources/formats/types.js';
import { isPromiseLike, type MaybePromise } from '../operator.js';
import { type CompiledPolicy, policySubject } from '../policy.js';
import { sniffHeader, sniffQuote, transformCsv } from './csv.js';
import { transformJson, transformNdjson } from './json.js';
import { type AtomicOutput, BlockWriter, hasBom, openAtomicOutput, TextEncoderStream } from './output.js';
import { transformParquet } from './parquet.js';
import { BAD_RECORD_ACTIONS, type BadRecord, type BadRecordAction } from './records.js';
import { TextStreamTransformer, type TextWindowOptions } from './text.js';
import {
  hasReversibleRule,
  revealFailed,
  type TransformMode,
  type TransformStats,
  ValueTransformer,
} from './values.js';
import { transformXlsx } from './xlsx.js';

export { sniffQuote } from './csv.js';
export { JsonRewriter } from './json.js';
export { type AtomicOutput, openAtomicOutput } from './output.js';
export { type LoadFilePolicyOptions, loadFilePolicy, policyNeedsDefaultVault } from './policy-loader.js';
export { BAD_RECORD_ACTIONS, type BadRecord, type BadRecordAction } from './records.js';
export {
  createProtectTransform,
  type ProtectTransform,
  type ProtectTransformOptions,
  TextStreamTransformer,
  type TextWindowOptions,
} from './text.js';
export {
  type ColumnRef,
  columnRef,
  hasReversibleRule,
  REVERSIBLE_ACTIONS,
  type TransformMode,
  type TransformStats,
  ValueTransformer,
} from './values.js';

/** File formats `protectFile` handles. */
export type FileFormat = 'text' | 'csv' | 'json' | 'ndjson' | 'parquet' | 'xlsx';

/** Format names accepted by the `format` option (`tsv` is CSV with tabs). */
export const FILE_FORMATS: readonly (FileFormat | 'tsv' | 'auto')[] = [
  'auto',
  'text',
  'csv',
  'tsv',
  'json',
  'ndjson',
  'parquet',
  'xlsx',
];

/** Options of {@link protectFile}, {@link revealFile} and {@link protectStream}. */
export interface ProtectFileOptions {
  /** The detector (default: every built-in recognizer). Build it once for many files. */
  analyzer?: Analyzer;
  /** The input's format (default `auto`: sniffed from its content and name). */
  format?: FileFormat | 'tsv' | 'auto';
  /** Bad CSV rows and NDJSON lines: `fail` (default), `skip` or `redact` (see `records.ts`). */
  onBadRecord?: BadRecordAction;
  /**
   * Where the data subject is, for `dateshift`: a column (CSV/XLSX header, Parquet column) or a JSON path (JSON,
   * NDJSON). Overrides the `subject` option of the policy's dateshift rules. Not for text (no records).
   */
  subjectColumn?: string;
  /** CSV: whether the first record is a header (default: sniffed). */
  header?: boolean;
  /** CSV: the delimiter (default: sniffed). */
  delimiter?: string;
  /** Replace an existing output file (default false). */
  overwrite?: boolean;
  /** Who runs this (recorded in the reveal audit and the vault's audit log). */
  actor?: string;
  /** Text windows (`windowChars`, `overlapChars`, `flushLines`). */
  text?: Omit<TextWindowOptions, 'file'>;
  /** Zip and record limits (default: the scanner's). */
  limits?: Partial<ReadLimits>;
}

/** One reveal, as written to the audit log. Holds no value, only names and counts. */
export interface RevealAuditRecord {
  /** ISO 8601 time. */
  readonly at: string;
  readonly action: 'reveal';
  readonly actor: string;
  readonly host: string;
  readonly input: string;
  readonly output: string;
  readonly policy: string;
  readonly format: FileFormat | undefined;
  /** Ids of the keys in the policy's key ring. */
  readonly keyIds: readonly string[];
  /** Values restored. */
  readonly values: number;
  /** Values that did not open (other key, altered, unknown token). */
  readonly failed: number;
  readonly outcome: 'ok' | 'failed';
  /** The error code when the reveal failed. */
  readonly error?: string;
}

/** Options of {@link revealFile}. */
export interface RevealFileOptions extends ProtectFileOptions {
  /** Where the audit record goes: a JSON Lines file (appended, created with mode 0600) or a function. */
  audit: string | ((record: RevealAuditRecord) => MaybePromise<void>);
}

/** What a run did. Counts and locations only, never values. */
export interface ProtectFileReport {
  readonly mode: TransformMode;
  readonly input: string;
  readonly output: string;
  readonly format: FileFormat | 'empty';
  /** Text encoding of a text format. */
  readonly encoding?: TextEncoding;
  /** CSV dialect. */
  readonly dialect?: { delimiter: string; quote: string; header: boolean };
  /** Lines (text, NDJSON), data rows (CSV, Parquet, XLSX) or documents (JSON). */
  readonly records: number;
  /** Values changed, by type, by action and by column rule; operator failures handled by `onError: redact`. */
  readonly stats: TransformStats;
  /** Bad records skipped or redacted (the list is capped; `count` is exact). */
  readonly badRecords: { readonly count: number; readonly list: readonly BadRecord[] };
  /** Non-fatal notes: replaced invalid UTF-8, parts not protected, values nulled. */
  readonly warnings: readonly string[];
  /**
   * Column rules of the policy that matched no column of this structured file (a typo, a header not detected
   * as one, or a rule meant for other files). Empty for text.
   */
  readonly unusedColumnRules: readonly string[];
  readonly bytesIn: number;
  readonly bytesOut: number;
}

let defaultAnalyzer: Analyzer | undefined;
function analyzerOf(options: ProtectFileOptions): Analyzer {
  if (options.analyzer) return options.analyzer;
  defaultAnalyzer ??= createAnalyzer({ recognizers: builtinRecognizers });
  return defaultAnalyzer;
}

/** The format to use for a sniffed input, or an error naming what it is. */
function formatOf(sniffed: Sniffed, forced: ProtectFileOptions['format'], file: string): FileFormat | 'empty' {
  if (forced && forced !== 'auto') return forced === 'tsv' ? 'csv' : forced;
  switch (sniffed.format) {
    case 'empty':
      return 'empty';
    case 'text':
    case 'csv':
    case 'json':
    case 'ndjson':
    case 'parquet':
      return sniffed.format;
    case 'zip':
      return 'xlsx';
    default: {
      const what = sniffed.format === 'unsupported' ? (sniffed.detail ?? 'unsupported') : sniffed.format.toUpperCase();
      throw new InputError(
        'LG_INPUT_INVALID',
        `Cannot protect "${file}": ${what} content is not supported (supported: text and logs, CSV/TSV, JSON, NDJSON, Parquet, XLSX)`,
        { location: { file } },
      );
    }
  }
}

/** Opens a file given by the user: links are followed (it was named explicitly), special files refused. */
async function openInput(
  path: string,
): Promise<{ input: ByteInput; close: () => Promise<void>; mode: number; real: string }> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      'LG_INPUT_READ',
      `Cannot read "${path}": ${code === 'ENOENT' ? 'it does not exist' : `system error ${code ?? 'unknown'}`}`,
      { cause: e, location: { file: path } },
    );
  }
  try {
    const { handle, stats } = await openRegularFile(real);
    return {
      input: fileInput(basename(path), handle, stats.size),
      close: () => handle.close(),
      mode: stats.mode & 0o777,
      real,
    };
  } catch (e) {
    const why =
      e instanceof NotRegularFileError
        ? e.kind === 'directory'
          ? 'it is a directory'
          : 'it is not a regular file'
        : `system error ${(e as NodeJS.ErrnoException).code ?? 'unknown'}`;
    throw new InputError('LG_INPUT_READ', `Cannot read "${path}": ${why}`, { cause: e, location: { file: path } });
  }
}

interface RunResult {
  format: FileFormat | 'empty';
  encoding?: TextEncoding;
  dialect?: { delimiter: string; quote: string; header: boolean };
  records: number;
  bad: { count: number; list: BadRecord[] };
  warnings: string[];
}

/** The text-format run shared by files and streams: writes through `sink`. */
async function runText(
  input: ByteInput,
  sniffed: Sniffed,
  format: 'text' | 'csv' | 'json' | 'ndjson',
  values: ValueTransformer,
  sink: (data: Buffer) => Promise<void> | void,
  options: ProtectFileOptions,
  file: string,
): Promise<RunResult> {
  const encoding: TextEncoding = sniffed.encoding ?? 'utf-8';
  const head = await input.head();
  const writer = new BlockWriter(new TextEncoderStream(encoding, hasBom(head, encoding)), sink);
  const onBadRecord = options.onBadRecord ?? 'fail';
  // The caller's subject column overrides the one the policy's dateshift rules name.
  const subject = options.subjectColumn ?? policySubject(values.policy);
  if (!BAD_RECORD_ACTIONS.includes(onBadRecord))
    throw new TypeError(`protectFile: invalid onBadRecord "${onBadRecord}"`);
  const warnings: string[] = [];
  if (format === 'csv') {
    const delimiter =
      options.delimiter ??
      (options.format === 'tsv' ? '\t' : (sniffed.dialect?.delimiter ?? (/\.tsv$/i.test(file) ? '\t' : ',')));
    if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 0x7f || delimiter === '"' || delimiter === '\n') {
      throw new UsageError(`Invalid CSV delimiter: expected one ASCII character other than a quote or newline`);
    }
    const utf8Head =
      encoding === 'utf-8'
        ? head.subarray(hasBom(head, 'utf-8') ? 3 : 0)
        : Buffer.from(new TextDecoder(encoding).decode(head), 'utf8');
    const quote = sniffQuote(utf8Head, delimiter);
    const header =
      options.header ??
      (sniffed.dialect && sniffed.dialect.delimiter === delimiter
        ? sniffed.dialect.header
        : sniffHeader(utf8Head, delimiter, quote));
    const dialect = { delimiter, header, quote };
    const r = await transformCsv(input, writer, values, {
      dialect,
      encoding,
      file,
      onBadRecord,
      subjectColumn: subject,
      ...(options.limits?.maxRecordBytes !== undefined ? { maxRecordBytes: options.limits.maxRecordBytes } : {}),
    });
    await writer.end();
    if (subject !== undefined && !r.columns.some((c) => c.toLowerCase() === subject.toLowerCase())) {
      warnings.push(`Subject column "${subject}" is not a column of "${file}"`);
    }
    return { format, encoding, dialect, records: r.rows, bad: r.bad, warnings };
  }
  if (format === 'json' || format === 'ndjson') {
    const opts = {
      encoding,
      file,
      subjectPath: subject,
      onBadRecord,
      ...(options.limits?.maxRecordBytes !== undefined ? { maxRecordChars: options.limits.maxRecordBytes } : {}),
    };
    const r =
      format === 'json'
        ? await transformJson(input, writer, values, opts)
        : await transformNdjson(input, writer, values, opts);
    await writer.end();
    return { format, encoding, records: r.records, bad: r.bad, warnings };
  }
  if (options.subjectColumn !== undefined) {
    // Free text has no records, so no subject; a policy's subject simply does not apply here.
    throw new UsageError(
      `Cannot use a subject column with TEXT input: it works for CSV, XLSX, Parquet, JSON, NDJSON and tables (dateshift in text uses options.withoutSubject)`,
    );
  }
  const text = new TextStreamTransformer(values, { ...options.text, file });
  const decoder = new ChunkDecoder(encoding);
  for await (const chunk of input.stream()) {
    const r = text.push(decoder.write(chunk));
    await writer.push(isPromiseLike(r) ? await r : r);
  }
  const tail = decoder.end();
  if (tail) {
    const r = text.push(tail);
    await writer.push(isPromiseLike(r) ? await r : r);
  }
  const r = text.end();
  await writer.push(isPromiseLike(r) ? await r : r);
  await writer.end();
  const invalid = decoder.validator?.invalid ?? 0;
  if (invalid > 0) warnings.push(`${invalid} invalid UTF-8 sequence(s) in "${file}" were written as U+FFFD`);
  if (values.stats.failed > 0 && values.mode === 'protect') {
    warnings.push(
      `${values.stats.failed} value(s) in "${file}" were removed: operator failure under onError: redact, or a value cut by a window boundary`,
    );
  }
  return { format: 'text', encoding, records: text.lines, bad: { count: 0, list: [] }, warnings };
}

/** Runs one file in `mode`, all-or-nothing. */
async function runFile(
  mode: TransformMode,
  inputPath: string,
  outputPath: string,
  policy: CompiledPolicy,
  options: ProtectFileOptions,
  audit?: (
    r: Omit<RevealAuditRecord, 'at' | 'action' | 'actor' | 'host' | 'input' | 'output' | 'policy' | 'keyIds'>,
  ) => Promise<void>,
): Promise<ProtectFileReport> {
  const opened = await openInput(inputPath);
  let output: AtomicOutput | undefined;
  const values = new ValueTransformer(policy, analyzerOf(options), mode, { actor: options.actor });
  const file = basename(inputPath);
  let format: FileFormat | undefined;
  try {
    const outReal = await realpath(outputPath).catch(() => undefined);
    if (outReal === opened.real) {
      throw new UsageError(`Cannot ${mode} "${inputPath}" onto itself: give another output file`);
    }
    const sniffed = await sniffInput(opened.input);
    const chosen = formatOf(sniffed, options.format, file);
    format = chosen === 'empty' ? undefined : chosen;
    output = await openAtomicOutput(outputPath, {
      ...(options.overwrite !== undefined ? { overwrite: options.overwrite } : {}),
      // A reveal holds clear values: owner-only unless the input was stricter still.
      mode: mode === 'reveal' ? opened.mode & 0o600 : opened.mode,
    });
    const out = output;
    let result: RunResult;
    if (chosen === 'empty') result = { format: 'empty', records: 0, bad: { count: 0, list: [] }, warnings: [] };
    else if (chosen === 'parquet') {
      const r = await transformParquet(opened.input, out, values, {
        file,
        subjectColumn: options.subjectColumn ?? policySubject(policy),
      });
      const warnings =
        r.nulled > 0
          ? [`${r.nulled} value(s) in "${file}" were written as null: their protected form did not fit the column type`]
          : [];
      result = { format: 'parquet', records: r.rows, bad: { count: 0, list: [] }, warnings };
    } else if (chosen === 'xlsx') {
      const r = await transformXlsx(opened.input, out, values, {
        file,
        subjectColumn: options.subjectColumn ?? policySubject(policy),
        ...(options.limits ? { limits: options.limits } : {}),
      });
      const warnings = r.notProtected.map(
        (p) => `Part "${p}" of "${file}" is binary and was copied without protection`,
      );
      result = { format: 'xlsx', records: r.rows, bad: { count: 0, list: [] }, warnings };
    } else result = await runText(opened.input, sniffed, chosen, values, (d) => out.write(d), options, file);
    // Fail closed: the transformer stops at the first value that does not open; this catches any other count.
    if (mode === 'reveal' && values.stats.failed > 0) throw revealFailed({ file }, values.stats.failed);
    if (audit) await audit({ format, values: values.stats.values, failed: values.stats.failed, outcome: 'ok' });
    await out.commit();
    return {
      mode,
      input: inputPath,
      output: outputPath,
      format: result.format,
      ...(result.encoding ? { encoding: result.encoding } : {}),
      ...(result.dialect ? { dialect: result.dialect } : {}),
      records: result.records,
      stats: values.stats,
      badRecords: { count: result.bad.count, list: result.bad.list },
      warnings: [...policy.warnings, ...result.warnings, ...values.unfindableWarnings(file)],
      unusedColumnRules: result.format === 'text' || result.format === 'empty' ? [] : values.unusedColumnRules(),
      bytesIn: opened.input.size ?? 0,
      bytesOut: out.bytes,
    };
  } catch (e) {
    await output?.abort();
    if (audit && output) {
      await audit({
        format,
        values: values.stats.values,
        failed: values.stats.failed,
        outcome: 'failed',
        error: isLeakguardError(e) ? e.code : 'LG_INTERNAL',
      }).catch(() => undefined);
    }
    throw e;
  } finally {
    await opened.close();
  }
}

/**
 * Protects one file with `policy`, writing `output` all-or-nothing.
 *
 * @throws InputError `LG_INPUT_READ` / `LG_INPUT_INVALID` (unreadable or unsupported input, a bad record under
 *   `onBadRecord: 'fail'`, invalid JSON) with the file and line; PolicyError `LG_OPERATOR_FAILED` with the
 *   location when an operator fails under `onError: fail`; UsageError `LG_USAGE` when the output exists (without
 *   `overwrite`) or is the input
 * @example
 * const report = await protectFile('users.csv', 'users.protected.csv', loadFilePolicy('policy.yaml'));
 */
export async function protectFile(
  input: string,
  output: string,
  policy: CompiledPolicy,
  options: ProtectFileOptions = {},
): Promise<ProtectFileReport> {
  return runFile('protect', input, output, policy, options);
}

/** The user name for audit records when none is given. */
function defaultActor(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * Reverses the reversible operators of `policy` in a protected file (the same policy, with its keys and vault),
 * writing `output` all-or-nothing and one audit record (success or failure) before the output appears.
 *
 * Fails closed: a protected value that does not open (another key, an altered value, a token the vault lacks)
 * stops the run, the output is not written and the audit record says `failed`.
 *
 * @throws PolicyError `LG_POLICY_INVALID` when the policy has no reversible rule; ConfigError `LG_KEY_MISSING`
 *   comes from loading the policy without its key; ConfigError `LG_REVEAL_FAILED` (with the file, row or line and
 *   column) when a value does not open; otherwise as {@link protectFile}; the audit write's error
 *   when the record cannot be written (the output is then not written either)
 * @example
 * await revealFile('users.protected.csv', 'users.csv', policy, { audit: '.leakguard/audit.jsonl', actor: 'alice' });
 */
export async function revealFile(
  input: string,
  output: string,
  policy: CompiledPolicy,
  options: RevealFileOptions,
): Promise<ProtectFileReport> {
  if (!hasReversibleRule(policy)) {
    throw new PolicyError(
      'LG_POLICY_INVALID',
      `Cannot reveal with policy "${policy.file}": it has no reversible rule (fpe, encrypt, tokenize or dateshift)`,
      { location: { file: policy.file } },
    );
  }
  if (options.audit === undefined) throw new TypeError('revealFile: options.audit is required');
  const actor = options.actor ?? defaultActor();
  const keyIds: string[] = [];
  for (const n of policy.keys.names()) {
    const k = policy.keys.get(n);
    if (k) keyIds.push(k.id);
  }
  const sink = options.audit;
  const audit = async (
    r: Omit<RevealAuditRecord, 'at' | 'action' | 'actor' | 'host' | 'input' | 'output' | 'policy' | 'keyIds'>,
  ): Promise<void> => {
    const record: RevealAuditRecord = {
      at: new Date().toISOString(),
      action: 'reveal',
      actor,
      host: hostname(),
      input: resolve(input),
      output: resolve(output),
      policy: resolve(policy.file),
      keyIds,
      ...r,
    };
    if (typeof sink === 'function') {
      await sink(record);
      return;
    }
    await mkdir(dirname(resolve(sink)), { recursive: true });
    await appendFile(sink, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  };
  return runFile('reveal', input, output, policy, { ...options, actor }, audit);
}

/** Options of {@link protectStream}. */
export interface ProtectStreamOptions extends ProtectFileOptions {
  /** Name for sniffing (extension hint) and messages. Default `<stdin>`. */
  name?: string;
  /** `protect` (default) or `reveal`. */
  mode?: TransformMode;
}

/**
 * Protects a text, CSV/TSV, JSON or NDJSON stream into a writable stream (stdin to stdout). Output is written as
 * it is produced, so a failure leaves what was already written: use {@link protectFile} for all-or-nothing.
 *
 * @throws InputError `LG_INPUT_INVALID` for Parquet or XLSX input (they need a file) and as {@link protectFile}
 * @example
 * await protectStream(process.stdin, process.stdout, policy, { name: 'app.log', text: { flushLines: true } });
 */
export async function protectStream(
  input: Readable | AsyncIterable<Uint8Array>,
  output: Writable,
  policy: CompiledPolicy,
  options: ProtectStreamOptions = {},
): Promise<ProtectFileReport> {
  const name = options.name ?? '<stdin>';
  const mode = options.mode ?? 'protect';
  const values = new ValueTransformer(policy, analyzerOf(options), mode, { actor: options.actor });
  const source = streamInput(name, input as AsyncIterable<Uint8Array>);
  const sniffed = await sniffInput(source);
  const format = formatOf(sniffed, options.format, name);
  if (format === 'parquet' || format === 'xlsx') {
    throw new InputError('LG_INPUT_INVALID', `Cannot ${mode} ${format.toUpperCase()} from a stream: give a file`, {
      location: { file: name },
    });
  }
  let bytesIn = 0;
  let bytesOut = 0;
  const counted: ByteInput = {
    ...source,
    stream: async function* () {
      for await (const c of source.stream()) {
        bytesIn += c.length;
        yield c;
      }
    },
  };
  const sink = (data: Buffer): Promise<void> | void => {
    bytesOut += data.length;
    if (output.write(data)) return;
    return new Promise((res, rej) => {
      const done = (e?: Error | null): void => {
        output.off('drain', onDrain);
        output.off('error', onError);
        if (e) rej(e);
        else res();
      };
      const onDrain = (): void => done();
      const onError = (e: Error): void => done(e);
      output.once('drain', onDrain);
      output.once('error', onError);
    });
  };
  const result =
    format === 'empty'
      ? { format: 'empty' as const, records: 0, bad: { count: 0, list: [] }, warnings: [] }
      : await runText(counted, sniffed, format, values, sink, options, name);
  if (mode === 'reveal' && values.stats.failed > 0) throw revealFailed({ file: name }, values.stats.failed);
  return {
    mode,
    input: name,
    output: '<stream>',
    format: result.format,
    ...('encoding' in result && result.encoding ? { encoding: result.encoding } : {}),
    ...('dialect' in result && result.dialect ? { dialect: result.dialect } : {}),
    records: result.records,
    stats: values.stats,
    badRecords: { count: result.bad.count, list: result.bad.list },
    warnings: [...policy.warnings, ...result.warnings, ...values.unfindableWarnings(name)],
    unusedColumnRules: result.format === 'text' || result.format === 'empty' ? [] : values.unusedColumnRules(),
    bytesIn,
    bytesOut,
  };
}
