import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
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
import {
  FeatureEncoder,
  readModelArtifact,
  type EncounterInput,
  type ModelDecisionEvent,
} from '@readmit/ml';
import { createService } from '@readmit/platform/bootstrap';
import { newEnvelope, replayLog } from '@readmit/platform/kafka';
import { OnnxScorer } from '@readmit/platform/onnx';
import { openProjectionDatabase, rebuildProjection } from '@readmit/platform/projections';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { apiKeysEnv, testApiKey } from '../../../../test/support/api-keys';
import { smallModelArtifact } from '../../../../test/support/artifacts';
import {
  eventually,
  PROJECT_ROOT,
  testEndpoints,
  uniqueName,
} from '../../../../test/support/endpoints';
import { isolatedEventStreams, physical } from '../../../../test/support/kafka';
import { pythonWithModelTools } from '../../../../test/support/python-clients';
import { ModelVersionRow } from '../projections/registry/model-version.entity';
import type { MlflowModelVersion } from './domain/entities';
import { registryProjection } from '../projections/registry/registry.projection';
import { registryEnvSchema } from '../registry.config';
import { RegistryModule } from '../registry.module';

const MODEL = 'readmission';
const OTHER = 'readmission-30d';
/** A data scientist's notebook: reads, and moves aliases. */
const OPERATOR = testApiKey('ds.kim@hospital.example', ['read', 'operate']);
/** A dashboard: reads only. */
const READER = testApiKey('registry-dashboard', ['read']);
const EVENTS: EventType[] = [
  'TrainingCompleted',
  'ModelPromoted',
  'ModelRejected',
  'ModelRolledBack',
  'ChallengerAssigned',
];

interface Quality {
  readonly auc: number;
  readonly brier: number;
}

const subgroups = (quality: Quality): SubgroupMetrics[] => [
  { attribute: 'race', group: 'Caucasian', count: 400, metrics: { roc_auc: quality.auc } },
];

/** What the MLflow client script saw of a model version. */
interface SeenVersion {
  version: string;
  stage: string;
  status: string;
  run_id: string | null;
  source: string;
  aliases: string[];
  tags: Record<string, string>;
}
type Attempt<T> = { ok: T } | { error_code: string; message: string };

/**
 * MLflow's own client (mlflow-skinny 3.18, from PyPI) against a registry service in manual
 * promotion mode, on topics, a schema and an artifact store of its own: it lists and pages the
 * registered models and versions, resolves and downloads `models:/<name>@champion` (checking the
 * ONNX file's sha256 and scoring it in Python against Node's scores), and sets aliases that the
 * registry's policy accepts and refuses.
 */
