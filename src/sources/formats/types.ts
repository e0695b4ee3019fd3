/**
 * Shared vocabulary of the format readers: problem codes, limits, the per-unit read context and the small helpers
 * every reader uses to build locations and problems.
 *
 * A reader is an async generator `(input, ctx) → Fragment | Problem`. It never throws for bad content: a corrupt
 * file, a refused archive or a malformed row becomes a {@link Problem} with its location and the read goes on
 * (or ends for that input). Only an abort (`ctx.signal`) or a failure to read the bytes at all escapes.
 */
import type { Fragment, FragmentLocation, Problem, Unit } from '../source.js';

/** A fragment or a problem, as a reader yields them. */
export type ReadItem = Fragment | Problem;

/**
 * Readers yield items in batches (one per chunk read): an async step costs about 1.5 µs, so paying it per
 * batch rather than per cell is the difference between 4 and 20+ MB/s on a CSV of short cells.
 */
export type ReadBatch = ReadItem[];

/**
 * An optional ability of a Source: read a unit in batches (the same items as `read`, in order, grouped per chunk).
 * Scans should prefer it: per-item async iteration costs about 1.5 µs an item.
 */
export interface BatchReadable {
  readBatches(unit: Unit, signal?: AbortSignal): AsyncIterable<ReadBatch>;
}

/**
 * Whether a source can read in batches.
 *
 * @example
 * const batches = hasBatchRead(source) ? source.readBatches(unit) : undefined;
 */
export function hasBatchRead<S extends object>(source: S): source is S & BatchReadable {
  return typeof (source as Partial<BatchReadable>).readBatches === 'function';
}

/**
 * Problem codes a reader reports. The upper-case ones are error-catalog codes (`src/core/errors.ts`); the
 * lower-case ones are finer-grained problems and *notes* (`skipped-*`: content deliberately not scanned).
 */
export const PROBLEM = {
  /** The bytes could not be read (vanished file, FIFO, dangling link, I/O error). */
  unreadable: 'LG_SOURCE_UNREADABLE',
  /** The content is damaged or not in the format its content suggests (corrupt XLSX/PDF, invalid JSON). */
  corrupt: 'LG_FORMAT_CORRUPT',
  /** An archive or member beyond the depth, size, ratio or entry-count limits (possible zip bomb). */
  archiveRefused: 'LG_ARCHIVE_REFUSED',
  /** Invalid UTF-8 sequences were replaced by U+FFFD (one problem per input, with count and first offset). */
  invalidUtf8: 'invalid-utf8',
  /** A CSV record whose field count differs from the header's; the record is skipped. */
  raggedRow: 'ragged-row',
  /** A CSV record with broken quoting, an unterminated quote or beyond the record-size limit; skipped. */
  malformedRow: 'malformed-row',
  /** Note: binary content that is none of the supported formats (image, executable). */
  skippedBinary: 'skipped-binary',
  /** Note: a symbolic link that was not followed (points outside the root, or link following is off). */
  skippedLink: 'skipped-link',
  /** Note: a FIFO, socket or device: never opened, reading it could block or never end. */
  skippedSpecial: 'skipped-special',
  /** Note: password-protected content (encrypted zip entry, PDF with a user password). */
  skippedEncrypted: 'skipped-encrypted',
  /** Note: a recognised but unsupported format (legacy OLE2 Office, 7z, RAR, bzip2, xz). */
  skippedUnsupported: 'skipped-unsupported',
  /** Note: content that must be loaded whole (PDF, EML, nested zip) and exceeds `maxBufferBytes`. */
  skippedTooLarge: 'skipped-too-large',
} as const;

/** One of the {@link PROBLEM} codes. */
export type ProblemCode = (typeof PROBLEM)[keyof typeof PROBLEM];

/**
 * Whether a problem code is a *note* (content deliberately skipped) rather than an error.
 *
 * @example
 * isNote('skipped-binary'); // true
 * isNote('LG_FORMAT_CORRUPT'); // false
 */
export function isNote(code: string): boolean {
  return code.startsWith('skipped-');
}

