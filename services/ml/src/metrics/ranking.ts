import { assertRankableInputs } from './input-validation';

/**
 * Ranking metrics: they depend only on the order of the scores, so any monotone transform of
 * the scores (probabilities, logits, ranks) gives the same values.
 */

/**
 * ROC-AUC: the probability that a random positive scores above a random negative, with tied
 * pairs counting 1/2 (the Mann–Whitney U statistic, exact, O(n log n)).
 * Returns NaN when only one class is present: with no positive–negative pairs the ranking
 * quality is undefined, and 0.5 or 1 would be indistinguishable from a real result.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  return rankingAucs(labels, scores).rocAuc;
}

/**
 * Average precision (area under the precision–recall curve, step-wise, as scikit-learn's
 * average_precision_score): sum over distinct score thresholds, highest first, of
 * (R_n − R_{n−1}) · P_n. Tied scores form one threshold, so ties never reward a lucky order.
 * No interpolation, which would be optimistic. Returns NaN when there are no positives
 * (recall is undefined).
 */
export function prAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  return rankingAucs(labels, scores).prAuc;
}

/** Both ranking metrics from a single sort, for callers that need both (e.g. a report). */
export function rankingAucs(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): { rocAuc: number; prAuc: number } {
  assertRankableInputs(labels, scores);
  const { positiveScores, negativeScores } = scoresByClass(labels, scores);
  const positiveCount = positiveScores.length;
  const negativeCount = negativeScores.length;

  // Walk both classes from the highest score down, one group of tied scores at a time.
  let positiveIndex = positiveCount - 1;
  let negativeIndex = negativeCount - 1;
  let positivesAbove = 0;
  let negativesAbove = 0;
  let orderedPairs = 0; // positive–negative pairs ordered correctly, ties as 1/2
  let precisionWeightedByRecallGain = 0;
  while (positiveIndex >= 0 || negativeIndex >= 0) {
    const score =
      positiveIndex < 0
        ? negativeScores[negativeIndex]
        : negativeIndex < 0
          ? positiveScores[positiveIndex]
          : Math.max(positiveScores[positiveIndex], negativeScores[negativeIndex]);
    let tiedPositives = 0;
    while (positiveIndex >= 0 && positiveScores[positiveIndex] === score) {
      tiedPositives++;
      positiveIndex--;
    }
    let tiedNegatives = 0;
    while (negativeIndex >= 0 && negativeScores[negativeIndex] === score) {
      tiedNegatives++;
      negativeIndex--;
    }
    orderedPairs += tiedNegatives * (positivesAbove + tiedPositives / 2);
    positivesAbove += tiedPositives;
    negativesAbove += tiedNegatives;
    if (tiedPositives > 0) {
      precisionWeightedByRecallGain +=
        (tiedPositives * positivesAbove) / (positivesAbove + negativesAbove);
    }
  }

  return {
    rocAuc:
      positiveCount === 0 || negativeCount === 0
        ? Number.NaN
        : orderedPairs / (positiveCount * negativeCount),
    prAuc: positiveCount === 0 ? Number.NaN : precisionWeightedByRecallGain / positiveCount,
  };
}

/**
 * Splits scores by class and sorts each ascending. The built-in numeric sort of a typed array
 * needs no comparator callback, which keeps large inputs fast; merging the two sorted runs then
 * yields the tie groups directly.
 */
function scoresByClass(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): { positiveScores: Float64Array; negativeScores: Float64Array } {
  let positiveCount = 0;
  for (let row = 0; row < labels.length; row++) positiveCount += labels[row];
  const positiveScores = new Float64Array(positiveCount);
  const negativeScores = new Float64Array(labels.length - positiveCount);
  let positiveIndex = 0;
  let negativeIndex = 0;
  for (let row = 0; row < labels.length; row++) {
    if (labels[row] === 1) positiveScores[positiveIndex++] = scores[row];
    else negativeScores[negativeIndex++] = scores[row];
  }
  positiveScores.sort();
  negativeScores.sort();
  return { positiveScores, negativeScores };
}
