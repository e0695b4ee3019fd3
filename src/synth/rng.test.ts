import { describe, expect, it } from 'vitest';
import { createKeyedRng, createSeededRng } from './rng.js';

describe('rng', () => {
  it('createSeededRng is reproducible per seed and differs across seeds', () => {
    const a = createSeededRng(7);
    const b = createSeededRng(7);
    const c = createSeededRng(8);
    const xs = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(xs);
  });

  it('createKeyedRng depends on both key and input', () => {
    const k1 = new Uint8Array(32).fill(1);
    const k2 = new Uint8Array(32).fill(2);
    const draw = (k: Uint8Array, s: string) => {
      const r = createKeyedRng(k, s);
      return Array.from({ length: 10 }, () => r.int(1000));
    };
    expect(draw(k1, 'x')).toEqual(draw(k1, 'x'));
    expect(draw(k1, 'x')).not.toEqual(draw(k2, 'x'));
    expect(draw(k1, 'x')).not.toEqual(draw(k1, 'y'));
    expect(() => createKeyedRng(new Uint8Array(8), 'x')).toThrow(RangeError);
  });

  it('int stays in range and covers it', () => {
    const r = createSeededRng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(7);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(7);
      seen.add(v);
    }
    expect(seen.size).toBe(7);
  });
});
