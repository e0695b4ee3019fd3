/**
 * Apache Parquet through `hyparquet` (pure JavaScript, reads by random access, all standard codecs with
 * `hyparquet-compressors`): one structured fragment per string, number, date or big-integer value, with
 * `loc.row` (1-based across the file) and `loc.field` (column name; nested fields as `address.city`, list items
 * under the list's name). Row groups are read one at a time, so memory is one decoded row group.
 *
 * A row group whose declared uncompressed size is beyond `maxEntryBytes`, or whose declared ratio is beyond
 * `maxRatio`, is refused like an archive member (a Parquet file is a compressed container too).
 */
import type { parquetMetadataAsync } from 'hyparquet';
import type { Fragment } from '../source.js';
import { type ByteInput, toBuffer } from './input.js';
import { checkColumnChunk, DamagedPageError, PageLimitError } from './parquet-pages.js';
import {
  at,
  checkAbort,
  errorTag,
  PROBLEM,
  type ProblemCode,
  problem,
  type ReadBatch,
  type ReadContext,
  rethrowFatal,
} from './types.js';

/** Leaves of a decoded value as `[field, text]`. */
function leaves(value: unknown, field: string, out: [string, string][], depth = 0): void {
  if (value === null || value === undefined || depth > 32) return;
  switch (typeof value) {
    case 'string':
      if (value.length > 0) out.push([field, value]);
      return;
    case 'number':
      if (Number.isFinite(value)) out.push([field, String(value)]);
      return;
    case 'bigint':
      out.push([field, value.toString()]);
      return;
    case 'object':
      if (value instanceof Date) {
        if (!Number.isNaN(value.getTime())) out.push([field, value.toISOString()]);
        return;
      }
      if (ArrayBuffer.isView(value)) return;
      if (Array.isArray(value)) {
        for (const v of value) leaves(v, field, out, depth + 1);
        return;
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) leaves(v, `${field}.${k}`, out, depth + 1);
      return;
    default:
      return;
  }
}

type RowGroup = Awaited<ReturnType<typeof parquetMetadataAsync>>['row_groups'][number];

/**
 * Check every column chunk's page headers before the decoder sees them (see parquet-pages.ts): a damaged header
 * is reported as damage, a page or chunk declaring more than the limits allow is refused like a zip bomb.
 */
async function checkRowGroup(
  group: RowGroup,
  ra: { size: number; read: (position: number, length: number) => Promise<Uint8Array> },
  ctx: ReadContext,
): Promise<{ problem: ProblemCode; verb: string; why: string } | undefined> {
  const { limits } = ctx;
  for (const column of group.columns) {
    const meta = column.meta_data;
    if (!meta) return { problem: PROBLEM.corrupt, verb: 'Cannot read', why: 'a column chunk has no metadata' };
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
    const end = start + Number(meta.total_compressed_size);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 4 || end < start || end > ra.size)
      return { problem: PROBLEM.corrupt, verb: 'Cannot read', why: 'a column chunk lies outside the file' };
    try {
      const total = await checkColumnChunk(ra.read, start, end, {
        maxPageBytes: Math.min(limits.maxEntryBytes, limits.maxBufferBytes),
        maxChunkBytes: limits.maxEntryBytes,
      });
      if (total > limits.ratioFloorBytes && total > limits.maxRatio * Math.max(1, end - start))
        return {
          problem: PROBLEM.archiveRefused,
          verb: 'Refused',
          why: `a column chunk declares ${total} uncompressed bytes from ${end - start}, beyond the ${limits.maxRatio}:1 ratio limit`,
        };
    } catch (e) {
      if (e instanceof PageLimitError) return { problem: PROBLEM.archiveRefused, verb: 'Refused', why: e.message };
      if (e instanceof DamagedPageError) return { problem: PROBLEM.corrupt, verb: 'Cannot read', why: e.message };
      throw e;
    }
  }
  return undefined;
}

/**
 * Read a Parquet file.
 *
 * @example
 * for await (const item of readParquet(input, ctx)) …
 */
