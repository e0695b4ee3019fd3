import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { buildDocx, buildEml, buildPdf, buildXlsx, buildZip, collect } from './__fixtures__/build.js';
import { htmlToText } from './html.js';
import { columnLetters, columnNumber } from './ooxml.js';
import { readBytesFragments } from './read.js';

describe('XLSX', () => {
  it('readBytesFragments yields XLSX cells with sheet, spreadsheet row and header field', async () => {
    const xlsx = buildXlsx([
      {
        name: '客户',
        rows: [
          ['姓名', '手机'],
          ['王芳', 13800138000],
          ['李雷', null],
        ],
      },
      {
        name: 'Raw',
        rows: [
          ['Alice', 'Paris'],
          ['Bob', 'Lyon'],
        ],
      },
    ]);
    const { fragments, problems } = await collect(readBytesFragments(xlsx, 'book.xlsx'));
    expect(problems).toEqual([]);
    expect(fragments).toEqual([
      { text: '王芳', loc: { sheet: '客户', row: 2, field: '姓名' }, structured: true },
      { text: '13800138000', loc: { sheet: '客户', row: 2, field: '手机' }, structured: true },
      { text: '李雷', loc: { sheet: '客户', row: 3, field: '姓名' }, structured: true },
      { text: 'Alice', loc: { sheet: 'Raw', row: 1, field: 'column A' }, structured: true },
      { text: 'Paris', loc: { sheet: 'Raw', row: 1, field: 'column B' }, structured: true },
      { text: 'Bob', loc: { sheet: 'Raw', row: 2, field: 'column A' }, structured: true },
      { text: 'Lyon', loc: { sheet: 'Raw', row: 2, field: 'column B' }, structured: true },
    ]);
  });

  it('readBytesFragments reports a corrupt XLSX instead of throwing', async () => {
    const good = buildXlsx([{ name: 'S', rows: [['a']] }]);
    const damaged = Buffer.from(good);
    damaged.fill(0x41, 200, damaged.length - 100);
    const { problems } = await collect(readBytesFragments(damaged, 'broken.xlsx'));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.problem === 'LG_FORMAT_CORRUPT')).toBe(true);
    const noWorkbook = buildZip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'xl/workbook.xml', data: '<workbook><sheets><sheet name="S" r:id="rId1"' },
    ]);
    const r = await collect(readBytesFragments(noWorkbook, 'cut.xlsx'));
    expect(r.problems.map((p) => p.problem)).toEqual(['LG_FORMAT_CORRUPT']);
  });

  it('columnNumber and columnLetters convert spreadsheet columns both ways', () => {
    for (const n of [1, 26, 27, 52, 702, 703, 16384]) expect(columnNumber(columnLetters(n))).toBe(n);
    expect(columnLetters(28)).toBe('AB');
  });
});

describe('DOCX', () => {
  it('readBytesFragments yields DOCX paragraphs with their number, and header parts with their name', async () => {
    const docx = buildDocx(['First paragraph', '', 'Contact: test@example.com'], 'Confidential header');
    const { fragments } = await collect(readBytesFragments(docx, 'letter.docx'));
    expect(fragments).toEqual([
      { text: 'First paragraph', loc: { line: 1 } },
      { text: 'Contact: test@example.com', loc: { line: 3 } },
      { text: 'Confidential header', loc: { line: 1, field: 'word/header1.xml' } },
    ]);
  });

  it('readBytesFragments refuses a DOCX part that is a zip bomb and still reads the body', async () => {
    // Found by the fuzz test: a header part declaring an 8526:1 ratio threw instead of becoming a problem.
    const w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
    const docx = buildZip([
      { name: '[Content_Types].xml', data: '<?xml version="1.0"?><Types/>' },
      {
        name: 'word/document.xml',
        data: `<w:document ${w}><w:body><w:p><w:r><w:t>Body</w:t></w:r></w:p></w:body></w:document>`,
      },
      { name: 'word/header1.xml', data: `<w:hdr ${w}>${' '.repeat(20 * 1024 * 1024)}</w:hdr>` },
    ]);
    const { fragments, problems } = await collect(readBytesFragments(docx, 'bomb.docx'));
    expect(fragments).toEqual([{ text: 'Body', loc: { line: 1 } }]);
    expect(problems.map((p) => p.problem)).toEqual(['LG_ARCHIVE_REFUSED']);
    expect(problems[0]?.message).toMatch(/word\/header1\.xml.*ratio/);
  });

  it('readBytesFragments refuses an XLSX whose sheet is a zip bomb, as a problem rather than a throw', async () => {
    const bomb = buildZip([
      { name: '[Content_Types].xml', data: '<?xml version="1.0"?><Types/>' },
      {
        name: 'xl/workbook.xml',
        data: '<workbook><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
      },
      { name: 'xl/worksheets/sheet1.xml', data: `<worksheet>${' '.repeat(20 * 1024 * 1024)}</worksheet>` },
    ]);
    const { fragments, problems } = await collect(readBytesFragments(bomb, 'bomb.xlsx'));
    expect(fragments).toEqual([]);
    expect(problems.map((p) => p.problem)).toEqual(['LG_ARCHIVE_REFUSED']);
    expect(problems[0]?.message).toMatch(/ratio/);
  });
});

