/**
 * `npm run bench`: leakguard's detection hot path side by side with npm PII detectors, in one run.
 *
 * Measures, each contender in its own process so peak RSS is its own:
 *   leakguard         library `createAnalyzer().detect(line)`, every line of the corpus, single thread
 *   leakguard-block   the same over ~64 KiB blocks of whole lines (per-call overhead vs. scanning)
 *   cli-jsonl         `cat corpus.jsonl | leakguard detect --jsonl --threads 1`, end to end (input bytes / wall time)
 *   cli-jsonl-threads the corpus JSONL four times through `--threads 1` and `--threads <cores>` (worker threads
 *                     start after the first 128 MiB): the speed-up on a large stream
 *   stream-1gb        `leakguard detect FILE` over a ≥1 GB file (the corpus repeated): peak RSS, target < 200 MB
 *   regex8            one V8 regex alternating eight simple patterns (scale baseline)
 *   ripgrep           `rg -j1 --count-matches` with the same eight patterns over the corpus file, if `rg` is
 *                     installed (scale baseline: a compiled DFA regex engine, no validation, no context)
 *   redactpii, redact-pii, openredaction
 *                     the npm peers, through their public APIs in default configuration, per line; a peer
 *                     too slow for the whole corpus runs on its first lines until --peer-seconds (the output
 *                     says so; MB/s is size-normalised)
 * then, each in its own child process, after the contenders:
 *   scan              `bench/scan.mjs`: `leakguard scan` over a generated ≥ 1 GB mixed directory (full and incremental)
 *                     and over a PostgreSQL table (sampled and --full): MB/s, files/s, rows/s, CPU time, peak RSS
 *   protect           `bench/protect.mjs`: protect file to file, text MB/s and CSV/NDJSON/Parquet/XLSX rows/s
 *   protect-db        `bench/protect-db.mjs`: protected copy of a PostgreSQL table, rows/s
 *   guard, audit, risk `bench/<name>.mjs` (guard: load test through the proxy; audit: endpoint probes and secret
 *                     history; risk: 1M rows measured and anonymised); --skip-areas skips the three
 *   leak, scale       only with --all or --only (long): leak = 1M identifiers ingested and looked up; scale =
 *                     queue overhead per unit and 1 → 2 pool threads / queue workers on the --scan-mb directory
 * and accuracy on the labeled evaluation set (`dist/eval/dataset.js` + `dist/eval/score.js`): micro P/R/F1 of
 * leakguard on all types, and of each peer against leakguard on the coarse types that peer claims.
 *
 * Usage: npm run build && npm run bench -- [options]
 *   --mb N             corpus size in MB (1 MB = 2^20 bytes; default 100)
 *   --only LIST        comma-separated contenders and sections (names above); `--only scan,protect,protect-db`
 *                      runs just the three sections
 *   --skip-1gb         skip the 1 GB streaming run
 *   --stream-mb N      size of the streaming file (default 1024)
 *   --peer-seconds S   time cap per peer, all passes together (default 40)
 *   --passes N         timed passes per in-process contender; the median is reported (default 3)
 *   --no-eval          skip accuracy
 *   --json             print the results as JSON (progress still goes to stderr)
 *   --update-md        write the figures into BENCHMARKS.md (between the bench:results markers)
 *   --save FILE        also write the JSON results to FILE
 *   --child-timeout S  stop any one contender after S seconds (default 480; the 1 GB stream then reports the
 *                      part it read)
 *   --skip-scan        skip the scan section
 *   --scan-mb N        size of the scan's mixed directory in MB (default 1024)
 *   --scan-rows N      rows in the scan's PostgreSQL table (default 1000000)
 *   --skip-protect     skip both protect sections (files and PostgreSQL)
 *   --skip-protect-db  skip only the PostgreSQL protect section
 *   --skip-areas       skip the guard, audit and risk sections
 *   --all              run every section, leak and scale included
 *   --protect-rows N   rows in the PostgreSQL protect copy (default 1000000)
 *   --section-timeout S  stop any one section after S seconds (default 5400)
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './args.mjs';
import { ensureCorpus, ensureRepeatedFile, MB } from './corpus.mjs';
import { REGEX8 } from './peers.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(HERE, '..');
const PEERS = ['redactpii', 'redact-pii', 'openredaction'];
const ALL = [
  'leakguard',
  'leakguard-block',
  'cli-jsonl',
  'cli-jsonl-threads',
  'stream-1gb',
  'regex8',
  'ripgrep',
  ...PEERS,
];
/** Sections run after the contenders, each a script of its own run as a child process. */
const SECTIONS = ['scan', 'protect', 'protect-db', 'guard', 'leak', 'audit', 'risk', 'scale'];
/** Hard limit for one contender process (--child-timeout), so a hung peer cannot stall the run. */
let CHILD_TIMEOUT_MS = 8 * 60 * 1000;

