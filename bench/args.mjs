/**
 * Shared plumbing of the benchmark scripts: loading the built package, flags and `--help`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

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

/**
 * Parse a benchmark script's flags with `node:util` parseArgs (plus `-h/--help`). `--help` prints the script's
 * "Usage:" block from its header comment and exits 0. Returns the values and `positive(name)`, which reads a
 * flag as a positive number or exits with status 2 and a clear message.
 *
 * @example
 * const { opts, positive } = benchArgs(import.meta.url, { mb: { type: 'string', default: '100' } });
 */
export function benchArgs(scriptUrl, options) {
  const file = fileURLToPath(scriptUrl);
  let opts;
  try {
    ({ values: opts } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h', default: false } } }));
  } catch (e) {
    process.stderr.write(`${path.basename(file)}: ${e.message.split('\n')[0]} (--help lists the options)\n`);
    process.exit(2);
  }
  if (opts.help) {
    const src = fs.readFileSync(file, 'utf8');
    process.stdout.write(`${src.slice(src.indexOf('Usage:'), src.indexOf('*/')).replace(/^ \* ?/gm, '')}`);
    process.exit(0);
  }
  const positive = (name) => {
    const n = Number(opts[name]);
    if (!(n > 0) || !Number.isFinite(n)) {
      process.stderr.write(`${path.basename(file)}: --${name} expects a positive number\n`);
      process.exit(2);
    }
    return n;
  };
  return { opts, positive };
}
