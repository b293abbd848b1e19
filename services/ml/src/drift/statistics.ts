import { chiSquareSurvival, kolmogorovSurvival } from './distributions';

/**
 * Two-sample tests and distances between a reference distribution and a live window. The
 * reference ships binned (see reference-profile.ts), so the main forms take both sides as
 * counts over the same bins; the exact-sample forms exist to check the binned ones.
 */

export interface KolmogorovSmirnovResult {
  /** D: the largest gap between the two empirical CDFs. */
  readonly statistic: number;
  /** Asymptotic p-value: P(K > √(n·m/(n+m)) · D), K the Kolmogorov distribution. */
  readonly pValue: number;
  /** n·m/(n+m), the sample size the p-value is computed for. */
  readonly effectiveSize: number;
}

/**
 * Two-sample Kolmogorov–Smirnov on counts over shared bins: D is the largest gap between the
 * cumulative shares at the bin edges, the only points where binned CDFs are known. Binning can
 * only hide gaps, so D (and the evidence of drift) is never larger than on the raw values.
 */
export function kolmogorovSmirnovBinned(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): KolmogorovSmirnovResult {
  assertSameBins(reference, current, 'KS');
  const referenceTotal = total(reference);
  const currentTotal = total(current);
  let referenceCumulative = 0;
  let currentCumulative = 0;
  let statistic = 0;
  for (let bin = 0; bin < reference.length; bin++) {
    referenceCumulative += reference[bin];
    currentCumulative += current[bin];
    const gap = Math.abs(referenceCumulative / referenceTotal - currentCumulative / currentTotal);
    if (gap > statistic) statistic = gap;
  }
  return kolmogorovSmirnovResult(statistic, referenceTotal, currentTotal);
}

/** Two-sample Kolmogorov–Smirnov on raw values (ties handled: CDFs compared after each value). */
export function kolmogorovSmirnovSamples(
  first: ArrayLike<number>,
  second: ArrayLike<number>,
): KolmogorovSmirnovResult {
  if (first.length === 0 || second.length === 0) throw new Error('KS needs values on both sides');
  const a = Float64Array.from(first).sort();
  const b = Float64Array.from(second).sort();
  let i = 0;
  let j = 0;
  let statistic = 0;
  while (i < a.length && j < b.length) {
    const value = Math.min(a[i], b[j]);
    while (i < a.length && a[i] === value) i++;
    while (j < b.length && b[j] === value) j++;
    statistic = Math.max(statistic, Math.abs(i / a.length - j / b.length));
  }
  return kolmogorovSmirnovResult(statistic, a.length, b.length);
}

function kolmogorovSmirnovResult(statistic: number, n: number, m: number): KolmogorovSmirnovResult {
  const effectiveSize = (n * m) / (n + m);
  return {
    statistic,
    pValue: kolmogorovSurvival(Math.sqrt(effectiveSize) * statistic),
    effectiveSize,
  };
}

export interface ChiSquareResult {
  readonly statistic: number;
  /** Categories seen on either side, minus one. 0 when there is only one: no test possible. */
  readonly degreesOfFreedom: number;
  /** P(χ² ≥ statistic); 1 when there are no degrees of freedom. */
  readonly pValue: number;
}

/**
 * Pearson chi-square test of homogeneity for a 2 × k table: do the reference and the window
 * share one categorical distribution? Expected counts come from the pooled proportions;
 * categories empty on both sides are dropped (they would divide by zero and add nothing).
 */
export function chiSquareHomogeneity(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): ChiSquareResult {
  assertSameBins(reference, current, 'Chi-square');
  const referenceTotal = total(reference);
  const currentTotal = total(current);
  const pooledTotal = referenceTotal + currentTotal;
  let statistic = 0;
  let categories = 0;
  for (let category = 0; category < reference.length; category++) {
    const pooled = reference[category] + current[category];
    if (pooled === 0) continue;
    categories++;
    const expectedReference = (referenceTotal * pooled) / pooledTotal;
    const expectedCurrent = (currentTotal * pooled) / pooledTotal;
    statistic += (reference[category] - expectedReference) ** 2 / expectedReference;
    statistic += (current[category] - expectedCurrent) ** 2 / expectedCurrent;
  }
  const degreesOfFreedom = categories - 1;
  return {
    statistic,
    degreesOfFreedom,
    pValue: degreesOfFreedom > 0 ? chiSquareSurvival(statistic, degreesOfFreedom) : 1,
  };
}

/**
 * The value that stands for each bin of `edges` (bins as in reference-profile.ts: (−∞, e0],
 * (e0, e1], …, (e_last, ∞)) when measuring distances. Choice: a bin's upper edge, and for the
 * open last bin the last edge plus the width of the bin before it (plus 1 when there is only one
 * edge; normalised distances do not depend on that width). Why the upper edge: quantile edges
 * are values of the data and a value equal to an edge falls in the bin on its left, so for the
 * integer counts of this domain most of a bin's mass sits exactly on its upper edge (for age
 * bands the representation is exact except for the first bin). It also makes the binned
 * Wasserstein distance the integral of the CDF gap measured at the edges, as KS uses them.
 */
export function binRepresentatives(edges: readonly number[]): number[] {
  if (edges.length === 0) return [0];
  const lastWidth = edges.length >= 2 ? edges[edges.length - 1] - edges[edges.length - 2] : 1;
  return [...edges, edges[edges.length - 1] + lastWidth];
}

