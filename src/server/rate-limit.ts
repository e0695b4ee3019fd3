/**
 * Token-bucket rate limiting per client: each client may spend `capacity` tokens at once and regains
 * `refillPerSecond`. Memory is bounded: at most `maxClients` buckets.
 *
 * A bounded table must not hand out allowances: if a new client simply evicted the least recently used one, an
 * attacker rotating addresses would push its own exhausted buckets out and come back with full ones. So a bucket
 * is only dropped once it has refilled completely (then forgetting it grants nothing: a returning client gets the
 * full bucket it had anyway). When the table is full and its least recently used bucket is still refilling, a new
 * client is charged to one shared overflow bucket (same capacity and rate) until room frees up: a flood of fresh
 * addresses shares one allowance instead of getting one each.
 */

/** Options of {@link createRateLimiter}. */
export interface RateLimitOptions {
  readonly capacity: number;
  readonly refillPerSecond: number;
  /** Most client buckets kept (default 100,000); beyond it, new clients share the overflow bucket. */
  readonly maxClients?: number;
  /** Clock in ms (tests pass their own). */
  readonly now?: () => number;
}

export interface RateLimiter {
  /**
   * Spend `cost` tokens of `client`. Returns `0` when allowed, else the seconds to wait before `cost` tokens are
   * available (a cost above the capacity can never pass: returns `Infinity`). Nothing is spent when refused.
   */
  take(client: string, cost?: number): number;
  /** What {@link RateLimiter.take} would return, without spending or creating a bucket. */
  wait(client: string, cost?: number): number;
  /** Client buckets held now (the overflow bucket not counted). */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Create a limiter.
 *
 * @throws RangeError when capacity or rate are not positive, or maxClients is not a positive integer
 * @example
 * const limiter = createRateLimiter({ capacity: 30, refillPerSecond: 0.5 });
 * if (limiter.take(clientKey(ip), batch.length) > 0) reply429();
 */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const { capacity, refillPerSecond } = options;
  if (!(capacity > 0) || !(refillPerSecond > 0))
    throw new RangeError('createRateLimiter: capacity and rate must be > 0');
  const max = options.maxClients ?? 100_000;
  if (!Number.isInteger(max) || max < 1) throw new RangeError('createRateLimiter: maxClients must be an integer ≥ 1');
  const now = options.now ?? (() => Date.now());
  // Insertion order is recency order: a touched bucket is deleted and set again, so the first key is the least
  // recently used.
  const buckets = new Map<string, Bucket>();
  const overflow: Bucket = { tokens: capacity, at: now() };

  const refill = (b: Bucket, t: number): void => {
    if (t > b.at) {
      b.tokens = Math.min(capacity, b.tokens + ((t - b.at) / 1000) * refillPerSecond);
      b.at = t;
    }
  };

  /** The bucket charged for `client`: its own, a fresh one (when there is room), or the overflow bucket. */
  const bucketOf = (client: string, t: number, create: boolean): Bucket | undefined => {
    const own = buckets.get(client);
    if (own) {
      refill(own, t);
      if (create) {
        buckets.delete(client);
        buckets.set(client, own);
      }
      return own;
    }
    if (buckets.size >= max) {
      const [oldestKey, oldest] = buckets.entries().next().value ?? [];
      if (oldestKey === undefined || oldest === undefined) return undefined;
      refill(oldest, t);
      if (oldest.tokens < capacity) {
        refill(overflow, t);
        return overflow;
      }
      // Fully refilled: forgetting it grants its client nothing.
      if (!create) return undefined;
      buckets.delete(oldestKey);
    }
    if (!create) return undefined;
    const fresh = { tokens: capacity, at: t };
    buckets.set(client, fresh);
    return fresh;
  };

  const waitFor = (b: Bucket | undefined, cost: number): number => {
    const tokens = b?.tokens ?? capacity;
    return tokens >= cost ? 0 : Math.ceil((cost - tokens) / refillPerSecond);
  };

  return {
    take(client, cost = 1) {
      if (cost > capacity) return Number.POSITIVE_INFINITY;
      const t = now();
      // Look first: a refused request must not create a bucket (nor move one up in recency).
      const w = waitFor(bucketOf(client, t, false), cost);
      if (w > 0) return w;
      const b = bucketOf(client, t, true) as Bucket;
      b.tokens -= cost;
      return 0;
    },
    wait(client, cost = 1) {
      if (cost > capacity) return Number.POSITIVE_INFINITY;
      return waitFor(bucketOf(client, now(), false), cost);
    },
    get size() {
      return buckets.size;
    },
  };
}
