/**
 * Row inputs for risk measurement and anonymisation: CSV/TSV files (dialect sniffed, read with the scanner's own
 * tokenizer), Parquet files (`hyparquet`, one row group at a time) and PostgreSQL, MySQL/MariaDB and SQLite tables
 * (the scanner's read-only drivers). Every input can be read more than once (a sample for classification, then
 * the whole of it). A table can also aggregate: `GROUP BY` over the quasi-identifier expressions runs in the
 * database and only the groups travel.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { SourceError, UsageError } from '../core/errors.js';
import { isDbUrl, parseDbUrl, redactUrl } from '../sources/db-url.js';
import { fieldNames, sniffCsvDialect } from '../sources/formats/csv.js';
import { CsvTokenizer } from '../sources/formats/csv-tokenizer.js';
import { MysqlDriver } from '../sources/mysql/mysql-source.js';
import { PostgresDriver } from '../sources/postgres/postgres-source.js';
import { wrapSqlError } from '../sources/sql/errors.js';
import type { SqlConnection, SqlDriver, TableInfo } from '../sources/sql/types.js';
import { SqliteDriver } from '../sources/sqlite/sqlite-source.js';

/** A readable table of text cells. */
export interface RowInput {
  readonly kind: 'csv' | 'parquet' | 'table';
  /** For messages: a path or a redacted URL with the table. */
  readonly display: string;
  readonly columns: readonly string[];
  /** Up to `n` rows from the start. */
  sample(n: number): Promise<string[][]>;
  /** Every row, in batches. Each call reads from the start. */
  rows(): AsyncIterable<string[][]>;
  /** Records skipped as malformed (ragged CSV rows, broken quoting) by the last full read. */
  readonly skipped: number;
  close(): Promise<void>;
}

/** A database table input, which can also aggregate in SQL. */
export interface TableInput extends RowInput {
  readonly kind: 'table';
  readonly dialect: 'postgres' | 'mysql' | 'sqlite';
  /** The text expression of a column (dialect-specific casts). */
  expr(column: string): string;
  quote(identifier: string): string;
  /**
   * Runs `SELECT exprs…, COUNT(*) FROM table GROUP BY … [ORDER BY orderBy…]` and streams `[values…, count]`
   * rows. `orderBy` lists positions in `exprs` (0-based).
   */
  groups(exprs: readonly string[], orderBy?: readonly number[]): AsyncIterable<{ values: string[]; count: number }[]>;
  /** How many groups of `exprs` have each size: `SELECT c, COUNT(*) FROM (SELECT COUNT(*) c … GROUP BY exprs)`. */
  sizeHistogram(exprs: readonly string[]): Promise<Map<number, number>>;
  /** Counts the groups `exprs` would produce, stopping at `limit + 1`. */
  countGroups(exprs: readonly string[], limit: number): Promise<number>;
}

const BATCH = 4096;

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return '';
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? '';
  } catch {
    return '';
  }
}

