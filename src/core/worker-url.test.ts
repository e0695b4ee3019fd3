import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workerScript } from './worker-url.js';

describe('workerScript', () => {
  const root = mkdtempSync(join(tmpdir(), 'lg-worker-url-'));
  for (const d of ['src/scan', 'dist/scan', 'dist/cli', 'src/cli']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'dist/scan/w.js'), '');
  writeFileSync(join(root, 'dist/cli/w.js'), '');
  writeFileSync(join(root, 'src/cli/w.js'), '');

  it('takes the script beside the module when it is there (the built package)', () => {
    const base = pathToFileURL(join(root, 'dist/scan/pool.js')).href;
    expect(workerScript('./w.js', base).href).toBe(pathToFileURL(join(root, 'dist/scan/w.js')).href);
    const cli = pathToFileURL(join(root, 'src/cli/pool.ts')).href;
    expect(workerScript('./w.js', cli).href).toBe(pathToFileURL(join(root, 'src/cli/w.js')).href);
  });

  it("falls back from the sources to the build's copy, and says to build when there is none", () => {
    const base = pathToFileURL(join(root, 'src/scan/pool.ts')).href;
    expect(workerScript('./w.js', base).href).toBe(pathToFileURL(join(root, 'dist/scan/w.js')).href);
    expect(() => workerScript('./missing.js', base)).toThrow(
      'The worker script missing.js is missing: run `npm run build`',
    );
  });
});
