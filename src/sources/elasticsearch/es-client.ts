/**
 * A minimal JSON-over-HTTP client for Elasticsearch and OpenSearch, on `node:http`/`node:https`.
 *
 * Why not `fetch`: Node 20's global fetch takes no per-request TLS options (a private CA, `sslmode=require`)
 * without importing undici's `Agent`, which is not a dependency here; `node:https` takes them directly, keeps
 * connections alive, and gives exact socket errors to classify. Responses are parsed by the lossless JSON parser
 * so 19-digit numbers in documents keep every digit.
 *
 * Credentials: basic auth from the URL (or `LEAKGUARD_ES_USERNAME`/`LEAKGUARD_ES_PASSWORD`) or an API key
 * (`LEAKGUARD_ES_API_KEY`, `?apiKeyEnv=NAME`), sent as `Authorization` headers and never logged.
 *
 * Retries: network failures and HTTP 429/502/503/504 are retried with exponential backoff for idempotent requests
 * only (a scroll continuation is not idempotent: a lost response would skip a page, so its caller restarts).
 */
import http from 'node:http';
import https from 'node:https';
import type { ElasticsearchSpec } from '../db-url.js';
import { NETWORK_CODES } from '../sql/errors.js';
import { readCaFile, tlsOptions } from '../sql/tls.js';
import { parseJsonLossless } from '../sql/values.js';

/** An HTTP error answered by the cluster. `type` is Elasticsearch's error type; its `reason` is never kept,
 *  because reasons can quote document values (`failed to parse field [x] … value: '…'`). */
export class EsHttpError extends Error {
  readonly status: number;
  readonly type: string | undefined;
  constructor(status: number, type: string | undefined) {
    super(`HTTP ${status}${type ? ` (${type})` : ''}`);
    this.name = 'EsHttpError';
    this.status = status;
    this.type = type;
  }
}

/** A request that took longer than the request timeout. */
export class EsTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(ms: number) {
    super(`request timed out after ${ms} ms`);
    this.name = 'EsTimeoutError';
  }
}

/** Options of {@link EsClient}. */
export interface EsClientOptions {
  requestTimeoutMs: number;
  retries: number;
  retryDelayMs: number;
  /** Largest response accepted (default 512 MiB): a guard against a runaway page. */
  maxResponseBytes?: number;
}

/** One request. */
export interface EsRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** Whether the request may be repeated after a failure (default: true for GET, HEAD, DELETE). */
  idempotent?: boolean;
}

/** Whether an error means the cluster could not be reached or the connection dropped. */
export function isNetworkError(e: unknown): boolean {
  if (e instanceof EsTimeoutError) return true;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (NETWORK_CODES.has(code) || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET');
}

/** Whether an error is worth retrying (network, or the cluster asking to back off). */
export function isRetryable(e: unknown): boolean {
  if (isNetworkError(e)) return true;
  return e instanceof EsHttpError && (e.status === 429 || e.status === 502 || e.status === 503 || e.status === 504);
}

/** A client bound to one cluster. */
export class EsClient {
  readonly #spec: ElasticsearchSpec;
  readonly #options: EsClientOptions;
  readonly #agent: http.Agent;
  readonly #auth: string | undefined;

  constructor(spec: ElasticsearchSpec, options: EsClientOptions) {
    this.#spec = spec;
    this.#options = options;
    if (spec.protocol === 'https') {
      const tls = tlsOptions(spec.tls, readCaFile(spec.tlsCaFile, spec.display));
      this.#agent = new https.Agent({ keepAlive: true, maxSockets: 8, ...(tls === false ? {} : tls) });
    } else {
      this.#agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    }
    this.#auth = spec.apiKey
      ? `ApiKey ${spec.apiKey}`
      : spec.user !== undefined
        ? `Basic ${Buffer.from(`${spec.user}:${spec.password ?? ''}`).toString('base64')}`
        : undefined;
  }

  /** Send a request (with retries when idempotent) and parse the JSON answer. */
  async request<T = unknown>(req: EsRequest): Promise<T> {
    const idempotent = req.idempotent ?? (req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE');
    let failures = 0;
    for (;;) {
      try {
        return (await this.#once(req)) as T;
      } catch (e) {
        if (req.signal?.aborted) throw req.signal.reason;
        if (!idempotent || !isRetryable(e) || failures >= this.#options.retries) {
          if (e instanceof Error && failures > 0) Object.assign(e, { attempts: failures + 1 });
          throw e;
        }
        failures++;
        await sleep(this.#options.retryDelayMs * 2 ** (failures - 1) * (0.5 + Math.random() / 2), req.signal);
      }
    }
  }

  #once(req: EsRequest): Promise<unknown> {
    const spec = this.#spec;
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) qs.set(k, String(v));
    const search = qs.toString();
    const path = `${req.path}${search ? `?${search}` : ''}`;
    const payload = req.body === undefined ? undefined : stringifyBody(req.body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    if (this.#auth) headers.authorization = this.#auth;
    const lib = spec.protocol === 'https' ? https : http;
    const max = this.#options.maxResponseBytes ?? 512 * 1024 * 1024;
    return new Promise((resolve, reject) => {
      const r = lib.request(
        { host: spec.host, port: spec.port, method: req.method, path, headers, agent: this.#agent },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > max) {
              r.destroy(Object.assign(new Error('response too large'), { code: 'LG_ES_TOO_LARGE' }));
              return;
            }
            chunks.push(c);
          });
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            let parsed: unknown;
            try {
              parsed = text.length > 0 ? parseJsonLossless(text) : undefined;
            } catch {
              parsed = undefined;
            }
            if (status >= 400) {
              const err = (parsed as { error?: unknown } | undefined)?.error;
              const type =
                typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string'
                  ? (err as { type: string }).type
                  : typeof err === 'string'
                    ? 'no_handler'
                    : undefined;
              reject(new EsHttpError(status, type));
              return;
            }
            if (parsed === undefined && text.length > 0) {
              reject(new EsHttpError(status, 'invalid_json_response'));
              return;
            }
            resolve(parsed);
          });
        },
      );
      const timer = setTimeout(
        () => r.destroy(new EsTimeoutError(this.#options.requestTimeoutMs)),
        this.#options.requestTimeoutMs,
      );
      const onAbort = () => r.destroy(req.signal?.reason instanceof Error ? req.signal.reason : new Error('aborted'));
      req.signal?.addEventListener('abort', onAbort, { once: true });
      r.on('error', reject);
      r.on('close', () => {
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
      });
      r.end(payload);
    });
  }

  /** Close idle keep-alive sockets. */
  close(): void {
    this.#agent.destroy();
  }
}

/** JSON for a request body, with bigints written as bare digits (sort values echoed in `search_after`). */
export function stringifyBody(value: unknown): string {
  const marker = '\u0000lg-bigint:';
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${marker}${v}` : v));
  // The quoted marker and digits that the replacer wrote. Example match: `"\u0000lg-bigint:123"`. Does not match
  // other strings: only one starting with a NUL and this marker could, and bodies here hold no such text.
  return text.replace(/"\\u0000lg-bigint:(-?[0-9]{1,40})"/g, '$1');
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
