import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, SERVICE_CONFIG } from '@readmit/platform/bootstrap';
import { EventPublisher, newEnvelope } from '@readmit/platform/kafka';
import { PSEUDONYMIZER, type Pseudonymizer } from '@readmit/platform/privacy';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { INGEST_DATABASE } from '../../infrastructure/postgres/ingest-database';
import { ingestTablesOf } from '../../infrastructure/postgres/ingest-tables';
import {
  loadPatientHistories,
  savePatientHistories,
} from '../../infrastructure/postgres/patient-history-table';
import type { IngestEnv } from '../../ingest.config';
import { UPLOAD_STORE, type UploadStore } from '../bulk-upload/upload-store';
import { EncounterKeysRunner } from '../learn-encounter-keys/encounter-keys.runner';
import {
  ingestFhir,
  type FhirEntry,
  type FhirIngestResult,
  type FhirInputMode,
} from './ingest-fhir';

/** FHIR in, wired to the service's publisher, stores and settings: shared by `POST /fhir` and the fhir.bundles consumer. */
@Injectable()
export class FhirIngestService {
  constructor(
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(UPLOAD_STORE) private readonly store: UploadStore,
    @Inject(EncounterKeysRunner) private readonly keys: EncounterKeysRunner,
    @Inject(INGEST_DATABASE) private readonly database: DataSource,
    @Inject(PSEUDONYMIZER) private readonly pseudonymizer: Pseudonymizer,
    @Inject(SERVICE_CONFIG) private readonly env: IngestEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** True once deduplication can rely on the keys table; false when `timeoutMs` passes first. */
  whenReady(timeoutMs: number): Promise<boolean> {
    return this.keys.whenCaughtUp(timeoutMs);
  }

  /** `via` names the path in `source` and logs: `fhir` (HTTP) or `fhir-topic`. */
  async ingest(
    entries: readonly FhirEntry[],
    mode: FhirInputMode,
    via: 'fhir' | 'fhir-topic',
  ): Promise<FhirIngestResult> {
    const uploadId = randomUUID();
    const tables = ingestTablesOf(this.database);
    const { manager } = this.database;
    const result = await ingestFhir(entries, mode, {
      uploadId,
      store: this.store,
      pseudonymize: this.pseudonymizer.pseudonymize,
      mapping: {
        patientIdentifierSystem: this.env.READMIT_FHIR_PATIENT_IDENTIFIER_SYSTEM,
        encounterIdentifierSystem: this.env.READMIT_FHIR_ENCOUNTER_IDENTIFIER_SYSTEM,
      },
      loadHistories: (patients) => loadPatientHistories(manager, tables.history, patients),
      saveHistories: (learned) => savePatientHistories(manager, tables.history, learned),
      publish: async (events) => void (await this.publisher.publishAll(events)),
      envelopeFor: (eventType, causedBy) =>
        newEnvelope(eventType, { producer: 'ingest@0.1.0', correlationId: uploadId, causedBy }),
      now: Date.now,
      source: `${via}:${uploadId}`,
    });
    // Counts and reasons only: issues can name elements, never values.
    this.logger.info(
      {
        uploadId,
        via,
        mode,
        entries: entries.length,
        accepted: result.accepted,
        encounters: result.report.encounters,
        duplicates: result.report.duplicates,
        rejected: result.report.rejected,
        issues: result.issues.length,
        excluded: result.excluded,
      },
      'fhir ingest',
    );
    return result;
  }
}
