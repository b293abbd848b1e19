import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  RPC_TOPICS,
  TOPICS,
  type ModelRejected,
  type PredictionMade,
  type TrainingCompleted,
} from '@readmit/contracts';
import { platformEnvSchema } from '@readmit/platform/config';
import request from 'supertest';
import { apiKeysEnv, testApiKey } from '../support/api-keys';
import { eventually, PROJECT_ROOT, sharedDataFile, uniqueName } from '../support/endpoints';
import { isolatedEventStreams, physical, watchEvents } from '../support/kafka';
import { runReadmit, runReadmitAsync } from '../support/processes';
import { pythonWithModelTools } from '../support/python-clients';
import { startScoringService } from '../support/scoring-service';
import { ServiceStarter } from '../support/service-starter';
import { registryEnvSchema } from '../../services/registry/src/registry.config';
import { RegistryModule } from '../../services/registry/src/registry.module';
import { TrainerModule } from '../../services/trainer/src/trainer.module';

const OPERATOR = testApiKey('dr.lee', ['operate', 'read']);
const ANALYST = testApiKey('analyst', ['read']);
const TRAIN_SCRIPT = join(PROJECT_ROOT, 'test', 'python', 'train_lightgbm.py');

interface Manifest {
  exportId: string;
  featureSpecId: string;
  holdoutId: string;
  rows: { train: number; validation: number; holdout: number };
  files: Array<{ name: string; sha256: string }>;
  links: Record<string, string>;
}

/**
 * Issue 26's round trip, as a hospital's data scientist makes it: export the trainer's training
 * set from the trainer's REST API, train LightGBM on it in Python and convert it with
 * onnxmltools, import it with `readmit models import`, let the trainer judge it on the registry's
 * holdout and the registry decide, then watch scoring serve it on the stream, with the scores
 * Python computed for the same encounters. A model trained on noise is refused with the failed
 * rules; one of the wrong width is refused at upload.
 */
