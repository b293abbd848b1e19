import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  deadLetterTopicOf,
  EXAMPLE_EVENTS,
  TOPICS,
  type DriftDetected,
  type EventType,
} from '@readmit/contracts';
import { createService } from '@readmit/platform/bootstrap';
import { DLQ_HEADERS, newEnvelope, type OutgoingEvent } from '@readmit/platform/kafka';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import request from 'supertest';
import { invalidEncounters, misroutedEvent } from '../../../test/support/encounters';
import { eventually, testEndpoints } from '../../../test/support/endpoints';
import {
  isolatedEventStreams,
  physical,
  readTopic,
  watchEvents,
} from '../../../test/support/kafka';
import {
  encounterEvent,
  outcomeEvent,
  predictionEvent,
  syntheticLabelled,
  syntheticModel,
  type LabelledEncounter,
} from '../../../test/support/synthetic-traffic';
import { MonitorProvider } from './application/monitor.provider';
import { monitorEnvSchema } from './monitor.config';
import { MonitorModule } from './monitor.module';
import { encounterPseudonym } from '../../../test/support/pseudonyms';

const MODEL = 'readmission';
const VERSION = 'v1';
/**
 * Tumbling windows of exactly the rows each phase publishes: whatever order the six partitions
 * are read in, a window holds exactly one phase's encounters, so the verdicts are deterministic.
 */
const WINDOW = 3_000;