const { opts, positive } = benchArgs(import.meta.url, {
  mb: { type: 'string', default: '100' },
  only: { type: 'string' },
  'skip-1gb': { type: 'boolean', default: false },
  'stream-mb': { type: 'string', default: '1024' },
  'peer-seconds': { type: 'string', default: '40' },
  passes: { type: 'string', default: '3' },
  'no-eval': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  'update-md': { type: 'boolean', default: false },
  'child-timeout': { type: 'string', default: '480' },
  save: { type: 'string' },
  seed: { type: 'string', default: '20240305' },
  'skip-scan': { type: 'boolean', default: false },
  'scan-mb': { type: 'string', default: '1024' },
  'scan-rows': { type: 'string', default: '1000000' },
  'skip-protect': { type: 'boolean', default: false },
  'skip-protect-db': { type: 'boolean', default: false },
  'protect-rows': { type: 'string', default: '1000000' },
  'section-timeout': { type: 'string', default: '5400' },
  'skip-areas': { type: 'boolean', default: false },
  all: { type: 'boolean', default: false },
});

const log = (s) => process.stderr.write(`${s}\n`);
const corpusMb = positive('mb');
const streamMb = positive('stream-mb');
const peerSeconds = positive('peer-seconds');
CHILD_TIMEOUT_MS = positive('child-timeout') * 1000;
const passes = String(Math.round(positive('passes')));
const only = opts.only ? opts.only.split(',').map((s) => s.trim()) : null;
for (const name of only ?? []) {
  if (!ALL.includes(name) && !SECTIONS.includes(name)) {
    log(`bench: unknown contender "${name}" (known: ${[...ALL, ...SECTIONS].join(', ')})`);
    process.exit(2);
  }
}
const wanted = (name) => (only ? only.includes(name) : !(name === 'stream-1gb' && opts['skip-1gb']));
const scanMb = positive('scan-mb');
const scanRows = Math.round(positive('scan-rows'));
const protectRows = Math.round(positive('protect-rows'));
const sectionTimeoutMs = positive('section-timeout') * 1000;
// Area benchmarks in a plain run: guard, audit and risk (minutes each); leak (1M identifiers, ≈ 20 min) and scale
// (four ≥ 1 GB scans) only with --all or --only.
const AREAS = ['guard', 'audit', 'risk'];
const sectionWanted = (name) => {
  if (only) return only.includes(name);
  if (opts.all) return true;
  if (name === 'scan') return !opts['skip-scan'];
  if (name === 'protect') return !opts['skip-protect'];
  if (name === 'protect-db') return !opts['skip-protect'] && !opts['skip-protect-db'];
  if (AREAS.includes(name)) return !opts['skip-areas'];
  return false;
};

if (!fs.existsSync(path.join(ROOT, 'dist', 'detect', 'index.js'))) {
  log('bench: dist/ is missing — run `npm run build` first');
  process.exit(2);
}

// ---- machine facts ---------------------------------------------------------------------------------------------
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
    v8: process.versions.v8,
    date: new Date().toISOString(),
    /** 1-minute load average when the run started: other work on the machine skews every figure. */
    loadAverage: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

// ---- child processes -------------------------------------------------------------------------------------------
/**
 * Run a command; resolve `{ code, ms, stdout, stderr, lines, tally }`. With `countOutput`, stdout is consumed as
 * it comes and only line count and a per-line tally (`countOutput(line)` → key or null) are kept.
 */
function runChild(cmd, args, { stdin, env, countOutput, timeoutMs = CHILD_TIMEOUT_MS } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: [stdin ?? 'ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    // Peak RSS as the kernel sees it (VmHWM), polled: still known if the child has to be killed.
    let hwmKb = 0;
    const poll = setInterval(() => {
      try {
        const m = /^VmHWM:\s*(\d+)/m.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
      } catch {}
    }, 500);
    let stdout = '';
    let stderr = '';
    let lines = 0;
    let carry = '';
    const tally = new Map();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      if (!countOutput) {
        stdout += chunk;
        return;
      }
      const text = carry + chunk;
      let from = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
        lines++;
        countOutput(text.slice(from, nl), tally);
        from = nl + 1;
      }
      carry = text.slice(from);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c) => {
      if (stderr.length < 1 << 16) stderr += c;
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ code, signal, timedOut, hwmKb, ms: performance.now() - started, stdout, stderr, lines, tally });
    });
  });
}

async function worker(tool, extra) {
  const args = ['--expose-gc', path.join(HERE, 'worker.mjs'), '--tool', tool, '--passes', passes, ...extra];
  const r = await runChild(process.execPath, args);
  if (r.code !== 0) throw new Error(`${tool} exited with ${r.code ?? r.signal}: ${r.stderr.trim().slice(-2000)}`);
  const line = r.stdout.trim().split('\n').pop();
  return JSON.parse(line);
}

function rssFile(name) {
  const dir = path.join(HERE, '.corpus');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `rss-${name}-${process.pid}.json`);
}

function readRss(file) {
  try {
    const j = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.rmSync(file);
    return j;
  } catch {
    return null;
  }
}

