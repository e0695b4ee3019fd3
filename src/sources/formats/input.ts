/**
 * Byte inputs: one shape for a file on disk, bytes in memory and a one-pass stream (an archive member, the output
 * of gunzip), so every reader and the sniffer work the same at any nesting level.
 *
 * Files are opened once with `O_NOFOLLOW | O_NONBLOCK` and checked with `fstat` to be regular files: a path swapped
 * for a symbolic link after planning is refused, and a path swapped for a FIFO cannot block the scan.
 */
import { constants, type Stats } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';

/** Bytes read per chunk from files. 256 KiB balances syscalls against memory per open input. */
export const CHUNK_BYTES = 256 * 1024;

/** Bytes made available to the sniffer. */
export const HEAD_BYTES = 64 * 1024;

/** Random access to an input's bytes (zip central directories, Parquet footers). */
export interface RandomAccess {
  readonly size: number;
  /** Read `length` bytes at `position` (fewer only at the end of the input). */
  read(position: number, length: number): Promise<Buffer>;
}

/** An input a reader consumes. */
export interface ByteInput {
  /** File or member name, for extension hints (`users.csv`, `data/users.csv`). */
  readonly name: string;
  /** Name shown in member locations when it differs from `name` (the `.gz` file whose content this is). */
  readonly label?: string;
  /** Size in bytes when known (files, buffers, zip members). */
  readonly size: number | undefined;
  /** Up to {@link HEAD_BYTES} first bytes (fewer when the input is shorter). */
  head(): Promise<Buffer>;
  /** Bytes `[start, end)` in chunks. One-pass inputs accept only `start = 0` and a single call. */
  stream(start?: number, end?: number): AsyncIterable<Buffer>;
  /** Random access, or undefined for one-pass inputs (use {@link toBuffer} within a limit). */
  random(): RandomAccess | undefined;
  /** The whole input in memory when it is already there (buffers). */
  readonly buffer?: Buffer;
}

/** A regular file opened safely, with its `fstat` facts. */
export interface OpenedFile {
  readonly handle: FileHandle;
  readonly stats: Stats;
}

/**
 * Why {@link openRegularFile} refused a path.
 *
 * @example
 * if (e instanceof NotRegularFileError && e.kind === 'special') skip();
 */
export class NotRegularFileError extends Error {
  constructor(readonly kind: 'directory' | 'special') {
    super(kind === 'directory' ? 'is a directory' : 'is not a regular file');
    this.name = 'NotRegularFileError';
  }
}

/**
 * Open a regular file for reading without following a final symbolic link and without blocking on a FIFO.
 *
 * @throws NotRegularFileError when the path is a directory, FIFO, socket or device; the system error otherwise
 * (`ELOOP` for a symbolic link, `ENOENT`, `EACCES`)
 * @example
 * const { handle, stats } = await openRegularFile('/data/users.csv');
 */
