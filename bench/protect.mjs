// Protect throughput, file to file, one core: text MB/s (the detection benchmark's corpus, streamed in
// windows), CSV rows/s (detection on every cell, and with column rules), NDJSON lines/s, Parquet rows/s and
// XLSX rows/s, with a detection-only baseline over the same text and the peak RSS of the process.
//
// Run after `npm run build`:
//   node bench/protect.mjs                 # 20 MB of text, 100,000 rows per structured format, median of 3
//   node bench/protect.mjs --mb 100 --rows 200000 --runs 5
//   node bench/protect.mjs --json          # results as JSON on stdout (for bench/run.js)
// LEAKGUARD_DIST=path overrides ../dist. Nothing asserts a time: it is a benchmark, not a test.
//
// Policy: the shape of examples/policy.yaml with an in-memory vault (mask phones, names and addresses;
// pseudonym resident IDs; fpe with preserveCheck for cards; keyed hash for e-mail; encrypt secrets; tokenize
// passports; replace the rest; onError: redact). Inputs are synthetic (the project's generators, seeded).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { load, numArg } from './args.mjs';
import { ensureCorpus, MB } from './corpus.mjs';

const args = process.argv.slice(2);
const num = (name, dflt) => numArg(args, name, dflt);
const textMb = num('--mb', 20);
const rowsN = num('--rows', 100_000);
const runs = num('--runs', 3);
const asJson = args.includes('--json');
const log = (s) => {
  if (!asJson) console.log(s);
};

const { protectFile } = await load('protect/files/index.js');
const { parsePolicy } = await load('protect/index.js');
const { createAnalyzer } = await load('detect/analyzer.js');
const { builtinRecognizers } = await load('detect/presets.js');
const cn = await load('synth/cn.js');
const { createSeededRng } = await load('synth/rng.js');
const text = await load('synth/text.js');
const intl = await load('synth/intl.js');
const { parquetWriteBuffer } = await import('hyparquet-writer');
const { zipSync, strToU8 } = await import('fflate');

const env = { LEAKGUARD_KEY: 'ab'.repeat(32) };
const POLICY = `keys: { main: { env: LEAKGUARD_KEY } }
vault: { memory: true }
rules:
  - { type: [CN_MOBILE, CN_LANDLINE, PERSON, ADDRESS], action: mask }
  - { type: CN_RESIDENT_ID, action: pseudonym, options: { keep: [region, birthDecade] } }
  - { type: [CN_BANK_CARD, CREDIT_CARD], action: fpe, options: { preserveCheck: true } }
  - { type: EMAIL_ADDRESS, action: hash, options: { encoding: base32, length: 26, prefix: "h_" } }
  - { type: SECRET, action: encrypt }
  - { type: CN_PASSPORT, action: tokenize }
default: { action: replace }
# The corpus holds 12-digit Maestro-style card numbers, which fpe with preserveCheck refuses (13-19 digits).
onError: redact
`;
// The same protection expressed as column rules for the structured inputs (no detection needed there).
const COLUMN_RULES = `  - { column: 姓名, action: mask }
  - { column: 手机, action: mask }
  - { column: 身份证号, action: pseudonym, options: { keep: [region, birthDecade] } }
  - { column: 银行卡号, action: fpe, options: { preserveCheck: true, as: CN_BANK_CARD } }
  - { column: 邮箱, action: hash, options: { length: 26 } }
  - { column: 地址, action: mask }
  - { column: [客户编号, 金额, 状态], action: keep }
`;
const policyText = (columns) => (columns ? POLICY.replace('default:', `${COLUMN_RULES}default:`) : POLICY);
const newPolicy = (columns) => parsePolicy(policyText(columns), 'bench.yaml', { env });
const analyzer = createAnalyzer({ recognizers: builtinRecognizers });

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-bench-protect-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

