import fc from 'fast-check';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { collect } from './__fixtures__/build.js';
import { checkColumnChunk, DamagedPageError, PageLimitError, parsePageHeader } from './parquet-pages.js';
import { readBytesFragments } from './read.js';

/** Compact-protocol zigzag varint of a 32-bit integer. */
function zigzag(n: number): number[] {
  let u = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (u >= 0x80) {
    out.push((u % 128) | 0x80);
    u = Math.floor(u / 128);
  }
  out.push(u);
  return out;
}

/** A struct of i32 fields (ids ascending, each delta < 16), optionally with a nested struct field. */
function struct(fields: [number, number | number[]][]): number[] {
  const out: number[] = [];
  let last = 0;
  for (const [id, value] of fields) {
    if (Array.isArray(value)) out.push(((id - last) << 4) | 12, ...value);
    else out.push(((id - last) << 4) | 5, ...zigzag(value));
    last = id;
  }
  out.push(0);
  return out;
}

/** A data page v1 header with `values` values. */
function pageV1(uncompressed: number, compressed: number, values = 3): Uint8Array {
  return Uint8Array.from(
    struct([
      [1, 0],
      [2, uncompressed],
      [3, compressed],
      [5, struct([[1, values]])],
    ]),
  );
}

/** A chunk of pages, each header followed by `compressed` filler bytes. */
function chunk(pages: Uint8Array[], bodies: number[]): Uint8Array {
  const parts: number[] = [];
  pages.forEach((p, i) => {
    parts.push(...p, ...new Array<number>(bodies[i] ?? 0).fill(0));
  });
  return Uint8Array.from(parts);
}

const readFrom =
  (bytes: Uint8Array) =>
  async (position: number, length: number): Promise<Uint8Array> =>
    bytes.subarray(position, position + length);

const limits = { maxPageBytes: 1 << 20, maxChunkBytes: 4 << 20 };

describe('parsePageHeader', () => {
  it('reads the type, sizes and value count of a v1 data page header', () => {
    const h = pageV1(100, 40, 7);
    expect(parsePageHeader(h)).toEqual({
      type: 0,
      uncompressed: 100,
      compressed: 40,
      values: 7,
      headerBytes: h.length,
    });
  });

  it('reads the level byte lengths of a v2 header and skips fields it does not need', () => {
    const v2 = struct([
      [1, 5],
      [2, 0],
      [3, 5],
      [4, 0],
      [5, 3],
      [6, 2],
    ]);
    const h = Uint8Array.from(
      struct([
        [1, 3],
        [2, 50],
        [3, 30],
        [4, 1234],
        [8, v2],
      ]),
    );
    expect(parsePageHeader(h)).toMatchObject({ type: 3, compressed: 30, values: 5, levelBytes: 5 });
  });

  it('returns undefined when the bytes end inside the header, so the caller reads more', () => {
    const h = pageV1(100, 40);
    expect(parsePageHeader(h.subarray(0, h.length - 2))).toBeUndefined();
  });

  it('throws DamagedPageError, and nothing else, on any bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parsePageHeader(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(DamagedPageError);
        }
      }),
    );
  });
});

describe('checkColumnChunk', () => {
  it('accepts well-formed pages and returns their uncompressed total', async () => {
    const c = chunk([pageV1(100, 40), pageV1(60, 20)], [40, 20]);
    await expect(checkColumnChunk(readFrom(c), 0, c.length, limits)).resolves.toBe(160);
  });

  it('rejects a negative compressed size (the decoder would loop forever on it)', async () => {
    const c = chunk([pageV1(100, -5)], [0]);
    await expect(checkColumnChunk(readFrom(c), 0, c.length + 10, limits)).rejects.toThrow(DamagedPageError);
  });

  it('rejects a page that runs past its column chunk', async () => {
    const c = chunk([pageV1(100, 40)], [10]);
    await expect(checkColumnChunk(readFrom(c), 0, c.length, limits)).rejects.toThrow(/past the end/);
  });

  it('refuses a page declaring more uncompressed bytes than the limit, as a limit and not as damage', async () => {
    const c = chunk([pageV1(2 << 20, 10)], [10]);
    await expect(checkColumnChunk(readFrom(c), 0, c.length, limits)).rejects.toThrow(PageLimitError);
  });

  it('reads a header longer than its first read (large statistics) by reading more', async () => {
    // field 5 (data page header) holds field 1 (num_values) then field 5 (statistics) whose field 1 is binary.
    const statistics = [0x18, 0xac, 0x02, ...new Array<number>(300).fill(0x61), 0];
    const dph = [0x15, ...zigzag(3), 0x4c, ...statistics, 0];
    const h = Uint8Array.from([0x15, 0, 0x15, ...zigzag(10), 0x15, ...zigzag(4), 0x2c, ...dph, 0]);
    const c = chunk([h], [4]);
    await expect(checkColumnChunk(readFrom(c), 0, c.length, limits)).resolves.toBe(10);
  });

  it('accepts every page of files written by hyparquet-writer, with and without dictionaries', async () => {
    for (const data of [['a', 'b', 'a', 'c'], Array.from({ length: 5000 }, (_, i) => `value-${i % 97}`)]) {
      const file = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'c', data, type: 'STRING' }] }));
      const { fragments, problems } = await collect(readBytesFragments(file, 'ok.parquet'));
      expect(problems).toEqual([]);
      expect(fragments).toHaveLength(data.length);
    }
  });
});

describe('readBytesFragments on damaged Parquet', () => {
  it('reports a page header with a field of the wrong type as damage instead of hanging', async () => {
    // Found by the fuzz test: the damaged header made hyparquet's page loop run forever.
    const hex =
      '504152311506152215265c150615000306150015041500000003070f3801000000780100000079010000007a1504192c4804726f6f74150200150c25021801632500001606191c191c26081c150c1915001918016315021606164c165026083c360028017a18017800191c150615001502000000164c16063650002809687970617271756574191c1c0000006000000050415231';
    const { fragments, problems } = await collect(readBytesFragments(Buffer.from(hex, 'hex'), 'a.parquet'));
    expect(fragments).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ problem: 'LG_FORMAT_CORRUPT', loc: { row: 1 } })]);
    expect(problems[0]?.message).toMatch(/row group 1 \(rows 1-3\)/);
  });
});
