/**
 * Zip archives (and the zip containers of XLSX/DOCX) through `yauzl`, which reads the central directory by random
 * access and inflates one entry at a time as a stream, checking actual against declared sizes.
 *
 * Zip-bomb defences, each reported as `LG_ARCHIVE_REFUSED` with the member's location:
 * - nesting beyond `maxDepth`; more members than `maxEntries` (all levels of one unit together);
 * - overlapping entries (several entries sharing compressed data, the "non-recursive" zip bomb);
 * - a declared size above `maxEntryBytes` or a declared ratio above `maxRatio` (above `ratioFloorBytes`);
 * - an actual inflated size beyond the declared size (yauzl), `maxEntryBytes`, the ratio, or the unit's
 *   `maxTotalBytes` budget, checked as bytes come out, so a lying header cannot make us inflate more.
 * Names are decoded without yauzl's path validation (an entry named `../x` is only a location here, never a
 * path we write to) so one odd name cannot hide the rest of the archive.
 */
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { Problem } from '../source.js';
import { type ByteInput, type RandomAccess, streamInput, toBuffer } from './input.js';
import {
  checkAbort,
  childContext,
  errorTag,
  isAbort,
  LimitExceededError,
  memberEntry,
  PROBLEM,
  problem,
  type ReadBatch,
  type ReadContext,
  type ReadNested,
} from './types.js';

/** An entry with its decoded name. */
export interface ZipMember {
  readonly name: string;
  readonly entry: yauzl.Entry;
}

/** An open zip with its members (central-directory order). */
export interface OpenZip {
  readonly zip: yauzl.ZipFile;
  readonly members: readonly ZipMember[];
  /** Members left out because the entry limit was reached. */
  readonly truncated: number;
  close(): void;
}

/** yauzl reader over our random access (files are read through our own handle, no second open). */
class RandomAccessAdapter extends yauzl.RandomAccessReader {
  constructor(private readonly ra: RandomAccess) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const ra = this.ra;
    return Readable.from(
      (async function* () {
        for (let pos = start; pos < end; ) {
          const chunk = await ra.read(pos, Math.min(256 * 1024, end - pos));
          if (chunk.length === 0) throw new Error('unexpected end of file');
          pos += chunk.length;
          yield chunk;
        }
      })(),
    );
  }
}

const OPTIONS: yauzl.Options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true };

function decodeName(entry: yauzl.Entry): string {
  const raw = entry.fileNameRaw ?? (entry.fileName as unknown as Buffer);
  try {
    return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields ?? [], false);
  } catch {
    return raw.toString('utf8');
  }
}

/**
 * Open a zip and list its members, within the entry budget. Returns a problem when the input is not a readable
 * zip or is too large to hold in memory (one-pass inputs only).
 *
 * @example
 * const opened = await openZip(input, ctx); if (!('problem' in opened)) use(opened.members);
 */
export async function openZip(input: ByteInput, ctx: ReadContext, what = 'zip archive'): Promise<OpenZip | Problem> {
  let zip: yauzl.ZipFile;
  try {
    const random = input.random();
    if (random) zip = await yauzl.fromRandomAccessReaderPromise(new RandomAccessAdapter(random), random.size, OPTIONS);
    else {
      const data = await toBuffer(input, ctx.limits.maxBufferBytes);
      if (!data) {
        return problem(
          ctx,
          PROBLEM.skippedTooLarge,
          `Skipped ${what}: a nested archive must be held in memory and exceeds ${ctx.limits.maxBufferBytes} bytes`,
        );
      }
      zip = await yauzl.fromBufferPromise(data, OPTIONS);
    }
  } catch (e) {
    if (isAbort(e, ctx.signal)) throw e;
    return problem(ctx, PROBLEM.corrupt, `Cannot open ${what}: the central directory is unreadable (${errorTag(e)})`);
  }
  const members: ZipMember[] = [];
  let truncated = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      checkAbort(ctx.signal);
      if (ctx.budget.entries + members.length >= ctx.limits.maxEntries) {
        truncated = Math.max(1, zip.entryCount - members.length);
        break;
      }
      members.push({ name: decodeName(entry), entry });
    }
  } catch (e) {
    zip.close();
    if (isAbort(e, ctx.signal)) throw e;
    return problem(ctx, PROBLEM.corrupt, `Cannot read ${what}: the central directory is damaged (${errorTag(e)})`);
  }
  return { zip, members, truncated, close: () => zip.close() };
}

