/**
 * Directory walking for the file source: deterministic order (entries sorted by name), include/exclude globs,
 * `.gitignore`-style ignore files at every level, and link safety.
 *
 * Link policy: with `followLinks: false` (the default) no symbolic link is followed; a link that points outside
 * every root (or nowhere) is reported as a `skipped-link` note, a link inside a root is skipped silently since
 * its target is walked under its own path. With `followLinks: true`, links whose real target lies inside a root
 * are followed (each real file planned once, directory cycles cut); links leaving the roots are still refused.
 * Roots are resolved with `realpath` first, so every planned path is a real path inside a real root.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { openRegularFile, readAt } from '../formats/input.js';
import { checkAbort, errorTag, PROBLEM, type ProblemCode } from '../formats/types.js';

/** Options of {@link walk}. */
export interface WalkOptions {
  /** Real (resolved) roots. */
  roots: readonly string[];
  include?: readonly string[] | undefined;
  exclude?: readonly string[] | undefined;
  /** Ignore-file names honoured in every directory (default `.gitignore`, `.leakguardignore`). */
  ignoreFiles?: readonly string[] | undefined;
  /** Directory names never entered (default `.git`, as git itself never lists it). */
  skipDirs?: readonly string[] | undefined;
  followLinks?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

/** A walked item: a regular file to plan, or a problem on a path. */
export type WalkItem =
  | { kind: 'file'; path: string; root: string; size: number }
  | { kind: 'problem'; path: string; code: ProblemCode; message: string };

/** Largest ignore file read (bigger ones are read up to this size). */
const MAX_IGNORE_FILE = 1024 * 1024;

/**
 * Whether `p` is `root` or inside it.
 *
 * @example
 * isInside('/data', '/data/a/b.csv'); // true
 */
export function isInside(root: string, p: string): boolean {
  if (p === root) return true;
  const rel = relative(root, p);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/** POSIX relative path (globs and ignore rules use `/`). */
function posixRel(root: string, p: string): string {
  const rel = relative(root, p);
  return sep === '/' ? rel : rel.split(sep).join('/');
}

interface IgnoreLevel {
  /** Directory (absolute) whose ignore files these are. */
  dir: string;
  ig: Ignore;
}

/** Load the ignore files of one directory, or undefined when there are none. */
async function loadIgnore(dir: string, names: readonly string[]): Promise<Ignore | undefined> {
  let ig: Ignore | undefined;
  for (const name of names) {
    let opened: Awaited<ReturnType<typeof openRegularFile>> | undefined;
    try {
      opened = await openRegularFile(`${dir}${sep}${name}`);
      const text = (await readAt(opened.handle, 0, Math.min(opened.stats.size, MAX_IGNORE_FILE))).toString('utf8');
      ig ??= ignore();
      ig.add(text);
    } catch {
      // No such file (the usual case), or not a regular file: nothing to honour.
    } finally {
      await opened?.handle.close();
    }
  }
  return ig;
}

/** Whether ignore rules exclude `p` (deepest file with a matching rule decides, as in git). */
function ignoredBy(levels: readonly IgnoreLevel[], p: string, isDir: boolean): boolean {
  for (let k = levels.length - 1; k >= 0; k--) {
    const level = levels[k]!;
    const rel = posixRel(level.dir, p);
    if (rel === '' || rel.startsWith('..')) continue;
    const r = level.ig.test(isDir ? `${rel}/` : rel);
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}

function problemItem(path: string, code: ProblemCode, message: string): WalkItem {
  return { kind: 'problem', path, code, message };
}

/**
 * Walk the roots and yield regular files (sorted, deterministic) and problems.
 *
 * @example
 * for await (const item of walk({ roots: ['/data'] })) if (item.kind === 'file') plan(item.path);
 */
export async function* walk(options: WalkOptions): AsyncGenerator<WalkItem> {
  const ignoreNames = options.ignoreFiles ?? ['.gitignore', '.leakguardignore'];
  const skipDirs = new Set(options.skipDirs ?? ['.git']);
  const matchOptions = { dot: true, basename: true } as const;
  const include = options.include?.length ? picomatch([...options.include], matchOptions) : undefined;
  const exclude = options.exclude?.length ? picomatch([...options.exclude], matchOptions) : undefined;
  const follow = options.followLinks === true;
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  const roots = options.roots;
  const insideAnyRoot = (p: string): boolean => roots.some((r) => isInside(r, p));

  async function* visitFile(path: string, rel: string, root: string, size: number): AsyncGenerator<WalkItem> {
    if (include && !include(rel)) return;
    if (exclude?.(rel)) return;
    if (follow) {
      if (seenFiles.has(path)) return;
      seenFiles.add(path);
    }
    yield { kind: 'file', path, root, size };
  }

  async function* visitDir(dir: string, root: string, levels: IgnoreLevel[]): AsyncGenerator<WalkItem> {
    checkAbort(options.signal);
    if (follow) {
      if (seenDirs.has(dir)) return;
      seenDirs.add(dir);
    }
    let names: string[];
    try {
      names = (await readdir(dir)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    } catch (e) {
      yield problemItem(dir, PROBLEM.unreadable, `Cannot list directory "${dir}": ${errorTag(e)}`);
      return;
    }
    const ig = ignoreNames.length > 0 ? await loadIgnore(dir, ignoreNames) : undefined;
    const here = ig ? [...levels, { dir, ig }] : levels;
    for (const name of names) {
      checkAbort(options.signal);
      const path = `${dir}${sep}${name}`;
      const rel = posixRel(root, path);
      let st: Awaited<ReturnType<typeof lstat>>;
      try {
        st = await lstat(path);
      } catch (e) {
        // Vanished between listing and stat: nothing left to plan.
        if (errorTag(e) !== 'ENOENT')
          yield problemItem(path, PROBLEM.unreadable, `Cannot stat "${path}": ${errorTag(e)}`);
        continue;
      }
      if (st.isDirectory()) {
        if (skipDirs.has(name) || ignoredBy(here, path, true) || exclude?.(rel)) continue;
        yield* visitDir(path, root, here);
        continue;
      }
      if (ignoredBy(here, path, false)) continue;
      if (st.isSymbolicLink()) {
        yield* visitLink(path, rel, root, here);
        continue;
      }
      if (st.isFile()) {
        yield* visitFile(path, rel, root, st.size);
        continue;
      }
      if (include && !include(rel)) continue;
      if (exclude?.(rel)) continue;
      yield problemItem(path, PROBLEM.skippedSpecial, `Skipped "${path}": not a regular file (FIFO, socket or device)`);
    }
  }

  async function* visitLink(path: string, rel: string, root: string, levels: IgnoreLevel[]): AsyncGenerator<WalkItem> {
    if ((include && !include(rel)) || exclude?.(rel)) return;
    let target: string;
    try {
      target = await realpath(path);
    } catch {
      yield problemItem(path, PROBLEM.skippedLink, `Skipped symbolic link "${path}": its target does not exist`);
      return;
    }
    if (!insideAnyRoot(target)) {
      yield problemItem(
        path,
        PROBLEM.skippedLink,
        `Skipped symbolic link "${path}": it points outside the scanned roots`,
      );
      return;
    }
    if (!follow) return;
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(target);
    } catch (e) {
      yield problemItem(path, PROBLEM.unreadable, `Cannot stat the target of "${path}": ${errorTag(e)}`);
      return;
    }
    if (st.isDirectory()) {
      const targetRoot = roots.find((r) => isInside(r, target)) ?? root;
      yield* visitDir(target, targetRoot, levels);
    } else if (st.isFile()) yield* visitFile(target, rel, root, st.size);
    else yield problemItem(path, PROBLEM.skippedSpecial, `Skipped "${path}": its target is not a regular file`);
  }

  for (const root of roots) {
    checkAbort(options.signal);
    let st: Awaited<ReturnType<typeof lstat>>;
    try {
      st = await lstat(root);
    } catch (e) {
      yield problemItem(root, PROBLEM.unreadable, `Cannot read root "${root}": ${errorTag(e)}`);
      continue;
    }
    if (st.isDirectory()) yield* visitDir(root, root, []);
    else if (st.isFile()) yield { kind: 'file', path: root, root, size: st.size };
    else yield problemItem(root, PROBLEM.skippedSpecial, `Skipped root "${root}": not a regular file or directory`);
  }
}

/**
 * Resolve roots to real absolute paths (a root that does not resolve is kept as given, and reported by the walk).
 *
 * @example
 * await resolveRoots(['./data']); // ['/home/me/project/data']
 */
export async function resolveRoots(roots: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const r of roots) {
    const abs = resolve(r);
    try {
      out.push(await realpath(abs));
    } catch {
      out.push(abs);
    }
  }
  return [...new Set(out)];
}
