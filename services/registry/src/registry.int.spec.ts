import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  EXAMPLE_EVENTS,
  TOPICS,
  type EventType,
  type SubgroupMetrics,
  type TrainingCompleted,
} from '@readmit/contracts';
import { ServingPointers, type ModelDecisionEvent } from '@readmit/ml';
import { createService } from '@readmit/platform/bootstrap';
import { newEnvelope, replayLog } from '@readmit/platform/kafka';
import {
  openProjectionDatabase,
  ProjectionCheckpoint,
  rebuildProjection,
} from '@readmit/platform/projections';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { smallModelArtifact } from '../../../test/support/artifacts';
import { eventually, testEndpoints, uniqueName } from '../../../test/support/endpoints';
import { testApiKey } from '../../../test/support/api-keys';
import { isolatedEventStreams, physical } from '../../../test/support/kafka';
import { ModelDecisionRow } from './projections/registry/model-decision.entity';
import { ModelVersionRow } from './projections/registry/model-version.entity';
import { registryProjection } from './projections/registry/registry.projection';
import { registryEnvSchema } from './registry.config';
import { RegistryModule } from './registry.module';

const MODEL = 'readmission';
/** The person deciding over REST: the registry records this principal as the decider. */
const DECIDER = testApiKey('dr.lee@hospital.example', ['read', 'operate']);
const REGISTRY_EVENTS: EventType[] = [
  'TrainingCompleted',
  'ModelPromoted',
  'ModelRejected',
  'ModelRolledBack',
  'ChallengerAssigned',
];

interface Quality {
  readonly auc: number;
  readonly brier: number;
  /** ROC-AUC of the race=Caucasian subgroup. */
  readonly subgroupAuc?: number;
}

const subgroups = (quality: Quality): SubgroupMetrics[] => [
  {
    attribute: 'race',
    group: 'Caucasian',
    count: 400,
    metrics: { roc_auc: quality.subgroupAuc ?? quality.auc },
  },
];

async function startRegistry(
  prefix: string,
  schema: string,
  artifactsRoot: string,
  extra: Record<string, string> = {},
): Promise<INestApplication> {
  const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = testEndpoints();
  return createService(
    { name: 'registry', envSchema: registryEnvSchema, module: RegistryModule },
    {
      READMIT_HTTP_PORT: '0',
      READMIT_LOG_LEVEL: 'fatal',
      READMIT_KAFKA_BROKERS: kafkaBrokers.join(','),
      READMIT_SCHEMA_REGISTRY_URL: schemaRegistryUrl,
      READMIT_TOPIC_PREFIX: prefix,
      READMIT_DATABASE_URL: databaseUrl,
      READMIT_DATABASE_SCHEMA: schema,
      READMIT_OBJECT_STORE_ROOT: artifactsRoot,
      READMIT_API_KEYS: DECIDER.entry,
      ...extra,
    },
  );
}

