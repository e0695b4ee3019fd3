/**
 * One factory for every database and search-index source: `postgres://`, `postgresql://`, `mysql://`,
 * `mariadb://`, `sqlite:path`, `es+http://`, `es+https://`.
 *
 * Drivers load only when their source is created (`pg`, `mysql2`, `better-sqlite3`), and no connection is made
 * until `units()` or `read()` runs, so building a source for a job queue costs nothing. Unit ids and assets never
 * hold credentials: a worker that receives a unit builds its own source from a URL without a password plus its
 * own environment (`?passwordEnv=NAME`, `PGPASSWORD`, `MYSQL_PWD`, `LEAKGUARD_ES_API_KEY`…) and reads it.
 */
import { type DbConnectionSpec, parseDbUrl } from './db-url.js';
import { createElasticsearchSource, type ElasticsearchSource } from './elasticsearch/es-source.js';
import { createMysqlSource } from './mysql/mysql-source.js';
import { createPostgresSource } from './postgres/postgres-source.js';
import type { SqlSource, SqlSourceOptions } from './sql/sql-source.js';
import { createSqliteSource } from './sqlite/sqlite-source.js';

/** Options of {@link createDbSource} (each applies where it makes sense; URL options are overridden by these). */
export interface DbSourceOptions {
  /** Read every row/document (key ranges, PIT or scroll slices) instead of a sample. */
  full?: boolean;
  /** Rows (documents) sampled per table (index) (default 1000). */
  sampleRows?: number;
  /** Rows per `table-range` unit (default 50,000), documents per `index-slice` unit (default 100,000). */
  rangeRows?: number;
  /** Rows or documents fetched per statement or page. */
  batchRows?: number;
  /** Statement timeout (databases) or request timeout (Elasticsearch) (default 30,000 ms). */
  statementTimeoutMs?: number;
  /** Table or index name patterns (`users`, `public.user*`, `logs-*`). */
  tables?: readonly string[];
  /** Retries after a dropped connection or a failed request (default 3). */
  retries?: number;
  /** Mixed into sampling seeds: change it to draw a different sample (default 0). */
  sampleSeed?: number;
  /** Directory relative `sqlite:` paths resolve against (default `process.cwd()`). */
  cwd?: string;
  /** Environment for `?passwordEnv=` and the standard credential variables (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Create the source a URL names. Connects lazily.
 *
 * @throws {UsageError} `LG_USAGE` when the URL is not a database or index URL, or has a bad option.
 * @example
 * const source = await createDbSource('postgres://scanner@db.internal/shop?schema=public', { sampleRows: 500 });
 * for await (const unit of source.units()) for await (const item of source.read(unit)) console.log(item);
 */
export async function createDbSource(
  url: string,
  options: DbSourceOptions = {},
): Promise<SqlSource | ElasticsearchSource> {
  const cwd = options.cwd ?? process.cwd();
  const spec: DbConnectionSpec = parseDbUrl(url, { cwd, ...(options.env ? { env: options.env } : {}) });
  const common = {
    ...(options.full !== undefined ? { full: options.full } : {}),
    ...(options.sampleRows !== undefined ? { sampleRows: options.sampleRows } : {}),
    ...(options.rangeRows !== undefined ? { rangeRows: options.rangeRows } : {}),
    ...(options.batchRows !== undefined ? { batchRows: options.batchRows } : {}),
    ...(options.statementTimeoutMs !== undefined ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
    ...(options.tables !== undefined ? { tables: options.tables } : {}),
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    ...(options.sampleSeed !== undefined ? { sampleSeed: options.sampleSeed } : {}),
  } satisfies SqlSourceOptions;
  switch (spec.kind) {
    case 'postgres':
      return createPostgresSource(spec, common);
    case 'mysql':
      return createMysqlSource(spec, common);
    case 'sqlite':
      return createSqliteSource(spec, common);
    case 'elasticsearch':
      return createElasticsearchSource(spec, common);
  }
}
