/**
 * What each recognizer costs on the benchmark corpus, measured by isolation rather than sampling: main-thread
 * CPU time of `detect(line)` over the first `--mb` MB with every built-in recognizer, with none (the scanner,
 * normalisation and per-call overhead alone) and with each recognizer alone. A recognizer's cost is
 * `(it alone) − none`: its trigger dispatch, gates, validation, context and its findings' resolution. (Leaving
 * one out of all instead gives differences below the noise of a shared machine.) Each configuration runs
 * `--runs` times (default 3) and the median is kept; runs interleave configurations so a burst of other work
 * on the machine does not land on one recognizer.
 *
 * Usage: npm run build && node bench/ablate.mjs [--mb N] [--runs N]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureCorpus, MB } from './corpus.mjs';
import { mainThreadCpuMs } from './cpu.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(HERE, '..');
const { values: opts } = parseArgs({
  options: {
    mb: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    'corpus-mb': { type: 'string', default: '100' },
  },
});
const mb = Number(opts.mb);
const runs = Number(opts.runs);

const corpus = await ensureCorpus({ mb: Number(opts['corpus-mb']), log: (s) => process.stderr.write(`${s}\n`) });
const { createAnalyzer, builtinRecognizers } = await import(
  pathToFileURL(path.join(ROOT, 'dist', 'detect', 'index.js')).href
);

const lines = [];
let bytes = 0;
for (const l of fs.readFileSync(corpus.txt, 'utf8').split('\n')) {
  if (bytes >= mb * MB) break;
  lines.push(l);
  bytes += Buffer.byteLength(l) + 1;
}

const configs = [
  { name: 'all', analyzer: createAnalyzer({ recognizers: builtinRecognizers }) },
  { name: 'none', analyzer: createAnalyzer({ recognizers: [] }) },
  ...builtinRecognizers.map((r) => ({ name: r.id, analyzer: createAnalyzer({ recognizers: [r] }) })),
];

function measure(analyzer) {
  let n = 0;
  const t0 = mainThreadCpuMs().ms;
  for (let i = 0; i < lines.length; i++) n += analyzer.detect(lines[i]).length;
  return { ms: mainThreadCpuMs().ms - t0, n };
}

// Warm every configuration once (JIT), then interleave the timed runs.
for (const c of configs) measure(c.analyzer);
const times = new Map(configs.map((c) => [c.name, []]));
const counts = new Map();
for (let r = 0; r < runs; r++) {
  for (const c of configs) {
    const { ms, n } = measure(c.analyzer);
    times.get(c.name).push(ms);
    counts.set(c.name, n);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[(a.length - 1) >> 1];
const all = median(times.get('all'));
const none = median(times.get('none'));
const rate = (ms) => (bytes / MB / (ms / 1000)).toFixed(1);
console.log(
  `detect(line) over ${(bytes / MB).toFixed(1)} MB, main-thread CPU, median of ${runs}:\n` +
    `  all ${builtinRecognizers.length} recognizers: ${all.toFixed(0)} ms (${rate(all)} MB/CPU-s), ` +
    `${counts.get('all')} findings\n` +
    `  no recognizer (scanner + normalisation + call overhead): ${none.toFixed(0)} ms (${rate(none)} MB/CPU-s)\n` +
    '\nCost of each recognizer alone (it alone − none), largest first:',
);
const rows = builtinRecognizers.map((r) => {
  const alone = median(times.get(r.id));
  return { id: r.id, cost: alone - none, share: (alone - none) / all, found: counts.get(r.id) };
});
rows.sort((a, b) => b.cost - a.cost);
for (const r of rows) {
  console.log(
    `${r.cost.toFixed(0).padStart(7)} ms ${(100 * r.share).toFixed(1).padStart(5)}%  ${r.id.padEnd(28)} ` +
      `(${r.found} findings alone)`,
  );
}
const sum = rows.reduce((a, r) => a + r.cost, 0);
console.log(
  `\nSum of recognizer costs ${sum.toFixed(0)} ms + no-recognizer floor ${none.toFixed(0)} ms vs all ${all.toFixed(0)} ms ` +
    '(shares are of "all"; the clock ticks every 10 ms, so costs below ~20 ms are noise).',
);
