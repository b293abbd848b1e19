import { calibrationTable, rocAuc, type CalibrationBin } from '@readmit/ml';
import { rocCurve, type RocPoint } from './roc-curve';

/** Fewer labelled predictions than this draw no curve: it would be noise. */
export const MIN_LABELLED_FOR_CURVES = 20;

/** One version's live ROC curve and reliability table, on its predictions with known outcomes. */
export interface VersionCurves {
  readonly version: string;
  readonly labelled: number;
  readonly positives: number;
  /** Null when there are too few labelled predictions or a class is missing. */
  readonly rocAuc: number | null;
  readonly roc: readonly RocPoint[];
  /** Bins with predictions only; empty bins would draw as gaps anyway. */
  readonly calibration: ReadonlyArray<
    Pick<CalibrationBin, 'lower' | 'upper' | 'count' | 'meanScore' | 'observedRate'>
  >;
}

export function versionCurves(
  version: string,
  labels: Uint8Array,
  scores: Float64Array,
  bins = 10,
): VersionCurves {
  let positives = 0;
  for (const label of labels) positives += label;
  const enough =
    labels.length >= MIN_LABELLED_FOR_CURVES && positives > 0 && positives < labels.length;
  if (!enough)
    return { version, labelled: labels.length, positives, rocAuc: null, roc: [], calibration: [] };
  return {
    version,
    labelled: labels.length,
    positives,
    rocAuc: rocAuc(labels, scores),
    roc: rocCurve(labels, scores),
    calibration: calibrationTable(labels, scores, bins).filter((bin) => bin.count > 0),
  };
}
