// The guard for bench/guard.mjs, in its own process: built from dist (LEAKGUARD_DIST overrides), SQLite
// catalog in a temporary folder, one analyst key (every detected value masked, the default policy) and an
// admin key. Prints {"url", "key"} when listening; answers each `usage` line on stdin with its CPU seconds and
// peak RSS so far, and prints them once more on SIGTERM before exiting.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.env.LEAKGUARD_DIST ?? path.join(HERE, '..', 'dist'));
const load = (p) => import(pathToFileURL(path.join(dist, p)).href);
const upstream = process.argv[2];
const { parseGuardConfig } = await load('guard/config.js');
const { createGuard } = await load('guard/guard.js');
const { createApiKey } = await load('guard/keys.js');
const { openSqlite } = await load('catalog/sql.js');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lg-guard-bench-'));
const text = `upstream: { url: ${upstream}, maxSockets: 64 }
catalog: ${path.join(dir, 'catalog.db')}
listen: { host: 127.0.0.1, port: 0 }
anomaly: { enabled: false }
limits: { maxStringChars: 16777216 }
roles:
  analyst: { indices: ['*'], maxPageSize: 10000, maxFrom: 1000000, quota: { records: { minute: 1000000000 } } }
  admin: { admin: true }
`;
// The guard opens its own catalog (as `leakguard guard` does); keys go in through a second connection.
const guard = await createGuard({ config: parseGuardConfig(text, path.join(dir, 'guard.yaml')), env: process.env });
const db = await openSqlite(path.join(dir, 'catalog.db'));
const { key } = await createApiKey(db, { principal: 'bench', role: 'analyst' });
await guard.reload();
const url = await guard.listen();
process.stdout.write(`${JSON.stringify({ url, key })}\n`);
const usage = () => {
  const ru = process.resourceUsage();
  return {
    cpuS: (ru.userCPUTime + ru.systemCPUTime) / 1e6,
    userS: ru.userCPUTime / 1e6,
    sysS: ru.systemCPUTime / 1e6,
    maxRssMb: ru.maxRSS / 1024,
    rssMb: process.memoryUsage.rss() / 1024 / 1024,
  };
};
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  pending += d;
  let nl = pending.indexOf('\n');
  while (nl >= 0) {
    if (pending.slice(0, nl).trim() === 'usage') process.stdout.write(`${JSON.stringify(usage())}\n`);
    pending = pending.slice(nl + 1);
    nl = pending.indexOf('\n');
  }
});
process.on('SIGTERM', async () => {
  await guard.close();
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(usage())}\n`);
  process.exit(0);
});
