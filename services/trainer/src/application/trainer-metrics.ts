import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The trainer's Prometheus metrics: its runs, their duration and holdout metrics. */
export class TrainerMetrics {
  readonly runs: Counter<'outcome'>;
  readonly skippedRuns: Counter<'reason'>;
  readonly durationSeconds: Histogram<'outcome'>;
  readonly holdoutMetric: Gauge<'model_name' | 'model_version' | 'metric'>;
  readonly eventsLeftOut: Counter<'reason'>;
  /** 1 for the stage of the run in progress. */
  readonly inProgress: Gauge<'stage'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.runs = new Counter({
      name: 'readmit_training_runs_total',
      help: 'Training runs finished, by outcome (completed or failed).',
      labelNames: ['outcome'],
      registers,
    });
    this.skippedRuns = new Counter({
      name: 'readmit_training_runs_skipped_total',
      help: 'TrainingRequested events not trained, by reason (already_done: the run already has its TrainingCompleted or TrainingFailed on ml.training, i.e. a redelivery).',
      labelNames: ['reason'],
      registers,
    });
    this.durationSeconds = new Histogram({
      name: 'readmit_training_duration_seconds',
      help: 'Training runs from request to outcome, by outcome (completed or failed).',
      labelNames: ['outcome'],
      buckets: [1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    });
    this.holdoutMetric = new Gauge({
      name: 'readmit_training_holdout_metric',
      help: "The last completed run's holdout metrics (roc_auc, pr_auc, brier, log_loss, …), by model name and version.",
      labelNames: ['model_name', 'model_version', 'metric'],
      registers,
    });
    this.eventsLeftOut = new Counter({
      name: 'readmit_training_events_left_out_total',
      help: 'Events of patient.encounters and patient.outcomes a training run read but left out of its dataset, by reason (invalid_event: breaks the field rules; undecodable; unexpected_event_type: on a topic that does not carry its type); every run counts those it reads.',
      labelNames: ['reason'],
      registers,
    });
    this.inProgress = new Gauge({
      name: 'readmit_training_in_progress',
      help: '1 while a training run is in the given stage.',
      labelNames: ['stage'],
      registers,
    });
  }
}
