/**
 * Apache Parquet: read with `hyparquet` one row group at a time, written with `hyparquet-writer` under the
 * input's own schema (names, physical and logical types, repetition, nesting), row-group boundaries and
 * key-value metadata. Memory is one decoded row group. Column statistics are recomputed from the protected
 * values (the input's min/max, which can hold clear values, are not copied).
 *
 * Values: strings (UTF8 and plain byte arrays holding UTF-8) and numbers (INT32/INT64/FLOAT/DOUBLE, whose text
 * can be a phone or an ID number) get the column's rule or detection; dates and timestamps only a column rule
 * (they are read as raw day/unit counts, so untouched ones keep their exact precision). A protected number or
 * date that no longer fits its column's type becomes null when it is empty (`redact`) or the policy says
 * `onError: redact`; otherwise the run stops with the row and column (use a type-preserving operator such as
 * `fpe` or `generalize`). Booleans and binary data are copied. Nested fields are named like the scanner names
 * them: `address.city`, list items under the list's name.
 */
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { type FileMetaData, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors as decompressors } from 'hyparquet-compressors';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { InputError, PolicyError } from '../../core/errors.js';
import type { ByteInput } from '../../sources/formats/input.js';
import { isPromiseLike } from '../operator.js';
import type { AtomicOutput } from './output.js';
import { type ColumnRef, columnKey, columnRef, located, type ValueLocation, type ValueTransformer } from './values.js';

/** A date or timestamp kept as its raw count, so untouched values are written back exactly. */
class ParquetTime {
  constructor(
    readonly unit: 'days' | 'millis' | 'micros' | 'nanos',
    readonly raw: number | bigint,
  ) {}

  /** ISO 8601 text (`2024-03-01`, `2024-03-01T08:30:00.000Z`). */
  iso(): string {
    const ms =
      this.unit === 'days'
        ? Number(this.raw) * 86_400_000
        : this.unit === 'millis'
          ? Number(this.raw)
          : this.unit === 'micros'
            ? Number(BigInt(this.raw) / 1000n)
            : Number(BigInt(this.raw) / 1_000_000n);
    const s = new Date(ms).toISOString();
    return this.unit === 'days' ? s.slice(0, 10) : s;
  }

  /** The raw count for `text` in this value's unit, or undefined when it is not a date. */
  parse(text: string): number | bigint | undefined {
    const t = text.trim();
    // ISO calendar date, optionally with a time: `2024-03-01`, `2024-03-01T08:30:00Z`. Not `2024` alone or `03/01`.
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9:.]{1,18}(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?$/.test(t)) return undefined;
    const ms = Date.parse(t.length === 10 ? `${t}T00:00:00Z` : t);
    if (Number.isNaN(ms)) return undefined;
    switch (this.unit) {
      case 'days':
        return Math.floor(ms / 86_400_000);
      case 'millis':
        return BigInt(ms);
      case 'micros':
        return BigInt(ms) * 1000n;
      case 'nanos':
        return BigInt(ms) * 1_000_000n;
    }
  }
}

/** Bytes of a string column, decoded only when looked at. */
class ParquetText {
  constructor(readonly bytes: Uint8Array) {}
}

const PARSERS = {
  dateFromDays: (d: number) => new ParquetTime('days', d),
  timestampFromMilliseconds: (v: bigint) => new ParquetTime('millis', v),
  timestampFromMicroseconds: (v: bigint) => new ParquetTime('micros', v),
  timestampFromNanoseconds: (v: bigint) => new ParquetTime('nanos', v),
  stringFromBytes: (b: Uint8Array) => new ParquetText(b),
};

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Options of {@link transformParquet}. */
export interface ParquetTransformOptions {
  /** File name for messages. */
  file: string;
  /** Top-level column whose value is the data subject (`dateshift`). */
  subjectColumn?: string | undefined;
}

/** What {@link transformParquet} reports. */
export interface ParquetResult {
  rows: number;
  rowGroups: number;
  columns: string[];
  /** Values written as null because their protected form did not fit the column type. */
  nulled: number;
}

/** Compressors for the writer, by codec; codecs without one fall back to SNAPPY. */
const WRITE_CODECS = {
  GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)),
  BROTLI: (input: Uint8Array) =>
    new Uint8Array(brotliCompressSync(input, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } })),
};

type Codec = 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'BROTLI';

function codecOf(metadata: FileMetaData): Codec {
  const c = metadata.row_groups[0]?.columns[0]?.meta_data?.codec;
  return c === 'UNCOMPRESSED' || c === 'GZIP' || c === 'BROTLI' ? c : 'SNAPPY';
}