/**
 * Wasserstein-1 (earth mover's) distance between two distributions given as counts over the
 * bins of `edges`, each bin's mass placed at its representative value (binRepresentatives).
 * In the units of the feature: how far, on average, mass has to move.
 */
export function wassersteinBinned(
  edges: readonly number[],
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): number {
  assertSameBins(reference, current, 'Wasserstein');
  if (reference.length !== edges.length + 1) {
    throw new Error(`Wasserstein needs ${edges.length + 1} bins for ${edges.length} edges`);
  }
  const points = binRepresentatives(edges);
  const referenceTotal = total(reference);
  const currentTotal = total(current);
  // W1 = ∫|F − G|: between consecutive representatives both CDFs are flat.
  let referenceCumulative = 0;
  let currentCumulative = 0;
  let distance = 0;
  for (let bin = 0; bin < points.length - 1; bin++) {
    referenceCumulative += reference[bin];
    currentCumulative += current[bin];
    const gap = Math.abs(referenceCumulative / referenceTotal - currentCumulative / currentTotal);
    distance += gap * (points[bin + 1] - points[bin]);
  }
  return distance;
}

/** Standard deviation of counts over bins, each bin's mass at its representative value. */
export function binnedStandardDeviation(
  edges: readonly number[],
  counts: ArrayLike<number>,
): number {
  const points = binRepresentatives(edges);
  if (counts.length !== points.length) {
    throw new Error(`Need ${points.length} bins for ${edges.length} edges (got ${counts.length})`);
  }
  const count = total(counts);
  let mean = 0;
  for (let bin = 0; bin < points.length; bin++) mean += (counts[bin] / count) * points[bin];
  let variance = 0;
  for (let bin = 0; bin < points.length; bin++) {
    variance += (counts[bin] / count) * (points[bin] - mean) ** 2;
  }
  return Math.sqrt(variance);
}

/**
 * Wasserstein-1 divided by the reference's standard deviation (both on the binned
 * representation), so that one threshold fits features of any scale: 0.1 means the window's
 * mass moved a tenth of a reference standard deviation on average (Evidently's "normed"
 * Wasserstein, whose default drift threshold is 0.1). A reference with no spread (everything
 * in one bin) gives 0 when nothing moved and Infinity otherwise.
 */
export function normalisedWassersteinBinned(
  edges: readonly number[],
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): number {
  const distance = wassersteinBinned(edges, reference, current);
  const spread = binnedStandardDeviation(edges, reference);
  if (spread === 0) return distance === 0 ? 0 : Number.POSITIVE_INFINITY;
  return distance / spread;
}

/**
 * What normalisedWassersteinBinned gives on average when nothing drifted: a window of as many
 * rows as `current` counts against a reference of as many as `reference` counts, both from the
 * reference's distribution. At each bin edge the gap between the two empirical CDFs is then about
 * normal with variance F(1 − F)(1/n + 1/m), and E|gap| = √(2/π)·σ; W1 sums the gaps times the
 * distances between representatives. Two samples of 2,000 rows differ by 0.03 to 0.05 reference
 * deviations this way, a third to a half of the 0.1 threshold: a threshold that ignores it alarms
 * on noise.
 */
export function normalisedWassersteinNoise(
  edges: readonly number[],
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): number {
  const referenceRows = total(reference);
  const currentRows = total(current);
  if (referenceRows <= 0 || currentRows <= 0) {
    throw new Error('the expected Wasserstein noise needs rows on both sides');
  }
  const points = binRepresentatives(edges);
  const spread = binnedStandardDeviation(edges, reference);
  if (spread === 0) return 0;
  const sampling = 1 / referenceRows + 1 / currentRows;
  let cumulative = 0;
  let expected = 0;
  for (let bin = 0; bin < points.length - 1; bin++) {
    cumulative += reference[bin];
    const share = cumulative / referenceRows;
    const gap = Math.sqrt((2 / Math.PI) * share * (1 - share) * sampling);
    expected += gap * (points[bin + 1] - points[bin]);
  }
  return expected / spread;
}

/** Wasserstein-1 distance between two samples of raw values: ∫|F − G| over the merged values. */
export function wassersteinSamples(first: ArrayLike<number>, second: ArrayLike<number>): number {
  if (first.length === 0 || second.length === 0) {
    throw new Error('Wasserstein needs values on both sides');
  }
  const a = Float64Array.from(first).sort();
  const b = Float64Array.from(second).sort();
  let i = 0;
  let j = 0;
  let distance = 0;
  let previous = Math.min(a[0], b[0]);
  while (i < a.length || j < b.length) {
    const value = Math.min(i < a.length ? a[i] : Infinity, j < b.length ? b[j] : Infinity);
    distance += Math.abs(i / a.length - j / b.length) * (value - previous);
    while (i < a.length && a[i] === value) i++;
    while (j < b.length && b[j] === value) j++;
    previous = value;
  }
  return distance;
}

function assertSameBins(reference: ArrayLike<number>, current: ArrayLike<number>, test: string) {
  if (reference.length !== current.length)
    throw new Error(`${test} needs the same bins on both sides`);
  if (reference.length === 0) throw new Error(`${test} needs at least one bin`);
  if (total(reference) <= 0 || total(current) <= 0) {
    throw new Error(`${test} needs counts on both sides`);
  }
}

function total(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum;
}
