import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate.js';

describe('createRateLimiter', () => {
  it('hands out a burst of one second worth of tokens in arrival order', async () => {
    const limiter = createRateLimiter(5);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('makes the next caller wait after the burst, and an aborted wait returns', async () => {
    const limiter = createRateLimiter(1);
    await limiter.acquire();
    const ac = new AbortController();
    let done = false;
    const waiting = limiter.acquire(ac.signal).then(() => {
      done = true;
    });
    await Promise.resolve();
    expect(done).toBe(false);
    ac.abort();
    await waiting;
    expect(done).toBe(true);
  });

  it('rejects a non-positive rate', () => {
    expect(() => createRateLimiter(0)).toThrow(RangeError);
  });
});