describe('Parquet', () => {
  it('readBytesFragments yields Parquet values per row and column across row groups', async () => {
    const data = parquetWriteBuffer({
      columnData: [
        { name: 'name', data: ['Wang', 'Li', 'Zhang'], type: 'STRING' },
        { name: 'phone', data: ['13800138000', null, '13700137000'], type: 'STRING' },
        { name: 'age', data: [30, 41, 25], type: 'INT32' },
      ],
      rowGroupSize: 2,
    });
    const { fragments, problems } = await collect(readBytesFragments(Buffer.from(data), 'people.parquet'));
    expect(problems).toEqual([]);
    expect(fragments.map((f) => [f.text, f.loc.row, f.loc.field])).toEqual([
      ['Wang', 1, 'name'],
      ['13800138000', 1, 'phone'],
      ['30', 1, 'age'],
      ['Li', 2, 'name'],
      ['41', 2, 'age'],
      ['Zhang', 3, 'name'],
      ['13700137000', 3, 'phone'],
      ['25', 3, 'age'],
    ]);
  });

  it('readBytesFragments reports a damaged Parquet footer', async () => {
    const { problems } = await collect(readBytesFragments(Buffer.from('PAR1 not really parquet PAR1'), 'x.parquet'));
    expect(problems.map((p) => p.problem)).toEqual(['LG_FORMAT_CORRUPT']);
  });
});

