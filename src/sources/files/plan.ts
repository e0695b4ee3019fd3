/**
 * Unit planning for one file: the fingerprint for incremental scans, the sniffed format, and, for big line- or
 * record-oriented files, `file-range` units cut at record boundaries.
 *
 * Fingerprint: `{ size, mtimeMs, hash }` where `hash` is SHA-256 over the size, the first 64 KiB and the last
 * 64 KiB. Trade-off: planning reads at most 128 KiB per file whatever its size, and catches the common changes
 * (appends, rewrites, truncations, and copies that reset or preserve mtime); a same-size edit confined to the
 * middle of a file larger than 128 KiB with its mtime restored goes unnoticed. Files up to 128 KiB are hashed whole.
 *
 * Ranges: a UTF-8 text, NDJSON or CSV file larger than `rangeBytes` is split. The planner reads the file once,
 * sequentially, with the same record tokenizer the reader uses (quote-aware for CSV), and cuts at the first
 * record boundary at or after each multiple of `rangeBytes`, recording the line and row number there. Each range
 * unit therefore reads its records exactly once with exact locations, independently of the others (a worker
 * elsewhere needs nothing but the unit). Readers still widen a range to whole lines, so hand-made nominal ranges
 * also read every line exactly once. A range unit refuses to read if the file's size or mtime changed since
 * planning (its offsets would be meaningless): plan again.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { CsvTokenizer } from '../formats/csv-tokenizer.js';
import { fileInput, HEAD_BYTES, readAt } from '../formats/input.js';
import { type Sniffed, sniff } from '../formats/sniff.js';
import { baseName, checkAbort } from '../formats/types.js';
import type { Unit } from '../source.js';

/** Bytes hashed at each end of a file. */
export const FINGERPRINT_EDGE_BYTES = 64 * 1024;

/** Formats that can be split into byte ranges. */
const SPLITTABLE = new Set(['text', 'csv', 'ndjson']);

/** Facts about a file for incremental scans. */
export interface FileFingerprint {
  size: number;
  mtimeMs: number;
  /** `sha256:` + hex of (size, first 64 KiB, last 64 KiB). */
  hash: string;
  [key: string]: string | number;
}

/**
 * Fingerprint an open file.
 *
 * @example
 * const fp = await fingerprintFile(handle, stats.size, stats.mtimeMs);
 */
export async function fingerprintFile(
  handle: FileHandle,
  size: number,
  mtimeMs: number,
  head?: Buffer,
): Promise<{ fingerprint: FileFingerprint; head: Buffer }> {
  const first = head ?? (await readAt(handle, 0, Math.min(size, Math.max(HEAD_BYTES, FINGERPRINT_EDGE_BYTES))));
  const h = createHash('sha256');
  h.update(`leakguard-fp1:${size}:`);
  h.update(first.subarray(0, FINGERPRINT_EDGE_BYTES));
  if (size > FINGERPRINT_EDGE_BYTES) {
    const tailStart = Math.max(FINGERPRINT_EDGE_BYTES, size - FINGERPRINT_EDGE_BYTES);
    h.update(await readAt(handle, tailStart, size - tailStart));
  }
  return { fingerprint: { size, mtimeMs, hash: `sha256:${h.digest('hex')}` }, head: first };
}

/** One planned range. */
interface Cut {
  start: number;
  line: number;
  row: number;
}

/** Line boundaries at or after each multiple of `rangeBytes` (text, NDJSON). */
async function lineCuts(handle: FileHandle, size: number, rangeBytes: number, signal?: AbortSignal): Promise<Cut[]> {
  const cuts: Cut[] = [{ start: 0, line: 1, row: 1 }];
  const input = fileInput('', handle, size);
  let nextCut = rangeBytes;
  let lines = 0;
  let offset = 0;
  for await (const chunk of input.stream()) {
    checkAbort(signal);
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) {
      lines++;
      const p = offset + i;
      if (p >= nextCut - 1 && p + 1 < size) {
        cuts.push({ start: p + 1, line: lines + 1, row: lines + 1 });
        nextCut = (Math.floor((p + 1) / rangeBytes) + 1) * rangeBytes;
      }
    }
    offset += chunk.length;
  }
  return cuts;
}

