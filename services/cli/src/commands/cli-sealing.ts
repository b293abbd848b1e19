import {
  patientSealingFromEnv,
  type EventSealer,
  type PatientSealing,
} from '@readmit/platform/privacy/sealing';
import { InfraManager } from '../infra/infra-manager';
import { createInfraContext } from './infra.command';

/** Where the CLI's sealing comes from, when not from the environment. */
export interface CliSealingOverrides {
  /** A READMIT_KEK value (e.g. `local:<file>`). */
  readonly kek?: string;
  /** The Postgres URL that holds the wrapping key and the patients' data keys. */
  readonly databaseUrl?: string;
  /** The Postgres schema of those keys. */
  readonly databaseSchema?: string;
}

/**
 * The patient sealing a CLI command's serde needs to write and read patient events as the
 * services do (docs/security.md): the KEK, the database and the schema from the overrides, else
 * READMIT_KEK, READMIT_DATABASE_URL (default: the local platform's Postgres) and
 * READMIT_DATABASE_SCHEMA (default: public); READMIT_KMS_REGION and READMIT_KMS_ENDPOINT for a KMS
 * KEK. Undefined when there is no KEK: events are then written in the clear, and a sealed one
 * read is a dead letter. The caller closes what it gets.
 */
export async function cliSealing(
  overrides: CliSealingOverrides = {},
): Promise<PatientSealing | undefined> {
  const kek = overrides.kek ?? process.env.READMIT_KEK;
  if (!kek) return undefined;
  return patientSealingFromEnv(
    {
      READMIT_KEK: kek,
      READMIT_KMS_REGION: process.env.READMIT_KMS_REGION ?? 'us-east-1',
      READMIT_KMS_ENDPOINT: process.env.READMIT_KMS_ENDPOINT,
    },
    {
      databaseUrl:
        overrides.databaseUrl ??
        process.env.READMIT_DATABASE_URL ??
        new InfraManager(createInfraContext()).component('postgres').endpoint(),
      databaseSchema: overrides.databaseSchema ?? process.env.READMIT_DATABASE_SCHEMA ?? 'public',
    },
  );
}

/**
 * Runs `run` with the CLI's sealer when `wanted` (a command that reads or writes patient events
 * in this process), closing the sealing afterwards; without it, `run` gets undefined.
 */
export async function withCliSealing<T>(
  wanted: boolean,
  run: (sealer: EventSealer | undefined) => Promise<T>,
): Promise<T> {
  const sealing = wanted ? await cliSealing() : undefined;
  try {
    return await run(sealing?.sealer);
  } finally {
    await sealing?.close();
  }
}
