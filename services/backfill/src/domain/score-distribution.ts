import { histogram, SCORE_EDGES, type NumericHistogram } from '@readmit/ml';

/** How one model's scores over a range are spread, and how many it flags. */
export interface ScoreDistribution {
  readonly count: number;
  /** NaN when there are no scores (as are the quantiles and the positive rate). */
  readonly mean: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  /** The share of scores at or above the threshold (the model's positive label). */
  readonly positiveRate: number;
  /** Counts over the ten equal score bins drift monitoring uses (SCORE_EDGES). */
  readonly histogram: NumericHistogram;
}

/** The distribution of scores, flagged at `threshold` (label = score ≥ threshold). */
export function scoreDistribution(scores: ArrayLike<number>, threshold: number): ScoreDistribution {
  const sorted = Float64Array.from(scores).sort();
  let sum = 0;
  let flagged = 0;
  for (const score of sorted) {
    sum += score;
    if (score >= threshold) flagged += 1;
  }
  const count = sorted.length;
  return {
    count,
    mean: count > 0 ? sum / count : Number.NaN,
    p10: quantile(sorted, 0.1),
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    positiveRate: count > 0 ? flagged / count : Number.NaN,
    histogram: histogram('score', SCORE_EDGES, sorted),
  };
}

/**
 * The q-quantile of sorted values, interpolated linearly between order statistics (Hyndman &
 * Fan's type 7, numpy's and R's default). NaN for no values.
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}