/**
 * Whether any two entries' data overlap (lower-bound estimate of each local record: 30 bytes + name).
 *
 * @example
 * if (findOverlap(opened.members)) refuse();
 */
export function findOverlap(members: readonly ZipMember[]): ZipMember | undefined {
  const sorted = [...members].sort((a, b) => a.entry.relativeOffsetOfLocalHeader - b.entry.relativeOffsetOfLocalHeader);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!.entry;
    const cur = sorted[i]!;
    const prevEnd = prev.relativeOffsetOfLocalHeader + 30 + prev.fileNameLength + prev.compressedSize;
    if (cur.entry.relativeOffsetOfLocalHeader < prevEnd) return cur;
  }
  return undefined;
}

/**
 * Why a member cannot be inflated, or undefined when it may be (declared facts only).
 *
 * @example
 * refuseDeclared(member, ctx); // 'declares a compression ratio of 1030:1, above the 100:1 limit'
 */
export function refuseDeclared(member: ZipMember, ctx: ReadContext): string | undefined {
  const { entry } = member;
  const { limits } = ctx;
  if (entry.uncompressedSize > limits.maxEntryBytes) {
    return `declares ${entry.uncompressedSize} bytes, above the ${limits.maxEntryBytes}-byte member limit`;
  }
  if (
    entry.uncompressedSize > limits.ratioFloorBytes &&
    entry.uncompressedSize > limits.maxRatio * Math.max(1, entry.compressedSize)
  ) {
    const ratio = Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize));
    return `declares a compression ratio of ${ratio}:1, above the ${limits.maxRatio}:1 limit`;
  }
  if (ctx.budget.bytes + entry.uncompressedSize > limits.maxTotalBytes) {
    return `would take the uncompressed total beyond ${limits.maxTotalBytes} bytes`;
  }
  return undefined;
}

/**
 * The inflated bytes of a member, guarded: throws {@link LimitExceededError} as soon as the output exceeds the
 * member limit, the ratio limit or the unit's total budget (whatever the header declared).
 *
 * @example
 * for await (const chunk of memberBytes(opened, member, ctx)) …
 */
export async function* memberBytes(zip: OpenZip, member: ZipMember, ctx: ReadContext): AsyncGenerator<Buffer> {
  const { entry } = member;
  const { limits } = ctx;
  const stream = await zip.zip.openReadStreamPromise(entry);
  let out = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      out += chunk.length;
      ctx.budget.bytes += chunk.length;
      if (out > limits.maxEntryBytes)
        throw new LimitExceededError(`inflates beyond the ${limits.maxEntryBytes}-byte member limit`);
      if (out > limits.ratioFloorBytes && out > limits.maxRatio * Math.max(1, entry.compressedSize)) {
        throw new LimitExceededError(`inflates beyond the ${limits.maxRatio}:1 compression-ratio limit`);
      }
      if (ctx.budget.bytes > limits.maxTotalBytes) {
        throw new LimitExceededError(`takes the uncompressed total beyond ${limits.maxTotalBytes} bytes`);
      }
      yield chunk;
    }
  } finally {
    stream.destroy();
  }
}

/**
 * A member's whole content (for XML parts and nested documents), within `maxBytes`.
 *
 * @example
 * const xml = await memberBuffer(opened, member, ctx, 1 << 20);
 */
