import { kekFromEnv, type KekEnv } from '../keys/kek-config';
import { PatientKeys } from '../keys/patient-keys';
import { PostgresPatientKeyStore } from '../keys/postgres-patient-key-store';
import { WrappingKeys } from '../keys/wrapping-keys';
import { EventSealer } from './event-sealer';

export interface SealingDatabase {
  readonly databaseUrl: string;
  readonly databaseSchema: string;
}

/** An event sealer and what to close with it. */
export interface PatientSealing {
  readonly sealer: EventSealer;
  close(): Promise<void>;
}

/**
 * The sealer READMIT_KEK asks for: the KEK unwraps the wrapping key (kept in Postgres, made by
 * the first service that needs it), patients' data keys live in Postgres beside it. Undefined
 * when READMIT_KEK is not set: events are then written with their fields in the clear, and a
 * sealed event read is a dead letter that says so.
 */
export async function patientSealingFromEnv(
  env: KekEnv,
  database: SealingDatabase,
): Promise<PatientSealing | undefined> {
  const kek = kekFromEnv(env);
  if (!kek) return undefined;
  // Every wrapping key kept, so patient keys still under the old one open mid-rotation; read
  // again when a rotation begun later wraps a key under one this process has not seen.
  const readWrappingKeys = async () => {
    const wrappingKeys = new WrappingKeys(database.databaseUrl, database.databaseSchema, kek);
    try {
      return await wrappingKeys.all();
    } finally {
      await wrappingKeys.close();
    }
  };
  const wrapping = await readWrappingKeys();
  const store = new PostgresPatientKeyStore(database.databaseUrl, database.databaseSchema);
  return {
    sealer: new EventSealer(
      new PatientKeys(store, wrapping, { reloadWrappingKeys: readWrappingKeys }),
    ),
    close: () => store.close(),
  };
}