/** Opens a CSV/TSV file (UTF-8). */
async function openCsv(path: string, header?: boolean, delimiter?: string): Promise<RowInput> {
  const fh = await open(path, 'r');
  const head = Buffer.alloc(64 * 1024);
  let got: number;
  let size: number;
  try {
    got = (await fh.read(head, 0, head.length, 0)).bytesRead;
    size = (await fh.stat()).size;
  } finally {
    await fh.close();
  }
  let h = head.subarray(0, got);
  if (h[0] === 0xef && h[1] === 0xbb && h[2] === 0xbf) h = h.subarray(3);
  const sniffed = sniffCsvDialect(Buffer.from(h), path, got >= size);
  const dialect = {
    delimiter: delimiter ?? sniffed?.delimiter ?? ',',
    header: header ?? sniffed?.header ?? true,
  };
  let columns: string[] = [];
  let skipped = 0;
  // The header (or the width of the first record) from the head.
  {
    const t = new CsvTokenizer({ delimiter: dialect.delimiter.charCodeAt(0), maxRecordBytes: 1 << 24 });
    const events = [...t.push(h), ...(got >= size ? t.end() : [])];
    const first = events.find((e) => e.kind === 'record');
    if (first?.kind !== 'record') {
      throw new SourceError('LG_FORMAT_CORRUPT', `Cannot read "${path}": no CSV record in the first 64 KiB`, {
        location: { file: path },
      });
    }
    columns = dialect.header ? fieldNames(first.fields) : first.fields.map((_, i) => `column ${i + 1}`);
  }
  async function* rows(limit = Number.POSITIVE_INFINITY): AsyncGenerator<string[][]> {
    const t = new CsvTokenizer({ delimiter: dialect.delimiter.charCodeAt(0), maxRecordBytes: 1 << 24 });
    let needHeader = dialect.header;
    let seen = 0;
    let batch: string[][] = [];
    let bad = 0;
    let first = true;
    const stream = createReadStream(path, { highWaterMark: 1 << 20 });
    try {
      const take = (events: ReturnType<CsvTokenizer['push']>): boolean => {
        for (const e of events) {
          if (e.kind === 'malformed') {
            bad++;
            continue;
          }
          if (needHeader) {
            needHeader = false;
            continue;
          }
          if (e.fields.length !== columns.length) {
            bad++;
            continue;
          }
          batch.push(e.fields);
          if (++seen >= limit) return true;
        }
        return false;
      };
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        let c = chunk;
        if (first) {
          first = false;
          if (c[0] === 0xef && c[1] === 0xbb && c[2] === 0xbf) c = c.subarray(3);
        }
        if (take(t.push(c))) {
          yield batch;
          return;
        }
        if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
      }
      take(t.end());
      if (batch.length > 0) yield batch;
      skipped = bad;
    } finally {
      stream.destroy();
    }
  }
  return {
    kind: 'csv',
    display: path,
    columns,
    async sample(n) {
      const out: string[][] = [];
      for await (const b of rows(n)) out.push(...b);
      return out.slice(0, n);
    },
    rows: () => rows(),
    get skipped() {
      return skipped;
    },
    async close() {},
  };
}

/** Opens a Parquet file. */
async function openParquet(path: string): Promise<RowInput> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  const file = await asyncBufferFromFile(path);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (e) {
    throw new SourceError('LG_FORMAT_CORRUPT', `Cannot read Parquet "${path}": the footer is damaged`, {
      cause: e,
      location: { file: path },
    });
  }
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  async function* rows(limit = Number.POSITIVE_INFINITY): AsyncGenerator<string[][]> {
    let rowStart = 0;
    let seen = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      for (let s = rowStart; s < rowEnd; s += 65_536) {
        const e = Math.min(rowEnd, s + 65_536, s + (limit - seen));
        let objects: Record<string, unknown>[];
        try {
          objects = await parquetReadObjects({ file, metadata, rowStart: s, rowEnd: e, compressors });
        } catch (err) {
          throw new SourceError('LG_FORMAT_CORRUPT', `Cannot read Parquet "${path}": rows ${s + 1}-${e} are damaged`, {
            cause: err,
            location: { file: path, line: s + 1 },
          });
        }
        const batch = objects.map((o) => columns.map((c) => text(o[c])));
        seen += batch.length;
        yield batch;
        if (seen >= limit) return;
      }
      rowStart = rowEnd;
    }
  }
  return {
    kind: 'parquet',
    display: path,
    columns,
    async sample(n) {
      const out: string[][] = [];
      for await (const b of rows(n)) out.push(...b);
      return out.slice(0, n);
    },
    rows: () => rows(),
    skipped: 0,
    async close() {},
  };
}

/** Whether a file is Parquet (magic `PAR1` at both ends). */
async function isParquet(path: string): Promise<boolean> {
  const st = await stat(path);
  if (st.size < 12) return false;
  const fh = await open(path, 'r');
  try {
    const a = Buffer.alloc(4);
    const b = Buffer.alloc(4);
    await fh.read(a, 0, 4, 0);
    await fh.read(b, 0, 4, st.size - 4);
    return a.toString('latin1') === 'PAR1' && b.toString('latin1') === 'PAR1';
  } finally {
    await fh.close();
  }
}

