import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HyperLogLog } from './hll.js';

function addN(h: HyperLogLog, from: number, n: number): void {
  for (let i = from; i < from + n; i++) {
    const d = createHash('sha256').update(String(i)).digest();
    h.add(d.readUInt32BE(0), d.readUInt32BE(4));
  }
}

describe('HyperLogLog', () => {
  it('estimates within 3% for small and large cardinalities', () => {
    for (const n of [10, 1000, 50_000]) {
      const h = new HyperLogLog();
      addN(h, 0, n);
      addN(h, 0, n); // duplicates do not count
      expect(Math.abs(h.estimate() - n) / n).toBeLessThan(0.03);
    }
    expect(new HyperLogLog().estimate()).toBe(0);
  });

  it('merge is the union', () => {
    const a = new HyperLogLog();
    const b = new HyperLogLog();
    addN(a, 0, 20_000);
    addN(b, 10_000, 20_000);
    a.merge(b);
    expect(Math.abs(a.estimate() - 30_000) / 30_000).toBeLessThan(0.03);
  });

  it('round-trips through base64 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(0xffffffff), fc.nat(0xffffffff)), { maxLength: 200 }), (hashes) => {
        const h = new HyperLogLog();
        for (const [hi, lo] of hashes) h.add(hi, lo);
        expect(HyperLogLog.fromBase64(h.toBase64()).registers).toEqual(h.registers);
      }),
    );
    expect(() => HyperLogLog.fromBase64('AAAA')).toThrow(RangeError);
  });
});