export async function openRegularFile(path: string): Promise<OpenedFile> {
  const flags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
  const handle = await open(path, flags);
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new NotRegularFileError('directory');
    if (!stats.isFile()) throw new NotRegularFileError('special');
    return { handle, stats };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/**
 * Read up to `length` bytes at `position` from a file handle (short only at end of file).
 *
 * @example
 * const header = await readAt(handle, 0, 512);
 */
export async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const out = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(out, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? out : out.subarray(0, got);
}

/**
 * An input over an open file handle (the caller closes the handle).
 *
 * @example
 * const input = fileInput('users.csv', handle, stats.size);
 */
export function fileInput(name: string, handle: FileHandle, size: number): ByteInput {
  let headCache: Promise<Buffer> | undefined;
  const random: RandomAccess = { size, read: (position, length) => readAt(handle, position, length) };
  return {
    name,
    size,
    head: () => {
      headCache ??= readAt(handle, 0, Math.min(HEAD_BYTES, size));
      return headCache;
    },
    async *stream(start = 0, end = size) {
      let pos = start;
      while (pos < end) {
        const chunk = await readAt(handle, pos, Math.min(CHUNK_BYTES, end - pos));
        if (chunk.length === 0) break;
        pos += chunk.length;
        yield chunk;
      }
    },
    random: () => random,
  };
}

/**
 * An input over bytes in memory.
 *
 * @example
 * const input = bufferInput('report.pdf', attachment);
 */
export function bufferInput(name: string, data: Buffer): ByteInput {
  const random: RandomAccess = {
    size: data.length,
    read: async (position, length) => data.subarray(position, Math.min(data.length, position + length)),
  };
  return {
    name,
    size: data.length,
    buffer: data,
    head: async () => data.subarray(0, HEAD_BYTES),
    async *stream(start = 0, end = data.length) {
      for (let pos = start; pos < end; pos += CHUNK_BYTES) yield data.subarray(pos, Math.min(end, pos + CHUNK_BYTES));
    },
    random: () => random,
  };
}

/**
 * A one-pass input over chunks. `head()` reads ahead (and keeps) the first {@link HEAD_BYTES}; `stream()` replays
 * them and continues.
 *
 * @example
 * const input = streamInput('member.csv', entryChunks, entry.uncompressedSize);
 */
export function streamInput(name: string, chunks: AsyncIterable<Uint8Array>, size?: number): ByteInput {
  const iterator = chunks[Symbol.asyncIterator]();
  const headParts: Buffer[] = [];
  let headLength = 0;
  let done = false;
  let headPromise: Promise<Buffer> | undefined;
  let streamed = false;
  const fill = async (): Promise<Buffer> => {
    while (!done && headLength < HEAD_BYTES) {
      const r = await iterator.next();
      if (r.done) {
        done = true;
        break;
      }
      const b = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
      headParts.push(b);
      headLength += b.length;
    }
    const all = headParts.length === 1 ? headParts[0]! : Buffer.concat(headParts);
    return all.subarray(0, HEAD_BYTES);
  };
  return {
    name,
    size,
    head: () => {
      headPromise ??= fill();
      return headPromise;
    },
    async *stream(start = 0, end?: number) {
      if (streamed || start !== 0 || end !== undefined) {
        throw new TypeError('streamInput: a one-pass input can be streamed once, from the start');
      }
      streamed = true;
      if (headPromise) await headPromise;
      try {
        for (const part of headParts.splice(0)) yield part;
        while (!done) {
          const r = await iterator.next();
          if (r.done) break;
          yield Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
        }
      } finally {
        // Stopping early (a refused member, an abort) releases the producer: a zip entry stream, a gunzip.
        if (!done) await iterator.return?.();
        done = true;
      }
    },
    random: () => undefined,
  };
}

/**
 * The whole input in memory if it is at most `maxBytes` long, else undefined (the input is then consumed for
 * one-pass inputs: callers report and move on).
 *
 * @example
 * const whole = await toBuffer(input, 64 << 20); // undefined when larger
 */
export async function toBuffer(input: ByteInput, maxBytes: number): Promise<Buffer | undefined> {
  if (input.buffer) return input.buffer.length <= maxBytes ? input.buffer : undefined;
  if (input.size !== undefined && input.size > maxBytes) return undefined;
  const random = input.random();
  if (random) return random.read(0, random.size);
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of input.stream()) {
    total += chunk.length;
    if (total > maxBytes) return undefined;
    parts.push(chunk);
  }
  return Buffer.concat(parts, total);
}

/**
 * The same input under another name (for sniffing), keeping its location label.
 *
 * @example
 * renamed(gunzipped, 'app.log', 'app.log.gz');
 */
export function renamed(input: ByteInput, name: string, label: string): ByteInput {
  return {
    name,
    label,
    size: input.size,
    head: () => input.head(),
    stream: (start, end) => input.stream(start, end),
    random: () => input.random(),
    ...(input.buffer ? { buffer: input.buffer } : {}),
  };
}
