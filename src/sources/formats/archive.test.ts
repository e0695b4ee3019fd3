import { describe, expect, it } from 'vitest';
import { buildGzip, buildTar, buildZip, collect } from './__fixtures__/build.js';
import { readBytesFragments } from './read.js';

const csv = 'name,email\nWang Fang,wang@example.com\n';

describe('zip archives', () => {
  it('readBytesFragments reads zip members through sniffing with their entry location', async () => {
    const zip = buildZip([
      { name: 'data/users.csv', data: csv },
      { name: 'notes.txt', data: 'call 555-0100\n', method: 0 },
      { name: 'empty-dir/', data: '' },
    ]);
    const { fragments, problems } = await collect(readBytesFragments(zip, 'backup.zip'));
    expect(problems).toEqual([]);
    expect(fragments).toEqual([
      {
        text: 'Wang Fang',
        loc: { entry: 'backup.zip!/data/users.csv', row: 1, line: 2, field: 'name' },
        structured: true,
      },
      {
        text: 'wang@example.com',
        loc: { entry: 'backup.zip!/data/users.csv', row: 1, line: 2, field: 'email' },
        structured: true,
      },
      { text: 'call 555-0100\n', loc: { entry: 'backup.zip!/notes.txt', line: 1 } },
    ]);
  });

  it('readBytesFragments reads nested archives and names the full entry path', async () => {
    const inner = buildZip([{ name: 'a.txt', data: 'inner text\n' }]);
    const tgz = buildGzip(buildTar([{ name: 'b.txt', data: 'tar text\n' }]));
    const outer = buildZip([
      { name: 'inner.zip', data: inner },
      { name: 'logs.tar.gz', data: tgz },
    ]);
    const { fragments } = await collect(readBytesFragments(outer, 'outer.zip'));
    expect(fragments.map((f) => [f.text, f.loc.entry])).toEqual([
      ['inner text\n', 'outer.zip!/inner.zip!/a.txt'],
      ['tar text\n', 'outer.zip!/logs.tar.gz!/b.txt'],
    ]);
  });

  it('readBytesFragments refuses a zip bomb whose member inflates beyond the ratio limit', async () => {
    const bomb = buildZip([
      { name: 'zeros.txt', data: Buffer.alloc(20 * 1024 * 1024) },
      { name: 'ok.txt', data: 'still read\n' },
    ]);
    expect(bomb.length).toBeLessThan(100 * 1024);
    const { fragments, problems } = await collect(readBytesFragments(bomb, 'bomb.zip'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ problem: 'LG_ARCHIVE_REFUSED', loc: { entry: 'bomb.zip!/zeros.txt' } });
    expect(problems[0]?.message).toMatch(/ratio/);
    expect(fragments.map((f) => f.text)).toEqual(['still read\n']);
  });

  it('readBytesFragments refuses a member whose header understates its size (the lie is caught while inflating)', async () => {
    const liar = buildZip([{ name: 'big.txt', data: Buffer.alloc(4 * 1024 * 1024, 0x61), declaredSize: 1000 }]);
    const { problems } = await collect(readBytesFragments(liar, 'liar.zip', { limits: { maxRatio: 1_000_000 } }));
    expect(problems.map((p) => p.problem)).toEqual(['LG_ARCHIVE_REFUSED']);
    expect(problems[0]?.message).toMatch(/declared size/);
  });

  it('readBytesFragments refuses overlapping entries (the non-recursive zip bomb)', async () => {
    const overlap = buildZip(
      [
        { name: 'a.txt', data: 'shared data\n' },
        { name: 'b.txt', data: 'shared data\n' },
        { name: 'c.txt', data: 'shared data\n' },
      ],
      { overlap: true },
    );
    const { fragments, problems } = await collect(readBytesFragments(overlap, 'overlap.zip'));
    expect(fragments).toEqual([]);
    expect(problems.map((p) => p.problem)).toEqual(['LG_ARCHIVE_REFUSED']);
  });

  it('readBytesFragments refuses archives nested deeper than maxDepth', async () => {
    let z = buildZip([{ name: 'deep.txt', data: 'bottom\n' }]);
    for (let i = 0; i < 3; i++) z = buildZip([{ name: `level${i}.zip`, data: z }]);
    const { fragments, problems } = await collect(readBytesFragments(z, 'top.zip'));
    expect(fragments).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      problem: 'LG_ARCHIVE_REFUSED',
      loc: { entry: 'top.zip!/level2.zip!/level1.zip!/level0.zip' },
    });
    const shallower = await collect(readBytesFragments(z, 'top.zip', { limits: { maxDepth: 4 } }));
    expect(shallower.fragments.map((f) => f.text)).toEqual(['bottom\n']);
  });

  it('readBytesFragments reports a truncated zip as corrupt, and a member beyond the entry limit as refused', async () => {
    const zip = buildZip([
      { name: 'a.txt', data: 'one\n' },
      { name: 'b.txt', data: 'two\n' },
      { name: 'c.txt', data: 'three\n' },
    ]);
    const truncated = await collect(readBytesFragments(zip.subarray(0, zip.length - 30), 't.zip'));
    expect(truncated.problems.map((p) => p.problem)).toEqual(['LG_FORMAT_CORRUPT']);
    const limited = await collect(readBytesFragments(zip, 'l.zip', { limits: { maxEntries: 2 } }));
    expect(limited.fragments.map((f) => f.text)).toEqual(['one\n', 'two\n']);
    expect(limited.problems.map((p) => p.problem)).toEqual(['LG_ARCHIVE_REFUSED']);
  });

  it('readBytesFragments notes encrypted members and goes on', async () => {
    const zip = buildZip([
      { name: 'secret.txt', data: 'x', encrypted: true },
      { name: 'plain.txt', data: 'plain\n' },
    ]);
    const { fragments, problems } = await collect(readBytesFragments(zip, 'e.zip'));
    expect(problems.map((p) => [p.problem, p.loc.entry])).toEqual([['skipped-encrypted', 'e.zip!/secret.txt']]);
    expect(fragments.map((f) => f.text)).toEqual(['plain\n']);
  });
});

