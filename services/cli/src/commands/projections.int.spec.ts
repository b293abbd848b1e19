import { EXAMPLE_EVENTS, TOPICS } from '@readmit/contracts';
import { isolatedEventStreams } from '../../../../test/support/kafka';
import { newEnvelope } from '@readmit/platform/kafka';
import { isolatedProjectionDatabase } from '../../../../test/support/database';
import { runReadmit } from '../../../../test/support/processes';
import { batchesProjection, IngestBatch } from '@readmit/ingest';

const readmit = (...args: string[]) => runReadmit(args, { database: true });

describe('readmit projections', () => {
  it('rebuilds the batches projection from the log and reports it caught up', async () => {
    const { prefix, publisher } = await isolatedEventStreams([TOPICS.batches], ['BatchArrived']);
    await publisher.publishAll(
      [1, 2, 3].map((sequence) => ({
        eventType: 'BatchArrived' as const,
        key: `batch-${sequence}`,
        event: {
          ...EXAMPLE_EVENTS.BatchArrived,
          envelope: newEnvelope('BatchArrived', { producer: 'test' }),
          batchId: `batch-${sequence}`,
          sequence,
        },
      })),
    );
    await publisher.disconnect();
    const database = await isolatedProjectionDatabase([batchesProjection]);
    try {
      const rebuilt = readmit(
        'projections',
        'rebuild',
        'batches',
        '--prefix',
        prefix,
        '--schema',
        database.schema,
      );
      expect(rebuilt.stderr).toContain('rebuilding batches');
      expect(rebuilt.status).toBe(0);
      expect(rebuilt.stdout).toMatch(/^batches: 3 events applied, 0 undecodable skipped/m);
      const rows = await database.dataSource
        .getRepository(IngestBatch)
        .find({ order: { sequence: 'ASC' } });
      expect(rows.map((row) => row.batchId)).toEqual(['batch-1', 'batch-2', 'batch-3']);

      const status = readmit(
        'projections',
        'status',
        '--prefix',
        prefix,
        '--schema',
        database.schema,
      );
      expect(status.status).toBe(0);
      expect(status.stdout).toMatch(
        /^batches\s+\d+ partitions checkpointed, at most 0 messages behind/m,
      );
      // Only ml.batches exists under this prefix: the registry's topics are named as missing.
      expect(status.stdout).toMatch(
        /^registry\s+nothing to read: \S+ml\.training, \S+ml\.models not created/m,
      );

      const unknown = readmit(
        'projections',
        'rebuild',
        'nope',
        '--prefix',
        prefix,
        '--schema',
        database.schema,
      );
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toContain("no projection 'nope'; known: batches");
    } finally {
      await database.drop();
    }
  });
});
