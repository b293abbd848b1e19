import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import {
  EXAMPLE_EVENTS,
  TOPICS,
  deadLetterTopicOf,
  type BackfillCompleted,
  type BackfillProgressed,
  type BackfillRequested,
  type EncounterToScore,
  type PredictionMade,
  type TrainingCompleted,
  type TrainingFailed,
  type TrainingRequested,
} from '@readmit/contracts';
import {
  KafkaMetrics,
  newEnvelope,
  type EventSerde,
  type OutgoingEvent,
} from '@readmit/platform/kafka';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { Registry } from 'prom-client';
import request from 'supertest';
import { TrainingRunner } from '../../services/trainer/src/application/training-runner';
import { ScoringClient } from '../../services/gateway/src/infrastructure/scoring-client';
import { promoteSmallModel, publishExampleEncounters } from '../support/champion';
import { disposableKafkaForFile } from '../support/disposable-kafka';
import { eventually, testEndpoints, uniqueName } from '../support/endpoints';
import { isolatedEventStreams, physical, quietLogger, readTopic } from '../support/kafka';
import { startFixture } from '../support/processes';
import { SCORING_TOPICS, startScoringService } from '../support/scoring-service';
import { ServiceStarter } from '../support/service-starter';
import { encounterEvent, outcomeEvent, syntheticLabelled } from '../support/synthetic-traffic';
import { watchEventsThroughOutages } from '../support/resilient-watch';
import { encounterPseudonym, idOfPseudonym } from '../support/pseudonyms';

const BACKFILL_ENCOUNTERS = 10_000;
/** Enough that reading them back takes the trainer a few seconds. */
const TRAINING_ENCOUNTERS = 40_000;

type BackfillEvent = BackfillRequested | BackfillProgressed | BackfillCompleted;
const ENCOUNTERS = 20_000;
/** Longer than kafkajs's own retry budget (~25 s here), as the two-minute outage. */
const OUTAGE_MS = 120_000;

/** Progress on stderr, so a slow step shows where the time went. */
const progress = (line: string) =>
  process.stderr.write(`[broker-outage] ${new Date().toISOString()} ${line}\n`);

const {
  envelope: _e,
  recordedAt: _r,
  source: _s,
  ...exampleAttributes
} = EXAMPLE_EVENTS.EncounterRecorded;
const encounterToScore = (id: number): EncounterToScore => ({
  ...exampleAttributes,
  encounter_id: encounterPseudonym(id),
});