// ---- inputs ----------------------------------------------------------------------------------------------------
function people(n) {
  const rng = createSeededRng(20241129);
  const email = intl.intlGenerators.EMAIL_ADDRESS;
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({
      no: String(100000 + i),
      name: text.generateChineseName(rng),
      mobile: cn.generateMobile(rng),
      id: cn.generateResidentId(rng),
      card: cn.generateBankCard(rng),
      email: email(rng),
      address: text.generateChineseAddress(rng),
      amount: (rng.int(1_000_000) / 100).toFixed(2),
      status: ['已发货', '待付款', '已完成', '退款中'][rng.int(4)],
      note: rng.int(5) === 0 ? `客户来电 ${cn.generateMobile(rng)} 要求修改地址` : '无',
    });
  }
  return out;
}
const HEADER = ['客户编号', '姓名', '手机', '身份证号', '银行卡号', '邮箱', '地址', '金额', '状态', '备注'];
const row = (p) => [p.no, p.name, p.mobile, p.id, p.card, p.email, p.address, p.amount, p.status, p.note];
const csvCell = (s) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

function writeInputs(ps) {
  const files = {};
  files.csv = path.join(work, 'customers.csv');
  let csv = `${HEADER.join(',')}\n`;
  for (const p of ps) csv += `${row(p).map(csvCell).join(',')}\n`;
  fs.writeFileSync(files.csv, csv);
  files.ndjson = path.join(work, 'customers.ndjson');
  fs.writeFileSync(
    files.ndjson,
    `${ps.map((p) => JSON.stringify(Object.fromEntries(HEADER.map((h, i) => [h, row(p)[i]])))).join('\n')}\n`,
  );
  files.parquet = path.join(work, 'customers.parquet');
  fs.writeFileSync(
    files.parquet,
    Buffer.from(
      parquetWriteBuffer({
        columnData: HEADER.map((h, i) => ({ name: h, data: ps.map((p) => row(p)[i]), type: 'STRING' })),
        rowGroupSize: 50_000,
      }),
    ),
  );
  files.xlsx = path.join(work, 'customers.xlsx');
  fs.writeFileSync(files.xlsx, xlsx([HEADER, ...ps.map(row)]));
  return files;
}

