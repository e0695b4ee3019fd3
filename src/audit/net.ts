/**
 * Bounded network primitives for the endpoint audit: every connection has a deadline, every read a byte cap, so
 * a tarpit (accepts, never answers), a slow-drip server or a garbage banner ends in a verdict, never a hang.
 * Plain TCP and TLS; a minimal HTTP/1.1 client on top (one request per connection, `Connection: close`) so the
 * probes see raw bytes — a TLS server on a plain port, or a non-HTTP banner, is recognised rather than thrown.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** Why a network exchange failed, in the probe's vocabulary. */
export type NetFailure = 'refused' | 'timeout' | 'reset' | 'dns' | 'closed' | 'too-large' | 'tls' | 'other';

/** A network failure with a category; `message` never includes payload bytes. */
export class NetError extends Error {
  constructor(
    readonly kind: NetFailure,
    message: string,
    /** Whether the TCP connection had been established (tarpit vs unreachable). */
    readonly connected: boolean,
  ) {
    super(message);
    this.name = 'NetError';
  }
}

/** Options for {@link openSession}. */
export interface SessionOptions {
  host: string;
  port: number;
  /** Absolute deadline (ms since epoch) for everything on this connection. */
  deadline: number;
  tls?: boolean;
  /** Most bytes buffered before the session fails with `too-large` (default 4 MiB). */
  maxBytes?: number;
  signal?: AbortSignal;
}

/** Whether bytes look like the start of a TLS record (handshake or alert), i.e. a TLS server. */
export function looksLikeTls(buf: Uint8Array): boolean {
  return buf.length >= 2 && (buf[0] === 0x15 || buf[0] === 0x16) && buf[1] === 0x03;
}

/**
 * A connected socket with a byte buffer: `send` bytes, `readUntil` a parser says a message is complete.
 */
export class Session {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  private failure: NetError | null = null;
  private waiter: (() => void) | null = null;
  private timer: NodeJS.Timeout | undefined;
  /** Total bytes received (for diagnostics). */
  received = 0;

  private constructor(
    private readonly socket: Socket,
    private readonly maxBytes: number,
    readonly deadline: number,
  ) {}

  /** Connect; resolves once connected (TLS: handshake done). */
  static open(options: SessionOptions): Promise<Session> {
    const { host, port, deadline } = options;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.reject(new NetError('timeout', 'no time left to connect', false));
    return new Promise((resolve, reject) => {
      const socket: Socket = options.tls
        ? tlsConnect({ host, port, rejectUnauthorized: false, ...(isIp(host) ? {} : { servername: host }) })
        : netConnect({ host, port });
      const session = new Session(socket, options.maxBytes ?? 4 * 1024 * 1024, deadline);
      let connected = false;
      const onAbort = () => fail(new NetError('timeout', 'aborted', connected));
      const fail = (e: NetError) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        reject(e);
      };
      const timer = setTimeout(
        () => fail(new NetError('timeout', `no connection within ${remaining} ms`, connected)),
        remaining,
      );
      options.signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('error', (e: NodeJS.ErrnoException) => fail(classify(e, connected)));
      socket.once('connect', () => {
        connected = true;
      });
      socket.once(options.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        session.attach(options.signal);
        resolve(session);
      });
    });
  }

  private attach(signal: AbortSignal | undefined): void {
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      if (this.buf.length + chunk.length > this.maxBytes) {
        this.fail(new NetError('too-large', `more than ${this.maxBytes} bytes received`, true));
        return;
      }
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.wake();
    });
    this.socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    this.socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    this.socket.on('error', (e: NodeJS.ErrnoException) => this.fail(classify(e, true)));
    this.timer = setTimeout(
      () => this.fail(new NetError('timeout', 'deadline passed', true)),
      Math.max(0, this.deadline - Date.now()),
    );
    signal?.addEventListener('abort', () => this.fail(new NetError('timeout', 'aborted', true)), { once: true });
  }

  private fail(e: NetError): void {
    if (!this.failure) this.failure = e;
    this.socket.destroy();
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Write bytes (ignored once the session failed). */
  send(data: Uint8Array | string): void {
    if (!this.failure && !this.socket.destroyed) this.socket.write(data);
  }

  /** Bytes buffered so far (not consumed). */
  peek(): Buffer {
    return this.buf;
  }

  /**
   * Wait until `complete(buffer)` returns a message length (> 0), consume and return that many bytes.
   * `complete` returns -1 while the message is incomplete; it may throw to reject garbage.
   *
   * @throws NetError on deadline, reset, or end of stream before a complete message
   */
  async readUntil(complete: (buf: Buffer) => number): Promise<Buffer> {
    for (;;) {
      if (this.buf.length > 0) {
        const n = complete(this.buf);
        if (n > 0) {
          const out = this.buf.subarray(0, n);
          this.buf = this.buf.subarray(n);
          return out;
        }
      }
      if (this.failure) throw this.failure;
      if (this.ended) {
        throw new NetError(
          'closed',
          this.buf.length === 0 ? 'connection closed without an answer' : 'connection closed mid-message',
          true,
        );
      }
      await new Promise<void>((r) => {
        this.waiter = r;
      });
    }
  }

  /** Read everything until the peer closes (or the cap or deadline is hit). */
  async readToEnd(): Promise<Buffer> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.ended) {
        const out = this.buf;
        this.buf = Buffer.alloc(0);
        return out;
      }
      await new Promise<void>((r) => {
        this.waiter = r;
      });
    }
  }

  close(): void {
    clearTimeout(this.timer);
    this.socket.destroy();
    this.wake();
  }
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

