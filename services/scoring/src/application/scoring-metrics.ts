import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Buckets for the scoring latencies: a micro-batch or a request takes milliseconds. */
const SCORING_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * The scoring service's Prometheus metrics: stream scoring and synchronous requests. The model
 * follower's are below.
 */
export class ScoringMetrics {
  readonly predictions: Counter<'role' | 'model_version' | 'label'>;
  readonly batchSeconds: Histogram;
  readonly shadowFailures: Counter;
  readonly requests: Counter<'outcome'>;
  readonly requestSeconds: Histogram;
  readonly requestWaits: Histogram;
  readonly requestBatchSizes: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.predictions = new Counter({
      name: 'readmit_scoring_predictions_total',
      help: 'Predictions written, by role (champion, challenger = shadow), model version and label (true: score >= threshold).',
      labelNames: ['role', 'model_version', 'label'],
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'readmit_scoring_batch_seconds',
      help: 'Featurizing and scoring one micro-batch (champion and challenger), before the transaction.',
      buckets: SCORING_SECONDS,
      registers,
    });
    this.shadowFailures = new Counter({
      name: 'readmit_scoring_shadow_failures_total',
      help: 'Micro-batches the challenger could not score (the champion’s predictions are unaffected).',
      registers,
    });
    this.requests = new Counter({
      name: 'readmit_scoring_requests_total',
      help: 'Synchronous requests, by outcome: predictions ok, unavailable, invalid or not_served (another model or version asked for); described for a request describing the serving model.',
      labelNames: ['outcome'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'readmit_scoring_request_seconds',
      help: 'Answering the synchronous prediction requests scored together: scoring, publishing the events.',
      buckets: SCORING_SECONDS,
      registers,
    });
    this.requestWaits = new Histogram({
      name: 'readmit_scoring_request_wait_seconds',
      help: 'From a request being produced to its scoring starting: the Kafka hop and the queue.',
      buckets: SCORING_SECONDS,
      registers,
    });
    this.requestBatchSizes = new Histogram({
      name: 'readmit_scoring_request_batch_size',
      help: 'Synchronous prediction requests scored together in one model run.',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers,
    });
  }
}

/** The model follower's metrics: versions loaded or refused, and which one serves each role. */
export class ModelFollowerMetrics {
  readonly loads: Counter<'outcome'>;
  readonly serving: Gauge<'role' | 'version'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.loads = new Counter({
      name: 'readmit_scoring_model_loads_total',
      help: 'Model versions loaded to serve (loaded), or refused because they cannot serve (refused).',
      labelNames: ['outcome'],
      registers,
    });
    this.serving = new Gauge({
      name: 'readmit_scoring_serving',
      help: '1 for the version serving in each role (champion, challenger).',
      labelNames: ['role', 'version'],
      registers,
    });
  }
}
