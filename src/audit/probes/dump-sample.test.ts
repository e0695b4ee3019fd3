import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildZip } from './__fixtures__/zip.js';
import { inflatePrefix, MAX_ENTRY_TEXT, zipPrefixEntries } from './dump-sample.js';

const rows = (n: number) => Array.from({ length: n }, (_, i) => `INSERT INTO t VALUES (${i}, 'row ${i}');`).join('\n');

describe('inflatePrefix', () => {
  it('inflates a cut gzip stream up to the cut, and stops at the byte cap', async () => {
    const gz = gzipSync(Buffer.from(rows(5000)));
    const part = await inflatePrefix(gz.subarray(0, Math.floor(gz.length / 2)), 'gzip');
    expect(part.length).toBeGreaterThan(1000);
    expect(rows(5000).startsWith(part.toString('utf8'))).toBe(true);
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    expect((await inflatePrefix(bomb, 'gzip')).length).toBe(MAX_ENTRY_TEXT);
  });

  it('never throws on garbage', async () => {
    expect((await inflatePrefix(Buffer.from('not gzip at all'), 'gzip')).length).toBe(0);
    expect((await inflatePrefix(Buffer.alloc(0), 'deflate-raw')).length).toBe(0);
  });
});

describe('zipPrefixEntries', () => {
  it('reads stored, deflated and data-descriptor entries, skipping binaries and capping a bomb', async () => {
    const zip = buildZip([
      { name: 'zeros.txt', data: Buffer.alloc(20 * 1024 * 1024) },
      { name: 'logo.png', data: Buffer.from('png bytes') },
      { name: 'users.csv', data: Buffer.from('name,phone\na,1\n'), store: true },
      { name: 'dump.sql', data: Buffer.from(rows(10)), descriptor: true },
      { name: 'more.sql', data: Buffer.from('CREATE TABLE x (a int);') },
    ]);
    const got = await zipPrefixEntries(zip);
    expect(got.map((e) => e.name)).toEqual(['zeros.txt', 'users.csv', 'dump.sql', 'more.sql']);
    expect(got[0]!.text.length).toBe(MAX_ENTRY_TEXT);
    expect(got[1]!.text).toBe('name,phone\na,1\n');
    expect(got[2]!.text).toBe(rows(10));
    expect(got[3]!.text).toBe('CREATE TABLE x (a int);');
  });

  it('stops at a cut prefix or a non-zip, and at the entry limit', async () => {
    const zip = buildZip(
      Array.from({ length: 8 }, (_, i) => ({ name: `f${i}.csv`, data: Buffer.from(`a,b\n${i},x\n`) })),
    );
    expect(await zipPrefixEntries(zip)).toHaveLength(5);
    // A prefix cut inside the first entry yields that entry's start, nothing after it.
    expect(await zipPrefixEntries(zip.subarray(0, 40))).toEqual([{ name: 'f0.csv', text: 'a,b' }]);
    expect(await zipPrefixEntries(zip.subarray(0, 20))).toEqual([]);
    expect(await zipPrefixEntries(Buffer.from('PK\x05\x06 not an entry'))).toEqual([]);
  });
});
