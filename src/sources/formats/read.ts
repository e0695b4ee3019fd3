/**
 * The sniff-and-dispatch entry point every level goes through: a file on disk, an archive member, an attachment.
 * Also the helpers other features reuse to read one file or one buffer (protect, canary).
 */
import { SourceError } from '../../core/errors.js';
import { readCsv } from './csv.js';
import { readEml } from './eml.js';
import { readGzip } from './gzip.js';
import { type ByteInput, bufferInput, fileInput, HEAD_BYTES, NotRegularFileError, openRegularFile } from './input.js';
import { readJson, readNdjson } from './json.js';
import { officeKind, readDocx, readXlsx } from './ooxml.js';
import { readParquet } from './parquet.js';
import { readPdf } from './pdf.js';
import { type Sniffed, sniff } from './sniff.js';
import { readTar } from './tar.js';
import { readText } from './text.js';
import {
  baseName,
  checkAbort,
  createReadContext,
  errorTag,
  extensionOf,
  LimitExceededError,
  PROBLEM,
  problem,
  type ReadBatch,
  type ReadContext,
  type ReadItem,
  type ReadLimits,
} from './types.js';
import { openZip, readZipMembers } from './zip.js';

/**
 * Sniff an input: its head, whether the head is all of it, and the verdict.
 *
 * @example
 * (await sniffInput(bufferInput('a', data))).format; // 'csv'
 */
export async function sniffInput(input: ByteInput): Promise<Sniffed> {
  const head = await input.head();
  const complete = input.size !== undefined ? head.length >= input.size : head.length < HEAD_BYTES;
  return sniff(head, input.name, complete);
}

/** What a zip holds: an Office document or an archive of members. */
async function* readZipFamily(input: ByteInput, ctx: ReadContext): AsyncGenerator<ReadBatch> {
  const ext = extensionOf(input.name);
  const what = ext === 'xlsx' ? 'XLSX workbook' : ext === 'docx' ? 'DOCX document' : 'zip archive';
  const opened = await openZip(input, ctx, what);
  if ('problem' in opened) {
    yield [opened];
    return;
  }
  try {
    const kind = officeKind(opened);
    if (kind === 'xlsx') yield* readXlsx(opened, ctx);
    else if (kind === 'docx') yield* readDocx(opened, ctx);
    else yield* readZipMembers(opened, input.label ?? input.name, ctx, readInput);
  } catch (e) {
    // A part of an Office document that would inflate past the limits (a zip bomb inside a DOCX/XLSX) refuses
    // the document, reported as a problem; an abort still ends the read.
    if (!(e instanceof LimitExceededError)) throw e;
    yield [problem(ctx, PROBLEM.archiveRefused, `Refused ${what}: ${e.message}`)];
  } finally {
    opened.close();
  }
}

/**
 * Read an already-sniffed input with the reader for its format.
 *
 * @example
 * yield* readSniffed(input, ctx, await sniffInput(input));
 */
export async function* readSniffed(input: ByteInput, ctx: ReadContext, sniffed: Sniffed): AsyncGenerator<ReadBatch> {
  const encoding = sniffed.encoding ?? 'utf-8';
  switch (sniffed.format) {
    case 'empty':
      return;
    case 'text':
      yield* readText(input, ctx, { encoding });
      return;
    case 'csv':
      yield* readCsv(input, ctx, { dialect: sniffed.dialect ?? { delimiter: ',', header: false }, encoding });
      return;
    case 'json':
      yield* readJson(input, ctx, encoding);
      return;
    case 'ndjson':
      yield* readNdjson(input, ctx, encoding);
      return;
    case 'eml':
      yield* readEml(input, ctx, readInput);
      return;
    case 'pdf':
      yield* readPdf(input, ctx);
      return;
    case 'parquet':
      yield* readParquet(input, ctx);
      return;
    case 'gzip':
      yield* readGzip(input, ctx, readInput);
      return;
    case 'tar':
      yield* readTar(input, ctx, readInput);
      return;
    case 'zip':
      yield* readZipFamily(input, ctx);
      return;
    case 'binary':
      yield [problem(ctx, PROBLEM.skippedBinary, 'Skipped binary content: not a supported format')];
      return;
    case 'unsupported':
      yield [
        problem(
          ctx,
          PROBLEM.skippedUnsupported,
          `Skipped ${sniffed.detail ?? 'unsupported'} content: the format is not supported`,
        ),
      ];
      return;
  }
}

