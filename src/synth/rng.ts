/**
 * Random sources for synthetic data. Generators take an {@link Rng} so the same generator serves three jobs:
 * seeded test/eval corpora (`createSeededRng`), keyed deterministic pseudonyms (`createKeyedRng`: same key and
 * input give the same output; different keys are unlinkable) and canary records.
 */
import { createHmac } from 'node:crypto';

/** A source of uniformly distributed integers. */
export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  next(): number;
  /** A uniform integer in `[0, n)`; `n` ≤ 2^32. */
  int(n: number): number;
  /** A uniform element of `items` (non-empty). */
  pick<T>(items: readonly T[]): T;
}

function makeInt(next: () => number): (n: number) => number {
  return (n: number) => {
    if (!(n > 0) || n > 0x1_0000_0000 || !Number.isInteger(n))
      throw new RangeError('Rng.int: n must be an integer in [1, 2^32]');
    // Rejection sampling: no modulo bias.
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
    for (;;) {
      const x = next();
      if (x < limit) return x % n;
    }
  };
}

function fromNext(next: () => number): Rng {
  const int = makeInt(next);
  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('Rng.pick: empty list');
      return items[int(items.length)] as T;
    },
  };
}

/**
 * A fast seeded PRNG (sfc32) for reproducible corpora. Not for secrets.
 *
 * @example
 * const rng = createSeededRng(42); rng.int(10);
 */
export function createSeededRng(seed: number): Rng {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  return fromNext(next);
}

/**
 * A deterministic random stream derived from `key` and `input` with HMAC-SHA256 in counter mode
 * (HMAC(key, input ‖ 0x00 ‖ counter)). Used for keyed pseudonyms: the stream reveals nothing about `input`
 * without the key.
 *
 * @throws RangeError when the key is shorter than 16 bytes
 * @example
 * const rng = createKeyedRng(key, 'CN_MOBILE:13812345678');
 */
export function createKeyedRng(key: Uint8Array, input: string): Rng {
  if (key.length < 16) throw new RangeError('createKeyedRng: key must be at least 16 bytes');
  let counter = 0;
  let block = Buffer.alloc(0);
  let offset = 32;
  const refill = (): void => {
    const h = createHmac('sha256', key);
    h.update(input, 'utf8');
    const c = Buffer.alloc(5);
    c.writeUInt8(0, 0);
    c.writeUInt32BE(counter++, 1);
    h.update(c);
    block = h.digest();
    offset = 0;
  };
  const next = (): number => {
    if (offset >= 32) refill();
    const v = block.readUInt32BE(offset);
    offset += 4;
    return v;
  };
  return fromNext(next);
}
