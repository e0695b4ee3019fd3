/**
 * The HTTP face of the private lookup (node:http, no framework): the page at `/`, its bundled script, and the
 * wire contract `GET /v1/oprf/key`, `POST /v1/oprf/evaluate`, `GET /v1/range/{prefix}`.
 *
 * - Errors are `{ "error": { "code", "message" } }` with a 4xx status naming what was wrong (malformed JSON or
 *   element, oversized batch or body, bad prefix, unknown route, wrong method, rate limit); 5xx bodies are generic.
 * - Rate limits per client (remote address, or the first `X-Forwarded-For` hop with `trustProxy`): evaluations
 *   are charged per blinded element, range queries per request. `429` carries `Retry-After`.
 * - The request log holds method, route template, status, batch size and duration: never a prefix, an element,
 *   a body or a client address.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { LeakcheckRequestError, type LeakcheckService } from '../leak/leakcheck/service.js';
import { LEAKCHECK_PAGE } from './leakcheck-page.js';
import { createRateLimiter, type RateLimitOptions } from './rate-limit.js';

/** One request log line (no identifier, prefix, element or address). */
export interface RequestLogLine {
  time: string;
  method: string;
  route: string;
  status: number;
  ms: number;
  /** Blinded elements in an evaluate request. */
  batch?: number;
  code?: string;
}

/** Options of {@link createLeakcheckHandler}. */
export interface LeakcheckServerOptions {
  readonly service: LeakcheckService;
  /** Evaluations (blinded elements) per client: default a burst of 30, then one every 2 s (30/min). */
  readonly evaluateLimit?: Omit<RateLimitOptions, 'now'>;
  /** Range queries per client: default a burst of 60, then one per second. */
  readonly rangeLimit?: Omit<RateLimitOptions, 'now'>;
  /** Largest request body (default 16 KiB). */
  readonly maxBodyBytes?: number;
  /** Take the client address from the first `X-Forwarded-For` hop (only behind a trusted proxy). */
  readonly trustProxy?: boolean;
  readonly log?: (line: RequestLogLine) => void;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
} as const;

let bundle: Promise<string> | undefined;

/**
 * The page script, bundled once per process from `src/leak/leakcheck/browser.ts` (or its compiled `.js`) with
 * esbuild: plain ESM, no bundler at build time.
 */
export function browserBundle(): Promise<string> {
  bundle ??= (async () => {
    const ts = fileURLToPath(new URL('../leak/leakcheck/browser.ts', import.meta.url));
    const js = fileURLToPath(new URL('../leak/leakcheck/browser.js', import.meta.url));
    const entry = existsSync(ts) ? ts : js;
    const { build } = await import('esbuild');
    const r = await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      write: false,
      logLevel: 'silent',
      legalComments: 'none',
    });
    return r.outputFiles[0]?.text ?? '';
  })();
  bundle.catch(() => {
    bundle = undefined;
  });
  return bundle;
}

