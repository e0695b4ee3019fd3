/**
 * Who owns which scroll and point-in-time context. A scroll or PIT id is bound to the principal whose request
 * opened it; continuing, using or freeing it is allowed to that principal only (admins excepted), and a scroll's
 * pages are counted against the role's `maxScrollPages`. In memory for one guard instance, or in Redis (with
 * `quotas.redis`) so a second instance behind the same load balancer accepts the owner's scroll and refuses
 * everybody else's. Ids are stored as SHA-256 hashes: a stored scroll id would let whoever reads Redis continue
 * the scroll upstream.
 */
import { createHash } from 'node:crypto';
import { connectGuardRedis } from './quota.js';

/** A context's owner and the scroll pages it has read. */
export interface ContextOwner {
  readonly principal: string;
  readonly pages: number;
}

/** Where ownership lives. */
export interface ContextStore {
  readonly kind: 'memory' | 'redis';
  /** Binds `id` to `principal` with `pages` read so far (a new id, or a scroll's next id). */
  bind(id: string, principal: string, pages: number): Promise<void>;
  /** The owner of `id`, if known. */
  owner(id: string): Promise<ContextOwner | undefined>;
  /** Counts one more page of scroll `id`; returns the pages read so far. */
  page(id: string): Promise<number>;
  /** Forgets `id` (freed by its owner). */
  release(id: string): Promise<void>;
  close(): Promise<void>;
}

/** Contexts live at most this long without use (Elasticsearch keep-alives are minutes). */
const TTL_SECONDS = 24 * 3600;
const MAX_MEMORY = 100_000;

const digest = (id: string) => createHash('sha256').update(id).digest('base64url');

/**
 * In-memory ownership (one guard instance); the oldest binding is dropped beyond 100,000.
 *
 * @example
 * const c = createMemoryContextStore(); await c.bind(scrollId, 'alice', 1);
 */
export function createMemoryContextStore(): ContextStore {
  const m = new Map<string, { principal: string; pages: number }>();
  return {
    kind: 'memory',
    async bind(id, principal, pages) {
      if (m.size >= MAX_MEMORY && !m.has(id)) {
        const first = m.keys().next().value;
        if (first !== undefined) m.delete(first);
      }
      m.set(id, { principal, pages });
    },
    async owner(id) {
      const o = m.get(id);
      return o ? { ...o } : undefined;
    },
    async page(id) {
      const o = m.get(id);
      if (!o) return 0;
      o.pages++;
      return o.pages;
    },
    async release(id) {
      m.delete(id);
    },
    async close() {},
  };
}

/**
 * Ownership in Redis: a hash `<prefix>ctx:<sha256(id)>` holding the principal and pages, expiring a day after
 * its last use.
 *
 * @throws Error when Redis cannot be reached at start (the guard fails closed on later errors)
 * @example
 * const c = await createRedisContextStore('redis://127.0.0.1:6379', 'lg:guard:');
 */
export async function createRedisContextStore(url: string, prefix: string): Promise<ContextStore> {
  const redis = await connectGuardRedis(url);
  const key = (id: string) => `${prefix}ctx:${digest(id)}`;
  return {
    kind: 'redis',
    async bind(id, principal, pages) {
      const k = key(id);
      const res = await redis.multi().hset(k, 'p', principal, 'n', String(pages)).expire(k, TTL_SECONDS).exec();
      for (const [err] of res ?? []) if (err) throw err;
    },
    async owner(id) {
      const [p, n] = await redis.hmget(key(id), 'p', 'n');
      return p ? { principal: p, pages: Number(n ?? 0) } : undefined;
    },
    async page(id) {
      const k = key(id);
      const res = await redis.multi().hincrby(k, 'n', 1).expire(k, TTL_SECONDS).exec();
      const [err, v] = res?.[0] ?? [null, 0];
      if (err) throw err;
      return Number(v);
    },
    async release(id) {
      await redis.del(key(id));
    },
    async close() {
      redis.disconnect();
    },
  };
}
