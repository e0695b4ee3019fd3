/**
 * Output files written all-or-nothing: data goes to a temporary file beside the target (same directory, so the
 * final rename is atomic on one file system), created with mode 0600; `commit` renames it into place, `abort`
 * removes it. Whatever fails midway — a ragged row under `--on-error fail`, a missing key, a full disk — nothing
 * half-written is left where the output should be.
 *
 * Also the text encoders that write a protected text back in its input's encoding (UTF-8, UTF-16 with its
 * BOM, GB18030) without ever splitting a surrogate pair between two writes.
 */
import { randomBytes } from 'node:crypto';
import { chmod, type FileHandle, link, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import iconv from 'iconv-lite';
import { UsageError } from '../../core/errors.js';
import type { TextEncoding } from '../../sources/formats/decode.js';

/** An output file being written. */
export interface AtomicOutput {
  /** The final path. */
  readonly path: string;
  /** The temporary file written until {@link AtomicOutput.commit}. */
  readonly tempPath: string;
  /** The open temporary file (libraries that write synchronously use `handle.fd`). */
  readonly handle: FileHandle;
  /** Bytes written so far. */
  readonly bytes: number;
  /** Appends bytes. */
  write(data: Uint8Array): Promise<void>;
  /** Counts bytes written directly to `handle.fd` by a synchronous writer. */
  count(n: number): void;
  /** Flushes, closes and moves the file into place. */
  commit(): Promise<void>;
  /** Closes and removes the temporary file (safe to call after a failed commit, and twice). */
  abort(): Promise<void>;
}

/** Options of {@link openAtomicOutput}. */
export interface AtomicOutputOptions {
  /** Replace an existing file (default false: refuse, so a typo cannot overwrite the original). */
  overwrite?: boolean;
  /** Permission bits of the final file (default: 0600, as the temporary file is created). */
  mode?: number;
}

/**
 * Opens a temporary file beside `path`.
 *
 * @throws UsageError `LG_USAGE` when `path` exists and `overwrite` is false, or its directory does not exist
 * @example
 * const out = await openAtomicOutput('users.protected.csv');
 * try { await out.write(data); await out.commit(); } catch (e) { await out.abort(); throw e; }
 */
export async function openAtomicOutput(path: string, options: AtomicOutputOptions = {}): Promise<AtomicOutput> {
  const dir = dirname(path);
  try {
    const st = await stat(dir);
    if (!st.isDirectory()) throw new UsageError(`Cannot write "${path}": "${dir}" is not a directory`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`Cannot write "${path}": the directory "${dir}" does not exist`, { cause: e });
  }
  if (!options.overwrite) {
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (exists) throw new UsageError(`Cannot write "${path}": the file exists (overwrite it with --force)`);
  }
  const tempPath = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.leakguard-tmp`);
  let handle: FileHandle;
  try {
    handle = await open(tempPath, 'wx', 0o600);
  } catch (e) {
    throw new UsageError(
      `Cannot write "${path}": cannot create a file in "${dir}" (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      { cause: e },
    );
  }
  let bytes = 0;
  let closed = false;
  let removed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    path,
    tempPath,
    handle,
    get bytes() {
      return bytes;
    },
    async write(data) {
      let off = 0;
      while (off < data.length) {
        const { bytesWritten } = await handle.write(data, off, data.length - off);
        off += bytesWritten;
      }
      bytes += data.length;
    },
    count(n) {
      bytes += n;
    },
    async commit() {
      await handle.sync();
      await close();
      if (options.mode !== undefined) await chmod(tempPath, options.mode & 0o777);
      if (options.overwrite) await rename(tempPath, path);
      else {
        // link() refuses an existing target, so a file created meanwhile is not replaced.
        try {
          await link(tempPath, path);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
            throw new UsageError(`Cannot write "${path}": the file exists (overwrite it with --force)`, { cause: e });
          }
          throw e;
        }
        await unlink(tempPath);
      }
      removed = true;
    },
    async abort() {
      try {
        await close();
      } catch {
        // Closing a handle that failed to write: the unlink below is what matters.
      }
      if (removed) return;
      removed = true;
      await unlink(tempPath).catch(() => undefined);
    },
  };
}

