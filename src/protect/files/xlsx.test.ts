import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isMod112Valid } from '../../detect/validators/mod11-2.js';
import { buildZip } from '../../sources/formats/__fixtures__/build.js';
import { readBytesFragments } from '../../sources/formats/read.js';
import type { Fragment } from '../../sources/source.js';
import { parsePolicy } from '../policy.js';
import { ENV, filesIn, leaks, people, REVERSIBLE_POLICY, tempDir } from './__fixtures__/data.js';
import { protectFile, revealFile } from './index.js';
import { escapeText } from './xml.js';

const P = people(6);
const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A workbook with shared and inline strings, numbers, a formula, a comment, a pivot cache and binary parts. */
function workbook(): Buffer {
  const [a, b, c] = P as [(typeof P)[number], (typeof P)[number], (typeof P)[number]];
  const shared = ['姓名', 'phone', '身份证号', 'untouched', 'note', a.name, b.name, '普通备注'];
  const s = (i: number): string => `<v>${i}</v>`;
  const sheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet ${NS} xmlns:r="${REL}"><dimension ref="A1:E4"/><sheetData>
<row r="1"><c r="A1" t="s">${s(0)}</c><c r="B1" t="s">${s(1)}</c><c r="C1" t="s">${s(2)}</c><c r="D1" t="s">${s(3)}</c><c r="E1" t="s">${s(4)}</c></row>
<row r="2" spans="1:5"><c r="A2" t="s" s="1">${s(5)}</c><c r="B2"><v>${a.mobile}</v></c><c r="C2" t="inlineStr"><is><t>${a.id}</t></is></c><c r="D2" t="s">${s(5)}</c><c r="E2" t="str"><f>CONCATENATE("tel ","${a.mobile}")</f><v>tel ${a.mobile}</v></c></row>
<row r="3"><c r="A3" t="s">${s(6)}</c><c r="B3"><v>${b.mobile}</v></c><c r="C3" t="inlineStr"><is><r><t>${b.id.slice(0, 9)}</t></r><r><rPr><b/></rPr><t>${b.id.slice(9)}</t></r></is></c><c r="E3" t="s">${s(7)}</c></row>
<row r="4"><c r="A4"/><c r="B4"><v>42</v></c></row>
</sheetData><mergeCells count="1"><mergeCell ref="D3:E3"/></mergeCells></worksheet>`;
  const sst = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst ${NS} count="10" uniqueCount="${shared.length}">${shared
    .map((x) => `<si><t>${escapeText(x)}</t></si>`)
    .join('')}</sst>`;
  const types = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`;
  return buildZip([
    { name: '[Content_Types].xml', data: types },
    {
      name: 'docProps/core.xml',
      data: `<?xml version="1.0"?><cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:creator>HR 部门</dc:creator><dc:description>联系人 ${c.email}</dc:description></cp:coreProperties>`,
    },
    {
      name: 'xl/workbook.xml',
      data: `<?xml version="1.0"?><workbook ${NS} xmlns:r="${REL}"><sheets><sheet name="员工" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    },
    { name: 'xl/styles.xml', data: `<?xml version="1.0"?><styleSheet ${NS}><numFmts count="0"/></styleSheet>` },
    { name: 'xl/worksheets/sheet1.xml', data: sheet },
    {
      name: 'xl/comments1.xml',
      data: `<?xml version="1.0"?><comments ${NS}><authors><author>admin</author></authors><commentList><comment ref="B2" authorId="0"><text><r><t>备用手机 ${c.mobile}</t></r></text></comment></commentList></comments>`,
    },
    {
      name: 'xl/pivotCache/pivotCacheDefinition1.xml',
      data: `<?xml version="1.0"?><pivotCacheDefinition ${NS} xmlns:r="${REL}" r:id="rId1"><cacheFields count="2"><cacheField name="姓名"><sharedItems><s v="${a.name}"/><s v="${b.name}"/></sharedItems></cacheField><cacheField name="phone"><sharedItems containsNumber="1" minValue="${a.mobile}" maxValue="${b.mobile}"/></cacheField></cacheFields></pivotCacheDefinition>`,
    },
    {
      name: 'xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels',
      data: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/pivotCacheRecords" Target="pivotCacheRecords1.xml"/></Relationships>`,
    },
    {
      name: 'xl/pivotCache/pivotCacheRecords1.xml',
      data: `<?xml version="1.0"?><pivotCacheRecords ${NS} count="2"><r><x v="0"/><n v="${a.mobile}"/></r><r><x v="1"/><n v="${b.mobile}"/></r></pivotCacheRecords>`,
    },
    { name: 'xl/sharedStrings.xml', data: sst },
    { name: 'xl/media/image1.png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), method: 0 },
    { name: 'xl/embeddings/oleObject1.bin', data: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 9, 9]) },
  ]);
}

