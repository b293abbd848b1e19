import { Module } from '@nestjs/common';
import { EventsModule } from '@readmit/platform';
import { BulkUploadController } from './application/bulk-upload/bulk-upload.controller';

/**
 * The ingest service: takes encounter records over HTTP and publishes them as events. The batch
 * tracker (BatchArrived) is still to come.
 */
@Module({
  imports: [EventsModule.register({ produces: ['EncounterRecorded', 'OutcomeRecorded'] })],
  controllers: [BulkUploadController],
})
export class IngestModule {}