/** Byte-order marks by encoding. */
const BOMS: Record<TextEncoding, Buffer> = {
  'utf-8': Buffer.from([0xef, 0xbb, 0xbf]),
  'utf-16le': Buffer.from([0xff, 0xfe]),
  'utf-16be': Buffer.from([0xfe, 0xff]),
  gb18030: Buffer.from([0x84, 0x31, 0x95, 0x33]),
};

/**
 * Whether `head` starts with the BOM of `encoding`.
 *
 * @example
 * hasBom(Buffer.from([0xef, 0xbb, 0xbf, 0x61]), 'utf-8'); // true
 */
export function hasBom(head: Uint8Array, encoding: TextEncoding): boolean {
  const bom = BOMS[encoding];
  if (head.length < bom.length) return false;
  for (let i = 0; i < bom.length; i++) if (head[i] !== bom[i]) return false;
  return true;
}

/**
 * Encodes text chunks to `encoding`, writing `bom` first when asked. A chunk ending in a high surrogate keeps it
 * for the next chunk, so a pair split by a producer is still encoded as one character.
 *
 * @example
 * const enc = new TextEncoderStream('gb18030', false);
 * Buffer.concat([enc.encode('中'), enc.encode('文'), enc.end()]);
 */
export class TextEncoderStream {
  #pending = '';
  #bom: boolean;

  constructor(
    readonly encoding: TextEncoding,
    bom: boolean,
  ) {
    this.#bom = bom;
  }

  /** Bytes for `text` (possibly holding back its last code unit). */
  encode(text: string): Buffer {
    let s = this.#pending + text;
    this.#pending = '';
    const last = s.charCodeAt(s.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.#pending = s.slice(-1);
      s = s.slice(0, -1);
    }
    return this.#bytes(s);
  }

  /** Bytes of anything held back (a lone high surrogate at the very end becomes U+FFFD in UTF-8). */
  end(): Buffer {
    const s = this.#pending;
    this.#pending = '';
    return this.#bytes(s);
  }

  #bytes(s: string): Buffer {
    let body: Buffer;
    switch (this.encoding) {
      case 'utf-8':
        body = Buffer.from(s, 'utf8');
        break;
      case 'utf-16le':
        body = Buffer.from(s, 'utf16le');
        break;
      case 'utf-16be':
        body = Buffer.from(s, 'utf16le').swap16();
        break;
      case 'gb18030':
        body = s.length === 0 ? Buffer.alloc(0) : iconv.encode(s, 'gb18030');
        break;
    }
    if (!this.#bom) return body;
    this.#bom = false;
    return Buffer.concat([BOMS[this.encoding], body]);
  }
}

/**
 * Collects output text and writes it in blocks of about 64 KiB (one encode and one write per block).
 *
 * @example
 * const w = new BlockWriter(new TextEncoderStream('utf-8', false), (data) => out.write(data));
 * await w.push('text'); await w.end();
 */
export class BlockWriter {
  #parts: string[] = [];
  #size = 0;

  constructor(
    private readonly encoder: TextEncoderStream,
    private readonly sink: (data: Buffer) => Promise<void> | void,
    private readonly blockChars = 1 << 16,
  ) {}

  /** Adds text; resolves when a full block has been handed to the sink. */
  push(text: string): Promise<void> | void {
    if (text.length === 0) return;
    this.#parts.push(text);
    this.#size += text.length;
    if (this.#size >= this.blockChars) return this.flush();
  }

  /** Writes what is collected. */
  flush(): Promise<void> | void {
    if (this.#size === 0) return;
    const text = this.#parts.length === 1 ? (this.#parts[0] as string) : this.#parts.join('');
    this.#parts = [];
    this.#size = 0;
    const data = this.encoder.encode(text);
    if (data.length > 0) return this.sink(data);
  }

  /** Flushes and writes what the encoder held back. */
  async end(): Promise<void> {
    await this.flush();
    const tail = this.encoder.end();
    if (tail.length > 0) await this.sink(tail);
  }
}
