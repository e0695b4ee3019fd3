/**
 * `canary plant` maps columns by the catalog's classification when their names say nothing: a SQLite table with
 * columns `c1`, `c2`, `c3` is scanned (`leakguard scan`), then planted into, and the canaries land in the columns
 * the scan classified as mobile numbers and resident IDs.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { canaryCommand } from '../../src/cli/commands/canary.js';
import { runCli } from '../../src/cli/testing.js';
import { generateMobile, generateResidentId } from '../../src/synth/cn.js';
import { createSeededRng } from '../../src/synth/rng.js';
import { runLeakCommand } from '../support/leak-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-canary-catalog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('canary plant with the catalog classification', () => {
  it('maps unnamed columns by what the last scan found in them', async () => {
    const file = join(dir, 'app.db');
    const db = new Database(file);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, c1 TEXT, c2 TEXT, c3 TEXT)');
    const rng = createSeededRng(3);
    const ins = db.prepare('INSERT INTO t (c1, c2, c3) VALUES (?, ?, ?)');
    for (let i = 0; i < 100; i++) ins.run(generateMobile(rng), generateResidentId(rng), `note ${i}`);
    db.close();
    const catalog = join(dir, 'catalog.db');
    const scan = await runCli(['scan', `sqlite:${file}`, '--catalog', catalog, '--quiet'], '', { cwd: dir });
    expect(scan.exitCode).toBe(0);
    const env = { LEAKGUARD_KEY: randomBytes(32).toString('hex') };
    const r = await runLeakCommand(
      canaryCommand,
      [
        'plant',
        '--into',
        `sqlite:${file}`,
        '--table',
        't',
        '--count',
        '3',
        '--label',
        'app',
        '--catalog',
        catalog,
        '--json',
      ],
      { cwd: dir, env },
    );
    expect(r.exitCode).toBe(0);
    expect((JSON.parse(r.stdout) as { columns: Record<string, string> }).columns).toEqual({
      c1: 'phone',
      c2: 'resident_id',
    });
    const after = new Database(file, { readonly: true });
    const last = after.prepare('SELECT c1, c2, c3 FROM t ORDER BY id DESC LIMIT 1').get() as {
      c1: string;
      c2: string;
      c3: string | null;
    };
    after.close();
    expect(last.c1).toMatch(/^1[3-9]\d{9}$/);
    expect(last.c2).toMatch(/^\d{17}[\dX]$/);
    expect(last.c3).toBeNull();
  });
});
