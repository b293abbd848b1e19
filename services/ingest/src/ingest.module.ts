import { Module } from '@nestjs/common';
import { EventsModule } from '@readmit/platform';
import { BulkUploadController } from './application/bulk-upload/bulk-upload.controller';
import { BatchTrackerRunner } from './application/track-batches/batch-tracker.runner';

/**
 * The ingest service: takes encounter records over HTTP and publishes them as events, and
 * tracks batch arrivals (BatchArrived) exactly once.
 */
@Module({
  imports: [
    EventsModule.register({ produces: ['EncounterRecorded', 'OutcomeRecorded', 'BatchArrived'] }),
  ],
  controllers: [BulkUploadController],
  providers: [BatchTrackerRunner],
})
export class IngestModule {}
