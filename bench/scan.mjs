/**
 * End-to-end `leakguard scan` throughput: a mixed directory of files, and a PostgreSQL table.
 *
 * Directory. A mixed directory of ≥ `--mb` MB (default 1024; 1 MB = 2^20 bytes) is generated under
 * `bench/.corpus/scan-<mb>mb/` (gitignored) from the detection corpus's lines (`bench/corpus.mjs`) and the project's
 * generators (`dist/synth`), and reused while its manifest (`bench/.corpus/scan-<mb>mb.json`) matches the files on
 * disk: plain logs, CSV with Chinese headers (姓名,身份证号,手机号,地址,备注), NDJSON, JSON arrays, a few gzip'd logs,
 * many small files, and — from 256 MB up — two files larger than 64 MiB (one log, one CSV), so the scanner's
 * byte-range units are exercised. Then, each in its own child process with `bench/rss-hook.mjs` preloaded:
 *   full         `leakguard scan DIR --json --quiet --catalog <tmp>/c.db` on a fresh catalog
 *   incremental  the same command again (nothing changed: every unit should be skipped)
 * MB/s counts the bytes on disk (gzip'd files at their compressed size) per wall-clock second; MB/CPU-s per
 * second of process CPU time (user + system), which a busy machine distorts less.
 *
 * PostgreSQL. A table `lg_bench_scan_<rows>` (id, name, resident_id, mobile, address, note, created_at; `--rows`,
 * default 1,000,000) in $LEAKGUARD_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test), filled from the
 * project's generators with `psql … COPY FROM STDIN` (or multi-row INSERTs if psql is missing) and kept between runs
 * while it holds the right row count. Then `leakguard scan postgres://…?tables=<t>` sampled (the default) and with
 * `--full`, each on a fresh catalog: rows/s and peak RSS. If PostgreSQL is unreachable the section says so and the
 * directory figures are still printed.
 *
 * Usage: npm run build && node bench/scan.mjs [options]
 *   --mb N           size of the mixed directory in MB (default 1024)
 *   --rows N         rows in the PostgreSQL table (default 1000000)
 *   --skip-dir       skip the directory runs
 *   --skip-pg        skip the PostgreSQL runs
 *   --timeout S      stop any one scan after S seconds (default 1200); the row then says "timed out"
 *   --json           print the results as JSON on stdout (progress goes to stderr)
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { benchArgs } from './args.mjs';
import { CORPUS_DIR, ensureCorpus, MB } from './corpus.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(HERE, '..');
/** Bump when the directory layout or contents below change. */
const DIR_FORMAT = 2;
/** Distinct generated values per column in the directory's records. */
const POOL = 50_000;
/** The scanner splits text/CSV/NDJSON files above this into byte-range units (`DEFAULT_RANGE_BYTES`). */
const RANGE_BYTES = 64 * MB;

const { opts, positive } = benchArgs(import.meta.url, {
  mb: { type: 'string', default: '1024' },
  rows: { type: 'string', default: '1000000' },
  'skip-dir': { type: 'boolean', default: false },
  'skip-pg': { type: 'boolean', default: false },
  timeout: { type: 'string', default: '1200' },
  json: { type: 'boolean', default: false },
});
const log = (s) => process.stderr.write(`${s}\n`);
const dirMb = Math.round(positive('mb'));
const pgRows = Math.round(positive('rows'));
const timeoutMs = positive('timeout') * 1000;
const PG_URL = process.env.LEAKGUARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'commands', 'scan.js'))) {
  log('bench/scan: dist/ is missing — run `npm run build` first');
  process.exit(2);
}
const synth = async (f) => import(pathToFileURL(path.join(ROOT, 'dist', 'synth', f)).href);
const { createSeededRng } = await synth('rng.js');
const { cnGenerators } = await synth('cn.js');
const { textGenerators } = await synth('text.js');

