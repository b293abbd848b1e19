import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The backfill service's metrics. */
export class BackfillMetrics {
  readonly predictions: Counter<'model_version'>;
  readonly invalidEncounters: Counter;
  readonly chunkSeconds: Histogram;
  readonly runs: Counter<'status'>;
  readonly active: Gauge;

  constructor(registry: Registry) {
    this.predictions = new Counter({
      name: 'readmit_backfill_predictions_total',
      help: 'Predictions written by backfills, by model version.',
      labelNames: ['model_version'],
      registers: [registry],
    });
    this.invalidEncounters = new Counter({
      name: 'readmit_backfill_invalid_encounters_total',
      help: 'Encounters backfills skipped because they break the field rules (every backfill counts those in its range).',
      registers: [registry],
    });
    this.chunkSeconds = new Histogram({
      name: 'readmit_backfill_chunk_seconds',
      help: 'Decoding and scoring one chunk of a backfill, before its transaction.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    this.runs = new Counter({
      name: 'readmit_backfill_runs_total',
      help: 'Backfill runs ended, by status (COMPLETED, CANCELLED, FAILED, interrupted).',
      labelNames: ['status'],
      registers: [registry],
    });
    this.active = new Gauge({
      name: 'readmit_backfill_active',
      help: '1 while a backfill runs.',
      registers: [registry],
    });
  }
}
