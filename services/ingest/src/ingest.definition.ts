import type { ServiceDefinition } from '@readmit/platform/bootstrap';
import { ingestEnvSchema } from './ingest.config';
import { IngestModule } from './ingest.module';

/** Ingest as createService runs it, and as its OpenAPI document describes it. */
export const ingestService: ServiceDefinition<typeof ingestEnvSchema> = {
  name: 'ingest',
  envSchema: ingestEnvSchema,
  module: IngestModule,
  openApi: () => ({
    title: 'Readmit ingest',
    description:
      'Encounters and outcomes in: bulk CSV or JSON lines (`/v1/encounters/bulk`, resumable, with a report per upload) and FHIR R4 (`/fhir`); the batches of labelled encounters (`/v1/batches`); forgetting a patient (`/v1/patients/{patient}/forget`). Identifiers become pseudonyms as rows are read (docs/ingest.md, docs/security.md).',
  }),
};
