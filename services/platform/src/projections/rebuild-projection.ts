import { topicName, type EventType } from '@readmit/contracts';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { PoisonMessageError } from '../kafka/kafka-errors';
import { replayLog } from '../kafka/log-replay';
import { messageContextOf } from '../kafka/message-router';
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
  let total = 0;
  let applied = 0;
  let skipped = 0;

  await deps.dataSource.transaction(async (manager) => {
    await lockProjection(manager, projection.name);
    // DELETE rather than TRUNCATE: readers keep seeing the old rows until the commit.
    for (const entity of projection.entities)
      await manager.createQueryBuilder().delete().from(entity).execute();
    await manager.delete(ProjectionCheckpoint, { projection: projection.name });

    let done = 0;
    await replayLog(
      deps.kafka,
      topics,
      async (topic, partition, message) => {
        done += 1;
        let decoded;
        try {
          decoded = await deps.serde.decode(message.value);
        } catch (error) {
          if (!(error instanceof PoisonMessageError)) throw error;
          skipped += 1;
          return;
        }
        const handler = projection.handlers[decoded.eventType] as
          ProjectionHandler<EventType> | undefined;
        if (handler) {
          // The replay heartbeats after every batch; a projection handler is short.
          const context = messageContextOf(
            topic,
            partition,
            message,
            decoded,
            async () => undefined,
          );
          await handler(decoded.event, manager, context);
          applied += 1;
        }
        await saveCheckpoint(manager, projection.name, {
          topic,
          partition,
          offset: message.offset,
        });
        if (done % 500 === 0) options.onProgress?.(done, total);
      },
      {
        purpose: `projection.${projection.name}`,
        timeoutMs: options.timeoutMs,
        onEnds: (ends) => {
          total = ends.reduce((sum, { low, high }) => sum + Number(BigInt(high) - BigInt(low)), 0);
        },
      },
    );
    options.onProgress?.(done, total);
  });
  return { projection: projection.name, applied, skipped, durationMs: Date.now() - started };
}
