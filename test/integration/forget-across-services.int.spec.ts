import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  deadLetterTopicOf,
  TOPICS,
  type EncounterRecorded,
  type PredictionMade,
} from '@readmit/contracts';
import {
  EventPublisher,
  EventSerde,
  KafkaMetrics,
  newEnvelope,
  PatientForgottenError,
  type OutgoingEvent,
} from '@readmit/platform/kafka';
import { createLocalKekFile } from '@readmit/platform/privacy/keys';
import { patientSealingFromEnv, type PatientSealing } from '@readmit/platform/privacy/sealing';
import { Registry } from 'prom-client';
import request from 'supertest';
import { readTrainingLog } from '../../services/trainer/src/infrastructure/training-log';
import { monitorEnvSchema } from '../../services/monitor/src/monitor.config';
import { MonitorModule } from '../../services/monitor/src/monitor.module';
import { promoteSmallModel } from '../support/champion';
import { dropTestSchema } from '../support/database';
import { eventually, testEndpoints, uniqueName } from '../support/endpoints';
import {
  exampleEncounter,
  isolatedCatalog,
  physical,
  quietLogger,
  readTopic,
  testKafka,
  watchEvents,
} from '../support/kafka';
import { patientPseudonym } from '../support/pseudonyms';
import { SCORING_TOPICS, startScoringService } from '../support/scoring-service';
import { ServiceStarter } from '../support/service-starter';

/** Encounters `from`..`from+count-1`, each of patient (id % patients), sealed as they publish. */
function encountersOf(from: number, count: number, patients: readonly number[]): OutgoingEvent[] {
  return Array.from({ length: count }, (_, index) => from + index)
    .filter((id) => patients.includes(id % 3))
    .map((id) => {
      const event: EncounterRecorded = {
        ...exampleEncounter(id),
        patient_nbr: patientPseudonym(id % 3),
      };
      return { eventType: 'EncounterRecorded', key: event.encounter_id, event };
    });
}

const WINDOWED = 'readmit_monitor_events_total{topic="patient.encounters",service="monitor"}';

