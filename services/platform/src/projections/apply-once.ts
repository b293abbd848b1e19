import type { DataSource, EntityManager } from 'typeorm';
import { advisoryLockName, lockInTransaction, schemaOf } from '../database/advisory-locks';
import { ProjectionCheckpoint } from './projection-checkpoint.entity';

export interface LogPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * Serialises writers of one projection (live runners on several instances, a rebuild) for the
 * rest of the transaction, so checkpoints and tables never interleave.
 */
export async function lockProjection(manager: EntityManager, projection: string): Promise<void> {
  await lockInTransaction(manager, advisoryLockName('projection', schemaOf(manager), projection));
}

export async function saveCheckpoint(
  manager: EntityManager,
  projection: string,
  position: LogPosition,
): Promise<void> {
  await manager.upsert(ProjectionCheckpoint, { projection, ...position, updatedAt: new Date() }, [
    'projection',
    'topic',
    'partition',
  ]);
}

/**
 * Applies the change for one log position unless the projection already holds it, and stores
 * the position in the same transaction: a redelivered message (after a crash, a rebalance, or
 * a rebuild that already covered it) changes nothing. Returns whether it applied.
 */
export async function applyOnce(
  dataSource: DataSource,
  projection: string,
  position: LogPosition,
  apply: (manager: EntityManager) => Promise<void>,
): Promise<boolean> {
  return dataSource.transaction(async (manager) => {
    await lockProjection(manager, projection);
    const checkpoint = await manager.findOneBy(ProjectionCheckpoint, {
      projection,
      topic: position.topic,
      partition: position.partition,
    });
    if (checkpoint && BigInt(checkpoint.offset) >= BigInt(position.offset)) return false;
    await apply(manager);
    await saveCheckpoint(manager, projection, position);
    return true;
  });
}
