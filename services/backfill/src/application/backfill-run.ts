import {
  TOPICS,
  topicName,
  type BackfillCompleted,
  type BackfillRequested,
} from '@readmit/contracts';
import type { KafkaSecurity } from '@readmit/platform/config';
import type { EventSerde } from '@readmit/platform/kafka';
import { withoutForgotten } from '@readmit/platform/privacy/sealing';
import type { LoadedModel } from '@readmit/platform/serving';
import { type ModelArtifactStore } from '@readmit/platform/storage';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { recordsIn } from '../domain/backfill-range';
import { RunProgress } from '../domain/run-progress';
import { BackfillTransactions } from '../infrastructure/backfill-transactions';
import { decodeEncounters } from '../infrastructure/encounter-chunk';
import { encounterRangesOf } from '../infrastructure/encounter-ranges';
import type { PredictionTable } from '../infrastructure/prediction-table';
import { RangeConsumer } from '../infrastructure/range-consumer';
import type { BackfillMetrics } from './backfill-metrics';
import { BackfillWriter, type PreparedChunk } from './backfill-writer';
import { scoreChunk } from './chunk-scoring';
import { BackfillRefused, lastCheckpointOf, loadRunModel, readyTargets } from './run-setup';

export { BackfillRefused } from './run-setup';

export interface BackfillRunOptions {
  readonly topicPrefix: string;
  /** The model whose versions are named by requests. */
  readonly modelName: string;
  /** Names this service in the events it writes. */
  readonly producer: string;
  /** Encounters per Kafka transaction (one onnxruntime call and one checkpoint each). */
  readonly chunkSize: number;
  /** The throttle of requests that name none (null: as fast as it goes). */
  readonly defaultMaxRatePerSecond: number | null;
  /**
   * How long the broker keeps a dead run's open transaction before aborting it; readers of
   * ml.backfills wait for that at most after a crash (kafkajs' default is 60 s).
   */
  readonly transactionTimeoutMs?: number;
  /** The brokers, for the run's producer thread (the Kafka client does not tell them). */
  readonly brokers: readonly string[];
  /** TLS and SASL to the brokers (the service's READMIT_KAFKA_TLS…, _SASL…); plaintext when absent. */
  readonly security?: KafkaSecurity;
  /** Log level of the producer thread's Kafka client (default warn). */
  readonly kafkaLogLevel?: string;
  /** The TABLE target's Postgres table; requests asking for it are refused without one. */
  readonly table?: PredictionTable | null;
}

/**
 * One run of one backfill: re-scores its range of patient.encounters with its model version and
 * writes a PredictionMade per encounter to patient.predictions.backfill. Each chunk is one Kafka
 * transaction holding its predictions and a BackfillProgressed with the positions after it, so a
 * run killed anywhere resumes from the last checkpoint with nothing written twice (read_committed).
 * This sets the run up and takes it down; RangeConsumer reads, scoreChunk scores, BackfillWriter
 * writes, and RunProgress keeps where the run is.
 */
