/**
 * A global rate cap shared by every probe of a run: at most `perSecond` new connections or requests per second
 * (a token bucket refilled continuously, burst = one second's worth). Waiting respects an abort signal.
 */

/** Create a limiter; `acquire()` resolves when the caller may open a connection. */
export function createRateLimiter(perSecond: number): { acquire(signal?: AbortSignal): Promise<void> } {
  if (!(perSecond > 0)) throw new RangeError('perSecond must be positive');
  const burst = Math.max(1, Math.floor(perSecond));
  let tokens = burst;
  let last = performance.now();
  let chain: Promise<void> = Promise.resolve();
  const refill = () => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * perSecond);
    last = now;
  };
  return {
    acquire(signal?: AbortSignal): Promise<void> {
      // Serialise waiters so tokens are handed out in arrival order.
      const next = chain.then(async () => {
        for (;;) {
          if (signal?.aborted) return;
          refill();
          if (tokens >= 1) {
            tokens -= 1;
            return;
          }
          const waitMs = Math.ceil(((1 - tokens) / perSecond) * 1000);
          await new Promise<void>((r) => {
            const t = setTimeout(r, waitMs);
            signal?.addEventListener(
              'abort',
              () => {
                clearTimeout(t);
                r();
              },
              { once: true },
            );
          });
        }
      });
      chain = next;
      return next;
    },
  };
}
