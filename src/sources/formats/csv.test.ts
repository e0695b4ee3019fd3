import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collect } from './__fixtures__/build.js';
import { looksLikeHeader, readCsv, sniffCsvDialect } from './csv.js';
import { type CsvEvent, CsvTokenizer } from './csv-tokenizer.js';
import { bufferInput } from './input.js';
import { readBytesFragments } from './read.js';
import { createReadContext } from './types.js';

function tokenize(text: string | Buffer, splits: readonly number[] = []): CsvEvent[] {
  const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const t = new CsvTokenizer({ delimiter: 0x2c, maxRecordBytes: 1 << 20 });
  const events: CsvEvent[] = [];
  let from = 0;
  for (const s of [...splits].sort((a, b) => a - b)) {
    events.push(...t.push(data.subarray(from, s)));
    from = s;
  }
  events.push(...t.push(data.subarray(from)));
  events.push(...t.end());
  return events;
}

describe('CsvTokenizer', () => {
  it('CsvTokenizer splits records with quotes, doubled quotes, CRLF and multi-line fields', () => {
    const events = tokenize('a,b\r\n"x, y","say ""hi"""\n1,"2\n3"\n\nlast,row');
    expect(events.map((e) => (e.kind === 'record' ? e.fields : e.reason))).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['1', '2\n3'],
      ['last', 'row'],
    ]);
    expect(events.map((e) => e.line)).toEqual([1, 2, 3, 6]);
    expect(events.map((e) => e.offset)).toEqual([0, 5, 25, 34]);
  });

  it('CsvTokenizer reports a bad closing quote and resumes at the next record', () => {
    const events = tokenize('"x"y,2,3\n7,"8\n9",10\n');
    expect(events[0]).toMatchObject({ kind: 'malformed', reason: 'bad-quote', line: 1 });
    expect(events[1]).toMatchObject({ kind: 'record', fields: ['7', '8\n9', '10'], line: 2 });
  });

  it('CsvTokenizer reports an unterminated quote and reads the lines after it', () => {
    const events = tokenize('a,b\n"open,1\nc,d\ne,f\n');
    expect(events[0]).toMatchObject({ kind: 'record', fields: ['a', 'b'] });
    expect(events[1]).toMatchObject({ kind: 'malformed', reason: 'unterminated-quote', line: 2 });
    expect(events.slice(2).map((e) => (e.kind === 'record' ? [e.fields, e.line] : e.reason))).toEqual([
      [['c', 'd'], 3],
      [['e', 'f'], 4],
    ]);
  });

  it('CsvTokenizer gives the same events whatever the chunking', () => {
    const alphabet = fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', '中');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 80 }), fc.array(fc.nat(), { maxLength: 6 }), (chars, cuts) => {
        const text = Buffer.from(chars.join(''), 'utf8');
        const splits = cuts.map((c) => c % (text.length + 1));
        expect(tokenize(text, splits)).toEqual(tokenize(text));
      }),
    );
  });

  it('CsvTokenizer rejects a record beyond maxRecordBytes and goes on', () => {
    const t = new CsvTokenizer({ delimiter: 0x2c, maxRecordBytes: 64 });
    const events = [...t.push(Buffer.from(`ok,1\n${'x'.repeat(200)}\nafter,2\n`)), ...t.end()];
    expect(events.map((e) => (e.kind === 'record' ? e.fields.join('|') : e.reason))).toEqual([
      'ok|1',
      'too-large',
      'after|2',
    ]);
  });
});

describe('sniffCsvDialect', () => {
  it('sniffCsvDialect finds comma, tab and semicolon dialects and a header', () => {
    const rows =
      'name,phone,city\nWang Fang,13800138000,Beijing\nLi Lei,13900139000,Shanghai\nZhang Wei,13700137000,Xian\n';
    expect(sniffCsvDialect(Buffer.from(rows), 'export.txt', true)).toEqual({ delimiter: ',', header: true });
    expect(sniffCsvDialect(Buffer.from(rows.replaceAll(',', '\t')), 'x', true)).toEqual({
      delimiter: '\t',
      header: true,
    });
    const semi = Array.from({ length: 6 }, (_, i) => `a${i};b${i};c${i}`).join('\n');
    expect(sniffCsvDialect(Buffer.from(semi), 'x', true)?.delimiter).toBe(';');
  });

  it('sniffCsvDialect refuses prose and Markdown', () => {
    expect(
      sniffCsvDialect(Buffer.from('Hello, world.\nThis line has none\nBut this, one, has two\n'), 'notes', true),
    ).toBeUndefined();
    expect(sniffCsvDialect(Buffer.from('|a|b|\n|1|2|\n|3|4|\n|5|6|\n|7|8|\n'), 'README.md', true)).toBeUndefined();
  });

  it('sniffCsvDialect accepts a single-column file when the extension says CSV', () => {
    expect(sniffCsvDialect(Buffer.from('email\na@example.com\nb@example.com\n'), 'list.csv', true)).toEqual({
      delimiter: ',',
      header: true,
    });
  });
});

