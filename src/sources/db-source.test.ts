import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isLeakguardError } from '../core/errors.js';
import { createDbSource } from './db-source.js';
import { isProblem } from './source.js';

describe('createDbSource', () => {
  it('`createDbSource` builds the source each scheme names without connecting', async () => {
    const kinds = [];
    for (const url of [
      'postgres://u@127.0.0.1:1/x',
      'mysql://u@127.0.0.1:1/x',
      'sqlite:nothing-yet.db',
      'es+http://127.0.0.1:1/idx',
    ]) {
      const s = await createDbSource(url, { cwd: tmpdir() });
      kinds.push(s.kind);
      await s.close();
    }
    expect(kinds).toEqual(['postgres', 'mysql', 'sqlite', 'elasticsearch']);
  });

  it('`createDbSource` throws LG_USAGE when the URL is not a database URL', async () => {
    const err = await createDbSource('ftp://u:pw@h/x').catch((e: unknown) => e);
    expect(isLeakguardError(err) && err.code).toBe('LG_USAGE');
    expect((err as Error).message).not.toContain('pw');
  });

  it('`createDbSource` resolves a relative sqlite: path against cwd and applies the options', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-dbsrc-'));
    try {
      const db = new Database(join(dir, 'app.db'));
      db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE u (id INTEGER PRIMARY KEY);
        INSERT INTO t (v) VALUES ('a'), ('b'), ('c'), ('d');`);
      db.close();
      const s = await createDbSource('sqlite:app.db', { cwd: dir, full: true, rangeRows: 2, tables: ['t'] });
      const units = [];
      for await (const u of s.units()) units.push(u);
      expect(units.map((u) => u.id)).toEqual([
        `sqlite:${dir}/app.db/main.t#range=(,2]`,
        `sqlite:${dir}/app.db/main.t#range=(2,4]`,
        `sqlite:${dir}/app.db/main.t#range=(4,]`,
      ]);
      const texts = [];
      for (const u of units)
        for await (const x of s.read(u)) if (!isProblem(x) && x.loc.field === 'v') texts.push(x.text);
      expect(texts).toEqual(['a', 'b', 'c', 'd']);
      await s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