export async function* readParquet(input: ByteInput, ctx: ReadContext): AsyncGenerator<ReadBatch> {
  let random = input.random();
  if (!random) {
    const data = await toBuffer(input, ctx.limits.maxBufferBytes);
    if (!data) {
      yield [
        problem(
          ctx,
          PROBLEM.skippedTooLarge,
          `Skipped Parquet file: a nested file must be held in memory and exceeds ${ctx.limits.maxBufferBytes} bytes`,
        ),
      ];
      return;
    }
    random = { size: data.length, read: async (p, l) => data.subarray(p, p + l) };
  }
  const ra = random;
  const file = {
    byteLength: ra.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const b = await ra.read(start, (end ?? ra.size) - start);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
  };
  // Loaded on first use (the codecs are large).
  const [{ parquetMetadataAsync: readMetadata, parquetReadObjects }, { compressors }] = await Promise.all([
    import('hyparquet'),
    import('hyparquet-compressors'),
  ]);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await readMetadata(file);
  } catch (e) {
    rethrowFatal(e, ctx);
    yield [problem(ctx, PROBLEM.corrupt, `Cannot read Parquet file: the footer is damaged (${errorTag(e)})`)];
    return;
  }
  const max = ctx.limits.maxFragmentChars;
  let rowStart = 0;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    checkAbort(ctx.signal);
    const group = metadata.row_groups[g]!;
    const rows = Number(group.num_rows);
    const rowEnd = rowStart + rows;
    const uncompressed = Number(group.total_byte_size);
    const compressed = Number(
      group.total_compressed_size ??
        group.columns.reduce((n, c) => n + Number(c.meta_data?.total_compressed_size ?? 0n), 0),
    );
    const { limits } = ctx;
    if (
      uncompressed > limits.maxEntryBytes ||
      (uncompressed > limits.ratioFloorBytes && uncompressed > limits.maxRatio * Math.max(1, compressed))
    ) {
      yield [
        problem(
          ctx,
          PROBLEM.archiveRefused,
          `Refused Parquet row group ${g + 1} (rows ${rowStart + 1}-${rowEnd}): it declares ${uncompressed} uncompressed bytes from ${compressed}, beyond the size or ratio limit`,
          { row: rowStart + 1 },
        ),
      ];
      rowStart = rowEnd;
      continue;
    }
    const refusal = await checkRowGroup(group, ra, ctx);
    if (refusal) {
      yield [
        problem(
          ctx,
          refusal.problem,
          `${refusal.verb} Parquet row group ${g + 1} (rows ${rowStart + 1}-${rowEnd}): ${refusal.why}`,
          {
            row: rowStart + 1,
          },
        ),
      ];
      rowStart = rowEnd;
      continue;
    }
    let objects: Record<string, unknown>[];
    try {
      objects = await parquetReadObjects({ file, metadata, rowStart, rowEnd, compressors });
    } catch (e) {
      rethrowFatal(e, ctx);
      yield [
        problem(
          ctx,
          PROBLEM.corrupt,
          `Cannot read Parquet row group ${g + 1} (rows ${rowStart + 1}-${rowEnd}): damaged data (${errorTag(e)})`,
          {
            row: rowStart + 1,
          },
        ),
      ];
      rowStart = rowEnd;
      continue;
    }
    const found: [string, string][] = [];
    let batch: ReadBatch = [];
    for (let r = 0; r < objects.length; r++) {
      if ((r & 1023) === 0) {
        checkAbort(ctx.signal);
        if (batch.length > 0) {
          yield batch;
          batch = [];
        }
      }
      found.length = 0;
      for (const [column, value] of Object.entries(objects[r]!)) leaves(value, column, found);
      const row = rowStart + r + 1;
      for (const [field, text] of found) {
        for (let i = 0; i < text.length; i += max) {
          const f: Fragment = {
            text: text.length <= max ? text : text.slice(i, i + max),
            loc: at(ctx, { row, field }),
            structured: true,
          };
          batch.push(f);
        }
      }
    }
    if (batch.length > 0) yield batch;
    rowStart = rowEnd;
  }
}
