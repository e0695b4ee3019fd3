/**
 * Protocol-faithful fakes for the audit tests, on 127.0.0.1 and random ports:
 * - Kibana 8 in front of a (fake) Elasticsearch: `GET /api/status` (headers `kbn-name`, `kbn-license-sig`, the
 *   status JSON shape), `GET /app/home` (the app page, or a 302 to `/login?next=…` when security is on, with
 *   `/api/status` answering 401 as Kibana does for anonymous clients), and the Dev Tools console proxy
 *   `POST /api/console/proxy?path=…&method=…` (requires `kbn-xsrf`, forwards to Elasticsearch).
 * - S3 (MinIO flavour): anonymous `ListBuckets` (refused with `AccessDenied` unless `anonymousListBuckets`),
 *   `ListObjectsV2` on public or private buckets, `GetObject` with `Range`, S3 XML error bodies, `Server: MinIO`.
 * - A static web server with autoindex directory listings (nginx's HTML) and files.
 * - Misbehaving servers: a tarpit (accepts, never answers), a garbage banner, a TLS server (self-signed).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttp,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createNet, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTls } from 'node:tls';

export interface Running {
  port: number;
  url: string;
  close(): Promise<void>;
}

function track(server: Server | HttpServer): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  });
  return sockets;
}

async function listen(server: Server | HttpServer, scheme = 'http'): Promise<Running> {
  const sockets = track(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Fake Kibana 8.x. */
export async function startFakeKibana(options: { esUrl: string; security?: boolean }): Promise<Running> {
  const server = createHttp(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('kbn-name', 'kibana');
    res.setHeader('kbn-license-sig', 'f1d2d2f924e986ac86fdf7b36c94bcdf32beec15');
    const authed = !options.security || req.headers.authorization !== undefined;
    if (url.pathname === '/api/status') {
      if (!authed) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          name: 'kibana',
          uuid: '5b2de169-2785-441b-ae8c-186a1936b17d',
          version: {
            number: '8.13.4',
            build_hash: 'abc',
            build_number: 72000,
            build_snapshot: false,
            build_flavor: 'traditional',
          },
          status: {
            overall: { level: 'available', summary: 'All services and plugins are available' },
            core: {},
            plugins: {},
          },
          metrics: {},
        }),
      );
      return;
    }
    if (url.pathname.startsWith('/app/')) {
      if (!authed) {
        res.writeHead(302, { location: `/login?next=${encodeURIComponent(url.pathname)}` });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!DOCTYPE html><html><head><title>Elastic</title></head><body><kbn-injected-metadata data="{}"></kbn-injected-metadata></body></html>',
      );
      return;
    }
    if (url.pathname === '/api/console/proxy' && req.method === 'POST') {
      if (!authed) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' }));
        return;
      }
      if (!req.headers['kbn-xsrf']) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ statusCode: 400, error: 'Bad Request', message: 'Request must contain a kbn-xsrf header.' }),
        );
        return;
      }
      const body = await readBody(req);
      const path = url.searchParams.get('path') ?? '/';
      const method = url.searchParams.get('method') ?? 'GET';
      const upstream = await fetch(`${options.esUrl}${path.startsWith('/') ? path : `/${path}`}`, {
        method,
        ...(body && method !== 'GET' ? { body, headers: { 'content-type': 'application/json' } } : {}),
      });
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(await upstream.text());
      return;
    }
    if (url.pathname === '/login') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>login</body></html>');
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ statusCode: 404, error: 'Not Found', message: 'Not Found' }));
  });
  return listen(server);
}