export class BackfillRun {
  /** Reads the range (created once the run is set up). */
  private reader: RangeConsumer<PreparedChunk, BackfillCompleted> | null = null;
  private cancelled = false;
  private readonly encounterTopic: string;
  private readonly backfillId: string;

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly artifacts: ModelArtifactStore,
    private readonly logger: Logger,
    private readonly metrics: BackfillMetrics,
    private readonly options: BackfillRunOptions,
    private readonly request: BackfillRequested,
  ) {
    this.backfillId = request.backfillId;
    this.encounterTopic = topicName(TOPICS.encounters, options.topicPrefix);
  }

  /** Stops at the next chunk; nothing more is written (a cancellation is already in the log). */
  cancel(): void {
    this.cancelled = true;
  }

  /**
   * Runs to the end of the range and returns its BackfillCompleted (written in the last
   * transaction), or null when cancelled.
   */
  async run(): Promise<BackfillCompleted | null> {
    const { options } = this;
    const transactions = new BackfillTransactions(this.serde, {
      backfillId: this.backfillId,
      topicPrefix: options.topicPrefix,
      brokers: options.brokers,
      transactionTimeoutMs: options.transactionTimeoutMs,
      kafkaLogLevel: options.kafkaLogLevel,
      security: options.security,
    });
    let model: LoadedModel | null = null;
    try {
      // Fence a predecessor first: its open transaction is aborted, so the checkpoint read
      // next is the last one that holds.
      await transactions.fence();
      const last = await lastCheckpointOf(
        this.kafka,
        this.serde,
        options.topicPrefix,
        this.backfillId,
      );
      if (last.completed) return null;
      await readyTargets(this.request, options.table);
      model = await loadRunModel(
        {
          kafka: this.kafka,
          serde: this.serde,
          artifacts: this.artifacts,
          modelName: options.modelName,
          topicPrefix: options.topicPrefix,
        },
        this.request,
        last.progress,
      );
      const ranges =
        last.progress && last.progress.ranges.length > 0
          ? last.progress.ranges
          : await encounterRangesOf(this.kafka, this.request, this.encounterTopic);
      const progress = new RunProgress(ranges, last.progress, last.startedAt ?? Date.now());
      this.logger.info(
        {
          backfillId: this.backfillId,
          version: model.version,
          records: recordsIn(ranges),
          resumedAt: last.progress ? last.progress.processed : null,
        },
        last.progress ? 'backfill resumed' : 'backfill started',
      );
      const writer = new BackfillWriter(
        transactions,
        progress,
        model.version,
        this.request,
        this.logger,
        this.metrics,
        options,
      );
      if (!last.progress) await writer.writeFirstCheckpoint();
      return await this.consume(progress, writer, model);
    } finally {
      await this.reader?.disconnect().catch(() => undefined);
      await transactions.disconnect().catch(() => undefined);
      await model?.scorer.close().catch(() => undefined);
    }
  }

  /** Reads the ranges from where the progress is: each chunk scored, then written. */
  private consume(
    progress: RunProgress,
    writer: BackfillWriter,
    model: LoadedModel,
  ): Promise<BackfillCompleted | null> {
    // This run's rate counts from here (the first checkpoint, written before, says 0).
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    this.reader = new RangeConsumer(
      this.kafka,
      progress,
      {
        prepare: async (partition, chunk) => {
          const prepared = await this.prepareChunk(model, partition, chunk);
          await writer.writeRows(prepared);
          return prepared;
        },
        commit: (prepared) => writer.commit(prepared, seconds()),
        complete: () => writer.complete(seconds()),
      },
      {
        topicPrefix: this.options.topicPrefix,
        topic: this.encounterTopic,
        backfillId: this.backfillId,
        chunkSize: this.options.chunkSize,
        maxRatePerSecond: this.request.maxRatePerSecond ?? this.options.defaultMaxRatePerSecond,
        isCancelled: () => this.cancelled,
      },
    );
    return this.reader.consume();
  }

  /** Decodes and scores a chunk of one partition; nothing is written yet. */
  private async prepareChunk(
    model: LoadedModel,
    partition: number,
    chunk: readonly KafkaMessage[],
  ): Promise<PreparedChunk> {
    const startedAt = performance.now();
    const { encounters, skipped, invalid, sealedWithoutKeys } = await decodeEncounters(
      this.serde,
      chunk,
    );
    // Without keys a sealed log would "complete" with no prediction: say why instead.
    if (sealedWithoutKeys > 0)
      throw new BackfillRefused(
        `the encounters are sealed under patients' data keys and this backfill holds none: run it with READMIT_KEK and the key database the services use`,
      );
    const scored = await scoreChunk(
      model,
      encounters,
      {
        backfillId: this.backfillId,
        producer: this.options.producer,
        causedBy: this.request.envelope,
        topic: this.encounterTopic,
        partition,
      },
      startedAt,
      (error) =>
        this.logger.warn(
          { backfillId: this.backfillId, reason: error.message },
          'chunk refused, scoring row by row',
        ),
    );
    // Predictions are sealed under their patients' keys as the chunk is encoded: the keys just
    // fetched to open its encounters, so this finds them cached. A patient forgotten since gets
    // no key back, and no prediction.
    const outgoing = scored.predictions.map((event) => ({
      eventType: 'PredictionMade' as const,
      event,
    }));
    const forgotten = await this.serde.prepareToWrite(outgoing, { makeKeys: false });
    const predictions = withoutForgotten(outgoing, forgotten).map(({ event }) => event);
    return {
      partition,
      next: Number(chunk[chunk.length - 1].offset) + 1,
      predictions,
      skipped: skipped + scored.refused + (scored.predictions.length - predictions.length),
      invalid,
      latencyMs: scored.latencyMs,
    };
  }
}
