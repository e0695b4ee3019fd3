/**
 * Test fixture builders: minimal zip, XLSX, DOCX, PDF, tar and e-mail files made by hand, so tests control every
 * byte (lying zip headers, overlapping entries) and need no binary fixtures in the repository. All data is
 * synthetic (reserved example domains, 555 phone numbers, test identity numbers).
 */
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import type { Fragment, Problem } from '../../source.js';
import type { ReadItem } from '../types.js';

/** One zip entry to build. */
export interface ZipEntrySpec {
  name: string;
  data: Buffer | string;
  /** 0 = stored, 8 = deflate (default). */
  method?: 0 | 8;
  /** Lie about the uncompressed size in both headers. */
  declaredSize?: number;
  /** Set the encryption flag (bit 0). */
  encrypted?: boolean;
}

/** Build a zip archive (no data descriptors, no zip64). */
export function buildZip(entries: readonly ZipEntrySpec[], options: { overlap?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  let firstOffset = 0;
  let firstCompressed: Buffer = Buffer.alloc(0);
  entries.forEach((e, i) => {
    const raw = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data;
    const method = e.method ?? 8;
    const compressed = method === 8 ? deflateRawSync(raw) : raw;
    const name = Buffer.from(e.name, 'utf8');
    const size = e.declaredSize ?? raw.length;
    const crc = crc32(raw);
    const flags = 0x0800 | (e.encrypted ? 1 : 0);
    const overlapped = options.overlap === true && i > 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(overlapped ? crc32(entries[0]!.data) : crc, 16);
    central.writeUInt32LE(overlapped ? firstCompressed.length : compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(overlapped ? firstOffset : offset, 42);
    centrals.push(Buffer.concat([central, name]));
    if (i === 0) {
      firstOffset = offset;
      firstCompressed = compressed;
    }
    if (!overlapped) {
      locals.push(local, name, compressed);
      offset += local.length + name.length + compressed.length;
    }
  });
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Build an XLSX workbook; string cells go to the shared-string table, numbers stay numbers. */
export function buildXlsx(
  sheets: readonly { name: string; rows: readonly (readonly (string | number | null)[])[] }[],
): Buffer {
  const shared: string[] = [];
  const sharedIndex = new Map<string, number>();
  const colName = (n: number): string => {
    let s = '';
    for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
    return s;
  };
  const sheetXml = sheets.map((sheet) => {
    const rows = sheet.rows
      .map((row, r) => {
        const cells = row
          .map((v, c) => {
            if (v === null) return '';
            const ref = `${colName(c + 1)}${r + 1}`;
            if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
            let idx = sharedIndex.get(v);
            if (idx === undefined) {
              idx = shared.length;
              shared.push(v);
              sharedIndex.set(v, idx);
            }
            return `<c r="${ref}" t="s"><v>${idx}</v></c>`;
          })
          .join('');
        return `<row r="${r + 1}">${cells}</row>`;
      })
      .join('');
    return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`;
  });
  const ns =
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
  const workbook = `<?xml version="1.0" encoding="UTF-8"?><workbook ${ns}><sheets>${sheets
    .map((s, i) => `<sheet name="${xmlEscape(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
    .join('')}</sheets></workbook>`;
  const rels = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets
    .map(
      (_, i) =>
        `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
    )
    .join(
      '',
    )}<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
  const sst = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${shared.length}">${shared
    .map((s) => `<si><t xml:space="preserve">${xmlEscape(s)}</t></si>`)
    .join('')}</sst>`;
  return buildZip([
    {
      name: '[Content_Types].xml',
      data: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    },
    { name: 'xl/workbook.xml', data: workbook },
    { name: 'xl/_rels/workbook.xml.rels', data: rels },
    ...sheetXml.map((data, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data })),
    { name: 'xl/sharedStrings.xml', data: sst },
  ]);
}

/** Build a DOCX document with body paragraphs and an optional header part. */
export function buildDocx(paragraphs: readonly string[], header?: string): Buffer {
  const w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const p = (t: string): string => `<w:p><w:r><w:t xml:space="preserve">${xmlEscape(t)}</w:t></w:r></w:p>`;
  const doc = `<?xml version="1.0" encoding="UTF-8"?><w:document ${w}><w:body>${paragraphs.map(p).join('')}</w:body></w:document>`;
  const entries: ZipEntrySpec[] = [
    {
      name: '[Content_Types].xml',
      data: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    },
    { name: 'word/document.xml', data: doc },
  ];
  if (header !== undefined)
    entries.push({ name: 'word/header1.xml', data: `<?xml version="1.0"?><w:hdr ${w}>${p(header)}</w:hdr>` });
  return buildZip(entries);
}

/** Build a PDF with one text line per page (Helvetica, `Tj`), with a correct cross-reference table. */
export function buildPdf(pages: readonly string[]): Buffer {
  const objs: string[] = [];
  objs.push('<< /Type /Catalog /Pages 2 0 R >>');
  objs.push(`<< /Type /Pages /Kids [${pages.map((_, i) => `${4 + 2 * i} 0 R`).join(' ')}] /Count ${pages.length} >>`);
  objs.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  pages.forEach((t, i) => {
    const escaped = t.replace(/\\/g, '\\\\').replace(/\(/g, '\\(').replace(/\)/g, '\\)');
    const content = `BT /F1 12 Tf 72 720 Td (${escaped}) Tj ET`;
    objs.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + 2 * i} 0 R >>`,
    );
    objs.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  });
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Build a ustar archive. */
export function buildTar(entries: readonly { name: string; data: Buffer | string }[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data;
    const h = Buffer.alloc(512);
    h.write(e.name, 0, 100, 'utf8');
    h.write('0000644\0', 100, 'latin1');
    h.write('0000000\0', 108, 'latin1');
    h.write('0000000\0', 116, 'latin1');
    h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    h.write('00000000000\0', 136, 'latin1');
    h.write('        ', 148, 'latin1');
    h.write('0', 156, 'latin1');
    h.write('ustar\0', 257, 'latin1');
    h.write('00', 263, 'latin1');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    parts.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** gzip with the original name in the header (FNAME). */
export function buildGzip(data: Buffer | string): Buffer {
  return gzipSync(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
}

/** A multipart e-mail with a text body, an HTML alternative and one attachment. */
export function buildEml(options: {
  text?: string;
  html?: string;
  attachment?: { name: string; type: string; data: Buffer };
}): string {
  const lines = [
    'From: "Test Sender" <sender@example.com>',
    'To: recipient@example.org, "Second" <second@example.net>',
    'Cc: cc@example.com',
    'Subject: =?UTF-8?B?5rWL6K+V?= quarterly list',
    'Date: Mon, 1 Jan 2024 10:00:00 +0000',
    'Message-ID: <test-1@example.com>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="BOUNDARY"',
    '',
    '--BOUNDARY',
  ];
  if (options.text !== undefined) {
    lines.push(
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      options.text,
      '--BOUNDARY',
    );
  }
  if (options.html !== undefined) {
    lines.push('Content-Type: text/html; charset=utf-8', '', options.html, '--BOUNDARY');
  }
  if (options.attachment) {
    const b64 = options.attachment.data.toString('base64').replace(/.{76}/g, '$&\r\n');
    lines.push(
      `Content-Type: ${options.attachment.type}; name="${options.attachment.name}"`,
      `Content-Disposition: attachment; filename="${options.attachment.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      b64,
      '--BOUNDARY',
    );
  }
  lines[lines.length - 1] = '--BOUNDARY--';
  return `${lines.join('\r\n')}\r\n`;
}

/** Drain a reader into fragments and problems. */
export async function collect(
  items: AsyncIterable<ReadItem | readonly ReadItem[]>,
): Promise<{ fragments: Fragment[]; problems: Problem[] }> {
  const fragments: Fragment[] = [];
  const problems: Problem[] = [];
  for await (const entry of items) {
    for (const item of Array.isArray(entry) ? (entry as readonly ReadItem[]) : [entry as ReadItem]) {
      if ('problem' in item) problems.push(item);
      else fragments.push(item);
    }
  }
  return { fragments, problems };
}