function xml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Fake S3 (MinIO). */
export async function startFakeS3(options: {
  buckets: Record<string, { public: boolean; objects: Record<string, string> }>;
  anonymousListBuckets?: boolean;
}): Promise<Running> {
  const server = createHttp((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('server', 'MinIO');
    res.setHeader('x-amz-request-id', '17B2C5D1A9F0E8C3');
    const error = (status: number, code: string, message: string, resource: string) => {
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message><Resource>${xml(resource)}</Resource><RequestId>17B2C5D1A9F0E8C3</RequestId><HostId>dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8</HostId></Error>`,
      );
    };
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts.length === 0) {
      if (!options.anonymousListBuckets) return error(403, 'AccessDenied', 'Access Denied.', '/');
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>02d6176db174dc93cb1b899f7c6078f08654445fe8cf1b6ce98d8855f66bdbf4</ID><DisplayName>minio</DisplayName></Owner><Buckets>${Object.keys(
          options.buckets,
        )
          .map((b) => `<Bucket><Name>${xml(b)}</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket>`)
          .join('')}</Buckets></ListAllMyBucketsResult>`,
      );
      return;
    }
    const bucket = options.buckets[parts[0]!];
    if (!bucket) return error(404, 'NoSuchBucket', 'The specified bucket does not exist', `/${parts[0]}`);
    if (!bucket.public) return error(403, 'AccessDenied', 'Access Denied.', url.pathname);
    if (parts.length === 1) {
      const keys = Object.keys(bucket.objects).sort();
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xml(parts[0]!)}</Name><Prefix></Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${keys.map((k) => `<Contents><Key>${xml(k)}</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>${Buffer.byteLength(bucket.objects[k]!)}</Size><StorageClass>STANDARD</StorageClass></Contents>`).join('')}</ListBucketResult>`,
      );
      return;
    }
    const key = parts.slice(1).join('/');
    const obj = bucket.objects[key];
    if (obj === undefined) return error(404, 'NoSuchKey', 'The specified key does not exist.', url.pathname);
    const data = Buffer.from(obj);
    const range = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers.range ?? ''));
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), data.length - 1);
      res.writeHead(206, {
        'content-type': 'application/octet-stream',
        'content-range': `bytes ${start}-${end}/${data.length}`,
      });
      res.end(data.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(data);
  });
  return listen(server);
}

/** A static server with nginx-style autoindex listings for directories. `files` maps paths to contents. */
export async function startStaticSite(options: {
  files: Record<string, string | Buffer>;
  autoindex: boolean;
  spaFallback?: boolean;
}): Promise<Running> {
  const server = createHttp((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = options.files[path];
    res.setHeader('server', 'nginx/1.22.1');
    if (file !== undefined) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(file);
      return;
    }
    if (path.endsWith('/') && options.autoindex) {
      const children = new Set<string>();
      for (const p of Object.keys(options.files)) {
        if (!p.startsWith(path)) continue;
        const rest = p.slice(path.length);
        const slash = rest.indexOf('/');
        children.add(slash >= 0 ? rest.slice(0, slash + 1) : rest);
      }
      if (children.size > 0 || path === '/') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(
          `<html>\r\n<head><title>Index of ${path}</title></head>\r\n<body>\r\n<h1>Index of ${path}</h1><hr><pre><a href="../">../</a>\r\n${[...children].map((c) => `<a href="${encodeURIComponent(c).replace(/%2F/g, '/')}">${c}</a>                 01-Jan-2024 00:00     1234\r\n`).join('')}</pre><hr></body>\r\n</html>\r\n`,
        );
        return;
      }
    }
    if (options.spaFallback) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><head><title>App</title></head><body><div id="root"></div></body></html>');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end(
      '<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center></body></html>',
    );
  });
  return listen(server);
}

/** Accepts connections and never answers (holds them open). */
export async function startTarpit(): Promise<Running> {
  return listen(createNet(() => {}));
}

/** Answers every connection with a fixed banner of garbage bytes, then keeps the connection open. */
export async function startGarbage(
  banner: Buffer = Buffer.from('\x00\xff\xfeSSH-2.0-garbage?\r\n\x07\x07\x07'),
): Promise<Running> {
  return listen(
    createNet((s) => {
      s.write(banner);
      s.on('data', () => s.write(banner));
    }),
  );
}

/** Answers every connection with a valid-looking start, then one byte every 100 ms, forever (slow drip). */
export async function startSlowDrip(start = 'HTTP/1.1 200 OK\r\n'): Promise<Running> {
  return listen(
    createNet((s) => {
      s.write(start);
      const t = setInterval(() => s.write('x'), 100);
      s.on('close', () => clearInterval(t));
    }),
  );
}

/** A TLS server (self-signed, generated with openssl) that speaks HTTP inside TLS. */
export async function startTlsServer(): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'lg-audit-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
      ],
      { stdio: 'ignore' },
    );
    const key = readFileSync(join(dir, 'k.pem'));
    const cert = readFileSync(join(dir, 'c.pem'));
    const server = createTls({ key, cert }, (s) => {
      s.on('error', () => {});
      s.on('data', () => s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok'));
    });
    return await listen(server, 'https');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
