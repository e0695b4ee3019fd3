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

  it('keeps at most maxClients buckets', () => {
    const l = createRateLimiter({ capacity: 1, refillPerSecond: 0.001, maxClients: 2, now: () => 0 });
    l.take('a');
    l.take('b');
    l.take('c');
    // "a" was dropped and starts with a full bucket again; "c" is still limited.
    expect(l.take('a')).toBe(0);
    expect(l.take('c')).toBeGreaterThan(0);
  });
});