const POLICY = `keys:
  main: { env: LEAKGUARD_KEY }
rules:
  - { column: 姓名, action: pseudonym, key: main }
  - { column: untouched, action: keep }
  - { type: CN_MOBILE, action: mask }
  - { type: CN_RESIDENT_ID, action: fpe, key: main, options: { preserveCheck: true } }
  - { type: EMAIL_ADDRESS, action: hash, key: main, options: { length: 16 } }
default: { action: replace }
`;

async function cells(data: Buffer): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const item of readBytesFragments(data, 'x.xlsx')) {
    if ('problem' in item) throw new Error(`unreadable output: ${item.problem}`);
    const f = item as Fragment;
    out.set(`${f.loc.row}:${f.loc.field}`, f.text);
  }
  return out;
}

function parts(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(unzipSync(new Uint8Array(data)))) out[name] = strFromU8(bytes);
  return out;
}

describe('protectFile on XLSX', () => {
  it('protectFile protects cells, formulas, comments, properties and pivot caches and keeps the workbook', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.xlsx'), workbook());
    const policy = parsePolicy(POLICY, join(dir, 'p.yaml'), { env: ENV });
    const report = await protectFile(join(dir, 'in.xlsx'), join(dir, 'out.xlsx'), policy);
    expect(report.format).toBe('xlsx');
    expect(report.warnings).toEqual([
      'Part "xl/embeddings/oleObject1.bin" of "in.xlsx" is binary and was copied without protection',
    ]);
    const out = readFileSync(join(dir, 'out.xlsx'));
    const [a, b, c] = P as [(typeof P)[number], (typeof P)[number], (typeof P)[number]];
    const got = await cells(out);
    expect(got.get('2:姓名')).not.toBe(a.name);
    expect(got.get('2:untouched')).toBe(a.name);
    expect(got.get('2:phone')).toBe(`${a.mobile.slice(0, 3)}****${a.mobile.slice(7)}`);
    expect(isMod112Valid(got.get('2:身份证号') ?? '')).toBe(true);
    expect(isMod112Valid(got.get('3:身份证号') ?? '')).toBe(true);
    expect(got.get('2:note')).toBe(`tel ${a.mobile.slice(0, 3)}****${a.mobile.slice(7)}`);
    expect(got.get('3:note')).toBe('普通备注');
    expect(got.get('4:phone')).toBe('42');

    const inParts = parts(workbook());
    const outParts = parts(out);
    expect(Object.keys(outParts).sort()).toEqual(Object.keys(inParts).sort());
    for (const name of ['[Content_Types].xml', 'xl/styles.xml', 'xl/_rels/workbook.xml.rels']) {
      expect(outParts[name]).toBe(inParts[name]);
    }
    expect(outParts['xl/worksheets/sheet1.xml']).toContain(
      '<mergeCells count="1"><mergeCell ref="D3:E3"/></mergeCells>',
    );
    expect(outParts['xl/worksheets/sheet1.xml']).toContain('<c r="B2" t="inlineStr"><is><t xml:space="preserve">');
    expect(outParts['xl/worksheets/sheet1.xml']).toContain('<c r="A2" t="s" s="1"><v>');
    // The untouched column still uses the original entry, so it stays; the others' originals are gone.
    const all = Object.values(outParts).join('\n');
    expect(leaks(all, [a.mobile, b.mobile, c.mobile, a.id, b.id, c.email, b.name])).toEqual({
      detected: [],
      present: 0,
    });
    expect(all).not.toContain(b.id.slice(9));
    expect(outParts['xl/pivotCache/pivotCacheDefinition1.xml']).not.toContain(`v="${a.name}"`);
  });

  it('protectFile leaves no trace of an XLSX that cannot be rewritten', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'zip.xlsx'), buildZip([{ name: 'a.txt', data: 'hello' }]));
    const policy = parsePolicy(POLICY, join(dir, 'p.yaml'), { env: ENV });
    await expect(protectFile(join(dir, 'zip.xlsx'), join(dir, 'out.xlsx'), policy)).rejects.toMatchObject({
      code: 'LG_INPUT_INVALID',
      message: 'Cannot rewrite XLSX "zip.xlsx": it is a zip archive but not an XLSX workbook',
    });
    const bad = buildZip(
      Object.entries(parts(workbook())).map(([name, data]) => ({
        name,
        data: name === 'xl/worksheets/sheet1.xml' ? data.replace('</sheetData>', '') : data,
      })),
    );
    writeFileSync(join(dir, 'bad.xlsx'), bad);
    await expect(protectFile(join(dir, 'bad.xlsx'), join(dir, 'out.xlsx'), policy)).rejects.toMatchObject({
      code: 'LG_INPUT_INVALID',
      message: 'Cannot rewrite XLSX "bad.xlsx": part "xl/worksheets/sheet1.xml" it is not well-formed XML',
    });
    expect(filesIn(dir).filter((f) => f.startsWith('out') || f.includes('leakguard-tmp'))).toEqual([]);
  });

  it('revealFile restores reversible XLSX cells', async () => {
    const dir = tempDir();
    const [a, b] = P as [(typeof P)[number], (typeof P)[number]];
    const sheet = `<?xml version="1.0"?><worksheet ${NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>phone</t></is></c><c r="B1" t="inlineStr"><is><t>note</t></is></c></row><row r="2"><c r="A2"><v>${a.mobile}</v></c><c r="B2" t="inlineStr"><is><t>卡 ${a.card} 邮箱 ${a.email}</t></is></c></row><row r="3"><c r="A3"><v>${b.mobile}</v></c><c r="B3" t="inlineStr"><is><t>证件 ${b.id}</t></is></c></row></sheetData></worksheet>`;
    const book = buildZip([
      {
        name: '[Content_Types].xml',
        data: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
      },
      {
        name: 'xl/workbook.xml',
        data: `<?xml version="1.0"?><workbook ${NS} xmlns:r="${REL}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      },
      {
        name: 'xl/_rels/workbook.xml.rels',
        data: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      },
      { name: 'xl/worksheets/sheet1.xml', data: sheet },
    ]);
    writeFileSync(join(dir, 'in.xlsx'), book);
    const policy = parsePolicy(REVERSIBLE_POLICY, join(dir, 'p.yaml'), { env: ENV });
    await protectFile(join(dir, 'in.xlsx'), join(dir, 'mid.xlsx'), policy);
    const mid = readFileSync(join(dir, 'mid.xlsx'));
    expect(leaks(Object.values(parts(mid)).join('\n'), [a.mobile, b.mobile, a.card, a.email, b.id])).toEqual({
      detected: [],
      present: 0,
    });
    await revealFile(join(dir, 'mid.xlsx'), join(dir, 'back.xlsx'), policy, { audit: join(dir, 'audit.jsonl') });
    expect(await cells(readFileSync(join(dir, 'back.xlsx')))).toEqual(await cells(book));
  });
});
