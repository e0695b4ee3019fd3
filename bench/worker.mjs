/**
 * One contender, in its own process (so its peak RSS is its own): time it over the corpus, then score its
 * accuracy on the labeled evaluation set. Prints one JSON object on stdout. Spawned by `bench/run.js`.
 *
 * Usage: node --expose-gc bench/worker.mjs --tool KEY --corpus FILE [--unit line|block] [--max-mb N]
 *        [--max-seconds S] [--budget-seconds S] [--passes N] [--eval]
 *
 * Timing: the corpus is read into memory first (its lines, as JS strings); a warm-up pass (first ~2 MB, at
 * most 3 s) lets the JIT settle; then the contender's `run()` is called on each unit in order and a pass stops
 * at the end of the corpus, at `--max-mb`, or when `--max-seconds` (for all passes together, checked every 256
 * units) is spent. Up to `--passes` passes (default 3) run while they fit the time cap (`--budget-seconds`:
 * a cap that only stops further passes, never cuts one); the median pass is reported. Throughput counts the UTF-8 bytes of the units processed, newlines included.
 * Peak RSS (`getrusage` maxrss) is taken right after timing, before the accuracy pass.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mainThreadCpuMs } from './cpu.mjs';
import { CONTENDERS, OUR_COARSE, SCHEMES } from './peers.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MB = 1024 * 1024;

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : process.argv[i + 1];
}

const key = arg('--tool');
const corpusPath = arg('--corpus');
const unit = arg('--unit', 'line');
const maxBytes = Number(arg('--max-mb', 'Infinity')) * MB;
const maxSeconds = Number(arg('--max-seconds', 'Infinity'));
/** Like --max-seconds, but never cuts a pass short: only decides whether another whole pass starts. */
const budgetSeconds = Number(arg('--budget-seconds', 'Infinity'));
const maxPasses = Number(arg('--passes', '3'));
const withEval = process.argv.includes('--eval');
if (!CONTENDERS[key]) throw new Error(`worker: unknown tool "${key}"`);

const rssBaseKb = process.resourceUsage().maxRSS;

// ---- load the corpus -----------------------------------------------------------------------------------------
let units = [];
let unitBytes = [];
if (corpusPath) {
  const raw = fs.readFileSync(corpusPath, 'utf8');
  const lines = raw.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (unit === 'block') {
    // ~64 KiB blocks of whole lines: the unit a file scanner hands the analyzer.
    let cur = '';
    let curBytes = 0;
    for (const l of lines) {
      cur += `${l}\n`;
      curBytes += Buffer.byteLength(l) + 1;
      if (curBytes >= 65536) {
        units.push(cur);
        unitBytes.push(curBytes);
        cur = '';
        curBytes = 0;
      }
    }
    if (cur.length > 0) {
      units.push(cur);
      unitBytes.push(curBytes);
    }
  } else {
    units = lines;
    unitBytes = new Array(lines.length);
    for (let i = 0; i < lines.length; i++) unitBytes[i] = Buffer.byteLength(lines[i]) + 1;
  }
}
globalThis.gc?.();
const rssAfterLoadMb = process.memoryUsage().rss / MB;

// ---- load the contender ----------------------------------------------------------------------------------------
const t0 = performance.now();
const tool = await CONTENDERS[key].load();
const setupMs = performance.now() - t0;

const result = {
  tool: key,
  name: tool.name,
  version: tool.version,
  unit,
  setupMs: Math.round(setupMs),
  rssAfterLoadMb: Math.round(rssAfterLoadMb),
};
if (tool.recognizers !== undefined) result.recognizers = tool.recognizers;