// ---- child process with peak RSS and CPU time -------------------------------------------------------------------
/** Run `leakguard ARGS` with the RSS hook; resolve wall time, exit, stdout, stderr tail and the hook's figures. */
function runLeakguard(args) {
  const rssFile = path.join(os.tmpdir(), `lg-bench-scan-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', './bench/rss-hook.mjs', 'bin/leakguard.js', ...args], {
      cwd: ROOT,
      env: { ...process.env, BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    let hwmKb = 0;
    const poll = setInterval(() => {
      try {
        const m = /^VmHWM:\s*(\d+)/m.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
      } catch {}
    }, 500);
    const out = [];
    let err = '';
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c) => {
      err = (err + c).slice(-8000);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      let usage = null;
      try {
        usage = JSON.parse(fs.readFileSync(rssFile, 'utf8'));
        fs.rmSync(rssFile);
      } catch {}
      const ms = performance.now() - started;
      resolve({ code, signal, timedOut, ms, stdout: Buffer.concat(out).toString('utf8'), stderr: err, usage, hwmKb });
    });
  });
}

/** The figures every scan row carries, from a finished child. */
function figures(r) {
  const cpuMs = r.usage ? (r.usage.userUs + r.usage.systemUs) / 1000 : null;
  let summary = null;
  if (!r.timedOut) {
    try {
      summary = JSON.parse(r.stdout).summary ?? null;
    } catch {}
  }
  const ok = !r.timedOut && (r.code === 0 || r.code === 3) && summary;
  return {
    ok: Boolean(ok),
    exit: r.timedOut ? 'timeout' : (r.code ?? r.signal),
    ms: Math.round(r.ms),
    cpuMs: cpuMs == null ? null : Math.round(cpuMs),
    peakRssMb: r.usage ? Math.round(r.usage.maxRssKb / 1024) : Math.round(r.hwmKb / 1024),
    summary,
    error: ok
      ? undefined
      : r.timedOut
        ? `timed out after ${Math.round(timeoutMs / 1000)} s`
        : r.stderr.trim().slice(-600),
  };
}

// ---- the mixed directory ----------------------------------------------------------------------------------------
const csvCell = (s) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** Cycle through the corpus's lines. */
function lineSource(text) {
  let at = 0;
  return () => {
    let nl = text.indexOf('\n', at);
    if (nl < 0) {
      at = 0;
      nl = text.indexOf('\n', 0);
    }
    const line = text.slice(at, nl);
    at = nl + 1;
    return line;
  };
}

/** Build the record makers: each returns one record (a string ending in a newline where the format is lines). */
function makers(nextLine, rng) {
  // Pools of generated values, drawn at random: the generators are too slow to call for every one of ~10 M values.
  const pool = (gen) => {
    const values = Array.from({ length: POOL }, () => gen(rng));
    return () => values[rng.int(POOL)];
  };
  const person = pool(textGenerators.PERSON);
  const rid = pool(cnGenerators.CN_RESIDENT_ID);
  const mobile = pool(cnGenerators.CN_MOBILE);
  const address = pool(textGenerators.ADDRESS);
  let id = 0;
  return {
    log: () => `${nextLine()}\n`,
    csvHeader: '客户编号,姓名,身份证号,手机号,地址,备注\n',
    csv: () => `${++id},${csvCell(person())},${rid()},${mobile()},${csvCell(address())},${csvCell(nextLine())}\n`,
    ndjson: () =>
      `${JSON.stringify({ id: ++id, user: person(), mobile: mobile(), ts: 1709000000000 + id, msg: nextLine() })}\n`,
    json: () =>
      JSON.stringify({
        id: ++id,
        customer: { name: person(), idCard: rid(), tel: mobile(), address: address() },
        remark: nextLine(),
      }),
  };
}

/** Write one file of about `bytes` bytes in `kind`; return its size on disk. */
function writeFile(file, kind, bytes, mk) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  let size = 0;
  let buf = '';
  const flush = () => {
    if (buf) size += fs.writeSync(fd, buf);
    buf = '';
  };
  const target = bytes;
  const estimate = () => size + Buffer.byteLength(buf);
  if (kind === 'gz') {
    let text = '';
    while (Buffer.byteLength(text) < bytes) {
      for (let i = 0; i < 200; i++) text += mk.log();
    }
    size = fs.writeSync(fd, gzipSync(Buffer.from(text)));
    fs.closeSync(fd);
    return { size, plainBytes: Buffer.byteLength(text) };
  }
  if (kind === 'json') buf += '[\n';
  if (kind === 'csv') buf += mk.csvHeader;
  let first = true;
  while (estimate() < target) {
    for (let i = 0; i < 256; i++) {
      if (kind === 'json') {
        buf += `${first ? '' : ',\n'}  ${mk.json()}`;
        first = false;
      } else buf += mk[kind]();
    }
    if (buf.length > 1 << 20) flush();
  }
  if (kind === 'json') buf += '\n]\n';
  flush();
  fs.closeSync(fd);
  return { size, plainBytes: size };
}

/** Plan the files for a directory of `mb` MB: [relative path, kind, approximate bytes]. */
function plan(mb) {
  const total = mb * MB;
  const files = [];
  let left = total;
  if (mb >= 256) {
    files.push(['large/big-app.log', 'log', RANGE_BYTES + 8 * MB]);
    files.push(['large/big-customers.csv', 'csv', RANGE_BYTES + 8 * MB]);
    left -= 2 * (RANGE_BYTES + 8 * MB);
  }
  const gz = Math.min(4, Math.max(1, Math.floor(mb / 64)));
  for (let i = 0; i < gz; i++) {
    files.push([`archive/app-2024-03-${String(i + 1).padStart(2, '0')}.log.gz`, 'gz', 2 * MB]);
    left -= Math.round(2 * MB * 0.3); // compressed size, about 30 % of the text
  }
  // Many small files: 5 % of the size in 8–64 KiB files.
  const kinds = ['log', 'csv', 'ndjson', 'json'];
  const ext = { log: 'log', csv: 'csv', ndjson: 'ndjson', json: 'json' };
  let smallLeft = Math.max(64 * 1024, total * 0.05);
  for (let i = 0; smallLeft > 0; i++) {
    const k = kinds[i % 4];
    const size = (8 + ((i * 37) % 57)) * 1024;
    files.push([`small/${String(Math.floor(i / 100)).padStart(2, '0')}/rec-${i}.${ext[k]}`, k, size]);
    smallLeft -= size;
    left -= size;
  }
  // The rest in 1–6 MiB files of the four formats, in 10 folders.
  for (let i = 0; left > 0; i++) {
    const k = kinds[i % 4];
    const size = Math.min(left, (1 + ((i * 7) % 6)) * MB);
    files.push([`data/${String(i % 10)}/${k}-${i}.${ext[k]}`, k, size]);
    left -= size;
  }
  return files;
}

function walk(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

async function ensureScanDir(mb) {
  const dir = path.join(CORPUS_DIR, `scan-${mb}mb`);
  const manifestFile = `${dir}.json`;
  const corpus = await ensureCorpus({ mb: 100, log });
  if (fs.existsSync(manifestFile) && fs.existsSync(dir)) {
    const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    if (m.format === DIR_FORMAT && m.corpusKey === corpus.manifest.key) {
      const files = walk(dir);
      const bytes = files.reduce((a, f) => a + fs.statSync(f).size, 0);
      if (files.length === m.files && bytes === m.bytes) return { dir, manifest: m };
    }
  }
  log(`  generating a ${mb} MB mixed directory in ${path.relative(ROOT, dir)} …`);
  const started = performance.now();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(manifestFile, { force: true });
  const mk = makers(lineSource(fs.readFileSync(corpus.txt, 'utf8')), createSeededRng(20240601));
  const byKind = {};
  let bytes = 0;
  let plainBytes = 0;
  let large = 0;
  const list = plan(mb);
  for (const [rel, kind, size] of list) {
    const w = writeFile(path.join(dir, rel), kind, size, mk);
    bytes += w.size;
    plainBytes += w.plainBytes;
    if (w.size > RANGE_BYTES) large++;
    const k = (byKind[kind] ??= { files: 0, bytes: 0 });
    k.files++;
    k.bytes += w.size;
  }
  const manifest = {
    format: DIR_FORMAT,
    corpusKey: corpus.manifest.key,
    mb,
    files: list.length,
    bytes,
    plainBytes,
    largeFiles: large,
    byKind,
    generatedMs: Math.round(performance.now() - started),
  };
  fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  log(`  wrote ${list.length} files, ${(bytes / MB).toFixed(0)} MB in ${(manifest.generatedMs / 1000).toFixed(0)} s`);
  return { dir, manifest };
}

async function dirBench() {
  const { dir, manifest } = await ensureScanDir(dirMb);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lg-bench-scan-'));
  const catalog = path.join(tmp, 'c.db');
  const args = ['scan', dir, '--json', '--quiet', '--catalog', catalog];
  const rows = [];
  try {
    for (const run of ['full', 'incremental']) {
      log(`  scan ${run} (${manifest.files} files, ${(manifest.bytes / MB).toFixed(0)} MB) …`);
      const f = figures(await runLeakguard(args));
      const s = f.summary;
      const row = {
        run,
        ...f,
        files: manifest.files,
        bytes: manifest.bytes,
        mbPerSec: f.ok ? manifest.bytes / MB / (f.ms / 1000) : null,
        mbPerCpuSec: f.ok && f.cpuMs ? manifest.bytes / MB / (f.cpuMs / 1000) : null,
        filesPerSec: f.ok ? manifest.files / (f.ms / 1000) : null,
        assets: s?.assets ?? null,
        units: s?.units ?? null,
        unitsRead: s?.unitsRead ?? null,
        unitsSkipped: s?.unitsSkipped ?? null,
        unitsFailed: s?.unitsFailed ?? null,
        scannedBytes: s?.bytes ?? null,
        rows: s?.rows ?? null,
        findings: s?.findings ?? null,
        byType: s?.byType ?? null,
        grades: s?.grades ?? null,
        problems: s?.problems ?? null,
      };
      delete row.summary;
      rows.push(row);
      log(
        f.ok
          ? `  ${row.mbPerSec.toFixed(1)} MB/s, ${row.filesPerSec.toFixed(1)} files/s, ${row.units} units ` +
              `(${row.unitsRead} read, ${row.unitsSkipped} skipped), ${row.findings} findings, peak RSS ${row.peakRssMb} MB`
          : `  FAILED (${f.exit}): ${f.error}`,
      );
      if (!f.ok) break;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { dir: path.relative(ROOT, dir), manifest, runs: rows };
}

// ---- PostgreSQL ------------------------------------------------------------------------------------------------
async function pgBench() {
  const { default: pg } = await import('pg');
  const table = `lg_bench_scan_${pgRows}`;
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    return {
      error: `PostgreSQL unreachable at ${PG_URL.replace(/:[^:@/]*@/, ':***@')} (${e.code ?? e.message}): skipped`,
    };
  }
  let loadMs = null;
  try {
    const exists = await client.query('SELECT to_regclass($1) AS t', [`public.${table}`]);
    let count = -1;
    if (exists.rows[0].t) count = Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    if (count !== pgRows) {
      log(`  creating ${table} with ${pgRows} rows …`);
      const started = performance.now();
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      await client.query(
        `CREATE TABLE ${table} (id bigint PRIMARY KEY, name text, resident_id text, mobile text, address text,
         note text, created_at timestamptz)`,
      );
      await fillTable(client, table);
      await client.query(`ANALYZE ${table}`);
      loadMs = Math.round(performance.now() - started);
      log(`  loaded in ${(loadMs / 1000).toFixed(0)} s`);
    } else log(`  reusing ${table} (${pgRows} rows)`);
  } finally {
    await client.end();
  }
  const u = new URL(PG_URL);
  u.searchParams.set('tables', table);
  const runs = [];
  for (const mode of ['sampled', 'full']) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lg-bench-scan-pg-'));
    try {
      log(`  scan ${table} ${mode} …`);
      const args = ['scan', u.href, '--json', '--quiet', '--catalog', path.join(tmp, 'c.db')];
      if (mode === 'full') args.push('--full');
      const f = figures(await runLeakguard(args));
      const s = f.summary;
      const row = {
        run: mode,
        ...f,
        rows: s?.rows ?? null,
        rowsPerSec: f.ok && s?.rows ? s.rows / (f.ms / 1000) : null,
        rowsPerCpuSec: f.ok && s?.rows && f.cpuMs ? s.rows / (f.cpuMs / 1000) : null,
        scannedBytes: s?.bytes ?? null,
        findings: s?.findings ?? null,
        byType: s?.byType ?? null,
        grades: s?.grades ?? null,
        units: s?.units ?? null,
        problems: s?.problems ?? null,
      };
      delete row.summary;
      runs.push(row);
      log(
        f.ok
          ? `  ${row.rows} rows in ${(f.ms / 1000).toFixed(1)} s: ${row.rowsPerSec?.toFixed(0)} rows/s, ` +
              `${row.findings} findings, peak RSS ${row.peakRssMb} MB`
          : `  FAILED (${f.exit}): ${f.error}`,
      );
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return { table, rows: pgRows, loadMs, runs };
}

/** Fill `table` with `pgRows` generated rows: psql COPY if psql exists, else multi-row INSERTs in one transaction. */
async function fillTable(client, table) {
  const corpus = await ensureCorpus({ mb: 100, log });
  const nextLine = lineSource(fs.readFileSync(corpus.txt, 'utf8'));
  const rng = createSeededRng(20240602);
  const base = Date.UTC(2023, 0, 1);
  const row = (i) => [
    i,
    textGenerators.PERSON(rng),
    cnGenerators.CN_RESIDENT_ID(rng),
    cnGenerators.CN_MOBILE(rng),
    textGenerators.ADDRESS(rng),
    nextLine(),
    new Date(base + i * 31_000).toISOString(),
  ];
  const psql = spawnSync('psql', ['--version'], { encoding: 'utf8' });
  if (!psql.error && psql.status === 0) {
    const child = spawn(
      'psql',
      [PG_URL, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `COPY ${table} FROM STDIN WITH (FORMAT csv)`],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (c) => {
      err += c;
    });
    const done = new Promise((resolve) => child.on('close', resolve));
    let buf = '';
    for (let i = 1; i <= pgRows; i++) {
      buf += `${row(i)
        .map((v) => csvCell(String(v)))
        .join(',')}\n`;
      if (buf.length > 1 << 20) {
        if (!child.stdin.write(buf)) await new Promise((r) => child.stdin.once('drain', r));
        buf = '';
      }
    }
    child.stdin.end(buf);
    const code = await done;
    if (code !== 0) throw new Error(`psql COPY failed (${code}): ${err.trim().slice(-400)}`);
    return;
  }
  const BATCH = 1000;
  await client.query('BEGIN');
  for (let from = 1; from <= pgRows; from += BATCH) {
    const values = [];
    const params = [];
    for (let i = from; i < Math.min(from + BATCH, pgRows + 1); i++) {
      const r = row(i);
      params.push(`(${r.map((_, k) => `$${values.length + k + 1}`).join(',')})`);
      values.push(...r);
    }
    await client.query(`INSERT INTO ${table} VALUES ${params.join(',')}`, values);
  }
  await client.query('COMMIT');
}

// ---- main ------------------------------------------------------------------------------------------------------
function machine() {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {}
  return {
    cpu,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    ramGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

const report = { machine: machine(), dir: null, pg: null };
const started = performance.now();
if (!opts['skip-dir']) {
  log('▶ scan: mixed directory');
  try {
    report.dir = await dirBench();
  } catch (e) {
    report.dir = { error: e.message };
    log(`  FAILED: ${e.message}`);
  }
}
if (!opts['skip-pg']) {
  log('▶ scan: PostgreSQL table');
  try {
    report.pg = await pgBench();
    if (report.pg.error) log(`  ${report.pg.error}`);
  } catch (e) {
    report.pg = { error: e.message };
    log(`  FAILED: ${e.message}`);
  }
}
report.totalSeconds = Math.round((performance.now() - started) / 1000);
report.loadAverageEnd = Math.round(os.loadavg()[0] * 100) / 100;

const fmt = (n, d) => (typeof n === 'number' && Number.isFinite(n) ? n.toFixed(d) : '–');
const sec = (ms) => (typeof ms === 'number' ? (ms / 1000).toFixed(1) : '–');

/** The report as rows of a text or Markdown table. */
export function scanRows(rep) {
  const out = [];
  const d = rep.dir;
  if (d?.error) out.push([`directory (${dirMb} MB)`, 'FAILED', '', '', '', '', '', '', '', d.error.slice(0, 100)]);
  for (const r of d?.runs ?? []) {
    const m = d.manifest;
    out.push([
      `directory ${r.run}`,
      sec(r.ms),
      sec(r.cpuMs),
      fmt(r.mbPerSec, 1),
      fmt(r.mbPerCpuSec, 1),
      fmt(r.filesPerSec, 1),
      r.units == null ? '–' : `${r.units} (${r.unitsRead} read, ${r.unitsSkipped} skipped)`,
      r.findings ?? '–',
      r.peakRssMb ?? '–',
      r.ok
        ? `${m.files} files, ${(m.bytes / MB).toFixed(0)} MB on disk (${m.largeFiles} > 64 MiB)`
        : `FAILED: ${(r.error ?? '').split('\n')[0].slice(0, 100)}`,
    ]);
  }
  const p = rep.pg;
  if (p?.error) out.push(['PostgreSQL', 'skipped', '', '', '', '', '', '', '', p.error.slice(0, 120)]);
  for (const r of p?.runs ?? []) {
    out.push([
      `PostgreSQL ${r.run}`,
      sec(r.ms),
      sec(r.cpuMs),
      '–',
      '–',
      '–',
      r.units ?? '–',
      r.findings ?? '–',
      r.peakRssMb ?? '–',
      r.ok
        ? `${r.rows} of ${p.rows} rows: ${fmt(r.rowsPerSec, 0)} rows/s, ${fmt(r.rowsPerCpuSec, 0)} rows/CPU-s`
        : `FAILED: ${(r.error ?? '').split('\n')[0].slice(0, 100)}`,
    ]);
  }
  return out;
}
export const SCAN_HEAD = [
  'Run',
  'wall s',
  'CPU s',
  'MB/s',
  'MB/CPU-s',
  'files/s',
  'units',
  'findings',
  'peak RSS MB',
  'notes',
];

function table(head, body) {
  const width = (s) => {
    let w = 0;
    for (const ch of String(s)) w += /[\u1100-\uffff]/.test(ch) && !/[–×’…]/.test(ch) ? 2 : 1;
    return w;
  };
  const widths = head.map((h, i) => Math.max(width(h), ...body.map((r) => width(r[i] ?? ''))));
  const line = (cells) => cells.map((c, i) => String(c) + ' '.repeat(widths[i] - width(c))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else {
  const m = report.machine;
  process.stdout.write(
    `\nMachine: ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, ${m.os}, Node ${m.node}, ${m.date}\n` +
      `Load average (1 min): ${m.loadAverage} at start, ${report.loadAverageEnd} at end; total ${report.totalSeconds} s\n` +
      `(MB/s: bytes on disk per wall-clock second; CPU s: user + system time of the scan process)\n\n` +
      `${table(SCAN_HEAD, scanRows(report))}\n`,
  );
}
