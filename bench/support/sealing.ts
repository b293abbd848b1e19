// Patient sealing for benches: a local KEK file, the wrapping key and the patients' data keys in
// a throwaway schema of the test database, the sealer (this process's) and the environment that
// makes a fixture process (test/fixtures/fixture-sealing.ts) seal and open with the same keys.
import { join } from 'node:path';
import { EventPublisher, EventSerde, KafkaMetrics } from '@readmit/platform/kafka';
import { createLocalKekFile } from '@readmit/platform/privacy/keys';
import { patientSealingFromEnv, type EventSealer } from '@readmit/platform/privacy/sealing';
import type { EventType } from '@readmit/contracts';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { dropTestSchema } from '../../test/support/database';
import { testEndpoints, uniqueName } from '../../test/support/endpoints';
import { quietLogger } from '../../test/support/kafka';

export interface BenchSealing {
  readonly sealer: EventSealer;
  /** What a fixture process needs to seal and open with the same keys. */
  readonly fixtureEnv: Readonly<Record<string, string>>;
  readonly databaseUrl: string;
  readonly schema: string;
  /** Closes the key store and drops the schema. */
  close(): Promise<void>;
}

/** Sealing with a new KEK (a file in `dir`) and keys in a new schema of the test database. */
export async function benchSealing(dir: string): Promise<BenchSealing> {
  const kekFile = join(dir, 'bench-kek');
  createLocalKekFile(kekFile);
  const { databaseUrl } = testEndpoints();
  const schema = uniqueName('bench_keys').replace(/-/g, '_');
  const sealing = await patientSealingFromEnv(
    { READMIT_KEK: `local:${kekFile}`, READMIT_KMS_REGION: 'us-east-1' },
    { databaseUrl, databaseSchema: schema },
  );
  if (!sealing) throw new Error('no sealing made');
  return {
    sealer: sealing.sealer,
    fixtureEnv: {
      SEALING_KEK: `local:${kekFile}`,
      SEALING_DATABASE_URL: databaseUrl,
      SEALING_SCHEMA: schema,
    },
    databaseUrl,
    schema,
    close: async () => {
      await sealing.close();
      await dropTestSchema(schema);
    },
  };
}

/** A publisher on `prefix` whose serde seals patient events with `sealer`. */
export async function sealingPublisher(
  kafka: Kafka,
  prefix: string,
  sealer: EventSealer,
  eventTypes: readonly EventType[],
): Promise<EventPublisher> {
  const serde = EventSerde.create(testEndpoints().schemaRegistryUrl, {
    topicPrefix: prefix,
    sealer,
  });
  await serde.register(eventTypes);
  return new EventPublisher(kafka, serde, KafkaMetrics.for(new Registry()), quietLogger, prefix);
}