async function windowed(app: INestApplication): Promise<number> {
  const { text } = await request(app.getHttpServer()).get('/metrics');
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${WINDOWED} `));
  return line ? Number(line.slice(WINDOWED.length + 1)) : 0;
}

const isReady = async (app: INestApplication) =>
  (await request(app.getHttpServer()).get('/ready')).status === 200;

describe('forgetting a patient while scoring and the monitor run (sealed events)', () => {
  const kafka = testKafka();
  const schema = uniqueName('forget_run').replace(/-/g, '_');
  const root = mkdtempSync(join(tmpdir(), 'readmit-forget-run-'));
  const kekFile = join(root, 'kek');
  let sealing: PatientSealing | undefined;
  let services: ServiceStarter | undefined;
  const stops: Array<() => Promise<void>> = [];

  afterAll(async () => {
    await services?.stopAll().catch(() => undefined);
    for (const stop of stops) await stop().catch(() => undefined);
    await sealing?.close();
    await dropTestSchema(schema);
    rmSync(root, { recursive: true, force: true });
  });

  it('leaves the forgotten patient out of predictions, drift windows and the next training set, and both services keep going', async () => {
    createLocalKekFile(kekFile);
    const monitored = [TOPICS.encounters, TOPICS.predictions, TOPICS.outcomes];
    const topics = [
      ...SCORING_TOPICS,
      ...monitored,
      ...monitored.map(deadLetterTopicOf),
      TOPICS.training,
      TOPICS.drift,
    ];
    const prefix = await isolatedCatalog(kafka, [
      ...new Map(topics.map((topic) => [topic.name, topic])).values(),
    ]);
    sealing = await patientSealingFromEnv(
      { READMIT_KEK: `local:${kekFile}`, READMIT_KMS_REGION: 'us-east-1' },
      { databaseUrl: testEndpoints().databaseUrl, databaseSchema: schema },
    );
    const serde = EventSerde.create(testEndpoints().schemaRegistryUrl, {
      topicPrefix: prefix,
      sealer: sealing!.sealer,
    });
    await serde.register(['EncounterRecorded', 'ModelPromoted', 'PatientForgotten']);
    const publisher = new EventPublisher(
      kafka,
      serde,
      KafkaMetrics.for(new Registry()),
      quietLogger,
      prefix,
    );
    stops.push(() => publisher.disconnect());
    await promoteSmallModel(publisher, root);

    // 90 encounters of patients 0, 1 and 2 on the log; then patient 0 is forgotten.
    await publisher.publishAll(encountersOf(1, 90, [0, 1, 2]));
    const forgotten = patientPseudonym(0);
    expect(await sealing!.sealer.keys.forget(forgotten)).toBe(true);
    await publisher.publish('PatientForgotten', forgotten, {
      envelope: newEnvelope('PatientForgotten', { producer: 'test' }),
      patient_nbr: forgotten,
      requestedBy: 'dpo',
      keyDestroyed: true,
    });

    // Scoring and the monitor start on that log, sealing on (the same KEK and key database).
    const sealed = {
      READMIT_KEK: `local:${kekFile}`,
      READMIT_DATABASE_SCHEMA: schema,
      READMIT_OBJECT_STORE_ROOT: root,
    };
    services = new ServiceStarter({ prefix });
    const scoring = await startScoringService(services, root, sealed);
    const monitor = await services.start(
      { name: 'monitor', envSchema: monitorEnvSchema, module: MonitorModule },
      { ...sealed, READMIT_DRIFT_WINDOW_ROWS: '1000', READMIT_DRIFT_MIN_WINDOW_ROWS: '500' },
    );
    const predictions = await watchEvents<PredictionMade>(
      kafka,
      serde,
      physical(TOPICS.predictions, prefix),
      ['PredictionMade'],
    );
    stops.push(predictions.stop);

    // The backlog: patients 1 and 2 are scored and windowed; patient 0's events are passed over.
    const backlog = encountersOf(1, 90, [1, 2]).map(({ key }) => key);
    await eventually(async () => (predictions.events.length >= 60 ? true : undefined), 60_000);
    await eventually(async () => ((await windowed(monitor)) >= 60 ? true : undefined), 60_000);

    // And they keep going: more encounters after the forget are scored and windowed.
    await publisher.publishAll(encountersOf(91, 30, [1, 2]));
    await eventually(async () => (predictions.events.length >= 80 ? true : undefined), 60_000);
    await eventually(async () => ((await windowed(monitor)) >= 80 ? true : undefined), 60_000);
    const live = encountersOf(91, 30, [1, 2]).map(({ key }) => key);
    expect(predictions.events.map((event) => event.encounter_id).sort()).toEqual(
      [...backlog, ...live].sort(),
    );
    expect(await windowed(monitor)).toBe(80);
    expect(await isReady(scoring)).toBe(true);
    expect(await isReady(monitor)).toBe(true);

    // Forgotten while they run: patient 1. Its key is cached in both services (they just opened
    // its events); PatientForgotten must make them drop it at once, not in 30 s. A copy of one of
    // patient 1's sealed encounters, made before the forget and written again after it, is the
    // probe: a service that still held the key would score and window it.
    const [probe] = encountersOf(1_001, 3, [1]);
    await serde.prepareToWrite([probe]);
    const probeBytes = serde.encode('EncounterRecorded', probe.event as EncounterRecorded);
    expect(await sealing!.sealer.keys.forget(patientPseudonym(1))).toBe(true);
    await publisher.publish('PatientForgotten', patientPseudonym(1), {
      envelope: newEnvelope('PatientForgotten', { producer: 'test' }),
      patient_nbr: patientPseudonym(1),
      requestedBy: 'dpo',
      keyDestroyed: true,
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({
      topic: physical(TOPICS.encounters, prefix),
      messages: [{ key: probe.key, value: probeBytes }],
    });
    await raw.disconnect();
    // A marker of patient 2 on every partition's heels: once it is scored, so was the probe's turn.
    const markers = encountersOf(2_000, 18, [2]);
    await publisher.publishAll(markers);
    await eventually(async () => (predictions.events.length >= 86 ? true : undefined), 60_000);
    await eventually(async () => ((await windowed(monitor)) >= 86 ? true : undefined), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(predictions.events.map((event) => event.encounter_id)).not.toContain(probe.key);
    expect(predictions.events).toHaveLength(86);
    expect(await windowed(monitor)).toBe(86);

    // Nothing was dead-lettered: a forgotten patient's event is not poison.
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(
        physical(deadLetterTopicOf(TOPICS.encounters), prefix),
      );
      expect(offsets.reduce((sum, { high }) => sum + Number(high), 0)).toBe(0);
    } finally {
      await admin.disconnect();
    }

    // The next training set: only patient 2 is left (30 + 10 + 6 markers), and the skips of
    // patients 0 (30) and 1 (30 + 10 + the probe) are counted.
    const log = await readTrainingLog(kafka, serde, prefix);
    expect(log.encounters).toHaveLength(46);
    expect(new Set(log.encounters.map(({ encounter }) => encounter.patient_nbr))).toEqual(
      new Set([patientPseudonym(2)]),
    );
    expect(log.skipped.patient_forgotten).toBe(71);

    // Their risk scores went with their keys: the 86 predictions, read again from the start with
    // every key still held, open only for patient 2 (40 + the 6 markers); patient 1's 40 do not.
    const written = await readTopic(kafka, physical(TOPICS.predictions, prefix), { count: 86 });
    expect(written).toHaveLength(86);
    const reread = await EventSerde.create(testEndpoints().schemaRegistryUrl, {
      topicPrefix: prefix,
      sealer: sealing!.sealer,
    }).decodeAll(written.map(({ message }) => message.value as Buffer));
    const opened = reread.flatMap((item) =>
      item instanceof PatientForgottenError ? [] : [(item as { event: PredictionMade }).event],
    );
    expect(reread.filter((item) => item instanceof PatientForgottenError)).toHaveLength(40);
    expect(opened).toHaveLength(46);
    expect(new Set(opened.map((prediction) => prediction.patient_nbr))).toEqual(
      new Set([patientPseudonym(2)]),
    );
    expect(opened.every((prediction) => prediction.score >= 0 && prediction.score <= 1)).toBe(true);
  });
});
