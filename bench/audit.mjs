/**
 * Exposure-audit throughput.
 *
 * Endpoints. Audits loopback endpoints repeatedly and reports endpoints audited per second (wall) and per CPU-second:
 * the machine's Redis (127.0.0.1:6379, no AUTH), PostgreSQL (127.0.0.1:5432, trust) and MariaDB (127.0.0.1:3306),
 * an in-process Elasticsearch stand-in (GET /, _cat/indices, _search), and closed ports (unreachable). Each target
 * is listed `--repeat` times (default 50) and audited with `--concurrency` (default 16) and no rate cap to speak
 * of (10,000/s), so the figure is the probes' own cost. Services that are not running are reported and skipped.
 *
 * Secrets. Generates a git repository under bench/.corpus/audit-repo-<mb>mb (gitignored; reused while its marker
 * matches) with `git fast-import`: `--commits` commits (default 2,000) adding and rewriting source-like files
 * (code, config, JSON, logs) to about `--mb` MB of added lines (default 100), with `--planted` secrets (default 50)
 * added and later deleted. Then `auditSecrets(repo, { history: true })`: MB/s over the `git log -p` text read (all
 * of history plus the working tree), CPU seconds, and how many planted secrets were found (should be all).
 *
 * Usage: npm run build && node bench/audit.mjs [--repeat N] [--concurrency N] [--mb N] [--commits N]
 *        [--planted N] [--skip-endpoints] [--skip-secrets] [--json]
 * LEAKGUARD_DIST=<dir> runs against another build output (default dist/).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(HERE, '..');
const DIST = process.env.LEAKGUARD_DIST ?? path.join(ROOT, 'dist');
const load = (p) => import(pathToFileURL(path.join(DIST, p)).href);

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '16' },
    mb: { type: 'string', default: '100' },
    commits: { type: 'string', default: '2000' },
    planted: { type: 'string', default: '50' },
    'skip-endpoints': { type: 'boolean' },
    'skip-secrets': { type: 'boolean' },
    json: { type: 'boolean' },
  },
});

const log = (s) => process.stderr.write(`${s}\n`);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function fakeEs() {
  const server = http.createServer((req, res) => {
    res.setHeader('x-elastic-product', 'Elasticsearch');
    res.setHeader('content-type', 'application/json');
    if (req.url === '/') {
      res.end(
        JSON.stringify({
          name: 'n',
          cluster_name: 'bench',
          version: { number: '8.13.4', lucene_version: '9.10.0' },
          tagline: 'You Know, for Search',
        }),
      );
    } else if (req.url?.startsWith('/_cat/indices')) {
      res.end(JSON.stringify([{ index: 'citizens', 'docs.count': '1000' }]));
    } else res.end(JSON.stringify({ took: 1, hits: { total: { value: 1000 }, hits: [] } }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.address().port, close: () => new Promise((r) => server.close(r)) };
}

async function closedPort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

async function benchEndpoints() {
  const { auditEndpoints } = await load('audit/endpoints.js');
  const { planTargets } = await load('audit/targets.js');
  const repeat = Number(values.repeat);
  const es = await fakeEs();
  const targets = {
    redis: (await canConnect(6379)) ? '127.0.0.1:6379' : null,
    postgresql: (await canConnect(5432)) ? '127.0.0.1:5432' : null,
    mysql: (await canConnect(3306)) ? '127.0.0.1:3306' : null,
    elasticsearch: `es+http://127.0.0.1:${es.port}`,
    unreachable: `127.0.0.1:${await closedPort()}`,
  };
  const rows = [];
  try {
    for (const [name, t] of Object.entries(targets)) {
      if (!t) {
        rows.push({ service: name, skipped: 'not running on loopback' });
        continue;
      }
      const eps = planTargets(Array(repeat).fill(t)).endpoints;
      const c0 = cpu();
      const t0 = performance.now();
      const { results } = await auditEndpoints(eps, {
        concurrency: Number(values.concurrency),
        ratePerSecond: 10_000,
        timeoutMs: 5000,
      });
      const wall = (performance.now() - t0) / 1000;
      const cpuS = cpu() - c0;
      const verdicts = {};
      for (const r of results) verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
      rows.push({
        service: name,
        endpoints: eps.length,
        wallS: +wall.toFixed(2),
        cpuS: +cpuS.toFixed(2),
        perSecond: +(eps.length / wall).toFixed(1),
        perCpuSecond: +(eps.length / cpuS).toFixed(1),
        verdicts,
      });
      log(
        `endpoints ${name}: ${eps.length} in ${wall.toFixed(2)} s (${(eps.length / wall).toFixed(1)}/s, ${cpuS.toFixed(2)} CPU-s) ${JSON.stringify(verdicts)}`,
      );
    }
    const mixed = planTargets(
      Object.values(targets)
        .filter(Boolean)
        .flatMap((t) => Array(repeat).fill(t)),
    ).endpoints;
    const c0 = cpu();
    const t0 = performance.now();
    await auditEndpoints(mixed, { concurrency: Number(values.concurrency), ratePerSecond: 10_000, timeoutMs: 5000 });
    const wall = (performance.now() - t0) / 1000;
    const cpuS = cpu() - c0;
    rows.push({
      service: 'mixed',
      endpoints: mixed.length,
      wallS: +wall.toFixed(2),
      cpuS: +cpuS.toFixed(2),
      perSecond: +(mixed.length / wall).toFixed(1),
      perCpuSecond: +(mixed.length / cpuS).toFixed(1),
    });
    log(
      `endpoints mixed: ${mixed.length} in ${wall.toFixed(2)} s (${(mixed.length / wall).toFixed(1)}/s, ${cpuS.toFixed(2)} CPU-s)`,
    );
  } finally {
    await es.close();
  }
  return rows;
}

/** A small deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'user',
  'order',
  'value',
  'result',
  'config',
  'handler',
  'request',
  'response',
  'item',
  'count',
  'index',
  'buffer',
  'stream',
  'token',
  'password',
  'secret',
  'key',
  'name',
  'id',
  'status',
];

const SAFE = ['etag', 'checksum', 'sha', 'digest', 'requestId', 'traceId', 'revision', 'hash'];

function codeChunk(r, lines) {
  const out = [];
  for (let i = 0; i < lines; i++) {
    const w = () => WORDS[Math.floor(r() * WORDS.length)];
    const k = Math.floor(r() * 8);
    if (k === 0)
      out.push(`export function ${w()}${w()[0].toUpperCase()}${w().slice(1)}(${w()}: string, ${w()}: number) {`);
    else if (k === 1) out.push(`  const ${w()} = await ${w()}.${w()}(${w()}, { ${w()}: ${Math.floor(r() * 1000)} });`);
    else if (k === 2) out.push(`  // ${w()} ${w()} ${w()}: ${crypto.randomUUID()}`);
    else if (k === 3) out.push(`  if (${w()}.${w()} === '${w()}') return ${w()}(${w()});`);
    // Random hex under a non-credential key (a hash, an id): must not be reported.
    else if (k === 4)
      out.push(
        `  "${SAFE[Math.floor(r() * SAFE.length)]}": "${Math.floor(r() * 1e12).toString(16)}${Math.floor(r() * 1e12).toString(16)}",`,
      );
    else if (k === 5)
      out.push(
        `2024-05-0${1 + Math.floor(r() * 9)}T10:00:00Z INFO ${w()} ${SAFE[Math.floor(r() * SAFE.length)]}=${Math.floor(r() * 1e6)} took=${Math.floor(r() * 500)}ms`,
      );
    else if (k === 6) out.push(`  ${w()}_${w()} = ${w()}.${w()}`);
    else out.push(`}`);
  }
  return `${out.join('\n')}\n`;
}

function plantedSecret(i, r) {
  const alnum = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  let s = '';
  for (let k = 0; k < 20; k++) s += alnum[Math.floor(r() * alnum.length)];
  const kinds = [
    [`config/db-${i}.env`, `POSTGRES_PASSWORD=${s}\n`],
    [`src/conn-${i}.ts`, `export const url = 'postgres://app:${s}@10.0.${i % 250}.5:5432/crm';\n`],
    [`deploy/redis-${i}.conf`, `bind 0.0.0.0\nrequirepass ${s}\n`],
    [`docs/ops-${i}.md`, `    curl -u elastic:${s} http://10.0.0.${i % 250}:9200/_cat/indices\n`],
  ];
  return kinds[i % kinds.length];
}

function ensureRepo(mb, commits, planted) {
  const dir = path.join(HERE, '.corpus', `audit-repo-${mb}mb-${commits}c-${planted}p`);
  const marker = path.join(dir, '.bench-ok');
  if (fs.existsSync(marker)) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  spawnSync('git', ['init', '-q', '-b', 'main', dir]);
  const r = rng(42);
  const perCommit = Math.max(1, Math.floor((mb * 1024 * 1024) / commits));
  const chunks = [];
  let mark = 1;
  const plantAt = new Map();
  for (let i = 0; i < planted; i++) plantAt.set(Math.floor(((i + 0.5) * commits) / (planted + 1)), i);
  const live = new Set();
  for (let c = 0; c < commits; c++) {
    const ops = [];
    let bytes = 0;
    let f = 0;
    while (bytes < perCommit) {
      const name = `src/mod${Math.floor(r() * 400)}/file${f++ % 20}.ts`;
      const text = codeChunk(r, 40 + Math.floor(r() * 80));
      bytes += Buffer.byteLength(text);
      ops.push(['M', name, text]);
    }
    // Planted files are deleted a few commits after they were added: they live on only in history.
    if (c % 7 === 0) {
      for (const n of live) ops.push(['D', n]);
      live.clear();
    }
    if (plantAt.has(c)) {
      const i = plantAt.get(c);
      const [name, text] = plantedSecret(i, r);
      ops.push(['M', name, text]);
      live.add(name);
    }
    let body = '';
    for (const op of ops) {
      if (op[0] === 'D') {
        body += `D ${op[1]}\n`;
        continue;
      }
      const data = Buffer.from(op[2]);
      chunks.push(`blob\nmark :${mark}\ndata ${data.length}\n`, data, '\n');
      body += `M 100644 :${mark} ${op[1]}\n`;
      mark++;
    }
    const msg = `commit ${c}`;
    chunks.push(
      `commit refs/heads/main\ncommitter Bench <b@example.invalid> ${1700000000 + c} +0000\ndata ${msg.length}\n${msg}\n${body}\n`,
    );
  }
  const input = Buffer.concat(chunks.map((x) => (typeof x === 'string' ? Buffer.from(x) : x)));
  const res = spawnSync('git', ['-C', dir, 'fast-import', '--quiet'], { input, maxBuffer: 1 << 30 });
  if (res.status !== 0) throw new Error(`git fast-import failed: ${res.stderr}`);
  spawnSync('git', ['-C', dir, 'checkout', '-q', '-f', 'main']);
  fs.writeFileSync(marker, 'ok\n');
  return dir;
}

async function benchSecrets() {
  const { auditSecrets } = await load('audit/secrets/scan.js');
  const { createAnalyzer } = await load('detect/analyzer.js');
  const { builtinRecognizers } = await load('detect/presets.js');
  const mb = Number(values.mb);
  const commits = Number(values.commits);
  const planted = Number(values.planted);
  log(`secrets: generating or reusing a ${mb} MB, ${commits}-commit repository…`);
  const t = performance.now();
  const repo = ensureRepo(mb, commits, planted);
  log(`secrets: repository ready in ${((performance.now() - t) / 1000).toFixed(1)} s: ${repo}`);
  const analyzer = createAnalyzer({ recognizers: builtinRecognizers, types: ['SECRET'] });
  const c0 = cpu();
  const t0 = performance.now();
  const res = await auditSecrets(repo, { analyzer, fingerprintKey: Buffer.alloc(32, 7), history: true });
  const wall = (performance.now() - t0) / 1000;
  const cpuS = cpu() - c0;
  const historyOnly = res.findings.filter((f) => !f.inWorkingTree).length;
  const plantedFound = new Set(
    res.findings.filter((f) => /^(config\/db|src\/conn|deploy\/redis|docs\/ops)-/.test(f.file)).map((f) => f.file),
  ).size;
  const row = {
    mbRead: +(res.bytes / 1048576).toFixed(1),
    commits: res.commits,
    files: res.files,
    wallS: +wall.toFixed(2),
    cpuS: +cpuS.toFixed(2),
    mbPerSecond: +(res.bytes / 1048576 / wall).toFixed(2),
    mbPerCpuSecond: +(res.bytes / 1048576 / cpuS).toFixed(2),
    findings: res.findings.length,
    historyOnly,
    planted,
    plantedFound,
  };
  log(
    `secrets: ${row.mbRead} MB of history in ${row.wallS} s = ${row.mbPerSecond} MB/s (${row.cpuS} CPU-s in this process; git runs in its own); planted ${planted}, found ${plantedFound}; ${row.findings} findings`,
  );
  return row;
}

const out = {
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    node: process.version,
    load: os.loadavg().map((x) => +x.toFixed(2)),
  },
};
if (!values['skip-endpoints']) out.endpoints = await benchEndpoints();
if (!values['skip-secrets']) out.secrets = await benchSecrets();
if (values.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
else console.log(JSON.stringify(out, null, 2));
