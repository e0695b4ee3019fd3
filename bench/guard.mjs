// Guard load benchmark, loopback only and bounded: requests/s and p50/p99 latency through the guard versus
// direct to the upstream in the same run, for small search responses (≈ 1.3 KB, 5 hits, masked) and for ≈ 10 MB
// masked responses (PII-dense people, and log-like documents where one in ten holds a number; p50 and p99 of the
// sequential runs, p99 being the slowest run when there are fewer than 100); masked MB/s; CPU seconds and peak
// RSS of the guard process (memory must stay bounded while 10 MB responses stream). The `huge` case streams one
// 500 MiB log-like response (generated as it is sent) through the guard: guard peak RSS, CPU-s and MB/s.
//
// Run after `npm run build`:
//   node bench/guard.mjs                          # 5 s per small-response run, 8 connections, 6 × 10 MB each
//   node bench/guard.mjs --seconds 10 --connections 16 --big 10
//   node bench/guard.mjs --json                   # results as JSON on stdout (for bench/run.js)
//   node bench/guard.mjs --only small,dense       # some cases only (small, dense, mixed, huge, stream)
//   node bench/guard.mjs --only huge --huge-mb 500 # one 500 MiB log-like response streamed through the guard
//   node bench/guard.mjs --cpu-prof DIR           # the guard process writes a V8 CPU profile into DIR
// LEAKGUARD_DIST=path overrides ../dist. Upstream and guard each run in their own process; the load loop is a
// hand-written keep-alive loop over node:http in this process. Nothing asserts a time. Every guarded phase also
// reports the guard process's CPU time (asked over its stdin), the figure to compare on a loaded machine.
// The `stream` case times the masking pieces in this process on the same 10 MB bodies, in CPU time: the JSON
// tokenizer alone, detection alone (every leaf with its field name, as masking calls it), and full masking.
import { spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const num = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const n = Number(args[i + 1]);
  if (!(n > 0)) throw new Error(`${name} expects a positive number`);
  return n;
};
const seconds = num('--seconds', 5);
const connections = num('--connections', 8);
const bigRuns = num('--big', 6);
const hugeMb = num('--huge-mb', 500);
const asJson = args.includes('--json');
const log = (s) => {
  if (!asJson) console.log(s);
};

const profDir = (() => {
  const i = args.indexOf('--cpu-prof');
  return i < 0 ? undefined : path.resolve(args[i + 1] ?? '.');
})();
const only = (() => {
  const i = args.indexOf('--only');
  return i < 0 ? undefined : String(args[i + 1]).split(',');
})();
const want = (kind) => !only || only.includes(kind);

function child(script, argv = [], nodeArgs = []) {
  const p = spawn(process.execPath, [...nodeArgs, path.join(HERE, script), ...argv], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: process.env,
  });
  let buf = '';
  const lines = [];
  const waiters = [];
  p.stdout.on('data', (c) => {
    buf += c;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = JSON.parse(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      const w = waiters.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const next = () =>
    new Promise((resolve, reject) => {
      if (lines.length) resolve(lines.shift());
      else {
        const t = setTimeout(() => reject(new Error(`${script} did not answer`)), 120_000);
        waiters.push((l) => {
          clearTimeout(t);
          resolve(l);
        });
      }
    });
  /** CPU seconds and peak RSS of the child so far (children that answer `usage` lines on stdin). */
  const usage = () => {
    p.stdin.write('usage\n');
    return next();
  };
  return { p, next, usage };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function once(url, key) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': 2,
          ...(key ? { authorization: `ApiKey ${key}` } : {}),
        },
      },
      (res) => {
        let bytes = 0;
        res.on('data', (c) => {
          bytes += c.length;
        });
        res.on('end', () => resolve({ ms: performance.now() - t0, bytes, status: res.statusCode }));
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end('{}');
  });
}

function fetchBody(url) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function load(url, key, secs, conns) {
  const lat = [];
  let bytes = 0;
  let errors = 0;
  const end = performance.now() + secs * 1000;
  const t0 = performance.now();
  const worker = async () => {
    while (performance.now() < end) {
      try {
        const r = await once(url, key);
        if (r.status !== 200) errors++;
        lat.push(r.ms);
        bytes += r.bytes;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: conns }, worker));
  const wall = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return {
    requests: lat.length,
    rps: lat.length / wall,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    mbps: bytes / 1e6 / wall,
    errors,
  };
}

async function sequential(url, key, runs) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const r = await once(url, key);
    if (r.status !== 200) throw new Error(`status ${r.status}`);
    times.push(r.ms);
    bytes = r.bytes;
  }
  times.sort((a, b) => a - b);
  return { runs, medianMs: pct(times, 50), p50Ms: pct(times, 50), p99Ms: pct(times, 99), outBytes: bytes };
}

