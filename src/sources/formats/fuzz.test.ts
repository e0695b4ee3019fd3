import fc from 'fast-check';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import {
  buildDocx,
  buildEml,
  buildGzip,
  buildPdf,
  buildTar,
  buildXlsx,
  buildZip,
  collect,
} from './__fixtures__/build.js';
import { readBytesFragments } from './read.js';

const seeds: { name: string; data: Buffer }[] = [
  { name: 'a.csv', data: Buffer.from('name,phone\n"Wang, F",555-0100\nLi,"x""y"\n') },
  { name: 'a.json', data: Buffer.from('{"a":[1,{"b":"c\\u4e2d"}],"d":-1.5e3}') },
  { name: 'a.ndjson', data: Buffer.from('{"a":1}\n{"b":[true,null]}\n') },
  {
    name: 'a.zip',
    data: buildZip([
      { name: 'x.txt', data: 'hello\n' },
      { name: 'y.csv', data: 'a,b\n1,2\n' },
    ]),
  },
  { name: 'a.xlsx', data: buildXlsx([{ name: 'S', rows: [['email'], ['a@example.com'], [42]] }]) },
  { name: 'a.docx', data: buildDocx(['para one', 'para two'], 'head') },
  { name: 'a.pdf', data: buildPdf(['page one', 'page two']) },
  { name: 'a.tar.gz', data: buildGzip(buildTar([{ name: 'x.txt', data: 'in tar\n' }])) },
  {
    name: 'a.eml',
    data: Buffer.from(
      buildEml({ text: 'body\r\n', attachment: { name: 'x.txt', type: 'text/plain', data: Buffer.from('att\n') } }),
    ),
  },
  {
    name: 'a.parquet',
    data: Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'c', data: ['x', 'y', 'z'], type: 'STRING' }] })),
  },
];

describe('readBytesFragments robustness', () => {
  it('readBytesFragments never throws on damaged inputs of any format: damage becomes problems', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (seed, flips, cut) => {
          const data = Buffer.from(seed.data);
          for (const [at, value] of flips) data[at % data.length] = value;
          const damaged = cut === undefined ? data : data.subarray(0, cut % (data.length + 1));
          const { fragments, problems } = await collect(readBytesFragments(damaged, seed.name));
          for (const f of fragments) expect(typeof f.text).toBe('string');
          for (const p of problems) expect(p.problem.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('readBytesFragments never throws on random bytes under any name', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 600 }),
        fc.constantFrom(
          'x.csv',
          'x.json',
          'x.ndjson',
          'x.xlsx',
          'x.zip',
          'x.pdf',
          'x.eml',
          'x.gz',
          'x.tar',
          'x.parquet',
          'x',
        ),
        async (bytes, name) => {
          await collect(readBytesFragments(bytes, name));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('readBytesFragments reads every undamaged seed with at least one fragment and no problem', async () => {
    for (const seed of seeds) {
      const { fragments, problems } = await collect(readBytesFragments(seed.data, seed.name));
      expect([seed.name, problems]).toEqual([seed.name, []]);
      expect(fragments.length).toBeGreaterThan(0);
    }
  });
});
