/**
 * Population-uniqueness estimators: how many records unique in the sample are also unique in the population the
 * sample was drawn from, given the sampling fraction π = n / N.
 *
 * - **Pitman** (Hoshino 2001, "Applying Pitman's sampling formula to microdata disclosure risk assessment",
 *   Journal of Official Statistics 17(4):499–520). The sample's equivalence-class sizes are modelled by Pitman's
 *   sampling formula with parameters θ > −α, 0 ≤ α < 1, fitted by maximum likelihood (Newton–Raphson on the
 *   log-likelihood below); the expected number of population uniques is Γ(θ + 1) / Γ(θ + α) · N^α.
 *
 *       ℓ(θ, α) = Σ_{i=1}^{K−1} log(θ + iα) − Σ_{i=1}^{n−1} log(θ + i) + Σ_j Σ_{i=1}^{f_j−1} log(i − α)
 *
 *   with K classes of sizes f_j. The same model and closed form are what ARX's `ModelPitman` evaluates.
 * - **Zayatz** (Zayatz 1991, "Estimation of the percent of unique population elements on a microdata file using
 *   the sample", US Census Bureau SRD Report RR-91/08). Assumes the population's class-size distribution has the
 *   shape of the sample's; a population class of size j is sampled exactly once with probability
 *   jπ(1 − π)^{j−1} (binomial approximation of the hypergeometric), so
 *   P(population unique | sample unique) = c₁ / Σ_j c_j · j · (1 − π)^{j−1}, with c_j the number of sample classes
 *   of size j, and the estimate is (sample uniques) × that probability.
 *
 * When the dataset is the whole population (π = 1) both reduce to the sample uniques.
 */

/** Class-size frequencies: `sizes.get(s)` classes have exactly `s` records. */
export type SizeFrequencies = ReadonlyMap<number, number>;

/** Natural log of Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error < 1e-13). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ψ(x), the digamma function, for x > 0 (recurrence to x ≥ 6, then the asymptotic series). */
export function digamma(x: number): number {
  let r = 0;
  while (x < 6) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** ψ′(x), the trigamma function, for x > 0. */
export function trigamma(x: number): number {
  let r = 0;
  while (x < 6) {
    r += 1 / (x * x);
    x += 1;
  }
  const f = 1 / (x * x);
  return r + 1 / x + f / 2 + (f / x) * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f / 30)));
}

/** Result of {@link pitmanUniques}. */
export interface PitmanFit {
  theta: number;
  alpha: number;
  /** Estimated population uniques. */
  uniques: number;
  iterations: number;
}

/**
 * Fits Pitman's model to the class sizes of a sample of `n` records and estimates the population uniques for a
 * population of `population` records. `undefined` when the fit does not converge to admissible parameters (for
 * example when there are no sample uniques or every class is unique).
 *
 * @example
 * pitmanUniques(new Map([[1, 50], [2, 20], [5, 10]]), 140, 14_000)?.uniques
 */
export function pitmanUniques(sizes: SizeFrequencies, n: number, population: number): PitmanFit | undefined {
  let K = 0;
  for (const c of sizes.values()) K += c;
  const c1 = sizes.get(1) ?? 0;
  if (K < 2 || n < 2 || c1 === 0 || c1 === n) return undefined;
  const entries = [...sizes.entries()].filter(([s]) => s >= 2);
  // Σ_j Σ_{i=1}^{f_j−1} g(i − α) grouped by size: Σ_s c_s Σ_{i=1}^{s−1} g(i − α), cumulated over i once.
  const maxSize = entries.reduce((m, [s]) => Math.max(m, s), 1);
  const weight = new Float64Array(maxSize); // weight[i] = number of classes with size > i (i ≥ 1)
  for (const [s, c] of entries) weight[s - 1]! += c;
  for (let i = maxSize - 2; i >= 1; i--) weight[i]! += weight[i + 1]!;

  const c2 = Math.max(1, sizes.get(2) ?? 0);
  // Initial guess (Hoshino 2001, moment-type estimates as ARX uses them).
  const c = (c1 * (c1 - 1)) / c2;
  let theta = (n * K * c - c1 * (n - 1) * (2 * K + c)) / (2 * c1 * K + c1 * c - n * c);
  let alpha = (theta * (c1 - n) + (n - 1) * c1) / (n * K);
  if (!Number.isFinite(theta) || !Number.isFinite(alpha) || alpha <= 0 || alpha >= 1 || theta <= -alpha) {
    alpha = 0.5;
    theta = Math.max(1, K / 2);
  }
  let iterations = 0;
  for (; iterations < 200; iterations++) {
    // Gradient and Hessian of ℓ.
    let g1 = 0;
    let g2 = 0;
    let h11 = 0;
    let h12 = 0;
    let h22 = 0;
    for (let i = 1; i < K; i++) {
      const d = theta + i * alpha;
      const inv = 1 / d;
      g1 += inv;
      g2 += i * inv;
      const inv2 = inv * inv;
      h11 -= inv2;
      h12 -= i * inv2;
      h22 -= i * i * inv2;
    }
    g1 -= digamma(theta + n) - digamma(theta + 1);
    h11 += trigamma(theta + 1) - trigamma(theta + n);
    for (let i = 1; i < maxSize; i++) {
      const w = weight[i]!;
      if (w === 0) continue;
      const d = i - alpha;
      g2 -= w / d;
      h22 -= w / (d * d);
    }
    const det = h11 * h22 - h12 * h12;
    if (!Number.isFinite(det) || det === 0) return undefined;
    let dt = (h22 * g1 - h12 * g2) / det;
    let da = (h11 * g2 - h12 * g1) / det;
    // Damp the step to stay inside θ > −α, 0 ≤ α < 1.
    let step = 1;
    for (let tries = 0; tries < 60; tries++) {
      const t2 = theta - step * dt;
      const a2 = alpha - step * da;
      if (a2 >= 0 && a2 < 1 && t2 > -a2) break;
      step /= 2;
    }
    dt *= step;
    da *= step;
    theta -= dt;
    alpha -= da;
    if (!(alpha >= 0 && alpha < 1 && theta > -alpha)) return undefined;
    if (Math.abs(dt) < 1e-9 * Math.max(1, Math.abs(theta)) && Math.abs(da) < 1e-12) break;
  }
  if (iterations >= 200) return undefined;
  const uniques =
    alpha === 0
      ? theta * Math.log(population / n) // α → 0 limit (Ewens): uniques grow with log N
      : Math.exp(logGamma(theta + 1) - logGamma(theta + alpha) + alpha * Math.log(population));
  if (!Number.isFinite(uniques) || uniques < 0 || uniques > population) return undefined;
  return { theta, alpha, uniques, iterations };
}

/**
 * Zayatz's estimate of population uniques for a sample with sampling fraction `fraction` (0 < π ≤ 1).
 *
 * @example
 * zayatzUniques(new Map([[1, 4], [2, 3]]), 0.1) // 4 · 4 / (4 + 3·2·0.9)
 */
export function zayatzUniques(sizes: SizeFrequencies, fraction: number): number {
  const c1 = sizes.get(1) ?? 0;
  if (c1 === 0) return 0;
  if (fraction >= 1) return c1;
  let denom = 0;
  for (const [j, cj] of sizes) denom += cj * j * (1 - fraction) ** (j - 1);
  return denom > 0 ? (c1 * c1) / denom : 0;
}
