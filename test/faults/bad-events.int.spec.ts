import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  deadLetterTopicOf,
  EXAMPLE_EVENTS,
  TOPICS,
  type BatchArrived,
  type EventType,
  type EventTypeMap,
  type ModelPromoted,
  type TopicDefinition,
  type TrainingCompleted,
  type TrainingFailed,
  type TrainingRequested,
} from '@readmit/contracts';
import { platformEnvSchema } from '@readmit/platform/config';
import { assertTestDatabase, createDataSource } from '@readmit/platform/database';
import {
  DLQ_HEADERS,
  newEnvelope,
  PoisonMessageError,
  replayLog,
  type EventSerde,
  type PoisonReason,
} from '@readmit/platform/kafka';
import { projectionGroupId } from '@readmit/platform/projections';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import type { Kafka } from 'kafkajs';
import request from 'supertest';
import { batchesProjection } from '../../services/ingest/src/projections/batches/batches.projection';
import { ingestEnvSchema } from '../../services/ingest/src/ingest.config';
import { IngestModule } from '../../services/ingest/src/ingest.module';
import { MonitorProvider } from '../../services/monitor/src/application/monitor.provider';
import { monitorConsumerOptions } from '../../services/monitor/src/application/monitor-runtime';
import { monitorEnvSchema } from '../../services/monitor/src/monitor.config';
import { MonitorModule } from '../../services/monitor/src/monitor.module';
import { REGISTRY_PRODUCER } from '../../services/registry/src/application/model-registry.provider';
import { registryProjection } from '../../services/registry/src/projections/registry/registry.projection';
import { registryEnvSchema } from '../../services/registry/src/registry.config';
import { RegistryModule } from '../../services/registry/src/registry.module';
import { TrainerModule } from '../../services/trainer/src/trainer.module';
import { testApiKey } from '../support/api-keys';
import { smallModelArtifact } from '../support/artifacts';
import { MODEL, promoteSmallModel } from '../support/champion';
import { invalidEncounters } from '../support/encounters';
import { eventually, testEndpoints, uniqueName } from '../support/endpoints';
import { exampleEncounter, isolatedEventStreams, physical } from '../support/kafka';
import { ServiceStarter } from '../support/service-starter';
import { outcomeEvent, predictionEvent } from '../support/synthetic-traffic';
import { encounterPseudonym } from '../support/pseudonyms';

/** Reads the registry's and ingest's REST APIs (role read). */
const READER = testApiKey('fault-watcher', ['read']);

/*
 * Issue 21: poison and invalid events written straight to every input topic of every service
 * that consumes in a consumer group are dead-lettered with their reason and group, produce
 * nothing downstream, and do not stop the consumer (a good event sent after them is handled).
 * Scoring's stream scorer on patient.encounters is covered by
 * services/scoring/src/stream-validation.int.spec.ts; this file covers the other groups. The
 * followers that read a log without a group (model and champion followers, the orchestrator,
 * backfill requests, the console feed) do not dead-letter by design; the one that counts what it
 * passes over in a metric, the trainer's read of its training set, is checked here.
 */

/** The consumer group names the services run under (the dead letters' group header). */
const GROUPS = {
  trainer: 'readmit-trainer',
  registry: 'readmit-registry',
  batchTracker: 'readmit-ingest-batch-tracker',
} as const;

/** A message written straight to a topic, and the reason each group consumer of it must give. */
interface BadMessage {
  readonly key: string;
  readonly value: Buffer;
  readonly reason: PoisonReason;
}

interface RawMessage {
  readonly key: string;
  readonly value: Buffer;
}

/** Bytes that are not the Confluent wire format, and a wire-format message whose schema id no registry holds. */
const POISON: readonly BadMessage[] = [
  { key: 'not-wire-format', value: Buffer.from('not avro'), reason: 'undecodable' },
  {
    key: 'unknown-schema-id',
    value: Buffer.from([0, 0x7f, 0, 0, 1, 9, 9]),
    reason: 'unknown_schema',
  },
];

/** The example event of a type with a fresh envelope. */
function example<K extends EventType>(eventType: K): EventTypeMap[K] {
  // EXAMPLE_EVENTS maps each type to its event; TypeScript cannot follow a spread of a generic K.
  return {
    ...EXAMPLE_EVENTS[eventType],
    envelope: newEnvelope(eventType, { producer: 'test' }),
  } as EventTypeMap[K];
}