// ---- time it ---------------------------------------------------------------------------------------------------
if (units.length > 0) {
  let sink = 0;
  {
    const warmEnd = performance.now() + 3000;
    let b = 0;
    for (let i = 0; i < units.length && b < 2 * MB; i++) {
      sink += tool.count(tool.run(units[i]));
      b += unitBytes[i];
      if ((i & 255) === 0 && performance.now() > warmEnd) break;
    }
  }
  // Passes over the corpus (or until the time cap): the median pass is reported, min and max alongside.
  const passes = [];
  let cpuClock = '';
  let findings = 0;
  let bytes = 0;
  let chars = 0;
  let done = 0;
  const deadline = maxSeconds * 1000;
  const benchStart = performance.now();
  for (let pass = 0; pass < maxPasses; pass++) {
    globalThis.gc?.();
    let pBytes = 0;
    let pChars = 0;
    let pDone = 0;
    let pFindings = 0;
    const cpu0 = mainThreadCpuMs();
    const start = performance.now();
    for (let i = 0; i < units.length; i++) {
      const u = units[i];
      pFindings += tool.count(tool.run(u));
      pBytes += unitBytes[i];
      pChars += u.length + (unit === 'line' ? 1 : 0);
      pDone++;
      if (pBytes >= maxBytes) break;
      if ((i & 255) === 255 && performance.now() - benchStart > deadline) break;
    }
    const ms = performance.now() - start;
    const cpu1 = mainThreadCpuMs();
    const cpuMs = Math.max(cpu1.ms - cpu0.ms, 1);
    cpuClock = cpu1.clock;
    passes.push({ ms, mbPerSec: pBytes / MB / (ms / 1000), cpuMbPerSec: pBytes / MB / (cpuMs / 1000) });
    if (pass === 0) {
      bytes = pBytes;
      chars = pChars;
      done = pDone;
      findings = pFindings;
    }
    // Only whole passes over the same units are compared; stop when the next one would not fit the cap.
    if (pDone < units.length && pBytes < maxBytes) break;
    if (performance.now() - benchStart + ms > Math.min(deadline, budgetSeconds * 1000)) break;
  }
  const sorted = passes.map((p) => p.mbPerSec).sort((a, b) => a - b);
  const median = sorted[(sorted.length - 1) >> 1];
  const cpuSorted = passes.map((p) => p.cpuMbPerSec).sort((a, b) => a - b);
  const usage = process.resourceUsage();
  const totalBytes = unitBytes.reduce((a, b) => a + b, 0);
  Object.assign(result, {
    ms: Math.round((bytes / MB / median) * 1000),
    bytes,
    chars,
    units: done,
    corpusBytes: totalBytes,
    sampled: done < units.length,
    passes: passes.length,
    mbPerSec: median,
    mbPerSecMin: sorted[0],
    mbPerSecMax: sorted[sorted.length - 1],
    /** Throughput per second of main-thread CPU time (see cpu.mjs): robust to a busy machine. */
    cpuMbPerSec: cpuSorted[(cpuSorted.length - 1) >> 1],
    cpuClock,
    mcharsPerSec: (chars / 1e6) * (median / (bytes / MB)),
    findings,
    peakRssMb: Math.round(usage.maxRSS / 1024),
    baseRssMb: Math.round(rssBaseKb / 1024),
    sink: sink > -1,
  });
}
units = [];
unitBytes = [];

// ---- accuracy --------------------------------------------------------------------------------------------------
if (withEval && tool.spans) {
  result.accuracy = await scoreAccuracy(key, tool);
}

process.stdout.write(`${JSON.stringify(result)}\n`);

async function scoreAccuracy(toolKey, t) {
  const dist = path.join(HERE, '..', 'dist', 'eval');
  let dataset;
  let score;
  try {
    dataset = await import(pathToFileURL(path.join(dist, 'dataset.js')).href);
    score = await import(pathToFileURL(path.join(dist, 'score.js')).href);
  } catch (e) {
    return { error: `evaluation set not available (${e.code ?? e.message})` };
  }
  const cases = await dataset.buildEvalSet();
  // For peers whose spans are replayed (redact-only APIs), check the replay reproduces `redact()` exactly.
  let replayMismatches = 0;
  const predict = (text) => {
    const spans = t.spans(text);
    if (t.lastReplay !== undefined && t.lastReplay !== t.run(text)) replayMismatches++;
    return spans;
  };
  const coarse = (m) => (type) => (Object.hasOwn(m, type) ? m[type] : type);
  const summary = (r) => ({
    precision: r.micro.precision,
    recall: r.micro.recall,
    f1: r.micro.f1,
    tp: r.micro.tp,
    fp: r.micro.fp,
    fn: r.micro.fn,
    support: r.micro.support,
    perType: Object.fromEntries(
      [...r.perType].map(([type, s]) => [
        type,
        { precision: s.precision, recall: s.recall, f1: s.f1, support: s.support, tp: s.tp, fp: s.fp },
      ]),
    ),
  });
  const out = { cases: cases.length };
  if (toolKey === 'leakguard') {
    // Everything it detects, on every labeled type.
    out.all = summary(score.scoreFindings(cases, predict));
    // The same predictions on each peer's common types, coarsened the same way as the peer is scored.
    out.vs = {};
    const memo = new Map();
    const cached = (text, c) => {
      let p = memo.get(c.id);
      if (p === undefined) memo.set(c.id, (p = t.spans(text)));
      return p;
    };
    for (const [peer, scheme] of Object.entries(SCHEMES)) {
      out.vs[peer] = summary(
        score.scoreFindings(cases, cached, {
          mapLabelType: coarse(OUR_COARSE),
          mapPredictedType: coarse(OUR_COARSE),
          types: scheme.types,
        }),
      );
    }
  } else {
    const scheme = SCHEMES[toolKey];
    out.common = summary(
      score.scoreFindings(cases, predict, {
        mapLabelType: coarse(OUR_COARSE),
        mapPredictedType: (type) => scheme.predicted[type] ?? null,
        types: scheme.types,
      }),
    );
    if (t.lastReplay !== undefined) out.replayMismatches = replayMismatches;
  }
  return out;
}
