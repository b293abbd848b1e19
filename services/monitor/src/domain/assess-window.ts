import type { DriftDetected } from '@readmit/contracts';
import {
  comparePerformance,
  comparePredictions,
  compareWithReference,
  profileWindow,
  type DriftAssessment,
  type DriftReport,
  type DriftTestResult,
  type DriftThresholds,
  type HoldoutMetrics,
  type ReferenceProfile,
} from '@readmit/ml';
import type { DriftWindow } from './drift-windows';

/** What a window is measured against: the champion's training data and holdout metrics. */
export interface MonitoringReference {
  readonly profile: ReferenceProfile;
  /** From the champion's TrainingCompleted; null until it has been read. */
  readonly holdout: HoldoutMetrics | null;
}

/** The window's verdict, by the drift statistics of the ML library. */
export function assessWindow(
  drift: DriftWindow,
  reference: MonitoringReference,
  thresholds: DriftThresholds,
): DriftAssessment {
  switch (drift.kind) {
    case 'DATA':
      return compareWithReference(
        profileWindow(drift.window.items, reference.profile),
        reference.profile,
        thresholds,
      );
    case 'PREDICTION':
      return comparePredictions(drift.window.items, reference.profile, thresholds);
    case 'PERFORMANCE': {
      if (!reference.holdout)
        return {
          kind: 'PERFORMANCE',
          verdict: 'insufficient',
          windowSize: drift.window.items.length,
          why: `the holdout metrics of ${drift.modelVersion} (its TrainingCompleted) have not been read`,
        };
      const labels = Uint8Array.from(drift.window.items, (item) => item.label);
      const scores = Float64Array.from(drift.window.items, (item) => item.score);
      return comparePerformance(labels, scores, reference.holdout, thresholds);
    }
    default: {
      const unknown: never = drift;
      throw new Error(`unknown window kind ${JSON.stringify(unknown)}`);
    }
  }
}

/** A DriftDetected event's body (all but the envelope) for a window that drifted. */
export function driftDetectedOf(
  drift: DriftWindow,
  report: DriftReport & { readonly verdict: 'drift' },
  modelName: string,
): Omit<DriftDetected, 'envelope'> {
  return {
    modelName,
    modelVersion: drift.modelVersion,
    kind: report.kind,
    severity: report.severity,
    windowStart: drift.window.start,
    windowEnd: drift.window.end,
    windowSize: report.windowSize,
    datasetDrift: report.datasetDrift,
    driftedFeatures: [...report.driftedFeatures],
    statistics: report.statistics.map((statistic) => ({ ...statistic })),
  };
}

/** Tests whose value is an effect size, compared with its threshold (not a p-value). */
const EFFECT_TESTS: ReadonlySet<string> = new Set(['psi', 'wasserstein', 'auc_drop', 'brier_rise']);

/**
 * The effect that came closest to its threshold: what an operator reads in a "stable" line to
 * see how much room was left. Null when nothing was measured.
 */
export function closestToThreshold(report: DriftReport): DriftTestResult | null {
  let closest: DriftTestResult | null = null;
  for (const statistic of report.statistics) {
    if (!EFFECT_TESTS.has(statistic.test) || !(statistic.threshold > 0)) continue;
    if (!closest || statistic.value / statistic.threshold > closest.value / closest.threshold)
      closest = statistic;
  }
  return closest;
}

/** Why a window got its verdict, in words for the log line. */
export function whyOf(assessment: DriftAssessment): string {
  if (assessment.verdict === 'insufficient') return assessment.why;
  if (assessment.verdict === 'drift')
    return `${assessment.driftedFeatures.join(', ')} crossed their thresholds`;
  const closest = closestToThreshold(assessment);
  return closest
    ? `nothing crossed its threshold; closest: ${closest.feature} ${closest.test} ${round(closest.value)} of ${closest.threshold}`
    : 'nothing crossed its threshold';
}

const round = (value: number) => Number(value.toPrecision(3));
