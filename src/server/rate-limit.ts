/**
 * Token-bucket rate limiting per client: each client may spend `capacity` tokens at once and regains
 * `refillPerSecond`. Memory is bounded: at most `maxClients` buckets, the least recently used dropped first
 * (a dropped client starts again with a full bucket, which only matters under a flood of distinct clients).
 */

/** Options of {@link createRateLimiter}. */
export interface RateLimitOptions {
  readonly capacity: number;
  readonly refillPerSecond: number;
  readonly maxClients?: number;
  /** Clock in ms (tests pass their own). */
  readonly now?: () => number;
}

export interface RateLimiter {
  /**
   * Spend `cost` tokens of `client`. Returns `0` when allowed, else the seconds to wait before `cost` tokens are
   * available (a cost above the capacity can never pass: returns `Infinity`).
   */
  take(client: string, cost?: number): number;
}

/**
 * Create a limiter.
 *
 * @throws RangeError when capacity or rate are not positive
 * @example
 * const limiter = createRateLimiter({ capacity: 30, refillPerSecond: 0.5 });
 * if (limiter.take(ip, batch.length) > 0) reply429();
 */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const { capacity, refillPerSecond } = options;
  if (!(capacity > 0) || !(refillPerSecond > 0))
    throw new RangeError('createRateLimiter: capacity and rate must be > 0');
  const max = options.maxClients ?? 100_000;
  const now = options.now ?? (() => Date.now());
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(client, cost = 1) {
      if (cost > capacity) return Number.POSITIVE_INFINITY;
      const t = now();
      let b = buckets.get(client);
      if (b) {
        buckets.delete(client);
        b.tokens = Math.min(capacity, b.tokens + ((t - b.at) / 1000) * refillPerSecond);
        b.at = t;
      } else {
        b = { tokens: capacity, at: t };
        if (buckets.size >= max) {
          const oldest = buckets.keys().next().value;
          if (oldest !== undefined) buckets.delete(oldest);
        }
      }
      buckets.set(client, b);
      if (b.tokens >= cost) {
        b.tokens -= cost;
        return 0;
      }
      return Math.ceil((cost - b.tokens) / refillPerSecond);
    },
  };
}
