/**
 * Writers for anonymised rows: CSV (RFC 4180, quoting only where needed, UTF-8) and Parquet (every column an
 * optional UTF-8 string, since generalised values are text: `1990-1999`, `30-39`, `*`). Both write to a temporary
 * file renamed at the end (`openAtomicOutput`): nothing half-written is left where the output should be.
 */
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { type AtomicOutput, openAtomicOutput } from '../protect/files/output.js';

/** A sink for rows of text cells. */
export interface RowWriter {
  write(rows: readonly (readonly string[])[]): Promise<void>;
  /** Finishes and moves the file into place. */
  commit(): Promise<void>;
  /** Removes the temporary file. */
  abort(): Promise<void>;
}

/** A cell as CSV: quoted when it holds the delimiter, a quote, a line break or edge spaces. */
export function csvCell(v: string, delimiter = ','): string {
  if (v === '') return v;
  const needs =
    v.includes(delimiter) ||
    v.includes('"') ||
    v.includes('\n') ||
    v.includes('\r') ||
    v.charCodeAt(0) === 32 ||
    v.charCodeAt(v.length - 1) === 32;
  return needs ? `"${v.replace(/"/g, '""')}"` : v;
}

async function csvWriter(out: AtomicOutput, columns: readonly string[]): Promise<RowWriter> {
  const enc = new TextEncoder();
  await out.write(enc.encode(`${columns.map((c) => csvCell(c)).join(',')}\n`));
  return {
    async write(rows) {
      if (rows.length === 0) return;
      let s = '';
      for (const r of rows) {
        for (let i = 0; i < r.length; i++) s += i === 0 ? csvCell(r[i]!) : `,${csvCell(r[i]!)}`;
        s += '\n';
      }
      await out.write(enc.encode(s));
    },
    commit: () => out.commit(),
    abort: () => out.abort(),
  };
}

const ROW_GROUP = 100_000;

function parquetWriter(out: AtomicOutput, columns: readonly string[]): RowWriter {
  const bytes = new ByteWriter() as ByteWriter & { flush: () => Promise<void> };
  const schema = [
    { name: 'root', num_children: columns.length },
    ...columns.map((name) => ({
      name,
      type: 'BYTE_ARRAY' as const,
      converted_type: 'UTF8' as const,
      repetition_type: 'OPTIONAL' as const,
    })),
  ];
  const writer = new ParquetWriter({
    writer: bytes,
    schema: schema as ConstructorParameters<typeof ParquetWriter>[0]['schema'],
    codec: 'SNAPPY',
    createdBy: 'hyparquet-writer (leakguard risk)',
  });
  let pending: (readonly string[])[] = [];
  const drain = async (): Promise<void> => {
    if (bytes.index === 0) return;
    await out.write(new Uint8Array(bytes.buffer, 0, bytes.index).slice());
    bytes.index = 0;
  };
  const flushGroup = async (): Promise<void> => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    writer.write({
      columnData: columns.map((name, c) => ({ name, data: rows.map((r) => r[c] ?? null) })),
      rowGroupSize: rows.length,
    });
    await drain();
  };
  return {
    async write(rows) {
      for (const r of rows) {
        pending.push(r);
        if (pending.length >= ROW_GROUP) await flushGroup();
      }
    },
    async commit() {
      await flushGroup();
      writer.finish();
      await drain();
      await out.commit();
    },
    abort: () => out.abort(),
  };
}

/** Output formats. */
export type OutputFormat = 'csv' | 'parquet';

/** The format a file name implies: `.parquet` / `.pq` is Parquet, anything else CSV. */
export function formatOf(path: string): OutputFormat {
  return /\.(parquet|pq)$/i.test(path) ? 'parquet' : 'csv';
}

/**
 * Opens a writer for `path`.
 *
 * @throws UsageError `LG_USAGE` when the file exists (without `overwrite`) or its directory does not
 * @example
 * const w = await openRowWriter('out.csv', ['age', 'sex']); await w.write([['30-39', '女']]); await w.commit();
 */
export async function openRowWriter(
  path: string,
  columns: readonly string[],
  options: { format?: OutputFormat | undefined; overwrite?: boolean | undefined } = {},
): Promise<RowWriter> {
  const out = await openAtomicOutput(path, { overwrite: options.overwrite ?? false });
  try {
    return (options.format ?? formatOf(path)) === 'parquet'
      ? parquetWriter(out, columns)
      : await csvWriter(out, columns);
  } catch (e) {
    await out.abort();
    throw e;
  }
}
