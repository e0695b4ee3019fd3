/**
 * Shared plumbing of the benchmark scripts: loading the built package and reading numeric flags.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The built package (`dist/`, or `LEAKGUARD_DIST`), one module at a time: `await load('detect/index.js')`. */
export const DIST = path.resolve(process.env.LEAKGUARD_DIST ?? path.join(HERE, '..', 'dist'));
export const load = (p) => import(pathToFileURL(path.join(DIST, p)).href);

/**
 * `--name N` from `args` (default `dflt`); exits with status 2 and a clear message unless N is positive (and
 * whole, with `integer`).
 */
export function numArg(args, name, dflt, { integer = false } = {}) {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const n = Number(args[i + 1]);
  if (!(n > 0) || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    process.stderr.write(
      `${path.basename(process.argv[1] ?? 'bench')}: ${name} expects a positive ${integer ? 'integer' : 'number'}\n`,
    );
    process.exit(2);
  }
  return n;
}
