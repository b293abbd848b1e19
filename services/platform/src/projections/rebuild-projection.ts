import { topicName } from '@readmit/contracts';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { PoisonMessageError } from '../kafka/kafka-errors';
import { replayLog } from '../kafka/log-replay';
import type { EventSerde } from '../kafka/serde/event-serde';
import { lockProjection, saveCheckpoint } from './apply-once';
import { applyProjectionEvent } from './projection-applier';
import { handles, projectedEventOf, type Projection } from './projection-definition';
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
    for (const entity of projection.store.entities)
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
        const position = { topic, partition, offset: message.offset };
        if (handles(projection, decoded.eventType)) {
          const event = projectedEventOf(decoded.eventType, decoded.event);
          await applyProjectionEvent(manager, projection, event, position);
          applied += 1;
        }
        await saveCheckpoint(manager, projection.name, position);
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
