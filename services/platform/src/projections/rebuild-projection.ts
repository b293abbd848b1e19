import { randomUUID } from 'node:crypto';
import { topicName, type EventType } from '@readmit/contracts';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { PoisonMessageError } from '../kafka/kafka-errors';
import type { MessageContext } from '../kafka/message-router';
import type { EventSerde } from '../kafka/serde/event-serde';
import { lockProjection, saveCheckpoint } from './apply-once';
import type { Projection, ProjectionHandler } from './projection';
import { ProjectionCheckpoint } from './projection-checkpoint.entity';

export interface RebuildReport {
  readonly projection: string;
  /** Events applied. */
  readonly applied: number;
  /** Messages that could not be decoded (they went to the dead-letter topic when live). */
  readonly skipped: number;
  readonly durationMs: number;
}

export interface RebuildOptions {
  readonly topicPrefix?: string;
  /** Give up when the log's end is not reached in this time (default 5 minutes). */
  readonly timeoutMs?: number;
  readonly onProgress?: (applied: number, total: number) => void;
}

/**
 * Drops a projection's rows and replays its topics from the beginning to their ends as of now,
 * in one transaction: readers see the old rows until the new ones are complete, and live
 * runners wait on the projection's lock, then skip what the rebuild already applied.
 */
export async function rebuildProjection(
  projection: Projection,
  deps: { dataSource: DataSource; kafka: Kafka; serde: EventSerde },
  options: RebuildOptions = {},
): Promise<RebuildReport> {
  const started = Date.now();
  const topics = projection.topics.map((topic) => topicName(topic, options.topicPrefix ?? ''));
  const ends = await logEnds(deps.kafka, topics);
  const total = [...ends.values()].reduce(
    (sum, { low, high }) => sum + Number(BigInt(high) - BigInt(low)),
    0,
  );
  let applied = 0;
  let skipped = 0;

  await deps.dataSource.transaction(async (manager) => {
    await lockProjection(manager, projection.name);
    // DELETE rather than TRUNCATE: readers keep seeing the old rows until the commit.
    for (const entity of projection.entities)
      await manager.createQueryBuilder().delete().from(entity).execute();
    await manager.delete(ProjectionCheckpoint, { projection: projection.name });

    if (total === 0) return; // nothing to replay: the empty tables are the projection
    const consumer = deps.kafka.consumer({
      groupId: `readmit.projection.${projection.name}.rebuild.${randomUUID()}`,
      readUncommitted: false,
    });
    const pending = new Set(
      [...ends].filter(([, { low, high }]) => BigInt(high) > BigInt(low)).map(([key]) => key),
    );
    let finish: () => void = () => undefined;
    let fail: (error: Error) => void = () => undefined;
    const finished = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    const reached = (topic: string, partition: number, lastOffset: string | null) => {
      const key = `${topic}:${partition}`;
      const end = ends.get(key);
      if (end && lastOffset !== null && BigInt(lastOffset) + 1n >= BigInt(end.high))
        pending.delete(key);
      if (pending.size === 0) finish();
    };
    // Batches of only transaction markers never reach eachBatch; this event still reports them.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
      reached(payload.topic, payload.partition, payload.lastOffset),
    );
    if (pending.size === 0) finish();
    const timeout = setTimeout(
      () =>
        fail(
          new Error(
            `rebuilding ${projection.name}: the end of ${[...pending].join(', ')} was not reached in time`,
          ),
        ),
      options.timeoutMs ?? 300_000,
    );
    try {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, heartbeat }) => {
          const end = ends.get(`${batch.topic}:${batch.partition}`);
          for (const message of batch.messages) {
            if (!end || BigInt(message.offset) >= BigInt(end.high)) break;
            let decoded;
            try {
              decoded = await deps.serde.decode(message.value);
            } catch (error) {
              if (!(error instanceof PoisonMessageError)) throw error;
              skipped += 1;
              continue;
            }
            const handler = projection.handlers[decoded.eventType] as
              ProjectionHandler<EventType> | undefined;
            if (handler) {
              const context: MessageContext = {
                topic: batch.topic,
                partition: batch.partition,
                offset: message.offset,
                key: message.key ? message.key.toString() : null,
                timestamp: message.timestamp,
                eventType: decoded.eventType,
                envelope: decoded.event.envelope,
              };
              await handler(decoded.event, manager, context);
              applied += 1;
            }
            await saveCheckpoint(manager, projection.name, {
              topic: batch.topic,
              partition: batch.partition,
              offset: message.offset,
            });
          }
          options.onProgress?.(applied + skipped, total);
          await heartbeat();
        },
      });
      await finished;
    } finally {
      clearTimeout(timeout);
      await consumer.disconnect();
    }
  });
  return { projection: projection.name, applied, skipped, durationMs: Date.now() - started };
}

/** Earliest and next offsets of every partition of the topics, now. */
async function logEnds(
  kafka: Kafka,
  topics: readonly string[],
): Promise<Map<string, { low: string; high: string }>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map<string, { low: string; high: string }>();
    for (const topic of topics) {
      for (const { partition, low, high } of await admin.fetchTopicOffsets(topic))
        ends.set(`${topic}:${partition}`, { low, high });
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}