/** Tally of finding types from `--jsonl` output lines. */
function tallyJsonl(line, tally) {
  for (let i = line.indexOf('"type":"'); i >= 0; i = line.indexOf('"type":"', i + 8)) {
    const end = line.indexOf('"', i + 8);
    const t = line.slice(i + 8, end);
    tally.set(t, (tally.get(t) ?? 0) + 1);
  }
}

/**
 * Tally of finding types from human output lines (`file:line:col\tTYPE\tscore\tpreview`); the last line number
 * seen is kept under the key `:line` (how far a run got if it has to be stopped).
 */
function tallyHuman(line, tally) {
  const a = line.indexOf('\t');
  if (a < 0) return;
  const b = line.indexOf('\t', a + 1);
  const t = line.slice(a + 1, b);
  tally.set(t, (tally.get(t) ?? 0) + 1);
  const c = line.lastIndexOf(':', a);
  const d = line.lastIndexOf(':', c - 1);
  const n = Number(line.slice(d + 1, c));
  if (n > 0) tally.set(':line', n);
}

/**
 * `detect --jsonl` end to end over the corpus JSONL `repeat` times in a row; `threads` 1 is the single-thread
 * figure, more adds worker threads.
 */
async function cliJsonl(corpus, threads, repeat = 1) {
  const rss = rssFile('cli');
  const cat = spawn('cat', Array(repeat).fill(corpus.jsonl), { stdio: ['ignore', 'pipe', 'inherit'] });
  const r = await runChild(
    process.execPath,
    ['--import', './bench/rss-hook.mjs', 'bin/leakguard.js', 'detect', '--jsonl', '--threads', String(threads)],
    { stdin: cat.stdout, env: { BENCH_RSS_FILE: rss }, countOutput: tallyJsonl },
  );
  if (r.code !== 0) throw new Error(`detect --jsonl exited with ${r.code ?? r.signal}: ${r.stderr.trim()}`);
  if (r.lines !== corpus.manifest.lines * repeat) {
    throw new Error(`detect --jsonl wrote ${r.lines} lines for ${corpus.manifest.lines * repeat} input lines`);
  }
  const usage = readRss(rss);
  const findings = [...r.tally.values()].reduce((a, b) => a + b, 0);
  return {
    tool: threads === 1 ? 'cli-jsonl' : 'cli-jsonl-threads',
    name: threads === 1 ? 'leakguard detect --jsonl' : `leakguard detect --jsonl --threads ${threads}`,
    threads,
    bytes: corpus.manifest.jsonlBytes * repeat,
    textBytes: corpus.manifest.bytes * repeat,
    ms: Math.round(r.ms),
    mbPerSec: (corpus.manifest.jsonlBytes * repeat) / MB / (r.ms / 1000),
    textMbPerSec: (corpus.manifest.bytes * repeat) / MB / (r.ms / 1000),
    peakRssMb: usage ? Math.round(usage.maxRssKb / 1024) : null,
    cpuMs: usage ? Math.round((usage.userUs + usage.systemUs) / 1000) : null,
    // Main-thread CPU says nothing when worker threads do the work.
    cpuMbPerSec:
      usage && threads === 1 ? (corpus.manifest.jsonlBytes * repeat) / MB / (usage.mainThreadCpuMs / 1000) : null,
    findings,
    byType: Object.fromEntries([...r.tally].sort((a, b) => b[1] - a[1])),
  };
}

/** Worker threads pay off on large streams only: one and all cores on the corpus JSONL four times (≈ 480 MB). */
async function cliJsonlThreads(corpus) {
  const repeat = 4;
  log(`  --threads 1 over the JSONL ${repeat} times …`);
  const one = await cliJsonl(corpus, 1, repeat);
  log(`  ${fmt(one.mbPerSec, 1)} MB/s; --threads ${os.availableParallelism()} …`);
  const all = await cliJsonl(corpus, os.availableParallelism(), repeat);
  if (all.findings !== one.findings)
    throw new Error(`--threads wrote ${all.findings} findings, one thread ${one.findings}`);
  return { ...all, single: { mbPerSec: one.mbPerSec, ms: one.ms, peakRssMb: one.peakRssMb }, speedup: one.ms / all.ms };
}

