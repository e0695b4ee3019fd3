// Upstream for bench/guard.mjs: a minimal Elasticsearch-shaped search endpoint on 127.0.0.1 (random port),
// answering from prebuilt buffers so the upstream costs little CPU. Prints {"url": …} on stdout when ready.
//   /small/_search   5 hits of synthetic people (≈ 1.3 KB)
//   /dense/_search   ≈ 10 MB: every hit holds a mobile, a resident ID, a name and a note with both (values
//                    distinct within 20,000 hits, generated with valid checksums by src/synth)
//   /mixed/_search   ≈ 10 MB: log-like hits, one in ten with a mobile number (the rest: ids, codes, text)
//   /huge/_search?mb=N  N MiB (default 500) of the log-like hits, generated as it streams (chunked, honouring
//                    backpressure: the upstream holds one ~64 KiB piece at a time, never the whole response)
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.env.LEAKGUARD_DIST ?? path.join(HERE, '..', 'dist'));
const load = (p) => import(pathToFileURL(path.join(dist, p)).href);
const { generateMobile, generateResidentId } = await load('synth/cn.js');
const { createSeededRng } = await load('synth/rng.js');
const { generateChineseName } = await load('synth/text.js');
const rng = createSeededRng(7);
// Distinct valid values (checksums right), so no cache can make repeated values cheap.
const POOL = 20_000;
const mobiles = Array.from({ length: POOL }, () => generateMobile(rng));
const ids = Array.from({ length: POOL }, () => generateResidentId(rng));
const names = Array.from({ length: POOL }, () => generateChineseName(rng));

const MB = 1024 * 1024;
const mobile = (i) => mobiles[i % POOL];
function hits(n, make) {
  const parts = [];
  for (let i = 0; i < n; i++)
    parts.push(JSON.stringify({ _index: 'people', _id: `d${i}`, _score: 1, _source: make(i) }));
  return parts;
}
function response(parts) {
  return Buffer.from(
    `{"took":3,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":${parts.length},"relation":"eq"},"max_score":1,"hits":[${parts.join(',')}]}}`,
  );
}
const person = (i) => ({
  name: names[i % POOL],
  phone: mobile(i),
  id_card: ids[i % POOL],
  city: ['上海', '北京', '杭州'][i % 3],
  note: `联系电话 ${mobile(i)}，身份证 ${ids[(i + 1) % POOL]}`,
});
const logDoc = (i) => ({
  ts: `2026-01-0${(i % 9) + 1}T10:00:${String(i % 60).padStart(2, '0')}Z`,
  level: ['INFO', 'WARN', 'DEBUG'][i % 3],
  service: `checkout-${i % 7}`,
  trace: `t-${(i * 2654435761) % 4294967296}`,
  msg:
    i % 10 === 0
      ? `callback to customer ${mobile(i)} scheduled`
      : `order ${100000 + i} moved to state shipped after ${i % 97} ms`,
  bytes: i * 13,
});
function sized(make, bytes) {
  const one = JSON.stringify({ _index: 'people', _id: 'd0', _score: 1, _source: make(0) }).length + 1;
  return response(hits(Math.ceil(bytes / one), make));
}
// Log-like hits for the streamed huge response: one pool of 20,000, cycled with a running id.
const LOG_POOL = Array.from({ length: POOL }, (_, i) => JSON.stringify(logDoc(i)));
function streamHuge(res, total) {
  res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
  let written = 0;
  let i = 0;
  const head = '{"took":3,"timed_out":false,"hits":{"total":{"value":0,"relation":"gte"},"max_score":1,"hits":[';
  res.write(head);
  written += head.length;
  const pump = () => {
    while (written < total) {
      let piece = '';
      while (piece.length < 64 * 1024 && written + piece.length < total) {
        piece += `${i ? ',' : ''}{"_index":"logs","_id":"h${i}","_score":1,"_source":${LOG_POOL[i % POOL]}}`;
        i++;
      }
      const b = Buffer.from(piece);
      written += b.length;
      if (!res.write(b)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end(']}}');
  };
  pump();
}
const bodies = {
  '/small/_search': response(hits(5, person)),
  '/dense/_search': sized(person, 10 * MB),
  '/mixed/_search': sized(logDoc, 10 * MB),
};
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const [p, q] = req.url.split('?');
    if (p === '/huge/_search') {
      const mb = Number(new URLSearchParams(q ?? '').get('mb') ?? 500);
      streamHuge(res, Math.max(1, mb) * MB);
      return;
    }
    const b = bodies[p];
    if (!b) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found","status":404}');
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': b.length,
      'x-elastic-product': 'Elasticsearch',
    });
    res.end(b);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const sizes = Object.fromEntries(Object.entries(bodies).map(([k, v]) => [k, v.length]));
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}`, sizes })}\n`);
});
process.on('SIGTERM', () => {
  const ru = process.resourceUsage();
  process.stdout.write(
    `${JSON.stringify({ cpuS: (ru.userCPUTime + ru.systemCPUTime) / 1e6, maxRssMb: ru.maxRSS / 1024 })}\n`,
  );
  process.exit(0);
});
