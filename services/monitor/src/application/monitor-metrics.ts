import type { DriftKind } from '@readmit/contracts';
import type { DriftTestResult } from '@readmit/ml';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The monitor's Prometheus metrics. */
export class MonitorMetrics {
  readonly events: Counter<'topic'>;
  readonly dropped: Counter<'topic' | 'reason'>;
  readonly windows: Counter<'kind' | 'verdict'>;
  readonly alerts: Counter<'kind' | 'severity'>;
  readonly statistic: Gauge<'kind' | 'feature' | 'test'>;
  readonly assessmentSeconds: Histogram<'kind'>;
  readonly unmatchedOutcomes: Counter;
  readonly evictedPredictions: Counter;
  readonly referenceLoads: Counter<'outcome'>;
  readonly champion: Gauge<'version'>;
  /** The label sets of readmit_drift_statistic last set per kind, to drop ones a new reference lacks. */
  private readonly statisticLabels = new Map<DriftKind, Set<string>>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.events = new Counter({
      name: 'readmit_monitor_events_total',
      help: 'Events the monitor consumed, by topic (logical name, without the prefix).',
      labelNames: ['topic'],
      registers,
    });
    this.dropped = new Counter({
      name: 'readmit_monitor_dropped_events_total',
      help: 'Events that went into no window: no champion yet, another model, or another version than the champion.',
      labelNames: ['topic', 'reason'],
      registers,
    });
    this.windows = new Counter({
      name: 'readmit_monitor_windows_total',
      help: 'Windows assessed, by kind (DATA, PREDICTION, PERFORMANCE) and verdict (drift, stable, insufficient).',
      labelNames: ['kind', 'verdict'],
      registers,
    });
    this.alerts = new Counter({
      name: 'readmit_drift_alerts_total',
      help: 'DriftDetected events published, by kind and severity.',
      labelNames: ['kind', 'severity'],
      registers,
    });
    this.statistic = new Gauge({
      name: 'readmit_drift_statistic',
      help: "The last assessed window's drift statistics, by kind, feature and test (psi, ks, chi_square, wasserstein, auc_drop, brier_rise).",
      labelNames: ['kind', 'feature', 'test'],
      registers,
    });
    this.assessmentSeconds = new Histogram({
      name: 'readmit_monitor_window_seconds',
      help: 'Time to assess one window (profile and statistics), by kind.',
      labelNames: ['kind'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.unmatchedOutcomes = new Counter({
      name: 'readmit_monitor_unmatched_outcomes_total',
      help: 'Outcomes evicted from the join before any prediction of their encounter arrived.',
      registers,
    });
    this.evictedPredictions = new Counter({
      name: 'readmit_monitor_evicted_predictions_total',
      help: 'Predictions evicted from the join before their outcome arrived.',
      registers,
    });
    this.referenceLoads = new Counter({
      name: 'readmit_monitor_reference_loads_total',
      help: "Champions' reference profiles loaded from their artifacts (loaded), or refused (refused: the previous champion stays monitored).",
      labelNames: ['outcome'],
      registers,
    });
    this.champion = new Gauge({
      name: 'readmit_monitor_champion',
      help: '1 for the champion version being monitored.',
      labelNames: ['version'],
      registers,
    });
  }

  /** Sets the statistics gauge to one window's values, dropping features the window lacks. */
  recordStatistics(kind: DriftKind, statistics: readonly DriftTestResult[]): void {
    const previous = this.statisticLabels.get(kind) ?? new Set<string>();
    const current = new Set<string>();
    for (const { feature, test, value } of statistics) {
      this.statistic.set({ kind, feature, test }, value);
      current.add(`${feature}\u0000${test}`);
    }
    for (const key of previous) {
      if (current.has(key)) continue;
      const [feature, test] = key.split('\u0000');
      this.statistic.remove({ kind, feature, test });
    }
    this.statisticLabels.set(kind, current);
  }

  monitoring(version: string): void {
    this.champion.reset();
    this.champion.set({ version }, 1);
  }
}
