import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSourceConformance } from '../conformance.js';
import { buildXlsx, buildZip, collect } from '../formats/__fixtures__/build.js';
import { readFileFragments } from '../formats/read.js';
import type { Fragment, Unit } from '../source.js';
import { createFileSource, type FileSourceOptions } from './file-source.js';

async function tree(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lg-files-'));
  for (const [rel, data] of Object.entries(files)) {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), data);
  }
  return dir;
}

async function plan(options: FileSourceOptions): Promise<Unit[]> {
  const units: Unit[] = [];
  for await (const u of createFileSource(options).units()) units.push(u);
  return units;
}

const people = 'name,phone\nWang Fang,13800138000\nLi Lei,13900139000\n';

describeSourceConformance('file source', async () => {
  const lines = Array.from({ length: 400 }, (_, i) => `row ${i} contact ${i}@example.com`).join('\n');
  const dir = await tree({
    'a/people.csv': people,
    'a/log.txt': `${lines}\n`,
    'b/events.ndjson': '{"email":"x@example.com"}\n{"email":"y@example.com"}\n',
    'b/book.xlsx': buildXlsx([{ name: 'S', rows: [['email'], ['z@example.com']] }]),
    'c/archive.zip': buildZip([{ name: 'inner.txt', data: 'inner 555-0100\n' }]),
    'c/image.bin': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
  });
  await symlink('/etc/hostname', join(dir, 'c/outside-link'));
  return {
    source: createFileSource({ root: dir, rangeBytes: 4096 }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('createFileSource planning', () => {
  it('createFileSource plans files in sorted order with ids, assets, sizes and fingerprints', async () => {
    const dir = await tree({ 'b.txt': 'bee\n', 'a/c.csv': people, 'a/b.json': '{"a":"x"}' });
    try {
      const units = await plan({ root: dir });
      expect(units.map((u) => u.id)).toEqual([`file:${dir}/a/b.json`, `file:${dir}/a/c.csv`, `file:${dir}/b.txt`]);
      const u = units[2]!;
      expect(u).toMatchObject({
        kind: 'file',
        asset: `file://${dir}/b.txt`,
        size: 4,
        params: { path: `${dir}/b.txt`, format: 'text' },
      });
      expect(u.fingerprint).toMatchObject({ size: 4 });
      expect(String(u.fingerprint?.hash)).toMatch(/^sha256:[0-9a-f]{64}$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('createFileSource changes the fingerprint hash when content changes at the same size and mtime', async () => {
    const dir = await tree({ 'x.txt': 'aaaa\n' });
    try {
      const before = (await plan({ root: dir }))[0]!.fingerprint;
      await writeFile(join(dir, 'x.txt'), 'bbbb\n');
      const when = new Date(Number(before?.mtimeMs));
      await utimes(join(dir, 'x.txt'), when, when);
      const after = (await plan({ root: dir }))[0]!.fingerprint;
      expect(after?.size).toBe(before?.size);
      expect(after?.hash).not.toBe(before?.hash);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('createFileSource honours .gitignore and .leakguardignore at every level, with negation', async () => {
    const dir = await tree({
      '.gitignore': '*.log\nbuild/\n',
      'keep.txt': 'k',
      'app.log': 'l',
      'build/out.txt': 'o',
      'sub/.leakguardignore': 'secret-*.txt\n!secret-keep.txt\n',
      'sub/secret-a.txt': 's',
      'sub/secret-keep.txt': 's',
      'sub/nested.log': 'n',
      '.git/config': 'c',
    });
    try {
      const names = (await plan({ root: dir })).map((u) => u.id.slice(`file:${dir}/`.length));
      expect(names).toEqual(['.gitignore', 'keep.txt', 'sub/.leakguardignore', 'sub/secret-keep.txt']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('createFileSource applies include and exclude globs, basename patterns included', async () => {
    const dir = await tree({ 'a.csv': 'x', 'b.txt': 'x', 'd/c.csv': 'x', 'tmp/e.csv': 'x', 'd/f.csv.bak': 'x' });
    try {
      const names = (await plan({ root: dir, include: ['*.csv'], exclude: ['tmp/**'] })).map((u) =>
        u.id.slice(`file:${dir}/`.length),
      );
      expect(names).toEqual(['a.csv', 'd/c.csv']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('createFileSource never follows a link out of the root, and reports dangling links and FIFOs', async () => {
    const outside = await tree({ 'secret.txt': 'outside secret 555-0100\n' });
    const dir = await tree({ 'in.txt': 'inside\n' });
    try {
      await symlink(join(outside, 'secret.txt'), join(dir, 'escape.txt'));
      await symlink(outside, join(dir, 'escape-dir'));
      await symlink(join(dir, 'missing'), join(dir, 'dangling'));
      await symlink(join(dir, 'in.txt'), join(dir, 'alias.txt'));
      execFileSync('mkfifo', [join(dir, 'pipe')]);
      for (const followLinks of [false, true]) {
        const source = createFileSource({ root: dir, followLinks });
        const units: Unit[] = [];
        for await (const u of source.units()) units.push(u);
        const byName = Object.fromEntries(
          units.map((u) => [u.id.slice(`file:${dir}/`.length), u.params?.problem ?? 'file']),
        );
        expect(byName).toEqual({
          dangling: 'skipped-link',
          'escape-dir': 'skipped-link',
          'escape.txt': 'skipped-link',
          'in.txt': 'file',
          pipe: 'skipped-special',
        });
        const texts: string[] = [];
        for (const u of units) for await (const item of source.read(u)) if (!('problem' in item)) texts.push(item.text);
        expect(texts.join('')).not.toContain('outside secret');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('createFileSource follows a link to a directory inside the root once when followLinks is on', async () => {
    const dir = await tree({ 'real/a.txt': 'a\n' });
    try {
      await symlink(join(dir, 'real'), join(dir, 'alias'));
      await symlink(dir, join(dir, 'real', 'loop'));
      const ids = (await plan({ root: dir, followLinks: true })).map((u) => u.id);
      expect(ids).toEqual([`file:${dir}/real/a.txt`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('createFileSource reading', () => {
  it('createFileSource read throws LG_SOURCE_UNREADABLE for a file that vanished after planning, and the next unit still reads', async () => {
    const dir = await tree({ 'a.txt': 'gone\n', 'b.txt': 'here\n' });
    try {
      const source = createFileSource({ root: dir });
      const units: Unit[] = [];
      for await (const u of source.units()) units.push(u);
      await rm(join(dir, 'a.txt'));
      await expect(collect(source.read(units[0]!))).rejects.toMatchObject({ code: 'LG_SOURCE_UNREADABLE' });
      const r = await collect(source.read(units[1]!));
      expect(r.fragments.map((f) => f.text)).toEqual(['here\n']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('createFileSource read refuses a unit outside its roots and a path swapped for a link after planning', async () => {
    const outside = await tree({ 'secret.txt': 'outside\n' });
    const dir = await tree({ 'a.txt': 'inside\n' });
    try {
      const source = createFileSource({ root: dir });
      const forged: Unit = {
        id: `file:${outside}/secret.txt`,
        kind: 'file',
        asset: 'x',
        params: { path: `${outside}/secret.txt` },
      };
      await expect(collect(source.read(forged))).rejects.toMatchObject({ code: 'LG_SOURCE_UNREADABLE' });
      const units: Unit[] = [];
      for await (const u of source.units()) units.push(u);
      await rm(join(dir, 'a.txt'));
      await symlink(join(outside, 'secret.txt'), join(dir, 'a.txt'));
      await expect(collect(source.read(units[0]!))).rejects.toMatchObject({ code: 'LG_SOURCE_UNREADABLE' });
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('readFileFragments refuses a directory and a FIFO with LG_SOURCE_UNREADABLE without blocking', async () => {
    const dir = await tree({});
    try {
      execFileSync('mkfifo', [join(dir, 'pipe')]);
      await expect(collect(readFileFragments(join(dir, 'pipe')))).rejects.toMatchObject({
        code: 'LG_SOURCE_UNREADABLE',
      });
      await expect(collect(readFileFragments(dir))).rejects.toMatchObject({ code: 'LG_SOURCE_UNREADABLE' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('createFileSource notes binary files instead of scanning them', async () => {
    const dir = await tree({
      'tool.exe': Buffer.concat([Buffer.from('MZ'), Buffer.alloc(300), Buffer.from('555-0100')]),
    });
    try {
      const source = createFileSource({ root: dir });
      for await (const u of source.units()) {
        const r = await collect(source.read(u));
        expect(r.fragments).toEqual([]);
        expect(r.problems.map((p) => p.problem)).toEqual(['skipped-binary']);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('createFileSource byte ranges', () => {
  async function readRanges(
    options: FileSourceOptions,
  ): Promise<{ units: Unit[]; fragments: Fragment[]; problems: string[] }> {
    const source = createFileSource(options);
    const units: Unit[] = [];
    for await (const u of source.units()) units.push(u);
    const fragments: Fragment[] = [];
    const problems: string[] = [];
    for (const u of units) {
      const r = await collect(source.read(u));
      fragments.push(...r.fragments);
      problems.push(...r.problems.map((p) => p.problem));
    }
    return { units, fragments, problems };
  }

  it('createFileSource splits a big text file at line boundaries with exact first lines', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i + 1} ${'y'.repeat(i % 50)}`);
    const dir = await tree({ 'big.log': `${lines.join('\n')}\n` });
    try {
      const { units, fragments } = await readRanges({ root: dir, rangeBytes: 8192 });
      expect(units.length).toBeGreaterThan(5);
      expect(units.every((u) => u.kind === 'file-range')).toBe(true);
      expect(units[1]?.id).toMatch(new RegExp(`^file:${dir}/big\\.log#bytes=\\d+-\\d+$`));
      expect(fragments.map((f) => f.text).join('')).toBe(`${lines.join('\n')}\n`);
      for (const f of fragments) expect(f.text.startsWith(`line ${f.loc.line} `)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('createFileSource splits a big CSV at record boundaries, respecting quoted newlines, with exact rows and header fields', async () => {
    const rows = Array.from(
      { length: 800 },
      (_, i) => `${i + 1},"note ${i}\nsecond line, with comma",user${i}@example.com`,
    );
    const csv = `id,note,email\n${rows.join('\n')}\n`;
    const dir = await tree({ 'big.csv': csv });
    try {
      const whole = await collect(readFileFragments(join(dir, 'big.csv')));
      const { units, fragments, problems } = await readRanges({ root: dir, rangeBytes: 4096 });
      expect(units.length).toBeGreaterThan(5);
      expect(problems).toEqual([]);
      expect(fragments).toEqual(whole.fragments);
      expect(fragments.find((f) => f.text === 'user500@example.com')?.loc).toEqual({
        row: 501,
        line: 1002,
        field: 'email',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('createFileSource splits a big NDJSON file and reads every record once', async () => {
    const lines = Array.from({ length: 600 }, (_, i) => JSON.stringify({ id: i, email: `u${i}@example.com` }));
    const dir = await tree({ 'big.ndjson': `${lines.join('\n')}\n` });
    try {
      const whole = await collect(readFileFragments(join(dir, 'big.ndjson')));
      const { units, fragments } = await readRanges({ root: dir, rangeBytes: 2048 });
      expect(units.length).toBeGreaterThan(5);
      expect(fragments).toEqual(whole.fragments);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('createFileSource refuses to read a range of a file that changed since planning', async () => {
    const dir = await tree({ 'big.log': `${'z'.repeat(100)}\n`.repeat(100) });
    try {
      const source = createFileSource({ root: dir, rangeBytes: 2048 });
      const units: Unit[] = [];
      for await (const u of source.units()) units.push(u);
      await writeFile(join(dir, 'big.log'), 'short\n');
      await expect(collect(source.read(units[1]!))).rejects.toMatchObject({ code: 'LG_SOURCE_UNREADABLE' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('createFileSource rejects a rangeBytes below 1024 and a missing root', () => {
    expect(() => createFileSource({ root: '/tmp', rangeBytes: 10 })).toThrow(RangeError);
    expect(() => createFileSource({})).toThrow(RangeError);
  });
});