/** The predictions the in-process scoring service reports having written, from its /metrics. */
async function predictionsWritten(app: INestApplication): Promise<number> {
  const response = await request(app.getHttpServer()).get('/metrics');
  let total = 0;
  for (const line of response.text.split('\n'))
    if (line.startsWith('readmit_scoring_predictions_total{') && line.includes('role="champion"'))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

/** The encounter each prediction on the topic was made for. */
function encounterIdsOf(
  serde: EventSerde,
  predictions: readonly { message: KafkaMessage }[],
): Promise<number[]> {
  return Promise.all(
    predictions.map(async ({ message }) =>
      idOfPseudonym(((await serde.decode(message.value)).event as PredictionMade).encounter_id),
    ),
  );
}

interface ReadyBody {
  readonly status?: string;
  readonly checks?: Record<string, { ready: boolean; error?: string }>;
}

async function readiness(app: INestApplication): Promise<{ ready: boolean; body: ReadyBody }> {
  const response = await request(app.getHttpServer()).get('/ready');
  return { ready: response.status === 200, body: response.body as ReadyBody };
}

const broker = disposableKafkaForFile();

describe('a broker outage during a scoring backlog', () => {
  let services: ServiceStarter | undefined;
  let app: INestApplication | undefined;
  let root: string | undefined;
  let client: ScoringClient | undefined;

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await services?.stopAll().catch(() => undefined);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('Kafka stopped for two minutes and restarted: scoring resumes by itself, one prediction per encounter, not ready meanwhile', async () => {
    const { kafka, prefix, serde, publisher } = await isolatedEventStreams(
      [...SCORING_TOPICS, deadLetterTopicOf(TOPICS.encounters)],
      ['EncounterRecorded', 'ModelPromoted', 'PredictionMade'],
      broker.client('outage-test'),
    );
    root = mkdtempSync(join(tmpdir(), 'readmit-outage-'));
    await promoteSmallModel(publisher, root);
    // The backlog is on the log before scoring starts.
    await publishExampleEncounters(publisher, 1, ENCOUNTERS);
    await publisher.disconnect();

    services = new ServiceStarter({ prefix, brokers: broker.brokers });
    app = await startScoringService(services, root, {
      // Small transactions: the backlog takes long enough to be cut by the outage.
      READMIT_SCORING_BATCH: '50',
    });
    const running = app;
    await eventually(
      async () => ((await predictionsWritten(running)) >= 1_000 ? true : undefined),
      120_000,
    );
    expect(await predictionsWritten(running)).toBeLessThan(ENCOUNTERS);
    // The gateway's side of request-reply, answered by the scoring service's request server.
    client = new ScoringClient({
      brokers: broker.brokers,
      clientId: uniqueName('gateway'),
      topicPrefix: prefix,
      instanceId: uniqueName('gateway'),
      timeoutMs: 5_000,
    });
    await client.connect();
    const rpc = client;
    const ask = async () =>
      (await rpc.predict({ encounters: [encounterToScore(ENCOUNTERS + 1)], explain: false })).ok;
    expect(
      await eventually(async () => ((await ask().catch(() => false)) ? true : undefined), 60_000),
    ).toBe(true);

    progress(
      `scoring under way (${await predictionsWritten(running)} predictions); stopping the broker`,
    );
    await broker.stop();
    progress('broker stopped');
    const outageStarted = Date.now();
    const readyDuringOutage: boolean[] = [];
    const consumerChecks = new Set<string>();
    while (Date.now() - outageStarted < OUTAGE_MS) {
      const { ready, body } = await readiness(running);
      readyDuringOutage.push(ready);
      for (const [name, check] of Object.entries(body.checks ?? {}))
        if (name.startsWith('consumer:') && !check.ready) consumerChecks.add(name);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const beforeRestart = await predictionsWritten(running);
    await broker.start();
    const brokerBack = Date.now();
    progress(`broker answers again (${beforeRestart} predictions before)`);

    // Scoring comes back by itself: the first new prediction, then the whole backlog.
    await eventually(
      async () => ((await predictionsWritten(running)) > beforeRestart ? true : undefined),
      60_000,
      100,
    );
    const resumedAfterMs = Date.now() - brokerBack;
    progress(`scoring resumed after ${resumedAfterMs} ms`);
    // Both ends of request-reply come back too (their idle consumers crash in a long outage).
    await eventually(async () => ((await ask().catch(() => false)) ? true : undefined), 120_000);
    progress('a synchronous prediction is answered again');
    await eventually(
      async () => ((await predictionsWritten(running)) >= ENCOUNTERS ? true : undefined),
      180_000,
    );
    progress('every encounter scored');
    await eventually(async () => ((await readiness(running)).ready ? true : undefined), 60_000);
    const finalReadiness = await readiness(running);
    const metrics = (await request(running.getHttpServer()).get('/metrics')).text;

    const predictions = await readTopic(kafka, physical(TOPICS.predictions, prefix), {
      count: ENCOUNTERS,
      timeoutMs: 120_000,
      settleMs: 3_000,
    });
    const ids = await encounterIdsOf(serde, predictions);
    process.stdout.write(
      `broker outage: ${OUTAGE_MS / 1000} s; scoring resumed ${(resumedAfterMs / 1000).toFixed(1)} s after the broker answered; consumers reported down during the outage: ${[...consumerChecks].join(', ') || 'none'}\n`,
    );

    expect(readyDuringOutage.length).toBeGreaterThan(10);
    expect(readyDuringOutage.every((ready) => !ready)).toBe(true);
    // An idle consumer (the model follower) crashes once kafkajs's retries run out; the busy
    // scoring consumer retries its transaction in place. Readiness says so for both.
    expect(consumerChecks).toContain('consumer:readmit-scoring');
    expect(consumerChecks).toContain('consumer:scoring-model-follower');
    expect(finalReadiness.body.checks?.['consumer:readmit-scoring']?.ready).toBe(true);
    expect(finalReadiness.body.checks?.['consumer:scoring-model-follower']?.ready).toBe(true);
    expect(finalReadiness.body.checks?.['prediction-requests']?.ready).toBe(true);
    // The synchronous predictions (ids above the backlog's) are on the topic too; the stream's
    // own are one per encounter of the backlog.
    const streamed = ids.filter((id) => id <= ENCOUNTERS);
    expect(streamed).toHaveLength(ENCOUNTERS);
    expect(new Set(streamed).size).toBe(ENCOUNTERS);
    // The lag series stays published through the restart.
    expect(metrics).toMatch(/readmit_kafka_consumer_lag\{[^}]*group="readmit-scoring"[^}]*\} 0/);
    expect(resumedAfterMs).toBeLessThan(30_000);
  }, 600_000);
});

