/**
 * Test upstreams for the guard: synthetic people for the fake Elasticsearch cluster, a misbehaving upstream
 * (slow, reset, malformed JSON, wrong encoding) and a large streamed search response generated on the fly (so a
 * big response needs no memory in the test either). All on 127.0.0.1 with a random port.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { generateMobile, generateResidentId } from '../../src/synth/cn.js';
import { createSeededRng } from '../../src/synth/rng.js';
import { generateChineseName } from '../../src/synth/text.js';

/** One synthetic person (valid identifiers, no real person). */
export interface Person {
  _id: string;
  name: string;
  phone: string;
  id_card: string;
  city: string;
  note: string;
}

/** `n` synthetic people from a seed. The first one's phone is fixed to `13812345678` for readable assertions. */
export function syntheticPeople(n: number, seed = 1): Person[] {
  const rng = createSeededRng(seed);
  const cities = ['上海', '北京', '杭州', '深圳'];
  const out: Person[] = [];
  for (let i = 0; i < n; i++) {
    const phone = i === 0 ? '13812345678' : generateMobile(rng);
    out.push({
      _id: `p${i}`,
      name: generateChineseName(rng),
      phone,
      id_card: generateResidentId(rng),
      city: cities[i % cities.length] as string,
      note: `联系电话 ${phone}`,
    });
  }
  return out;
}

/** Mappings for the people index. */
export const PEOPLE_MAPPINGS = {
  properties: {
    name: { type: 'keyword' },
    phone: { type: 'keyword' },
    id_card: { type: 'keyword' },
    city: { type: 'keyword' },
    note: { type: 'text' },
  },
};

/** What the misbehaving upstream does. */
export type Misbehaviour =
  | 'slow'
  | 'reset'
  | 'reset-mid-body'
  | 'malformed'
  | 'malformed-late'
  | 'gzip'
  | 'huge-string'
  | { bigSearch: { bytes: number; docBytes?: number } };

/** A running test upstream. */
export interface TestUpstream {
  readonly url: string;
  /** Bytes written so far by the current big response (to check streaming). */
  readonly written: () => number;
  /** Pause big responses after this many bytes until `release()` (to observe the guard mid-stream). */
  holdAfter(bytes: number): Promise<void>;
  release(): void;
  close(): Promise<void>;
}

/** Big search response document: one hit with a clear mobile number and resident id inside. */
function hitJson(i: number): string {
  return `{"_index":"people","_id":"b${i}","_score":1,"_source":{"name":"张伟","phone":"13812345678","note":"联系电话 13812345678 身份证 11010519491231002X","seq":${i}}}`;
}

/**
 * Starts an upstream that misbehaves as asked on every request.
 *
 * @example
 * const up = await startMisbehavingUpstream('reset');
 */
export async function startMisbehavingUpstream(how: Misbehaviour): Promise<TestUpstream> {
  const sockets = new Set<Socket>();
  let written = 0;
  let hold: { at: number; resolveReached: () => void; reached: Promise<void> } | undefined;
  let release: (() => void) | undefined;
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    if (how === 'slow') return; // never answers
    if (how === 'reset') {
      req.socket.destroy();
      return;
    }
    if (how === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>upstream secret-host-17 stack trace</html>');
      return;
    }
    if (how === 'gzip') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(Buffer.from([0x1f, 0x8b, 0, 0]));
      return;
    }
    if (how === 'huge-string') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"a":"${'x'.repeat(4096)}"}`);
      return;
    }
    if (how === 'malformed-late' || how === 'reset-mid-body') {
      res.writeHead(200, { 'content-type': 'application/json' });
      let s = '{"hits":{"hits":[';
      for (let i = 0; i < 2000; i++) s += `${i ? ',' : ''}${hitJson(i)}`;
      res.write(s);
      setTimeout(() => {
        if (how === 'reset-mid-body') req.socket.destroy();
        else res.end('}}} garbage 13812345678');
      }, 20);
      return;
    }
    const { bytes } = how.bigSearch;
    res.writeHead(200, { 'content-type': 'application/json' });
    written = 0;
    const head = '{"took":1,"timed_out":false,"hits":{"total":{"value":0,"relation":"gte"},"hits":[';
    res.write(head);
    written += head.length;
    let i = 0;
    const pump = () => {
      while (written < bytes) {
        if (hold && written >= hold.at) {
          hold.resolveReached();
          hold = undefined;
          release = () => {
            release = undefined;
            pump();
          };
          return;
        }
        const h = `${i ? ',' : ''}${hitJson(i)}`;
        i++;
        written += Buffer.byteLength(h);
        if (!res.write(h)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end(']}}');
    };
    pump();
  };
  const server: Server = createServer((req, res) => void handler(req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    written: () => written,
    holdAfter(at) {
      let resolveReached!: () => void;
      const reached = new Promise<void>((r) => {
        resolveReached = r;
      });
      hold = { at, resolveReached, reached };
      return reached;
    },
    release() {
      release?.();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A webhook receiver that records JSON bodies; fails the first `failFirst` deliveries with 503. */
export async function startWebhook(
  failFirst = 0,
): Promise<{ url: string; received: unknown[]; attempts: () => number; close(): Promise<void> }> {
  const received: unknown[] = [];
  let attempts = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts++;
      if (attempts <= failFirst) {
        res.writeHead(503).end();
        return;
      }
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    attempts: () => attempts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A response read whole by {@link callGuard}. */
export interface GuardResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read ad hoc in assertions
  json: () => any;
}

/**
 * One HTTP request to a guard (or any server) with an API key or bearer token and a JSON body, read whole.
 *
 * @example
 * const r = await callGuard(guard.url, 'POST', '/people/_search', { key, body: { size: 1 } });
 */
export function callGuard(
  base: string,
  method: string,
  path: string,
  opts: { key?: string; bearer?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<GuardResponse> {
  return new Promise((resolve, reject) => {
    const body =
      opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.key) headers.authorization = `ApiKey ${opts.key}`;
    if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const req = httpRequest(new URL(path, base), { method, headers, timeout: opts.timeoutMs ?? 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(body);
  });
}
