import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TOPICS,
  type EncounterRecorded,
  type OutcomeRecorded,
  type ReadmissionClass,
} from '@readmit/contracts';
import { assertTestDatabase, createDataSource } from '@readmit/platform/database';
import {
  environmentScoped,
  EventPublisher,
  EventSerde,
  KafkaMetrics,
  logEnds,
  newEnvelope,
  type OutgoingEvent,
} from '@readmit/platform/kafka';
import { createLocalKekFile } from '@readmit/platform/privacy/keys';
import { patientSealingFromEnv, type PatientSealing } from '@readmit/platform/privacy/sealing';
import { Registry } from 'prom-client';
import { eventually, testEndpoints, uniqueName } from '../../../../test/support/endpoints';
import {
  exampleEncounter,
  isolatedCatalog,
  physical,
  quietLogger,
  testKafka,
  watchEvents,
} from '../../../../test/support/kafka';
import { testApiKey } from '../../../../test/support/api-keys';
import { idOfPseudonym, patientPseudonym } from '../../../../test/support/pseudonyms';
import { ServiceStarter } from '../../../../test/support/service-starter';
import { labellingPolicy } from '../domain/readmission-labels/labelling-policy';
import { ingestEnvSchema } from '../ingest.config';
import { IngestModule } from '../ingest.module';
import { ReadmissionLabelMetrics } from './readmission-label-metrics';
import { ReadmissionLabellerConsumer } from './readmission-labeller-consumer';

const DAY = 24 * 3_600_000;
/** Day 0: every index stay's discharge. */
const T0 = Date.UTC(2020, 0, 1);

/**
 * A dated stay of patient `patient` (encounter `id`, named by number in the test), from day
 * `admitted` to day `discharged`, sealed on the wire like every patient event.
 */
function stay(
  id: number,
  patient: number,
  admitted: number,
  discharged: number,
  disposition = 1,
): OutgoingEvent<'EncounterRecorded'> {
  const event: EncounterRecorded = {
    ...exampleEncounter(id),
    patient_nbr: patientPseudonym(patient),
    admittedAt: T0 + admitted * DAY,
    dischargedAt: T0 + discharged * DAY,
    discharge_disposition_id: disposition,
    admission_source_id: 7,
    recordedAt: Date.now(),
  };
  return { eventType: 'EncounterRecorded', key: event.encounter_id, event };
}

/** Each patient's index stay is encounter 10 × patient, admitted 4 days before day 0. */
const indexStay = (patient: number, disposition = 1) =>
  stay(patient * 10, patient, -4, 0, disposition);

