import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.js';

describe('createRateLimiter', () => {
  it('allows the burst, refuses beyond it and refills over time', () => {
    let t = 0;
    const l = createRateLimiter({ capacity: 3, refillPerSecond: 1, now: () => t });
    expect([l.take('a'), l.take('a'), l.take('a')]).toEqual([0, 0, 0]);
    expect(l.take('a')).toBe(1);
    expect(l.take('b')).toBe(0);
    t = 2000;
    expect([l.take('a'), l.take('a')]).toEqual([0, 0]);
    expect(l.take('a')).toBeGreaterThan(0);
  });

  it('charges a batch its size and refuses a batch above the capacity forever', () => {
    const l = createRateLimiter({ capacity: 10, refillPerSecond: 1, now: () => 0 });
    expect(l.take('a', 8)).toBe(0);
    expect(l.take('a', 5)).toBe(3);
    expect(l.take('a', 11)).toBe(Number.POSITIVE_INFINITY);
  });

  it('wait answers what take would, without spending or creating a bucket', () => {
    const l = createRateLimiter({ capacity: 2, refillPerSecond: 1, now: () => 0 });
    expect(l.wait('a', 2)).toBe(0);
    expect(l.size).toBe(0);
    expect(l.take('a', 2)).toBe(0);
    expect(l.wait('a')).toBe(1);
    expect(l.wait('a')).toBe(1);
    expect(l.wait('a', 3)).toBe(Number.POSITIVE_INFINITY);
  });

  it('keeps at most maxClients buckets and does not evict one that is still refilling', () => {
    const l = createRateLimiter({ capacity: 1, refillPerSecond: 0.001, maxClients: 2, now: () => 0 });
    l.take('a');
    l.take('b');
    // The table is full of exhausted buckets: "c" is charged to the shared overflow bucket, "a" stays limited.
    expect(l.take('c')).toBe(0);
    expect(l.size).toBe(2);
    expect(l.take('a')).toBeGreaterThan(0);
  });

  it('makes clients beyond a full table share one overflow allowance (rotating addresses gain nothing)', () => {
    let t = 0;
    const l = createRateLimiter({ capacity: 3, refillPerSecond: 1, maxClients: 100, now: () => t });
    for (let i = 0; i < 100; i++) expect(l.take(`attacker-${i}`, 3)).toBe(0);
    // 100 more fresh addresses: together they get one bucket of 3, not 3 each.
    let allowed = 0;
    for (let i = 100; i < 200; i++) if (l.take(`attacker-${i}`) === 0) allowed++;
    expect(allowed).toBe(3);
    expect(l.size).toBe(100);
    // The first 100 are still exhausted: nothing was evicted.
    expect(l.take('attacker-0')).toBeGreaterThan(0);
    // Once the oldest bucket has refilled completely, forgetting it is free: a new client gets its own bucket.
    t = 3000;
    expect(l.take('newcomer', 3)).toBe(0);
    expect(l.size).toBe(100);
  });

  it('grants at most capacity × (maxClients + 1) tokens before any refill, however clients rotate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(fc.nat({ max: 40 }), fc.integer({ min: 1, max: 5 })), { maxLength: 300 }),
        (capacity, maxClients, requests) => {
          const l = createRateLimiter({ capacity, refillPerSecond: 1, maxClients, now: () => 0 });
          let granted = 0;
          for (const [client, cost] of requests) if (l.take(`c${client}`, cost) === 0) granted += cost;
          expect(granted).toBeLessThanOrEqual(capacity * (maxClients + 1));
          expect(l.size).toBeLessThanOrEqual(maxClients);
        },
      ),
    );
  });

  it('refuses without charging the overflow bucket twice for one refused request', () => {
    const l = createRateLimiter({ capacity: 2, refillPerSecond: 0.001, maxClients: 1, now: () => 0 });
    l.take('a', 2);
    expect(l.take('x', 2)).toBe(0);
    expect(l.take('y')).toBeGreaterThan(0);
    expect(l.wait('z')).toBeGreaterThan(0);
  });

  it('rejects nonsense options', () => {
    expect(() => createRateLimiter({ capacity: 0, refillPerSecond: 1 })).toThrow(RangeError);
    expect(() => createRateLimiter({ capacity: 1, refillPerSecond: 1, maxClients: 0 })).toThrow(RangeError);
  });
});
