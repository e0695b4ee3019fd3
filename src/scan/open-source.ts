/**
 * Turn a `leakguard scan` argument into a Source: a path (file or directory), a database URL
 * (`postgres://`, `mysql://`, `mariadb://`, `sqlite:path`) or an Elasticsearch URL (`es+http://host:9200/index*`).
 * The catalogued source id never contains a password.
 */
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../core/errors.js';
import { redactUrl } from '../sources/db-url.js';
import { createFileSource } from '../sources/files/index.js';
import type { Source, Unit } from '../sources/source.js';
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
    return { id: redactUrl(spec), source, spec };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec))
    throw new UsageError(`Cannot scan "${redactUrl(spec)}": unsupported URL scheme`);
  const path = resolve(options.cwd, spec);
  const files = createFileSource({
    root: path,
    // Never scan leakguard's own state (the catalog holds keyed hashes and its key file).
    skipDirs: ['.git', '.leakguard'],
    ...(options.include && options.include.length > 0 ? { include: options.include } : {}),
    ...(options.exclude && options.exclude.length > 0 ? { exclude: options.exclude } : {}),
  });
  return { id: pathToFileURL(path).href, source: withEmbeddedDatabases(files, options), spec: path };
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0');

async function isSqliteFile(path: string): Promise<boolean> {
  let fh: import('node:fs/promises').FileHandle | undefined;
  try {
    fh = await open(path, 'r');
    const head = Buffer.alloc(16);
    const { bytesRead } = await fh.read(head, 0, 16, 0);
    return bytesRead === 16 && head.equals(SQLITE_MAGIC);
  } catch {
    return false;
  } finally {
    await fh?.close();
  }
}

/**
 * SQLite database files found while walking a directory are scanned as databases (tables, columns, rows)
 * instead of being skipped as binary: their units come from the SQLite source and are read by it.
 */
function withEmbeddedDatabases(files: Source, options: OpenSourceOptions): Source {
  const dbs = new Map<string, Promise<Source>>();
  const dbFor = (path: string): Promise<Source> => {
    let s = dbs.get(path);
    if (!s) {
      s = import('../sources/db.js').then((db) =>
        db.createDbSource(`sqlite:${path}`, {
          ...(options.full !== undefined ? { full: options.full } : {}),
          ...(options.sampleRows !== undefined ? { sampleRows: options.sampleRows } : {}),
          cwd: options.cwd,
        }),
      );
      dbs.set(path, s);
    }
    return s;
  };
  // Table units name their database file in `params.embeddedDb`, so any process (a worker thread, another
  // machine) can read them without having planned them.
  const pathOfDbUnit = (unit: Unit): string | undefined => {
    const path = unit.params?.embeddedDb;
    return typeof path === 'string' && unit.asset.startsWith(`sqlite:${path}/`) ? path : undefined;
  };
  return {
    kind: files.kind,
    async *units(signal) {
      for await (const u of files.units(signal)) {
        const path = u.params?.path;
        if (u.kind === 'file' && typeof path === 'string' && (await isSqliteFile(path))) {
          const db = await dbFor(path);
          let any = false;
          for await (const du of db.units(signal)) {
            any = true;
            yield { ...du, params: { ...du.params, embeddedDb: path } };
          }
          if (any) continue;
        }
        yield u;
      }
    },
    async *read(unit, signal) {
      const path = unit.asset.startsWith('sqlite:') ? pathOfDbUnit(unit) : undefined;
      if (path !== undefined) yield* (await dbFor(path)).read(unit, signal);
      else yield* files.read(unit, signal);
    },
    async close() {
      for (const s of dbs.values()) await (await s).close();
      await files.close();
    },
  };
}