/** A registry service on topics, a schema and an artifact store of its own. */
async function registryFixture(extra: Record<string, string> = {}) {
  const streams = await isolatedEventStreams([TOPICS.training, TOPICS.models], REGISTRY_EVENTS);
  const schema = uniqueName('registry').replace(/-/g, '_');
  const artifactsRoot = mkdtempSync(join(tmpdir(), 'readmit-registry-'));
  const artifacts = new ModelArtifactStore(new FileSystemObjectStore(artifactsRoot));
  const apps = [await startRegistry(streams.prefix, schema, artifactsRoot, extra)];
  const database: DataSource = await openProjectionDatabase(testEndpoints().databaseUrl, schema, [
    registryProjection,
  ]);

  /** Stores a real artifact and announces the run, as the trainer does. */
  const complete = async (
    version: string,
    quality: Quality,
    options: {
      holdoutId?: string;
      champion?: { version: string; quality: Quality };
      corrupt?: boolean;
    } = {},
  ): Promise<TrainingCompleted> => {
    const stored = await artifacts.save(MODEL, version, smallModelArtifact(MODEL, version));
    const championSha = options.champion
      ? (
          await database.getRepository(ModelVersionRow).findOneBy({
            modelName: MODEL,
            version: options.champion.version,
          })
        )?.artifactSha256
      : undefined;
    const event: TrainingCompleted = {
      ...EXAMPLE_EVENTS.TrainingCompleted,
      envelope: newEnvelope('TrainingCompleted', { producer: 'trainer-test' }),
      runId: `run-${version}`,
      modelName: MODEL,
      modelVersion: version,
      artifactUri: stored.uri,
      artifactSha256: options.corrupt ? '0'.repeat(64) : stored.sha256,
      metrics: { roc_auc: quality.auc, brier: quality.brier },
      subgroupMetrics: subgroups(quality),
      lineage: {
        ...EXAMPLE_EVENTS.TrainingCompleted.lineage,
        holdoutId: options.holdoutId ?? `holdout-${version}`,
      },
      championEvaluation: options.champion
        ? {
            version: options.champion.version,
            artifactSha256: championSha ?? 'unknown',
            threshold: 0.3,
            metrics: {
              roc_auc: options.champion.quality.auc,
              brier: options.champion.quality.brier,
            },
            subgroupMetrics: subgroups(options.champion.quality),
          }
        : null,
    };
    await streams.publisher.publish('TrainingCompleted', event.runId, event);
    return event;
  };

  const row = (version: string) =>
    database.getRepository(ModelVersionRow).findOneBy({ modelName: MODEL, version });
  /** Waits until the projection shows the version decided (stage other than candidate). */
  const decided = (version: string, stage?: string) =>
    eventually(async () => {
      const found = await row(version);
      if (!found || found.stage === 'candidate') return undefined;
      if (stage && found.stage !== stage) return undefined;
      return found;
    }, 60_000);
  const decisions = () =>
    database.getRepository(ModelDecisionRow).find({
      where: { modelName: MODEL },
      order: { logOffset: 'ASC' },
    });
  /** Every decision in ml.models, in log order. */
  const modelsLog = async (): Promise<ModelDecisionEvent[]> => {
    const events: ModelDecisionEvent[] = [];
    await replayLog(
      streams.kafka,
      [physical(TOPICS.models, streams.prefix)],
      async (_topic, _partition, message) => {
        events.push((await streams.serde.decode(message.value)) as ModelDecisionEvent);
      },
      { purpose: 'registry-test' },
    );
    return events;
  };
  /** Requests with the decider's key. */
  const http = (index = 0) => ({
    get: (path: string) =>
      request(apps[index].getHttpServer()).get(path).set('x-api-key', DECIDER.key),
    post: (path: string) =>
      request(apps[index].getHttpServer()).post(path).set('x-api-key', DECIDER.key),
  });

  return {
    ...streams,
    schema,
    artifactsRoot,
    apps,
    database,
    complete,
    row,
    decided,
    decisions,
    modelsLog,
    http,
    addInstance: async () => {
      apps.push(await startRegistry(streams.prefix, schema, artifactsRoot, extra));
      return apps.length - 1;
    },
    close: async () => {
      for (const app of apps) await app.close();
      await streams.publisher.disconnect();
      await database.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await database.destroy();
      rmSync(artifactsRoot, { recursive: true, force: true });
    },
  };
}

type Fixture = Awaited<ReturnType<typeof registryFixture>>;

const person = { reason: 'reviewed the holdout report' };

