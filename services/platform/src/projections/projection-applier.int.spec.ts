import { EXAMPLE_EVENTS, TOPICS } from '@readmit/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { isolatedProjectionDatabase } from '../../../../test/support/database';
import { applyProjectionEventOnce } from './projection-applier';
import type { ProjectedEvent, ProjectionDefinition } from './projection-definition';
import type { ProjectionStore } from './projection-store';
import { rowGroupStore, rowStore } from './row-stores';

@Entity({ name: 'projection_test_batch_counts' })
class BatchCount {
  @PrimaryColumn('text')
  batchId!: string;

  @Column('integer')
  applied!: number;

  @Column('text')
  lastOffset!: string;
}

@Entity({ name: 'projection_test_members' })
class Member {
  @PrimaryColumn('text')
  team!: string;

  @PrimaryColumn('text')
  name!: string;

  @Column('integer')
  score!: number;
}

type ArrivedEvent = ProjectedEvent<'BatchArrived'>;

/** A projection of ml.batches' BatchArrived events, its state kept by `store`. */
function batchProjection<State, Key>(
  name: string,
  store: ProjectionStore<State, Key>,
  keyOf: (event: ArrivedEvent) => Key,
  evolve: ProjectionDefinition<State, Key, 'BatchArrived'>['evolve'],
): ProjectionDefinition<State, Key, 'BatchArrived'> {
  return {
    name,
    description: name,
    topics: [TOPICS.batches],
    eventTypes: ['BatchArrived'],
    store,
    keyOf,
    evolve,
  };
}

/** Counts the BatchArrived events of each batch; one with no labels deletes its row. */
const counting = batchProjection(
  'test-counts',
  rowStore(BatchCount, ['batchId']),
  ({ event }) => ({ batchId: event.batchId }),
  (row, { event }, { offset }) =>
    event.labeledCount === 0
      ? null
      : { batchId: event.batchId, applied: (row?.applied ?? 0) + 1, lastOffset: offset },
);

const members = rowGroupStore(Member, ['team', 'name']);
/** Only its table is used: the test saves groups of rows through the store itself. */
const grouped = batchProjection(
  'test-members',
  members,
  () => ({}),
  (rows) => rows,
);

const arrived = (batchId: string, labeledCount = 50): ArrivedEvent => ({
  eventType: 'BatchArrived',
  event: { ...EXAMPLE_EVENTS.BatchArrived, batchId, labeledCount },
});
const at = (offset: string) => ({ topic: 'ml.batches', partition: 0, offset });

describe('the projection applier (Postgres)', () => {
  it('evolves the row under the event key and stores it with the offset, once per log position', async () => {
    const database = await isolatedProjectionDatabase([counting]);
    const { dataSource } = database;
    const apply = (batchId: string, offset: string, labeledCount?: number) =>
      applyProjectionEventOnce(dataSource, counting, arrived(batchId, labeledCount), at(offset));
    const row = (batchId: string) => dataSource.getRepository(BatchCount).findOneBy({ batchId });
    try {
      expect(await apply('b-1', '5')).toBe(true);
      expect(await row('b-1')).toEqual({ batchId: 'b-1', applied: 1, lastOffset: '5' });
      // Redelivered, or older than the checkpoint: nothing changes.
      expect(await apply('b-1', '5')).toBe(false);
      expect(await apply('b-1', '4')).toBe(false);
      expect(await row('b-1')).toEqual({ batchId: 'b-1', applied: 1, lastOffset: '5' });

      expect(await apply('b-1', '6')).toBe(true);
      expect(await apply('b-2', '7')).toBe(true);
      expect(await row('b-1')).toEqual({ batchId: 'b-1', applied: 2, lastOffset: '6' });
      expect(await row('b-2')).toEqual({ batchId: 'b-2', applied: 1, lastOffset: '7' });

      // evolve returning null deletes the row; the position is stored all the same.
      expect(await apply('b-1', '8', 0)).toBe(true);
      expect(await row('b-1')).toBeNull();
      expect(await row('b-2')).not.toBeNull();
      expect(await apply('b-2', '8')).toBe(false);
    } finally {
      await database.drop();
    }
  });

  it('writes a group of rows by difference: deletes what is gone, upserts what is new or changed', async () => {
    const database = await isolatedProjectionDatabase([grouped]);
    const { dataSource } = database;
    const repository = dataSource.getRepository(Member);
    try {
      await repository.insert([
        { team: 'a', name: 'ann', score: 1 },
        { team: 'a', name: 'bob', score: 2 },
        { team: 'a', name: 'cy', score: 3 },
        { team: 'b', name: 'dee', score: 4 },
      ]);
      await dataSource.transaction(async (manager) => {
        const before = await members.load(manager, { team: 'a' });
        expect(before).toHaveLength(3);
        const byName = (name: string) => before.find((member) => member.name === name)!;
        const after = [
          byName('ann'),
          { ...byName('bob'), score: 20 },
          { team: 'a', name: 'eve', score: 5 },
        ];
        await members.save(manager, { team: 'a' }, before, after);
      });
      expect(await repository.find({ order: { team: 'ASC', name: 'ASC' } })).toEqual([
        { team: 'a', name: 'ann', score: 1 },
        { team: 'a', name: 'bob', score: 20 },
        { team: 'a', name: 'eve', score: 5 },
        { team: 'b', name: 'dee', score: 4 },
      ]);
    } finally {
      await database.drop();
    }
  });
});