/** Limits that bound memory and refuse hostile input. Every field has a default in {@link DEFAULT_LIMITS}. */
export interface ReadLimits {
  /** Maximum container nesting: a top-level zip is depth 1, a zip inside it depth 2; `.tar.gz` takes two levels. */
  maxDepth: number;
  /** Maximum bytes decompressed out of archives for one unit, all levels together. */
  maxTotalBytes: number;
  /**
   * Maximum uncompressed size of one archive member, gzip stream or attachment. Defaults to the total budget: a
   * 900 MiB log in a `.gz` is legitimate, and bombs are caught by the ratio limit long before.
   */
  maxEntryBytes: number;
  /** Maximum uncompressed:compressed ratio of a member (declared and actual), checked above `ratioFloorBytes`. */
  maxRatio: number;
  /** Members smaller than this are not ratio-checked (a 20 KiB file of spaces legitimately compresses 500:1). */
  ratioFloorBytes: number;
  /** Maximum archive members (all levels together) for one unit. */
  maxEntries: number;
  /** Maximum bytes held in memory for content that needs random access or whole-document parsing. */
  maxBufferBytes: number;
  /** Maximum characters in one fragment; longer text is split (long lines at whitespace when possible). */
  maxFragmentChars: number;
  /** Maximum bytes of one CSV record; a longer record is reported and skipped. */
  maxRecordBytes: number;
  /** A PDF whose parser makes no progress (no page) for this long is abandoned and reported. */
  pdfStallMs: number;
}

/** The defaults: depth 3, 1 GiB total and per member, 100:1 ratio, 10 000 members, 128 MiB buffers. */
export const DEFAULT_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxDepth: 3,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxEntryBytes: 1024 * 1024 * 1024,
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
  maxEntries: 10_000,
  maxBufferBytes: 128 * 1024 * 1024,
  maxFragmentChars: 1024 * 1024,
  maxRecordBytes: 16 * 1024 * 1024,
  pdfStallMs: 60_000,
});

/**
 * Merge user limits over the defaults, rejecting nonsense.
 *
 * @throws RangeError when a limit is not a positive number (programmer misuse)
 * @example
 * resolveLimits({ maxDepth: 1 }).maxRatio; // 100
 */
export function resolveLimits(limits: Partial<ReadLimits> | undefined): ReadLimits {
  const out: ReadLimits = { ...DEFAULT_LIMITS };
  if (!limits) return out;
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ReadLimits)[]) {
    const v = limits[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || Number.isNaN(v) || v < 0 || (v === 0 && key !== 'maxDepth')) {
      throw new RangeError(`resolveLimits: "${key}" must be a positive number`);
    }
    out[key] = v;
  }
  if (out.maxFragmentChars < 1024) throw new RangeError('resolveLimits: "maxFragmentChars" must be at least 1024');
  return out;
}

/** Counters shared by every level of one unit's read (archives inside archives draw from the same budget). */
export interface ReadBudget {
  /** Bytes decompressed so far. */
  bytes: number;
  /** Archive members seen so far. */
  entries: number;
}

/** What a reader needs besides the bytes. */
export interface ReadContext {
  readonly limits: ReadLimits;
  readonly budget: ReadBudget;
  /** Container depth of the input being read (0 for a file on disk). */
  readonly depth: number;
  /** Location prefix inside containers (`backup.zip!/data/users.csv`); undefined at the top level. */
  readonly entry: string | undefined;
  readonly signal: AbortSignal | undefined;
}

/**
 * A fresh context for a top-level input.
 *
 * @example
 * const ctx = createReadContext({ maxDepth: 2 }, controller.signal);
 */
export function createReadContext(limits?: Partial<ReadLimits>, signal?: AbortSignal): ReadContext {
  return { limits: resolveLimits(limits), budget: { bytes: 0, entries: 0 }, depth: 0, entry: undefined, signal };
}

/**
 * The context for a member of the container read under `ctx`; `entry` is the member's full location.
 *
 * @example
 * childContext(ctx, 'backup.zip!/users.csv').depth; // ctx.depth + 1
 */
export function childContext(ctx: ReadContext, entry: string, depthIncrement = 1): ReadContext {
  return { ...ctx, depth: ctx.depth + depthIncrement, entry };
}

