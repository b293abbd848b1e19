import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  EXAMPLE_EVENTS,
  TOPICS,
  type BatchArrived,
  type DriftDetected,
  type EventType,
  type TrainingCompleted,
  type TrainingRequested,
} from '@readmit/contracts';
import { createService } from '@readmit/platform/bootstrap';
import { newEnvelope, type OutgoingEvent } from '@readmit/platform/kafka';
import { Client } from 'pg';
import request from 'supertest';
import { eventually, testEndpoints, uniqueName } from '../../../../test/support/endpoints';
import { isolatedEventStreams, physical, watchEvents } from '../../../../test/support/kafka';
import { testApiKey } from '../../../../test/support/api-keys';
import { registryEnvSchema } from '../registry.config';
import { RegistryModule } from '../registry.module';
import type { OrchestratorStatus } from './application/retraining-orchestrator';

const MODEL = 'readmission';
/** Reads the orchestrator's state (role read). */
const READER = testApiKey('orchestrator-watcher', ['read']);
const DEBOUNCE_MS = 1_500;
const COOLDOWN_MS = 4_000;
/** Long enough for anything the orchestrator would wrongly do to show up. */
const SETTLE_MS = DEBOUNCE_MS + 1_000;
const EVENTS: EventType[] = [
  'BatchArrived',
  'DriftDetected',
  'TrainingRequested',
  'TrainingCompleted',
  'TrainingFailed',
  'ModelPromoted',
  'ModelRejected',
  'ModelRolledBack',
  'ChallengerAssigned',
];

const settle = (ms = SETTLE_MS) => new Promise((resolve) => setTimeout(resolve, ms));
const sorted = (ids: readonly string[]) => [...ids].sort();

/** Registry services (orchestrator on) sharing topics, a database schema and an artifact root. */
async function orchestratorFixture() {
  const streams = await isolatedEventStreams(
    [TOPICS.batches, TOPICS.drift, TOPICS.training, TOPICS.models],
    EVENTS,
  );
  const schema = uniqueName('orchestrator').replace(/-/g, '_');
  const artifactsRoot = mkdtempSync(join(tmpdir(), 'readmit-orchestrator-'));
  const requests = await watchEvents<TrainingRequested>(
    streams.kafka,
    streams.serde,
    physical(TOPICS.training, streams.prefix),
    ['TrainingRequested'],
  );
  const apps = new Set<INestApplication>();
  const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = testEndpoints();

  const start = async () => {
    const app = await createService(
      { name: 'registry', envSchema: registryEnvSchema, module: RegistryModule },
      {
        READMIT_HTTP_PORT: '0',
        READMIT_LOG_LEVEL: 'fatal',
        READMIT_KAFKA_BROKERS: kafkaBrokers.join(','),
        READMIT_SCHEMA_REGISTRY_URL: schemaRegistryUrl,
        READMIT_TOPIC_PREFIX: streams.prefix,
        READMIT_DATABASE_URL: databaseUrl,
        READMIT_DATABASE_SCHEMA: schema,
        READMIT_OBJECT_STORE_ROOT: artifactsRoot,
        READMIT_API_KEYS: READER.entry,
        READMIT_MODEL_NAME: MODEL,
        READMIT_RETRAIN_DEBOUNCE_MS: String(DEBOUNCE_MS),
        READMIT_RETRAIN_COOLDOWN_MS: String(COOLDOWN_MS),
        READMIT_RETRAIN_HIGH_SEVERITY_COOLDOWN_MS: 'none',
        READMIT_RETRAIN_TASK: 'within-30-days',
        READMIT_RETRAIN_CANDIDATES: 'logistic_regression',
      },
    );
    apps.add(app);
    return app;
  };
  const stop = async (app: INestApplication) => {
    apps.delete(app);
    await app.close();
  };
  const status = async (app: INestApplication): Promise<OrchestratorStatus> =>
    (
      await request(app.getHttpServer())
        .get('/v1/orchestrator')
        .set('x-api-key', READER.key)
        .expect(200)
    ).body;
  const becomesActive = (app: INestApplication) =>
    eventually(async () => {
      const now = await status(app);
      return now.role === 'active' ? now : undefined;
    }, 45_000);

  const driftEvent = (modelName = MODEL): OutgoingEvent<'DriftDetected'> => {
    const event: DriftDetected = {
      ...EXAMPLE_EVENTS.DriftDetected,
      envelope: newEnvelope('DriftDetected', { producer: 'monitor-test' }),
      modelName,
      severity: 'MEDIUM',
    };
    return { eventType: 'DriftDetected', key: event.modelVersion, event };
  };
  const batchEvent = (): OutgoingEvent<'BatchArrived'> => {
    const event: BatchArrived = {
      ...EXAMPLE_EVENTS.BatchArrived,
      envelope: newEnvelope('BatchArrived', { producer: 'ingest-test' }),
      batchId: uniqueName('batch'),
    };
    return { eventType: 'BatchArrived', key: event.batchId, event };
  };
  /** Publishes signals in one send, so they land well within the debounce; returns their ids. */
  const signals = async (...events: OutgoingEvent[]): Promise<string[]> => {
    await streams.publisher.publishAll(events);
    return events.map((outgoing) => outgoing.event.envelope.eventId);
  };
  const drift = async (): Promise<string> => (await signals(driftEvent()))[0];
  /** The trainer's answer; the registry judges it too (and rejects it: there is no artifact). */
  const complete = async (runId: string) => {
    const event: TrainingCompleted = {
      ...EXAMPLE_EVENTS.TrainingCompleted,
      envelope: newEnvelope('TrainingCompleted', { producer: 'trainer-test' }),
      runId,
      modelName: MODEL,
      modelVersion: `v-${runId.slice(0, 8)}`,
    };
    await streams.publisher.publish('TrainingCompleted', runId, event);
  };
  const nthRequest = (n: number) => eventually(async () => requests.events[n - 1], 30_000, 200);

  return {
    requests: requests.events,
    start,
    stop,
    status,
    becomesActive,
    driftEvent,
    batchEvent,
    signals,
    drift,
    complete,
    nthRequest,
    close: async () => {
      // In parallel: each waits for its consumers' fetches in hand.
      await Promise.all([...[...apps].map((app) => app.close()), requests.stop()]);
      await streams.publisher.disconnect();
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      rmSync(artifactsRoot, { recursive: true, force: true });
    },
  };
}