describe('ReadmissionLabellerConsumer (real Kafka, sealed events)', () => {
  const url = testEndpoints().databaseUrl;
  const kafka = testKafka();
  const keySchema = uniqueName('labeller_keys').replace(/-/g, '_');
  const kekFile = join(mkdtempSync(join(tmpdir(), 'readmit-kek-')), 'kek');
  let sealing: PatientSealing;

  beforeAll(async () => {
    assertTestDatabase(url);
    createLocalKekFile(kekFile);
    sealing = (await patientSealingFromEnv(
      { READMIT_KEK: `local:${kekFile}`, READMIT_KMS_REGION: 'us-east-1' },
      { databaseUrl: url, databaseSchema: keySchema },
    )) as PatientSealing;
  });
  afterAll(async () => {
    await sealing.close();
    const cleanup = createDataSource({ url, schema: keySchema });
    await cleanup.initialize();
    await cleanup.query(`DROP SCHEMA IF EXISTS "${keySchema}" CASCADE`);
    await cleanup.destroy();
  });

  /** Topics of the test's own, a publisher onto them and a watcher of the outcomes. */
  async function freshLog() {
    const prefix = await isolatedCatalog(kafka, [TOPICS.encounters, TOPICS.outcomes]);
    const serde = EventSerde.create(testEndpoints().schemaRegistryUrl, {
      topicPrefix: prefix,
      sealer: sealing.sealer,
    });
    await serde.register(['EncounterRecorded', 'OutcomeRecorded', 'PatientForgotten']);
    const metrics = KafkaMetrics.for(new Registry());
    const publisher = new EventPublisher(kafka, serde, metrics, quietLogger, prefix);
    const watcher = await watchEvents<OutcomeRecorded>(
      kafka,
      serde,
      physical(TOPICS.outcomes, prefix),
    );
    return { prefix, serde, metrics, publisher, watcher };
  }

  it('derives <30, >30 and NO labels in event time, each once across a restart, and none for deaths, reported or forgotten patients', async () => {
    const { prefix, serde, metrics, publisher, watcher } = await freshLog();
    const options = {
      groupId: uniqueName('labeller'),
      transactionalId: uniqueName('labeller-tx'),
      // 15 days of lateness: a 10-day readmission may still arrive after a 40-day one.
      policy: labellingPolicy(365, 15 * 24),
      topicPrefix: prefix,
      producer: 'ingest-test',
    };
    const newLabeller = () =>
      new ReadmissionLabellerConsumer(
        kafka,
        serde,
        metrics,
        new ReadmissionLabelMetrics(new Registry()),
        quietLogger,
        options,
      );
    /** Derived outcomes by encounter number, each with how many times it was written. */
    const derived = () => {
      const byEncounter = new Map<number, ReadmissionClass[]>();
      for (const outcome of watcher.events.filter((event) => event.derivation === 'DERIVED')) {
        const id = idOfPseudonym(outcome.encounter_id);
        byEncounter.set(id, [...(byEncounter.get(id) ?? []), outcome.readmitted]);
      }
      return byEncounter;
    };
    const waitFor = (ids: readonly number[]) =>
      eventually(async () => (ids.every((id) => derived().has(id)) ? true : undefined), 30_000);
    /** True once the group's committed offsets cover every encounter on the log. */
    const committedAllEncounters = async () => {
      const topic = physical(TOPICS.encounters, prefix);
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [committed] = await admin.fetchOffsets({
          groupId: environmentScoped(prefix, options.groupId),
          topics: [topic],
        });
        const ends = await logEnds(kafka, [topic]);
        // An empty partition has nothing to commit.
        return ends.every(
          ({ partition, low, high }) =>
            BigInt(high) <= BigInt(low) ||
            BigInt(committed.partitions.find((p) => p.partition === partition)?.offset ?? -1) >=
              BigInt(high),
        )
          ? true
          : undefined;
      } finally {
        await admin.disconnect();
      }
    };

    // Patient 1 back at 29 days; 2 at 31 days; 5 at 40 days (its 10-day stay comes later); 3 and
    // 4 wait for the horizon; 6 dies; 7's outcome is reported; 8 is forgotten before any label.
    await publisher.publishAll([
      indexStay(1),
      stay(11, 1, 29, 31),
      indexStay(2),
      stay(21, 2, 31, 33),
      indexStay(5),
      stay(52, 5, 40, 42),
      indexStay(3),
      indexStay(4),
      indexStay(6, 11),
      indexStay(7),
      stay(71, 7, 10, 12),
      indexStay(8),
      stay(81, 8, 5, 6),
    ]);
    const reported: OutcomeRecorded = {
      envelope: newEnvelope('OutcomeRecorded', { producer: 'test' }),
      encounter_id: indexStay(7).key,
      patient_nbr: patientPseudonym(7),
      readmitted: 'NO',
      recordedAt: Date.now(),
      derivation: null,
    };
    await publisher.publish('OutcomeRecorded', reported.encounter_id, reported);
    expect(await sealing.sealer.keys.forget(patientPseudonym(8))).toBe(true);
    await publisher.publish('PatientForgotten', patientPseudonym(8), {
      envelope: newEnvelope('PatientForgotten', { producer: 'test' }),
      patient_nbr: patientPseudonym(8),
      requestedBy: 'dpo',
      keyDestroyed: true,
    });

    const first = newLabeller();
    let second: ReadmissionLabellerConsumer | undefined;
    try {
      await first.start();
      // <30 at once; the watermark (day 25) holds back patient 2's >30 and patient 5's.
      await waitFor([10]);
      // Out of order within the watermark: patient 5's 10-day stay, after their 40-day one.
      await publisher.publishAll([stay(51, 5, 10, 12)]);
      await waitFor([50, 51]);
      await eventually(committedAllEncounters, 30_000);
      await first.stop();

      // A new labeller rebuilds from the log: patient 2's stays were read (and their offsets
      // committed) by the first one, so only a replay up to those offsets brings them back.
      second = newLabeller();
      await second.start();
      // An admission at day 50 moves the watermark past day 30: patient 2's >30 is due.
      await publisher.publishAll([stay(91, 9, 50, 51)]);
      await waitFor([20]);
      // At day 400 the watermark passes the horizon of patients 3 and 4 (and 7's 10-day stay).
      await publisher.publishAll([stay(31, 3, 400, 402)]);
      await waitFor([30, 40, 71]);
      // Much later, every stay so far is settled.
      await publisher.publishAll([stay(101, 10, 800, 801)]);
      await waitFor([11, 21, 31, 52, 91]);
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // room for a duplicate to show

      expect(Object.fromEntries(derived())).toEqual({
        10: ['WITHIN_30_DAYS'],
        11: ['NO'],
        20: ['AFTER_30_DAYS'],
        21: ['NO'],
        30: ['NO'],
        31: ['NO'],
        40: ['NO'],
        50: ['WITHIN_30_DAYS'],
        51: ['WITHIN_30_DAYS'],
        52: ['NO'],
        71: ['NO'],
        91: ['NO'],
      });
      // The derived outcomes open with the patients' keys and name their cause.
      const within = watcher.events.find((event) => idOfPseudonym(event.encounter_id) === 10);
      expect(within).toMatchObject({ patient_nbr: patientPseudonym(1), derivation: 'DERIVED' });
      expect(within?.envelope.causationId).not.toBeNull();
    } finally {
      await first.stop();
      await second?.stop();
      await watcher.stop();
      await publisher.disconnect();
    }
  });

  it('reads a backlog one partition at a time without closing a stay whose readmission waits in another partition', async () => {
    const { prefix, serde, metrics, publisher, watcher } = await freshLog();
    // A history load on the log before the labeller starts: 30 patients back after 200 days,
    // their stays spread over the partitions (keyed by encounter), then years of other stays.
    const patients = Array.from({ length: 30 }, (_, index) => 100 + index);
    await publisher.publishAll([
      ...patients.map((patient) => indexStay(patient)),
      ...patients.map((patient) => stay(patient * 10 + 1, patient, 200, 203)),
      ...Array.from({ length: 24 }, (_, index) => stay(9_000 + index, 9_000 + index, 900, 901)),
    ]);
    const labeller = new ReadmissionLabellerConsumer(
      kafka,
      serde,
      metrics,
      new ReadmissionLabelMetrics(new Registry()),
      quietLogger,
      {
        groupId: uniqueName('labeller'),
        transactionalId: uniqueName('labeller-tx'),
        policy: labellingPolicy(365, 72),
        topicPrefix: prefix,
        producer: 'ingest-test',
      },
    );
    try {
      await labeller.start();
      const labelOf = () =>
        new Map(
          watcher.events.map((event) => [idOfPseudonym(event.encounter_id), event.readmitted]),
        );
      await eventually(async () => (labelOf().size >= 60 ? true : undefined), 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // room for a duplicate to show
      const labels = labelOf();
      // The first partition read runs years ahead; the others still hold the watermark back.
      expect(patients.map((patient) => labels.get(patient * 10))).toEqual(
        patients.map(() => 'AFTER_30_DAYS'),
      );
      expect(patients.map((patient) => labels.get(patient * 10 + 1))).toEqual(
        patients.map(() => 'NO'),
      );
      expect(watcher.events).toHaveLength(60);
    } finally {
      await labeller.stop();
      await watcher.stop();
      await publisher.disconnect();
    }
  });

  it('runs in the ingest service by default, with the horizon it is configured with', async () => {
    const prefix = await isolatedCatalog(kafka, [
      TOPICS.encounters,
      TOPICS.outcomes,
      TOPICS.batches,
    ]);
    // No READMIT_KEK: the service writes and reads in the clear, and so does this test.
    const serde = EventSerde.create(testEndpoints().schemaRegistryUrl, { topicPrefix: prefix });
    await serde.register(['EncounterRecorded', 'OutcomeRecorded']);
    const publisher = new EventPublisher(
      kafka,
      serde,
      KafkaMetrics.for(new Registry()),
      quietLogger,
      prefix,
    );
    const watcher = await watchEvents<OutcomeRecorded>(
      kafka,
      serde,
      physical(TOPICS.outcomes, prefix),
    );
    const schema = uniqueName('ingest_labeller').replace(/-/g, '_');
    const services = new ServiceStarter({ prefix });
    try {
      await services.start(
        { name: 'ingest', envSchema: ingestEnvSchema, module: IngestModule },
        {
          READMIT_DATABASE_SCHEMA: schema,
          READMIT_API_KEYS: testApiKey('reader', ['read']).entry,
          READMIT_LABEL_HORIZON_DAYS: '90',
        },
      );
      // Back after 100 days: AFTER_30_DAYS under the default horizon, NO under 90 days.
      await publisher.publishAll([indexStay(1), stay(11, 1, 100, 102)]);
      const outcome = await eventually(
        async () => watcher.events.find((event) => event.derivation === 'DERIVED'),
        30_000,
      );
      expect(outcome).toMatchObject({ encounter_id: indexStay(1).key, readmitted: 'NO' });
    } finally {
      await services.stopAll();
      await watcher.stop();
      await publisher.disconnect();
      const cleanup = createDataSource({ url, schema });
      await cleanup.initialize();
      await cleanup.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await cleanup.destroy();
    }
  });
});
