import { describe, expect, it } from 'vitest';
import { AnomalyDetector } from './anomaly.js';
import { createMemoryQuotaStore, exceeded } from './quota.js';

const opts = { bucketSeconds: 60, alpha: 0.3, zThreshold: 4, minBuckets: 5, minRecords: 100 };

describe('AnomalyDetector', () => {
  it('does not flag a steady principal, flags a jump far above its baseline', () => {
    const d = new AnomalyDetector(opts);
    let t = 0;
    for (let b = 0; b < 20; b++, t += 60_000) {
      expect(d.observe('alice', 40 + (b % 5) * 5, t).anomalous).toBe(false);
    }
    const v = d.observe('alice', 2000, t);
    expect(v.anomalous).toBe(true);
    expect(v.z).toBeGreaterThan(4);
    expect(d.observe('bob', 5000, t).anomalous).toBe(false); // no baseline yet (warm-up)
  });

  it('judges as the bucket fills and counts empty buckets as zero', () => {
    const d = new AnomalyDetector({ ...opts, minRecords: 10 });
    let t = 0;
    for (let b = 0; b < 6; b++, t += 60_000) d.observe('a', 20, t);
    let flagged = false;
    for (let i = 0; i < 30 && !flagged; i++) flagged = d.observe('a', 10, t).anomalous;
    expect(flagged).toBe(true);
    // A long quiet period decays the baseline to zero: ordinary volume later is high relative to it.
    const later = d.observe('a', 20, t + 1000 * 60_000);
    expect(later.mean).toBeLessThan(1);
  });

  it('never flags below minRecords', () => {
    const d = new AnomalyDetector(opts);
    for (let b = 0; b < 10; b++) d.observe('a', 1, b * 60_000);
    expect(d.observe('a', 99, 10 * 60_000).anomalous).toBe(false);
  });
});

describe('quotas', () => {
  it('count per window and report the first exceeded limit with its reset time', async () => {
    const q = createMemoryQuotaStore();
    const t = Date.UTC(2026, 0, 1, 10, 0, 30);
    await q.add('a', 40, 1000, t);
    const u = await q.add('a', 20, 1000, t + 1000);
    expect(u.records).toEqual({ minute: 60, hour: 60, day: 60 });
    const over = exceeded(u, { records: { minute: 50 } }, t + 1000);
    expect(over).toMatchObject({ what: 'records', window: 'minute', limit: 50, used: 60, retryAfter: 29 });
    expect(exceeded(u, { bytes: { hour: 5000 } }, t)).toBeUndefined();
    const next = await q.usage('a', t + 60_000);
    expect(next.records.minute).toBe(0);
    expect(next.records.hour).toBe(60);
    expect((await q.usage('b', t)).records.day).toBe(0);
  });
});

describe('AnomalyDetector.configure', () => {
  it('keeps baselines when the bucket length stays, drops them when it changes; new thresholds apply at once', () => {
    const d = new AnomalyDetector({ ...opts, zThreshold: 1e9 });
    let t = 0;
    for (let b = 0; b < 10; b++, t += 60_000) d.observe('alice', 40, t);
    expect(d.observe('alice', 2000, t).anomalous).toBe(false);
    expect(d.configure({ ...opts, zThreshold: 4 })).toBe(true);
    expect(d.principals).toBe(1);
    t += 60_000;
    expect(d.observe('alice', 2000, t).anomalous).toBe(false); // the earlier 2000 is in the baseline now
    const e = new AnomalyDetector({ ...opts, zThreshold: 1e9 });
    t = 0;
    for (let b = 0; b < 10; b++, t += 60_000) e.observe('bob', 40, t);
    e.configure({ ...opts, zThreshold: 4 });
    expect(e.observe('bob', 2000, t).anomalous).toBe(true);
    expect(e.configure({ ...opts, bucketSeconds: 3600 })).toBe(false);
    expect(e.principals).toBe(0);
  });
});
