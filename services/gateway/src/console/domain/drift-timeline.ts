import type { DriftDetected } from '@readmit/contracts';
import type { TrainingRun } from './training-runs';

/** PSI: population stability index, the symmetric KL-like distance between binned distributions. */
const PSI = 'psi';

/** One feature's PSI at the end of each window that raised an alert. */
export interface PsiSeries {
  readonly feature: string;
  /** The alert threshold of the most recent window. */
  readonly threshold: number;
  readonly points: ReadonlyArray<{
    readonly at: number;
    readonly value: number;
    readonly drifted: boolean;
  }>;
}

/** One DriftDetected and the retraining runs it caused (requests naming it in triggeredBy). */
export interface DriftAlert {
  readonly eventId: string;
  readonly at: number;
  readonly modelName: string;
  readonly modelVersion: string;
  readonly kind: DriftDetected['kind'];
  readonly severity: DriftDetected['severity'];
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly windowSize: number;
  readonly datasetDrift: boolean;
  readonly driftedFeatures: readonly string[];
  /** Every statistic of the window that crossed its threshold. */
  readonly breaches: ReadonlyArray<{
    readonly feature: string;
    readonly test: string;
    readonly value: number;
    readonly threshold: number;
  }>;
  readonly retraining: readonly TrainingRun[];
}

export interface DriftTimeline {
  readonly series: readonly PsiSeries[];
  /** Newest first. */
  readonly alerts: readonly DriftAlert[];
}

/**
 * The drift page's data: per-feature PSI over the windows that raised alerts (features that
 * ever drifted first, then by name), and each alert with the retraining it caused.
 */
export function driftTimeline(
  alerts: readonly DriftDetected[],
  runs: readonly TrainingRun[],
): DriftTimeline {
  const ordered = [...alerts].sort((a, b) => a.windowEnd - b.windowEnd);
  const byFeature = new Map<
    string,
    { threshold: number; everDrifted: boolean; points: PsiSeries['points'][number][] }
  >();
  for (const alert of ordered) {
    for (const statistic of alert.statistics) {
      if (statistic.test !== PSI) continue;
      const entry = byFeature.get(statistic.feature) ?? {
        threshold: statistic.threshold,
        everDrifted: false,
        points: [],
      };
      entry.threshold = statistic.threshold;
      entry.everDrifted ||= statistic.drifted;
      entry.points.push({
        at: alert.windowEnd,
        value: statistic.value,
        drifted: statistic.drifted,
      });
      byFeature.set(statistic.feature, entry);
    }
  }
  const series = [...byFeature.entries()]
    .sort(
      ([a, left], [b, right]) =>
        Number(right.everDrifted) - Number(left.everDrifted) || a.localeCompare(b),
    )
    .map(([feature, entry]) => ({ feature, threshold: entry.threshold, points: entry.points }));

  const causedBy = new Map<string, TrainingRun[]>();
  for (const run of runs)
    for (const eventId of run.triggeredBy)
      causedBy.set(eventId, [...(causedBy.get(eventId) ?? []), run]);

  return {
    series,
    alerts: ordered.reverse().map((alert) => ({
      eventId: alert.envelope.eventId,
      at: alert.envelope.occurredAt,
      modelName: alert.modelName,
      modelVersion: alert.modelVersion,
      kind: alert.kind,
      severity: alert.severity,
      windowStart: alert.windowStart,
      windowEnd: alert.windowEnd,
      windowSize: alert.windowSize,
      datasetDrift: alert.datasetDrift,
      driftedFeatures: alert.driftedFeatures,
      breaches: alert.statistics
        .filter((statistic) => statistic.drifted)
        .map(({ feature, test, value, threshold }) => ({ feature, test, value, threshold })),
      retraining: causedBy.get(alert.envelope.eventId) ?? [],
    })),
  };
}
