/**
 * The file source: local paths planned as `file` units (and `file-range` units for big text/CSV/NDJSON files),
 * read through content sniffing and the format readers.
 *
 * Units are deterministic (sorted walk, ids `file:/abs/path` and `file:/abs/path#bytes=S-E`), JSON-serialisable
 * and self-contained, so a queue can ship them to workers. Planning problems (a dangling link, a FIFO, a
 * directory that cannot be listed) become pseudo-units whose read yields that one problem, so they are counted
 * and stored like any other unit result.
 */
import { realpath } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { SourceError } from '../../core/errors.js';
import { readCsv } from '../formats/csv.js';
import { fileInput, openRegularFile } from '../formats/input.js';
import { readNdjson } from '../formats/json.js';
import { flattenBatches, readInput, unreadableError } from '../formats/read.js';
import { readText } from '../formats/text.js';
import type { BatchReadable } from '../formats/types.js';
import {
  baseName,
  checkAbort,
  createReadContext,
  type ReadBatch,
  type ReadItem,
  type ReadLimits,
  resolveLimits,
} from '../formats/types.js';
import type { Source, Unit } from '../source.js';
import { planFile, unitId } from './plan.js';
import { isInside, resolveRoots, walk } from './walk.js';

/** Options of {@link createFileSource}. */
export interface FileSourceOptions {
  /** One root (file or directory). Give `root` or `roots`. */
  root?: string;
  /** Several roots. */
  roots?: readonly string[];
  /** Globs a file's root-relative path must match (any); a pattern without `/` matches the base name. */
  include?: readonly string[];
  /** Globs that exclude files and prune directories (same matching as `include`). */
  exclude?: readonly string[];
  /** Ignore files honoured in every directory, `.gitignore` syntax. Default `.gitignore`, `.leakguardignore`. */
  ignoreFiles?: readonly string[];
  /** Directory names never entered. Default `.git`. */
  skipDirs?: readonly string[];
  /** Follow symbolic links whose target is inside a root. Default false; links leaving the roots never are. */
  followLinks?: boolean;
  /** Split UTF-8 text/CSV/NDJSON files larger than this into `file-range` units. Default 64 MiB; `Infinity` never. */
  rangeBytes?: number;
  /** Reader limits (archive depth, sizes, ratio…), see `DEFAULT_LIMITS`. */
  limits?: Partial<ReadLimits>;
}

/** The file source, with the resolved roots it reads under. */
export interface FileSource extends Source, BatchReadable {
  readonly kind: 'files';
  /** Real absolute roots. Resolved on first planning or read. */
  roots(): Promise<readonly string[]>;
}

/** Default `rangeBytes`: 64 MiB. */
export const DEFAULT_RANGE_BYTES = 64 * 1024 * 1024;

/** Read a string param. */
function str(unit: Unit, key: string): string | undefined {
  const v = unit.params?.[key];
  return typeof v === 'string' ? v : undefined;
}

