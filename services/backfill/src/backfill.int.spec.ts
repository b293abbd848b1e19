import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { INestApplication } from '@nestjs/common';
import {
  EXAMPLE_EVENTS,
  TOPICS,
  type BackfillCompleted,
  type BackfillProgressed,
  type BackfillRequested,
  type PredictionMade,
} from '@readmit/contracts';
import { createService } from '@readmit/platform/bootstrap';
import { EventPublisher, EventSerde, KafkaMetrics, newEnvelope } from '@readmit/platform/kafka';
import { createLocalKekFile } from '@readmit/platform/privacy/keys';
import type { PatientSealing } from '@readmit/platform/privacy/sealing';
import { Registry } from 'prom-client';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { Client } from 'pg';
import { PREDICTION_TABLE } from './infrastructure/prediction-table';
import { smallModelArtifact } from '../../../test/support/artifacts';
import { dropTestSchema } from '../../../test/support/database';
import { invalidEncounters, misroutedEvent } from '../../../test/support/encounters';
import { fixtureSealing } from '../../../test/fixtures/fixture-sealing';
import { eventually, testEndpoints, uniqueName } from '../../../test/support/endpoints';
import {
  exampleEncounter,
  isolatedEventStreams,
  physical,
  quietLogger,
  readTopic,
  watchEvents,
} from '../../../test/support/kafka';
import { startFixture } from '../../../test/support/processes';
import { backfillEnvSchema } from './backfill.config';
import { BackfillModule } from './backfill.module';
import { idOfPseudonym } from '../../../test/support/pseudonyms';

