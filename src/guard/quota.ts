/**
 * Per-principal quotas on records and bytes per minute, hour and day, in fixed windows. A request is refused
 * (429, `Retry-After` = end of the window) when the principal's usage in any window has reached its limit;
 * usage is added after each response (records and bytes actually sent). Counters live in memory, or in Redis
 * (`quotas.redis`) so several guard instances share them.
 */
import type { Redis } from 'ioredis';

export const WINDOWS = { minute: 60, hour: 3600, day: 86_400 } as const;
export type WindowName = keyof typeof WINDOWS;
const NAMES = Object.keys(WINDOWS) as WindowName[];

/** Usage per window. */
export interface Usage {
  readonly records: Record<WindowName, number>;
  readonly bytes: Record<WindowName, number>;
}

/** Limits per window (absent: unlimited). */
export interface QuotaLimits {
  readonly records?: { readonly [K in WindowName]?: number | undefined } | undefined;
  readonly bytes?: { readonly [K in WindowName]?: number | undefined } | undefined;
}

/** Where counters live. */
export interface QuotaStore {
  readonly kind: 'memory' | 'redis';
  usage(principal: string, nowMs: number): Promise<Usage>;
  add(principal: string, records: number, bytes: number, nowMs: number): Promise<Usage>;
  close(): Promise<void>;
}

const bucket = (nowMs: number, w: WindowName) => Math.floor(nowMs / 1000 / WINDOWS[w]);

/** The first exceeded limit, if any: which and seconds until its window resets. */
export function exceeded(
  usage: Usage,
  limits: QuotaLimits | undefined,
  nowMs: number,
): { what: 'records' | 'bytes'; window: WindowName; limit: number; used: number; retryAfter: number } | undefined {
  if (!limits) return undefined;
  for (const what of ['records', 'bytes'] as const) {
    const l = limits[what];
    if (!l) continue;
    for (const w of NAMES) {
      const limit = l[w];
      if (limit !== undefined && usage[what][w] >= limit) {
        const end = (bucket(nowMs, w) + 1) * WINDOWS[w];
        return { what, window: w, limit, used: usage[what][w], retryAfter: Math.max(1, Math.ceil(end - nowMs / 1000)) };
      }
    }
  }
  return undefined;
}

/**
 * In-memory counters (one guard instance). Memory: one small entry per principal.
 *
 * @example
 * const q = createMemoryQuotaStore(); await q.add('alice', 10, 2048, Date.now());
 */
export function createMemoryQuotaStore(): QuotaStore {
  const m = new Map<
    string,
    { b: Record<WindowName, number>; r: Record<WindowName, number>; y: Record<WindowName, number> }
  >();
  const get = (p: string, now: number) => {
    let e = m.get(p);
    if (!e) {
      e = {
        b: { minute: -1, hour: -1, day: -1 },
        r: { minute: 0, hour: 0, day: 0 },
        y: { minute: 0, hour: 0, day: 0 },
      };
      if (m.size > 100_000) m.clear();
      m.set(p, e);
    }
    for (const w of NAMES) {
      const b = bucket(now, w);
      if (e.b[w] !== b) {
        e.b[w] = b;
        e.r[w] = 0;
        e.y[w] = 0;
      }
    }
    return e;
  };
  const snap = (e: ReturnType<typeof get>): Usage => ({ records: { ...e.r }, bytes: { ...e.y } });
  return {
    kind: 'memory',
    async usage(p, now) {
      return snap(get(p, now));
    },
    async add(p, records, bytes, now) {
      const e = get(p, now);
      for (const w of NAMES) {
        e.r[w] += records;
        e.y[w] += bytes;
      }
      return snap(e);
    },
    async close() {},
  };
}

/**
 * A connected Redis client for the guard's shared state: few retries per command and a short connect timeout,
 * since the guard fails closed rather than wait.
 *
 * @throws Error when Redis cannot be reached
 */
export async function connectGuardRedis(url: string): Promise<Redis> {
  const { Redis: RedisClient } = await import('ioredis');
  const redis: Redis = new RedisClient(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 5000,
    enableOfflineQueue: true,
  });
  redis.on('error', () => {
    // Connection errors surface on the next command (the guard then fails closed).
  });
  try {
    await redis.connect();
  } catch (e) {
    // A client left behind would go on reconnecting for ever.
    redis.disconnect();
    throw e;
  }
  return redis;
}

/**
 * Counters in Redis: `INCRBY` on `<prefix><principal>:<r|b>:<window>:<bucket>` with an expiry of two windows.
 *
 * @example
 * const q = await createRedisQuotaStore('redis://127.0.0.1:6379', 'lg:guard:');
 */
export async function createRedisQuotaStore(url: string, prefix: string): Promise<QuotaStore> {
  const redis = await connectGuardRedis(url);
  const keys = (p: string, now: number) => {
    const out: string[] = [];
    for (const k of ['r', 'b']) for (const w of NAMES) out.push(`${prefix}${p}:${k}:${w}:${bucket(now, w)}`);
    return out;
  };
  const parse = (vals: ReadonlyArray<string | number | null>): Usage => {
    const n = (i: number) => Number(vals[i] ?? 0);
    return {
      records: { minute: n(0), hour: n(1), day: n(2) },
      bytes: { minute: n(3), hour: n(4), day: n(5) },
    };
  };
  return {
    kind: 'redis',
    async usage(p, now) {
      return parse(await redis.mget(...keys(p, now)));
    },
    async add(p, records, bytes, now) {
      const ks = keys(p, now);
      const multi = redis.multi();
      ks.forEach((k, i) => {
        const w = NAMES[i % 3] as WindowName;
        multi.incrby(k, i < 3 ? records : bytes);
        multi.expire(k, WINDOWS[w] * 2);
      });
      const res = (await multi.exec()) ?? [];
      const vals: number[] = [];
      for (let i = 0; i < res.length; i += 2) {
        const [err, v] = res[i] ?? [null, 0];
        if (err) throw err;
        vals.push(Number(v));
      }
      return parse(vals);
    },
    async close() {
      redis.disconnect();
    },
  };
}
