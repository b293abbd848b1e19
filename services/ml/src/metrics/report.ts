import { calibrationTable, expectedCalibrationError, type CalibrationTable } from './calibration';
import { assertProbabilityInputs } from './input-validation';
import { brierScore, logLoss } from './probabilistic';
import { rankingAucs } from './ranking';
import { thresholdMetrics, type ThresholdMetrics } from './threshold';

/** Everything needed to judge a binary classifier on one set of rows. */
export interface ClassificationReport {
  readonly count: number;
  readonly positives: number;
  /** NaN when only one class is present. */
  readonly rocAuc: number;
  /** Average precision; NaN when there are no positives. */
  readonly prAuc: number;
  readonly logLoss: number;
  readonly brier: number;
  readonly atThreshold: ThresholdMetrics;
  readonly calibration: CalibrationTable;
  readonly expectedCalibrationError: number;
}

/**
 * All metrics in one call, so that every evaluation (overall, per subgroup, per model version)
 * reports the same set, computed the same way. Scores must be probabilities in [0, 1].
 */
export function classificationReport(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
  calibrationBins = 10,
): ClassificationReport {
  assertProbabilityInputs(labels, scores);
  let positives = 0;
  for (let row = 0; row < labels.length; row++) positives += labels[row];
  const { rocAuc, prAuc } = rankingAucs(labels, scores);
  const calibration = calibrationTable(labels, scores, calibrationBins);
  return {
    count: labels.length,
    positives,
    rocAuc,
    prAuc,
    logLoss: logLoss(labels, scores),
    brier: brierScore(labels, scores),
    atThreshold: thresholdMetrics(labels, scores, threshold),
    calibration,
    expectedCalibrationError: expectedCalibrationError(calibration),
  };
}
