/**
 * A guard in front of the Parquet decoder: walks the page headers of every column chunk of a row group (Thrift
 * compact protocol, read by hand) and checks them before `hyparquet` decodes anything. A damaged header can
 * otherwise make the decoder loop forever (a negative `compressed_page_size` moves its read position backwards)
 * or allocate what a page merely declares (a page claiming gigabytes uncompressed). Only headers are read, a
 * few hundred bytes a page, so the guard costs little next to decoding.
 */

/** A page header that cannot be right; the row group is reported as damaged. */
export class DamagedPageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DamagedPageError';
  }
}

/** A page or column chunk declares more uncompressed bytes than the limits allow (refused like a zip bomb). */
export class PageLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PageLimitError';
  }
}

/** The header bytes ran out before the header ended: read more and try again. */
class NeedMoreError extends Error {}

/** The fields of a page header the guard checks. */
export interface PageHeaderFacts {
  /** Bytes the header itself takes. */
  headerBytes: number;
  type: number;
  uncompressed: number;
  compressed: number;
  /** `num_values` of a data page (v1 or v2) or dictionary page, when present. */
  values?: number;
  /** v2 only: bytes of repetition + definition levels (must fit in the page). */
  levelBytes?: number;
}

const MAX_DEPTH = 16;

/** A cursor over bytes with compact-protocol primitives; every read is bounds-checked. */
class Cursor {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new NeedMoreError();
    return this.bytes[this.pos++]!;
  }

  skip(n: number): void {
    if (n < 0) throw new DamagedPageError('a negative length in a page header');
    if (this.pos + n > this.bytes.length) throw new NeedMoreError();
    this.pos += n;
  }

  /** An unsigned varint as a number (up to 2^53; longer ones are damage). */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (result > Number.MAX_SAFE_INTEGER) throw new DamagedPageError('an oversized integer in a page header');
        return result;
      }
      scale *= 128;
    }
    throw new DamagedPageError('an unterminated integer in a page header');
  }

  /** A zigzag varint (i16/i32/i64). */
  zigzag(): number {
    const u = this.varint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Skip one value of compact type `t`. */
  skipValue(t: number, depth: number): void {
    if (depth > MAX_DEPTH) throw new DamagedPageError('page header nesting is too deep');
    switch (t) {
      case 1:
      case 2:
        return; // booleans live in the field header
      case 3:
        this.skip(1);
        return;
      case 4:
      case 5:
      case 6:
        this.varint();
        return;
      case 7:
        this.skip(8);
        return;
      case 8:
        this.skip(this.varint());
        return;
      case 9:
      case 10: {
        const head = this.byte();
        const size = head >> 4 === 15 ? this.varint() : head >> 4;
        const elem = head & 0x0f;
        for (let i = 0; i < size; i++) {
          if (elem === 1 || elem === 2) this.skip(1);
          else this.skipValue(elem, depth + 1);
        }
        return;
      }
      case 11: {
        const size = this.varint();
        if (size === 0) return;
        const kv = this.byte();
        for (let i = 0; i < size; i++) {
          this.skipValue(kv >> 4, depth + 1);
          this.skipValue(kv & 0x0f, depth + 1);
        }
        return;
      }
      case 12:
        this.struct(depth + 1, () => false);
        return;
      default:
        throw new DamagedPageError(`an unknown field type ${t} in a page header`);
    }
  }

  /**
   * Walk a struct; `onField(id, type)` reads the field itself and returns true, or returns false to have it
   * skipped.
   */
  struct(depth: number, onField: (id: number, type: number) => boolean): void {
    let id = 0;
    for (;;) {
      const head = this.byte();
      if (head === 0) return;
      const type = head & 0x0f;
      const delta = head >> 4;
      id = delta === 0 ? this.zigzag() : id + delta;
      if (!onField(id, type)) this.skipValue(type, depth);
    }
  }
}

/** Read the i32 of a field whose type must be i32 (5). */
function int32(c: Cursor, type: number, what: string): number {
  if (type !== 5) throw new DamagedPageError(`page header field ${what} has the wrong type`);
  return c.zigzag();
}

