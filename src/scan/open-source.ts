/**
 * Turn a `leakguard scan` argument into a Source: a path (file or directory), a database URL
 * (`postgres://`, `mysql://`, `mariadb://`, `sqlite:path`) or an Elasticsearch URL (`es+http://host:9200/index*`).
 * The catalogued source id never contains a password.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../core/errors.js';
import { redactUrl } from '../sources/db-url.js';
import { createFileSource } from '../sources/files/index.js';
import type { ScanSource } from './scan.js';

export interface OpenSourceOptions {
  cwd: string;
  include?: readonly string[];
  exclude?: readonly string[];
  /** Read every row / document instead of a sample. */
  full?: boolean;
  /** Rows sampled per table (databases). */
  sampleRows?: number;
}

const DB_URL = /^(postgres(ql)?|mysql|mariadb|es\+https?):\/\//i;

/** Whether `spec` names a database or search index rather than a path. */
export function isDatabaseSpec(spec: string): boolean {
  return DB_URL.test(spec) || /^sqlite:/i.test(spec);
}

/**
 * Open one scan source.
 *
 * @throws UsageError for an unsupported URL scheme
 * @example
 * const s = await openScanSource('./data', { cwd: process.cwd() });
 */
export async function openScanSource(spec: string, options: OpenSourceOptions): Promise<ScanSource> {
  if (isDatabaseSpec(spec)) {
    const db = await import('../sources/db.js').catch(() => null);
    if (!db) throw new UsageError(`Cannot scan "${redactUrl(spec)}": database sources are not available in this build`);
    const source = await db.createDbSource(spec, {
      ...(options.full !== undefined ? { full: options.full } : {}),
      ...(options.sampleRows !== undefined ? { sampleRows: options.sampleRows } : {}),
      cwd: options.cwd,
    });
    return { id: redactUrl(spec), source };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec))
    throw new UsageError(`Cannot scan "${redactUrl(spec)}": unsupported URL scheme`);
  const path = resolve(options.cwd, spec);
  const source = createFileSource({
    root: path,
    // Never scan leakguard's own state (the catalog holds keyed hashes and its key file).
    skipDirs: ['.git', '.leakguard'],
    ...(options.include && options.include.length > 0 ? { include: options.include } : {}),
    ...(options.exclude && options.exclude.length > 0 ? { exclude: options.exclude } : {}),
  });
  return { id: pathToFileURL(path).href, source };
}
