import { assertProbabilityInputs } from './input-validation';

/** One bin of a reliability diagram. */
export interface CalibrationBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** Mean predicted probability in the bin; NaN when the bin is empty. */
  readonly meanScore: number;
  /** Fraction of positives in the bin; NaN when the bin is empty. */
  readonly observedRate: number;
}

export type CalibrationTable = readonly CalibrationBin[];

/**
 * Reliability table: equal-width bins over [0, 1], each comparing the mean predicted
 * probability with the observed positive rate. Bins are [lower, upper) except the last, which
 * includes 1. Empty bins are kept (count 0, NaN means) so tables from different models or
 * subgroups line up bin for bin.
 */
export function calibrationTable(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  bins = 10,
): CalibrationTable {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new Error(`Calibration needs a positive whole number of bins (got ${bins})`);
  }
  assertProbabilityInputs(labels, scores);
  const counts = new Float64Array(bins);
  const scoreSums = new Float64Array(bins);
  const positiveCounts = new Float64Array(bins);
  for (let row = 0; row < labels.length; row++) {
    const bin = binOf(scores[row], bins);
    counts[bin] += 1;
    scoreSums[bin] += scores[row];
    positiveCounts[bin] += labels[row];
  }
  const table: CalibrationBin[] = [];
  for (let bin = 0; bin < bins; bin++) {
    const count = counts[bin];
    table.push({
      lower: bin / bins,
      upper: (bin + 1) / bins,
      count,
      meanScore: count === 0 ? Number.NaN : scoreSums[bin] / count,
      observedRate: count === 0 ? Number.NaN : positiveCounts[bin] / count,
    });
  }
  return table;
}

/**
 * Expected calibration error: the count-weighted mean of |meanScore − observedRate| over the
 * non-empty bins, i.e. how far, on average, a patient's predicted risk is from the observed
 * rate of similar patients. NaN for a table with no rows.
 */
export function expectedCalibrationError(table: CalibrationTable): number {
  let total = 0;
  let weightedGap = 0;
  for (const bin of table) {
    if (bin.count === 0) continue;
    total += bin.count;
    weightedGap += bin.count * Math.abs(bin.meanScore - bin.observedRate);
  }
  return total === 0 ? Number.NaN : weightedGap / total;
}

/**
 * The bin whose reported [lower, upper) contains the score. floor(score · bins) alone can land
 * one bin low on a boundary (0.29 · 100 = 28.999…), so it is corrected against the very same
 * bounds that the table reports.
 */
function binOf(score: number, bins: number): number {
  let bin = Math.min(Math.floor(score * bins), bins - 1);
  if (bin < bins - 1 && score >= (bin + 1) / bins) bin++;
  else if (bin > 0 && score < bin / bins) bin--;
  return bin;
}