/**
 * Parse one page header from `bytes` (which start at the header).
 *
 * @throws DamagedPageError when the header is not well-formed
 * @returns undefined when `bytes` end before the header does
 * @example
 * parsePageHeader(bytes)?.compressed; // 1024
 */
export function parsePageHeader(bytes: Uint8Array): PageHeaderFacts | undefined {
  const c = new Cursor(bytes);
  const facts: Partial<PageHeaderFacts> = {};
  try {
    c.struct(0, (id, type) => {
      if (id === 1) facts.type = int32(c, type, 'type');
      else if (id === 2) facts.uncompressed = int32(c, type, 'uncompressed_page_size');
      else if (id === 3) facts.compressed = int32(c, type, 'compressed_page_size');
      else if ((id === 5 || id === 7 || id === 8) && type === 12) {
        let levels = 0;
        c.struct(1, (sub, subType) => {
          if (sub === 1) facts.values = int32(c, subType, 'num_values');
          else if (id === 8 && (sub === 2 || sub === 3)) {
            if (int32(c, subType, 'num_nulls/num_rows') < 0) throw new DamagedPageError('a negative count');
          } else if (id === 8 && (sub === 5 || sub === 6)) levels += int32(c, subType, 'level byte length');
          else return false;
          return true;
        });
        if (id === 8) facts.levelBytes = levels;
      } else return false;
      return true;
    });
  } catch (e) {
    if (e instanceof NeedMoreError) return undefined;
    throw e;
  }
  if (facts.type === undefined || facts.uncompressed === undefined || facts.compressed === undefined)
    throw new DamagedPageError('a page header lacks its type or sizes');
  return { ...(facts as PageHeaderFacts), headerBytes: c.pos };
}

/** Random access to the file's bytes. */
export type ReadAt = (position: number, length: number) => Promise<Uint8Array>;

/** Limits the walk checks against. */
export interface PageLimits {
  /** Largest uncompressed size a single page may declare. */
  maxPageBytes: number;
  /** Largest uncompressed total of one column chunk. */
  maxChunkBytes: number;
}

/**
 * Walk the pages of a column chunk `[start, end)` and check every header: sizes non-negative and inside the
 * chunk, level lengths inside the page, declared uncompressed sizes within the limits. Returns the uncompressed
 * total the pages declare.
 *
 * @throws DamagedPageError on the first header that cannot be right, PageLimitError beyond the limits
 * @example
 * await checkColumnChunk(readAt, 4, 120, { maxPageBytes: 1 << 30, maxChunkBytes: 1 << 30 }); // 98
 */
export async function checkColumnChunk(
  readAt: ReadAt,
  start: number,
  end: number,
  limits: PageLimits,
): Promise<number> {
  let offset = start;
  let total = 0;
  let pages = 0;
  while (offset < end) {
    let want = Math.min(256, end - offset);
    let header: PageHeaderFacts | undefined;
    for (;;) {
      header = parsePageHeader(await readAt(offset, want));
      if (header) break;
      if (want >= end - offset || want >= 16 * 1024 * 1024)
        throw new DamagedPageError(`page ${pages + 1}'s header runs past the end of its column chunk`);
      want = Math.min(want * 4, end - offset, 16 * 1024 * 1024);
    }
    const { compressed, uncompressed, values, levelBytes, headerBytes } = header;
    if (compressed < 0 || uncompressed < 0 || (values !== undefined && values < 0))
      throw new DamagedPageError(`page ${pages + 1} declares a negative size or count`);
    if (offset + headerBytes + compressed > end)
      throw new DamagedPageError(`page ${pages + 1} runs past the end of its column chunk`);
    if (levelBytes !== undefined && levelBytes > Math.min(compressed, uncompressed))
      throw new DamagedPageError(`page ${pages + 1} declares more level bytes than it holds`);
    if (uncompressed > limits.maxPageBytes)
      throw new PageLimitError(`page ${pages + 1} declares ${uncompressed} uncompressed bytes, beyond the limit`);
    total += uncompressed;
    if (total > limits.maxChunkBytes)
      throw new PageLimitError(`a column chunk declares more than ${limits.maxChunkBytes} uncompressed bytes`);
    offset += headerBytes + compressed;
    pages++;
  }
  return total;
}
