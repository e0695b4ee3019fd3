/**
 * CPU profile of leakguard's detection hot path on the benchmark corpus: where `detect(line)` spends its time.
 *
 * Runs `createAnalyzer().detect(line)` over the first `--mb` MB of the corpus under the V8 sampling profiler
 * (via `node:inspector`), then prints
 *   - the top functions by self time (file:line),
 *   - self time per source file (scanner, normalisation, each recognizer, resolution),
 *   - inclusive time per source file (a sample counts once for every file on its stack),
 * and writes the raw profile to `bench/.corpus/detect.cpuprofile` (open it in Chrome DevTools or speedscope).
 *
 * Usage: npm run build && node bench/profile.mjs [--mb N] [--top N] [--unit line|block] [--interval US]
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CORPUS_DIR, ensureCorpus, MB } from './corpus.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(HERE, '..');

const { values: opts } = parseArgs({
  options: {
    mb: { type: 'string', default: '20' },
    'corpus-mb': { type: 'string', default: '100' },
    top: { type: 'string', default: '30' },
    unit: { type: 'string', default: 'line' },
    interval: { type: 'string', default: '200' },
  },
});
const mb = Number(opts.mb);
const top = Number(opts.top);

const corpus = await ensureCorpus({ mb: Number(opts['corpus-mb']), log: (s) => process.stderr.write(`${s}\n`) });
const { createAnalyzer } = await import(pathToFileURL(path.join(ROOT, 'dist', 'detect', 'index.js')).href);
const analyzer = createAnalyzer();

// The first `mb` MB of lines (or blocks of lines).
const all = fs.readFileSync(corpus.txt, 'utf8').split('\n');
const units = [];
let bytes = 0;
let block = '';
for (const l of all) {
  if (bytes >= mb * MB) break;
  const b = Buffer.byteLength(l) + 1;
  bytes += b;
  if (opts.unit === 'block') {
    block += `${l}\n`;
    if (block.length >= 32768) {
      units.push(block);
      block = '';
    }
  } else units.push(l);
}
if (block) units.push(block);

let sink = 0;
for (let i = 0; i < Math.min(units.length, 20000); i++) sink += analyzer.detect(units[i]).length;

/** The profiled loop; samples outside it (loading, warm-up) are ignored by name. */
function profiledLoop() {
  let n = 0;
  for (let i = 0; i < units.length; i++) n += analyzer.detect(units[i]).length;
  return n;
}

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: Number(opts.interval) });
await session.post('Profiler.start');
const t0 = performance.now();
sink += profiledLoop();
const ms = performance.now() - t0;
const { profile } = await session.post('Profiler.stop');
session.disconnect();

fs.mkdirSync(CORPUS_DIR, { recursive: true });
const out = path.join(CORPUS_DIR, 'detect.cpuprofile');
fs.writeFileSync(out, JSON.stringify(profile));

// ---- aggregate ---------------------------------------------------------------------------------------------------
const byId = new Map();
const parent = new Map();
for (const n of profile.nodes) {
  byId.set(n.id, n);
  for (const c of n.children ?? []) parent.set(c, n.id);
}
const rel = (url) => {
  if (!url) return '(native)';
  const p = url.startsWith('file://') ? fileURLToPath(url) : url;
  return p.startsWith(ROOT) ? path.relative(ROOT, p) : p;
};
const selfFn = new Map();
const selfFile = new Map();
const inclFile = new Map();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = (profile.timeDeltas[i] ?? 0) / 1000;
  const node = byId.get(profile.samples[i]);
  if (!node) continue;
  let inLoop = false;
  for (let id = node.id; id !== undefined && !inLoop; id = parent.get(id)) {
    inLoop = byId.get(id).callFrame.functionName === 'profiledLoop';
  }
  if (!inLoop) continue;
  total += dt;
  const cf = node.callFrame;
  const file = rel(cf.url);
  const key = `${cf.functionName || '(anonymous)'}  ${file}:${cf.lineNumber + 1}`;
  selfFn.set(key, (selfFn.get(key) ?? 0) + dt);
  selfFile.set(file, (selfFile.get(file) ?? 0) + dt);
  const seen = new Set();
  for (let id = node.id; id !== undefined; id = parent.get(id)) {
    const cfi = byId.get(id).callFrame;
    if (cfi.functionName === 'profiledLoop') break;
    const f = rel(cfi.url);
    if (f === '(native)' || seen.has(f)) continue;
    seen.add(f);
    inclFile.set(f, (inclFile.get(f) ?? 0) + dt);
  }
}

const pct = (v) => `${((100 * v) / total).toFixed(1).padStart(5)}%`;
const show = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${pct(v)} ${v.toFixed(0).padStart(7)} ms  ${k}`);
  }
};
console.log(
  `detect() over ${(bytes / MB).toFixed(1)} MB (${units.length} ${opts.unit}s): ${ms.toFixed(0)} ms, ` +
    `${(bytes / MB / (ms / 1000)).toFixed(1)} MB/s under the profiler; ${analyzer.recognizers.length} recognizers; ` +
    `profile: ${path.relative(ROOT, out)}${sink < 0 ? '' : ''}`,
);
show('Top functions by self time:', selfFn, top);
show('Self time by file:', selfFile, top);
show('Inclusive time by file (once per sample):', inclFile, top);
