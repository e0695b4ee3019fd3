#!/usr/bin/env node
// Generates examples/company/: a small synthetic company (CSV customer export, NDJSON app logs, an XLSX sheet,
// a PDF letter, a SQLite database). Every value comes from the project's generators (valid check characters,
// real region codes, carrier prefixes and BINs) with a fixed seed, so the output is reproducible and contains
// no real person's data. Run after `npm run build`: `node scripts/make-examples.mjs`.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { strToU8, zipSync } from 'fflate';
import {
  generateBankCard,
  generateLandline,
  generateMobile,
  generatePlate,
  generateResidentId,
  generateUscc,
} from '../dist/synth/cn.js';
import { intlGenerators } from '../dist/synth/intl.js';
import { createSeededRng } from '../dist/synth/rng.js';
import { generateChineseAddress, generateChineseName, generateEnglishName } from '../dist/synth/text.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'company');
rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });
const rng = createSeededRng(20221129);

const people = [];
for (let i = 0; i < 60; i++) {
  const child = i % 15 === 14;
  const year = child ? 2015 + (i % 5) : 1955 + rng.int(45);
  const id = generateResidentId(rng, { birthDate: { year, month: 1 + rng.int(12), day: 1 + rng.int(28) } });
  people.push({
    id: 1000 + i,
    name: generateChineseName(rng),
    idNumber: id,
    mobile: generateMobile(rng),
    card: generateBankCard(rng),
    address: generateChineseAddress(rng),
    email: intlGenerators.EMAIL_ADDRESS(rng),
    birthday: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    plate: generatePlate(rng),
  });
}

// 1. CSV customer export (Chinese headers, one masked column the way a careless export often does it).
const csvQuote = (v) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const csv = [['客户编号', '姓名', '身份证号', '手机号', '银行卡号', '家庭住址', '出生日期', '备注'].join(',')];
for (const p of people.slice(0, 40)) {
  const note = p.id % 7 === 0 ? `已脱敏手机：${p.mobile.slice(0, 3)}****${p.mobile.slice(7)}` : '';
  csv.push([String(p.id), p.name, p.idNumber, p.mobile, p.card, p.address, p.birthday, note].map(csvQuote).join(','));
}
writeFileSync(join(root, 'customers.csv'), `${csv.join('\n')}\n`);

// 2. NDJSON application logs: mostly harmless, some leaking PII into messages.
const logs = [];
for (let i = 0; i < 200; i++) {
  const p = people[rng.int(people.length)];
  const ts = new Date(Date.UTC(2024, 10, 29, 8, 0, i * 7)).toISOString();
  const kind = rng.int(5);
  const msg =
    kind === 0
      ? `用户登录成功 mobile=${p.mobile}`
      : kind === 1
        ? `实名认证请求 id_card=${p.idNumber} name=${p.name}`
        : kind === 2
          ? `payment ok order=2024112915${String(100000 + i)} amount=${(rng.int(50000) / 100).toFixed(2)}`
          : kind === 3
            ? `health check ok latency=${rng.int(90)}ms`
            : `send mail to ${p.email}`;
  logs.push(
    JSON.stringify({
      ts,
      level: kind === 3 ? 'debug' : 'info',
      service: 'crm-api',
      trace: rng.next().toString(16),
      msg,
    }),
  );
}
writeFileSync(join(root, 'app.ndjson'), `${logs.join('\n')}\n`);

// 3. XLSX sheet (vehicle registrations), minimal OOXML with inline strings.
const xmlEsc = (s) =>
  String(s).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);
