/**
 * Where a worker thread's script is: next to the module that starts it, or — when that module runs from the
 * TypeScript sources (the test runner) — the build's copy under `dist/`.
 */
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The compiled worker script `file` beside the module at `base` (its `import.meta.url`).
 *
 * @throws Error when neither the script nor its built copy exists (run `npm run build`)
 * @example
 * new Worker(workerScript('./scan-worker.js', import.meta.url));
 */
export function workerScript(file: string, base: string): URL {
  const here = new URL(file, base);
  const path = fileURLToPath(here);
  if (existsSync(path)) return here;
  const at = path.lastIndexOf(`${sep}src${sep}`);
  if (at >= 0) {
    const built = `${path.slice(0, at)}${sep}dist${sep}${path.slice(at + 5)}`;
    if (existsSync(built)) return pathToFileURL(built);
  }
  throw new Error(`The worker script ${file.replace(/^\.\//, '')} is missing: run \`npm run build\``);
}
