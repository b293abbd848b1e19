import type { EventType, EventTypeMap, TopicDefinition } from '@readmit/contracts';
import type { EntityManager, ObjectLiteral } from 'typeorm';
import type { MessageContext } from '../kafka/message-router';

/** Applies one event to the projection's tables, inside the transaction it is given. */
export type ProjectionHandler<K extends EventType> = (
  event: EventTypeMap[K],
  manager: EntityManager,
  context: MessageContext,
) => Promise<void>;

/**
 * A read model in Postgres built from the log: derived data, so its tables can be dropped and
 * refilled from the topics at any time (`readmit projections rebuild`). Every event is applied
 * exactly once: the consumed offset is stored in the same transaction as the change.
 */
export interface Projection {
  /** Short and stable: names the consumer group and the checkpoints. */
  readonly name: string;
  readonly description: string;
  readonly topics: readonly TopicDefinition[];
  /** The typeorm entity classes of the tables the projection owns (emptied on rebuild). */
  readonly entities: ReadonlyArray<new () => ObjectLiteral>;
  readonly handlers: { readonly [K in EventType]?: ProjectionHandler<K> };
}