/**
 * No statement timeout on PostgreSQL/MySQL (0 disables it there: a GROUP BY over a large table takes what it takes);
 * SQLite's driver counts its timeout from each statement's start, so it gets a generous finite one.
 */
const CONNECT = { statementTimeoutMs: 0, connectTimeoutMs: 15_000, applicationName: 'leakguard-risk' };
const SQLITE_TIMEOUT_MS = 6 * 3600_000;

/** Opens a database table. */
async function openTable(
  url: string,
  table: string,
  options: { env?: Readonly<Record<string, string | undefined>>; cwd?: string },
): Promise<TableInput> {
  const spec = parseDbUrl(url, options);
  if (spec.kind === 'elasticsearch') {
    throw new UsageError(
      `Cannot measure "${redactUrl(url)}": risk works on PostgreSQL, MySQL/MariaDB and SQLite tables`,
    );
  }
  const driver: SqlDriver =
    spec.kind === 'sqlite'
      ? new SqliteDriver(spec.path)
      : spec.kind === 'postgres'
        ? new PostgresDriver(spec)
        : new MysqlDriver(spec);
  let conn: SqlConnection;
  try {
    conn = await driver.connect(
      spec.kind === 'sqlite' ? { ...CONNECT, statementTimeoutMs: SQLITE_TIMEOUT_MS } : CONNECT,
    );
  } catch (e) {
    throw wrapSqlError(driver, e, { source: spec.display, action: 'connect' });
  }
  const d = driver.dialect;
  try {
    const dot = table.lastIndexOf('.');
    let schema: string | undefined;
    let name = table;
    if (dot > 0 && d.name !== 'sqlite') {
      schema = table.slice(0, dot);
      name = table.slice(dot + 1);
    } else if (d.name === 'postgres') {
      const r = await conn.query('SELECT current_schema()');
      schema = r[0]?.[0] == null ? 'public' : String(r[0][0]);
    } else if (d.name === 'mysql') schema = spec.kind === 'mysql' ? spec.database : undefined;
    if (d.name === 'mysql' && !schema) throw new UsageError(`Name the database in the URL or as "db.${table}"`);
    let tables: TableInfo[];
    try {
      tables = await driver.introspect(conn, d.name === 'sqlite' || !schema ? undefined : [schema]);
    } catch (e) {
      throw wrapSqlError(driver, e, { source: spec.display, action: 'list' });
    }
    const info =
      tables.find((t) => t.name === name) ??
      (() => {
        const loose = tables.filter((t) => t.name.toLowerCase() === name.toLowerCase());
        return loose.length === 1 ? loose[0] : undefined;
      })();
    if (!info) {
      throw new SourceError(
        'LG_SOURCE_UNREADABLE',
        `Cannot read table "${table}" of "${spec.display}": table does not exist`,
        {
          location: { field: table },
        },
      );
    }
    const from = d.name === 'sqlite' ? d.quote(info.name) : `${d.quote(info.schema)}.${d.quote(info.name)}`;
    const columns = info.columns.map((c) => c.name);
    const exprs = new Map(info.columns.map((c) => [c.name, c.expr]));
    const display = `${spec.display} ${table}`;
    const wrap = (e: unknown) => wrapSqlError(driver, e, { source: spec.display, action: 'read', table: info.name });
    async function* stream(sql: string): AsyncGenerator<unknown[][]> {
      await conn.begin();
      try {
        for await (const batch of conn.stream(sql, [], BATCH)) yield batch as unknown[][];
        await conn.commit();
      } catch (e) {
        await conn.rollback().catch(() => undefined);
        throw wrap(e);
      }
    }
    const select = info.columns.map((c) => c.expr).join(', ');
    return {
      kind: 'table',
      dialect: d.name,
      display,
      columns,
      skipped: 0,
      expr: (c) => exprs.get(c) ?? d.quote(c),
      quote: (i) => d.quote(i),
      async sample(n) {
        try {
          const rows = await conn.query(`SELECT ${select} FROM ${from} LIMIT ${Math.floor(n)}`);
          return rows.map((r) => r.map(text));
        } catch (e) {
          throw wrap(e);
        }
      },
      async *rows() {
        for await (const b of stream(`SELECT ${select} FROM ${from}`)) yield b.map((r) => r.map(text));
      },
      async *groups(list, orderBy) {
        const cols = list.map((e, i) => `${e} AS g${i}`).join(', ');
        const by = list.map((_, i) => String(i + 1)).join(', ');
        const order = orderBy?.length ? ` ORDER BY ${orderBy.map((i) => String(i + 1)).join(', ')}` : '';
        const sql = `SELECT ${cols}${list.length ? ', ' : ''}COUNT(*) FROM ${from}${list.length ? ` GROUP BY ${by}${order}` : ''}`;
        for await (const b of stream(sql)) {
          yield b.map((r) => ({ values: r.slice(0, list.length).map(text), count: Number(r[list.length]) }));
        }
      },
      async countGroups(list, limit) {
        if (list.length === 0) return 1;
        const by = list.map((_, i) => String(i + 1)).join(', ');
        const cols = list.map((e, i) => `${e} AS g${i}`).join(', ');
        try {
          const r = await conn.query(
            `SELECT COUNT(*) FROM (SELECT ${cols} FROM ${from} GROUP BY ${by} LIMIT ${limit + 1}) AS x`,
          );
          return Number(r[0]?.[0] ?? 0);
        } catch (e) {
          throw wrap(e);
        }
      },
      async sizeHistogram(list) {
        const cols = list.map((e, i) => `${e} AS g${i}`).join(', ');
        const by = list.map((_, i) => String(i + 1)).join(', ');
        const inner = list.length
          ? `SELECT ${cols}, COUNT(*) AS c FROM ${from} GROUP BY ${by}`
          : `SELECT COUNT(*) AS c FROM ${from}`;
        const out = new Map<number, number>();
        for await (const b of stream(`SELECT c, COUNT(*) FROM (${inner}) AS x GROUP BY c`)) {
          for (const r of b) {
            const size = Number(r[0]);
            if (size > 0) out.set(size, (out.get(size) ?? 0) + Number(r[1]));
          }
        }
        return out;
      },
      async close() {
        await conn.close().catch(() => conn.destroy());
        await driver.close?.();
      },
    };
  } catch (e) {
    await conn.close().catch(() => conn.destroy());
    throw e;
  }
}

