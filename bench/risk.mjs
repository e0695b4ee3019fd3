// Risk benchmark: rows/s, CPU-seconds and peak RSS for re-identification risk measurement and for k-anonymisation
// on generated people (bench/risk-data.mjs: synthetic, seeded), from a CSV file (row by row) and from a SQLite
// table (GROUP BY pushed down to the database, so only groups reach the process).
//
// Run after `npm run build`:
//   node bench/risk.mjs                     # 1,000,000 rows
//   node bench/risk.mjs --rows 10000000     # the issue's 10M rows (≈ 1 GB of CSV, a 0.9 GB SQLite file)
//   node bench/risk.mjs --json              # results as JSON on stdout (for bench/run.js)
//   node bench/risk.mjs --only csv|sqlite   # one input kind
// LEAKGUARD_DIST=path overrides ../dist; LEAKGUARD_BENCH_DIR (default: the OS temp dir) holds the generated
// inputs, which are reused when they already have the requested row count. Nothing asserts a time.
//
// Quasi-identifiers: the masked resident ID (region prefix and sex survive), birth date, sex and district
// address; sensitive: diagnosis. Anonymisation: k = 5, l = 2, at most 5 % suppressed, non-uniform entropy.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { csvLine, HEADER, person, rng } from './risk-data.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.env.LEAKGUARD_DIST ?? path.join(HERE, '..', 'dist'));
const load = (p) => import(pathToFileURL(path.join(dist, p)).href);
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i < 0 ? dflt : args[i + 1];
};
const ROWS = Number(opt('--rows', 1_000_000));
const ONLY = opt('--only', 'all');
const JSON_OUT = args.includes('--json');
const DIR = process.env.LEAKGUARD_BENCH_DIR ?? os.tmpdir();
const log = (s) => process.stderr.write(`${s}\n`);

const QUASI = ['身份证号', '出生日期', '性别', '地址'];
const SENSITIVE = ['诊断'];

function csvPath() {
  return path.join(DIR, `lg-risk-bench-${ROWS}.csv`);
}

async function ensureCsv() {
  const p = csvPath();
  if (fs.existsSync(p)) return p;
  log(`generating ${ROWS} rows → ${p}`);
  const r = rng(20261129);
  const out = fs.createWriteStream(`${p}.tmp`);
  out.write(`${HEADER.join(',')}\n`);
  let buf = '';
  for (let i = 0; i < ROWS; i++) {
    buf += csvLine(person(r));
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((res) => out.once('drain', res));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise((res) => out.end(res));
  fs.renameSync(`${p}.tmp`, p);
  return p;
}

async function ensureSqlite() {
  const p = path.join(DIR, `lg-risk-bench-${ROWS}.db`);
  if (fs.existsSync(p)) return p;
  log(`generating a ${ROWS}-row SQLite table → ${p}`);
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(`${p}.tmp`);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(`CREATE TABLE people (id INTEGER PRIMARY KEY, ${HEADER.map((h) => `"${h}" TEXT`).join(', ')})`);
  const st = db.prepare(`INSERT INTO people VALUES (?, ${HEADER.map(() => '?').join(', ')})`);
  const r = rng(20261129);
  const batch = db.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      const x = person(r);
      st.run(i + 1, x.name, x.idMasked, x.birth, x.sex, x.region, x.postcode, x.occupation, x.ethnicity, x.diagnosis);
    }
  });
  for (let i = 0; i < ROWS; i += 100_000) batch(i, Math.min(ROWS, i + 100_000));
  db.close();
  fs.renameSync(`${p}.tmp`, p);
  return p;
}

async function timed(fn) {
  global.gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { result, wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

const { createAnalyzer } = await load('detect/analyzer.js');
const { builtinRecognizers } = await load('detect/presets.js');
const { openRowInput } = await load('risk/input.js');
const { measureRisk, anonymizeInput } = await load('risk/risk.js');
const analyzer = createAnalyzer({ recognizers: builtinRecognizers });

const results = [];
async function run(kind, target, table) {
  const options = { analyzer, quasi: QUASI, sensitive: SENSITIVE, maxGroups: 20_000_000 };
  const m = await timed(async () => {
    const input = await openRowInput(target, { table });
    try {
      return await measureRisk(input, options);
    } finally {
      await input.close();
    }
  });
  const out = path.join(DIR, `lg-risk-bench-${ROWS}-${kind}.k5.csv`);
  const a = await timed(async () => {
    const input = await openRowInput(target, { table });
    try {
      return await anonymizeInput(input, {
        ...options,
        k: 5,
        l: 2,
        maxSuppression: 0.05,
        output: out,
        overwrite: true,
      });
    } finally {
      await input.close();
    }
  });
  fs.rmSync(out, { force: true });
  const row = {
    input: kind,
    rows: m.result.records,
    groups: m.result.groups,
    measure: { wallS: m.wall, cpuS: m.cpu, rowsPerS: Math.round(m.result.records / m.wall) },
    anonymize: {
      wallS: a.wall,
      cpuS: a.cpu,
      rowsPerS: Math.round(a.result.records / a.wall),
      transformation: a.result.transformation,
      suppressed: a.result.suppressed.records,
      nodes: a.result.lattice.nodes,
      evaluated: a.result.lattice.evaluated,
    },
    kBefore: m.result.metrics.k,
    sampleUniqueness: m.result.metrics.sampleUniqueness,
    kAfter: a.result.after.k,
  };
  results.push(row);
  log(
    `${kind}: ${row.rows} rows, ${row.groups} groups; measure ${row.measure.wallS.toFixed(1)} s wall / ${row.measure.cpuS.toFixed(1)} CPU-s (${row.measure.rowsPerS} rows/s); anonymise ${row.anonymize.wallS.toFixed(1)} s / ${row.anonymize.cpuS.toFixed(1)} CPU-s (${row.anonymize.rowsPerS} rows/s), ${row.anonymize.evaluated}/${row.anonymize.nodes} nodes`,
  );
}

if (ONLY === 'all' || ONLY === 'csv') await run('csv', await ensureCsv(), undefined);
if (ONLY === 'all' || ONLY === 'sqlite') await run('sqlite', `sqlite:${await ensureSqlite()}`, 'people');
const machine = {
  node: process.version,
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
};
log(`peak RSS ${machine.peakRssMB} MB; load average ${machine.loadavg.join(' ')}`);
if (JSON_OUT) process.stdout.write(`${JSON.stringify({ rows: ROWS, results, machine }, null, 2)}\n`);