/** CSV record boundaries at or after each multiple of `rangeBytes`, with line and data-row numbers. */
async function csvCuts(
  handle: FileHandle,
  size: number,
  rangeBytes: number,
  sniffed: Sniffed,
  maxRecordBytes: number,
  signal?: AbortSignal,
): Promise<{ cuts: Cut[]; header: string[] | null; width: number }> {
  const dialect = sniffed.dialect ?? { delimiter: ',', header: false };
  const head = await readAt(handle, 0, Math.min(size, 3));
  const bom = head.length === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const delimiter = dialect.delimiter.charCodeAt(0);
  const tokenizer = new CsvTokenizer({ delimiter, offset: bom, line: 1, maxRecordBytes, fields: false });
  const cuts: Cut[] = [{ start: 0, line: 1, row: 1 }];
  let needHeader = dialect.header;
  let headerSeenAt = -1;
  let firstRecordAt = -1;
  let rows = 0;
  let nextCut = rangeBytes;
  const handleEvents = (events: ReturnType<CsvTokenizer['push']>): void => {
    for (const e of events) {
      if (e.kind === 'record' && needHeader) {
        needHeader = false;
        headerSeenAt = e.offset;
        continue;
      }
      if (e.kind === 'record' && firstRecordAt < 0) firstRecordAt = e.offset;
      if (e.offset >= nextCut) {
        cuts.push({ start: e.offset, line: e.line, row: rows + 1 });
        nextCut = (Math.floor(e.offset / rangeBytes) + 1) * rangeBytes;
      }
      rows++;
    }
  };
  const input = fileInput('', handle, size);
  for await (const chunk of input.stream(bom)) {
    checkAbort(signal);
    handleEvents(tokenizer.push(chunk));
  }
  handleEvents(tokenizer.end());
  // Header names and width come from decoding the header (or first) record alone.
  let header: string[] | null = null;
  let width = 0;
  const at = headerSeenAt >= 0 ? headerSeenAt : firstRecordAt;
  if (at >= 0) {
    const t = new CsvTokenizer({ delimiter, offset: at, maxRecordBytes });
    let record: string[] | undefined;
    for await (const chunk of input.stream(at)) {
      const ev = t.push(chunk).find((x) => x.kind === 'record');
      if (ev && ev.kind === 'record') {
        record = ev.fields;
        break;
      }
    }
    record ??= t.end().flatMap((x) => (x.kind === 'record' ? [x.fields] : []))[0];
    if (record) {
      width = record.length;
      if (headerSeenAt >= 0) header = record;
    }
  }
  return { cuts, header, width };
}

/** Options of {@link planFile}. */
export interface PlanFileOptions {
  rangeBytes: number;
  maxRecordBytes: number;
  signal?: AbortSignal | undefined;
}

/**
 * The unit id of a file or of a byte range `[start, end)` of it (HTTP-style inclusive end).
 *
 * @example
 * unitId('/data/a.log', { start: 0, end: 1048576 }); // 'file:/data/a.log#bytes=0-1048575'
 */
export function unitId(path: string, range?: { start: number; end: number }): string {
  return range ? `file:${path}#bytes=${range.start}-${range.end - 1}` : `file:${path}`;
}

/**
 * Plan the units of one open regular file.
 *
 * @example
 * const units = await planFile('/data/big.csv', handle, stats, { rangeBytes: 64 << 20, maxRecordBytes: 16 << 20 });
 */
export async function planFile(
  path: string,
  handle: FileHandle,
  stats: { size: number; mtimeMs: number },
  options: PlanFileOptions,
): Promise<Unit[]> {
  const { size, mtimeMs } = stats;
  const { fingerprint, head } = await fingerprintFile(handle, size, mtimeMs);
  const sniffed = sniff(head.subarray(0, HEAD_BYTES), baseName(path), size <= HEAD_BYTES);
  const asset = pathToFileURL(path).href;
  const base: Unit = {
    id: unitId(path),
    kind: 'file',
    asset,
    size,
    fingerprint,
    params: { path, format: sniffed.format },
  };
  const splittable = SPLITTABLE.has(sniffed.format) && (sniffed.encoding ?? 'utf-8') === 'utf-8';
  if (!splittable || size <= options.rangeBytes) return [base];
  let cuts: Cut[];
  const extra: Record<string, string | number | boolean | null> = {};
  if (sniffed.format === 'csv') {
    const planned = await csvCuts(handle, size, options.rangeBytes, sniffed, options.maxRecordBytes, options.signal);
    cuts = planned.cuts;
    extra.delimiter = sniffed.dialect?.delimiter ?? ',';
    extra.header = sniffed.dialect?.header ?? false;
    extra.columns = planned.header ? JSON.stringify(planned.header) : null;
    extra.width = planned.width;
  } else {
    cuts = await lineCuts(handle, size, options.rangeBytes, options.signal);
  }
  if (cuts.length < 2) return [base];
  const units: Unit[] = [];
  for (let k = 0; k < cuts.length; k++) {
    const cut = cuts[k]!;
    const end = cuts[k + 1]?.start ?? size;
    units.push({
      id: unitId(path, { start: cut.start, end }),
      kind: 'file-range',
      asset,
      size: end - cut.start,
      fingerprint,
      params: {
        path,
        format: sniffed.format,
        encoding: 'utf-8',
        start: cut.start,
        end,
        line: cut.line,
        row: cut.row,
        ...extra,
      },
    });
  }
  return units;
}