/**
 * Read any input through sniffing (the recursion point for archive members and attachments).
 *
 * @example
 * for await (const item of readInput(bufferInput('a.csv', data), createReadContext())) …
 */
export async function* readInput(input: ByteInput, ctx: ReadContext): AsyncGenerator<ReadBatch> {
  yield* readSniffed(input, ctx, await sniffInput(input));
}

/** Options of {@link readFileFragments} and {@link readBytesFragments}. */
export interface ReadFileOptions {
  limits?: Partial<ReadLimits>;
  signal?: AbortSignal;
}

/**
 * The `SourceError` for a file that cannot be opened as a regular file.
 *
 * @example
 * throw unreadableError('/data/gone.csv', enoent); // LG_SOURCE_UNREADABLE
 */
export function unreadableError(path: string, e: unknown): SourceError {
  let why: string;
  if (e instanceof NotRegularFileError)
    why = e.kind === 'directory' ? 'it is a directory' : 'it is not a regular file (FIFO, socket or device)';
  else {
    const code = errorTag(e);
    why =
      code === 'ENOENT'
        ? 'it does not exist (removed since it was planned?)'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ELOOP'
            ? 'it is a symbolic link, which is not followed'
            : `system error ${code}`;
  }
  return new SourceError('LG_SOURCE_UNREADABLE', `Cannot read file "${path}": ${why}`, {
    cause: e,
    location: { file: path },
  });
}

/**
 * Flatten batches into items, checking the signal between items (nothing comes out after an abort).
 *
 * @example
 * for await (const item of flattenBatches(readInput(input, ctx), signal)) …
 */
export async function* flattenBatches(
  batches: AsyncIterable<ReadBatch>,
  signal?: AbortSignal,
): AsyncGenerator<ReadItem> {
  for await (const batch of batches) {
    for (const item of batch) {
      checkAbort(signal);
      yield item;
    }
  }
}

/**
 * Read one file through sniffing, in batches (one per chunk read: the fast path for scanning).
 *
 * @throws SourceError `LG_SOURCE_UNREADABLE` when the file cannot be opened as a regular file
 * @example
 * for await (const batch of readFileBatches('/data/users.csv')) for (const item of batch) …
 */
export async function* readFileBatches(path: string, options: ReadFileOptions = {}): AsyncGenerator<ReadBatch> {
  let opened: Awaited<ReturnType<typeof openRegularFile>>;
  try {
    opened = await openRegularFile(path);
  } catch (e) {
    throw unreadableError(path, e);
  }
  try {
    const ctx = createReadContext(options.limits, options.signal);
    yield* readInput(fileInput(baseName(path), opened.handle, opened.stats.size), ctx);
  } finally {
    await opened.handle.close();
  }
}

/**
 * Read one file through sniffing: its fragments and problems, with the default (or given) limits. Symbolic links
 * are not followed and special files are refused.
 *
 * @throws SourceError `LG_SOURCE_UNREADABLE` when the file cannot be opened as a regular file
 * @example
 * for await (const item of readFileFragments('/data/users.csv')) if (!isProblem(item)) scan(item.text);
 */
export function readFileFragments(path: string, options: ReadFileOptions = {}): AsyncGenerator<ReadItem> {
  return flattenBatches(readFileBatches(path, options), options.signal);
}

/**
 * Read bytes in memory through sniffing, in batches (`name` is only an extension hint and the label of member
 * locations).
 *
 * @example
 * for await (const batch of readBytesBatches(upload, 'upload.xlsx')) …
 */
export async function* readBytesBatches(
  data: Uint8Array,
  name: string,
  options: ReadFileOptions = {},
): AsyncGenerator<ReadBatch> {
  const ctx = createReadContext(options.limits, options.signal);
  yield* readInput(bufferInput(name, Buffer.from(data.buffer, data.byteOffset, data.byteLength)), ctx);
}

/**
 * Read bytes in memory through sniffing, item by item.
 *
 * @example
 * for await (const item of readBytesFragments(upload, 'upload.xlsx')) …
 */
export function readBytesFragments(
  data: Uint8Array,
  name: string,
  options: ReadFileOptions = {},
): AsyncGenerator<ReadItem> {
  return flattenBatches(readBytesBatches(data, name, options), options.signal);
}
