import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS, type EncounterRecorded, type OutcomeRecorded } from '@readmit/contracts';
import { assertTestDatabase, createDataSource } from '@readmit/platform/database';
import { EventPublisher, EventSerde, KafkaMetrics, newEnvelope } from '@readmit/platform/kafka';
import { createLocalKekFile } from '@readmit/platform/privacy/keys';
import {
  ForgottenPatientsFollower,
  patientSealingFromEnv,
  type PatientSealing,
} from '@readmit/platform/privacy/sealing';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { labelledEncounters } from '../../../../test/support/encounters';
import { eventually, testEndpoints, uniqueName } from '../../../../test/support/endpoints';
import { isolatedCatalog, quietLogger, testKafka } from '../../../../test/support/kafka';
import { patientPseudonym } from '../../../../test/support/pseudonyms';
import { EncounterKeysFollower } from './encounter-keys-follower';
import { forgetPatientKeys } from './postgres/encounter-keys-table';
import { ensureIngestTables } from './postgres/ingest-tables';

/** 30 encounters with outcomes over three patients (id % 3); patient 0 is the one forgotten. */
function encountersOf(patients: readonly number[]) {
  // labelledEncounters gives [encounter, outcome] per id: pair i is encounter i + 1.
  return labelledEncounters(1, 30)
    .map((outgoing, index) => {
      const patient = Math.floor(index / 2) % 3;
      const event = {
        ...(outgoing.event as EncounterRecorded | OutcomeRecorded),
        patient_nbr: patientPseudonym(patient),
      };
      return { patient, outgoing: { ...outgoing, event } };
    })
    .filter(({ patient }) => patients.includes(patient))
    .map(({ outgoing }) => outgoing);
}

describe('forgetting a patient in the ingest keys table (a projection of the log)', () => {
  const url = testEndpoints().databaseUrl;
  const kafka = testKafka();
  const keySchema = uniqueName('forget_keys').replace(/-/g, '_');
  const kekFile = join(mkdtempSync(join(tmpdir(), 'readmit-kek-')), 'kek');
  const sources: Array<{ dataSource: DataSource; schema: string }> = [];
  const sealings: PatientSealing[] = [];

  beforeAll(() => {
    assertTestDatabase(url);
    createLocalKekFile(kekFile);
  });
  afterAll(async () => {
    await Promise.all(sealings.map((sealing) => sealing.close()));
    for (const { dataSource, schema } of sources) {
      await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await dataSource.destroy();
    }
    const cleanup = createDataSource({ url, schema: keySchema });
    await cleanup.initialize();
    await cleanup.query(`DROP SCHEMA IF EXISTS "${keySchema}" CASCADE`);
    await cleanup.destroy();
  });

  const newSealing = async () => {
    const sealing = (await patientSealingFromEnv(
      { READMIT_KEK: `local:${kekFile}`, READMIT_KMS_REGION: 'us-east-1' },
      { databaseUrl: url, databaseSchema: keySchema },
    )) as PatientSealing;
    sealings.push(sealing);
    return sealing;
  };

  /** A log of its own (a topic prefix), sealed under the shared keys. */
  async function sealedLog(patients: readonly number[]) {
    const prefix = await isolatedCatalog(kafka, [TOPICS.encounters, TOPICS.outcomes]);
    const sealing = await newSealing();
    const serde = EventSerde.create(testEndpoints().schemaRegistryUrl, {
      topicPrefix: prefix,
      sealer: sealing.sealer,
    });
    await serde.register(['EncounterRecorded', 'OutcomeRecorded', 'PatientForgotten']);
    const metrics = KafkaMetrics.for(new Registry());
    const publisher = new EventPublisher(kafka, serde, metrics, quietLogger, prefix);
    await publisher.publishAll(encountersOf(patients));
    return { prefix, serde, metrics, publisher, sealing };
  }

  /** The keys table built from a log by a fresh follower, as `projections rebuild` would. */
  async function built(log: Awaited<ReturnType<typeof sealedLog>>) {
    const schema = uniqueName('keys').replace(/-/g, '_');
    const dataSource = createDataSource({ url, schema });
    await dataSource.initialize();
    sources.push({ dataSource, schema });
    const tables = await ensureIngestTables(dataSource);
    const follower = new EncounterKeysFollower(
      kafka,
      log.serde,
      dataSource,
      log.metrics,
      quietLogger,
      { groupId: uniqueName('keys'), topicPrefix: log.prefix },
    );
    await follower.start();
    expect(await follower.whenCaughtUp(60_000)).toBe(true);
    const rows = async () =>
      (await dataSource.query(
        `SELECT encounter_id, recorded, outcome, outcome_recorded_at, patient_nbr
         FROM ${tables.keys} ORDER BY encounter_id COLLATE "C"`,
      )) as Array<Record<string, unknown>>;
    return { dataSource, tables, follower, rows };
  }

  it('drops the rows live on PatientForgotten, and a rebuild after the forget equals a log without the patient', async () => {
    const withPatient = await sealedLog([0, 1, 2]);
    const without = await sealedLog([1, 2]);
    const live = await built(withPatient);
    const forgotten = patientPseudonym(0);
    try {
      expect((await live.rows()).filter((row) => row.patient_nbr === forgotten)).toHaveLength(10);

      // Forget patient 0: the key is destroyed and PatientForgotten published.
      const forgetter = new ForgottenPatientsFollower(kafka, withPatient.serde, quietLogger, {
        keys: withPatient.sealing.sealer.keys,
        topicPrefix: withPatient.prefix,
        groupId: uniqueName('forgotten'),
      });
      forgetter.onForgotten((patient) =>
        forgetPatientKeys(live.dataSource.manager, live.tables.keys, patient).then(() => undefined),
      );
      expect(await withPatient.sealing.sealer.keys.forget(forgotten)).toBe(true);
      await withPatient.publisher.publish('PatientForgotten', forgotten, {
        envelope: newEnvelope('PatientForgotten', { producer: 'test' }),
        patient_nbr: forgotten,
        requestedBy: 'dpo',
        keyDestroyed: true,
      });
      await forgetter.start();
      try {
        await eventually(
          async () =>
            (await live.rows()).some((row) => row.patient_nbr === forgotten) ? undefined : true,
          30_000,
        );
      } finally {
        await forgetter.stop();
      }

      const reference = await built(without);
      const rebuilt = await built(withPatient);
      try {
        const expected = await reference.rows();
        expect(expected).toHaveLength(20);
        // Rebuilt from the log after the forget: the patient's events open for nobody.
        expect(await rebuilt.rows()).toEqual(expected);
        // Kept live and told of the forget: the same rows.
        expect(await live.rows()).toEqual(expected);
      } finally {
        await reference.follower.stop();
        await rebuilt.follower.stop();
      }
    } finally {
      await live.follower.stop();
      await withPatient.publisher.disconnect();
      await without.publisher.disconnect();
    }
  });
});