async function stream1gb(corpus) {
  log(`  preparing a ${streamMb} MB file …`);
  const big = ensureRepeatedFile(corpus, streamMb * MB);
  const rss = rssFile('stream');
  const r = await runChild(
    process.execPath,
    ['--import', './bench/rss-hook.mjs', 'bin/leakguard.js', 'detect', big.path],
    { env: { BENCH_RSS_FILE: rss }, countOutput: tallyHuman },
  );
  const name = `leakguard detect FILE (${(big.bytes / MB).toFixed(0)} MB)`;
  if (r.timedOut) {
    // Report how far it got: the last finding's line number, in corpus copies, gives the bytes read.
    const line = r.tally.get(':line') ?? 0;
    const bytes = Math.round((line / (corpus.manifest.lines * (big.bytes / corpus.manifest.bytes))) * big.bytes);
    return {
      tool: 'stream-1gb',
      name,
      bytes,
      ms: Math.round(r.ms),
      mbPerSec: bytes / MB / (r.ms / 1000),
      peakRssMb: Math.round(r.hwmKb / 1024),
      timedOut: true,
      findings: r.lines,
    };
  }
  if (r.code !== 0) throw new Error(`detect FILE exited with ${r.code ?? r.signal}: ${r.stderr.trim()}`);
  const usage = readRss(rss);
  r.tally.delete(':line');
  return {
    tool: 'stream-1gb',
    name,
    bytes: big.bytes,
    ms: Math.round(r.ms),
    mbPerSec: big.bytes / MB / (r.ms / 1000),
    peakRssMb: usage ? Math.round(usage.maxRssKb / 1024) : Math.round(r.hwmKb / 1024),
    cpuMs: usage ? Math.round((usage.userUs + usage.systemUs) / 1000) : null,
    cpuMbPerSec: usage ? big.bytes / MB / (usage.mainThreadCpuMs / 1000) : null,
    findings: r.lines,
    summary: r.stderr.trim().split('\n').pop(),
  };
}

