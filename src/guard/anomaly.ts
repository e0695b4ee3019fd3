/**
 * Volume anomaly detection per principal: records read per time bucket (default one minute) are tracked with
 * an exponentially weighted moving average and variance (EWMA, weight `alpha`); a bucket whose count is more
 * than `zThreshold` standard deviations above the average is anomalous — judged as the bucket fills, so a bulk
 * read is caught within the minute rather than after it. Buckets with no reads count as zero. A warm-up of
 * `minBuckets` buckets and a floor of `minRecords` keep a new or quiet principal from tripping on its first
 * real query. State is per guard instance. `configure` applies new settings on reload: baselines are kept unless
 * the bucket length changes (a baseline of records per minute says nothing about records per hour).
 */

/** Detector settings. */
export interface AnomalyOptions {
  readonly bucketSeconds: number;
  readonly alpha: number;
  readonly zThreshold: number;
  readonly minBuckets: number;
  readonly minRecords: number;
}

/** One judgement. */
export interface AnomalyVerdict {
  readonly anomalous: boolean;
  /** Records in the current bucket so far. */
  readonly count: number;
  readonly mean: number;
  readonly sd: number;
  readonly z: number;
}

interface State {
  bucket: number;
  count: number;
  mean: number;
  variance: number;
  seen: number;
}

/**
 * EWMA/z-score detector.
 *
 * @example
 * const d = new AnomalyDetector({ bucketSeconds: 60, alpha: 0.3, zThreshold: 4, minBuckets: 5, minRecords: 100 });
 * d.observe('alice', 20, Date.now()).anomalous;
 */
export class AnomalyDetector {
  #o: AnomalyOptions;
  readonly #s = new Map<string, State>();

  constructor(options: AnomalyOptions) {
    this.#o = options;
  }

  /** Principals with a baseline. */
  get principals(): number {
    return this.#s.size;
  }

  /**
   * Applies new settings (configuration reload). Baselines are kept when the bucket length is the same; `alpha`,
   * `zThreshold`, `minBuckets` and `minRecords` take effect from the next observation. Returns whether the
   * baselines were kept.
   */
  configure(options: AnomalyOptions): boolean {
    const keep = options.bucketSeconds === this.#o.bucketSeconds;
    if (!keep) this.#s.clear();
    this.#o = options;
    return keep;
  }

  #roll(s: State, b: number): void {
    if (s.bucket === b) return;
    // Fold the finished bucket, then one zero per empty bucket in between (at most 1000: beyond that the
    // average has decayed to zero anyway).
    const gap = Math.min(b - s.bucket - 1, 1000);
    this.#fold(s, s.count);
    for (let i = 0; i < gap; i++) this.#fold(s, 0);
    s.bucket = b;
    s.count = 0;
  }

  #fold(s: State, x: number): void {
    const a = this.#o.alpha;
    if (s.seen === 0) {
      s.mean = x;
      s.variance = 0;
    } else {
      const d = x - s.mean;
      s.mean += a * d;
      s.variance = (1 - a) * (s.variance + a * d * d);
    }
    s.seen++;
  }

  /** Adds `records` read now by `principal`; returns the verdict for the current bucket. */
  observe(principal: string, records: number, nowMs: number): AnomalyVerdict {
    const b = Math.floor(nowMs / 1000 / this.#o.bucketSeconds);
    let s = this.#s.get(principal);
    if (!s) {
      s = { bucket: b, count: 0, mean: 0, variance: 0, seen: 0 };
      if (this.#s.size > 100_000) this.#s.clear();
      this.#s.set(principal, s);
    }
    this.#roll(s, b);
    s.count += records;
    // Floor the deviation: a perfectly steady baseline would otherwise make any change infinitely anomalous.
    const sd = Math.max(Math.sqrt(s.variance), 1, 0.1 * s.mean);
    const z = (s.count - s.mean) / sd;
    const anomalous = s.seen >= this.#o.minBuckets && s.count >= this.#o.minRecords && z > this.#o.zThreshold;
    return { anomalous, count: s.count, mean: s.mean, sd, z };
  }
}