const MODEL = 'readmission';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Topics under a prefix of their own, a champion v1, a trained (never served) v2, watchers. */
async function backfillFixture() {
  const streams = await isolatedEventStreams(
    [
      TOPICS.encounters,
      TOPICS.predictions,
      TOPICS.backfillPredictions,
      TOPICS.backfills,
      TOPICS.models,
      TOPICS.training,
    ],
    [
      'EncounterRecorded',
      'PredictionMade',
      'ModelPromoted',
      'TrainingCompleted',
      'BackfillRequested',
      'BackfillProgressed',
      'BackfillCompleted',
    ],
  );
  const root = mkdtempSync(join(tmpdir(), 'readmit-backfill-'));
  const artifacts = new ModelArtifactStore(new FileSystemObjectStore(root));
  const v1 = await artifacts.save(MODEL, 'v1', smallModelArtifact(MODEL, 'v1', 0.3));
  await streams.publisher.publish('ModelPromoted', MODEL, {
    ...EXAMPLE_EVENTS.ModelPromoted,
    envelope: newEnvelope('ModelPromoted', { producer: 'test' }),
    modelName: MODEL,
    version: 'v1',
    previousVersion: null,
    artifactUri: v1.uri,
    artifactSha256: v1.sha256,
    threshold: 0.3,
  });
  const v2 = await artifacts.save(MODEL, 'v2', smallModelArtifact(MODEL, 'v2', 0.6));
  await streams.publisher.publish('TrainingCompleted', 'run-v2', {
    ...EXAMPLE_EVENTS.TrainingCompleted,
    envelope: newEnvelope('TrainingCompleted', { producer: 'test' }),
    modelName: MODEL,
    modelVersion: 'v2',
    artifactUri: v2.uri,
    artifactSha256: v2.sha256,
    threshold: 0.6,
  });
  const predictions = await watchEvents<PredictionMade>(
    streams.kafka,
    streams.serde,
    physical(TOPICS.backfillPredictions, streams.prefix),
  );
  const backfills = await watchEvents<BackfillProgressed | BackfillCompleted | BackfillRequested>(
    streams.kafka,
    streams.serde,
    physical(TOPICS.backfills, streams.prefix),
  );
  const publishEncounters = async (from: number, count: number) => {
    for (let start = from; start < from + count; start += 1_000) {
      const ids = Array.from(
        { length: Math.min(1_000, from + count - start) },
        (_, i) => start + i,
      );
      await streams.publisher.publishAll(
        ids.map((id) => ({
          eventType: 'EncounterRecorded' as const,
          key: String(id),
          event: exampleEncounter(id),
        })),
      );
    }
  };
  const request = (fields: Partial<BackfillRequested>): BackfillRequested => ({
    envelope: newEnvelope('BackfillRequested', { producer: 'test' }),
    backfillId: uniqueName('backfill'),
    fromTime: null,
    toTime: null,
    offsetRanges: [],
    modelVersion: 'champion',
    targets: ['TOPIC'],
    maxRatePerSecond: null,
    requestedBy: 'test',
    ...fields,
  });
  const requestBackfill = async (fields: Partial<BackfillRequested>) => {
    const asked = request(fields);
    await streams.publisher.publish('BackfillRequested', asked.backfillId, asked);
    return asked;
  };
  const ended = (backfillId: string) =>
    eventually(
      async () =>
        backfills.events.find(
          (event): event is BackfillCompleted =>
            event.envelope.eventType === 'BackfillCompleted' && event.backfillId === backfillId,
        ),
      120_000,
    );
  /** A backfill's predictions: each is caused by its request. */
  const predictionsOf = (asked: BackfillRequested) =>
    predictions.events.filter(
      (prediction) => prediction.envelope.causationId === asked.envelope.eventId,
    );
  return {
    ...streams,
    root,
    predictions: predictions.events,
    backfills: backfills.events,
    publishEncounters,
    requestBackfill,
    ended,
    predictionsOf,
    close: async () => {
      await predictions.stop();
      await backfills.stop();
      await streams.publisher.disconnect();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The encounters of table rows, by the number each pseudonym stands for, in order. */
const byNumber = (rows: ReadonlyArray<{ encounter_id: string }>) =>
  rows.map((row) => idOfPseudonym(row.encounter_id)).sort((a, b) => a - b);

/** The TABLE target's rows of one backfill, by encounter id. */
async function tableRows(backfillId: string) {
  const client = new Client({ connectionString: testEndpoints().databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{
      encounter_id: string;
      model_version: string;
      score: number;
      label: boolean;
    }>(
      `SELECT encounter_id, model_version, score, label FROM ${PREDICTION_TABLE}
       WHERE backfill_id = $1 ORDER BY encounter_id`,
      [backfillId],
    );
    return result.rows;
  } finally {
    await client.end();
  }
}

/** The encounters predicted, by the number each pseudonym stands for. */
const ids = (predictions: readonly PredictionMade[]) =>
  predictions.map((prediction) => idOfPseudonym(prediction.encounter_id)).sort((a, b) => a - b);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => from + index);

describe('backfills: exactly one prediction per encounter in range', () => {
  let fixture: Awaited<ReturnType<typeof backfillFixture>>;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    fixture = await backfillFixture();
    const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = testEndpoints();
    app = await createService(
      { name: 'backfill', envSchema: backfillEnvSchema, module: BackfillModule },
      {
        READMIT_HTTP_PORT: '0',
        READMIT_LOG_LEVEL: 'fatal',
        READMIT_KAFKA_BROKERS: kafkaBrokers.join(','),
        READMIT_SCHEMA_REGISTRY_URL: schemaRegistryUrl,
        READMIT_DATABASE_URL: databaseUrl,
        READMIT_TOPIC_PREFIX: fixture.prefix,
        READMIT_OBJECT_STORE_ROOT: fixture.root,
        READMIT_BACKFILL_CHUNK: '700',
      },
    );
  });

  afterAll(async () => {
    await app?.close();
    await fixture.close();
  });

  it('re-scores a time range with the champion: the encounters inside it, each once', async () => {
    await fixture.publishEncounters(1, 2_000);
    await sleep(200);
    const fromTime = Date.now();
    await sleep(200);
    await fixture.publishEncounters(2_001, 3_000);
    await sleep(200);
    const toTime = Date.now();
    await sleep(200);
    await fixture.publishEncounters(5_001, 1_000);

    const asked = await fixture.requestBackfill({ fromTime, toTime });
    const completed = await fixture.ended(asked.backfillId);
    await sleep(1_000);
    const made = fixture.predictionsOf(asked);
    expect(completed.status).toBe('COMPLETED');
    expect(completed.processed).toBe(3_000);
    expect(completed.modelVersion).toBe('v1');
    expect(ids(made)).toEqual(range(2_001, 5_000));
    expect(new Set(made.map((prediction) => prediction.modelVersion))).toEqual(new Set(['v1']));
    expect(new Set(made.map((prediction) => prediction.envelope.eventId)).size).toBe(3_000);
    const [first] = made;
    expect(first.label).toBe(first.score >= 0.3);
    expect(first.sourceTopic).toBe(physical(TOPICS.encounters, fixture.prefix));
    const progress = fixture.backfills.filter(
      (event): event is BackfillProgressed =>
        event.envelope.eventType === 'BackfillProgressed' && event.backfillId === asked.backfillId,
    );
    expect(progress.at(-1)?.processed).toBe(3_000);
    expect(progress.at(-1)?.checkpoints).toEqual(progress.at(-1)?.ranges);
  });

  it('re-scores offset ranges with a version that never served, and a repeated request adds nothing', async () => {
    const encounters = physical(TOPICS.encounters, fixture.prefix);
    const admin = fixture.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(encounters).finally(() => admin.disconnect());
    // The catalog's name, as a BatchArrived's lineage would give it.
    const offsetRanges = offsets.map(({ partition, high }) => ({
      topic: TOPICS.encounters.name,
      partition,
      fromOffset: 0,
      toOffset: Number(high),
    }));
    const asked = await fixture.requestBackfill({ offsetRanges, modelVersion: 'v2' });
    const completed = await fixture.ended(asked.backfillId);
    // The same request again (a retried publish): the backfill has ended, nothing is redone.
    await fixture.publisher.publish('BackfillRequested', asked.backfillId, {
      ...asked,
      envelope: newEnvelope('BackfillRequested', { producer: 'test' }),
    });
    await sleep(3_000);
    expect(completed.status).toBe('COMPLETED');
    expect(completed.modelVersion).toBe('v2');
    const made = fixture.predictions.filter((prediction) => prediction.modelVersion === 'v2');
    expect(ids(made)).toEqual(range(1, 6_000));
    expect(made.every((prediction) => prediction.label === prediction.score >= 0.6)).toBe(true);
  });

  it('stops a backfill cancelled while it runs, and goes on with the next one', async () => {
    const asked = await fixture.requestBackfill({ maxRatePerSecond: 1_000 });
    await eventually(
      async () => (fixture.predictionsOf(asked).length >= 1_000 ? true : undefined),
      60_000,
      20,
    );
    await fixture.publisher.publish('BackfillCompleted', asked.backfillId, {
      envelope: newEnvelope('BackfillCompleted', { producer: 'test' }),
      backfillId: asked.backfillId,
      status: 'CANCELLED',
      processed: 0,
      durationMs: 0,
      modelVersion: '',
      reason: 'test',
    });
    await sleep(2_000);
    const atCancel = fixture.predictionsOf(asked).length;
    await sleep(2_000);
    expect(fixture.predictionsOf(asked).length).toBe(atCancel);
    expect(atCancel).toBeLessThan(6_000);
    const ends = fixture.backfills.filter(
      (event) =>
        event.envelope.eventType === 'BackfillCompleted' && event.backfillId === asked.backfillId,
    );
    expect(ends).toHaveLength(1);
  });

  it('writes the TABLE target: one row per encounter of the range, nothing on the topic', async () => {
    const asked = await fixture.requestBackfill({ targets: ['TABLE'], modelVersion: 'v2' });
    const completed = await fixture.ended(asked.backfillId);
    expect(completed.status).toBe('COMPLETED');
    expect(completed.processed).toBe(6_000);
    const rows = await tableRows(asked.backfillId);
    expect(byNumber(rows)).toEqual(range(1, 6_000));
    expect(rows.every((row) => row.model_version === 'v2' && row.label === row.score >= 0.6)).toBe(
      true,
    );
    expect(fixture.predictionsOf(asked)).toHaveLength(0);
  });

  it('fails a backfill of a version that does not exist', async () => {
    const asked = await fixture.requestBackfill({ modelVersion: 'v404' });
    const completed = await fixture.ended(asked.backfillId);
    expect(completed.status).toBe('FAILED');
    expect(completed.reason).toContain('v404');
  });
});

describe('backfills: killed and resumed', () => {
  it('SIGKILLed mid-backfill and started again: still exactly one prediction per encounter', async () => {
    const fixture = await backfillFixture();
    const { kafkaBrokers, schemaRegistryUrl } = testEndpoints();
    const env = {
      BROKERS: kafkaBrokers.join(','),
      REGISTRY_URL: schemaRegistryUrl,
      PREFIX: fixture.prefix,
      ARTIFACTS: fixture.root,
      CHUNK: '250',
    };
    let backfill: ChildProcess | undefined;
    try {
      await fixture.publishEncounters(1, 10_000);
      backfill = startFixture('backfill-process', env);
      // Throttled to about 4 s, so the kill lands in the middle.
      const asked = await fixture.requestBackfill({ maxRatePerSecond: 2_500 });
      const progressOf = () =>
        fixture.backfills.filter(
          (event): event is BackfillProgressed =>
            event.envelope.eventType === 'BackfillProgressed' &&
            event.backfillId === asked.backfillId,
        );
      await eventually(
        async () => ((progressOf().at(-1)?.processed ?? 0) >= 2_000 ? true : undefined),
        90_000,
        20,
      );
      const exited = new Promise((resolve) => backfill?.once('exit', resolve));
      backfill.kill('SIGKILL');
      await exited;
      const atKill = progressOf().at(-1)?.processed ?? 0;
      backfill = startFixture('backfill-process', env);
      const completed = await fixture.ended(asked.backfillId);
      await eventually(
        async () => (fixture.predictions.length >= 10_000 ? true : undefined),
        60_000,
      );
      await sleep(2_000);
      expect(atKill).toBeLessThan(10_000);
      expect(completed.status).toBe('COMPLETED');
      expect(completed.processed).toBe(10_000);
      expect(fixture.predictions).toHaveLength(10_000);
      expect(ids(fixture.predictions)).toEqual(range(1, 10_000));
      // The second process went on from a checkpoint rather than from the start.
      const resumedFrom = progressOf().find(
        (event, index, all) => index > 0 && event.processed < all[index - 1].processed,
      );
      expect(resumedFrom).toBeUndefined();
    } finally {
      backfill?.kill('SIGKILL');
      await fixture.close();
    }
  });
});

describe('backfills: large chunks and broken runs', () => {
  it('commits chunks larger than one produce request: both targets, every encounter once', async () => {
    const fixture = await backfillFixture();
    const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = testEndpoints();
    let backfill: ChildProcess | undefined;
    try {
      // About 5,000 encounters per partition: a whole partition's chunk, whose predictions all
      // go to one partition (they keep their encounters' keys), is over 1 MiB.
      await fixture.publishEncounters(1, 30_000);
      backfill = startFixture('backfill-process', {
        BROKERS: kafkaBrokers.join(','),
        REGISTRY_URL: schemaRegistryUrl,
        PREFIX: fixture.prefix,
        ARTIFACTS: fixture.root,
        CHUNK: '6000',
        DATABASE_URL: databaseUrl,
        MAX_ATTEMPTS: '1',
      });
      const asked = await fixture.requestBackfill({ targets: ['TOPIC', 'TABLE'] });
      const completed = await fixture.ended(asked.backfillId);
      // The watcher reads 30,000 predictions: on a busy machine it trails the end by seconds.
      await eventually(
        async () => (fixture.predictionsOf(asked).length >= 30_000 ? true : undefined),
        60_000,
      );
      await sleep(1_000);
      expect(completed.reason).toBeNull();
      expect(completed.status).toBe('COMPLETED');
      expect(completed.processed).toBe(30_000);
      expect(ids(fixture.predictionsOf(asked))).toEqual(range(1, 30_000));
      const rows = await tableRows(asked.backfillId);
      expect(byNumber(rows)).toEqual(range(1, 30_000));
    } finally {
      backfill?.kill('SIGKILL');
      await fixture.close();
    }
  });

  it('fails a backfill whose runs keep breaking, after the allowed attempts', async () => {
    const fixture = await backfillFixture();
    const { kafkaBrokers, schemaRegistryUrl } = testEndpoints();
    let backfill: ChildProcess | undefined;
    try {
      await fixture.publishEncounters(1, 100);
      backfill = startFixture('backfill-process', {
        BROKERS: kafkaBrokers.join(','),
        REGISTRY_URL: schemaRegistryUrl,
        PREFIX: fixture.prefix,
        ARTIFACTS: fixture.root,
        // Nothing listens there: every run breaks on its table.
        DATABASE_URL: 'postgres://readmit@127.0.0.1:1/readmit_test',
        MAX_ATTEMPTS: '3',
        RETRY_DELAY_MS: '100',
      });
      const asked = await fixture.requestBackfill({ targets: ['TABLE'] });
      const completed = await fixture.ended(asked.backfillId);
      expect(completed.status).toBe('FAILED');
      expect(completed.reason).toMatch(/gave up after 3 broken runs; the last: .*TABLE target/);
    } finally {
      backfill?.kill('SIGKILL');
      await fixture.close();
    }
  });
});

describe('backfills: encounters that break the field rules', () => {
  it('re-scores only the valid encounters, and says how many it skipped and why', async () => {
    const fixture = await backfillFixture();
    const { kafkaBrokers, schemaRegistryUrl } = testEndpoints();
    let backfill: ChildProcess | undefined;
    const producer = fixture.kafka.producer();
    try {
      await fixture.publishEncounters(1, 100);
      await fixture.publisher.publishAll(
        invalidEncounters(101).map((event) => ({
          eventType: 'EncounterRecorded' as const,
          key: String(event.encounter_id),
          event,
        })),
      );
      await producer.connect();
      await producer.send({
        topic: physical(TOPICS.encounters, fixture.prefix),
        messages: [{ key: 'misrouted', value: misroutedEvent(fixture.serde) }],
      });
      backfill = startFixture('backfill-process', {
        BROKERS: kafkaBrokers.join(','),
        REGISTRY_URL: schemaRegistryUrl,
        PREFIX: fixture.prefix,
        ARTIFACTS: fixture.root,
        CHUNK: '40',
      });
      const asked = await fixture.requestBackfill({});
      const completed = await fixture.ended(asked.backfillId);
      expect(completed.status).toBe('COMPLETED');
      // One prediction per valid encounter, written before the end in the same transactions.
      expect(completed.processed).toBe(100);
      expect(completed.reason).toBe(
        '2 encounters break the field rules and were not scored; 1 records were not encounters or could not be scored',
      );
      await eventually(async () => (fixture.predictionsOf(asked).length >= 100 ? true : undefined));
      expect(ids(fixture.predictionsOf(asked))).toEqual(range(1, 100));
    } finally {
      await producer.disconnect();
      backfill?.kill('SIGKILL');
      await fixture.close();
    }
  });
});

describe('backfills of a sealed log', () => {
  it('fails without keys, saying why; with them re-scores every encounter and seals the predictions', async () => {
    const fixture = await backfillFixture();
    const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = testEndpoints();
    const keySchema = uniqueName('backfill_keys').replace(/-/g, '_');
    const kekFile = join(fixture.root, 'kek');
    createLocalKekFile(kekFile);
    const sealingEnv = {
      SEALING_KEK: `local:${kekFile}`,
      SEALING_DATABASE_URL: databaseUrl,
      SEALING_SCHEMA: keySchema,
    };
    const sealing = (await fixtureSealing(sealingEnv)) as PatientSealing;
    const sealed = EventSerde.create(schemaRegistryUrl, {
      topicPrefix: fixture.prefix,
      sealer: sealing.sealer,
    });
    await sealed.register(['EncounterRecorded', 'PredictionMade']);
    const publisher = new EventPublisher(
      fixture.kafka,
      sealed,
      KafkaMetrics.for(new Registry()),
      quietLogger,
      fixture.prefix,
    );
    const shared = {
      BROKERS: kafkaBrokers.join(','),
      REGISTRY_URL: schemaRegistryUrl,
      PREFIX: fixture.prefix,
      ARTIFACTS: fixture.root,
      CHUNK: '40',
    };
    let backfill: ChildProcess | undefined;
    try {
      await publisher.publishAll(
        range(1, 60).map((id) => ({
          eventType: 'EncounterRecorded' as const,
          key: String(id),
          event: exampleEncounter(id),
        })),
      );

      // A backfill without the KEK would read 60 dead letters and "complete" with nothing.
      backfill = startFixture('backfill-process', shared);
      const keyless = await fixture.requestBackfill({});
      const refused = await fixture.ended(keyless.backfillId);
      expect(refused.status).toBe('FAILED');
      expect(refused.reason).toContain(
        "the encounters are sealed under patients' data keys and this backfill holds none",
      );
      backfill.kill('SIGKILL');

      // With the keys: every encounter re-scored, each prediction sealed under its patient's key.
      backfill = startFixture('backfill-process', { ...shared, ...sealingEnv });
      const asked = await fixture.requestBackfill({});
      const completed = await fixture.ended(asked.backfillId);
      expect(completed.status).toBe('COMPLETED');
      expect(completed.processed).toBe(60);
      const written = (
        await readTopic(fixture.kafka, physical(TOPICS.backfillPredictions, fixture.prefix), {
          count: 60,
        })
      ).map(({ message }) => message.value as Buffer);
      expect(written).toHaveLength(60);
      // The fixture's own reader holds no keys: it saw none of them.
      expect(fixture.predictionsOf(asked)).toHaveLength(0);
      const opened = await sealed.decodeAll(written);
      const predictions = opened.map((item) => (item as { event: PredictionMade }).event);
      expect(ids(predictions)).toEqual(range(1, 60));
      expect(predictions.every((p) => p.patient_nbr !== null && p.score >= 0 && p.score <= 1)).toBe(
        true,
      );
    } finally {
      backfill?.kill('SIGKILL');
      await publisher.disconnect();
      await sealing.close();
      await dropTestSchema(keySchema);
      await fixture.close();
    }
  });
});

describe('backfills beside live scoring', () => {
  it('leaves live predictions correct: each live encounter scored once by the champion, as the backfill scores it', async () => {
    const fixture = await backfillFixture();
    const { kafkaBrokers, schemaRegistryUrl } = testEndpoints();
    const shared = {
      BROKERS: kafkaBrokers.join(','),
      REGISTRY_URL: schemaRegistryUrl,
      PREFIX: fixture.prefix,
      ARTIFACTS: fixture.root,
    };
    const processes: ChildProcess[] = [];
    let live: Awaited<ReturnType<typeof watchEvents<PredictionMade>>> | undefined;
    try {
      live = await watchEvents<PredictionMade>(
        fixture.kafka,
        fixture.serde,
        physical(TOPICS.predictions, fixture.prefix),
      );
      const events = live.events;
      await fixture.publishEncounters(1, 5_000);
      processes.push(
        startFixture('scoring-process', {
          ...shared,
          GROUP: uniqueName('scoring'),
          TRANSACTIONAL_ID: uniqueName('scoring-0'),
          BATCH: '200',
        }),
      );
      await eventually(async () => (events.length >= 5_000 ? true : undefined), 90_000);
      processes.push(startFixture('backfill-process', { ...shared, CHUNK: '1000' }));
      await sleep(200);
      const asked = await fixture.requestBackfill({ toTime: Date.now() });
      // Live traffic keeps arriving while the backfill re-scores the history.
      for (let from = 5_001; from <= 8_000; from += 300) {
        await fixture.publishEncounters(from, 300);
        await sleep(100);
      }
      const completed = await fixture.ended(asked.backfillId);
      await eventually(async () => (events.length >= 8_000 ? true : undefined), 90_000);
      await sleep(2_000);

      expect(completed.status).toBe('COMPLETED');
      expect(events).toHaveLength(8_000);
      expect(ids(events)).toEqual(range(1, 8_000));
      expect(new Set(events.map((prediction) => prediction.modelVersion))).toEqual(new Set(['v1']));
      const backfilled = fixture.predictionsOf(asked);
      expect(ids(backfilled)).toEqual(range(1, 5_000));
      // The same model over the same encounters: the live scores are the backfill's.
      const liveScore = new Map(
        events.map((prediction) => [prediction.encounter_id, prediction.score]),
      );
      expect(
        backfilled.every(
          (prediction) => liveScore.get(prediction.encounter_id) === prediction.score,
        ),
      ).toBe(true);
      // And the backfill wrote nothing to the live topic.
      expect(
        events.every((prediction) => prediction.envelope.producer !== 'backfill-fixture'),
      ).toBe(true);
    } finally {
      for (const child of processes) child.kill('SIGKILL');
      await live?.stop();
      await fixture.close();
    }
  }, 300_000);
});