async function ripgrep(corpus) {
  const probe = spawnSync('rg', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error('ripgrep (rg) is not installed: skipped');
  const version = probe.stdout
    .split('\n')[0]
    .replace(/^ripgrep\s*/, '')
    .split(' ')[0];
  // ASCII classes and boundaries, as in V8: (?-u).
  const pattern = `(?-u)${REGEX8.source}`;
  const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const runs = [];
  let peak = null;
  let matches = 0;
  for (let i = 0; i < Number(passes); i++) {
    const args = ['-j1', '--no-config', '--count-matches', '-e', pattern, corpus.txt];
    const r = timeBin ? await runChild(timeBin, ['-f', 'maxrss_kb=%M', 'rg', ...args]) : await runChild('rg', args);
    if (r.code !== 0) throw new Error(`rg exited with ${r.code}: ${r.stderr.trim()}`);
    runs.push(r.ms);
    matches = Number(r.stdout.trim());
    const m = /maxrss_kb=(\d+)/.exec(r.stderr);
    if (m) peak = Math.max(peak ?? 0, Math.round(Number(m[1]) / 1024));
  }
  runs.sort((a, b) => a - b);
  const ms = runs[(runs.length - 1) >> 1];
  return {
    tool: 'ripgrep',
    name: 'ripgrep (same 8 patterns)',
    version,
    bytes: corpus.manifest.bytes,
    ms: Math.round(ms),
    passes: runs.length,
    mbPerSec: corpus.manifest.bytes / MB / (ms / 1000),
    mbPerSecMin: corpus.manifest.bytes / MB / (runs[runs.length - 1] / 1000),
    mbPerSecMax: corpus.manifest.bytes / MB / (runs[0] / 1000),
    peakRssMb: peak,
    findings: matches,
  };
}

// ---- main ------------------------------------------------------------------------------------------------------
const facts = machine();
log(`leakguard bench — ${facts.cpu}, ${facts.cores} cores, ${facts.ramGb} GB RAM, Node ${facts.node}`);
if (facts.loadAverage > 0.5) {
  log(`warning: load average ${facts.loadAverage} — other work on this machine will skew the figures`);
}
const corpus = await ensureCorpus({ mb: corpusMb, seed: Number(opts.seed), log });
log(
  `corpus: ${(corpus.manifest.bytes / MB).toFixed(1)} MB (${corpus.manifest.lines} lines, ` +
    `${(corpus.manifest.chars / 1e6).toFixed(1)} M chars), JSONL ${(corpus.manifest.jsonlBytes / MB).toFixed(1)} MB`,
);

const evalFlag = opts['no-eval'] ? [] : ['--eval'];
const plan = [
  ['leakguard', () => worker('leakguard', ['--corpus', corpus.txt, '--budget-seconds', '60', ...evalFlag])],
  ['leakguard-block', () => worker('leakguard', ['--corpus', corpus.txt, '--unit', 'block', '--budget-seconds', '45'])],
  ['cli-jsonl', () => cliJsonl(corpus, 1)],
  ['cli-jsonl-threads', () => cliJsonlThreads(corpus)],
  ['stream-1gb', () => stream1gb(corpus)],
  ['regex8', () => worker('regex8', ['--corpus', corpus.txt, '--budget-seconds', '30'])],
  ['ripgrep', () => ripgrep(corpus)],
  ...PEERS.map((p) => [
    p,
    () => worker(p, ['--corpus', corpus.txt, '--max-seconds', String(peerSeconds), ...evalFlag]),
  ]),
];

const results = [];
const benchStarted = performance.now();
for (const [name, fn] of plan) {
  if (!wanted(name)) continue;
  log(`▶ ${name} …`);
  try {
    const r = await fn();
    if (name === 'leakguard-block') {
      r.tool = 'leakguard-block';
      r.name = 'leakguard (64 KiB blocks)';
    }
    results.push(r);
    log(
      `  ${fmt(r.mbPerSec, 1)} MB/s over ${(r.bytes / MB).toFixed(1)} MB${r.sampled ? ' (sample)' : ''}, ` +
        `peak RSS ${r.peakRssMb ?? '?'} MB${r.accuracy?.all ? `, F1 ${fmt(r.accuracy.all.f1, 3)}` : ''}` +
        `${r.accuracy?.common ? `, F1 ${fmt(r.accuracy.common.f1, 3)}` : ''}`,
    );
  } catch (e) {
    log(`  FAILED: ${e.message}`);
    results.push({ tool: name, name, error: e.message });
  }
}

// ---- sections: scan, protect, protect-db (child scripts printing JSON on stdout) --------------------------------
/** Run `node bench/SCRIPT ARGS --json` and parse its stdout; a failure is recorded, not thrown. */
async function section(name, script, args) {
  log(`▶ ${name} …`);
  const started = performance.now();
  try {
    const r = await runChild(process.execPath, [path.join(HERE, script), ...args, '--json'], {
      timeoutMs: sectionTimeoutMs,
    });
    if (r.stderr.trim()) log(r.stderr.trim().replace(/^/gm, '  '));
    if (r.timedOut) throw new Error(`stopped after ${Math.round(sectionTimeoutMs / 1000)} s (--section-timeout)`);
    if (r.code !== 0) throw new Error(`exited with ${r.code ?? r.signal}: ${r.stderr.trim().slice(-600)}`);
    return { ...JSON.parse(r.stdout), seconds: Math.round((performance.now() - started) / 1000) };
  } catch (e) {
    log(`  FAILED: ${e.message}`);
    return { error: e.message };
  }
}
const sections = {};
if (sectionWanted('scan')) {
  const perScan = String(Math.round(sectionTimeoutMs / 1000 / 3));
  sections.scan = await section('scan', 'scan.mjs', [
    '--mb',
    String(scanMb),
    '--rows',
    String(scanRows),
    '--timeout',
    perScan,
  ]);
}
if (sectionWanted('protect')) sections.protect = await section('protect', 'protect.mjs', []);
if (sectionWanted('protect-db'))
  sections.protectDb = await section('protect-db', 'protect-db.mjs', ['--rows', String(protectRows)]);
// The other areas' benchmarks (each also runs alone: node bench/<name>.mjs): guard (load test through the
// proxy), leak (1M identifiers ingested), audit (endpoints and secrets), risk (1M rows).
for (const [name, script] of [
  ['guard', 'guard.mjs'],
  ['leak', 'leak.mjs'],
  ['audit', 'audit.mjs'],
  ['risk', 'risk.mjs'],
]) {
  if (sectionWanted(name)) sections[name] = await section(name, script, []);
}
// Scale-out (--all or --only: two ≥ 1 GB scans per mode): queue overhead per unit and 1 → 2 threads / workers.
if (sectionWanted('scale')) sections.scale = await section('scale', 'scale.mjs', ['--mb', String(scanMb)]);

const peerRates = results.filter((r) => PEERS.includes(r.tool) && r.mbPerSec > 0);
const fastest = peerRates.reduce((best, r) => (best && best.mbPerSec >= r.mbPerSec ? best : r), null);
for (const r of results) if (fastest && r.mbPerSec > 0) r.ratioVsFastestPeer = r.mbPerSec / fastest.mbPerSec;

const report = {
  machine: facts,
  corpus: {
    mb: corpusMb,
    bytes: corpus.manifest.bytes,
    chars: corpus.manifest.chars,
    lines: corpus.manifest.lines,
    jsonlBytes: corpus.manifest.jsonlBytes,
    planted: corpus.manifest.planted,
    linesWithPii: corpus.manifest.linesWithPii,
    sources: corpus.manifest.sources,
  },
  fastestPeer: fastest ? { tool: fastest.tool, mbPerSec: fastest.mbPerSec } : null,
  results,
  sections,
  totalSeconds: Math.round((performance.now() - benchStarted) / 1000),
  loadAverageEnd: Math.round(os.loadavg()[0] * 100) / 100,
};

if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else process.stdout.write(`\n${renderText(report)}\n`);
if (opts.save) fs.writeFileSync(opts.save, `${JSON.stringify(report, null, 2)}\n`);
if (opts['update-md']) updateMarkdown(report);

// ---- rendering -------------------------------------------------------------------------------------------------
function fmt(n, digits) {
  return typeof n === 'number' && Number.isFinite(n) ? n.toFixed(digits) : '–';
}

function f1Of(r) {
  if (r.accuracy?.all) return r.accuracy.all;
  if (r.accuracy?.common) return r.accuracy.common;
  return null;
}

function rows(rep) {
  const out = [];
  for (const r of rep.results) {
    if (r.error) {
      out.push([r.name, 'FAILED', '', '', '', '', '', r.error.split('\n')[0].slice(0, 80)]);
      continue;
    }
    const acc = f1Of(r);
    const notes = [];
    if (r.sampled) notes.push(`sample: first ${(r.bytes / MB).toFixed(1)} MB (time cap)`);
    if (r.passes > 1) notes.push(`median of ${r.passes} passes (${fmt(r.mbPerSecMin, 1)}–${fmt(r.mbPerSecMax, 1)})`);
    if (r.tool === 'cli-jsonl') notes.push(`JSONL bytes; ${fmt(r.textMbPerSec, 1)} MB/s of text`);
    if (r.tool === 'cli-jsonl-threads')
      notes.push(
        `JSONL ×4, ${r.threads} threads: ${fmt(r.speedup, 2)}× --threads 1 on the same input (${fmt(r.single.mbPerSec, 1)} MB/s)`,
      );
    if (r.timedOut)
      notes.push(`stopped after ${Math.round(r.ms / 1000)} s (time limit), ~${(r.bytes / MB).toFixed(0)} MB read`);
    if (r.tool === 'stream-1gb') notes.push(`RSS target < 200 MB: ${r.peakRssMb < 200 ? 'met' : 'NOT met'}`);
    if (r.tool === 'leakguard' && acc) notes.push('F1 on all types');
    if (PEERS.includes(r.tool) && acc) notes.push('F1 on its own types');
    if (r.accuracy?.replayMismatches > 0)
      notes.push(`span replay differed from redact() on ${r.accuracy.replayMismatches} cases`);
    out.push([
      `${r.name}${r.version && !r.tool.startsWith('leakguard') ? ` ${r.version}` : ''}`,
      fmt(r.mbPerSec, 1),
      fmt(r.cpuMbPerSec, 1),
      r.ratioVsFastestPeer ? `${fmt(r.ratioVsFastestPeer, 1)}×` : '–',
      r.peakRssMb != null ? `${r.peakRssMb}` : '–',
      `${(r.bytes / MB).toFixed(0)}`,
      acc ? fmt(acc.f1, 3) : '–',
      notes.join('; '),
    ]);
  }
  return out;
}

function accuracyRows(rep) {
  const lg = rep.results.find((r) => r.tool === 'leakguard')?.accuracy;
  const out = [];
  for (const p of PEERS) {
    const pr = rep.results.find((r) => r.tool === p);
    const theirs = pr?.accuracy?.common;
    const ours = lg?.vs?.[p];
    if (!theirs) continue;
    out.push([
      pr?.name ?? p,
      theirs ? `${fmt(theirs.precision, 3)} / ${fmt(theirs.recall, 3)} / ${fmt(theirs.f1, 3)}` : '–',
      ours ? `${fmt(ours.precision, 3)} / ${fmt(ours.recall, 3)} / ${fmt(ours.f1, 3)}` : '–',
      `${theirs?.support ?? ours?.support ?? '–'}`,
    ]);
  }
  return out;
}

/** F1 per coarse type: one column per peer that ran, and leakguard's (the same whichever peer's scheme). */
function perTypeRows(rep) {
  const lg = rep.results.find((r) => r.tool === 'leakguard')?.accuracy;
  const peers = PEERS.map((p) => rep.results.find((r) => r.tool === p)).filter((r) => r?.accuracy?.common);
  const types = new Set();
  for (const pr of peers) for (const t of Object.keys(pr.accuracy.common.perType)) types.add(t);
  const ours = {};
  for (const v of Object.values(lg?.vs ?? {})) Object.assign(ours, v.perType);
  const head = ['Type', ...peers.map((r) => r.name), 'leakguard', 'labels'];
  const body = [];
  for (const t of [...types].sort()) {
    const support =
      ours[t]?.support ?? peers.find((r) => r.accuracy.common.perType[t])?.accuracy.common.perType[t].support;
    if (!support) continue;
    const cell = (s) => (s ? fmt(s.f1, 3) : '–');
    body.push([t, ...peers.map((r) => cell(r.accuracy.common.perType[t])), cell(ours[t]), String(support)]);
  }
  return { head, body };
}

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

function renderText(rep) {
  const m = rep.machine;
  const parts = [];
  parts.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, ${m.os}, Node ${m.node} (V8 ${m.v8}), ${m.date}`);
  parts.push(`Load average (1 min): ${m.loadAverage} at start, ${rep.loadAverageEnd} at end`);
  parts.push(
    `Corpus: ${(rep.corpus.bytes / MB).toFixed(1)} MB mixed Chinese/English text, ${rep.corpus.lines} lines ` +
      `(1 MB = 2^20 bytes; MB/s counts UTF-8 input bytes per wall-clock second, MB/CPU-s per second of ` +
      `main-thread CPU time, which a busy machine distorts less)`,
  );
  if (rep.results.length > 0) {
    parts.push('');
    parts.push(
      table(['Contender', 'MB/s', 'MB/CPU-s', 'vs fastest peer', 'peak RSS MB', 'MB run', 'F1', 'notes'], rows(rep)),
    );
  }
  const acc = accuracyRows(rep);
  if (acc.length > 0) {
    parts.push('');
    parts.push('Accuracy on each peer’s common types (micro precision / recall / F1, same labeled set):');
    parts.push(table(['Peer', 'peer P / R / F1', 'leakguard P / R / F1', 'labels'], acc));
    const pt = perTypeRows(rep);
    if (pt.body.length > 0) {
      parts.push('');
      parts.push('F1 per coarse type (a peer is blank where it does not claim the type):');
      parts.push(table(pt.head, pt.body));
    }
  }
  const lg = rep.results.find((r) => r.tool === 'leakguard');
  if (lg?.accuracy?.error) parts.push(`\nAccuracy: ${lg.accuracy.error}`);
  if (rep.fastestPeer) {
    const lgr = lg?.ratioVsFastestPeer;
    const fp = rep.results.find((r) => r.tool === rep.fastestPeer.tool);
    const cpuRatio = lg?.cpuMbPerSec && fp?.cpuMbPerSec ? lg.cpuMbPerSec / fp.cpuMbPerSec : null;
    parts.push(
      `\nFastest peer: ${rep.fastestPeer.tool} at ${fmt(rep.fastestPeer.mbPerSec, 1)} MB/s; ` +
        `leakguard detect(): ${fmt(lgr, 1)}× (${fmt(cpuRatio, 1)}× by main-thread CPU time; target ≥ 20×).`,
    );
  }
  for (const [title, head, body] of sectionTables(rep)) {
    parts.push('');
    parts.push(title);
    parts.push(table(head, body));
  }
  parts.push(`Total bench time: ${rep.totalSeconds} s`);
  return parts.join('\n');
}

function renderMarkdown(rep) {
  const m = rep.machine;
  const md = [];
  md.push(
    `Run of ${m.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, ${m.os}, ` +
      `Node ${m.node} (V8 ${m.v8}). Load average ${m.loadAverage} at start, ${rep.loadAverageEnd} at end. ` +
      `Total time ${rep.totalSeconds} s.`,
  );
  md.push(
    `Corpus: ${(rep.corpus.bytes / MB).toFixed(1)} MB, ${rep.corpus.lines} lines (JSONL form ${(rep.corpus.jsonlBytes / MB).toFixed(1)} MB).`,
  );
  md.push('');
  const mdTable = (head, body) =>
    [
      `| ${head.join(' | ')} |`,
      `| ${head.map(() => '---').join(' | ')} |`,
      ...body.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
  md.push(
    mdTable(['Contender', 'MB/s', 'MB/CPU-s', 'vs fastest peer', 'peak RSS (MB)', 'MB run', 'F1', 'notes'], rows(rep)),
  );
  const acc = accuracyRows(rep);
  if (acc.length > 0) {
    md.push('');
    md.push('Accuracy on each peer’s common types (micro precision / recall / F1 on the same labeled set):');
    md.push('');
    md.push(mdTable(['Peer', 'peer P / R / F1', 'leakguard P / R / F1', 'labels'], acc));
    const pt = perTypeRows(rep);
    if (pt.body.length > 0) {
      md.push('');
      md.push('F1 per coarse type (– where a peer does not claim the type):');
      md.push('');
      md.push(mdTable(pt.head, pt.body));
    }
  }
  return md.join('\n');
}

// ---- section tables --------------------------------------------------------------------------------------------
// A declaration, not a const: the tables are rendered by top-level code above this line (a const here was in its
// temporal dead zone then, and every run with a scan section crashed after measuring).
function sec(ms) {
  return typeof ms === 'number' ? (ms / 1000).toFixed(1) : '–';
}

/** [title, head, body] for each section that ran. */
function sectionTables(rep) {
  const out = [];
  const s = rep.sections ?? {};
  if (s.scan) out.push(scanTable(s.scan));
  if (s.protect) out.push(protectTable(s.protect));
  if (s.protectDb) out.push(protectDbTable(s.protectDb));
  return out;
}

function scanTable(sc) {
  const head = [
    'Scan',
    'wall s',
    'CPU s',
    'MB/s',
    'MB/CPU-s',
    'files/s',
    'rows/s',
    'units',
    'findings',
    'peak RSS MB',
    'notes',
  ];
  const body = [];
  const title = 'leakguard scan, end to end (bench/scan.mjs; CPU s = user + system time of the scan process):';
  if (sc.error) return [title, head, [['scan', 'FAILED', '', '', '', '', '', '', '', '', sc.error.slice(0, 120)]]];
  const d = sc.dir;
  if (d?.error) body.push(['directory', 'FAILED', '', '', '', '', '', '', '', '', d.error.slice(0, 120)]);
  for (const r of d?.runs ?? []) {
    const m = d.manifest;
    body.push([
      `directory, ${r.run}`,
      sec(r.ms),
      sec(r.cpuMs),
      fmt(r.mbPerSec, 1),
      fmt(r.mbPerCpuSec, 1),
      fmt(r.filesPerSec, 1),
      '–',
      r.units == null ? '–' : `${r.units} (${r.unitsRead} read, ${r.unitsSkipped} skipped)`,
      String(r.findings ?? '–'),
      String(r.peakRssMb ?? '–'),
      r.ok
        ? `${m.files} files, ${(m.bytes / MB).toFixed(0)} MB on disk, ${m.largeFiles} > 64 MiB`
        : `FAILED: ${(r.error ?? '').split('\n')[0].slice(0, 100)}`,
    ]);
  }
  const p = sc.pg;
  if (p?.error) body.push(['PostgreSQL', 'skipped', '', '', '', '', '', '', '', '', p.error.slice(0, 120)]);
  for (const r of p?.runs ?? []) {
    body.push([
      `PostgreSQL, ${r.run}`,
      sec(r.ms),
      sec(r.cpuMs),
      '–',
      '–',
      '–',
      fmt(r.rowsPerSec, 0),
      String(r.units ?? '–'),
      String(r.findings ?? '–'),
      String(r.peakRssMb ?? '–'),
      r.ok
        ? `${r.rows} of ${p.rows} rows read; ${fmt(r.rowsPerCpuSec, 0)} rows/CPU-s`
        : `FAILED: ${(r.error ?? '').split('\n')[0].slice(0, 100)}`,
    ]);
  }
  return [title, head, body];
}

function protectTable(pr) {
  const head = ['Protect (file to file)', 'rate', 'per CPU-s', 'MB/s', 'notes'];
  const title = 'leakguard protect, file to file, one thread (bench/protect.mjs):';
  if (pr.error) return [title, head, [['protect', 'FAILED', '', '', pr.error.slice(0, 120)]]];
  const body = [];
  if (pr.text) {
    body.push([
      `text (${fmt(pr.text.mb, 0)} MB)`,
      `${fmt(pr.text.mbPerSec, 2)} MB/s`,
      `${fmt(pr.text.mbPerCpuSec, 2)} MB`,
      fmt(pr.text.mbPerSec, 2),
      pr.textDetectOnly ? `detection alone ${fmt(pr.textDetectOnly.mbPerSec, 2)} MB/s` : '',
    ]);
  }
  for (const [key, label] of [
    ['csv', 'CSV, detection on every cell'],
    ['csvColumnRules', 'CSV, column rules'],
    ['ndjson', 'NDJSON'],
    ['parquet', 'Parquet'],
    ['xlsx', 'XLSX'],
  ]) {
    const r = pr[key];
    if (!r) continue;
    body.push([
      `${label} (${r.rows} rows)`,
      `${fmt(r.rowsPerSec, 0)} rows/s`,
      `${fmt(r.rowsPerCpuSec, 0)} rows`,
      fmt(r.mbPerSec, 2),
      '',
    ]);
  }
  return [`${title} median of ${pr.runs ?? '?'} runs, load ${pr.loadAverage ?? '?'} at its start`, head, body];
}

function protectDbTable(pd) {
  const head = ['Protect PostgreSQL copy', 'rows', 'seconds', 'rows/s'];
  const title = `leakguard protect, PostgreSQL table to <table>_protected (bench/protect-db.mjs, batches of ${pd.batchRows ?? '?'}):`;
  if (pd.error) return [title, head, [['protect-db', 'FAILED', '', pd.error.slice(0, 120)]]];
  return [
    title,
    head,
    (pd.results ?? []).map((r) => [r.name, String(r.rows), fmt(r.seconds, 1), String(r.rowsPerSecond)]),
  ];
}

function updateMarkdown(rep) {
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const start = '<!-- bench:results:start -->';
  const end = '<!-- bench:results:end -->';
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmarks\n\n${start}\n${end}\n`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) {
    log('bench: BENCHMARKS.md has no bench:results markers; not updated');
    return;
  }
  if (rep.results.length > 0) text = `${text.slice(0, a + start.length)}\n${renderMarkdown(rep)}\n${text.slice(b)}`;
  // Each section has its own markers (bench:scan, bench:protect, bench:protect-db), rewritten only if it ran.
  const mdTable = (head, body) =>
    [
      `| ${head.join(' | ')} |`,
      `| ${head.map(() => '---').join(' | ')} |`,
      ...body.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
  const m = rep.machine;
  const when = `Run of ${m.date.slice(0, 16).replace('T', ' ')} UTC, ${m.cores} cores, load average ${m.loadAverage} at the start of the bench.`;
  for (const [key, tableOf, value] of [
    ['scan', scanTable, rep.sections?.scan],
    ['protect', protectTable, rep.sections?.protect],
    ['protect-db', protectDbTable, rep.sections?.protectDb],
  ]) {
    if (!value) continue;
    const s = `<!-- bench:${key}:start -->`;
    const e = `<!-- bench:${key}:end -->`;
    const i = text.indexOf(s);
    const j = text.indexOf(e);
    if (i < 0 || j < i) {
      log(`bench: BENCHMARKS.md has no bench:${key} markers; that section not updated`);
      continue;
    }
    const [title, head, body] = tableOf(value);
    text = `${text.slice(0, i + s.length)}\n${when} ${title}\n\n${mdTable(head, body)}\n${text.slice(j)}`;
  }
  fs.writeFileSync(file, text);
  log('bench: BENCHMARKS.md updated');
}
