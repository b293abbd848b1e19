import { TOPICS } from '@readmit/contracts';
import type { Projection } from '@readmit/platform';
import { batchRecordOf } from '../../domain/batch-tracking/batch-record';
import { IngestBatch } from './ingest-batch.entity';

/** Batches as rows (ingest_batches), from ml.batches. */
export const batchesProjection: Projection = {
  name: 'batches',
  description: 'every BatchArrived as a row of ingest_batches',
  topics: [TOPICS.batches],
  entities: [IngestBatch],
  handlers: {
    BatchArrived: async (event, manager) => {
      // An upsert, so a batch seen again (a retried write) stays one row.
      await manager.upsert(IngestBatch, batchRecordOf(event), ['batchId']);
    },
  },
};