describe('archive size limits', () => {
  it('readBytesFragments refuses members above maxEntryBytes and stops at maxTotalBytes, in zip and tar alike', async () => {
    const big = 'x'.repeat(3000) + '\n';
    const members = [
      { name: 'small.txt', data: 'small\n' },
      { name: 'big.txt', data: big },
      { name: 'b.txt', data: 'y'.repeat(900) + '\n' },
      { name: 'c.txt', data: 'z'.repeat(900) + '\n' },
    ];
    for (const [name, data] of [
      ['l.zip', buildZip(members)],
      ['l.tar', buildTar(members)],
    ] as const) {
      const { fragments, problems } = await collect(
        readBytesFragments(data, name, { limits: { maxEntryBytes: 2000, maxTotalBytes: 1500 } }),
      );
      expect(fragments.map((f) => f.text[0])).toEqual(['s', 'y']);
      expect(problems.map((p) => [p.problem, p.loc.entry])).toEqual([
        ['LG_ARCHIVE_REFUSED', `${name}!/big.txt`],
        ['LG_ARCHIVE_REFUSED', `${name}!/c.txt`],
      ]);
    }
  });
});

describe('tar and gzip', () => {
  it('readBytesFragments reads tar members and skips what a reader leaves unread', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]), Buffer.alloc(200 * 1024, 7)]);
    const tar = buildTar([
      { name: 'img/photo.png', data: png },
      { name: 'people.csv', data: csv },
    ]);
    const { fragments, problems } = await collect(readBytesFragments(tar, 'dump.tar'));
    expect(problems.map((p) => [p.problem, p.loc.entry])).toEqual([['skipped-binary', 'dump.tar!/img/photo.png']]);
    expect(fragments.map((f) => [f.text, f.loc.entry, f.loc.field])).toEqual([
      ['Wang Fang', 'dump.tar!/people.csv', 'name'],
      ['wang@example.com', 'dump.tar!/people.csv', 'email'],
    ]);
  });

  it('readBytesFragments reads gzip content with its own line numbers and no entry', async () => {
    const { fragments } = await collect(readBytesFragments(buildGzip('a\nb 555-0100\n'), 'app.log.gz'));
    expect(fragments).toEqual([{ text: 'a\nb 555-0100\n', loc: { line: 1 } }]);
  });

  it('readBytesFragments refuses a gzip bomb and reports a damaged gzip', async () => {
    const bomb = buildGzip(Buffer.alloc(30 * 1024 * 1024, 0x61));
    const refused = await collect(readBytesFragments(bomb, 'zeros.gz'));
    expect(refused.problems.map((p) => p.problem)).toEqual(['LG_ARCHIVE_REFUSED']);
    const damaged = buildGzip('hello world\n'.repeat(100));
    damaged.writeUInt8(damaged.readUInt8(20) ^ 0xff, 20);
    const r = await collect(readBytesFragments(damaged, 'x.gz'));
    expect(r.problems.map((p) => p.problem)).toContain('LG_FORMAT_CORRUPT');
  });
});
