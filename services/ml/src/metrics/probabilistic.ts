import { assertProbabilityInputs } from './input-validation';

/**
 * Proper scoring rules: unlike ranking metrics they reward probabilities that are both
 * well ordered and well calibrated, which matters when scores drive care decisions directly.
 */

/**
 * Mean negative log-likelihood (binary cross-entropy). The probability given to the observed
 * outcome is floored at epsilon, so that one confident mistake (a score of exactly 0 or 1)
 * gives a large finite penalty instead of Infinity. This is scikit-learn's clipping to
 * [epsilon, 1 − epsilon], but applied after taking 1 − score: 1 − (1 − 1e-15) is not 1e-15 in
 * floating point, and the penalty should not depend on which class was missed.
 */
export function logLoss(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  epsilon = 1e-15,
): number {
  if (!(epsilon > 0 && epsilon < 0.5)) {
    throw new Error(`logLoss epsilon must be in (0, 0.5) (got ${epsilon})`);
  }
  assertProbabilityInputs(labels, scores);
  let total = 0;
  for (let row = 0; row < labels.length; row++) {
    const probabilityOfOutcome = labels[row] === 1 ? scores[row] : 1 - scores[row];
    total -= Math.log(Math.max(probabilityOfOutcome, epsilon));
  }
  return total / labels.length;
}

/**
 * Brier score: mean squared difference between score and outcome. Bounded in [0, 1] and
 * tolerant of confident mistakes, so it complements the log loss.
 */
export function brierScore(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  assertProbabilityInputs(labels, scores);
  let total = 0;
  for (let row = 0; row < labels.length; row++) {
    const error = scores[row] - labels[row];
    total += error * error;
  }
  return total / labels.length;
}