describe('PDF', () => {
  it('readBytesFragments yields the text layer of each PDF page', async () => {
    const { fragments, problems } = await collect(
      readBytesFragments(buildPdf(['Page one 555-0100', 'Page (two)']), 'doc.pdf'),
    );
    expect(problems).toEqual([]);
    expect(fragments.map((f) => [f.text.trim(), f.loc.page])).toEqual([
      ['Page one 555-0100', 1],
      ['Page (two)', 2],
    ]);
  });

  it('readBytesFragments reports a corrupt PDF and does not echo its content', async () => {
    const { fragments, problems } = await collect(
      readBytesFragments(Buffer.from('%PDF-1.4\nsecret@example.com garbage'), 'bad.pdf'),
    );
    expect(fragments).toEqual([]);
    expect(problems.map((p) => p.problem)).toEqual(['LG_FORMAT_CORRUPT']);
    expect(problems[0]?.message).not.toContain('example.com');
  });

  it('readBytesFragments contains pdf.js failures: a damaged page leaves no unhandled rejection in this process', async () => {
    // Found by the fuzz test: a bad cross-reference entry made pdf.js leave a rejected promise with no handler,
    // which ends a Node process. pdf.js now runs in a worker thread.
    const damaged = Buffer.from(
      [
        'JVBERi0xLjQKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUg',
        'L1BhZ2VzIC9LaWRzIFs0JDAgUiA2IDAgUl0gL0NvdW50IDIgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL1R5cGUgL0ZvbnQgL1N1YnR5',
        'cGUgL1R5cGUxIC9CYXNlRm9udCAvSGVsdmV0aWNhID4+CmVuZG9iago0IDAgb2JqCjw8IC9UeXBlIC9QYWdlIC9QYXJlbnQgMiAw',
        'IFIgL01lZGlhQm94IFswIDAgNjEyIDc5Ml0gL1Jlc291cmNlcyA8PCAvRm9udCA8PCAvRjEgMyAwIFIgPj4gPj4gL0NvbnRlbnRz',
        'IDUgMCBSID4+CmVuZG9iago1IDAgb2JqCjw8IC9MZW5ndGggMzkgPj4Kc3RyZWFtCkJUIC9GMSAxMiBUZiA3MiA3MjAgVGQgKHBh',
        'Z2Ugb25lKSBUaiBFVAplbmRzdHJlYW0KZW5kb2JqCjYgMCBvYgcKPDwgL1R5cGUgL1BhZ2UgL1BhcmVudCAyIDAgUiAvTWVkaWFC',
        'b3ggWzAgMCA2MTIgNzkyXSAvUmVzb3VyY2VzIDw8IC9Gb250IDw8IC9GMSAzIDAgUiA+PiA+PiAvQ29udGVudHMgNyAwIFIgPj4K',
        'ZW5kb2JqCjcgMCBvYmoKPDwgL0xlbmd0aCAzOSA+PgpzdHJlYW0KQlQgL0YxIDEyIFRmIDcyIDcyMCBUZCAocGFnZSB0d28pIFRq',
        'IEVUCmVuZHN0cmVhbQplbmRvYmoKeHJlZgowIDgKMDAwMDAwMDAwMCA2NTUzNSBmIAowMDAwMDAwMDA5IDAwMDAwIG4gCjAwMDAw',
        'MDAwNTggMDAwMDAgbiAKMDAwMDAwMDEyMSAwMDAwMCBuIAowMDAwMDAwMTkxIDAwMDAwIG4gCjAwMDAwMDAzMTcgMDAwMDAgbiAK',
        'MDAwMDAwMDQwNiAwMDAwMCBuIAowMDAwMDAwNTMyIDAwMDAwIG4gCnRyYWlsZXIKPDwgL1NpemUgOCAvUm9vdCAxIDAgUiA+Pgpz',
        'dGFydHhyZWYKNjIxCiUlRU9G',
      ].join(''),
      'base64',
    );
    const stray: unknown[] = [];
    const onRejection = (e: unknown): void => {
      stray.push(e);
    };
    process.on('unhandledRejection', onRejection);
    try {
      const { problems } = await collect(readBytesFragments(damaged, 'damaged.pdf'));
      await new Promise((r) => setTimeout(r, 50));
      expect(problems.map((p) => [p.problem, p.loc])).toEqual([['LG_FORMAT_CORRUPT', { page: 1 }]]);
      expect(stray).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});

describe('EML', () => {
  it('readBytesFragments yields e-mail addresses, subject, body lines and attachments', async () => {
    const eml = buildEml({
      text: 'Hello,\r\nmy phone is 555-0100.\r\n',
      html: '<p>Hello</p>',
      attachment: { name: 'list.csv', type: 'text/csv', data: Buffer.from('name,email\nLi,li@example.com\n') },
    });
    const { fragments, problems } = await collect(readBytesFragments(Buffer.from(eml), 'mail.eml'));
    expect(problems).toEqual([]);
    expect(fragments.filter((f) => f.structured && !f.loc.entry).map((f) => [f.loc.field, f.text])).toEqual([
      ['From', 'Test Sender <sender@example.com>'],
      ['To', 'recipient@example.org'],
      ['To', 'Second <second@example.net>'],
      ['Cc', 'cc@example.com'],
    ]);
    expect(fragments.find((f) => f.loc.field === 'Subject')?.text).toBe('测试 quarterly list');
    expect(fragments.find((f) => f.loc.field === 'body')).toMatchObject({ loc: { line: 1, field: 'body' } });
    expect(fragments.find((f) => f.loc.field === 'body')?.text).toContain('555-0100');
    expect(fragments.filter((f) => f.loc.entry).map((f) => [f.text, f.loc.entry, f.loc.field])).toEqual([
      ['Li', 'mail.eml!/list.csv', 'name'],
      ['li@example.com', 'mail.eml!/list.csv', 'email'],
    ]);
  });

  it('readBytesFragments reads the HTML body, stripped, when there is no text body', async () => {
    const eml = buildEml({
      html: '<html><style>p{}</style><p>Call <a href="tel:555-0100">me</a></p><script>x()</script></html>',
    });
    const { fragments } = await collect(readBytesFragments(Buffer.from(eml), 'mail.eml'));
    const body = fragments.find((f) => f.loc.field === 'body.html');
    expect(body?.text).toContain('Call');
    expect(body?.text).toContain('tel:555-0100');
    expect(body?.text).not.toContain('<');
    expect(body?.text).not.toContain('x()');
  });

  it('htmlToText strips tags, decodes references and keeps mailto targets', () => {
    expect(htmlToText('<div>a&amp;b&#x4E2D;</div><a href="mailto:x@example.com">mail</a><!-- hidden -->')).toBe(
      '\na&b中\n mailto:x@example.com mail',
    );
  });
});