const colName = (i) => String.fromCharCode(65 + i);
const rows = [
  ['车主', '车牌号', '联系电话', '证件号码'],
  ...people.slice(40, 60).map((p) => [p.name, p.plate, p.mobile, p.idNumber]),
];
const sheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows
  .map(
    (r, ri) =>
      `<row r="${ri + 1}">${r.map((v, ci) => `<c r="${colName(ci)}${ri + 1}" t="inlineStr"><is><t>${xmlEsc(v)}</t></is></c>`).join('')}</row>`,
  )
  .join('')}</sheetData></worksheet>`;
const xlsx = zipSync({
  '[Content_Types].xml': strToU8(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
  ),
  '_rels/.rels': strToU8(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
  ),
  'xl/workbook.xml': strToU8(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="车辆登记" sheetId="1" r:id="rId1"/></sheets></workbook>',
  ),
  'xl/_rels/workbook.xml.rels': strToU8(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
  ),
  'xl/worksheets/sheet1.xml': strToU8(sheet),
});
writeFileSync(join(root, 'vehicles.xlsx'), xlsx);

// 4. PDF letter with a text layer (standard Helvetica; ASCII text so any PDF reader extracts it).
const p0 = people[3];
const en = generateEnglishName(rng);
const letter = [
  'Acme Trading (Shanghai) Co., Ltd.',
  `USCC ${generateUscc(rng)}`,
  '',
  `Dear ${en},`,
  `As requested, the account of our customer (ID ${p0.idNumber}) is linked to`,
  `mobile +86 ${p0.mobile.slice(0, 3)} ${p0.mobile.slice(3, 7)} ${p0.mobile.slice(7)} and card ${p0.card}.`,
  `Our office line is ${generateLandline(rng)}; write to ${p0.email} for questions.`,
  '',
  'Kind regards, Customer Service',
];
const pdfEsc = (s) => s.replace(/[\\()]/g, (c) => `\\${c}`);
const content = `BT /F1 11 Tf 60 780 Td 14 TL ${letter.map((l) => `(${pdfEsc(l)}) Tj T*`).join(' ')} ET`;
const objects = [
  '<< /Type /Catalog /Pages 2 0 R >>',
  '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
  '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
  `<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}\nendstream`,
  '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
];
let pdf = '%PDF-1.4\n';
const offsets = [];
objects.forEach((o, i) => {
  offsets.push(Buffer.byteLength(pdf));
  pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
});
const xref = Buffer.byteLength(pdf);
pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
writeFileSync(join(root, 'letter.pdf'), pdf, 'latin1');

// 5. SQLite database: members and orders.
const db = new Database(join(root, 'shop.db'));
db.exec(`CREATE TABLE members (id INTEGER PRIMARY KEY, xm TEXT, sfzh TEXT, sjh TEXT, email TEXT, addr TEXT, updated_at TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, member_id INTEGER, order_no TEXT, amount REAL, created_at TEXT);`);
const insM = db.prepare('INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?)');
const insO = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?)');
db.transaction(() => {
  for (const p of people) insM.run(p.id, p.name, p.idNumber, p.mobile, p.email, p.address, '2024-11-29T08:00:00Z');
  for (let i = 0; i < 120; i++) {
    insO.run(
      i + 1,
      1000 + rng.int(60),
      `2024112915${String(300000 + i)}`,
      rng.int(90000) / 100,
      '2024-11-29T09:00:00Z',
    );
  }
})();
db.close();

writeFileSync(
  join(root, 'README.md'),
  `# Example company (synthetic)

Generated by \`node scripts/make-examples.mjs\` (seeded; reproducible). Every identifier is synthetic: check
characters are computed, names and addresses come from plausible lists. Do not use them as real data.

- \`customers.csv\` — a customer export with Chinese headers (resident IDs, mobiles, bank cards, addresses, birthdays;
  some rows carry an already-masked mobile in the notes)
- \`app.ndjson\` — application logs leaking mobiles, IDs, names and e-mails into messages
- \`vehicles.xlsx\` — vehicle registrations (owners, plates, phones, IDs)
- \`letter.pdf\` — a letter with an ID number, a phone, a card and an e-mail in its text layer
- \`shop.db\` — a SQLite database: \`members\` (pinyin-abbreviated columns xm/sfzh/sjh) and \`orders\` (no PII)
`,
);
console.log(`wrote ${root}`);