describe('the monitor service on the local platform', () => {
  let streams: Awaited<ReturnType<typeof isolatedEventStreams>>;
  let root: string;
  let app: INestApplication;
  let drifts: Awaited<ReturnType<typeof watchEvents<DriftDetected>>>;
  const model = syntheticModel(MODEL, VERSION, { rows: 10_000, seed: 3, target: 'any' });

  const publish = async (events: OutgoingEvent[]) => {
    for (let start = 0; start < events.length; start += 1_000)
      await streams.publisher.publishAll(events.slice(start, start + 1_000));
  };
  const trafficOf = (
    rows: readonly LabelledEncounter[],
    parts: { predictions: boolean; outcomes: boolean },
  ) =>
    rows.flatMap((row): OutgoingEvent[] => {
      const key = row.encounter.encounter_id;
      const events: OutgoingEvent[] = [
        { eventType: 'EncounterRecorded', key, event: encounterEvent(row.encounter) },
      ];
      if (parts.predictions)
        events.push({
          eventType: 'PredictionMade',
          key,
          event: predictionEvent(row.encounter.encounter_id, model.score(row.encounter), {
            modelName: MODEL,
            modelVersion: VERSION,
          }),
        });
      if (parts.outcomes)
        events.push({
          eventType: 'OutcomeRecorded',
          key,
          event: outcomeEvent(row.encounter, row.outcome),
        });
      return events;
    });
  const metric = async (pattern: RegExp): Promise<number> => {
    const { text } = await request(app.getHttpServer()).get('/metrics').expect(200);
    const match = pattern.exec(text);
    return match ? Number(match[1]) : 0;
  };
  const windows = (kind: string, verdict: string) =>
    metric(
      new RegExp(
        `^readmit_monitor_windows_total\\{kind="${kind}",verdict="${verdict}",service="monitor"\\} (\\d+)$`,
        'm',
      ),
    );

  beforeAll(async () => {
    const monitored = [TOPICS.encounters, TOPICS.predictions, TOPICS.outcomes];
    const produced: EventType[] = [
      'EncounterRecorded',
      'PredictionMade',
      'OutcomeRecorded',
      'ModelPromoted',
      'TrainingCompleted',
    ];
    streams = await isolatedEventStreams(
      [
        ...monitored,
        ...monitored.map(deadLetterTopicOf),
        TOPICS.models,
        TOPICS.training,
        TOPICS.drift,
      ],
      produced,
    );
    root = mkdtempSync(join(tmpdir(), 'readmit-monitor-'));
    drifts = await watchEvents<DriftDetected>(
      streams.kafka,
      streams.serde,
      physical(TOPICS.drift, streams.prefix),
    );
    const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = testEndpoints();
    app = await createService(
      { name: 'monitor', envSchema: monitorEnvSchema, module: MonitorModule },
      {
        READMIT_HTTP_PORT: '0',
        READMIT_LOG_LEVEL: 'fatal',
        READMIT_KAFKA_BROKERS: kafkaBrokers.join(','),
        READMIT_SCHEMA_REGISTRY_URL: schemaRegistryUrl,
        READMIT_DATABASE_URL: databaseUrl,
        READMIT_TOPIC_PREFIX: streams.prefix,
        READMIT_OBJECT_STORE_ROOT: root,
        READMIT_DRIFT_WINDOW_ROWS: String(WINDOW),
      },
    );
    await app.get(MonitorProvider).whenMonitoring();
  });

  afterAll(async () => {
    await app?.close();
    await drifts?.stop();
    await streams?.publisher.disconnect();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('counts and drops traffic while there is no champion, and /ready says why', async () => {
    await publish(trafficOf(syntheticLabelled(50, 21), { predictions: false, outcomes: false }));
    // Events that break the field rules or do not belong on the topic are dead-lettered, never counted.
    await publish(
      invalidEncounters(900_001).map((event) => ({
        eventType: 'EncounterRecorded' as const,
        key: event.encounter_id,
        event,
      })),
    );
    const producer = streams.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: physical(TOPICS.encounters, streams.prefix),
      messages: [{ key: 'misrouted', value: misroutedEvent(streams.serde) }],
    });
    await producer.disconnect();
    const letters = await readTopic(
      streams.kafka,
      physical(deadLetterTopicOf(TOPICS.encounters), streams.prefix),
      { count: 3 },
    );
    expect(
      Object.fromEntries(
        letters.map(({ message }) => [
          String(message.key),
          String(message.headers?.[DLQ_HEADERS.reason]),
        ]),
      ),
    ).toEqual({
      [encounterPseudonym(900_001)]: 'invalid_event',
      [encounterPseudonym(900_002)]: 'invalid_event',
      misrouted: 'unexpected_event_type',
    });
    await eventually(async () =>
      (await metric(
        /readmit_monitor_dropped_events_total\{topic="patient.encounters",reason="no_champion"\S*\} (\d+)/,
      )) === 50
        ? true
        : undefined,
    );
    expect(
      await metric(
        /^readmit_monitor_events_total\{topic="patient.encounters",service="monitor"\} (\d+)$/m,
      ),
    ).toBe(50);
    const { body } = await request(app.getHttpServer()).get('/ready').expect(503);
    expect(body.checks.champion.error).toContain(`no champion of ${MODEL} yet`);
  });

  it('follows a promotion, sees stable traffic as stable, and detects drifted encounters', async () => {
    const artifacts = new ModelArtifactStore(new FileSystemObjectStore(root));
    const stored = await artifacts.save(MODEL, VERSION, model.artifact);
    await streams.publisher.publish('TrainingCompleted', 'run-1', {
      ...EXAMPLE_EVENTS.TrainingCompleted,
      envelope: newEnvelope('TrainingCompleted', { producer: 'test' }),
      modelName: MODEL,
      modelVersion: VERSION,
      artifactUri: stored.uri,
      artifactSha256: stored.sha256,
      metrics: { roc_auc: model.holdout.rocAuc, brier: model.holdout.brier },
      championEvaluation: null,
    });
    await streams.publisher.publish('ModelPromoted', MODEL, {
      ...EXAMPLE_EVENTS.ModelPromoted,
      envelope: newEnvelope('ModelPromoted', { producer: 'test' }),
      modelName: MODEL,
      version: VERSION,
      previousVersion: null,
      artifactUri: stored.uri,
      artifactSha256: stored.sha256,
      threshold: model.threshold,
    });
    await eventually(async () => {
      const { status } = await request(app.getHttpServer()).get('/ready');
      return status === 200 ? true : undefined;
    });

    // Stable: the population the model was trained on, its predictions and their outcomes.
    await publish(trafficOf(syntheticLabelled(WINDOW, 11), { predictions: true, outcomes: true }));
    await eventually(
      async () =>
        (await windows('DATA', 'stable')) === 1 &&
        (await windows('PREDICTION', 'stable')) === 1 &&
        (await windows('PERFORMANCE', 'stable')) === 1
          ? true
          : undefined,
      30_000,
      250,
    );
    expect(drifts.events).toEqual([]);

    // A poison message goes to the dead-letter topic and consumption goes on.
    const producer = streams.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: physical(TOPICS.encounters, streams.prefix),
      messages: [{ key: 'poison', value: Buffer.from('not an Avro event') }],
    });
    await producer.disconnect();
    // (after the three of the first test)
    const letters = await readTopic(
      streams.kafka,
      physical(deadLetterTopicOf(TOPICS.encounters), streams.prefix),
      {
        count: 4,
      },
    );
    expect(letters).toHaveLength(4);
    expect(
      letters
        .find(({ message }) => String(message.key) === 'poison')
        ?.message.headers?.[DLQ_HEADERS.reason]?.toString(),
    ).toBe('undecodable');

    // Drift: older patients, more emergency admissions.
    const drifted = syntheticLabelled(WINDOW, 12, {
      from: 0,
      olderPopulation: 0.6,
      moreEmergencies: 0.5,
    });
    await publish(trafficOf(drifted, { predictions: false, outcomes: false }));
    const drift = await eventually(
      async () => drifts.events.find((event) => event.kind === 'DATA'),
      30_000,
      250,
    );
    expect(drift).toMatchObject({
      modelName: MODEL,
      modelVersion: VERSION,
      kind: 'DATA',
      windowSize: WINDOW,
      datasetDrift: false,
    });
    expect(drift.driftedFeatures).toEqual(
      expect.arrayContaining(['age_band', 'admission_type_id']),
    );
    expect(drift.windowStart).toBeLessThanOrEqual(drift.windowEnd);
    expect(drifts.events.map((event) => event.kind)).toEqual(['DATA']);
    expect(
      await metric(
        /^readmit_drift_alerts_total\{kind="DATA",severity="(?:LOW|MEDIUM|HIGH)",service="monitor"\} (\d+)$/m,
      ),
    ).toBe(1);
    expect(
      await metric(
        /^readmit_monitor_events_total\{topic="patient.outcomes",service="monitor"\} (\d+)$/m,
      ),
    ).toBe(WINDOW);

    // Keyed by the model version on ml.drift.
    const [message] = await readTopic(streams.kafka, physical(TOPICS.drift, streams.prefix), {
      count: 1,
    });
    expect(message.message.key?.toString()).toBe(VERSION);
  });
});