/** A well-formed event of a type the topic catalog does not list for the topic it is written to. */
function misrouted<K extends EventType>(serde: EventSerde, eventType: K): BadMessage {
  return {
    key: `misrouted-${eventType}`,
    value: serde.encode(eventType, example(eventType)),
    reason: 'unexpected_event_type',
  };
}

/** Encounters that break the field rules (an absurd one and an endless stay). */
function invalidEncounterMessages(serde: EventSerde, from: number): BadMessage[] {
  return invalidEncounters(from).map((encounter) => ({
    key: String(encounter.encounter_id),
    value: serde.encode('EncounterRecorded', encounter),
    reason: 'invalid_event',
  }));
}

/**
 * Writes the messages to partition 0 in this order: once a consumer has handled the last one,
 * it has handled (or dead-lettered) every one before it.
 */
async function writeInOrder(
  kafka: Kafka,
  topic: string,
  messages: readonly RawMessage[],
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic,
      messages: messages.map(({ key, value }) => ({ key, value, partition: 0 })),
    });
  } finally {
    await producer.disconnect();
  }
}

interface DeadLetter {
  readonly key: string;
  readonly reason: string;
  readonly error: string;
  readonly group: string;
  readonly sourceTopic: string;
  readonly sourcePartition: string;
}

/** Every dead letter of a topic, read to its end now. */
async function deadLettersOf(
  kafka: Kafka,
  topic: TopicDefinition,
  prefix: string,
): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  await replayLog(
    kafka,
    [physical(deadLetterTopicOf(topic), prefix)],
    async (_topic, _partition, message) => {
      const header = (name: string) => String(message.headers?.[name] ?? '');
      letters.push({
        key: String(message.key),
        reason: header(DLQ_HEADERS.reason),
        error: header(DLQ_HEADERS.error),
        group: header(DLQ_HEADERS.group),
        sourceTopic: header(DLQ_HEADERS.sourceTopic),
        sourcePartition: header(DLQ_HEADERS.sourcePartition),
      });
    },
    { purpose: 'bad-events-test' },
  );
  return letters;
}

/** The group dead-lettered each bad message once, with its reason, naming the topic it came from. */
async function expectDeadLettered(
  kafka: Kafka,
  topic: TopicDefinition,
  prefix: string,
  group: string,
  bad: readonly BadMessage[],
): Promise<void> {
  const letters = (await deadLettersOf(kafka, topic, prefix)).filter(
    (letter) => letter.group === group,
  );
  expect(letters.map(({ key, reason }) => `${key}: ${reason}`).sort()).toEqual(
    bad.map(({ key, reason }) => `${key}: ${reason}`).sort(),
  );
  for (const letter of letters) {
    expect(letter.sourceTopic).toBe(physical(topic, prefix));
    expect(letter.sourcePartition).toBe('0');
    expect(letter.error).not.toBe('');
  }
  for (const letter of letters.filter(({ reason }) => reason === 'unexpected_event_type'))
    expect(letter.error).toContain(`is not an event of ${topic.name} `);
}

/** The events of these types on a topic, read to its end now; the test's poison is passed over. */
async function eventsOn<T>(
  kafka: Kafka,
  serde: EventSerde,
  topic: string,
  eventTypes: readonly EventType[],
): Promise<T[]> {
  const events: T[] = [];
  await replayLog(
    kafka,
    [topic],
    async (_topic, _partition, message) => {
      try {
        const decoded = await serde.decode(message.value);
        if (eventTypes.includes(decoded.eventType)) events.push(decoded.event as T);
      } catch (error) {
        if (!(error instanceof PoisonMessageError)) throw error;
      }
    },
    { purpose: 'bad-events-test' },
  );
  return events;
}

