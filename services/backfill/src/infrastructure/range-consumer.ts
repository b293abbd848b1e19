import { randomUUID } from 'node:crypto';
import { environmentScoped } from '@readmit/platform/kafka';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { RunProgress } from '../domain/run-progress';
import { TokenBucket } from '../domain/token-bucket';

/** What a run does with the chunks read for it. */
export interface ChunkHandler<Prepared, Result> {
  /** Work before a chunk's transaction (scoring, table rows); it overlaps those in flight. */
  prepare(partition: number, chunk: readonly KafkaMessage[]): Promise<Prepared>;
  /**
   * Hands the chunk's transaction to the producer before it returns its promise (chunks commit
   * in the order handed over); settles once it has committed.
   */
  commit(prepared: Prepared): Promise<void>;
  /** Writes the end, once every partition is committed to its range's end. */
  complete(): Promise<Result>;
}

export interface RangeConsumerOptions {
  readonly topicPrefix: string;
  /** The topic read (patient.encounters, with its prefix). */
  readonly topic: string;
  /** Names the run's consumer group. */
  readonly backfillId: string;
  /** Records per chunk. */
  readonly chunkSize: number;
  /** The throttle (null or 0: as fast as it goes). */
  readonly maxRatePerSecond: number | null;
  /** True once the run is cancelled: it stops at the next chunk. */
  readonly isCancelled: () => boolean;
}

/** Transactions handed over at once: one committing, one waiting behind it. */
const MAX_CHUNKS_IN_FLIGHT = 2;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads a backfill's ranges of a topic in chunks and pipelines their transactions. It reads with
 * a consumer group of its own that never commits offsets (positions live in the checkpoints), so
 * live scoring's group is never disturbed; the throttle keeps its share of the broker and the CPU
 * small enough for live latency.
 */
export class RangeConsumer<Prepared, Result> {
  private consumer: Consumer | null = null;
  /** The last chunk handed over (never rejects: a failure is in `broken`). */
  private committing: Promise<void> = Promise.resolve();
  /** Chunks handed over and not yet committed (they commit in order). */
  private readonly inFlight = new Set<Promise<void>>();
  private broken: Error | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly progress: RunProgress,
    private readonly handler: ChunkHandler<Prepared, Result>,
    private readonly options: RangeConsumerOptions,
  ) {}

  /** Reads to the end of every range and returns what `complete` wrote, or null when cancelled. */
  async consume(): Promise<Result | null> {
    const { progress, options } = this;
    const maxRate = options.maxRatePerSecond;
    const bucket = maxRate ? new TokenBucket(maxRate, Math.max(maxRate, 1)) : null;
    let finish: (result: Result | null) => void = () => undefined;
    let fail: (error: Error) => void = () => undefined;
    const finished = new Promise<Result | null>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    // A batch cut short (a cancellation, a rebalance) must not mark its partition done.
    const interrupted = new Set<number>();
    if (progress.allDone()) return this.complete();

    const consumer = this.kafka.consumer({
      // A group per run: it never commits (positions live in the checkpoints), and a resumed
      // run must not wait out a killed predecessor's session in a shared group (30 s).
      groupId: environmentScoped(
        options.topicPrefix,
        `readmit-backfill-${options.backfillId}-${randomUUID().slice(0, 8)}`,
      ),
      readUncommitted: false,
      // Large fetches: a backfill reads history, not the head of the log.
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxBytes: 32 * 1024 * 1024,
    });
    this.consumer = consumer;
    const partitionDone = (partition: number) => {
      if (!progress.finishPartition(partition)) return;
      consumer.pause([{ topic: options.topic, partitions: [partition] }]);
      if (progress.allDone()) this.complete().then(finish, fail);
    };
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const range = progress.range(payload.partition);
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
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
        const partition = batch.partition;
        const range = progress.range(partition);
        interrupted.delete(partition);
        if (!range || progress.isDone(partition)) return;
        const from = BigInt(progress.resumeAt(range));
        const to = BigInt(range.toOffset);
        const inRange = batch.messages.filter((message) => {
          const offset = BigInt(message.offset);
          return offset >= from && offset < to;
        });
        for (let start = 0; start < inRange.length; start += options.chunkSize) {
          if (options.isCancelled() || !isRunning() || isStale()) {
            interrupted.add(partition);
            return;
          }
          const chunk = inRange.slice(start, start + options.chunkSize);
          if (bucket) {
            const wait = bucket.take(chunk.length, Date.now());
            if (wait > 0) await sleep(wait);
            await heartbeat();
          }
          // Preparing this chunk overlaps the transactions of the chunks before it. A chunk that
          // cannot be prepared ends the run (its caller decides: fail, or resume from the last
          // checkpoint); thrown from here, kafkajs would restart the consumer on it for ever.
          let prepared: Prepared;
          try {
            prepared = await this.handler.prepare(partition, chunk);
          } catch (error) {
            interrupted.add(partition);
            fail(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          while (this.inFlight.size >= MAX_CHUNKS_IN_FLIGHT) await Promise.race(this.inFlight);
          if (this.broken) throw this.broken;
          this.handOver(prepared, fail);
          await heartbeat();
        }
      },
    });
    // Seeks are kept until the partitions are assigned; the group never commits an offset.
    for (const range of progress.ranges)
      if (!progress.isDone(range.partition))
        consumer.seek({
          topic: options.topic,
          partition: range.partition,
          offset: String(progress.resumeAt(range)),
        });
    const cancelWatch = setInterval(() => {
      if (options.isCancelled()) finish(null);
    }, 100);
    try {
      return await finished;
    } finally {
      clearInterval(cancelWatch);
      await this.committing;
    }
  }

  async disconnect(): Promise<void> {
    await this.consumer?.disconnect();
  }

  /** Hands a chunk's transaction over; a failure breaks the run and refuses every later chunk. */
  private handOver(prepared: Prepared, fail: (error: Error) => void): void {
    const committed = this.handler.commit(prepared).catch((error: unknown) => {
      this.broken ??= error as Error;
      fail(error as Error);
    });
    this.inFlight.add(committed);
    void committed.finally(() => this.inFlight.delete(committed));
    this.committing = committed;
  }

  /** Writes the end once the transactions in flight have committed. */
  private async complete(): Promise<Result> {
    await this.committing;
    if (this.broken) throw this.broken;
    return this.handler.complete();
  }
}
