import type { EntityManager, ObjectLiteral } from 'typeorm';

/**
 * Where a projection's state lives: its tables, and how the state under one key is read and
 * written inside the applier's transaction. `save` is given the state as loaded and as evolved,
 * so it writes only what changed.
 *
 * Members are methods so that a store of any state converts to `ProjectionStore<unknown, unknown>`.
 */
export interface ProjectionStore<State, Key> {
  /** The typeorm entity classes of its tables (created with the database, emptied on rebuild). */
  readonly entities: ReadonlyArray<new () => ObjectLiteral>;
  load(manager: EntityManager, key: Key): Promise<State>;
  save(manager: EntityManager, key: Key, before: State, after: State): Promise<void>;
}
