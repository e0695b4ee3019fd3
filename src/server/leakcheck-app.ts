/**
 * The HTTP face of the private lookup (node:http, no framework): the page at `/`, its bundled script, and the
 * wire contract `GET /v1/oprf/key`, `POST /v1/oprf/evaluate`, `GET /v1/range/{prefix}`.
 *
 * - Errors are `{ "error": { "code", "message" } }` with a 4xx status naming what was wrong (malformed JSON or
 *   element, oversized batch or body, bad prefix, unknown route, wrong method, rate limit); 5xx bodies are generic.
 * - Rate limits per client: evaluations are charged per blinded element, range queries per request, and all
 *   evaluations together also draw on one global allowance, so rotating addresses cannot multiply the guessing
 *   rate. A client is its address grouped by {@link clientKey} (IPv6 by /64, IPv4-mapped IPv6 as IPv4); with
 *   `trustProxy` the address is the `X-Forwarded-For` entry your proxy appended (the last one, or the n-th from
 *   the end behind n proxies), never the first: a client can prepend anything it likes. `429` carries
 *   `Retry-After`.
 * - The request log holds method, route template, status, batch size and duration: never a prefix, an element,
 *   a body or a client address.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { LeakcheckRequestError, type LeakcheckService } from '../leak/leakcheck/service.js';
import { clientKey, parseClientAddress } from './client-key.js';
import { leakcheckPage } from './leakcheck-page.js';
import { createRateLimiter, type RateLimiter, type RateLimitOptions } from './rate-limit.js';

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
  /**
   * Evaluations of all clients together: default a burst of 3,000, then 50 per second (3,000/min); `false`
   * switches it off. Bounds online guessing however many addresses a guesser rotates through (at the cost that a
   * flood can make everyone wait: see the README threat model).
   */
  readonly globalEvaluateLimit?: Omit<RateLimitOptions, 'now' | 'maxClients'> | false;
  /** Range queries per client: default a burst of 60, then one per second. */
  readonly rangeLimit?: Omit<RateLimitOptions, 'now'>;
  /** Largest request body (default 16 KiB). */
  readonly maxBodyBytes?: number;
  /**
   * Behind trusted reverse proxies: take the client address from `X-Forwarded-For`, the entry the outermost of
   * them appended (`true` = one proxy: the last entry; a number n = n proxies in front: the n-th entry from the
   * end). Without a usable entry the socket address (the proxy) is the client. Only set it when every request
   * comes through them.
   */
  readonly trustProxy?: boolean | number;
  /** Clock in ms for the rate limits (tests pass their own). */
  readonly now?: () => number;
  readonly log?: (line: RequestLogLine) => void;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
} as const;

/** The one key of the global limiter. */
const GLOBAL = '*';

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

/** Default evaluations per client: a burst of 30, then one every 2 s. */
export const DEFAULT_EVALUATE_LIMIT = { capacity: 30, refillPerSecond: 0.5 } as const;
/** Default evaluations of all clients together: a burst of 3,000, then 50 per second. */
export const DEFAULT_GLOBAL_EVALUATE_LIMIT = { capacity: 3000, refillPerSecond: 50 } as const;
/** Default range queries per client: a burst of 60, then one per second. */
export const DEFAULT_RANGE_LIMIT = { capacity: 60, refillPerSecond: 1 } as const;

/**
 * The rate-limit key of a request: the socket address or, behind `hops` trusted proxies, the `X-Forwarded-For`
 * entry the outermost trusted proxy appended (`hops` from the end; proxies append, so entries before it are
 * whatever the client sent).
 */
function clientOf(req: IncomingMessage, hops: number): string {
  if (hops > 0) {
    const xff = req.headers['x-forwarded-for'];
    // Several header lines are one list, in order (RFC 9110 §5.3).
    const list = (Array.isArray(xff) ? xff.join(',') : (xff ?? '')).split(',');
    const entry = list.length >= hops ? list[list.length - hops] : undefined;
    const address = entry === undefined ? undefined : parseClientAddress(entry);
    if (address !== undefined) return clientKey(address);
  }
  return clientKey(req.socket.remoteAddress ?? 'unknown');
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
  const clock = options.now ? { now: options.now } : {};
  const evalLimiter = createRateLimiter({ ...(options.evaluateLimit ?? DEFAULT_EVALUATE_LIMIT), ...clock });
  const globalLimit = options.globalEvaluateLimit ?? DEFAULT_GLOBAL_EVALUATE_LIMIT;
  const globalLimiter: RateLimiter | undefined =
    globalLimit === false ? undefined : createRateLimiter({ ...globalLimit, maxClients: 1, ...clock });
  const rangeLimiter = createRateLimiter({ ...(options.rangeLimit ?? DEFAULT_RANGE_LIMIT), ...clock });
  const maxBody = options.maxBodyBytes ?? 16 * 1024;
  const hops = options.trustProxy === true ? 1 : typeof options.trustProxy === 'number' ? options.trustProxy : 0;
  if (!Number.isInteger(hops) || hops < 0)
    throw new RangeError('createLeakcheckHandler: trustProxy must be a boolean or a non-negative integer');
  for (const [name, limit] of [
    ['evaluateLimit', options.evaluateLimit ?? DEFAULT_EVALUATE_LIMIT],
    ['globalEvaluateLimit', globalLimit || undefined],
  ] as const) {
    if (limit && limit.capacity < service.maxBatch)
      throw new RangeError(`createLeakcheckHandler: ${name}.capacity is below the service's maxBatch`);
  }
  const page = leakcheckPage({ prefixLength: service.prefixLength });

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
        if (allow('GET', 'HEAD')) send(200, page, 'text/html; charset=utf-8');
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
        const client = clientOf(req, hops);
        const cost = Math.max(1, Math.min(batch ?? 1, service.maxBatch));
        // Both allowances are checked before either is spent: a request refused by one costs nothing in the other.
        const wait = Math.max(evalLimiter.wait(client, cost), globalLimiter?.wait(GLOBAL, cost) ?? 0);
        if (wait > 0) {
          limited(wait);
          return;
        }
        evalLimiter.take(client, cost);
        globalLimiter?.take(GLOBAL, cost);
        json(200, service.evaluate(body));
        return;
      }
      if (path.startsWith('/v1/range/')) {
        route = '/v1/range/{prefix}';
        if (!allow('GET', 'HEAD')) return;
        const wait = rangeLimiter.take(clientOf(req, hops), 1);
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