describe('from notebook to production', () => {
  let streams: Awaited<ReturnType<typeof isolatedEventStreams>>;
  let root: string;
  let work: string;
  let services: ServiceStarter;
  let trainer: INestApplication;
  let registryApi: string;
  let python: string;

  beforeAll(async () => {
    python = pythonWithModelTools();
    streams = await isolatedEventStreams(
      [...Object.values(TOPICS), RPC_TOPICS.scoringRequests, RPC_TOPICS.scoringReplies],
      ['TrainingCompleted', 'ModelRejected', 'PredictionMade'],
    );
    root = mkdtempSync(join(tmpdir(), 'readmit-notebook-store-'));
    work = mkdtempSync(join(tmpdir(), 'readmit-notebook-'));
    const produced = runReadmit([
      'produce',
      '--csv',
      sharedDataFile('diabetic_data_sample.csv'),
      '--prefix',
      streams.prefix,
    ]);
    expect(produced.status).toBe(0);
    services = new ServiceStarter({
      prefix: streams.prefix,
      env: { READMIT_OBJECT_STORE_ROOT: root, READMIT_API_KEYS: apiKeysEnv(OPERATOR, ANALYST) },
    });
    trainer = await services.start({
      name: 'trainer',
      envSchema: platformEnvSchema,
      module: TrainerModule,
    });
    const registry = await services.start(
      { name: 'registry', envSchema: registryEnvSchema, module: RegistryModule },
      {
        READMIT_DATABASE_SCHEMA: uniqueName('notebook').replace(/-/g, '_'),
        READMIT_ORCHESTRATOR_ENABLED: 'false',
      },
    );
    registryApi = `http://127.0.0.1:${(registry.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await services?.stopAll();
    await streams?.publisher.disconnect();
    for (const folder of [root, work]) if (folder) rmSync(folder, { recursive: true, force: true });
  });

  /** POST /v1/datasets/exports as the analyst, then every file downloaded and checked. */
  async function exportTrainingSet(into: string): Promise<Manifest> {
    const created = await request(trainer.getHttpServer())
      .post('/v1/datasets/exports')
      .set('x-api-key', ANALYST.key)
      .send({ task: 'within-30-days' })
      .expect(201);
    const manifest = created.body as Manifest;
    for (const file of manifest.files) {
      const download = await request(trainer.getHttpServer())
        .get(manifest.links[file.name])
        .set('x-api-key', ANALYST.key)
        .buffer(true)
        .parse((response, done) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      const bytes = download.body as Buffer;
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
      writeFileSync(join(into, file.name), bytes);
    }
    const manifestFile = await request(trainer.getHttpServer())
      .get(manifest.links['manifest.json'])
      .set('x-api-key', ANALYST.key)
      .expect(200);
    writeFileSync(join(into, 'manifest.json'), JSON.stringify(manifestFile.body));
    return manifest;
  }

  function trainInPython(exportDir: string, model: string, ...flags: string[]): void {
    const trained = spawnSync(python, [TRAIN_SCRIPT, exportDir, model, ...flags], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (trained.status !== 0) throw new Error(`${trained.stdout}${trained.stderr}`);
  }

  const importModel = (model: string, featureSpec: string, ...extra: string[]) =>
    runReadmitAsync(
      [
        'models',
        'import',
        model,
        '--feature-spec',
        featureSpec,
        '--framework',
        'lightgbm',
        '--api',
        registryApi,
        '--prefix',
        streams.prefix,
        '--timeout',
        '240s',
        ...extra,
      ],
      { env: { READMIT_API_KEY: OPERATOR.key } },
    );

  it('exports, trains LightGBM in Python, imports, is judged, promoted, and serves the stream', async () => {
    const exportDir = mkdtempSync(join(work, 'export-'));
    const manifest = await exportTrainingSet(exportDir);
    expect(manifest.rows.train).toBeGreaterThan(3000);
    expect(manifest.rows.holdout).toBeGreaterThan(500);

    // A model of the wrong width is refused at upload, with what it takes and what the spec has.
    const narrow = join(work, 'narrow.onnx');
    trainInPython(exportDir, narrow, '--drop-last-feature');
    const width = await request(registryApi)
      .post(`/v1/models/readmission/imports?featureSpec=${manifest.featureSpecId}`)
      .set('x-api-key', OPERATOR.key)
      .set('content-type', 'application/octet-stream')
      .send(readFileSync(narrow))
      .expect(422);
    expect(JSON.stringify(width.body)).toMatch(/does not score the feature spec's FP32 \[N, \d+\]/);
    // Reading alone does not import.
    await request(registryApi)
      .post(`/v1/models/readmission/imports?featureSpec=${manifest.featureSpecId}`)
      .set('x-api-key', ANALYST.key)
      .set('content-type', 'application/octet-stream')
      .send(readFileSync(narrow))
      .expect(403);

    const good = join(work, 'lightgbm.onnx');
    trainInPython(exportDir, good);
    const imported = await importModel(good, manifest.featureSpecId, '--claimed', 'roc_auc=0.99');
    expect(imported.stderr).toMatch(/import [0-9a-f-]{36}: uploaded/);
    expect(imported.stdout).toMatch(
      /^readmission \d{8}T\d{6}-[0-9a-f]{8} \(external, lightgbm\): holdout roc_auc 0\.\d{4}/m,
    );
    expect(imported.stdout).toMatch(/^registry: promoted to champion/m);
    expect(imported.status).toBe(0);

    const training = await watchEvents<TrainingCompleted>(
      streams.kafka,
      streams.serde,
      physical(TOPICS.training, streams.prefix),
      ['TrainingCompleted'],
    );
    const completed = await eventually(async () =>
      training.events.find((event) => event.algorithm === 'external'),
    );
    await training.stop();
    // Judged on the same holdout as a run of the trainer's; the uploader's claim kept aside.
    expect(completed.lineage.holdoutId).toBe(manifest.holdoutId);
    expect(completed.lineage.holdoutRows).toBe(manifest.rows.holdout);
    expect(completed.lineage.trainRows).toBe(manifest.rows.train);
    expect(completed.params).toMatchObject({
      origin: 'external',
      framework: 'lightgbm',
      feature_spec_id: manifest.featureSpecId,
      claimed_roc_auc: '0.99',
    });
    expect(completed.metrics.roc_auc).toBeGreaterThan(0.55);
    expect(completed.metrics.roc_auc).toBeLessThan(0.9);

    // Scoring serves it: every holdout encounter on the stream scored as Python scored it.
    const predictions = await watchEvents<PredictionMade>(
      streams.kafka,
      streams.serde,
      physical(TOPICS.predictions, streams.prefix),
      ['PredictionMade'],
    );
    await startScoringService(services, root);
    const python = JSON.parse(readFileSync(`${good}.holdout.json`, 'utf8')) as Record<
      string,
      number
    >;
    const holdoutIds = Object.keys(python);
    const scored = await eventually(async () => {
      const byId = new Map(
        predictions.events
          .filter((event) => event.modelVersion === completed.modelVersion)
          .map((event) => [event.encounter_id, event.score]),
      );
      return holdoutIds.every((id) => byId.has(id)) ? byId : undefined;
    }, 120_000);
    await predictions.stop();
    const worst = Math.max(...holdoutIds.map((id) => Math.abs(scored.get(id)! - python[id])));
    expect(worst).toBeLessThan(1e-5);

    // A model trained on noise is judged and refused, with the rules it failed.
    const noise = join(work, 'noise.onnx');
    trainInPython(exportDir, noise, '--shuffle-labels');
    const refused = await importModel(noise, manifest.featureSpecId);
    expect(refused.stdout).toMatch(/^registry: refused \(.+\); failed: .*holdout_auc_margin/m);
    const decisions = await watchEvents<ModelRejected>(
      streams.kafka,
      streams.serde,
      physical(TOPICS.models, streams.prefix),
      ['ModelRejected'],
    );
    const rejected = await eventually(async () => decisions.events[0]);
    await decisions.stop();
    expect(rejected.championVersion).toBe(completed.modelVersion);
  });
});
