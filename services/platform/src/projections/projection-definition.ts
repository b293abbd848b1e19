import type { EventType, EventTypeMap, TopicDefinition } from '@readmit/contracts';
import type { LogPosition } from './apply-once';
import type { ProjectionStore } from './projection-store';

/** An event of one of the types a projection handles, tagged with its type. */
export type ProjectedEvent<K extends EventType = EventType> = {
  readonly [T in K]: { readonly eventType: T; readonly event: EventTypeMap[T] };
}[K];

/**
 * A read model in Postgres built from the log, as data: which events it reads, which state an
 * event changes (its key), and a pure `evolve` that says what that state becomes. One generic
 * applier (projection-applier.ts) loads the state, evolves it, writes what changed and stores
 * the consumed offset in the same transaction, so every event is applied exactly once; the
 * tables are derived data that `readmit projections rebuild` drops and refills from the log.
 *
 * For most read models the state is one row (`rowStore`): `evolve(row | null, event)` returns
 * the row after the event, null for none (a row that was there is deleted).
 *
 * Members are methods so that a definition of any state converts to `Projection`.
 */
export interface ProjectionDefinition<State, Key, K extends EventType = EventType> {
  /** Short and stable: names the consumer group and the checkpoints. */
  readonly name: string;
  readonly description: string;
  readonly topics: readonly TopicDefinition[];
  /** The event types it applies; any other event on its topics only moves its checkpoint. */
  readonly eventTypes: readonly K[];
  /** Its tables, and how the state under one key is read from them and written back. */
  readonly store: ProjectionStore<State, Key>;
  /** Which state an event changes. */
  keyOf(event: ProjectedEvent<K>): Key;
  /**
   * Pure: the state after the event. Returning the state it was given (the same object) writes
   * nothing. `position` is where the event is in the log, for read models that keep it.
   */
  evolve(state: State, event: ProjectedEvent<K>, position: LogPosition): State;
}

/** Any projection, whatever its state and key: what the runner, the rebuild and the CLI take. */
export type Projection = ProjectionDefinition<unknown, unknown, EventType>;

/** Whether a projection applies events of this type. */
export function handles(projection: Pick<Projection, 'eventTypes'>, eventType: EventType): boolean {
  return projection.eventTypes.includes(eventType);
}

/** A decoded event, tagged with its type. */
export function projectedEventOf(
  eventType: EventType,
  event: EventTypeMap[EventType],
): ProjectedEvent {
  // The event type names the event's shape (the serde decoded it under that type).
  return { eventType, event } as ProjectedEvent;
}