function num(unit: Unit, key: string): number | undefined {
  const v = unit.params?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A pseudo-unit carrying a planning problem. */
function problemUnit(path: string, code: string, message: string): Unit {
  return { id: unitId(path), kind: 'file', asset: pathToFileURL(path).href, params: { path, problem: code, message } };
}

/**
 * Create a file source.
 *
 * @throws RangeError when `rangeBytes` or a limit is not positive, or no root is given (programmer misuse)
 * @example
 * const source = createFileSource({ root: './data', exclude: ['*.bak'] });
 * for await (const unit of source.units()) for await (const item of source.read(unit)) console.log(item.loc);
 */
export function createFileSource(options: FileSourceOptions): FileSource {
  const given = [...(options.roots ?? []), ...(options.root !== undefined ? [options.root] : [])];
  if (given.length === 0) throw new RangeError('createFileSource: give `root` or `roots`');
  const rangeBytes = options.rangeBytes ?? DEFAULT_RANGE_BYTES;
  if (!(rangeBytes >= 1024)) throw new RangeError('createFileSource: `rangeBytes` must be at least 1024');
  const limits = resolveLimits(options.limits);
  let rootsPromise: Promise<string[]> | undefined;
  const roots = (): Promise<string[]> => {
    rootsPromise ??= resolveRoots(given);
    return rootsPromise;
  };

  async function* units(signal?: AbortSignal): AsyncGenerator<Unit> {
    const real = await roots();
    for await (const item of walk({
      roots: real,
      include: options.include,
      exclude: options.exclude,
      ignoreFiles: options.ignoreFiles,
      skipDirs: options.skipDirs,
      followLinks: options.followLinks,
      signal,
    })) {
      checkAbort(signal);
      if (item.kind === 'problem') {
        yield problemUnit(item.path, item.code, item.message);
        continue;
      }
      let opened: Awaited<ReturnType<typeof openRegularFile>>;
      try {
        opened = await openRegularFile(item.path);
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') continue;
        const err = unreadableError(item.path, e);
        yield problemUnit(item.path, err.code, err.message);
        continue;
      }
      try {
        const planned = await planFile(item.path, opened.handle, opened.stats, {
          rangeBytes,
          maxRecordBytes: limits.maxRecordBytes,
          signal,
        });
        yield* planned;
      } catch (e) {
        checkAbort(signal);
        const err = unreadableError(item.path, e);
        yield problemUnit(item.path, err.code, err.message);
      } finally {
        await opened.handle.close();
      }
    }
  }

  function read(unit: Unit, signal?: AbortSignal): AsyncGenerator<ReadItem> {
    // Nothing comes out after an abort, even items a reader had already batched.
    return flattenBatches(readBatches(unit, signal), signal);
  }

  async function* readBatches(unit: Unit, signal?: AbortSignal): AsyncGenerator<ReadBatch> {
    checkAbort(signal);
    if (unit.kind !== 'file' && unit.kind !== 'file-range')
      throw new TypeError(`FileSource.read: not a file unit (${unit.kind})`);
    const path = str(unit, 'path');
    if (!path || !unit.id.startsWith('file:')) throw new TypeError('FileSource.read: the unit has no file path');
    const real = await roots();
    if (!real.some((r) => isInside(r, path))) {
      throw new SourceError(
        'LG_SOURCE_UNREADABLE',
        `Refused to read "${path}": it is outside the roots of this source`,
        {
          location: { file: path },
        },
      );
    }
    const planned = str(unit, 'problem');
    if (planned !== undefined) {
      yield [{ problem: planned, message: str(unit, 'message') ?? 'Planning problem', loc: {} }];
      return;
    }
    checkAbort(signal);
    // Every directory on the way must still be what was planned: no component swapped for a link since.
    let resolved: string;
    try {
      resolved = await realpath(path);
    } catch (e) {
      throw unreadableError(path, e);
    }
    if (resolved !== path) {
      throw new SourceError(
        'LG_SOURCE_UNREADABLE',
        `Refused to read "${path}": a component of its path is now a symbolic link`,
        {
          location: { file: path },
        },
      );
    }
    let opened: Awaited<ReturnType<typeof openRegularFile>>;
    try {
      opened = await openRegularFile(path);
    } catch (e) {
      throw unreadableError(path, e);
    }
    try {
      const ctx = createReadContext(limits, signal);
      const input = fileInput(baseName(path), opened.handle, opened.stats.size);
      if (unit.kind === 'file') {
        yield* readInput(input, ctx);
        return;
      }
      const fp = unit.fingerprint;
      if (fp && (fp.size !== opened.stats.size || fp.mtimeMs !== opened.stats.mtimeMs)) {
        throw new SourceError(
          'LG_SOURCE_UNREADABLE',
          `Cannot read range of "${path}": the file changed since it was planned; plan again`,
          {
            location: { file: path },
          },
        );
      }
      const start = num(unit, 'start') ?? 0;
      const end = num(unit, 'end') ?? opened.stats.size;
      const line = num(unit, 'line') ?? 1;
      const row = num(unit, 'row') ?? line;
      const format = str(unit, 'format');
      if (format === 'csv') {
        const columnsJson = str(unit, 'columns');
        const columns = columnsJson ? (JSON.parse(columnsJson) as string[]) : null;
        const width = num(unit, 'width');
        yield* readCsv(input, ctx, {
          dialect: { delimiter: str(unit, 'delimiter') ?? ',', header: unit.params?.header === true },
          encoding: 'utf-8',
          start,
          end,
          line,
          row,
          columns: start > 0 ? columns : null,
          ...(width !== undefined ? { width } : {}),
        });
      } else if (format === 'ndjson') {
        yield* readNdjson(input, ctx, 'utf-8', { start, end, line });
      } else {
        yield* readText(input, ctx, { encoding: 'utf-8', range: { start, end, line } });
      }
    } finally {
      await opened.handle.close();
    }
  }

  return {
    kind: 'files',
    roots,
    units,
    read,
    readBatches,
    close: async () => {},
  } satisfies FileSource;
}
