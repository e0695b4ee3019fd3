/**
 * HyperLogLog cardinality sketch (Flajolet et al. 2007, with the small-range linear-counting correction) over
 * 64-bit keyed hashes. Used to estimate how many distinct people an asset holds without keeping any identifier:
 * the catalog stores only the registers (2^p bytes), which cannot be inverted.
 *
 * Precision p = 14 → 16 KiB per sketch, standard error ≈ 1.04 / √16384 ≈ 0.8 %.
 */

export const HLL_PRECISION = 14;
const M = 1 << HLL_PRECISION;
const ALPHA = 0.7213 / (1 + 1.079 / M);

/** A mergeable cardinality sketch. */
export class HyperLogLog {
  readonly registers: Uint8Array;

  constructor(registers?: Uint8Array) {
    if (registers && registers.length !== M) throw new RangeError(`HyperLogLog: expected ${M} registers`);
    this.registers = registers ?? new Uint8Array(M);
  }

  /**
   * Add a 64-bit hash given as two 32-bit halves (take them from a keyed HMAC of the value).
   *
   * @example
   * const h = hmac(key, value); sketch.add(h.readUInt32BE(0), h.readUInt32BE(4));
   */
  add(hi: number, lo: number): void {
    const idx = hi >>> (32 - HLL_PRECISION);
    // Remaining 50 bits: (hi low 18 bits) ‖ lo. Rank = leading zeros + 1.
    const rest = (hi << HLL_PRECISION) >>> 0;
    let rank: number;
    if (rest !== 0) rank = Math.clz32(rest) + 1;
    else rank = 32 - HLL_PRECISION + (lo === 0 ? 32 : Math.clz32(lo)) + 1;
    if (rank > this.registers[idx]!) this.registers[idx] = rank;
  }

  /** Merge another sketch into this one (union). */
  merge(other: HyperLogLog): void {
    const a = this.registers;
    const b = other.registers;
    for (let i = 0; i < M; i++) if (b[i]! > a[i]!) a[i] = b[i]!;
  }

  /** Estimated number of distinct hashes added. */
  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      const r = this.registers[i]!;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const raw = (ALPHA * M * M) / sum;
    if (raw <= 2.5 * M && zeros > 0) return Math.round(M * Math.log(M / zeros));
    return Math.round(raw);
  }

  /** Compact serialisation (run-length encoded registers, base64) for the catalog. */
  toBase64(): string {
    const out: number[] = [];
    for (let i = 0; i < M; ) {
      const v = this.registers[i]!;
      let run = 1;
      while (i + run < M && this.registers[i + run] === v && run < 255) run++;
      out.push(run, v);
      i += run;
    }
    return Buffer.from(out).toString('base64');
  }

  /** Inverse of {@link toBase64}. */
  static fromBase64(s: string): HyperLogLog {
    const bytes = Buffer.from(s, 'base64');
    const regs = new Uint8Array(M);
    let pos = 0;
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      const run = bytes[i]!;
      regs.fill(bytes[i + 1]!, pos, pos + run);
      pos += run;
    }
    if (pos !== M) throw new RangeError('HyperLogLog.fromBase64: corrupt sketch');
    return new HyperLogLog(regs);
  }
}