const up = child('guard-upstream.mjs');
const upInfo = await up.next();
const gd = child(
  'guard-server.mjs',
  [upInfo.url],
  profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', '200'] : [],
);
const gInfo = await gd.next();
const fmt = (x, d = 1) => x.toFixed(d);
const result = {
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    node: process.version,
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  },
  settings: { seconds, connections, bigRuns, hugeMb },
};
const cpuOf = async (fn) => {
  const before = await gd.usage();
  const r = await fn();
  const after = await gd.usage();
  return { r, cpuS: after.cpuS - before.cpuS, sysS: after.sysS - before.sysS };
};
try {
  if (want('small')) {
    const url = `${upInfo.url}/small/_search`;
    const gurl = `${gInfo.url}/small/_search`;
    // Warm up both paths (JIT, connection pools).
    await load(url, undefined, 1, connections);
    await load(gurl, gInfo.key, 1, connections);
    result.small = { bytes: upInfo.sizes['/small/_search'] };
    log(`small (${upInfo.sizes['/small/_search']} B, ${seconds} s per run):`);
    // One connection: the latency the guard adds to a request; then `connections` at once: throughput, and
    // latency with requests queueing behind each other in the guard's one thread.
    for (const conns of connections === 1 ? [1] : [1, connections]) {
      const direct = await load(url, undefined, seconds, conns);
      const { r: guarded, cpuS, sysS } = await cpuOf(() => load(gurl, gInfo.key, seconds, conns));
      const row = {
        direct,
        guarded,
        addedP50: guarded.p50 - direct.p50,
        addedP99: guarded.p99 - direct.p99,
        guardCpuMsPerRequest: (cpuS * 1000) / Math.max(1, guarded.requests),
        guardSysMsPerRequest: (sysS * 1000) / Math.max(1, guarded.requests),
      };
      result.small[`c${conns}`] = row;
      log(`  ${conns} connection${conns === 1 ? '' : 's'}:`);
      log(
        `    direct   ${fmt(direct.rps, 0)} req/s  p50 ${fmt(direct.p50, 2)} ms  p99 ${fmt(direct.p99, 2)} ms  errors ${direct.errors}`,
      );
      log(
        `    guarded  ${fmt(guarded.rps, 0)} req/s  p50 ${fmt(guarded.p50, 2)} ms  p99 ${fmt(guarded.p99, 2)} ms  errors ${guarded.errors}`,
      );
      log(
        `    added    p50 ${fmt(row.addedP50, 2)} ms  p99 ${fmt(row.addedP99, 2)} ms; guard CPU ${fmt(row.guardCpuMsPerRequest, 3)} ms per request (system ${fmt(row.guardSysMsPerRequest, 3)})`,
      );
    }
  }
  for (const kind of ['dense', 'mixed']) {
    if (!want(kind)) continue;
    const p = `/${kind}/_search`;
    await once(`${gInfo.url}${p}`, gInfo.key); // warm
    const d = await sequential(`${upInfo.url}${p}`, undefined, bigRuns);
    const { r: g, cpuS } = await cpuOf(() => sequential(`${gInfo.url}${p}`, gInfo.key, bigRuns));
    const inBytes = upInfo.sizes[p];
    const cpuPer = cpuS / bigRuns;
    result[kind] = {
      inBytes,
      direct: d,
      guarded: g,
      maskedMBps: inBytes / 1e6 / (g.medianMs / 1000),
      guardCpuSPerResponse: cpuPer,
      maskedMBPerCpuS: inBytes / 1e6 / cpuPer,
    };
    log(`${kind} 10 MB masked (${(inBytes / 1e6).toFixed(1)} MB in, ${bigRuns} sequential runs):`);
    log(
      `  direct   p50 ${fmt(d.p50Ms, 0)} ms  p99 ${fmt(d.p99Ms, 0)} ms   guarded p50 ${fmt(g.p50Ms, 0)} ms  p99 ${fmt(g.p99Ms, 0)} ms   masked throughput ${fmt(result[kind].maskedMBps)} MB/s (wall, at p50)`,
    );
    log(`  guard CPU ${fmt(cpuPer * 1000, 0)} ms per response: ${fmt(result[kind].maskedMBPerCpuS)} MB per CPU second`);
  }
  if (want('huge')) {
    // One response of `hugeMb` MiB, generated by the upstream as it streams, read and dropped by this process:
    // the guard holds at most a few chunks, so its RSS must stay near what it was before.
    const p = `/huge/_search?mb=${hugeMb}`;
    const d = await once(`${upInfo.url}${p}`, undefined);
    const before = await gd.usage();
    let sampledMaxRss = before.rssMb;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await new Promise((r) => setTimeout(r, 1000));
        if (!sampling) break;
        const u = await gd.usage();
        sampledMaxRss = Math.max(sampledMaxRss, u.rssMb);
      }
    })();
    const g = await once(`${gInfo.url}${p}`, gInfo.key);
    sampling = false;
    await sampler;
    const after = await gd.usage();
    if (g.status !== 200) throw new Error(`huge: status ${g.status}`);
    const inBytes = hugeMb * 1024 * 1024;
    result.huge = {
      inBytes,
      outBytes: g.bytes,
      directMs: d.ms,
      guardedMs: g.ms,
      maskedMBps: inBytes / 1e6 / (g.ms / 1000),
      guardCpuS: after.cpuS - before.cpuS,
      maskedMBPerCpuS: inBytes / 1e6 / (after.cpuS - before.cpuS),
      guardRssBeforeMb: before.rssMb,
      guardRssMaxSampledMb: sampledMaxRss,
      guardPeakRssMb: after.maxRssMb,
      guardPeakRssBeforeMb: before.maxRssMb,
    };
    const h = result.huge;
    log(`huge ${hugeMb} MiB log-like response (${fmt(inBytes / 1e6, 0)} MB in, ${fmt(g.bytes / 1e6, 0)} MB out):`);
    log(
      `  direct ${fmt(d.ms / 1000, 1)} s   guarded ${fmt(g.ms / 1000, 1)} s: ${fmt(h.maskedMBps)} MB/s (wall), guard CPU ${fmt(h.guardCpuS, 1)} s (${fmt(h.maskedMBPerCpuS)} MB per CPU second)`,
    );
    log(
      `  guard RSS ${fmt(h.guardRssBeforeMb, 0)} MB before, ${fmt(h.guardRssMaxSampledMb, 0)} MB highest sampled (1 s), peak RSS ${fmt(h.guardPeakRssMb, 0)} MB (process lifetime; ${fmt(h.guardPeakRssBeforeMb, 0)} MB before this case)`,
    );
  }
  if (want('stream')) {
    const dist = path.resolve(process.env.LEAKGUARD_DIST ?? path.join(HERE, '..', 'dist'));
    const mod = (p) => import(pathToFileURL(path.join(dist, p)).href);
    const { createAnalyzer } = await mod('detect/analyzer.js');
    const { builtinRecognizers } = await mod('detect/presets.js');
    const { parsePolicy } = await mod('protect/policy.js');
    const { ResponseMasker } = await mod('guard/mask.js');
    const { JsonStream } = await mod('guard/json-stream.js');
    const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
    const policy = parsePolicy('rules: []\ndefault: { action: mask }\n', 'bench.yaml');
    const cpuMs = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    // Best of three, in CPU milliseconds.
    const best = (fn) => {
      let b = Number.POSITIVE_INFINITY;
      for (let k = 0; k < 3; k++) {
        const t = cpuMs();
        fn();
        b = Math.min(b, cpuMs() - t);
      }
      return b;
    };
    const CHUNK = 64 * 1024;
    const feed = (body, w) => {
      for (let o = 0; o < body.length; o += CHUNK) w.write(body.subarray(o, o + CHUNK));
      w.end();
    };
    result.stream = {};
    log('masking stream alone, in this process (CPU time, best of 3, 64 KiB chunks):');
    for (const kind of ['dense', 'mixed']) {
      const body = await fetchBody(`${upInfo.url}/${kind}/_search`);
      const leaves = [];
      feed(
        body,
        new JsonStream((k, v, st) => {
          if (k === 'key' || (k === 'number' && v.length < 6)) return undefined;
          let label;
          for (let i = st.stack.length - 1; i >= 0 && label === undefined; i--)
            if (st.stack[i].obj) label = st.stack[i].key;
          leaves.push(label === undefined ? v : `${label}: ${v}`);
          return undefined;
        }),
      );
      const tokenizer = best(() => feed(body, new JsonStream(() => undefined)));
      const detect = best(() => {
        for (const l of leaves) analyzer.detect(l);
      });
      const masking = best(() =>
        feed(
          body,
          new ResponseMasker({
            policy,
            analyzer,
            json: true,
            records: { kind: 'source' },
            sourceRoot: false,
            maxStringChars: 1 << 24,
          }),
        ),
      );
      const mbps = (ms) => body.length / 1e6 / (ms / 1000);
      result.stream[kind] = {
        bytes: body.length,
        leaves: leaves.length,
        tokenizerMBps: mbps(tokenizer),
        detectMBps: mbps(detect),
        maskingMBps: mbps(masking),
      };
      log(
        `  ${kind.padEnd(5)} ${(body.length / 1e6).toFixed(1)} MB, ${leaves.length} leaves: tokenizer ${fmt(mbps(tokenizer))} MB/s, detection alone ${fmt(mbps(detect))} MB/s, full masking ${fmt(mbps(masking))} MB/s`,
      );
    }
  }
} finally {
  gd.p.kill('SIGTERM');
  result.guardProcess = await gd.next().catch(() => null);
  up.p.kill('SIGTERM');
  result.upstreamProcess = await up.next().catch(() => null);
  agent.destroy();
}
log(
  `guard process: ${fmt(result.guardProcess?.cpuS ?? Number.NaN, 1)} CPU s, peak RSS ${fmt(result.guardProcess?.maxRssMb ?? Number.NaN, 0)} MB; load average at start ${result.machine.loadavg.join(' ')}`,
);
if (asJson) process.stdout.write(`${JSON.stringify(result)}\n`);
