import { randomUUID } from 'node:crypto';
import {
  TOPICS,
  topicName,
  topicOf,
  type BackfillCompleted,
  type BackfillProgressed,
  type BackfillRequested,
  type EncounterRecorded,
  type OffsetRange,
  type PredictionMade,
} from '@readmit/contracts';
import {
  environmentScoped,
  InvalidEventError,
  newEnvelope,
  PoisonMessageError,
  OffThreadTransactions,
  PackWriter,
  type EventSerde,
  type OutgoingEvent,
} from '@readmit/platform/kafka';
import { type ModelArtifactStore } from '@readmit/platform/storage';
import {
  encounterInputOf,
  predictionOf,
  scoreBatchThenRows,
  type EncounterInput,
} from '@readmit/ml';
import { loadModel, type LoadedModel } from '@readmit/platform/serving';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { checkpointsAt, recordsIn, resumePositions } from '../domain/backfill-range';
import { backfillPredictionId } from '../domain/backfill-event-id';
import { TokenBucket } from '../domain/token-bucket';
import { readBackfills } from '../infrastructure/backfill-log';
import { encounterRangesOf } from '../infrastructure/encounter-ranges';
import { resolveModelVersion } from '../infrastructure/model-versions';
import type { PredictionTable } from '../infrastructure/prediction-table';
import type { BackfillMetrics } from './backfill-metrics';

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
  /** Log level of the producer thread's Kafka client (default warn). */
  readonly kafkaLogLevel?: string;
  /** The TABLE target's Postgres table; requests asking for it are refused without one. */
  readonly table?: PredictionTable | null;
}

/** A backfill that cannot run as asked (unknown version, no target it can write): it fails. */
export class BackfillRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackfillRefused';
  }
}

/** Where a run is: the fixed ranges, the positions reached, and the counts. */
interface RunState {
  readonly ranges: readonly OffsetRange[];
  readonly positions: Map<number, number>;
  readonly done: Set<number>;
  /** Predictions written by every run of this backfill. */
  processed: number;
  /** Predictions written by this run (its rate). */
  processedHere: number;
  /** Records of this run that were not encounters, were poison, or that the model refused. */
  skipped: number;
  /** Encounters of this run that break the field rules: skipped, and counted apart. */
  invalid: number;
  /** When the backfill's first run started (its first checkpoint): the duration's start. */
  readonly startedAt: number;
}

/** A chunk scored and ready to commit: its predictions and where it leaves its partition. */
/**
 * Where the chunks handed to the producer thread leave the run: ahead of the committed state
 * while transactions are in flight. Checkpoints are written from it; they commit in order, and
 * after a failed transaction the producer thread refuses every later one.
 */
interface HandedOver {
  readonly positions: Map<number, number>;
  processed: number;
  processedHere: number;
}

/** Transactions handed over at once: one committing, one waiting behind it. */
const MAX_CHUNKS_IN_FLIGHT = 2;