describe('MLflow clients on the registry (the MLflow Model Registry REST API)', () => {
  let streams: Awaited<ReturnType<typeof isolatedEventStreams>>;
  let app: INestApplication;
  let database: DataSource;
  let artifacts: ModelArtifactStore;
  let artifactsRoot: string;
  let schema: string;
  let python: string;
  const completed = new Map<string, TrainingCompleted>();

  beforeAll(async () => {
    python = pythonWithModelTools();
    streams = await isolatedEventStreams([TOPICS.training, TOPICS.models], EVENTS);
    schema = uniqueName('mlflow').replace(/-/g, '_');
    artifactsRoot = mkdtempSync(join(tmpdir(), 'readmit-mlflow-'));
    artifacts = new ModelArtifactStore(new FileSystemObjectStore(artifactsRoot));
    const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = testEndpoints();
    app = await createService(
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
        READMIT_API_KEYS: apiKeysEnv(OPERATOR, READER),
        READMIT_PROMOTION_MODE: 'manual',
        READMIT_ORCHESTRATOR_ENABLED: 'false',
      },
    );
    database = await openProjectionDatabase(databaseUrl, schema, [registryProjection]);
  });

  afterAll(async () => {
    await app?.close();
    await streams?.publisher.disconnect();
    if (database) {
      await database.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await database.destroy();
    }
    if (artifactsRoot) rmSync(artifactsRoot, { recursive: true, force: true });
  });

  const row = (modelName: string, version: string) =>
    database.getRepository(ModelVersionRow).findOneBy({ modelName, version });

  /** Stores a real artifact and announces the run, as the trainer does. */
  const complete = async (
    modelName: string,
    version: string,
    quality: Quality,
    options: { champion?: { version: string; quality: Quality }; corrupt?: boolean } = {},
  ) => {
    const stored = await artifacts.save(modelName, version, smallModelArtifact(modelName, version));
    const champion = options.champion;
    const event: TrainingCompleted = {
      ...EXAMPLE_EVENTS.TrainingCompleted,
      envelope: newEnvelope('TrainingCompleted', { producer: 'trainer-test' }),
      runId: `run-${version}`,
      modelName,
      modelVersion: version,
      artifactUri: stored.uri,
      artifactSha256: options.corrupt ? '0'.repeat(64) : stored.sha256,
      metrics: { roc_auc: quality.auc, brier: quality.brier },
      subgroupMetrics: subgroups(quality),
      lineage: { ...EXAMPLE_EVENTS.TrainingCompleted.lineage, holdoutId: `holdout-${version}` },
      championEvaluation: champion
        ? {
            version: champion.version,
            artifactSha256: (await row(modelName, champion.version))?.artifactSha256 ?? 'unknown',
            threshold: 0.3,
            metrics: { roc_auc: champion.quality.auc, brier: champion.quality.brier },
            subgroupMetrics: subgroups(champion.quality),
          }
        : null,
    };
    await streams.publisher.publish('TrainingCompleted', event.runId, event);
    completed.set(version, event);
    return event;
  };

  /** Waits until the projection shows the version in `stage`. */
  const inStage = (modelName: string, version: string, stage: string) =>
    eventually(async () => {
      const found = await row(modelName, version);
      return found?.stage === stage ? found : undefined;
    }, 60_000);

  const modelsLog = async (): Promise<ModelDecisionEvent[]> => {
    const events: ModelDecisionEvent[] = [];
    await replayLog(
      streams.kafka,
      [physical(TOPICS.models, streams.prefix)],
      async (_topic, _partition, message) => {
        events.push((await streams.serde.decode(message.value)) as ModelDecisionEvent);
      },
      { purpose: 'mlflow-test' },
    );
    return events;
  };

  const trackingUri = () =>
    `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

  /**
   * Runs the MLflow client script with the operator's key as MLFLOW_TRACKING_TOKEN. Not
   * spawnSync: the registry answering it runs in this process.
   */
  const mlflowClient = <T>(...args: string[]): Promise<T> =>
    new Promise((resolve, reject) => {
      execFile(
        python,
        [join(PROJECT_ROOT, 'test', 'fixtures', 'mlflow_registry_client.py'), ...args],
        {
          encoding: 'utf8',
          timeout: 180_000,
          maxBuffer: 16 * 1024 * 1024,
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            MLFLOW_TRACKING_URI: trackingUri(),
            MLFLOW_TRACKING_TOKEN: OPERATOR.key,
            // A refusal must surface at once, not after MLflow's retries.
            MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0',
          },
        },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`MLflow client failed: ${error.message}\n${stderr}`));
          else resolve(JSON.parse(stdout.trim().split('\n').at(-1) as string) as T);
        },
      );
    });

  const http = () => request(app.getHttpServer());
  const first: Quality = { auc: 0.66, brier: 0.21 };

  it('promotes through MLflow: setting the alias champion is a promotion judged by the policy, recorded with the principal', async () => {
    await complete(MODEL, 'c1', first);
    await complete(OTHER, 'x1', { auc: 0.61, brier: 0.22 });
    await inStage(MODEL, 'c1', 'challenger');
    await inStage(OTHER, 'x1', 'challenger');

    const started = Date.now();
    const champion = await mlflowClient<SeenVersion>('promote', MODEL, '1');
    const seconds = (Date.now() - started) / 1000;
    // Read back by the client right after setting it: the registry answered once projected.
    expect(champion).toMatchObject({ version: '1', stage: 'Production', aliases: ['champion'] });
    expect(champion.tags['readmit.version_id']).toBe('c1');
    expect(seconds).toBeLessThan(60);

    const promoted = (await modelsLog()).filter((entry) => entry.eventType === 'ModelPromoted');
    expect(promoted.map(({ event }) => event)).toEqual([
      expect.objectContaining({
        version: 'c1',
        mode: 'MANUAL',
        decidedBy: OPERATOR.name,
        reason: 'set alias champion on version 1 (Readmit c1) through the MLflow API',
      }),
    ]);
  });

  it('lists, pages, resolves models:/<name>@champion, downloads and scores the ONNX file, and refuses what the policy refuses', async () => {
    const champion = { version: 'c1', quality: first };
    await complete(MODEL, 'c2', { auc: 0.7, brier: 0.2 }, { champion });
    await inStage(MODEL, 'c2', 'challenger');
    await complete(MODEL, 'c3', { auc: 0.6, brier: 0.2 }, { champion });
    await inStage(MODEL, 'c3', 'rejected');

    // A few encounters, featurised and scored by Node as the scoring service does.
    const bytes = await artifacts.load(
      completed.get('c1')!.artifactUri,
      completed.get('c1')!.artifactSha256,
    );
    const encoder = new FeatureEncoder(readModelArtifact(bytes).featureSpec);
    const { envelope: _, recordedAt: __, source: ___, ...base } = EXAMPLE_EVENTS.EncounterRecorded;
    const encounters: EncounterInput[] = [1, 4, 9, 14].map((days, index) => ({
      ...base,
      time_in_hospital: days,
      number_inpatient: index,
    }));
    const features = encoder.encodeAll(encounters);
    const scorer = await OnnxScorer.load(bytes);
    const nodeScores = [...(await scorer.score(features))];
    await scorer.close();
    const rows = encounters.map((_encounter, index) => [
      ...features.values.subarray(index * features.columns, (index + 1) * features.columns),
    ]);

    const config = join(artifactsRoot, 'mlflow-scenario.json');
    writeFileSync(
      config,
      JSON.stringify({ model: MODEL, refused_version: '3', reader_key: READER.key, rows }),
    );
    const report = await mlflowClient<{
      model_pages: string[][];
      models_like: string[];
      registered_model: {
        aliases: Record<string, string>;
        tags: Record<string, string>;
        latest_versions: string[];
      };
      version_pages: SeenVersion[][];
      latest: Record<string, string[]>;
      version_1: SeenVersion;
      champion: SeenVersion;
      challenger: SeenVersion;
      download_uri: string;
      downloaded_files: string[];
      downloaded_sha256: string;
      onnxruntime_scores: number[];
      pyfunc_scores: number[];
      refused_champion: Attempt<null>;
      free_alias: Attempt<null>;
      delete_champion: Attempt<null>;
      set_tag: Attempt<null>;
      transition: Attempt<null>;
      unknown_version: Attempt<null>;
      tracking_api: Attempt<null>;
      reader_reads: Attempt<string>;
      reader_sets: Attempt<null>;
      anonymous: Attempt<string>;
      header_provider: Attempt<string>;
    }>('scenario', config);

    expect(report.model_pages).toEqual([[MODEL], [OTHER]]);
    expect(report.models_like).toEqual([OTHER]);
    expect(report.registered_model.aliases).toEqual({ champion: '1', challenger: '2' });
    expect(report.registered_model.tags).toMatchObject({
      'readmit.versions': '3',
      'readmit.champion_version_id': 'c1',
      'readmit.challenger_version_id': 'c2',
    });

    // max_results=1 pages through every version, newest first, numbered in decision order.
    expect(report.version_pages.map((page) => page.length)).toEqual([1, 1, 1]);
    const versions = report.version_pages.flat();
    expect(
      versions.map((version) => [version.version, version.tags['readmit.version_id']]),
    ).toEqual([
      ['3', 'c3'],
      ['2', 'c2'],
      ['1', 'c1'],
    ]);
    expect(versions.map((version) => [version.stage, version.tags['readmit.stage']])).toEqual([
      ['Archived', 'rejected'],
      ['Staging', 'challenger'],
      ['Production', 'champion'],
    ]);
    expect(report.latest).toEqual({ None: [], Staging: ['2'], Production: ['1'], Archived: ['3'] });
    expect(report.version_1).toMatchObject({
      status: 'READY',
      run_id: 'run-c1',
      source: `mlflow-artifacts:/models/${MODEL}/c1`,
      tags: {
        'readmit.origin': 'trainer',
        'readmit.algorithm': EXAMPLE_EVENTS.TrainingCompleted.algorithm,
        'readmit.holdout.roc_auc': '0.66',
        'readmit.artifact_sha256': completed.get('c1')!.artifactSha256,
      },
    });
    expect(report.champion.version).toBe('1');
    expect(report.challenger.version).toBe('2');
    expect(report.download_uri).toBe(`mlflow-artifacts:/models/${MODEL}/c1`);

    expect(report.downloaded_files).toEqual(['MLmodel', 'model.onnx']);
    expect(report.downloaded_sha256).toBe(completed.get('c1')!.artifactSha256);
    for (const scores of [report.onnxruntime_scores, report.pyfunc_scores]) {
      expect(scores).toHaveLength(nodeScores.length);
      scores.forEach((score, index) =>
        expect(Math.abs(score - nodeScores[index])).toBeLessThan(1e-5),
      );
    }

    // Refusals come back as MlflowExceptions with MLflow's codes; nothing moved.
    expect(report.refused_champion).toEqual({
      error_code: 'RESOURCE_CONFLICT',
      message: expect.stringMatching(
        /refuses champion for readmission version 3 \(Readmit c3\).*holdout_auc_margin \(candidate 0\.6, champion 0\.66/,
      ),
    });
    expect(report.free_alias).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect(report.delete_champion).toEqual({
      error_code: 'RESOURCE_CONFLICT',
      message: expect.stringMatching(/rollback/),
    });
    expect(report.set_tag).toMatchObject({ error_code: 'FEATURE_DISABLED' });
    expect(report.transition).toMatchObject({ error_code: 'FEATURE_DISABLED' });
    expect(report.unknown_version).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    expect(report.tracking_api).toMatchObject({ error_code: 'ENDPOINT_NOT_FOUND' });
    expect(report.reader_reads).toEqual({ ok: '1' });
    expect(report.reader_sets).toMatchObject({ error_code: 'PERMISSION_DENIED' });
    expect(report.anonymous).toMatchObject({ error_code: 'UNAUTHENTICATED' });
    expect(report.header_provider).toEqual({ ok: MODEL });

    const log = await modelsLog();
    expect(log.filter((entry) => entry.eventType === 'ModelPromoted')).toHaveLength(1);
    expect(await row(MODEL, 'c1')).toMatchObject({ stage: 'champion' });
    expect(await row(MODEL, 'c3')).toMatchObject({ stage: 'rejected' });
  });

  it('keeps every number when versions arrive, assigns the challenger alias, refuses a corrupt artifact, and gives the same numbers after a rebuild', async () => {
    const champion = { version: 'c1', quality: first };
    await complete(MODEL, 'c4', { auc: 0.72, brier: 0.19 }, { champion });
    await inStage(MODEL, 'c4', 'challenger');
    await complete(MODEL, 'c5', { auc: 0.74, brier: 0.19 }, { champion, corrupt: true });
    await inStage(MODEL, 'c5', 'rejected');

    const numbers = async () => {
      const { body } = await http()
        .get('/api/2.0/mlflow/model-versions/search')
        .query({ filter: `name = '${MODEL}'`, order_by: 'version_number ASC' })
        .set('authorization', `Bearer ${READER.key}`)
        .expect(200);
      return (body.model_versions as MlflowModelVersion[]).map((version) => [
        version.version,
        version.tags.find((tag) => tag.key === 'readmit.version_id')?.value,
        version.current_stage,
      ]);
    };
    expect(await numbers()).toEqual([
      ['1', 'c1', 'Production'],
      ['2', 'c2', 'None'],
      ['3', 'c3', 'Archived'],
      ['4', 'c4', 'Staging'],
      ['5', 'c5', 'Archived'],
    ]);

    // The challenger alias assigns the challenger, by the operator, through the registry.
    await http()
      .post('/api/2.0/mlflow/registered-models/alias')
      .set('authorization', `Bearer ${OPERATOR.key}`)
      .send({ name: MODEL, alias: 'challenger', version: '2' })
      .expect(200, {});
    const { body: byAlias } = await http()
      .get('/api/2.0/mlflow/registered-models/alias')
      .query({ name: MODEL, alias: 'challenger' })
      .set('x-api-key', READER.key)
      .expect(200);
    expect(byAlias.model_version).toMatchObject({ version: '2', aliases: ['challenger'] });
    const assigned = (await modelsLog()).filter(
      (entry) => entry.eventType === 'ChallengerAssigned',
    );
    expect(assigned.at(-1)?.event).toMatchObject({
      version: 'c2',
      previousChallenger: 'c4',
      decidedBy: OPERATOR.name,
    });

    // c5's artifact does not hash to its sha256 on the log: listed, never served.
    const corrupt = await http()
      .get(`/api/2.0/mlflow-artifacts/artifacts/models/${MODEL}/c5/model.onnx`)
      .set('x-api-key', READER.key)
      .expect(409);
    expect(corrupt.body).toMatchObject({ error_code: 'DATA_LOSS' });
    const served = await http()
      .get(`/api/2.0/mlflow-artifacts/artifacts/models/${MODEL}/c4/model.onnx`)
      .set('x-api-key', READER.key)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(served.headers['repr-digest']).toBe(
      `sha-256=:${Buffer.from(completed.get('c4')!.artifactSha256, 'hex').toString('base64')}:`,
    );
    expect((served.body as Buffer).length).toBeGreaterThan(0);

    const before = await numbers();
    const report = await rebuildProjection(
      registryProjection,
      { dataSource: database, kafka: streams.kafka, serde: streams.serde },
      { topicPrefix: streams.prefix, timeoutMs: 60_000 },
    );
    expect(report.skipped).toBe(0);
    expect(await numbers()).toEqual(before);
  });
});