describe('looksLikeHeader', () => {
  it('looksLikeHeader accepts labels over values and refuses labels over labels', () => {
    expect(
      looksLikeHeader([
        ['姓名', '手机号'],
        ['王芳', '13800138000'],
      ]),
    ).toBe(true);
    expect(
      looksLikeHeader([
        ['Alice', 'Paris'],
        ['Bob', 'Lyon'],
      ]),
    ).toBe(false);
    expect(
      looksLikeHeader([
        ['id', 'id'],
        ['1', '2'],
      ]),
    ).toBe(false);
    expect(
      looksLikeHeader([
        ['13800138000', 'x'],
        ['1', '2'],
      ]),
    ).toBe(false);
  });
});

describe('readCsv', () => {
  it('readCsv yields one structured fragment per non-empty cell with row, line and header field', async () => {
    const csv = 'name,phone\n"Wang, Fang",13800138000\nLi Lei,\n';
    const { fragments, problems } = await collect(readBytesFragments(Buffer.from(csv), 'people.csv'));
    expect(problems).toEqual([]);
    expect(fragments).toEqual([
      { text: 'Wang, Fang', loc: { row: 1, line: 2, field: 'name' }, structured: true },
      { text: '13800138000', loc: { row: 1, line: 2, field: 'phone' }, structured: true },
      { text: 'Li Lei', loc: { row: 2, line: 3, field: 'name' }, structured: true },
    ]);
  });

  it('readCsv names columns `column N` when there is no header', async () => {
    const csv = 'Alice,Paris\nBob,Lyon\nCarol,Nice\n';
    const { fragments } = await collect(readBytesFragments(Buffer.from(csv), 'a.csv'));
    expect(fragments[0]).toEqual({ text: 'Alice', loc: { row: 1, line: 1, field: 'column 1' }, structured: true });
    expect(fragments).toHaveLength(6);
  });

  it('readCsv reports ragged and malformed rows with their row and line and skips them', async () => {
    const csv = 'id,email\n1,a@example.com\n2\n3,"b@example.com"x\n4,c@example.com\n';
    const { fragments, problems } = await collect(readBytesFragments(Buffer.from(csv), 'a.csv'));
    expect(problems.map((p) => [p.problem, p.loc])).toEqual([
      ['ragged-row', { row: 2, line: 3 }],
      ['malformed-row', { row: 3, line: 4 }],
    ]);
    expect(fragments.map((f) => f.text)).toEqual(['1', 'a@example.com', '4', 'c@example.com']);
    for (const p of problems) expect(p.message).not.toContain('example.com');
  });

  it('readCsv decodes a GB18030 export and a UTF-8 BOM', async () => {
    const gb = Buffer.from([
      0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0xca, 0xd6, 0xbb, 0xfa, 0x0a, 0xcd, 0xf5, 0xb7, 0xbc, 0x2c, 0x31, 0x33, 0x38, 0x30,
      0x30, 0x31, 0x33, 0x38, 0x30, 0x30, 0x30, 0x0a,
    ]);
    const { fragments } = await collect(readBytesFragments(gb, 'gbk.csv'));
    expect(fragments.map((f) => [f.text, f.loc.field])).toEqual([
      ['王芳', '姓名'],
      ['13800138000', '手机'],
    ]);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('email,name\nx@example.com,Li\n')]);
    const r = await collect(readBytesFragments(bom, 'b.csv'));
    expect(r.fragments[0]?.loc.field).toBe('email');
  });

  it('readCsv reads a planned range with the given columns, line and row', async () => {
    const csv = Buffer.from('name,phone\nA,1\nB,2\nC,3\n');
    const start = csv.indexOf('B');
    const ctx = createReadContext();
    const { fragments } = await collect(
      readCsv(bufferInput('x.csv', csv), ctx, {
        dialect: { delimiter: ',', header: true },
        encoding: 'utf-8',
        start,
        end: csv.length,
        line: 3,
        row: 2,
        columns: ['name', 'phone'],
      }),
    );
    expect(fragments.map((f) => [f.text, f.loc.row, f.loc.line, f.loc.field])).toEqual([
      ['B', 2, 3, 'name'],
      ['2', 2, 3, 'phone'],
      ['C', 3, 4, 'name'],
      ['3', 3, 4, 'phone'],
    ]);
  });
});