type Fixture = Awaited<ReturnType<typeof orchestratorFixture>>;

describe('the retraining orchestrator (in the registry service)', () => {
  let fixture: Fixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('requests once per storm, holds signals while a run is in flight, cools down, and survives a restart', async () => {
    const orchestrator = (fixture = await orchestratorFixture());
    const first = await orchestrator.start();
    await orchestrator.becomesActive(first);

    // (a) A storm within the debounce: one request naming every signal.
    const storm = await orchestrator.signals(
      ...Array.from({ length: 5 }, () => orchestrator.driftEvent()),
      orchestrator.batchEvent(),
      orchestrator.batchEvent(),
    );
    await orchestrator.signals(orchestrator.driftEvent('another-model'));
    const run1 = await orchestrator.nthRequest(1);
    await settle();
    expect(orchestrator.requests).toHaveLength(1);
    expect(run1).toMatchObject({
      modelName: MODEL,
      reason: 'DRIFT_DETECTED',
      task: 'WITHIN_30_DAYS',
      candidates: ['logistic_regression'],
      requestedBy: 'orchestrator',
    });
    expect(run1.runId).toMatch(/^[0-9a-f]{8}-readmission-drift-\d{8}T\d{6}Z$/);
    expect(sorted(run1.triggeredBy)).toEqual(sorted(storm));
    // Caused by the signal that started the wait, in that signal's flow.
    expect(storm).toContain(run1.envelope.causationId);
    expect(run1.envelope.correlationId).toBe(run1.envelope.causationId);

    // (b) While the run is in flight, more signals wait for it.
    const held = await orchestrator.signals(orchestrator.driftEvent(), orchestrator.batchEvent());
    await settle();
    expect(orchestrator.requests).toHaveLength(1);
    expect(await orchestrator.status(first)).toMatchObject({
      role: 'active',
      pendingSignals: 2,
      runsInFlight: [{ runId: run1.runId, triggers: 7 }],
    });
    await orchestrator.complete(run1.runId);
    const run2 = await orchestrator.nthRequest(2);
    expect(sorted(run2.triggeredBy)).toEqual(sorted(held));
    // Not before the cooldown after the first request (less the time it took to publish that).
    expect(run2.envelope.occurredAt - run1.envelope.occurredAt).toBeGreaterThanOrEqual(
      COOLDOWN_MS - 500,
    );

    // (c) A new instance after a restart rebuilds the same state from the log: no duplicate.
    await orchestrator.stop(first);
    const second = await orchestrator.start();
    expect(await orchestrator.becomesActive(second)).toMatchObject({
      pendingSignals: 0,
      runsInFlight: [{ runId: run2.runId, triggers: 2 }],
    });
    await settle();
    expect(orchestrator.requests).toHaveLength(2);
    // It also knows run 2 is in flight: a new signal waits for its completion.
    const late = await orchestrator.drift();
    await orchestrator.complete(run2.runId);
    const run3 = await orchestrator.nthRequest(3);
    expect(run3.triggeredBy).toEqual([late]);
  });

  it('lets only one of two instances publish, and the standby takes over when the active one goes', async () => {
    const orchestrator = (fixture = await orchestratorFixture());
    // One after the other: two registries creating the same projection schema at once collide.
    const instances = [await orchestrator.start(), await orchestrator.start()];
    const roles = () =>
      Promise.all(instances.map(async (app) => (await orchestrator.status(app)).role));
    await eventually(async () => {
      const now = await roles();
      return sorted(now).join() === 'active,standby' ? now : undefined;
    }, 45_000);
    const [active, standby] =
      (await roles())[0] === 'active' ? instances : [...instances].reverse();

    const signal = await orchestrator.drift();
    const run1 = await orchestrator.nthRequest(1);
    expect(run1.triggeredBy).toEqual([signal]);
    await settle();
    expect(orchestrator.requests).toHaveLength(1);
    expect((await orchestrator.status(standby)).role).toBe('standby');

    await orchestrator.stop(active);
    expect(await orchestrator.becomesActive(standby)).toMatchObject({
      runsInFlight: [{ runId: run1.runId, triggers: 1 }],
    });
    await orchestrator.complete(run1.runId);
    const next = await orchestrator.drift();
    const run2 = await orchestrator.nthRequest(2);
    expect(run2.triggeredBy).toEqual([next]);
    await settle();
    expect(orchestrator.requests).toHaveLength(2);
  });
});