/** Options of {@link openRowInput}. */
export interface OpenInputOptions {
  table?: string | undefined;
  header?: boolean | undefined;
  delimiter?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

/**
 * Opens a file (CSV/TSV or Parquet, by content) or a database table (`url` plus `table`).
 *
 * @throws UsageError `LG_USAGE` for a database URL without a table; SourceError for unreadable inputs
 * @example
 * const input = await openRowInput('people.csv');
 */
export async function openRowInput(target: string, options: OpenInputOptions = {}): Promise<RowInput> {
  if (isDbUrl(target)) {
    if (!options.table) throw new UsageError(`Name the table to read from "${redactUrl(target)}" with --table`);
    return openTable(target, options.table, options);
  }
  if (options.table) throw new UsageError('--table applies to database URLs only');
  try {
    const st = await stat(target);
    if (!st.isFile()) throw new Error('not a regular file');
  } catch (e) {
    throw new SourceError('LG_SOURCE_UNREADABLE', `Cannot read "${target}": not a readable file`, {
      cause: e,
      location: { file: target },
    });
  }
  return (await isParquet(target)) ? openParquet(target) : openCsv(target, options.header, options.delimiter);
}

/**
 * An in-memory table (tests, library callers holding rows already).
 *
 * @example
 * const input = memoryInput(['age', 'sex'], [['31', 'M'], ['33', 'M']]);
 */
export function memoryInput(
  columns: readonly string[],
  data: readonly (readonly string[])[],
  display = 'memory',
): RowInput {
  const copy = data.map((r) => [...r]);
  return {
    kind: 'csv',
    display,
    columns,
    async sample(n) {
      return copy.slice(0, n);
    },
    async *rows() {
      for (let i = 0; i < copy.length; i += BATCH) yield copy.slice(i, i + BATCH);
    },
    skipped: 0,
    async close() {},
  };
}
