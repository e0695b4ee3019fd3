// Risk benchmark: rows/s, CPU-seconds and peak RSS for re-identification risk measurement and for k-anonymisation
// on generated people (bench/risk-data.mjs: synthetic, seeded), from a CSV file (row by row), a SQLite table and a
// PostgreSQL table (both aggregated in the database: only groups reach the process).
//
// Run after `npm run build`:
//   node bench/risk.mjs                         # 1,000,000 rows, CSV and SQLite
//   node bench/risk.mjs --rows 10000000         # the issue's 10M rows (≈ 0.97 GB of CSV)
//   node bench/risk.mjs --only csv,postgres     # inputs: csv, sqlite, postgres (LEAKGUARD_BENCH_PG_URL, default
//                                               # postgres://postgres@127.0.0.1:5432/test; loaded with psql \copy)
//   node bench/risk.mjs --max-groups 1000000    # force generalised pushdown / refuse files beyond 1M combinations
//   node bench/risk.mjs --phases measure        # measure, anonymize (default: both)
//   node bench/risk.mjs --json                  # results as JSON on stdout (for bench/run.js)
// Each phase (measure, anonymise) of each input runs in its own child process, so its peak RSS is its own.
// LEAKGUARD_DIST=path overrides ../dist; LEAKGUARD_BENCH_DIR (default: the OS temp dir) holds the generated
// inputs, which are reused when they already have the requested row count. Nothing asserts a time.
//
// Quasi-identifiers: the masked resident ID (region prefix and sex survive), birth date, sex and district
// address; sensitive: diagnosis. Anonymisation: k = 5, l = 2, at most 5 % suppressed, non-uniform entropy.

import { execFileSync, spawn } from 'node:child_process';
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
const ONLY = opt('--only', 'csv,sqlite').split(',');
const MAX_GROUPS = Number(opt('--max-groups', 20_000_000));
const PHASES = opt('--phases', 'measure,anonymize').split(',');
const JSON_OUT = args.includes('--json');
const DIR = process.env.LEAKGUARD_BENCH_DIR ?? os.tmpdir();
const PG_URL = process.env.LEAKGUARD_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PG_TABLE = `lg_risk_bench_${ROWS}`;
const log = (s) => process.stderr.write(`${s}\n`);

const QUASI = ['身份证号', '出生日期', '性别', '地址'];
const SENSITIVE = ['诊断'];

async function ensureCsv() {
  const p = path.join(DIR, `lg-risk-bench-${ROWS}.csv`);
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

/** Loads the CSV into PostgreSQL with psql's \copy (the same rows as the file), unless already there. */
async function ensurePostgres() {
  const psql = (sql) =>
    execFileSync('psql', [PG_URL, '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  let have = -1;
  try {
    have = Number(psql(`SELECT count(*) FROM ${PG_TABLE}`).trim());
  } catch {
    have = -1;
  }
  if (have === ROWS) return;
  const csv = await ensureCsv();
  log(`loading ${ROWS} rows into PostgreSQL table ${PG_TABLE}`);
  psql(`DROP TABLE IF EXISTS ${PG_TABLE}`);
  psql(`CREATE TABLE ${PG_TABLE} (${HEADER.map((h) => `"${h}" text`).join(', ')})`);
  psql(`\\copy ${PG_TABLE} FROM '${csv.replace(/'/g, "''")}' WITH (FORMAT csv, HEADER true)`);
  psql(`ANALYZE ${PG_TABLE}`);
}

/** One phase in this process (the child side). */
async function child(kind, phase) {
  const { createAnalyzer } = await load('detect/analyzer.js');
  const { builtinRecognizers } = await load('detect/presets.js');
  const { openRowInput } = await load('risk/input.js');
  const { measureRisk, anonymizeInput } = await load('risk/risk.js');
  const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
  const target =
    kind === 'csv'
      ? path.join(DIR, `lg-risk-bench-${ROWS}.csv`)
      : kind === 'sqlite'
        ? `sqlite:${path.join(DIR, `lg-risk-bench-${ROWS}.db`)}`
        : PG_URL;
  const table = kind === 'csv' ? undefined : kind === 'sqlite' ? 'people' : PG_TABLE;
  const options = { analyzer, quasi: QUASI, sensitive: SENSITIVE, maxGroups: MAX_GROUPS };
  const out = path.join(DIR, `lg-risk-bench-${ROWS}-${kind}.k5.csv`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const input = await openRowInput(target, { table });
  let r;
  try {
    r =
      phase === 'measure'
        ? await measureRisk(input, options)
        : await anonymizeInput(input, { ...options, k: 5, l: 2, maxSuppression: 0.05, output: out, overwrite: true });
  } finally {
    await input.close();
  }
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  fs.rmSync(out, { force: true });
  const result = {
    input: kind,
    phase,
    rows: r.records,
    groups: r.groups,
    pushdown: r.pushdown,
    wallS: Math.round(wallS * 10) / 10,
    cpuS: Math.round(cpuS * 10) / 10,
    rowsPerS: Math.round(r.records / wallS),
    rowsPerCpuS: Math.round(r.records / cpuS),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    kBefore: r.metrics.k,
    sampleUniqueness: r.metrics.sampleUniqueness,
  };
  if (phase === 'anonymize') {
    Object.assign(result, {
      kAfter: r.after.k,
      transformation: r.transformation,
      groupedInDatabaseAt: r.groupedInDatabaseAt,
      suppressed: r.suppressed.records,
      nodes: r.lattice.nodes,
      evaluated: r.lattice.evaluated,
      entropyLoss: r.utility.after.entropyLoss,
    });
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(kind, phase) {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [
        fileURLToPath(import.meta.url),
        '--child',
        kind,
        phase,
        '--rows',
        String(ROWS),
        '--max-groups',
        String(MAX_GROUPS),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    p.stdout.on('data', (c) => {
      out += c;
    });
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()))
        : reject(new Error(`${kind} ${phase}: exit ${code}`)),
    );
  });
}

const childAt = args.indexOf('--child');
if (childAt >= 0) {
  await child(args[childAt + 1], args[childAt + 2]);
} else {
  const results = [];
  for (const kind of ONLY) {
    if (kind === 'csv') await ensureCsv();
    else if (kind === 'sqlite') await ensureSqlite();
    else if (kind === 'postgres') await ensurePostgres();
    else throw new Error(`unknown input "${kind}" (csv, sqlite, postgres)`);
    for (const phase of PHASES) {
      const load0 = os.loadavg()[0];
      const r = await runChild(kind, phase);
      r.loadavg = Math.round(((load0 + os.loadavg()[0]) / 2) * 10) / 10;
      results.push(r);
      log(
        `${kind} ${phase}: ${r.rows} rows, ${r.groups} groups${r.groupedInDatabaseAt ? ` (grouped in the database at ${JSON.stringify(r.groupedInDatabaseAt)})` : ''}; ${r.wallS} s wall, ${r.cpuS} CPU-s (${r.rowsPerCpuS} rows per CPU-s), peak RSS ${r.peakRssMB} MB, load ${r.loadavg}${r.evaluated ? `; ${r.evaluated}/${r.nodes} nodes, k ${r.kBefore} → ${r.kAfter}, ${r.suppressed} suppressed` : ''}`,
      );
    }
  }
  const machine = {
    node: process.version,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memGB: Math.round(os.totalmem() / 2 ** 30),
  };
  if (JSON_OUT)
    process.stdout.write(`${JSON.stringify({ rows: ROWS, maxGroups: MAX_GROUPS, results, machine }, null, 2)}\n`);
}
