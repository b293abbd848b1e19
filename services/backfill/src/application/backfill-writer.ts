import {
  TOPICS,
  type BackfillCompleted,
  type BackfillProgressed,
  type BackfillRequested,
  type PredictionMade,
} from '@readmit/contracts';
import { newEnvelope, type OutgoingEvent } from '@readmit/platform/kafka';
import type { Logger } from 'pino';
import { skippedReason, type RunCheckpoint, type RunProgress } from '../domain/run-progress';
import type { BackfillTransactions } from '../infrastructure/backfill-transactions';
import type { PredictionTable } from '../infrastructure/prediction-table';
import type { BackfillMetrics } from './backfill-metrics';

/** A chunk scored and ready to write: its predictions and where it leaves its partition. */
export interface PreparedChunk {
  readonly partition: number;
  readonly next: number;
  readonly predictions: readonly PredictionMade[];
  /** Records that were not encounters, were poison, or that the model refused. */
  readonly skipped: number;
  /** Encounters that break the field rules. */
  readonly invalid: number;
  readonly latencyMs: number;
}

export interface BackfillWriterOptions {
  /** Names this service in the events it writes. */
  readonly producer: string;
  /** The TABLE target's table, when the request asks for it. */
  readonly table?: PredictionTable | null;
}

/**
 * Writes what a run produces to the request's targets: each chunk's table rows, then one Kafka
 * transaction with its predictions and the checkpoint after them, and at the end the
 * BackfillCompleted. The run's progress moves only once a transaction has committed.
 */
export class BackfillWriter {
  private readonly backfillId: string;

  constructor(
    private readonly transactions: BackfillTransactions,
    private readonly progress: RunProgress,
    /** The version the run scores with (resolved once: a champion may change meanwhile). */
    private readonly modelVersion: string,
    private readonly request: BackfillRequested,
    private readonly logger: Logger,
    private readonly metrics: BackfillMetrics,
    private readonly options: BackfillWriterOptions,
  ) {
    this.backfillId = request.backfillId;
  }

  /** The checkpoint a backfill's first run starts with: its ranges, nothing read yet. */
  writeFirstCheckpoint(): Promise<void> {
    return this.transactions.commit([], this.progressed(this.progress.checkpoint(0)));
  }

  /** Table rows first, in chunk order; a row already there is kept on a resume. */
  async writeRows(prepared: PreparedChunk): Promise<void> {
    if (this.request.targets.includes('TABLE'))
      await this.options.table?.write(this.backfillId, prepared.predictions);
  }

  /**
   * Hands a chunk's transaction (its predictions and the checkpoint after them) to the producer
   * thread before this returns its promise, so chunks go out in the order they were handed;
   * `seconds` into the run, for its rate.
   */
  async commit(prepared: PreparedChunk, seconds: number): Promise<void> {
    const { partition, next, predictions } = prepared;
    const outputs: OutgoingEvent[] = this.request.targets.includes('TOPIC')
      ? predictions.map((prediction) => ({
          eventType: 'PredictionMade',
          key: prediction.encounter_id,
          topic: TOPICS.backfillPredictions,
          event: prediction,
        }))
      : [];
    const handedOver = { partition, next, written: predictions.length };
    await this.transactions.commit(
      outputs,
      this.progressed(this.progress.handOver(handedOver, seconds)),
    );
    this.progress.commit({ ...handedOver, skipped: prepared.skipped, invalid: prepared.invalid });
    this.metrics.invalidEncounters.inc(prepared.invalid);
    this.metrics.predictions.inc({ model_version: this.modelVersion }, predictions.length);
    this.metrics.chunkSeconds.observe(prepared.latencyMs / 1000);
  }

  /** Writes the end, with the last checkpoint, once every chunk has committed. */
  async complete(seconds: number): Promise<BackfillCompleted> {
    const { progress } = this;
    // From the first run's start: time in the queue behind other backfills is not counted.
    const durationMs = Date.now() - progress.startedAt;
    const completed: BackfillCompleted = {
      envelope: newEnvelope('BackfillCompleted', {
        producer: this.options.producer,
        causedBy: this.request.envelope,
      }),
      backfillId: this.backfillId,
      status: 'COMPLETED',
      processed: progress.processed,
      durationMs,
      modelVersion: this.modelVersion,
      reason: skippedReason(progress),
    };
    await this.transactions.commit(
      [{ eventType: 'BackfillCompleted', key: this.backfillId, event: completed }],
      this.progressed(progress.checkpoint(seconds)),
    );
    this.logger.info(
      {
        backfillId: this.backfillId,
        processed: progress.processed,
        skipped: progress.skipped,
        invalid: progress.invalid,
        durationMs,
      },
      'backfill completed',
    );
    return completed;
  }

  private progressed(checkpoint: RunCheckpoint): OutgoingEvent {
    const progressed: BackfillProgressed = {
      envelope: newEnvelope('BackfillProgressed', {
        producer: this.options.producer,
        causedBy: this.request.envelope,
      }),
      backfillId: this.backfillId,
      ...checkpoint,
      modelVersion: this.modelVersion,
    };
    return { eventType: 'BackfillProgressed', key: this.backfillId, event: progressed };
  }
}