describe('the model registry service (automatic policy)', () => {
  let registry: Fixture;
  const good: Quality = { auc: 0.68, brier: 0.2 };

  beforeAll(async () => {
    registry = await registryFixture();
  });
  afterAll(async () => {
    await registry?.close();
  });

  it('judges training completions of different quality: the best is champion, the others are rejected with reasons', async () => {
    await registry.complete('v1', good);
    expect(await registry.decided('v1')).toMatchObject({ stage: 'champion' });

    const champion = { version: 'v1', quality: good };
    await registry.complete('v2', { auc: 0.66, brier: 0.2 }, { champion });
    await registry.complete('v3', { auc: 0.7, brier: 0.23 }, { champion });
    await registry.complete('v4', { auc: 0.7, brier: 0.2, subgroupAuc: 0.55 }, { champion });
    await registry.complete('v5', { auc: 0.72, brier: 0.19 }, { champion, corrupt: true });
    for (const version of ['v2', 'v3', 'v4', 'v5'])
      expect(await registry.decided(version)).toMatchObject({ stage: 'rejected' });

    const failed = async (version: string) => {
      const { body } = await registry
        .http()
        .get(`/v1/models/${MODEL}/versions/${version}`)
        .expect(200);
      const rejection = body.decisions.find(
        (decision: ModelDecisionRow) => decision.kind === 'rejected',
      );
      return {
        reason: rejection.reason as string,
        failed: (rejection.criteria as Array<{ name: string; passed: boolean }>)
          .filter((rule) => !rule.passed)
          .map((rule) => rule.name),
      };
    };
    expect(await failed('v2')).toEqual({
      reason: 'failed holdout_auc_margin',
      failed: ['holdout_auc_margin'],
    });
    expect((await failed('v3')).failed).toEqual(['brier_tolerance']);
    expect((await failed('v4')).failed).toEqual(['subgroup_auc_drop']);
    expect((await failed('v5')).failed).toEqual(['artifact_verified']);

    const { body: v2 } = await registry.http().get(`/v1/models/${MODEL}/versions/v2`).expect(200);
    const margin = v2.decisions[0].criteria.find(
      (rule: { name: string }) => rule.name === 'holdout_auc_margin',
    );
    expect(margin).toMatchObject({
      candidate: 0.66,
      champion: 0.68,
      threshold: 0.005,
      passed: false,
    });
    expect(v2).toMatchObject({ stage: 'rejected', metrics: { roc_auc: 0.66 }, runId: 'run-v2' });
    expect(v2.lineage.holdoutId).toBe('holdout-v2');

    const { body: models } = await registry.http().get('/v1/models').expect(200);
    expect(models.models).toEqual([
      { modelName: MODEL, versions: 5, champion: 'v1', challenger: null },
    ]);
  });

  it('promotes a better version, rolls back to the previous champion, and both are idempotent', async () => {
    await registry.complete(
      'v6',
      { auc: 0.72, brier: 0.19 },
      { champion: { version: 'v1', quality: good } },
    );
    expect(await registry.decided('v6', 'champion')).toMatchObject({ stage: 'champion' });
    expect(await registry.row('v1')).toMatchObject({ stage: 'archived' });

    const { body: comparison } = await registry
      .http()
      .get(`/v1/models/${MODEL}/compare`)
      .query({ a: 'v1', b: 'v6' })
      .expect(200);
    expect(comparison).toMatchObject({
      a: 'v1',
      b: 'v6',
      sameHoldout: true,
      basis: 'champion-evaluation',
    });
    expect(
      comparison.metrics.find((entry: { metric: string }) => entry.metric === 'roc_auc').delta,
    ).toBeCloseTo(0.04);

    const first = await registry
      .http()
      .post(`/v1/models/${MODEL}/rollback`)
      .send(person)
      .expect(200);
    expect(first.body).toMatchObject({
      kind: 'rolled-back',
      event: { fromVersion: 'v6', toVersion: 'v1', decidedBy: DECIDER.name },
    });
    const again = await registry
      .http()
      .post(`/v1/models/${MODEL}/rollback`)
      .send({ ...person, toVersion: 'v1' })
      .expect(200);
    expect(again.body).toMatchObject({ kind: 'unchanged', version: 'v1' });
    await registry.decided('v1', 'champion');
    expect(await registry.row('v6')).toMatchObject({ stage: 'archived' });
    const promoteChampion = await registry
      .http()
      .post(`/v1/models/${MODEL}/versions/v1/promote`)
      .send(person)
      .expect(200);
    expect(promoteChampion.body).toMatchObject({ kind: 'unchanged' });

    // Exactly one event for the rollback, none for the repeats.
    const log = await registry.modelsLog();
    expect(log.filter((entry) => entry.eventType === 'ModelRolledBack')).toHaveLength(1);
  });

  it('answers bad requests with field errors, unknown versions with 404 and refused commands with 409', async () => {
    // The decider is the authenticated principal: a body naming one is refused, not believed.
    const selfDeclared = await registry
      .http()
      .post(`/v1/models/${MODEL}/versions/v6/promote`)
      .send({ reason: 'x', decidedBy: 'someone else' })
      .expect(400);
    expect(selfDeclared.body.errors).toEqual([expect.objectContaining({ field: 'decidedBy' })]);
    await registry.http().post(`/v1/models/${MODEL}/versions/v99/promote`).send(person).expect(404);
    await registry.http().get(`/v1/models/${MODEL}/versions/v99`).expect(404);
    await registry
      .http()
      .get(`/v1/models/${MODEL}/versions`)
      .query({ stage: 'winner' })
      .expect(400);
    const neverServed = await registry
      .http()
      .post(`/v1/models/${MODEL}/rollback`)
      .send({ ...person, toVersion: 'v2' })
      .expect(409);
    expect(neverServed.body.message).toMatch(/never been champion/);
    // v2 fails the policy against v1: refused unless forced, and the rules come back.
    const refused = await registry
      .http()
      .post(`/v1/models/${MODEL}/versions/v2/promote`)
      .send(person)
      .expect(409);
    expect(refused.body.criteria.map((rule: { name: string }) => rule.name)).toContain(
      'holdout_auc_margin',
    );
    // A corrupted artifact is never promoted, not even when forced.
    await registry
      .http()
      .post(`/v1/models/${MODEL}/versions/v5/promote`)
      .send({ ...person, force: true })
      .expect(409);
    expect(await registry.row('v1')).toMatchObject({ stage: 'champion' });

    const { text: metrics } = await registry.http().get('/metrics').expect(200);
    expect(metrics).toMatch(
      /^readmit_registry_decisions_total\{outcome="promoted",service="registry"\} 2$/m,
    );
    expect(metrics).toMatch(
      /^readmit_registry_decisions_total\{outcome="rejected",service="registry"\} 4$/m,
    );
    expect(metrics).toMatch(
      /^readmit_registry_decisions_total\{outcome="refused",service="registry"\} 4$/m,
    );
    expect(metrics).toMatch(/^readmit_registry_decision_seconds_count\{service="registry"\} \d+$/m);
  });

  it('leaves exactly one champion when two registry instances take concurrent promotions of different versions', async () => {
    const second = await registry.addInstance();
    const before = (await registry.modelsLog()).length;
    const forced = { ...person, force: true };
    const responses = await Promise.all([
      registry.http(0).post(`/v1/models/${MODEL}/versions/v3/promote`).send(forced),
      registry.http(second).post(`/v1/models/${MODEL}/versions/v4/promote`).send(forced),
      registry.http(second).post(`/v1/models/${MODEL}/versions/v3/promote`).send(forced),
      registry.http(0).post(`/v1/models/${MODEL}/versions/v4/promote`).send(forced),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);

    // Every promotion was decided against the champion of its time: a chain, none void.
    const decisions = (await registry.modelsLog()).slice(before);
    const promotions = decisions.filter((entry) => entry.eventType === 'ModelPromoted');
    expect(promotions.length).toBeGreaterThanOrEqual(2);
    const pointers = new ServingPointers();
    for (const entry of await registry.modelsLog()) expect(pointers.apply(entry)).toBe(true);
    const champion = pointers.of(MODEL).champion?.version;
    expect(['v3', 'v4']).toContain(champion);

    await eventually(async () => {
      const rows = await registry.decisions();
      return rows.length === before + decisions.length ? rows : undefined;
    }, 60_000);
    const champions = await registry.database
      .getRepository(ModelVersionRow)
      .findBy({ modelName: MODEL, stage: 'champion' });
    expect(champions.map((row) => row.version)).toEqual([champion]);
    expect((await registry.decisions()).every((row) => row.applied)).toBe(true);
    const { body } = await registry
      .http(second)
      .get(`/v1/models/${MODEL}/versions/${champion}`)
      .expect(200);
    expect(
      body.decisions.at(-1 - (body.decisions.at(-1).previousVersion === champion ? 1 : 0)),
    ).toMatchObject({
      kind: 'promoted',
      mode: 'MANUAL',
      decidedBy: DECIDER.name,
    });
  });

  it('rebuilds the projection from the log into exactly the live tables', async () => {
    const snapshot = async () => ({
      versions: await registry.database
        .getRepository(ModelVersionRow)
        .find({ order: { modelName: 'ASC', version: 'ASC' } }),
      decisions: await registry.database
        .getRepository(ModelDecisionRow)
        .find({ order: { logOffset: 'ASC' } }),
      checkpoints: (
        await registry.database.getRepository(ProjectionCheckpoint).find({
          where: { projection: 'registry' },
          order: { topic: 'ASC', partition: 'ASC' },
        })
      ).map(({ updatedAt: _, ...rest }) => rest),
    });
    const live = await snapshot();
    expect(live.versions).toHaveLength(6);
    const report = await rebuildProjection(
      registryProjection,
      { dataSource: registry.database, kafka: registry.kafka, serde: registry.serde },
      { topicPrefix: registry.prefix, timeoutMs: 60_000 },
    );
    expect(report).toMatchObject({ projection: 'registry', skipped: 0 });
    expect(await snapshot()).toEqual(live);
  });
});

describe('the model registry service (manual approval)', () => {
  let registry: Fixture;

  beforeAll(async () => {
    registry = await registryFixture({ READMIT_PROMOTION_MODE: 'manual' });
  });
  afterAll(async () => {
    await registry?.close();
  });

  it('makes a passing version the challenger until a person promotes it; a better one replaces it', async () => {
    await registry.complete('m1', { auc: 0.66, brier: 0.21 });
    expect(await registry.decided('m1')).toMatchObject({ stage: 'challenger' });
    const promoted = await registry
      .http()
      .post(`/v1/models/${MODEL}/versions/m1/promote`)
      .send(person)
      .expect(200);
    expect(promoted.body.event).toMatchObject({
      version: 'm1',
      mode: 'MANUAL',
      previousVersion: null,
    });
    await registry.decided('m1', 'champion');

    const champion = { version: 'm1', quality: { auc: 0.66, brier: 0.21 } };
    await registry.complete('m2', { auc: 0.68, brier: 0.2 }, { champion });
    expect(await registry.decided('m2')).toMatchObject({ stage: 'challenger' });
    await registry.complete('m3', { auc: 0.69, brier: 0.2 }, { champion });
    await registry.decided('m3', 'challenger');
    expect(await registry.row('m2')).toMatchObject({ stage: 'candidate' });
    await registry.complete('m4', { auc: 0.6, brier: 0.2 }, { champion });
    expect(await registry.decided('m4')).toMatchObject({ stage: 'rejected' });

    const rejected = await registry
      .http()
      .post(`/v1/models/${MODEL}/versions/m3/reject`)
      .send({ reason: 'shadow scores drifted' })
      .expect(200);
    expect(rejected.body).toMatchObject({ kind: 'rejected', event: { version: 'm3' } });
    await registry.decided('m3', 'rejected');
    const { body } = await registry.http().get('/v1/models').expect(200);
    expect(body.models).toEqual([
      { modelName: MODEL, versions: 4, champion: 'm1', challenger: null },
    ]);
  });
});