function clientOf(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const xff = req.headers['x-forwarded-for'];
    const first = (Array.isArray(xff) ? xff[0] : xff)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * A request handler for the lookup service.
 *
 * @example
 * createServer(createLeakcheckHandler({ service })).listen(8080, '127.0.0.1');
 */
export function createLeakcheckHandler(
  options: LeakcheckServerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { service } = options;
  const evalLimiter = createRateLimiter(options.evaluateLimit ?? { capacity: 30, refillPerSecond: 0.5 });
  const rangeLimiter = createRateLimiter(options.rangeLimit ?? { capacity: 60, refillPerSecond: 1 });
  const maxBody = options.maxBodyBytes ?? 16 * 1024;
  const trustProxy = options.trustProxy ?? false;

  return (req, res) => {
    const started = process.hrtime.bigint();
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let route = 'unknown';
    let batch: number | undefined;
    let code: string | undefined;

    const send = (status: number, body: string, type: string, extra: Record<string, string> = {}): void => {
      res.writeHead(status, {
        ...SECURITY_HEADERS,
        'content-type': type,
        'cache-control': route === '/assets/leakcheck.js' ? 'public, max-age=300' : 'no-store',
        'content-length': Buffer.byteLength(body),
        ...extra,
      });
      res.end(body);
      options.log?.({
        time: new Date().toISOString(),
        method,
        route,
        status,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        ...(batch === undefined ? {} : { batch }),
        ...(code === undefined ? {} : { code }),
      });
    };
    const json = (status: number, value: unknown, extra?: Record<string, string>): void =>
      send(status, JSON.stringify(value), 'application/json; charset=utf-8', extra);
    const fail = (status: number, c: string, message: string, extra?: Record<string, string>): void => {
      code = c;
      json(status, { error: { code: c, message } }, extra);
    };
    const limited = (seconds: number): void => {
      const finite = Number.isFinite(seconds);
      fail(
        429,
        'LG_LEAK_RATE_LIMITED',
        finite ? `Too many requests: retry in ${seconds} s` : 'The batch is larger than the rate limit allows',
        finite ? { 'retry-after': String(seconds) } : {},
      );
    };
    const allow = (...methods: string[]): boolean => {
      if (methods.includes(method)) return true;
      fail(405, 'LG_LEAK_METHOD', `Method ${method} is not allowed on ${route}`, { allow: methods.join(', ') });
      return false;
    };

    const handle = async (): Promise<void> => {
      if (path === '/' || path === '/index.html') {
        route = '/';
        if (allow('GET', 'HEAD')) send(200, LEAKCHECK_PAGE, 'text/html; charset=utf-8');
        return;
      }
      if (path === '/assets/leakcheck.js') {
        route = path;
        if (allow('GET', 'HEAD')) send(200, await browserBundle(), 'text/javascript; charset=utf-8');
        return;
      }
      if (path === '/v1/oprf/key') {
        route = path;
        if (allow('GET', 'HEAD')) json(200, service.keyDocument());
        return;
      }
      if (path === '/v1/oprf/evaluate') {
        route = path;
        if (!allow('POST')) return;
        let raw: Buffer;
        try {
          raw = await readBody(req, maxBody);
        } catch (e) {
          if (e instanceof BodyTooLarge) {
            fail(413, 'LG_LEAK_BODY_TOO_LARGE', `The request body is larger than ${maxBody} bytes`, {
              connection: 'close',
            });
            return;
          }
          throw e;
        }
        let body: unknown;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          fail(400, 'LG_LEAK_BAD_REQUEST', 'The request body is not valid JSON');
          return;
        }
        const blinded = (body as { blinded?: unknown } | null)?.blinded;
        if (Array.isArray(blinded)) batch = blinded.length;
        const wait = evalLimiter.take(clientOf(req, trustProxy), Math.max(1, Math.min(batch ?? 1, service.maxBatch)));
        if (wait > 0) {
          limited(wait);
          return;
        }
        json(200, service.evaluate(body));
        return;
      }
      if (path.startsWith('/v1/range/')) {
        route = '/v1/range/{prefix}';
        if (!allow('GET', 'HEAD')) return;
        const wait = rangeLimiter.take(clientOf(req, trustProxy), 1);
        if (wait > 0) {
          limited(wait);
          return;
        }
        let prefix: string;
        try {
          prefix = decodeURIComponent(path.slice('/v1/range/'.length));
        } catch {
          prefix = '';
        }
        json(200, await service.range(prefix));
        return;
      }
      fail(404, 'LG_LEAK_NOT_FOUND', 'No such route');
    };

    handle().catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof LeakcheckRequestError) fail(e.status, e.code, e.message);
      else fail(500, 'LG_INTERNAL', 'Internal error');
    });
  };
}

/** A started server. */
export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Start the lookup service on `host:port` (port 0: any free port).
 *
 * @example
 * const s = await startLeakcheckServer({ service, host: '127.0.0.1', port: 0 });
 */
export async function startLeakcheckServer(
  options: LeakcheckServerOptions & { host: string; port: number },
): Promise<RunningServer> {
  const server = createServer(createLeakcheckHandler(options));
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
