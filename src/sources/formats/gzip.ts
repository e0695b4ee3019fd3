/**
 * gzip (RFC 1952): the decompressed stream is read through sniffing under the original name (from the header's
 * FNAME field, else the file name without `.gz`; `.tgz` becomes `.tar`). gzip wraps exactly one stream, so it
 * adds no entry to locations (line 10 of `app.log.gz` is line 10 of the log), but it counts as a nesting level
 * like any container: a gzip quine (a file that decompresses to itself) must not recurse forever.
 *
 * Bomb defence: output is counted as it comes out of `node:zlib` (which emits bounded chunks with backpressure);
 * beyond `maxEntryBytes`, the unit's `maxTotalBytes`, or `maxRatio` times the compressed bytes consumed (above
 * `ratioFloorBytes`), the read stops with `LG_ARCHIVE_REFUSED`.
 */
import { createGunzip } from 'node:zlib';
import { type ByteInput, renamed, streamInput } from './input.js';
import {
  baseName,
  errorTag,
  extensionOf,
  isAbort,
  LimitExceededError,
  PROBLEM,
  problem,
  type ReadBatch,
  type ReadContext,
  type ReadNested,
} from './types.js';

/**
 * The FNAME field of a gzip header, when present.
 *
 * @example
 * gzipOriginalName(head); // 'access.log' when the file was gzipped with its name
 */
export function gzipOriginalName(head: Uint8Array): string | undefined {
  if (head.length < 10 || head[0] !== 0x1f || head[1] !== 0x8b) return undefined;
  const flags = head[3]!;
  if ((flags & 0x08) === 0) return undefined;
  let i = 10;
  if ((flags & 0x04) !== 0) {
    if (head.length < 12) return undefined;
    i += 2 + (head[10]! | (head[11]! << 8));
  }
  const end = Buffer.from(head).indexOf(0, i);
  if (end < 0 || end - i > 255) return undefined;
  const name = Buffer.from(head).toString('latin1', i, end);
  return name ? baseName(name) : undefined;
}

/** The name of the content: FNAME, else the name without `.gz`. */
function innerName(name: string, head: Uint8Array): string {
  const fromHeader = gzipOriginalName(head);
  if (fromHeader) return fromHeader;
  const base = baseName(name);
  const ext = extensionOf(base);
  if (ext === 'tgz') return `${base.slice(0, -4)}.tar`;
  if (ext === 'gz') return base.slice(0, -3);
  return base;
}

/** Decompress with limits. */
async function* gunzip(input: ByteInput, ctx: ReadContext): AsyncGenerator<Buffer> {
  const { limits } = ctx;
  const z = createGunzip({ chunkSize: 64 * 1024 });
  let consumed = 0;
  let produced = 0;
  let stopped = false;
  const source = input.stream()[Symbol.asyncIterator]();
  const feeding = (async () => {
    try {
      for (;;) {
        const r = await source.next();
        if (r.done || stopped || z.destroyed) break;
        consumed += r.value.length;
        if (!z.write(r.value)) {
          await new Promise<void>((resolve) => {
            const done = (): void => {
              z.off('drain', done);
              z.off('close', done);
              resolve();
            };
            z.on('drain', done);
            z.on('close', done);
          });
        }
      }
      if (!stopped && !z.destroyed) z.end();
    } catch (e) {
      z.destroy(e as Error);
    }
  })();
  try {
    for await (const chunk of z as AsyncIterable<Buffer>) {
      produced += chunk.length;
      ctx.budget.bytes += chunk.length;
      if (produced > limits.maxEntryBytes)
        throw new LimitExceededError(`inflates beyond the ${limits.maxEntryBytes}-byte limit`);
      if (ctx.budget.bytes > limits.maxTotalBytes) {
        throw new LimitExceededError(`takes the uncompressed total beyond ${limits.maxTotalBytes} bytes`);
      }
      if (produced > limits.ratioFloorBytes && produced > limits.maxRatio * Math.max(1, consumed)) {
        throw new LimitExceededError(`inflates beyond the ${limits.maxRatio}:1 compression-ratio limit`);
      }
      yield chunk;
    }
  } finally {
    stopped = true;
    z.destroy();
    await source.return?.();
    await feeding;
  }
}

/**
 * Read gzip-compressed content through sniffing.
 *
 * @example
 * for await (const item of readGzip(input, ctx, readNested)) …
 */
export async function* readGzip(input: ByteInput, ctx: ReadContext, readNested: ReadNested): AsyncGenerator<ReadBatch> {
  if (ctx.depth + 1 > ctx.limits.maxDepth) {
    yield [
      problem(ctx, PROBLEM.archiveRefused, `Refused gzip content: nesting deeper than ${ctx.limits.maxDepth} levels`),
    ];
    return;
  }
  const head = await input.head();
  const name = innerName(input.name, head);
  const label = input.label ?? input.name;
  const inner = renamed(streamInput(name, gunzip(input, ctx)), name, label);
  try {
    yield* readNested(inner, { ...ctx, depth: ctx.depth + 1 });
  } catch (e) {
    if (isAbort(e, ctx.signal)) throw e;
    if (e instanceof LimitExceededError) {
      yield [problem(ctx, PROBLEM.archiveRefused, `Refused gzip content of "${baseName(label)}": it ${e.message}`)];
    } else {
      yield [problem(ctx, PROBLEM.corrupt, `Cannot decompress gzip content of "${baseName(label)}" (${errorTag(e)})`)];
    }
  }
}