/**
 * Protects (or reveals) a Parquet file into `output`.
 *
 * @throws InputError `LG_INPUT_INVALID` for a damaged file or an unsupported type; PolicyError
 *   `LG_OPERATOR_FAILED` with row and column when an operator fails or its output does not fit the column
 * @example
 * await transformParquet(input, output, values, { file: 'users.parquet' });
 */
export async function transformParquet(
  input: ByteInput,
  output: AtomicOutput,
  values: ValueTransformer,
  options: ParquetTransformOptions,
): Promise<ParquetResult> {
  const { file } = options;
  const random = input.random();
  if (!random) throw new InputError('LG_INPUT_INVALID', `Cannot read Parquet "${file}": it needs random access`);
  const asyncBuffer = {
    byteLength: random.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const b = await random.read(start, (end ?? random.size) - start);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
  };
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(asyncBuffer);
  } catch (e) {
    throw new InputError('LG_INPUT_INVALID', `Cannot read Parquet "${file}": the footer is damaged`, {
      cause: e,
      location: { file },
    });
  }
  const top = parquetSchema(metadata).children.map((c) => c.element.name);
  for (const el of metadata.schema) {
    if (el.type === 'INT96' || el.converted_type === 'INTERVAL' || el.converted_type === 'BSON') {
      throw new InputError(
        'LG_INPUT_INVALID',
        `Cannot rewrite Parquet "${file}": column "${el.name}" has the unsupported type ${el.type === 'INT96' ? 'INT96' : el.converted_type}`,
        { location: { file, field: el.name } },
      );
    }
  }
  const codec = codecOf(metadata);
  const bytes = new ByteWriter(1 << 16) as ByteWriter & { flush: () => Promise<void> };
  bytes.flush = async () => {
    if (bytes.index === 0) return;
    await output.write(new Uint8Array(bytes.buffer, 0, bytes.index).slice());
    bytes.index = 0;
  };
  bytes.finish = () => bytes.flush();
  const writer = new ParquetWriter({
    writer: bytes,
    // hyparquet-writer bundles its own hyparquet; the schema shapes are the same.
    schema: metadata.schema as ConstructorParameters<typeof ParquetWriter>[0]['schema'],
    codec,
    compressors: WRITE_CODECS,
    ...(metadata.key_value_metadata ? { kvMetadata: metadata.key_value_metadata } : {}),
    createdBy: 'hyparquet-writer (leakguard protect)',
  });
  const refs = new Map<string, ColumnRef>();
  const refOf = (field: string): ColumnRef => {
    let r = refs.get(field);
    if (!r) {
      const last = field.includes('.') ? field.slice(field.lastIndexOf('.') + 1) : undefined;
      r = columnRef(field, last ? [last] : [], last ?? field);
      refs.set(field, r);
    }
    return r;
  };
  const subjectKey = options.subjectColumn !== undefined ? columnKey(options.subjectColumn) : undefined;
  const subjectName = subjectKey !== undefined ? top.find((n) => columnKey(n) === subjectKey) : undefined;
  const state = { nulled: 0, row: 0, field: '' };
  const where = (): ValueLocation => ({ file, row: state.row, field: state.field });

  /** Transforms one leaf value; `field` is its name for rules. */
  const leaf = async (v: unknown, field: string, subject: string | undefined): Promise<unknown> => {
    if (v instanceof ParquetText) {
      let text: string;
      try {
        text = utf8.decode(v.bytes);
      } catch {
        return v.bytes; // not UTF-8: binary, copied
      }
      state.field = field;
      const r = values.value(text, refOf(field), subject, where);
      const out = isPromiseLike(r) ? await r : r;
      return out === text ? v.bytes : encoder.encode(out);
    }
    if (typeof v === 'number' || typeof v === 'bigint') {
      if (typeof v === 'number' && !Number.isFinite(v)) return v;
      const text = String(v);
      state.field = field;
      const r = values.value(text, refOf(field), subject, where, true);
      const out = isPromiseLike(r) ? await r : r;
      if (out === text) return v;
      return numberBack(v, out, field);
    }
    if (v instanceof ParquetTime) {
      const ref = refOf(field);
      if (!ref.keys.some((k) => values.isRuled(k))) return v.raw;
      const text = v.iso();
      state.field = field;
      const r = values.value(text, ref, subject, where);
      const out = isPromiseLike(r) ? await r : r;
      if (out === text) return v.raw;
      const back = v.parse(out);
      return back === undefined ? misfit(out, field, 'a date') : back;
    }
    return v;
  };

  const numberBack = (orig: number | bigint, out: string, field: string): unknown => {
    const t = out.trim();
    if (typeof orig === 'bigint') {
      // A whole number: `-12`, `13812345678`. Not `1.5`, `1e3` or digits with separators.
      if (/^-?[0-9]{1,19}$/.test(t)) {
        const b = BigInt(t);
        if (b >= -(2n ** 63n) && b < 2n ** 64n) return b;
      }
      return misfit(out, field, 'a 64-bit integer');
    }
    const n = Number(t);
    if (t.length === 0 || !Number.isFinite(n)) return misfit(out, field, 'a number');
    if (Number.isInteger(orig) && !Number.isInteger(n)) return misfit(out, field, 'an integer');
    return n;
  };

  const misfit = (out: string, field: string, what: string): null => {
    if (out.trim() === '' || values.policy.onError === 'redact') {
      state.nulled++;
      return null;
    }
    throw located(
      new PolicyError(
        'LG_OPERATOR_FAILED',
        `Cannot store the protected value in Parquet column "${field}": it is not ${what} (use an operator that keeps the type, such as fpe, generalize or redact)`,
      ),
      where(),
    );
  };

  const walk = async (v: unknown, field: string, subject: string | undefined, depth: number): Promise<unknown> => {
    if (v === null || v === undefined || depth > 64) return v;
    if (Array.isArray(v)) {
      const out = new Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = await walk(v[i], field, subject, depth + 1);
      return out;
    }
    if (v instanceof ParquetText || v instanceof ParquetTime || typeof v !== 'object') return leaf(v, field, subject);
    if (ArrayBuffer.isView(v) || v instanceof Date) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      out[k] = await walk(x, `${field}.${k}`, subject, depth + 1);
    }
    return out;
  };

  let rowStart = 0;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const group = metadata.row_groups[g] as FileMetaData['row_groups'][number];
    const rowEnd = rowStart + Number(group.num_rows);
    if (rowEnd === rowStart) continue;
    let objects: Record<string, unknown>[];
    try {
      objects = await parquetReadObjects({
        file: asyncBuffer,
        metadata,
        rowStart,
        rowEnd,
        compressors: decompressors,
        parsers: PARSERS,
      });
    } catch (e) {
      throw new InputError(
        'LG_INPUT_INVALID',
        `Cannot read Parquet "${file}": row group ${g + 1} (rows ${rowStart + 1}-${rowEnd}) is damaged`,
        { cause: e, location: { file } },
      );
    }
    const columns: unknown[][] = top.map(() => new Array(objects.length));
    for (let r = 0; r < objects.length; r++) {
      const obj = objects[r] as Record<string, unknown>;
      state.row = rowStart + r + 1;
      let subject: string | undefined;
      let subjectOut: unknown;
      if (subjectName !== undefined) {
        const sv = obj[subjectName];
        subjectOut = await walk(sv, subjectName, undefined, 0);
        subject = subjectText(values.mode === 'protect' ? subjectOut : sv);
      }
      for (let c = 0; c < top.length; c++) {
        const name = top[c] as string;
        (columns[c] as unknown[])[r] = name === subjectName ? subjectOut : await walk(obj[name], name, subject, 0);
      }
    }
    try {
      await writer.write({
        columnData: top.map((name, c) => ({ name, data: columns[c] as unknown[] })),
        rowGroupSize: objects.length,
      });
    } catch (e) {
      throw new PolicyError(
        'LG_OPERATOR_FAILED',
        `Cannot write Parquet row group ${g + 1} of "${file}": a protected value does not fit its column (${errorName(e)})`,
        { cause: e, location: { file } },
      );
    }
    rowStart = rowEnd;
  }
  await writer.finish();
  return { rows: rowStart, rowGroups: metadata.row_groups.length, columns: top, nulled: state.nulled };
}

/** The text of a subject value (string bytes, number, date). */
function subjectText(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (v instanceof ParquetText) return new TextDecoder().decode(v.bytes);
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  if (v instanceof ParquetTime) return String(v.raw);
  return typeof v === 'object' ? undefined : String(v);
}

/** A library error's class name only: its message could quote a value. */
function errorName(e: unknown): string {
  return e instanceof Error && /^[A-Za-z]{1,40}$/.test(e.name) ? e.name : 'error';
}