interface PreparedChunk {
  readonly partition: number;
  readonly next: number;
  readonly predictions: readonly PredictionMade[];
  readonly skipped: number;
  readonly invalid: number;
  readonly latencyMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What a completed backfill says about the records of its range it wrote no prediction for. */
function skippedReason({ skipped, invalid }: Pick<RunState, 'skipped' | 'invalid'>): string | null {
  const parts = [
    invalid > 0 ? `${invalid} encounters break the field rules and were not scored` : null,
    skipped > 0 ? `${skipped} records were not encounters or could not be scored` : null,
  ].filter((part) => part !== null);
  return parts.length > 0 ? parts.join('; ') : null;
}

/**
 * One run of one backfill: re-scores its range of patient.encounters with its model version and
 * writes a PredictionMade per encounter to patient.predictions.backfill. Each chunk is one Kafka
 * transaction holding its predictions and a BackfillProgressed with the positions after it, so a
 * run killed anywhere resumes from the last checkpoint with nothing written twice (read_committed).
 * It reads with a consumer group of its own that never commits offsets (positions live in the
 * checkpoints), so live scoring's group is never disturbed; the throttle keeps its share of the
 * broker and the CPU small enough for live latency.
 */
export class BackfillRun {
  /** The run's transactional producer, on a thread of its own (created by `run`). */
  private transactions: OffThreadTransactions | null = null;
  private consumer: Consumer | null = null;
  private cancelled = false;
  /** The last chunk handed to the producer thread (never rejects: a failure is in `broken`). */
  private committing: Promise<void> = Promise.resolve();
  /** Chunks handed over and not yet committed (they commit in order). */
  private readonly inFlight = new Set<Promise<void>>();
  private broken: Error | null = null;
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
    // One transactional id per backfill: a resumed run fences the one it replaces.
    this.transactions = new OffThreadTransactions({
      brokers: this.options.brokers,
      clientId: `readmit-backfill-${this.backfillId}`,
      transactionalId: environmentScoped(
        this.options.topicPrefix,
        `readmit-backfill-${this.backfillId}`,
      ),
      transactionTimeoutMs: this.options.transactionTimeoutMs ?? 10_000,
      logLevel: this.options.kafkaLogLevel,
    });
    let model: LoadedModel | null = null;
    try {
      // Fence a predecessor first: its open transaction is aborted, so the checkpoint read
      // next is the last one that holds.
      await this.transactions.fence();
      const last = await this.lastCheckpoint();
      if (last.completed) return null;
      if (this.request.targets.length === 0)
        throw new BackfillRefused('no target: ask for TOPIC, TABLE or both');
      if (this.request.targets.includes('TABLE')) {
        if (!this.options.table)
          throw new BackfillRefused(
            'the TABLE target needs a database: this backfill service has none configured',
          );
        // Not a refusal: a database that is down may be up for the next attempt.
        await this.options.table.ensure().catch((error: unknown) => {
          throw new Error(`the TABLE target is unreachable: ${(error as Error).message}`);
        });
      }
      const version =
        last.progress?.modelVersion ??
        (this.request.modelVersion === 'champion' ? null : this.request.modelVersion);
      const served = await resolveModelVersion(
        this.kafka,
        this.serde,
        this.options.modelName,
        version ?? 'champion',
        this.options.topicPrefix,
      ).catch((error: unknown) => {
        throw new BackfillRefused((error as Error).message);
      });
      model = await loadModel(this.options.modelName, served, this.artifacts).catch(
        (error: unknown) => {
          throw new BackfillRefused((error as Error).message);
        },
      );
      const ranges =
        last.progress && last.progress.ranges.length > 0
          ? last.progress.ranges
          : await encounterRangesOf(this.kafka, this.request, this.encounterTopic);
      const positions = resumePositions(ranges, last.progress?.checkpoints ?? []);
      const state: RunState = {
        ranges,
        positions,
        done: new Set(
          ranges
            .filter((range) => (positions.get(range.partition) ?? 0) >= range.toOffset)
            .map((range) => range.partition),
        ),
        processed: last.progress?.processed ?? 0,
        processedHere: 0,
        skipped: 0,
        invalid: 0,
        startedAt: last.startedAt ?? Date.now(),
      };
      this.logger.info(
        {
          backfillId: this.backfillId,
          version: model.version,
          records: recordsIn(ranges),
          resumedAt: last.progress ? last.progress.processed : null,
        },
        last.progress ? 'backfill resumed' : 'backfill started',
      );
      if (!last.progress) await this.commit([], this.progressOf(state, model, 0));
      return await this.consume(state, model);
    } finally {
      await this.consumer?.disconnect().catch(() => undefined);
      await this.transactions.disconnect().catch(() => undefined);
      await model?.scorer.close().catch(() => undefined);
    }
  }

