import { assertRankableInputs } from './input-validation';
import { normalSurvival } from '../drift/distributions';

/** Two models' ROC AUCs on the same labelled rows, and whether their difference is noise. */
export interface PairedAucComparison {
  readonly positives: number;
  readonly negatives: number;
  readonly aucA: number;
  readonly aucB: number;
  /** aucB − aucA. */
  readonly difference: number;
  /** DeLong's standard error of the difference (NaN with fewer than 2 rows of a class). */
  readonly standardError: number;
  /** difference / standardError (0 when both are 0: identical rankings). */
  readonly z: number;
  /** Two-sided p-value of "both AUCs are equal" (1 when the rankings are identical). */
  readonly pValue: number;
}

/**
 * DeLong's test (DeLong, DeLong & Clarke-Pearson 1988) for two correlated ROC AUCs, i.e. two
 * models scoring the same rows: each AUC is the mean of its structural components (for every
 * positive, the share of negatives it outranks; for every negative, the share of positives that
 * outrank it, ties counting 1/2), and the variance of the difference comes from the covariance
 * of those components between the models. O(n log n): each component is a binary search.
 */
export function pairedAucComparison(
  labels: ArrayLike<number>,
  scoresA: ArrayLike<number>,
  scoresB: ArrayLike<number>,
): PairedAucComparison {
  assertRankableInputs(labels, scoresA);
  assertRankableInputs(labels, scoresB);
  let positives = 0;
  for (let row = 0; row < labels.length; row++) positives += labels[row];
  const negatives = labels.length - positives;
  const a = structuralComponents(labels, scoresA, positives);
  const b = structuralComponents(labels, scoresB, positives);
  const aucA = mean(a.positive);
  const aucB = mean(b.positive);
  const difference = aucB - aucA;
  if (positives < 2 || negatives < 2)
    return {
      positives,
      negatives,
      aucA,
      aucB,
      difference,
      standardError: Number.NaN,
      z: Number.NaN,
      pValue: Number.NaN,
    };
  // Var(B − A) = Var(B) + Var(A) − 2 Cov(A, B), over both kinds of components.
  const variance =
    (covariance(a.positive, a.positive) +
      covariance(b.positive, b.positive) -
      2 * covariance(a.positive, b.positive)) /
      positives +
    (covariance(a.negative, a.negative) +
      covariance(b.negative, b.negative) -
      2 * covariance(a.negative, b.negative)) /
      negatives;
  const standardError = Math.sqrt(Math.max(variance, 0));
  if (standardError === 0) {
    const z = difference === 0 ? 0 : Math.sign(difference) * Number.POSITIVE_INFINITY;
    return { positives, negatives, aucA, aucB, difference, standardError, z, pValue: z ? 0 : 1 };
  }
  const z = difference / standardError;
  return {
    positives,
    negatives,
    aucA,
    aucB,
    difference,
    standardError,
    z,
    pValue: Math.min(1, 2 * normalSurvival(Math.abs(z))),
  };
}

/**
 * Per positive row (in row order): the share of negatives scored below it (ties 1/2); per
 * negative row: the share of positives scored above it. NaN everywhere when a class is empty.
 */
function structuralComponents(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  positives: number,
): { positive: Float64Array; negative: Float64Array } {
  const positiveScores = new Float64Array(positives);
  const negativeScores = new Float64Array(labels.length - positives);
  let p = 0;
  let n = 0;
  for (let row = 0; row < labels.length; row++) {
    if (labels[row] === 1) positiveScores[p++] = scores[row];
    else negativeScores[n++] = scores[row];
  }
  const sortedPositives = Float64Array.from(positiveScores).sort();
  const sortedNegatives = Float64Array.from(negativeScores).sort();
  const positive = positiveScores.map((score) => {
    const below = lowerBound(sortedNegatives, score);
    const tied = upperBound(sortedNegatives, score) - below;
    return (below + tied / 2) / sortedNegatives.length;
  });
  const negative = negativeScores.map((score) => {
    const atOrBelow = upperBound(sortedPositives, score);
    const tied = atOrBelow - lowerBound(sortedPositives, score);
    return (sortedPositives.length - atOrBelow + tied / 2) / sortedPositives.length;
  });
  return { positive, negative };
}

/** The first index whose value is ≥ value. */
function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The first index whose value is > value. */
function upperBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function mean(values: Float64Array): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Sample covariance (n − 1). */
function covariance(x: Float64Array, y: Float64Array): number {
  const meanX = mean(x);
  const meanY = mean(y);
  let sum = 0;
  for (let index = 0; index < x.length; index++) sum += (x[index] - meanX) * (y[index] - meanY);
  return sum / (x.length - 1);
}