describe('a broker outage during a backfill', () => {
  it('Kafka away for a minute mid-backfill: the backfill resumes from its checkpoint and completes, one prediction per encounter', async () => {
    const { kafka, prefix, serde, publisher } = await isolatedEventStreams(
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
        'ModelPromoted',
        'PredictionMade',
        'BackfillRequested',
        'BackfillProgressed',
        'BackfillCompleted',
      ],
      broker.client('outage-test'),
    );
    const { schemaRegistryUrl } = testEndpoints();
    const root = mkdtempSync(join(tmpdir(), 'readmit-outage-'));
    let backfill: ChildProcess | undefined;
    let watcher: { events: BackfillEvent[]; stop: () => Promise<void> } | undefined;
    try {
      await promoteSmallModel(publisher, root);
      await publishExampleEncounters(publisher, 1, BACKFILL_ENCOUNTERS);
      watcher = await watchEventsThroughOutages<BackfillEvent>(
        kafka,
        serde,
        physical(TOPICS.backfills, prefix),
      );
      backfill = startFixture('backfill-process', {
        BROKERS: broker.brokers.join(','),
        REGISTRY_URL: schemaRegistryUrl,
        PREFIX: prefix,
        ARTIFACTS: root,
        CHUNK: '250',
        // Two broken runs would fail it, if the outage counted against it.
        MAX_ATTEMPTS: '2',
        RETRY_DELAY_MS: '1000',
      });
      const asked: BackfillRequested = {
        envelope: newEnvelope('BackfillRequested', { producer: 'test' }),
        backfillId: uniqueName('backfill'),
        fromTime: null,
        toTime: null,
        offsetRanges: [],
        modelVersion: 'champion',
        targets: ['TOPIC'],
        // About 20 s of work: the outage lands in the middle.
        maxRatePerSecond: 500,
        requestedBy: 'test',
      };
      await publisher.publish('BackfillRequested', asked.backfillId, asked);
      await publisher.disconnect();
      const events = watcher.events;
      const processed = () =>
        Math.max(
          0,
          ...events
            .filter(
              (event): event is BackfillProgressed => 'processed' in event && !('status' in event),
            )
            .map((event) => event.processed),
        );
      await eventually(async () => (processed() >= 2_000 ? true : undefined), 120_000, 50);
      progress(`backfill at ${processed()} encounters; stopping the broker for a minute`);
      await broker.stop();
      await new Promise((resolve) => setTimeout(resolve, 60_000));
      const beforeReturn = processed();
      await broker.start();
      progress('broker answers again');
      const completed = await eventually(
        async () =>
          events.find(
            (event): event is BackfillCompleted =>
              'status' in event && event.backfillId === asked.backfillId,
          ),
        240_000,
      );
      progress(`backfill ${completed.status}`);
      const predictions = await readTopic(kafka, physical(TOPICS.backfillPredictions, prefix), {
        count: BACKFILL_ENCOUNTERS,
        timeoutMs: 120_000,
        settleMs: 3_000,
      });
      const ids = await encounterIdsOf(serde, predictions);
      expect(beforeReturn).toBeLessThan(BACKFILL_ENCOUNTERS);
      expect(completed.status).toBe('COMPLETED');
      expect(completed.processed).toBe(BACKFILL_ENCOUNTERS);
      expect(predictions).toHaveLength(BACKFILL_ENCOUNTERS);
      expect(new Set(ids).size).toBe(BACKFILL_ENCOUNTERS);
    } finally {
      backfill?.kill('SIGKILL');
      await watcher?.stop();
      rmSync(root, { recursive: true, force: true });
    }
  }, 600_000);
});