  /** This backfill's last checkpoint and end, from ml.backfills (committed records only). */
  private async lastCheckpoint() {
    const state = await readBackfills(
      this.kafka,
      this.serde,
      this.options.topicPrefix,
      'backfill-checkpoint',
    );
    const backfill = state.get(this.backfillId);
    return {
      progress: backfill?.progress ?? null,
      completed: backfill?.completed ?? null,
      startedAt: backfill?.startedAt ?? null,
    };
  }

  private async consume(state: RunState, model: LoadedModel): Promise<BackfillCompleted | null> {
    const started = performance.now();
    const maxRate = this.request.maxRatePerSecond ?? this.options.defaultMaxRatePerSecond;
    const bucket = maxRate ? new TokenBucket(maxRate, Math.max(maxRate, 1)) : null;
    let finish: (completed: BackfillCompleted | null) => void = () => undefined;
    let fail: (error: Error) => void = () => undefined;
    const finished = new Promise<BackfillCompleted | null>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    const rangeOf = new Map(state.ranges.map((range) => [range.partition, range]));
    const handed: HandedOver = {
      positions: new Map(state.positions),
      processed: state.processed,
      processedHere: state.processedHere,
    };
    // A batch cut short (a cancellation, a rebalance) must not mark its partition done.
    const interrupted = new Set<number>();
    const complete = async () => {
      await this.committing;
      if (this.broken) throw this.broken;
      // From the first run's start: time in the queue behind other backfills is not counted.
      const durationMs = Date.now() - state.startedAt;
      const completed: BackfillCompleted = {
        envelope: newEnvelope('BackfillCompleted', {
          producer: this.options.producer,
          causedBy: this.request.envelope,
        }),
        backfillId: this.backfillId,
        status: 'COMPLETED',
        processed: state.processed,
        durationMs,
        modelVersion: model.version,
        reason: skippedReason(state),
      };
      const seconds = (performance.now() - started) / 1000;
      await this.commit(
        [{ eventType: 'BackfillCompleted', key: this.backfillId, event: completed }],
        this.progressOf(state, model, seconds),
      );
      this.logger.info(
        {
          backfillId: this.backfillId,
          processed: state.processed,
          skipped: state.skipped,
          invalid: state.invalid,
          durationMs,
        },
        'backfill completed',
      );
      return completed;
    };
    const allDone = () => state.ranges.every((range) => state.done.has(range.partition));
    if (allDone()) return complete();

    const consumer = this.kafka.consumer({
      // A group per run: it never commits (positions live in the checkpoints), and a resumed
      // run must not wait out a killed predecessor's session in a shared group (30 s).
      groupId: environmentScoped(
        this.options.topicPrefix,
        `readmit-backfill-${this.backfillId}-${randomUUID().slice(0, 8)}`,
      ),
      readUncommitted: false,
      // Large fetches: a backfill reads history, not the head of the log.
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxBytes: 32 * 1024 * 1024,
    });
    this.consumer = consumer;
    const partitionDone = async (partition: number) => {
      const range = rangeOf.get(partition);
      if (!range || state.done.has(partition)) return;
      state.done.add(partition);
      // What remains up to the end holds no encounter (markers, aborted records).
      state.positions.set(partition, range.toOffset);
      handed.positions.set(partition, range.toOffset);
      consumer.pause([{ topic: this.encounterTopic, partitions: [partition] }]);
      if (allDone()) complete().then(finish, fail);
    };
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const range = rangeOf.get(payload.partition);
      if (!range || interrupted.has(payload.partition) || payload.lastOffset === null) return;
      // Done once the batch's last chunk is committed, not when it is handed over.
      if (BigInt(payload.lastOffset) + 1n >= BigInt(range.toOffset))
        void this.committing
          .then(() => (this.broken ? undefined : partitionDone(payload.partition)))
          .catch(fail);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) fail(payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.encounterTopic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
        const partition = batch.partition;
        const range = rangeOf.get(partition);
        interrupted.delete(partition);
        if (!range || state.done.has(partition)) return;
        const from = BigInt(state.positions.get(partition) ?? range.fromOffset);
        const to = BigInt(range.toOffset);
        const inRange = batch.messages.filter((message) => {
          const offset = BigInt(message.offset);
          return offset >= from && offset < to;
        });
        for (let start = 0; start < inRange.length; start += this.options.chunkSize) {
          if (this.cancelled || !isRunning() || isStale()) {
            interrupted.add(partition);
            return;
          }
          const chunk = inRange.slice(start, start + this.options.chunkSize);
          if (bucket) {
            const wait = bucket.take(chunk.length, Date.now());
            if (wait > 0) await sleep(wait);
            await heartbeat();
          }
          // Scoring this chunk overlaps the transactions of the chunks before it.
          const prepared = await this.prepareChunk(model, partition, chunk);
          // Table rows first, in chunk order; a row already there is kept on a resume.
          if (this.request.targets.includes('TABLE'))
            await this.options.table?.write(this.backfillId, prepared.predictions);
          while (this.inFlight.size >= MAX_CHUNKS_IN_FLIGHT) await Promise.race(this.inFlight);
          if (this.broken) throw this.broken;
          const committed = this.handOver(state, handed, model, prepared, started).catch(
            (error: unknown) => {
              this.broken ??= error as Error;
              fail(error as Error);
            },
          );
          this.inFlight.add(committed);
          void committed.finally(() => this.inFlight.delete(committed));
          this.committing = committed;
          await heartbeat();
        }
      },
    });
    // Seeks are kept until the partitions are assigned; the group never commits an offset.
    for (const range of state.ranges)
      if (!state.done.has(range.partition))
        consumer.seek({
          topic: this.encounterTopic,
          partition: range.partition,
          offset: String(state.positions.get(range.partition) ?? range.fromOffset),
        });
    const cancelWatch = setInterval(() => {
      if (this.cancelled) finish(null);
    }, 100);
    try {
      return await finished;
    } finally {
      clearInterval(cancelWatch);
      await this.committing;
    }
  }

  /** Decodes and scores a chunk of one partition; nothing is written yet. */
  private async prepareChunk(
    model: LoadedModel,
    partition: number,
    chunk: readonly KafkaMessage[],
  ): Promise<PreparedChunk> {
    const scoreStarted = performance.now();
    const encounters: Array<{ event: EncounterRecorded; offset: number }> = [];
    let skipped = 0;
    let invalid = 0;
    const decoded = await this.serde.decodeAll(chunk.map((message) => message.value));
    for (let index = 0; index < chunk.length; index++) {
      const result = decoded[index];
      // Poison records were dead-lettered by live consumers; a backfill only skips them. The
      // serde holds encounters to the field rules, so an invalid one is never re-scored.
      if (result instanceof InvalidEventError) invalid += 1;
      else if (result instanceof PoisonMessageError || result.eventType !== 'EncounterRecorded')
        skipped += 1;
      else
        encounters.push({
          event: result.event as EncounterRecorded,
          offset: Number(chunk[index].offset),
        });
    }
    const { scores, refused } = await this.scoreAll(
      model,
      encounters.map(({ event }) => encounterInputOf(event)),
    );
    const latencyMs = performance.now() - scoreStarted;
    const predictions: PredictionMade[] = [];
    // One envelope for the chunk; each prediction gets its own derived event id.
    const envelope = newEnvelope('PredictionMade', {
      producer: this.options.producer,
      causedBy: this.request.envelope,
    });
    encounters.forEach(({ event, offset }, index) => {
      if (refused.has(index)) return;
      predictions.push(
        predictionOf(
          { ...envelope, eventId: backfillPredictionId(this.backfillId, event.encounter_id) },
          event.encounter_id,
          scores[index],
          model,
          { topic: this.encounterTopic, partition, offset },
          latencyMs,
        ),
      );
    });
    return {
      partition,
      next: Number(chunk[chunk.length - 1].offset) + 1,
      predictions,
      skipped: skipped + refused.size,
      invalid,
      latencyMs,
    };
  }

  /**
   * Hands a prepared chunk to the producer thread: one Kafka transaction with its predictions
   * and the checkpoint after them (its table rows are already written). The hand-over happens
   * before this returns its promise, so chunks go out in the order they were handed; the run's
   * committed state moves only once the transaction is committed.
   */
  private async handOver(
    state: RunState,
    handed: HandedOver,
    model: LoadedModel,
    prepared: PreparedChunk,
    started: number,
  ): Promise<void> {
    const { partition, next, predictions } = prepared;
    const outputs: OutgoingEvent[] = this.request.targets.includes('TOPIC')
      ? predictions.map((prediction) => ({
          eventType: 'PredictionMade',
          key: String(prediction.encounter_id),
          topic: TOPICS.backfillPredictions,
          event: prediction,
        }))
      : [];
    handed.positions.set(partition, next);
    handed.processed += predictions.length;
    handed.processedHere += predictions.length;
    const seconds = (performance.now() - started) / 1000;
    await this.commit(
      outputs,
      this.progressOf(
        {
          ...state,
          positions: new Map(handed.positions),
          processed: handed.processed,
          processedHere: handed.processedHere,
        },
        model,
        seconds,
      ),
    );
    state.positions.set(partition, next);
    state.processed += predictions.length;
    state.processedHere += predictions.length;
    state.skipped += prepared.skipped;
    state.invalid += prepared.invalid;
    this.metrics.invalidEncounters.inc(prepared.invalid);
    this.metrics.predictions.inc({ model_version: model.version }, predictions.length);
    this.metrics.chunkSeconds.observe(prepared.latencyMs / 1000);
  }

  /** Scores a chunk; one encounter the model cannot score must not hold the others back. */
  private async scoreAll(
    model: LoadedModel,
    inputs: readonly EncounterInput[],
  ): Promise<{ scores: Float32Array; refused: Set<number> }> {
    const { scores, refused } = await scoreBatchThenRows(model, inputs, (error) =>
      this.logger.warn(
        { backfillId: this.backfillId, reason: error.message },
        'chunk refused, scoring row by row',
      ),
    );
    return { scores, refused: new Set(refused.map(({ index }) => index)) };
  }

  private progressOf(state: RunState, model: LoadedModel, seconds: number): OutgoingEvent {
    const progressed: BackfillProgressed = {
      envelope: newEnvelope('BackfillProgressed', {
        producer: this.options.producer,
        causedBy: this.request.envelope,
      }),
      backfillId: this.backfillId,
      checkpoints: checkpointsAt(state.ranges, state.positions),
      processed: state.processed,
      total: recordsIn(state.ranges),
      ratePerSecond: seconds > 0 ? state.processedHere / seconds : 0,
      modelVersion: model.version,
      ranges: [...state.ranges],
    };
    return { eventType: 'BackfillProgressed', key: this.backfillId, event: progressed };
  }

  /** One transaction: the outputs, then the checkpoint (and the end, when given). */
  private async commit(outputs: readonly OutgoingEvent[], progress: OutgoingEvent): Promise<void> {
    if (!this.transactions) throw new Error('the backfill run has not started');
    const ordered = [
      ...outputs.filter((o) => o.eventType === 'PredictionMade'),
      progress,
      ...outputs.filter((o) => o.eventType !== 'PredictionMade'),
    ];
    // Encoded here, straight into the batch handed to the producer thread; kafkajs's share of
    // the work (record batches, CRCs) runs there, and a chunk larger than one produce request
    // goes out in several, all in this transaction (predictions keep their encounters' keys: a
    // chunk may land on one partition).
    const batch = new PackWriter(ordered.length * 384);
    for (const outgoing of ordered)
      batch.addWritten(
        topicName(outgoing.topic ?? topicOf(outgoing.eventType), this.options.topicPrefix),
        outgoing.key,
        outgoing.eventType,
        (target, offset) =>
          this.serde.encodeInto(outgoing.eventType, outgoing.event, target, offset, outgoing.topic),
      );
    await this.transactions.commit(batch.finish());
  }
}
