import { TOPICS } from '@readmit/contracts';
import { rowStore, type ProjectionDefinition } from '@readmit/platform/projections';
import { evolveBatchRow, type BatchRecord } from './evolve';
import { IngestBatch } from './ingest-batch.entity';

/** Batches as rows (ingest_batches), from ml.batches: one row per batch id. */
export const batchesProjection: ProjectionDefinition<
  BatchRecord | null,
  Pick<BatchRecord, 'batchId'>,
  'BatchArrived'
> = {
  name: 'batches',
  description: 'every BatchArrived as a row of ingest_batches',
  topics: [TOPICS.batches],
  eventTypes: ['BatchArrived'],
  store: rowStore(IngestBatch, ['batchId']),
  keyOf: ({ event }) => ({ batchId: event.batchId }),
  evolve: evolveBatchRow,
};
