import { describe, expect, it } from 'vitest';
import { logGamma, pitmanUniques, zayatzUniques } from './estimators.js';
import { RiskAccumulator } from './metrics.js';

const counts = (pairs: [string, number][]) => new Map(pairs);

describe('RiskAccumulator', () => {
  it('computes class sizes, k, shares and attacker risks equal to hand-computed values', () => {
    // Classes (age, sex): A size 3 {flu 2, cold 1}; B size 2 {flu, hiv}; C size 1 {cold}; D size 4 {flu ×4}.
    const global = counts([
      ['flu', 7],
      ['cold', 2],
      ['hiv', 1],
    ]);
    const acc = new RiskAccumulator([['diagnosis', global]]);
    acc.add(3, [
      counts([
        ['flu', 2],
        ['cold', 1],
      ]),
    ]);
    acc.add(2, [
      counts([
        ['flu', 1],
        ['hiv', 1],
      ]),
    ]);
    acc.add(1, [counts([['cold', 1]])]);
    acc.add(4, [counts([['flu', 4]])]);
    const m = acc.finish();
    expect(m.records).toBe(10);
    expect(m.classes).toBe(4);
    expect(m.k).toBe(1);
    expect(m.largestClass).toBe(4);
    expect(m.classSizes).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
    expect(m.below).toEqual({ '2': 0.1, '5': 1, '10': 1 });
    expect(m.sampleUniques).toBe(1);
    expect(m.sampleUniqueness).toBe(0.1);
    expect(m.prosecutor).toEqual({ highest: 1, average: 0.4, recordsAtRisk: 1, threshold: 0.2 });
    expect(m.marketer).toBe(0.4);
    expect(m.population.estimator).toBe('none (the data is the population)');
    expect(m.population.uniques).toBe(1);
    const s = m.sensitive[0]!;
    expect(s.distinctL).toBe(1);
    expect(s.entropyL).toBe(1);
    // Equal-distance EMD per class: A 0.1333, B 0.4, C 0.8, D 0.3.
    expect(s.t).toBeCloseTo(0.8, 6);
    expect(s.distance).toBe('equal');
  });

  it('uses the ordered distance for numeric sensitive values', () => {
    const global = counts([
      ['1', 1],
      ['2', 1],
      ['3', 1],
    ]);
    const acc = new RiskAccumulator([['salary', global]]);
    acc.add(1, [counts([['2', 1]])]); // cumulative diffs −1/3, 1/3, 0 → (2/3)/2
    expect(acc.finish().sensitive[0]!.t).toBeCloseTo(1 / 3, 6);
    acc.add(1, [counts([['1', 1]])]); // cumulative 2/3, 1/3, 0 → 1/2
    const m = acc.finish();
    expect(m.sensitive[0]!.t).toBeCloseTo(0.5, 6);
    expect(m.sensitive[0]!.distance).toBe('ordered');
  });

  it('entropy l-diversity is exp(H) of the least diverse class', () => {
    const acc = new RiskAccumulator([
      [
        'd',
        counts([
          ['a', 2],
          ['b', 2],
        ]),
      ],
    ]);
    acc.add(4, [
      counts([
        ['a', 2],
        ['b', 2],
      ]),
    ]);
    expect(acc.finish().sensitive[0]!.entropyL).toBe(2);
  });

  it('journalist and marketer risk use the population size', () => {
    const acc = new RiskAccumulator([], { population: 100 });
    acc.add(2);
    acc.add(3);
    const m = acc.finish();
    // π = 5/100: estimated population classes 40 and 60; journalist highest 1/40; marketer K/N = 2/100.
    expect(m.population.samplingFraction).toBe(0.05);
    expect(m.journalist.highest).toBeCloseTo(1 / 40, 9);
    expect(m.journalist.average).toBeCloseTo(2 / 100, 9);
    expect(m.marketer).toBeCloseTo(0.02, 9);
    expect(m.prosecutor.highest).toBe(0.5);
  });

  it('an empty table reports zeros, not NaN', () => {
    const m = new RiskAccumulator().finish();
    expect(m.k).toBe(0);
    expect(m.below['5']).toBe(0);
    expect(m.prosecutor.average).toBe(0);
  });
});

describe('estimators', () => {
  it('zayatzUniques equals the hand-computed value', () => {
    // c1 = 4, c2 = 3, π = 0.1: 4² / (4·1·1 + 3·2·0.9) = 16 / 9.4
    expect(
      zayatzUniques(
        new Map([
          [1, 4],
          [2, 3],
        ]),
        0.1,
      ),
    ).toBeCloseTo(16 / 9.4, 9);
    expect(
      zayatzUniques(
        new Map([
          [1, 4],
          [2, 3],
        ]),
        1,
      ),
    ).toBe(4);
    expect(zayatzUniques(new Map([[2, 3]]), 0.5)).toBe(0);
  });

  it('logGamma matches known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  it('pitmanUniques finds the maximum of the Pitman likelihood (checked against a grid)', () => {
    const sizes = new Map([
      [1, 60],
      [2, 25],
      [3, 10],
      [5, 4],
      [9, 2],
    ]);
    let n = 0;
    let K = 0;
    for (const [s, c] of sizes) {
      n += s * c;
      K += c;
    }
    const ll = (t: number, a: number) => {
      let v = 0;
      for (let i = 1; i < K; i++) v += Math.log(t + i * a);
      for (let i = 1; i < n; i++) v -= Math.log(t + i);
      for (const [s, c] of sizes) for (let i = 1; i < s; i++) v += c * Math.log(i - a);
      return v;
    };
    const fit = pitmanUniques(sizes, n, n * 20);
    expect(fit).toMatchObject({ theta: expect.any(Number), alpha: expect.any(Number) });
    const best = ll(fit!.theta, fit!.alpha);
    for (let a = 0.01; a < 1; a += 0.02)
      for (let t = 0.5; t < 400; t *= 1.1) expect(ll(t, a)).toBeLessThanOrEqual(best + 1e-6);
    expect(fit!.uniques).toBeGreaterThan(0);
    expect(fit!.uniques).toBeLessThan(n * 20);
    // More population, more (never fewer) uniques.
    expect(pitmanUniques(sizes, n, n * 200)!.uniques).toBeGreaterThan(fit!.uniques);
  });

  it('pitmanUniques declines samples the model cannot fit', () => {
    expect(pitmanUniques(new Map([[3, 10]]), 30, 300)).toBeUndefined(); // no uniques
    expect(pitmanUniques(new Map([[1, 10]]), 10, 300)).toBeUndefined(); // only uniques
  });
});
