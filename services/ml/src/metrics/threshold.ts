import { assertRankableInputs } from './input-validation';

/** The confusion matrix at one operating point, and the rates derived from it. */
export interface ThresholdMetrics {
  readonly threshold: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly trueNegatives: number;
  readonly falseNegatives: number;
  /** 0 when nothing is predicted positive. */
  readonly precision: number;
  /** 0 when there are no actual positives. */
  readonly recall: number;
  /** 0 when precision and recall are both 0. */
  readonly f1: number;
  readonly accuracy: number;
}

/**
 * Metrics for the decision "flag as positive when score >= threshold" (inclusive, so a
 * threshold of 0 flags everyone). Undefined ratios are reported as 0, scikit-learn's
 * zero_division=0 convention: a model that flags nobody gets precision 0 rather than NaN, so
 * reports stay numeric and sortable; the counts show when a ratio had no denominator.
 */
export function thresholdMetrics(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
): ThresholdMetrics {
  if (Number.isNaN(threshold)) throw new Error('The decision threshold must be a number (got NaN)');
  assertRankableInputs(labels, scores);
  let truePositives = 0;
  let falsePositives = 0;
  let trueNegatives = 0;
  let falseNegatives = 0;
  for (let row = 0; row < labels.length; row++) {
    const predictedPositive = scores[row] >= threshold;
    if (labels[row] === 1) {
      if (predictedPositive) truePositives++;
      else falseNegatives++;
    } else if (predictedPositive) falsePositives++;
    else trueNegatives++;
  }
  const precision = ratioOrZero(truePositives, truePositives + falsePositives);
  const recall = ratioOrZero(truePositives, truePositives + falseNegatives);
  return {
    threshold,
    truePositives,
    falsePositives,
    trueNegatives,
    falseNegatives,
    precision,
    recall,
    f1: ratioOrZero(2 * precision * recall, precision + recall),
    accuracy: (truePositives + trueNegatives) / labels.length,
  };
}

function ratioOrZero(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
