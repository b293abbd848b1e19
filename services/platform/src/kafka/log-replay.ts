import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import pino, { type Logger } from 'pino';
import { LogPositions } from './log-positions';
import { SupervisedConsumer } from './supervised-consumer';

const silentLogger = pino({ level: 'silent' });

/** Earliest and next offsets of one partition. */
export interface PartitionEnds {
  readonly topic: string;
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

/** Earliest and next offsets of every partition of the topics, now. */
export async function logEnds(kafka: Kafka, topics: readonly string[]): Promise<PartitionEnds[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends: PartitionEnds[] = [];
    for (const topic of topics) {
      for (const { partition, low, high } of await admin.fetchTopicOffsets(topic))
        ends.push({ topic, partition, low, high });
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

export interface ReplayOptions {
  /** A name for the throwaway consumer group (a unique suffix is added). */
  readonly purpose: string;
  /** Give up when the ends are not reached in this time (default 5 minutes). */
  readonly timeoutMs?: number;
  /** Told the ends before reading starts, e.g. to size a progress bar. */
  readonly onEnds?: (ends: readonly PartitionEnds[]) => void;
  /** Where a consumer crash (and its replacement) is logged; silent by default. */
  readonly logger?: Logger;
}

/**
 * Reads topics from the beginning up to their ends as of the call, committed records only
 * (read_committed), handing each message to `onMessage` in order per partition. Nothing is
 * committed: the group is throwaway. Transaction markers at the end of a partition are
 * recognised, so the replay finishes. Returns the ends it read up to.
 */
export async function replayLog(
  kafka: Kafka,
  topics: readonly string[],
  onMessage: (topic: string, partition: number, message: KafkaMessage) => Promise<void>,
  options: ReplayOptions,
): Promise<PartitionEnds[]> {
  const ends = await logEnds(kafka, topics);
  options.onEnds?.(ends);
  const endOf = new Map(ends.map((end) => [`${end.topic}:${end.partition}`, end]));
  const pending = new Set(
    ends
      .filter(({ low, high }) => BigInt(high) > BigInt(low))
      .map((end) => `${end.topic}:${end.partition}`),
  );
  if (pending.size === 0) return ends;

  let finish: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // Where the replay is: a consumer that replaces a crashed one (a broker restart) goes on from here.
  const positions = new LogPositions();
  const consumer = new SupervisedConsumer(
    kafka,
    {
      name: `replay.${options.purpose}`,
      config: {
        groupId: `readmit.replay.${options.purpose}.${randomUUID()}`,
        readUncommitted: false,
      },
      topics,
      fromBeginning: true,
      // Batches of only transaction markers never reach eachBatch; this event still reports them.
      onCreated: (incarnation) =>
        incarnation.on(incarnation.events.END_BATCH_PROCESS, ({ payload }) => {
          const key = `${payload.topic}:${payload.partition}`;
          const end = endOf.get(key);
          if (
            end &&
            payload.lastOffset !== null &&
            BigInt(payload.lastOffset) + 1n >= BigInt(end.high)
          )
            pending.delete(key);
          if (pending.size === 0) finish();
        }),
      run: () => ({
        autoCommit: false,
        eachBatch: async ({ batch, heartbeat }) => {
          const end = endOf.get(`${batch.topic}:${batch.partition}`);
          for (const message of batch.messages) {
            // Records written after the call are not part of this replay.
            if (!end || BigInt(message.offset) >= BigInt(end.high)) break;
            if (positions.handledBefore(batch.topic, batch.partition, message.offset)) continue;
            await onMessage(batch.topic, batch.partition, message);
            positions.handled(batch.topic, batch.partition, message.offset);
          }
          await heartbeat();
        },
      }),
      onRunning: (incarnation) => positions.seek(incarnation),
    },
    options.logger ?? silentLogger,
  );
  const timeout = setTimeout(
    () =>
      fail(
        new Error(
          `replaying ${topics.join(', ')}: the end of ${[...pending].join(', ')} was not reached in time`,
        ),
      ),
    options.timeoutMs ?? 300_000,
  );
  try {
    await consumer.start();
    await finished;
    return ends;
  } finally {
    clearTimeout(timeout);
    await consumer.stop();
  }
}
