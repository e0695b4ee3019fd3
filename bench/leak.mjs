// Private leak lookup: ingest rate and lookup latency through the HTTP API, one process.
//
//   Ingest: a synthetic breach CSV (name, mobile, resident ID, e-mail per row) read, detected, normalised,
//   evaluated (F_k(x), libsodium) and stored in SQLite: identifiers/s end to end, and the evaluation alone.
//   Lookup: `leakguard serve`'s handler on loopback over that store; the Node client does the full flow per
//   identifier (normalise, blind, POST /v1/oprf/evaluate, verify the DLEQ proof, GET /v1/range/{prefix}, match):
//   p50/p99 latency over --lookups sequential lookups, half of them present. Rate limits raised for the run.
//
// Run after `npm run build`:
//   node bench/leak.mjs                      # 1,000,000 identifiers (333,334 rows), 500 lookups
//   node bench/leak.mjs --ids 100000 --lookups 200
//   node bench/leak.mjs --json
// LEAKGUARD_DIST=path overrides ../dist. Wall and CPU seconds are reported; nothing asserts a time.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { load, numArg } from './args.mjs';

const args = process.argv.slice(2);
const num = (name, dflt) => numArg(args, name, dflt);
const ids = num('--ids', 1_000_000);
const lookups = num('--lookups', 500);
const asJson = args.includes('--json');
const log = (s) => {
  if (!asJson) console.log(s);
};

const { createSeededRng } = await load('synth/rng.js');
const { generateMobile, generateResidentId } = await load('synth/cn.js');
const { generateChineseName } = await load('synth/text.js');
const { LeakcheckStore } = await load('leak/leakcheck/store.js');
const { createBulkEvaluator } = await load('leak/leakcheck/bulk-evaluate.js');
const { ingestFile } = await load('leak/leakcheck/ingest.js');
const { deriveKeyPair } = await load('leak/leakcheck/voprf.js');
const { LeakcheckService } = await load('leak/leakcheck/service.js');
const { startLeakcheckServer } = await load('server/leakcheck-app.js');
const { createLeakcheckClient } = await load('leak/leakcheck/client.js');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lg-bench-leak-'));
const rows = Math.ceil(ids / 3);
const rng = createSeededRng(9);
const sampleIds = [];
{
  const out = fs.createWriteStream(path.join(dir, 'breach.csv'));
  out.write('姓名,手机号,身份证号,邮箱\n');
  for (let i = 0; i < rows; i++) {
    const phone = generateMobile(rng);
    const rid = generateResidentId(rng);
    if (i % Math.max(1, Math.floor(rows / lookups)) === 0) sampleIds.push(i % 2 ? phone : rid);
    if (!out.write(`${generateChineseName(rng)},${phone},${rid},u${i}@bench.cn\n`))
      await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}
const csvBytes = fs.statSync(path.join(dir, 'breach.csv')).size;
log(
  `breach.csv: ${rows.toLocaleString()} rows, ${(csvBytes / 1e6).toFixed(1)} MB, ${(rows * 3).toLocaleString()} identifiers`,
);

const keys = deriveKeyPair(randomBytes(32), new TextEncoder().encode('bench'));
const evaluate = await createBulkEvaluator(keys.secretKey);

// Evaluation alone (the cryptographic floor of ingest).
const enc = new TextEncoder();
let t0 = performance.now();
const evalN = 20_000;
for (let i = 0; i < evalN; i++) evaluate(enc.encode(`PHONE:+861380000${String(i).padStart(4, '0')}`));
const evalRate = evalN / ((performance.now() - t0) / 1000);
log(`evaluate F_k(x) alone: ${Math.round(evalRate).toLocaleString()} /s`);

const store = await LeakcheckStore.open(path.join(dir, 'lookup.db'));
const cpu0 = process.cpuUsage();
t0 = performance.now();
const stats = await ingestFile(store, evaluate, path.join(dir, 'breach.csv'), { breach: 'bench', date: '2026-01' });
const ingestWall = (performance.now() - t0) / 1000;
const cpu1 = process.cpuUsage(cpu0);
const ingestCpu = (cpu1.user + cpu1.system) / 1e6;
const ingestRate = stats.identifiers / ingestWall;
log(
  `ingest: ${stats.identifiers.toLocaleString()} identifiers (${stats.distinct.toLocaleString()} distinct) in ${ingestWall.toFixed(1)} s wall, ${ingestCpu.toFixed(1)} s CPU: ${Math.round(ingestRate).toLocaleString()} identifiers/s`,
);

const service = new LeakcheckService({ store, keys });
const server = await startLeakcheckServer({
  service,
  host: '127.0.0.1',
  port: 0,
  evaluateLimit: { capacity: 1e9, refillPerSecond: 1e9 },
  globalEvaluateLimit: false, // the load loop is one client asking far beyond the public service's defaults
  rangeLimit: { capacity: 1e9, refillPerSecond: 1e9 },
});
const bucket = await service.bucketSize();
const client = createLeakcheckClient({ baseUrl: server.url });
await client.key();
const absent = createSeededRng(77);
const lat = [];
let found = 0;
const cpu2 = process.cpuUsage();
t0 = performance.now();
for (let i = 0; i < lookups; i++) {
  const id = i % 2 === 0 && sampleIds.length > 0 ? sampleIds[(i / 2) % sampleIds.length] : generateMobile(absent);
  const s = performance.now();
  const r = await client.check(id);
  lat.push(performance.now() - s);
  if (r.found) found++;
}
const lookupWall = (performance.now() - t0) / 1000;
const cpu3 = process.cpuUsage(cpu2);
await server.close();
await store.close();
lat.sort((a, b) => a - b);
const pct = (p) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))];
log(
  `lookup (full client flow over HTTP, bucket ${bucket} entries): p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, ${lookups} lookups (${found} found) in ${lookupWall.toFixed(1)} s wall, ${((cpu3.user + cpu3.system) / 1e6).toFixed(1)} s CPU (client and server in one process)`,
);
fs.rmSync(dir, { recursive: true, force: true });
const result = {
  identifiers: stats.identifiers,
  distinct: stats.distinct,
  csvBytes,
  evaluatePerSecond: Math.round(evalRate),
  ingestPerSecond: Math.round(ingestRate),
  ingestWallSeconds: Number(ingestWall.toFixed(1)),
  ingestCpuSeconds: Number(ingestCpu.toFixed(1)),
  bucketSize: bucket,
  lookups,
  found,
  lookupP50Ms: Number(pct(50).toFixed(1)),
  lookupP99Ms: Number(pct(99).toFixed(1)),
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    node: process.version,
    load: os.loadavg().map((l) => l.toFixed(2)),
  },
};
if (asJson) console.log(JSON.stringify(result));