function classify(e: NodeJS.ErrnoException, connected: boolean): NetError {
  switch (e.code) {
    case 'ECONNREFUSED':
      return new NetError('refused', 'connection refused', false);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new NetError('dns', 'host name does not resolve', false);
    case 'ECONNRESET':
    case 'EPIPE':
      return new NetError('reset', 'connection reset by the server', connected);
    case 'ETIMEDOUT':
      return new NetError('timeout', 'connection timed out', connected);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new NetError('refused', `no route to host (${e.code})`, false);
    default:
      if (typeof e.code === 'string' && e.code.startsWith('ERR_SSL'))
        return new NetError('tls', 'TLS handshake failed', connected);
      if (/SSL|TLS|wrong version number/i.test(e.message))
        return new NetError('tls', 'TLS handshake failed (the port does not speak TLS)', connected);
      return new NetError('other', `network error${e.code ? ` ${e.code}` : ''}`, connected);
  }
}

/** An HTTP response, body capped. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The body was cut at the cap. */
  truncated: boolean;
}

/** Options of {@link httpRequest}. */
export interface HttpRequestOptions {
  host: string;
  port: number;
  tls?: boolean;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  deadline: number;
  /** Body bytes kept (default 1 MiB); the connection is closed at the cap. */
  maxBody?: number;
  signal?: AbortSignal;
}

/** A reply that is not HTTP (garbage banner, TLS on a plain port, another protocol). */
export class NotHttpError extends Error {
  constructor(
    message: string,
    readonly tls: boolean,
  ) {
    super(message);
    this.name = 'NotHttpError';
  }
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * One HTTP/1.1 request over a fresh connection with a deadline and a body cap.
 *
 * @throws NetError for connection failures and deadlines; NotHttpError when the reply is not HTTP
 */
export async function httpRequest(options: HttpRequestOptions): Promise<HttpResponse> {
  const maxBody = options.maxBody ?? 1024 * 1024;
  const session = await Session.open({
    host: options.host,
    port: options.port,
    deadline: options.deadline,
    tls: options.tls ?? false,
    maxBytes: maxBody + 64 * 1024,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const headers: Record<string, string> = {
      host: options.port === (options.tls ? 443 : 80) ? options.host : `${options.host}:${options.port}`,
      'user-agent': 'leakguard-audit',
      accept: '*/*',
      connection: 'close',
      ...(options.headers ?? {}),
    };
    if (body) headers['content-length'] = String(body.length);
    let head = `${options.method ?? 'GET'} ${options.path} HTTP/1.1\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    session.send(`${head}\r\n`);
    if (body) session.send(body);
    const headBytes = await session.readUntil((buf) => {
      if (buf.length >= 5 && !buf.subarray(0, 5).equals(Buffer.from('HTTP/'))) {
        throw new NotHttpError(
          looksLikeTls(buf) ? 'the server answered with TLS on a plain-text port' : 'the reply is not HTTP',
          looksLikeTls(buf),
        );
      }
      const end = buf.indexOf(HEADER_END);
      if (end < 0) {
        if (buf.length > 64 * 1024) throw new NotHttpError('HTTP header larger than 64 KiB', false);
        return -1;
      }
      return end + 4;
    });
    const lines = headBytes.toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (!m) throw new NotHttpError('malformed HTTP status line', false);
    const status = Number(m[1]);
    const resHeaders: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const c = line.indexOf(':');
      if (c > 0) resHeaders[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
    }
    if (options.method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)) {
      return { status, headers: resHeaders, body: Buffer.alloc(0), truncated: false };
    }
    const chunked = /chunked/i.test(resHeaders['transfer-encoding'] ?? '');
    const length = resHeaders['content-length'] !== undefined ? Number(resHeaders['content-length']) : undefined;
    let raw: Buffer;
    let truncated = false;
    if (chunked) {
      const decoded: Buffer[] = [];
      let total = 0;
      for (;;) {
        const sizeLine = await session.readUntil((buf) => {
          const e = buf.indexOf('\r\n');
          if (e < 0) {
            if (buf.length > 1024) throw new NotHttpError('malformed chunk size', false);
            return -1;
          }
          return e + 2;
        });
        const size = Number.parseInt(sizeLine.toString('latin1'), 16);
        if (!Number.isFinite(size) || size < 0) throw new NotHttpError('malformed chunk size', false);
        if (size === 0) break;
        const take = Math.min(size, maxBody - total);
        if (take < size) {
          if (take > 0) decoded.push(await session.readUntil((buf) => (buf.length >= take ? take : -1)));
          truncated = true;
          break;
        }
        const chunk = await session.readUntil((buf) => (buf.length >= size + 2 ? size + 2 : -1));
        decoded.push(chunk.subarray(0, size));
        total += size;
      }
      raw = Buffer.concat(decoded);
    } else if (length !== undefined && Number.isFinite(length)) {
      const want = Math.min(length, maxBody);
      truncated = want < length;
      raw = want === 0 ? Buffer.alloc(0) : await session.readUntil((buf) => (buf.length >= want ? want : -1));
    } else {
      const parts: Buffer[] = [];
      let total = 0;
      try {
        raw = await session.readToEnd();
      } catch (e) {
        if (e instanceof NetError && e.kind === 'too-large') {
          raw = session.peek().subarray(0, maxBody);
          truncated = true;
        } else throw e;
      }
      parts.push(raw);
      total += raw.length;
      if (total > maxBody) {
        raw = raw.subarray(0, maxBody);
        truncated = true;
      }
    }
    return { status, headers: resHeaders, body: Buffer.from(raw), truncated };
  } finally {
    session.close();
  }
}

/** Parse a JSON body, or undefined when it is not JSON. */
export function jsonBody(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    return undefined;
  }
}
