import { Module } from '@nestjs/common';
import { EventsModule, ProjectionsModule } from '@readmit/platform';
import { BulkUploadController } from './application/bulk-upload/bulk-upload.controller';
import { BatchesController } from './application/list-batches/batches.controller';
import { BatchTrackerRunner } from './application/track-batches/batch-tracker.runner';
import { batchesProjection } from './infrastructure/projections/batches.projection';

/**
 * The ingest service: takes encounter records over HTTP and publishes them as events, and
 * tracks batch arrivals (BatchArrived) exactly once, kept as rows in Postgres (the batches
 * projection, served at GET /v1/batches).
 */
@Module({
  imports: [
    EventsModule.register({ produces: ['EncounterRecorded', 'OutcomeRecorded', 'BatchArrived'] }),
    ProjectionsModule.register({ projections: [batchesProjection] }),
  ],
  controllers: [BulkUploadController, BatchesController],
  providers: [BatchTrackerRunner],
})
export class IngestModule {}