/** The sum of a metric's samples whose labels include `labels`, from a service's /metrics. */
async function metricSum(
  app: INestApplication,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Promise<number> {
  const { text } = await request(app.getHttpServer()).get('/metrics').expect(200);
  let sum = 0;
  for (const line of text.split('\n')) {
    const sample = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (!sample || sample[1] !== name) continue;
    const sampleLabels = new Map(
      [...sample[2].matchAll(/(\w+)="([^"]*)"/g)].map(([, label, value]) => [label, value]),
    );
    if (Object.entries(labels).every(([label, value]) => sampleLabels.get(label) === value))
      sum += Number(sample[3]);
  }
  return sum;
}

async function dropSchema(schema: string): Promise<void> {
  const database = createDataSource({ url: testEndpoints().databaseUrl });
  await database.initialize();
  try {
    await database.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await database.destroy();
  }
}

describe('bad events on every input topic of every consumer group', () => {
  // Each test starts one service and closes it in `finally`; these catch what a failed start left.
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  it('trainer: readmit-trainer dead-letters them on ml.training and answers only the good request; its reads of the training set count what they leave out', async () => {
    const { kafka, prefix, serde, publisher } = await isolatedEventStreams(
      [
        TOPICS.encounters,
        TOPICS.outcomes,
        TOPICS.training,
        TOPICS.models,
        deadLetterTopicOf(TOPICS.training),
      ],
      ['EncounterRecorded', 'OutcomeRecorded', 'TrainingRequested', 'ModelPromoted'],
    );
    const root = mkdtempSync(join(tmpdir(), 'readmit-bad-events-trainer-'));
    const services = new ServiceStarter({ prefix });
    try {
      // The training set's inputs: every run replays them (no group), leaving bad ones out.
      await writeInOrder(kafka, physical(TOPICS.encounters, prefix), [
        ...POISON,
        ...invalidEncounterMessages(serde, 5_001),
      ]);
      await writeInOrder(kafka, physical(TOPICS.outcomes, prefix), POISON);
      const app = await services.start(
        { name: 'trainer', envSchema: platformEnvSchema, module: TrainerModule },
        { READMIT_OBJECT_STORE_ROOT: root, READMIT_API_KEYS: READER.entry },
      );

      const bad = [...POISON, misrouted(serde, 'ModelPromoted')];
      // As of 1970 no encounter is labelled: the run fails fast, at 'assemble'.
      const good: TrainingRequested = {
        ...example('TrainingRequested'),
        runId: randomUUID(),
        reason: 'MANUAL',
        triggeredBy: [],
        asOf: 0,
        candidates: ['logistic_regression'],
        requestedBy: 'test',
      };
      await writeInOrder(kafka, physical(TOPICS.training, prefix), [
        ...bad,
        { key: good.runId, value: serde.encode('TrainingRequested', good) },
      ]);
      await eventually(
        async () => ((await metricSum(app, 'readmit_training_runs_total')) > 0 ? true : undefined),
        60_000,
      );

      await expectDeadLettered(kafka, TOPICS.training, prefix, GROUPS.trainer, bad);
      // One run, the good request's: the bad messages started none.
      const outcomes = await eventsOn<TrainingCompleted | TrainingFailed>(
        kafka,
        serde,
        physical(TOPICS.training, prefix),
        ['TrainingCompleted', 'TrainingFailed'],
      );
      expect(outcomes).toEqual([
        expect.objectContaining({ runId: good.runId, stage: 'assemble', retriable: false }),
      ]);
      expect(await metricSum(app, 'readmit_training_runs_total')).toBe(1);
      expect(
        await metricSum(app, 'readmit_kafka_dead_letters_total', { group: GROUPS.trainer }),
      ).toBe(bad.length);
      // The run's replay of patient.encounters and patient.outcomes (no group, no dead letters).
      expect(
        await metricSum(app, 'readmit_training_events_left_out_total', {
          reason: 'invalid_event',
        }),
      ).toBe(2);
      expect(
        await metricSum(app, 'readmit_training_events_left_out_total', { reason: 'undecodable' }),
      ).toBe(2 * POISON.length);
    } finally {
      await services.stopAll();
      await publisher.disconnect();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('registry: readmit-registry and the registry projection dead-letter them on ml.training and ml.models, and decide only the good completion', async () => {
    const { kafka, prefix, serde, publisher } = await isolatedEventStreams(
      [
        TOPICS.training,
        TOPICS.models,
        deadLetterTopicOf(TOPICS.training),
        deadLetterTopicOf(TOPICS.models),
      ],
      ['TrainingCompleted', 'ModelPromoted'],
    );
    const root = mkdtempSync(join(tmpdir(), 'readmit-bad-events-registry-'));
    const schema = uniqueName('bad_events_registry').replace(/-/g, '_');
    const { databaseUrl } = testEndpoints();
    assertTestDatabase(databaseUrl);
    cleanups.push(() => dropSchema(schema));
    const services = new ServiceStarter({ prefix });
    try {
      const app = await services.start(
        { name: 'registry', envSchema: registryEnvSchema, module: RegistryModule },
        {
          READMIT_DATABASE_SCHEMA: schema,
          READMIT_OBJECT_STORE_ROOT: root,
          // A follower of ml.batches, ml.drift and ml.training without a group: not under test.
          READMIT_ORCHESTRATOR_ENABLED: 'false',
          READMIT_API_KEYS: READER.entry,
        },
      );
      const http = request.agent(app.getHttpServer()).set('x-api-key', READER.key);

      // ml.models first: the registry's decision on the good completion lands after these.
      const badOnModels = [...POISON, misrouted(serde, 'TrainingCompleted')];
      await writeInOrder(kafka, physical(TOPICS.models, prefix), badOnModels);
      const badOnTraining = [...POISON, misrouted(serde, 'ModelPromoted')];
      const artifacts = new ModelArtifactStore(new FileSystemObjectStore(root));
      const stored = await artifacts.save(MODEL, 'v1', smallModelArtifact(MODEL, 'v1'));
      const good: TrainingCompleted = {
        ...example('TrainingCompleted'),
        runId: 'run-v1',
        modelName: MODEL,
        modelVersion: 'v1',
        artifactUri: stored.uri,
        artifactSha256: stored.sha256,
        metrics: { roc_auc: 0.68, brier: 0.2 },
        subgroupMetrics: [],
        championEvaluation: null,
      };
      await writeInOrder(kafka, physical(TOPICS.training, prefix), [
        ...badOnTraining,
        { key: good.runId, value: serde.encode('TrainingCompleted', good) },
      ]);

      // The registry decided (so it got past the bad messages on ml.training), and the
      // projection applied both the completion and the decision (past those of both topics).
      await eventually(async () => {
        const { status, body } = await http.get(`/v1/models/${MODEL}/versions/v1`);
        return status === 200 && body.stage === 'champion' && body.runId === good.runId
          ? true
          : undefined;
      }, 60_000);

      await expectDeadLettered(kafka, TOPICS.training, prefix, GROUPS.registry, badOnTraining);
      const projectionGroup = projectionGroupId(registryProjection);
      await expectDeadLettered(kafka, TOPICS.training, prefix, projectionGroup, badOnTraining);
      await expectDeadLettered(kafka, TOPICS.models, prefix, projectionGroup, badOnModels);

      // One decision, on the good completion; the projection holds that version and no other.
      const decisions = await eventsOn<ModelPromoted>(
        kafka,
        serde,
        physical(TOPICS.models, prefix),
        ['ModelPromoted', 'ModelRejected', 'ModelRolledBack', 'ChallengerAssigned'],
      );
      expect(decisions.filter((event) => event.envelope.producer === REGISTRY_PRODUCER)).toEqual([
        expect.objectContaining({ modelName: MODEL, version: 'v1', previousVersion: null }),
      ]);
      const { body: versions } = await http.get(`/v1/models/${MODEL}/versions`).expect(200);
      expect(versions.versions.map((row: { version: string }) => row.version)).toEqual(['v1']);
      const { body: models } = await http.get('/v1/models').expect(200);
      expect(models.models).toEqual([
        { modelName: MODEL, versions: 1, champion: 'v1', challenger: null },
      ]);
    } finally {
      await services.stopAll();
      await publisher.disconnect();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('ingest: the batch tracker dead-letters them on patient.encounters and patient.outcomes with the batch they fall in, the batches projection on ml.batches; the batch counts only the good events', async () => {
    const { kafka, prefix, serde, publisher } = await isolatedEventStreams(
      [
        TOPICS.encounters,
        TOPICS.outcomes,
        TOPICS.batches,
        deadLetterTopicOf(TOPICS.encounters),
        deadLetterTopicOf(TOPICS.outcomes),
        deadLetterTopicOf(TOPICS.batches),
      ],
      ['EncounterRecorded', 'OutcomeRecorded', 'BatchArrived'],
    );
    const schema = uniqueName('bad_events_ingest').replace(/-/g, '_');
    const { databaseUrl } = testEndpoints();
    assertTestDatabase(databaseUrl);
    cleanups.push(() => dropSchema(schema));
    const windowSeconds = 60;
    const services = new ServiceStarter({ prefix });
    try {
      const app = await services.start(
        { name: 'ingest', envSchema: ingestEnvSchema, module: IngestModule },
        {
          READMIT_DATABASE_SCHEMA: schema,
          READMIT_INSTANCE_ID: uniqueName('ingest'),
          READMIT_BATCH_LABELS: '1000',
          READMIT_BATCH_WINDOW_SECONDS: String(windowSeconds),
          READMIT_API_KEYS: READER.entry,
        },
      );
      const http = request.agent(app.getHttpServer()).set('x-api-key', READER.key);

      // ml.batches first: the tracker's BatchArrived lands after these.
      const badOnBatches = [...POISON, misrouted(serde, 'EncounterRecorded')];
      await writeInOrder(kafka, physical(TOPICS.batches, prefix), badOnBatches);

      // The batch closes on its time window only once both partitions are read to their last
      // message (the one outcome, and the encounter a window after the others), whatever order
      // the tracker reads them in: so every bad message below falls in that batch.
      const start = Date.now();
      const encounterAt = (id: number, recordedAt: number) => ({
        key: String(id),
        value: serde.encode('EncounterRecorded', { ...exampleEncounter(id), recordedAt }),
      });
      const badOnEncounters = [
        ...POISON,
        misrouted(serde, 'OutcomeRecorded'),
        ...invalidEncounterMessages(serde, 6_001),
      ];
      await writeInOrder(kafka, physical(TOPICS.encounters, prefix), [
        ...badOnEncounters,
        encounterAt(1, start),
        encounterAt(2, start),
        encounterAt(3, start + windowSeconds * 1_000),
      ]);
      const badOnOutcomes = [...POISON, misrouted(serde, 'EncounterRecorded')];
      await writeInOrder(kafka, physical(TOPICS.outcomes, prefix), [
        ...badOnOutcomes,
        {
          key: '1',
          value: serde.encode('OutcomeRecorded', outcomeEvent(exampleEncounter(1), 'NO', start)),
        },
      ]);

      // The projection shows the batch once it got past the bad messages on ml.batches.
      await eventually(async () => {
        const { body } = await http.get('/v1/batches').expect(200);
        return body.batches.length > 0 ? true : undefined;
      }, 60_000);

      await expectDeadLettered(
        kafka,
        TOPICS.encounters,
        prefix,
        GROUPS.batchTracker,
        badOnEncounters,
      );
      await expectDeadLettered(kafka, TOPICS.outcomes, prefix, GROUPS.batchTracker, badOnOutcomes);
      await expectDeadLettered(
        kafka,
        TOPICS.batches,
        prefix,
        projectionGroupId(batchesProjection),
        badOnBatches,
      );
      expect(
        await metricSum(app, 'readmit_kafka_dead_letters_total', { group: GROUPS.batchTracker }),
      ).toBe(badOnEncounters.length + badOnOutcomes.length);

      // One batch of the good events only; its ranges cover the dead-lettered offsets too, so
      // the offsets committed with it move past them.
      const batches = await eventsOn<BatchArrived>(kafka, serde, physical(TOPICS.batches, prefix), [
        'BatchArrived',
      ]);
      expect(batches).toHaveLength(1);
      expect(batches[0]).toMatchObject({
        trigger: 'TIME_WINDOW',
        encounterCount: 3,
        labeledCount: 1,
        labelCounts: { NO: 1, AFTER_30_DAYS: 0, WITHIN_30_DAYS: 0 },
        windowStart: start,
        windowEnd: start + windowSeconds * 1_000,
        encounterRanges: [
          {
            topic: physical(TOPICS.encounters, prefix),
            partition: 0,
            fromOffset: 0,
            toOffset: badOnEncounters.length + 3,
          },
        ],
        outcomeRanges: [
          {
            topic: physical(TOPICS.outcomes, prefix),
            partition: 0,
            fromOffset: 0,
            toOffset: badOnOutcomes.length + 1,
          },
        ],
      });
      const { body } = await http.get('/v1/batches').expect(200);
      expect(body.batches).toHaveLength(1);
      expect(body.batches[0]).toMatchObject({ batchId: batches[0].batchId, encounterCount: 3 });
    } finally {
      await services.stopAll();
      await publisher.disconnect();
    }
  });

  it('monitor: its group dead-letters them on patient.encounters, patient.predictions and patient.outcomes, and windows only the good events', async () => {
    const monitored = [TOPICS.encounters, TOPICS.predictions, TOPICS.outcomes];
    const { kafka, prefix, serde, publisher } = await isolatedEventStreams(
      [
        ...monitored,
        ...monitored.map(deadLetterTopicOf),
        TOPICS.models,
        TOPICS.training,
        TOPICS.drift,
      ],
      ['EncounterRecorded', 'PredictionMade', 'OutcomeRecorded', 'ModelPromoted'],
    );
    const root = mkdtempSync(join(tmpdir(), 'readmit-bad-events-monitor-'));
    const version = 'v1';
    /** Rows per window: the good events of each kind fill exactly one. */
    const windowRows = 2;
    const services = new ServiceStarter({ prefix });
    try {
      await promoteSmallModel(publisher, root, version);
      const app = await services.start(
        { name: 'monitor', envSchema: monitorEnvSchema, module: MonitorModule },
        {
          READMIT_OBJECT_STORE_ROOT: root,
          READMIT_MODEL_NAME: MODEL,
          READMIT_DRIFT_WINDOW_ROWS: String(windowRows),
          READMIT_DRIFT_MIN_WINDOW_ROWS: String(windowRows),
        },
      );
      await app.get(MonitorProvider).whenMonitoring();
      await eventually(async () =>
        (await metricSum(app, 'readmit_monitor_champion', { version })) === 1 ? true : undefined,
      );

      const ids = [7_001, 7_002];
      const badOnEncounters = [
        ...POISON,
        misrouted(serde, 'PredictionMade'),
        ...invalidEncounterMessages(serde, 8_001),
      ];
      await writeInOrder(kafka, physical(TOPICS.encounters, prefix), [
        ...badOnEncounters,
        ...ids.map((id) => ({
          key: String(id),
          value: serde.encode('EncounterRecorded', exampleEncounter(id)),
        })),
      ]);
      const badOnPredictions = [
        ...POISON,
        misrouted(serde, 'OutcomeRecorded'),
        {
          // Decodes and keeps every field rule, but the monitor's handler refuses it.
          key: 'score-out-of-range',
          value: serde.encode(
            'PredictionMade',
            predictionEvent(encounterPseudonym(9_001), 1.5, {
              modelName: MODEL,
              modelVersion: version,
            }),
          ),
          reason: 'invalid_event' as const,
        },
      ];
      await writeInOrder(kafka, physical(TOPICS.predictions, prefix), [
        ...badOnPredictions,
        ...ids.map((id, index) => ({
          key: encounterPseudonym(id),
          value: serde.encode(
            'PredictionMade',
            predictionEvent(encounterPseudonym(id), 0.2 + 0.5 * index, {
              modelName: MODEL,
              modelVersion: version,
            }),
          ),
        })),
      ]);
      const badOnOutcomes = [...POISON, misrouted(serde, 'EncounterRecorded')];
      await writeInOrder(kafka, physical(TOPICS.outcomes, prefix), [
        ...badOnOutcomes,
        ...ids.map((id) => ({
          key: String(id),
          value: serde.encode('OutcomeRecorded', outcomeEvent(exampleEncounter(id), 'NO')),
        })),
      ]);

      const windows = (kind: string) => metricSum(app, 'readmit_monitor_windows_total', { kind });
      await eventually(
        async () =>
          (await windows('DATA')) > 0 &&
          (await windows('PREDICTION')) > 0 &&
          (await windows('PERFORMANCE')) > 0
            ? true
            : undefined,
        60_000,
        250,
      );

      const group = monitorConsumerOptions(prefix).groupId;
      await expectDeadLettered(kafka, TOPICS.encounters, prefix, group, badOnEncounters);
      await expectDeadLettered(kafka, TOPICS.predictions, prefix, group, badOnPredictions);
      await expectDeadLettered(kafka, TOPICS.outcomes, prefix, group, badOnOutcomes);

      // Had a bad event been windowed, a kind would have filled a second window (or none).
      expect([
        await windows('DATA'),
        await windows('PREDICTION'),
        await windows('PERFORMANCE'),
      ]).toEqual([1, 1, 1]);
      const events = (topic: TopicDefinition) =>
        metricSum(app, 'readmit_monitor_events_total', { topic: topic.name });
      expect(await events(TOPICS.encounters)).toBe(ids.length);
      // The out-of-range score reached the handler (and was counted) before it was refused.
      expect(await events(TOPICS.predictions)).toBe(ids.length + 1);
      expect(await events(TOPICS.outcomes)).toBe(ids.length);
    } finally {
      await services.stopAll();
      await publisher.disconnect();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