/**
 * `loc` with the context's archive entry added (when inside a container).
 *
 * @example
 * at(ctx, { row: 3 }); // { entry: 'a.zip!/b.csv', row: 3 } inside an archive
 */
export function at(ctx: ReadContext, loc: FragmentLocation = {}): FragmentLocation {
  return ctx.entry === undefined ? loc : { entry: ctx.entry, ...loc };
}

/**
 * Build a problem at `loc` (plus the context's entry).
 *
 * @example
 * problem(ctx, PROBLEM.corrupt, 'Cannot read PDF: damaged', { page: 2 });
 */
export function problem(ctx: ReadContext, code: ProblemCode, message: string, loc?: FragmentLocation): Problem {
  return { problem: code, message, loc: at(ctx, loc) };
}

/**
 * Throw the signal's reason when it is aborted (a DOMException `AbortError` unless the caller gave one).
 *
 * @example
 * checkAbort(ctx.signal); // throws the AbortError once aborted
 */
export function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/**
 * The error's code (`ENOENT`, `ERR_…`) or name, for messages that must not echo library text (may hold values).
 *
 * @example
 * errorTag(Object.assign(new Error('x'), { code: 'ENOENT' })); // 'ENOENT'
 */
export function errorTag(e: unknown): string {
  if (typeof e === 'object' && e !== null) {
    // A system or library code such as `ENOENT`, `ERR_INVALID_ARG`; not free text (which could echo content).
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
    // An error class name such as `InvalidPDFException`; not a message.
    const name = (e as { name?: unknown }).name;
    if (typeof name === 'string' && /^[A-Za-z]{2,40}$/.test(name)) return name;
  }
  return 'error';
}

/**
 * Whether `e` is an abort (ours or a library's).
 *
 * @example
 * if (isAbort(e, ctx.signal)) throw e;
 */
export function isAbort(e: unknown, signal: AbortSignal | undefined): boolean {
  return (signal?.aborted === true && e === signal.reason) || (e instanceof Error && e.name === 'AbortError');
}

/**
 * Make a name safe to print in a location: control characters become `?`, length is capped.
 *
 * @example
 * printableName('a\nb.txt'); // 'a?b.txt'
 */
export function printableName(name: string): string {
  // C0 controls and DEL (`a\nb` → `a?b`); printable Unicode, including CJK, is kept.
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 512 ? `${clean.slice(0, 509)}...` : clean;
}

/**
 * Thrown inside a read when a member outgrows a limit while it is being decompressed; becomes a refusal.
 *
 * @example
 * throw new LimitExceededError('inflates beyond the 100:1 compression-ratio limit');
 */
export class LimitExceededError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LimitExceededError';
  }
}

/**
 * Rethrow what must escape a format reader's catch: aborts and limit refusals (handled by the container).
 *
 * @example
 * catch (e) { rethrowFatal(e, ctx); report(e); }
 */
export function rethrowFatal(e: unknown, ctx: ReadContext): void {
  if (isAbort(e, ctx.signal) || e instanceof LimitExceededError) throw e;
}

/** Reads one nested input through sniffing (passed down to containers to avoid an import cycle). */
export type ReadNested = (input: import('./input.js').ByteInput, ctx: ReadContext) => AsyncIterable<ReadBatch>;

/**
 * The location string of a member: `outer!/member` (the container's own entry, or its name at top level).
 *
 * @example
 * memberEntry(ctx, 'backup.zip', 'data/users.csv'); // 'backup.zip!/data/users.csv'
 */
export function memberEntry(ctx: ReadContext, containerName: string, member: string): string {
  return `${ctx.entry ?? printableName(baseName(containerName))}!/${printableName(member)}`;
}

/**
 * The lower-cased final extension of a name without the dot (`Data.CSV` → `csv`), or `''`.
 *
 * @example
 * extensionOf('Data.CSV'); // 'csv'
 */
export function extensionOf(name: string): string {
  const base = baseName(name);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/**
 * The last path segment (either separator).
 *
 * @example
 * baseName('/data/users.csv'); // 'users.csv'
 */
export function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}
