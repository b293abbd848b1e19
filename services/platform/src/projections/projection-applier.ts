import type { EventType } from '@readmit/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { applyOnce, type LogPosition } from './apply-once';
import type { ProjectedEvent, ProjectionDefinition } from './projection-definition';

/**
 * Applies one event to a projection inside the transaction of `manager`: loads the state under
 * the event's key, evolves it, and writes it back if it changed. The caller stores the offset
 * in the same transaction (applyProjectionEventOnce, or a rebuild's replay).
 */
export async function applyProjectionEvent<State, Key, K extends EventType>(
  manager: EntityManager,
  projection: ProjectionDefinition<State, Key, K>,
  event: ProjectedEvent<K>,
  position: LogPosition,
): Promise<void> {
  const key = projection.keyOf(event);
  const before = await projection.store.load(manager, key);
  const after = projection.evolve(before, event, position);
  if (after !== before) await projection.store.save(manager, key, before, after);
}

/**
 * Applies an event exactly once: the projection's lock is taken, and unless its checkpoint
 * already covers the position (a redelivery, or a rebuild that got there first) the event is
 * applied and the position stored in the same transaction. Returns whether it applied.
 */
export function applyProjectionEventOnce<State, Key, K extends EventType>(
  dataSource: DataSource,
  projection: ProjectionDefinition<State, Key, K>,
  event: ProjectedEvent<K>,
  position: LogPosition,
): Promise<boolean> {
  return applyOnce(dataSource, projection.name, position, (manager) =>
    applyProjectionEvent(manager, projection, event, position),
  );
}

/** Where a message is in the log, and nothing else (what `evolve` may see of it). */
export function logPositionOf({ topic, partition, offset }: LogPosition): LogPosition {
  return { topic, partition, offset };
}
