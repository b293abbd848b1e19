/**
 * Shared input checks. Every metric here returns a plausible-looking number on misaligned or
 * non-binary input, so the mistake would go unnoticed; failing loudly is the only safe option.
 */

/** Labels are 0/1, aligned with scores, non-empty; scores only need to be orderable (not NaN). */
export function assertRankableInputs(labels: ArrayLike<number>, scores: ArrayLike<number>): void {
  assertAlignedBinaryLabels(labels, scores);
  for (let row = 0; row < scores.length; row++) {
    if (Number.isNaN(scores[row])) {
      throw new Error(`Scores must be comparable numbers (row ${row} is NaN)`);
    }
  }
}

/** As assertRankableInputs, and scores must be probabilities in [0, 1]. */
export function assertProbabilityInputs(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): void {
  assertAlignedBinaryLabels(labels, scores);
  for (let row = 0; row < scores.length; row++) {
    const score = scores[row];
    // Written so that NaN fails too.
    if (!(score >= 0 && score <= 1)) {
      throw new Error(`Scores must be probabilities in [0, 1] (row ${row} is ${score})`);
    }
  }
}

function assertAlignedBinaryLabels(labels: ArrayLike<number>, scores: ArrayLike<number>): void {
  if (labels.length !== scores.length) {
    throw new Error(
      `Labels and scores must have the same length (got ${labels.length} labels and ${scores.length} scores)`,
    );
  }
  if (labels.length === 0) throw new Error('Metrics need at least one labelled row (got none)');
  for (let row = 0; row < labels.length; row++) {
    const label = labels[row];
    if (label !== 0 && label !== 1) {
      throw new Error(`Labels must be 0 or 1 (row ${row} is ${label})`);
    }
  }
}
