import { DEFAULT_DRIFT_THRESHOLDS, type DriftThresholds, type SeverityBands } from '@readmit/ml';
import { platformEnvSchema } from '@readmit/platform/config';
import { z } from 'zod';
import type { WindowSettings } from './domain/count-window';

const defaults = DEFAULT_DRIFT_THRESHOLDS;

/** A drift threshold: a positive effect size. */
const lowBand = (fallback: number) =>
  z.coerce.number({ message: 'must be a number' }).gt(0, 'must be above 0').default(fallback);

/** The monitor's variables, on top of the platform's. */
export const monitorEnvSchema = platformEnvSchema
  .extend({
    /** The model whose champion is monitored. */
    READMIT_MODEL_NAME: z.string().min(1).default('readmission'),
    /** Rows per window (encounters, predictions, labelled predictions). */
    READMIT_DRIFT_WINDOW_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(5_000),
    /** New rows between two assessments; unset: the window's rows (windows do not overlap). */
    READMIT_DRIFT_WINDOW_SLIDE: z.coerce.number().int().min(1).optional(),
    /** Predictions and outcomes waiting for their other half, each; the oldest are evicted. */
    READMIT_DRIFT_JOIN_MAX_PENDING: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
    /** Fewer rows than this in a window (or labelled rows): no verdict. */
    READMIT_DRIFT_MIN_WINDOW_ROWS: z.coerce.number().int().min(1).default(defaults.minWindowRows),
    READMIT_DRIFT_NUMERIC_PSI_LOW: lowBand(defaults.numeric.psi.low),
    /** In reference standard deviations. */
    READMIT_DRIFT_NUMERIC_WASSERSTEIN_LOW: lowBand(defaults.numeric.wasserstein.low),
    READMIT_DRIFT_CATEGORICAL_PSI_LOW: lowBand(defaults.categorical.psi.low),
    READMIT_DRIFT_PREDICTION_PSI_LOW: lowBand(defaults.prediction.psi.low),
    /** Holdout ROC AUC minus the window's. */
    READMIT_DRIFT_AUC_DROP_LOW: lowBand(defaults.performance.aucDrop.low),
    /** The window's Brier score minus the holdout's. */
    READMIT_DRIFT_BRIER_RISE_LOW: lowBand(defaults.performance.brierRise.low),
    /** Dataset drift when at least this share of the inputs drifted. */
    READMIT_DRIFT_DATASET_SHARE: z.coerce
      .number({ message: 'must be a number' })
      .gt(0, 'must be above 0')
      .max(1, 'must be at most 1')
      .default(defaults.datasetDriftShare),
  })
  .superRefine((env, context) => {
    const rows = env.READMIT_DRIFT_WINDOW_ROWS;
    if (env.READMIT_DRIFT_WINDOW_SLIDE !== undefined && env.READMIT_DRIFT_WINDOW_SLIDE > rows)
      context.addIssue({
        code: 'custom',
        path: ['READMIT_DRIFT_WINDOW_SLIDE'],
        message: `must be at most READMIT_DRIFT_WINDOW_ROWS (${rows}): a slide longer than the window would skip rows`,
      });
    if (env.READMIT_DRIFT_MIN_WINDOW_ROWS > rows)
      context.addIssue({
        code: 'custom',
        path: ['READMIT_DRIFT_MIN_WINDOW_ROWS'],
        message: `must be at most READMIT_DRIFT_WINDOW_ROWS (${rows}): every window would be too small for a verdict`,
      });
  });

export type MonitorEnv = z.output<typeof monitorEnvSchema>;

export function windowSettingsOf(env: MonitorEnv): WindowSettings {
  const rows = env.READMIT_DRIFT_WINDOW_ROWS;
  return { rows, slide: env.READMIT_DRIFT_WINDOW_SLIDE ?? rows };
}

/**
 * Medium and high severity keep their default ratio to the low threshold (PSI 0.1 / 0.25 / 0.5
 * → low × 2.5 / × 5): moving the threshold moves the grading with it, so a raised threshold
 * never sits above the band that grades what crossed it.
 */
export function scaledBands(low: number, reference: SeverityBands): SeverityBands {
  const ratio = low / reference.low;
  return { low, medium: reference.medium * ratio, high: reference.high * ratio };
}

/**
 * The thresholds from the environment. The minimum window rows applies to labelled rows too,
 * and the minimum positives keeps its default tenth of it (200 of 2,000). Alpha and the
 * significance rule keep their defaults (DEFAULT_DRIFT_THRESHOLDS explains each).
 */
export function driftThresholdsOf(env: MonitorEnv): DriftThresholds {
  const minRows = env.READMIT_DRIFT_MIN_WINDOW_ROWS;
  return {
    ...defaults,
    numeric: {
      ...defaults.numeric,
      psi: scaledBands(env.READMIT_DRIFT_NUMERIC_PSI_LOW, defaults.numeric.psi),
      wasserstein: scaledBands(
        env.READMIT_DRIFT_NUMERIC_WASSERSTEIN_LOW,
        defaults.numeric.wasserstein,
      ),
    },
    categorical: {
      psi: scaledBands(env.READMIT_DRIFT_CATEGORICAL_PSI_LOW, defaults.categorical.psi),
    },
    datasetDriftShare: env.READMIT_DRIFT_DATASET_SHARE,
    minWindowRows: minRows,
    prediction: {
      psi: scaledBands(env.READMIT_DRIFT_PREDICTION_PSI_LOW, defaults.prediction.psi),
    },
    performance: {
      aucDrop: scaledBands(env.READMIT_DRIFT_AUC_DROP_LOW, defaults.performance.aucDrop),
      brierRise: scaledBands(env.READMIT_DRIFT_BRIER_RISE_LOW, defaults.performance.brierRise),
      minLabelled: minRows,
      minPositives: Math.max(
        1,
        Math.round(
          (minRows * defaults.performance.minPositives) / defaults.performance.minLabelled,
        ),
      ),
      maxPValue: defaults.performance.maxPValue,
    },
  };
}
