/**
 * The Source contract (STYLE: `{ kind, units(signal), read(unit, signal), close() }`).
 *
 * A scan is planned as independent, JSON-serialisable *units* (a file, a byte range of a big file, an archive
 * member, a table primary-key range, an index slice) so a queue can ship them to workers and results can be
 * stored idempotently keyed by unit id. Reading a unit yields *fragments* of text with their location, and
 * *problems* (a malformed row, an invalid UTF-8 sequence, a refused zip bomb) that are reported while the
 * scan goes on.
 */

/** Where a fragment sits. Locations, never values. */
export interface FragmentLocation {
  /** 1-based line of the fragment's first character (text-like formats). */
  line?: number;
  /** 1-based record number (CSV row without header, NDJSON line, XLSX row, DB row ordinal). */
  row?: number;
  /** Column name (CSV header, XLSX header cell, DB column) or JSON path (`$.user.phone`). */
  field?: string;
  /** Primary key of a database row, as text (`id=42`). */
  key?: string;
  /** PDF page (1-based). */
  page?: number;
  /** XLSX sheet name. */
  sheet?: string;
  /** Path inside an archive (`backup.zip!/data/users.csv`). */
  entry?: string;
}

/** A piece of text to run detection on. `structured` fragments are single values (a cell, a JSON string). */
export interface Fragment {
  text: string;
  loc: FragmentLocation;
  /** True when `text` is one value of a column/field (classification counts per field). */
  structured?: boolean;
}

/** A recoverable problem inside a unit: reported, counted, and the read goes on. */
export interface Problem {
  problem: string;
  message: string;
  loc: FragmentLocation;
}

/** A unit of work: stable id, JSON-serialisable. */
export interface Unit {
  /** Stable across runs for the same content location: `file:/abs/path`, `file:/abs/path#bytes=0-1048575`. */
  id: string;
  /** What the unit is. */
  kind: 'file' | 'file-range' | 'table' | 'table-range' | 'index' | 'index-slice';
  /** The asset the unit belongs to (a file path URI, `postgres://host/db/schema.table`, `es+http://host/index`). */
  asset: string;
  /** Size hint in bytes (files) or rows (tables), for progress and planning. */
  size?: number;
  /** Change-detection facts (size, mtime, content hash; row count, max update timestamp). */
  fingerprint?: Record<string, string | number>;
  /** Source-specific parameters (byte range, PK range…). */
  params?: Record<string, string | number | boolean | null>;
}

/** A place to read personal data from. */
export interface Source {
  readonly kind: string;
  /** Plan the units. Errors that prevent planning one part are reported as problems on a pseudo-unit. */
  units(signal?: AbortSignal): AsyncIterable<Unit>;
  /** Read one unit. Throws a `SourceError`-coded LeakguardError when the whole unit cannot be read. */
  read(unit: Unit, signal?: AbortSignal): AsyncIterable<Fragment | Problem>;
  close(): Promise<void>;
}

/** Whether an item from `read` is a problem. */
export function isProblem(x: Fragment | Problem): x is Problem {
  return (x as Problem).problem !== undefined;
}
