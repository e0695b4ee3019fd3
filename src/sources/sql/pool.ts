/**
 * A small connection pool over a {@link SqlDriver}: at most `max` connections, idle ones reused, broken ones
 * discarded, waiters served in order. The core owns the pool (not each driver's own) so every dialect gets the
 * same limits, the same session hook and the same handling of connections that die while idle.
 */
import type { SqlConnection, SqlConnectOptions, SqlDriver } from './types.js';

/** Information about a newly opened database session. */
export interface SessionInfo {
  /** Server-side id (PostgreSQL backend pid, MySQL thread id); undefined for SQLite. */
  backendId: number | undefined;
}

/** Options of {@link ConnectionPool}. */
export interface ConnectionPoolOptions extends SqlConnectOptions {
  max: number;
  /** Called (and awaited) after each new connection is opened, before it is used. */
  onSession?: ((info: SessionInfo) => void | Promise<void>) | undefined;
}

/** A bounded pool of read-only connections. */
export class ConnectionPool {
  readonly #driver: SqlDriver;
  readonly #options: ConnectionPoolOptions;
  readonly #idle: SqlConnection[] = [];
  readonly #waiters: Array<() => void> = [];
  #open = 0;
  #closed = false;

  constructor(driver: SqlDriver, options: ConnectionPoolOptions) {
    if (!Number.isInteger(options.max) || options.max < 1) throw new RangeError('maxConnections must be ≥ 1');
    this.#driver = driver;
    this.#options = options;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Take a connection (opening one when none is idle and fewer than `max` are open). Rejects with driver errors. */
  async acquire(signal?: AbortSignal): Promise<SqlConnection> {
    for (;;) {
      signal?.throwIfAborted();
      if (this.#closed) throw new Error('The connection pool is closed');
      while (this.#idle.length > 0) {
        const c = this.#idle.pop()!;
        if (!c.broken) return c;
        this.#open--;
        void c.close().catch(() => undefined);
      }
      if (this.#open < this.#options.max) {
        this.#open++;
        try {
          const c = await this.#driver.connect(this.#options);
          try {
            await this.#options.onSession?.({ backendId: c.backendId });
          } catch (e) {
            c.destroy();
            throw e;
          }
          return c;
        } catch (e) {
          this.#open--;
          this.#wake();
          throw e;
        }
      }
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const i = this.#waiters.indexOf(wake);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(signal?.reason);
        };
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        this.#waiters.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  /** Give a connection back; `discard` (or a broken connection) closes it instead of keeping it idle. */
  async release(c: SqlConnection, discard = false): Promise<void> {
    if (discard || c.broken || this.#closed) {
      this.#open--;
      this.#wake();
      if (c.broken) c.destroy();
      else await c.close().catch(() => c.destroy());
      return;
    }
    this.#idle.push(c);
    this.#wake();
  }

  /** Close idle connections now; connections in use are closed when released. */
  async close(): Promise<void> {
    this.#closed = true;
    const idle = this.#idle.splice(0);
    this.#open -= idle.length;
    await Promise.all(idle.map((c) => c.close().catch(() => c.destroy())));
    for (const w of this.#waiters.splice(0)) w();
  }

  #wake(): void {
    this.#waiters.shift()?.();
  }
}
