import { request as httpRequest } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { TOPICS, type ModelImportRequested } from '@readmit/contracts';
import {
  encodeOnnxModel,
  fitFeatureSpec,
  logisticRegressionToOnnx,
  type FeatureSpec,
} from '@readmit/ml';
import { DatasetStore, FileSystemObjectStore, sha256Of } from '@readmit/platform/storage';
import request from 'supertest';
import { apiKeysEnv, testApiKey } from '../../../../../test/support/api-keys';
import { eventually, uniqueName } from '../../../../../test/support/endpoints';
import { isolatedEventStreams, physical, watchEvents } from '../../../../../test/support/kafka';
import { labelledSample } from '../../../../../test/support/sample-rows';
import { ServiceStarter } from '../../../../../test/support/service-starter';
import { registryEnvSchema } from '../../registry.config';
import { RegistryModule } from '../../registry.module';

const OPERATOR = testApiKey('dr.lee', ['operate']);
const READER = testApiKey('analyst', ['read']);
const SPEC_ID = 'fs1-00112233445566aa';

function modelOf(featureSpec: FeatureSpec, width = featureSpec.featureNames.length): Buffer {
  const graph = logisticRegressionToOnnx(
    {
      kind: 'logistic-regression',
      weights: new Float64Array(width).fill(0.01),
      intercept: -1,
      iterations: 0,
      converged: true,
      trainingLoss: 0,
    },
    { metadata: {}, producerVersion: 'elsewhere' },
  );
  return Buffer.from(encodeOnnxModel(graph));
}

/** POST /v1/models/{name}/imports: what is refused at once, and what is staged and published. */
describe('importing a model through the registry', () => {
  let streams: Awaited<ReturnType<typeof isolatedEventStreams>>;
  let root: string;
  let services: ServiceStarter;
  let registry: INestApplication;
  let featureSpec: FeatureSpec;
  const path = (query = `featureSpec=${SPEC_ID}&framework=sklearn`) =>
    `/v1/models/readmission/imports?${query}`;

  beforeAll(async () => {
    streams = await isolatedEventStreams([TOPICS.training, TOPICS.models, TOPICS.audit], []);
    root = mkdtempSync(join(tmpdir(), 'readmit-import-'));
    featureSpec = fitFeatureSpec(
      labelledSample()
        .slice(0, 300)
        .map((row) => row.encounter),
    );
    await new DatasetStore(new FileSystemObjectStore(root)).saveFeatureSpec(
      SPEC_ID,
      Buffer.from(JSON.stringify({ id: SPEC_ID, ...featureSpec })),
    );
    services = new ServiceStarter({
      prefix: streams.prefix,
      env: { READMIT_OBJECT_STORE_ROOT: root, READMIT_API_KEYS: apiKeysEnv(OPERATOR, READER) },
    });
    registry = await services.start(
      { name: 'registry', envSchema: registryEnvSchema, module: RegistryModule },
      {
        READMIT_DATABASE_SCHEMA: uniqueName('imports').replace(/-/g, '_'),
        READMIT_ORCHESTRATOR_ENABLED: 'false',
      },
    );
  });

  afterAll(async () => {
    await services?.stopAll();
    await streams?.publisher.disconnect();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const upload = (body: Buffer, query?: string, key = OPERATOR.key) =>
    request(registry.getHttpServer())
      .post(path(query))
      .set('x-api-key', key)
      .set('content-type', 'application/octet-stream')
      .send(body);

  it('stages the file as uploaded and publishes ModelImportRequested under the uploader', async () => {
    const watch = await watchEvents<ModelImportRequested>(
      streams.kafka,
      streams.serde,
      physical(TOPICS.training, streams.prefix),
      ['ModelImportRequested'],
    );
    const model = modelOf(featureSpec);
    const accepted = await upload(
      model,
      `featureSpec=${SPEC_ID}&framework=sklearn&threshold=0.2&claimed.roc_auc=0.7`,
    ).expect(202);
    expect(accepted.body).toMatchObject({
      status: 'judging',
      featureSpecId: SPEC_ID,
      stagedArtifactSha256: sha256Of(model),
    });
    const event = await eventually(async () => watch.events[0]);
    await watch.stop();
    expect(event).toMatchObject({
      runId: accepted.body.runId,
      modelName: 'readmission',
      task: 'WITHIN_30_DAYS',
      featureSpecId: SPEC_ID,
      threshold: 0.2,
      framework: 'sklearn',
      claimedMetrics: { roc_auc: 0.7 },
      requestedBy: 'dr.lee',
      stagedArtifactSha256: sha256Of(model),
    });
    expect(existsSync(join(root, 'imports', accepted.body.runId, 'model.onnx'))).toBe(true);
  });

  it('refuses at once, naming the reason: params, spec, width, bytes, role', async () => {
    const bad = await upload(modelOf(featureSpec), 'task=soon&threshold=2&extra=1').expect(400);
    expect(bad.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(
      ['extra', 'featureSpec', 'task', 'threshold'].sort(),
    );
    const unknown = await upload(modelOf(featureSpec), 'featureSpec=fs1-ffffffffffffffff').expect(
      422,
    );
    expect(unknown.body.message).toMatch(
      /no dataset export made feature spec fs1-ffffffffffffffff/,
    );
    const narrow = await upload(modelOf(featureSpec, 5)).expect(422);
    expect(narrow.body.errors[0].message).toMatch(
      new RegExp(
        `does not score the feature spec's FP32 \\[N, ${featureSpec.featureNames.length}\\]`,
      ),
    );
    const garbage = await upload(Buffer.from('definitely not onnx')).expect(422);
    expect(garbage.body.errors[0].message).toMatch(/not an ONNX model|onnxruntime cannot load/);
    await upload(modelOf(featureSpec), undefined, READER.key).expect(403);
    await request(registry.getHttpServer())
      .post(path())
      .set('x-api-key', OPERATOR.key)
      .set('content-type', 'application/json')
      .send({ model: 'base64…' })
      .expect(400);
  });

  it('stages nothing and publishes nothing when the upload is cut off halfway', async () => {
    const before = existsSync(join(root, 'imports'))
      ? readdirSync(join(root, 'imports')).length
      : 0;
    const { port } = registry.getHttpServer().address() as AddressInfo;
    const model = modelOf(featureSpec);
    await new Promise<void>((resolve) => {
      const client = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: path(),
        headers: {
          'x-api-key': OPERATOR.key,
          'content-type': 'application/octet-stream',
          'content-length': String(model.length),
        },
      });
      client.on('error', () => resolve());
      client.on('close', () => resolve());
      client.write(model.subarray(0, Math.floor(model.length / 2)), () =>
        setTimeout(() => client.destroy(), 200),
      );
    });
    // The registry is still answering, and nothing of the cut upload was kept.
    await upload(Buffer.from('x'), 'featureSpec=bad').expect(400);
    const after = existsSync(join(root, 'imports')) ? readdirSync(join(root, 'imports')).length : 0;
    expect(after).toBe(before);
  });
});