export async function memberBuffer(
  zip: OpenZip,
  member: ZipMember,
  ctx: ReadContext,
  maxBytes: number,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of memberBytes(zip, member, ctx)) {
    n += chunk.length;
    if (n > maxBytes) throw new LimitExceededError(`exceeds ${maxBytes} bytes`);
    parts.push(chunk);
  }
  return Buffer.concat(parts, n);
}

/**
 * The message of a member-read failure, classified.
 *
 * @example
 * catch (e) { yield [memberFailure(e, ctx, 'a.zip!/b.txt')]; }
 */
export function memberFailure(e: unknown, ctx: ReadContext, entry: string): Problem {
  if (e instanceof LimitExceededError) {
    return {
      problem: PROBLEM.archiveRefused,
      message: `Refused archive member "${entry}": ${e.message}`,
      loc: { entry },
    };
  }
  const tag = errorTag(e);
  // yauzl's byte-count assertion: the member inflates to more than its header declares.
  if (e instanceof Error && e.message.includes('too many bytes in the stream')) {
    return {
      problem: PROBLEM.archiveRefused,
      message: `Refused archive member "${entry}": it inflates beyond its declared size`,
      loc: { entry },
    };
  }
  void ctx;
  return {
    problem: PROBLEM.corrupt,
    message: `Cannot read archive member "${entry}": damaged data (${tag})`,
    loc: { entry },
  };
}

/**
 * Read an open zip archive's members recursively through sniffing (the caller closes the zip).
 *
 * @example
 * for await (const item of readZipMembers(opened, 'backup.zip', ctx, readNested)) …
 */
export async function* readZipMembers(
  opened: OpenZip,
  label: string,
  ctx: ReadContext,
  readNested: ReadNested,
): AsyncGenerator<ReadBatch> {
  if (ctx.depth + 1 > ctx.limits.maxDepth) {
    yield [problem(ctx, PROBLEM.archiveRefused, `Refused archive: nesting deeper than ${ctx.limits.maxDepth} levels`)];
    return;
  }
  const overlap = findOverlap(opened.members);
  if (overlap) {
    yield [
      problem(
        ctx,
        PROBLEM.archiveRefused,
        `Refused zip archive: entries share compressed data (overlapping entries, a zip-bomb construction), first at "${memberEntry(ctx, label, overlap.name)}"`,
      ),
    ];
    return;
  }
  for (const member of opened.members) {
    checkAbort(ctx.signal);
    ctx.budget.entries++;
    const { entry } = member;
    if (member.name.endsWith('/')) continue;
    const loc = memberEntry(ctx, label, member.name);
    if (entry.isEncrypted()) {
      yield [
        {
          problem: PROBLEM.skippedEncrypted,
          message: `Skipped encrypted archive member "${loc}"`,
          loc: { entry: loc },
        },
      ];
      continue;
    }
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      yield [
        {
          problem: PROBLEM.skippedUnsupported,
          message: `Skipped archive member "${loc}": compression method ${entry.compressionMethod} is not supported`,
          loc: { entry: loc },
        },
      ];
      continue;
    }
    const refusal = refuseDeclared(member, ctx);
    if (refusal) {
      yield [
        {
          problem: PROBLEM.archiveRefused,
          message: `Refused archive member "${loc}": it ${refusal}`,
          loc: { entry: loc },
        },
      ];
      continue;
    }
    const child = streamInput(member.name, memberBytes(opened, member, ctx), entry.uncompressedSize);
    try {
      yield* readNested(child, childContext(ctx, loc));
    } catch (e) {
      if (isAbort(e, ctx.signal)) throw e;
      yield [memberFailure(e, ctx, loc)];
      if (ctx.budget.bytes > ctx.limits.maxTotalBytes) return;
    }
  }
  if (opened.truncated > 0) {
    yield [
      problem(
        ctx,
        PROBLEM.archiveRefused,
        `Refused the rest of the zip archive: more than ${ctx.limits.maxEntries} members in this unit (${opened.truncated} not read)`,
      ),
    ];
  }
}