describe('a broker outage during a training run', () => {
  it('Kafka away for a minute while the trainer reads the log: the run completes on the whole dataset', async () => {
    const { kafka, prefix, serde, publisher } = await isolatedEventStreams(
      [TOPICS.encounters, TOPICS.outcomes, TOPICS.training, TOPICS.models],
      [
        'EncounterRecorded',
        'OutcomeRecorded',
        'TrainingRequested',
        'TrainingCompleted',
        'TrainingFailed',
      ],
      broker.client('outage-test'),
    );
    const labelled = syntheticLabelled(TRAINING_ENCOUNTERS, 21);
    for (let start = 0; start < labelled.length; start += 1_000)
      await publisher.publishAll(
        labelled.slice(start, start + 1_000).flatMap(({ encounter, outcome }): OutgoingEvent[] => {
          const key = String(encounter.encounter_id);
          return [
            { eventType: 'EncounterRecorded', key, event: encounterEvent(encounter) },
            { eventType: 'OutcomeRecorded', key, event: outcomeEvent(encounter, outcome) },
          ];
        }),
      );
    const root = mkdtempSync(join(tmpdir(), 'readmit-outage-'));
    const metrics = new Registry();
    const runner = new TrainingRunner(
      kafka,
      serde,
      KafkaMetrics.for(metrics),
      publisher,
      new ModelArtifactStore(new FileSystemObjectStore(root)),
      quietLogger,
      metrics,
      { groupId: uniqueName('trainer'), topicPrefix: prefix, producer: 'trainer-test' },
    );
    const results = await watchEventsThroughOutages<TrainingCompleted | TrainingFailed>(
      kafka,
      serde,
      physical(TOPICS.training, prefix),
      ['TrainingCompleted', 'TrainingFailed'],
    );
    try {
      await runner.start();
      const request: TrainingRequested = {
        envelope: newEnvelope('TrainingRequested', { producer: 'test' }),
        runId: uniqueName('run'),
        modelName: 'readmission',
        reason: 'MANUAL',
        triggeredBy: [],
        task: 'ANY_READMISSION',
        asOf: Date.now() + 1_000,
        candidates: ['logistic_regression'],
        requestedBy: 'test',
      };
      await publisher.publish('TrainingRequested', request.runId, request);
      // The broker goes away while the run reads encounters and outcomes from the log.
      const stage = async () =>
        (await metrics.getSingleMetric('readmit_training_in_progress')?.get())?.values.find(
          (value) => value.value === 1,
        )?.labels.stage;
      await eventually(async () => ((await stage()) === 'read' ? true : undefined), 120_000, 20);
      progress('training run reading the log; stopping the broker for a minute');
      await broker.stop();
      await new Promise((resolve) => setTimeout(resolve, 60_000));
      await broker.start();
      progress('broker answers again');
      const result = await eventually(
        async () => results.events.find((event) => event.runId === request.runId),
        300_000,
      );
      progress(`training run ended: ${result.envelope.eventType}`);
      expect(result.envelope.eventType).toBe('TrainingCompleted');
      const { lineage } = result as TrainingCompleted;
      // Every labelled encounter made it into the dataset: none lost to the outage, none twice.
      expect(lineage.trainRows + lineage.validationRows + lineage.holdoutRows).toBe(
        TRAINING_ENCOUNTERS,
      );
    } finally {
      await runner.stop().catch(() => undefined);
      await results.stop();
      await publisher.disconnect();
      rmSync(root, { recursive: true, force: true });
    }
  }, 600_000);
});
