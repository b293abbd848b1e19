import { TOPICS } from '@readmit/contracts';
import {
  applyOnce,
  ProjectionCheckpoint,
  ProjectionRunner,
  rebuildProjection,
} from '@readmit/platform/projections';
import type { DataSource } from 'typeorm';
import { isolatedProjectionDatabase } from '../../../../../test/support/database';
import { labelledEncounters } from '../../../../../test/support/encounters';
import { eventually, uniqueName } from '../../../../../test/support/endpoints';
import { quietLogger, isolatedEventStreams } from '../../../../../test/support/kafka';
import { BatchTracker } from '../../infrastructure/batch-tracker';
import { batchesProjection } from './batches.projection';
import { IngestBatch } from './ingest-batch.entity';

async function snapshot(dataSource: DataSource) {
  const batches = await dataSource.getRepository(IngestBatch).find({ order: { sequence: 'ASC' } });
  const checkpoints = await dataSource.getRepository(ProjectionCheckpoint).find({
    where: { projection: 'batches' },
    order: { topic: 'ASC', partition: 'ASC' },
  });
  return { batches, checkpoints: checkpoints.map(({ updatedAt: _, ...rest }) => rest) };
}

describe('the batches projection (Postgres, from ml.batches)', () => {
  it('follows the log live, and a rebuild from the log reproduces exactly the live tables', async () => {
    const { kafka, prefix, serde, metrics, publisher } = await isolatedEventStreams(
      [TOPICS.encounters, TOPICS.outcomes, TOPICS.batches],
      ['EncounterRecorded', 'OutcomeRecorded', 'BatchArrived'],
    );
    const database = await isolatedProjectionDatabase([batchesProjection]);
    const { dataSource } = database;
    const tracker = new BatchTracker(kafka, serde, metrics, quietLogger, {
      groupId: uniqueName('tracker'),
      transactionalId: uniqueName('tracker-tx'),
      policy: { labelsPerBatch: 50, windowMs: 365 * 24 * 3600 * 1000 },
      topicPrefix: prefix,
      producer: 'ingest-test',
    });
    const runner = new ProjectionRunner(
      batchesProjection,
      dataSource,
      kafka,
      serde,
      metrics,
      quietLogger,
      prefix,
    );
    const rows = () => dataSource.getRepository(IngestBatch).count();
    try {
      await tracker.start();
      await runner.start();
      await publisher.publishAll(labelledEncounters(1, 300));
      await eventually(async () => ((await rows()) === 6 ? true : undefined), 60_000);
      const live = await snapshot(dataSource);
      expect(live.batches.map((batch) => batch.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(live.batches.every((batch) => batch.labeledCount === 50)).toBe(true);
      expect(live.batches[0].labelCounts).toEqual(
        expect.objectContaining({ NO: expect.any(Number) }),
      );
      // A batch closes on labels; the encounters it profiles are those read in its window.
      const profiled = live.batches.filter((batch) => batch.encounterCount > 0);
      expect(profiled.length).toBeGreaterThan(0);
      expect(profiled.every((batch) => batch.profile.length > 10)).toBe(true);
      expect(live.checkpoints.length).toBeGreaterThan(0);

      // Rebuild while the live runner keeps running: same rows, same checkpoints.
      const report = await rebuildProjection(
        batchesProjection,
        { dataSource, kafka, serde },
        {
          topicPrefix: prefix,
          timeoutMs: 60_000,
        },
      );
      expect(report).toMatchObject({ projection: 'batches', applied: 6, skipped: 0 });
      expect(await snapshot(dataSource)).toEqual(live);

      // The live runner goes on after the rebuild, and nothing is doubled.
      await publisher.publishAll(labelledEncounters(301, 100));
      await eventually(async () => ((await rows()) === 8 ? true : undefined), 60_000);
      const after = await snapshot(dataSource);
      expect(after.batches.map((batch) => batch.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(after.batches.slice(0, 6)).toEqual(live.batches);
    } finally {
      await runner.stop();
      await tracker.stop();
      await publisher.disconnect();
      await database.drop();
    }
  });

  it('applies a log position once: a redelivered or older offset changes nothing', async () => {
    const database = await isolatedProjectionDatabase([batchesProjection]);
    const { dataSource } = database;
    const applied: string[] = [];
    const apply = (offset: string) =>
      applyOnce(dataSource, 'batches', { topic: 'ml.batches', partition: 0, offset }, async () => {
        applied.push(offset);
      });
    try {
      expect(await apply('5')).toBe(true);
      expect(await apply('5')).toBe(false);
      expect(await apply('4')).toBe(false);
      expect(await apply('6')).toBe(true);
      expect(await apply('10000000000')).toBe(true);
      expect(await apply('9')).toBe(false);
      expect(applied).toEqual(['5', '6', '10000000000']);
      // A change that fails leaves neither the change nor the checkpoint behind.
      await expect(
        applyOnce(
          dataSource,
          'batches',
          { topic: 'ml.batches', partition: 0, offset: '10000000001' },
          async (manager) => {
            await manager.query('SELECT 1');
            throw new Error('boom');
          },
        ),
      ).rejects.toThrow('boom');
      const [checkpoint] = await dataSource
        .getRepository(ProjectionCheckpoint)
        .findBy({ projection: 'batches' });
      expect(checkpoint.offset).toBe('10000000000');
    } finally {
      await database.drop();
    }
  });
});