/** A minimal workbook with shared strings, as spreadsheet programs write them. */
function xlsx(rows) {
  const esc = (s) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);
  const shared = [];
  const index = new Map();
  const col = (i) => String.fromCharCode(65 + i);
  const parts = [];
  for (let r = 0; r < rows.length; r++) {
    let cells = '';
    for (let c = 0; c < rows[r].length; c++) {
      const v = rows[r][c];
      let k = index.get(v);
      if (k === undefined) {
        k = shared.length;
        shared.push(v);
        index.set(v, k);
      }
      cells += `<c r="${col(c)}${r + 1}" t="s"><v>${k}</v></c>`;
    }
    parts.push(`<row r="${r + 1}">${cells}</row>`);
  }
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  return zipSync({
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
    ),
    'xl/workbook.xml': strToU8(
      `<?xml version="1.0"?><workbook ${ns} xmlns:r="${rel}"><sheets><sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    ),
    'xl/worksheets/sheet1.xml': strToU8(
      `<?xml version="1.0"?><worksheet ${ns}><sheetData>${parts.join('')}</sheetData></worksheet>`,
    ),
    'xl/sharedStrings.xml': strToU8(
      `<?xml version="1.0"?><sst ${ns} uniqueCount="${shared.length}">${shared.map((s) => `<si><t>${esc(s)}</t></si>`).join('')}</sst>`,
    ),
  });
}

// ---- measuring -------------------------------------------------------------------------------------------------
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let peakRss = 0;
const sampleRss = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

/** CPU time of the main thread in ms (Linux), or null: on a busy machine it moves less than wall time. */
function mainThreadCpuMs() {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

async function timeProtect(input, columns) {
  const times = [];
  const cpu = [];
  let report;
  for (let i = 0; i < runs; i++) {
    const out = path.join(work, `out-${i}-${path.basename(input)}`);
    const policy = newPolicy(columns);
    const c0 = mainThreadCpuMs();
    const t0 = performance.now();
    report = await protectFile(input, out, policy, { analyzer, overwrite: true });
    times.push(performance.now() - t0);
    const c1 = mainThreadCpuMs();
    if (c0 !== null && c1 !== null) cpu.push(c1 - c0);
    fs.rmSync(out, { force: true });
  }
  return { ms: median(times), cpuMs: cpu.length ? median(cpu) : null, report };
}

const results = {
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.availableParallelism?.() ?? os.cpus().length,
  loadAverage: Math.round(os.loadavg()[0] * 100) / 100,
  runs,
};

// Text: a prefix of the detection benchmark's corpus.
const corpus = await ensureCorpus({ mb: 100, log: (s) => log(s) });
const textFile = path.join(work, 'corpus.txt');
{
  const fd = fs.openSync(corpus.txt, 'r');
  const buf = Buffer.alloc(Math.min(textMb * MB, fs.statSync(corpus.txt).size));
  fs.readSync(fd, buf, 0, buf.length, 0);
  fs.closeSync(fd);
  const cut = buf.lastIndexOf(0x0a) + 1;
  fs.writeFileSync(textFile, buf.subarray(0, cut));
}
const textBytes = fs.statSync(textFile).size;
// Warm-up on the first MB.
{
  const warm = path.join(work, 'warm.txt');
  fs.writeFileSync(warm, fs.readFileSync(textFile).subarray(0, MB));
  await protectFile(warm, path.join(work, 'warm.out'), newPolicy(false), { analyzer, overwrite: true });
}
{
  const before = process.memoryUsage().rss;
  peakRss = before;
  const { ms, cpuMs, report } = await timeProtect(textFile, false);
  results.text = {
    mb: textBytes / MB,
    mbPerSec: textBytes / MB / (ms / 1000),
    mbPerCpuSec: cpuMs ? textBytes / MB / (cpuMs / 1000) : null,
    lines: report.records,
    valuesProtected: report.stats.values,
    // Growth of the process while streaming the file: bounded by the window, not the file size.
    rssGrowthMb: Math.round((peakRss - before) / MB),
  };
}
{
  // Detection alone over the same 1 MiB windows: what protect adds on top of it.
  const s = fs.readFileSync(textFile, 'utf8');
  const times = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const c0 = mainThreadCpuMs();
    const t0 = performance.now();
    for (let off = 0; off < s.length; off += 1 << 20) analyzer.detect(s.slice(off, off + (1 << 20)));
    times.push(performance.now() - t0);
    const c1 = mainThreadCpuMs();
    if (c0 !== null && c1 !== null) cpu.push(c1 - c0);
  }
  results.textDetectOnly = {
    mb: textBytes / MB,
    mbPerSec: textBytes / MB / (median(times) / 1000),
    mbPerCpuSec: cpu.length ? textBytes / MB / (median(cpu) / 1000) : null,
  };
}

const ps = people(rowsN);
const files = writeInputs(ps);
for (const [format, file] of Object.entries(files)) {
  for (const columns of format === 'csv' ? [false, true] : [false]) {
    const { ms, cpuMs, report } = await timeProtect(file, columns);
    const key = columns ? `${format}ColumnRules` : format;
    const bytes = fs.statSync(file).size;
    results[key] = {
      rows: report.records,
      rowsPerSec: report.records / (ms / 1000),
      rowsPerCpuSec: cpuMs ? report.records / (cpuMs / 1000) : null,
      mbPerSec: bytes / MB / (ms / 1000),
      valuesProtected: report.stats.values,
    };
  }
}
clearInterval(sampleRss);

if (asJson) {
  console.log(JSON.stringify(results, null, 2));
} else {
  const f = (n, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const cpuNote = (x, unit) => (x ? `  (${f(x, unit === 'MB' ? 2 : 0)} ${unit}/CPU-s)` : '');
  console.log(
    `\nnode ${results.node}, ${results.cpu}, ${results.cores} cores, load ${results.loadAverage}; median of ${runs} runs, file to file, one thread`,
  );
  console.log(
    `${`text (${f(results.text.mb)} MB corpus)`.padEnd(36)}${f(results.text.mbPerSec, 2).padStart(10)} MB/s${cpuNote(results.text.mbPerCpuSec, 'MB')}; detection alone ${f(results.textDetectOnly.mbPerSec, 2)} MB/s${cpuNote(results.textDetectOnly.mbPerCpuSec, 'MB')}; RSS +${results.text.rssGrowthMb} MB`,
  );
  const line = (label, r) =>
    console.log(
      `${label.padEnd(36)}${f(r.rowsPerSec, 0).padStart(10)} rows/s${cpuNote(r.rowsPerCpuSec, 'rows')}  ${f(r.mbPerSec, 2)} MB/s`,
    );
  line(`CSV, detection on every cell (${f(rowsN, 0)})`, results.csv);
  line('CSV, column rules', results.csvColumnRules);
  line('NDJSON (lines)', results.ndjson);
  line('Parquet', results.parquet);
  line('XLSX', results.xlsx);
}
