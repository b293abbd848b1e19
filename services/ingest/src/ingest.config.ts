import { hostname } from 'node:os';
import { z } from 'zod';
import { apiKeysField } from '@readmit/platform/auth';
import { booleanField, platformEnvSchema } from '@readmit/platform/config';
import { pseudonymKeyField } from '@readmit/platform/privacy';

/** The ingest service's variables, on top of the platform's. */
export const ingestEnvSchema = platformEnvSchema.extend({
  /** API key entries: required, the upload and batch routes need roles (docs/security.md). */
  READMIT_API_KEYS: apiKeysField,
  /** The site key identifiers are pseudonymised under before they are published (docs/security.md). */
  READMIT_PSEUDONYM_KEY: pseudonymKeyField,
  /** A batch closes after this many new labelled encounters… */
  READMIT_BATCH_LABELS: z.coerce.number().int().positive().default(1_000),
  /** …or once this much event time has passed since its first record, whichever comes first. */
  READMIT_BATCH_WINDOW_SECONDS: z.coerce.number().int().positive().default(3_600),
  /** Read FHIR bundles from the fhir.bundles topic (docs/ingest.md, FHIR). */
  READMIT_FHIR_TOPIC: booleanField.default(false),
  /** The largest FHIR body `POST /fhir` reads (a Bundle, or an NDJSON body), in MB. */
  READMIT_FHIR_MAX_BODY_MB: z.coerce.number().int().positive().default(64),
  /**
   * The identifier system of patients' MRNs in FHIR (docs/fhir-mapping.md, Identity); unset: the
   * identifier of type MR.
   */
  READMIT_FHIR_PATIENT_IDENTIFIER_SYSTEM: z.string().min(1).optional(),
  /** The identifier system of encounters' visit numbers; unset: the identifier of type VN. */
  READMIT_FHIR_ENCOUNTER_IDENTIFIER_SYSTEM: z.string().min(1).optional(),
  /** Stable per instance: names the batch tracker's transactional id. */
  READMIT_INSTANCE_ID: z.string().min(1).default(hostname()),
  /** Derive readmission labels from the stream (docs/ingest.md); on in one instance only. */
  READMIT_LABELLER: booleanField.default(true),
  /** A stay with no readmission this many days after discharge is NO; over 30. */
  READMIT_LABEL_HORIZON_DAYS: z.coerce
    .number()
    .int()
    .gt(30, 'must be over 30 (days up to 30 are the <30 class)')
    .default(365),
  /** How far behind the latest admission seen an admission may arrive and still count, in hours. */
  READMIT_LABEL_ALLOWED_LATENESS_HOURS: z.coerce.number().int().min(0).default(72),
});

export type IngestEnv = z.output<typeof ingestEnvSchema>;
