import { Module } from '@nestjs/common';
import { EventsModule } from '@readmit/platform/kafka';
import { pseudonymizerProvider } from '@readmit/platform/privacy';
import { ProjectionsModule } from '@readmit/platform/projections';
import type { DataSource } from 'typeorm';
import { BulkUploadController } from './application/bulk-upload/bulk-upload.controller';
import { FhirController } from './application/fhir-ingest/fhir.controller';
import { FhirIngestService } from './application/fhir-ingest/fhir-ingest.service';
import { FhirTopicRunner } from './application/fhir-ingest/fhir-topic.runner';
import { ForgetPatientController } from './application/forget-patient/forget-patient.controller';
import { UPLOAD_STORE } from './application/bulk-upload/upload-store';
import { EncounterKeysRunner } from './application/learn-encounter-keys/encounter-keys.runner';
import { BatchesController } from './application/list-batches/batches.controller';
import { ReadmissionLabellerRunner } from './application/derive-readmission-labels/readmission-labeller.runner';
import { BatchTrackerRunner } from './application/track-batches/batch-tracker.runner';
import { INGEST_DATABASE, ingestDatabaseProvider } from './infrastructure/postgres/ingest-database';
import { PostgresUploadStore } from './infrastructure/postgres/postgres-upload-store';
import { batchesProjection } from './projections/batches/batches.projection';

/**
 * The ingest service: takes encounter records over HTTP, pseudonymises their identifiers under
 * the site key (READMIT_PSEUDONYM_KEY) and publishes each encounter once (deduplicated by
 * encounter pseudonym in Postgres, the keys also learned from the log), keeps every
 * upload's report, and tracks batch arrivals (BatchArrived) exactly once, kept as rows in
 * Postgres (the batches projection, served at GET /v1/batches). It also derives readmission
 * labels from each patient's later admissions, exactly once (READMIT_LABELLER).
 */
@Module({
  imports: [
    EventsModule.register({
      produces: ['EncounterRecorded', 'OutcomeRecorded', 'BatchArrived', 'PatientForgotten'],
    }),
    ProjectionsModule.register({ projections: [batchesProjection] }),
  ],
  controllers: [BulkUploadController, FhirController, BatchesController, ForgetPatientController],
  providers: [
    pseudonymizerProvider,
    BatchTrackerRunner,
    ReadmissionLabellerRunner,
    ingestDatabaseProvider,
    {
      provide: UPLOAD_STORE,
      inject: [INGEST_DATABASE],
      useFactory: (database: DataSource) => new PostgresUploadStore(database),
    },
    EncounterKeysRunner,
    FhirIngestService,
    FhirTopicRunner,
  ],
})
export class IngestModule {}
