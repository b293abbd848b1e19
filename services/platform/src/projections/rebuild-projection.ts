import { topicName } from '@readmit/contracts';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { replayEvents } from '../kafka/log-replay';
import type { EventSerde } from '../kafka/serde/event-serde';
import { lockProjection, saveCheckpoint } from './apply-once';
import { applyProjectionEvent } from './projection-applier';
import { handles, projectedEventOf, type Projection } from './projection-definition';
import { ProjectionCheckpoint } from './projection-checkpoint.entity';

export interface RebuildReport {
  readonly projection: string;
  /** Events applied. */
  readonly applied: number;
  /** Messages left out: undecodable, invalid or misrouted (dead-lettered when live). */
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
    // Every event its topics carry moves the checkpoint; undecodable, invalid and misrouted
    // messages are left out (they went to the dead-letter topic when live) and counted.
    const carried = [...new Set(projection.topics.flatMap((topic) => topic.events))];
    const replay = await replayEvents(
      deps.kafka,
      deps.serde,
      topics,
      carried,
      async ({ topic, partition, offset, eventType, event }) => {
        done += 1;
        const position = { topic, partition, offset };
        if (handles(projection, eventType)) {
          await applyProjectionEvent(
            manager,
            projection,
            projectedEventOf(eventType, event),
            position,
          );
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
    skipped = Object.values(replay.skipped).reduce((sum, count) => sum + count, 0);
    options.onProgress?.(replay.messages, total);
  });
  return { projection: projection.name, applied, skipped, durationMs: Date.now() - started };
}
