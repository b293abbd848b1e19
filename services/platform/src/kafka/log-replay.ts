import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

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

  const consumer = kafka.consumer({
    groupId: `readmit.replay.${options.purpose}.${randomUUID()}`,
    readUncommitted: false,
  });
  let finish: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // Batches of only transaction markers never reach eachBatch; this event still reports them.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const key = `${payload.topic}:${payload.partition}`;
    const end = endOf.get(key);
    if (end && payload.lastOffset !== null && BigInt(payload.lastOffset) + 1n >= BigInt(end.high))
      pending.delete(key);
    if (pending.size === 0) finish();
  });
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
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const end = endOf.get(`${batch.topic}:${batch.partition}`);
        for (const message of batch.messages) {
          // Records written after the call are not part of this replay.
          if (!end || BigInt(message.offset) >= BigInt(end.high)) break;
          await onMessage(batch.topic, batch.partition, message);
        }
        await heartbeat();
      },
    });
    await finished;
    return ends;
  } finally {
    clearTimeout(timeout);
    await consumer.disconnect();
  }
}
