/**
 * Every subpath in package.json "exports" resolves to built files and imports through the package name
 * (Node's self-reference), as an outside project would import it. Needs `npm run build`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, string | { types: string; default: string }>;
};

describe('package exports', () => {
  it('has dist/ built', () => {
    if (!existsSync(join(ROOT, 'dist/index.js'))) {
      throw new Error('dist/ is missing: run `npm run build` before these tests');
    }
  });

  for (const [sub, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue; // ./package.json
    it(`${sub} resolves to built files and imports`, async () => {
      expect(existsSync(join(ROOT, target.types))).toBe(true);
      expect(existsSync(join(ROOT, target.default))).toBe(true);
      const spec = sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`;
      const mod = (await import(spec)) as Record<string, unknown>;
      expect(Object.keys(mod).length).toBeGreaterThan(0);
    });
  }

  it('leakguard/protect/db exports protectTable', async () => {
    const mod = (await import(`${pkg.name}/protect/db`)) as Record<string, unknown>;
    expect(typeof mod.protectTable).toBe('function');
  });
});
