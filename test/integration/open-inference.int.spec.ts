import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { TOPICS, type PredictionMade } from '@readmit/contracts';
import { FeatureEncoder, readModelArtifact } from '@readmit/ml';
import request from 'supertest';
import { apiKeysEnv, testApiKey } from '../support/api-keys';
import { smallModelArtifact } from '../support/artifacts';
import { MODEL, promoteSmallModel } from '../support/champion';
import { eventually, PROJECT_ROOT, uniqueName } from '../support/endpoints';
import { isolatedEventStreams, physical, watchEvents } from '../support/kafka';
import { testPseudonymize } from '../support/pseudonyms';
import { pythonWithModelTools } from '../support/python-clients';
import { SCORING_TOPICS, startScoringService } from '../support/scoring-service';
import { ServiceStarter } from '../support/service-starter';
import {
  EXAMPLE_ENCOUNTER_INPUT,
  parseEncounterInput,
} from '../../services/gateway/src/domain/encounter-input';
import { featureRowIds } from '../../services/gateway/src/domain/inference-tensors';
import { gatewayService } from '../../services/gateway/src/gateway.definition';

const CLIENT = testApiKey('triton-client', ['predict']);
const VERSION = 'v1';
const THRESHOLD = 0.3;
const CLIENT_SCRIPT = join(PROJECT_ROOT, 'test', 'python', 'open_inference_client.py');

/** The example encounter under another id, its stay and primary diagnosis varied. */
const encounter = (id: number, diag_1: string): Record<string, string | number | null> => ({
  ...EXAMPLE_ENCOUNTER_INPUT,
  encounter_id: id,
  time_in_hospital: (id % 14) + 1,
  number_inpatient: id % 4,
  diag_1,
});
const ENCOUNTERS = [
  encounter(401, '428'),
  encounter(402, '250.83'),
  encounter(403, 'V57'),
  encounter(404, '486'),
  encounter(405, '578'),
  encounter(406, '250.83'),
];

/** What test/python/open_inference_client.py prints. */
interface Heard {
  model_name: string;
  model_version: string;
  id: string;
  outputs: { probability?: number[]; label?: boolean[] };
  binary: string[];
}
interface ClientAnswers {
  live: boolean;
  ready: boolean;
  model_ready: boolean;
  version_ready: boolean;
  other_version_ready: boolean;
  server: { name: string; version: string; extensions: string[] };
  metadata: {
    name: string;
    versions: string[];
    platform: string;
    inputs: Array<{
      name: string;
      datatype: string;
      shape: number[];
      parameters?: Record<string, unknown>;
    }>;
    outputs: Array<{ name: string; datatype: string; shape: number[] }>;
  };
  version_metadata: ClientAnswers['metadata'];
  one: Heard;
  many: Heard;
  features: Heard;
  refused: Record<string, { status: string; message: string } | null>;
}

/** Runs the client script with its job on stdin (asynchronously: the gateway runs in this process). */
function runClient(python: string, job: object): Promise<ClientAnswers> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [CLIENT_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as ClientAnswers)
        : reject(new Error(`the client script failed (${code}):\n${out}${err}`)),
    );
    child.stdin.end(JSON.stringify(job));
  });
}

/**
 * The gateway's Open Inference Protocol (KServe v2 / Triton HTTP), called by Triton's own
 * Python client (tritonclient[http] from PyPI): health, metadata, readiness, inference on
 * encounter columns and on a feature tensor, with the scores `/v1/predictions` gives the same
 * encounters; refusals in the protocol's error shape; each inference a PredictionMade event.
 */
describe('Open Inference Protocol (v2) on the gateway, with tritonclient', () => {
  let streams: Awaited<ReturnType<typeof isolatedEventStreams>>;
  let root: string;
  let services: ServiceStarter;
  let gateway: INestApplication;
  let python: string;
  let answers: ClientAnswers;
  let v1Scores: number[];

  const get = (path: string, key: string | null = CLIENT.key) => {
    const call = request(gateway.getHttpServer()).get(path);
    return key === null ? call : call.set('x-api-key', key);
  };

  beforeAll(async () => {
    python = pythonWithModelTools();
    streams = await isolatedEventStreams(SCORING_TOPICS, ['PredictionMade', 'ModelPromoted']);
    root = mkdtempSync(join(tmpdir(), 'readmit-v2-'));
    services = new ServiceStarter({ prefix: streams.prefix });
    await startScoringService(services, root);
    gateway = await services.start(gatewayService, {
      READMIT_API_KEYS: apiKeysEnv(CLIENT),
      READMIT_INSTANCE_ID: uniqueName('gateway'),
      READMIT_SCORING_TIMEOUT_MS: '10000',
    });
  });
  afterAll(async () => {
    await services?.stopAll();
    await streams?.publisher.disconnect();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('is live, and not ready (503, Retry-After, the reason) until a champion serves', async () => {
    await get('/v2/health/live', null).expect(200);
    const early = await eventually(async () => {
      const response = await get('/v2/health/ready', null);
      return /no champion/.test(response.body.error) ? response : undefined;
    }, 30_000);
    expect(early.status).toBe(503);
    expect(early.headers['retry-after']).toBe('5');
    expect(early.body).toEqual({
      error: 'not ready: champion: no champion model is serving yet',
    });
    const metadata = await get(`/v2/models/${MODEL}`).expect(503);
    expect(metadata.body).toEqual({
      error: 'scoring is unavailable, retry later: no champion model is serving yet',
    });

    await promoteSmallModel(streams.publisher, root, VERSION, THRESHOLD, {
      diagnosisSignal: true,
    });
    await eventually(
      async () => ((await get('/v2/health/ready', null)).status === 200 ? true : undefined),
      60_000,
    );
  });

  it('tritonclient: metadata, readiness, and the /v1 scores from columns (binary and JSON) and from a feature tensor', async () => {
    const v1 = await request(gateway.getHttpServer())
      .post('/v1/predictions/batch')
      .set('x-api-key', CLIENT.key)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ encounters: ENCOUNTERS }))
      .expect(200);
    v1Scores = v1.body.predictions.map((prediction: { score: number }) => prediction.score);
    // The champion's features of the same encounters, encoded by its own feature spec.
    const spec = readModelArtifact(
      smallModelArtifact(MODEL, VERSION, THRESHOLD, { diagnosisSignal: true }),
    ).featureSpec;
    const encoder = new FeatureEncoder(spec);
    const features = ENCOUNTERS.map((row) => {
      const parsed = parseEncounterInput(row, testPseudonymize);
      if (!parsed.ok) throw new Error('the test encounters are valid');
      return [...encoder.encode(parsed.value.encounter)];
    });

    const started = Date.now();
    answers = await runClient(python, {
      url: `127.0.0.1:${(gateway.getHttpServer().address() as AddressInfo).port}`,
      key: CLIENT.key,
      model: MODEL,
      version: VERSION,
      encounters: ENCOUNTERS,
      features,
    });
    if (process.env.READMIT_TEST_TIMING) console.log('tritonclient run', Date.now() - started);

    expect(answers).toMatchObject({
      live: true,
      ready: true,
      model_ready: true,
      version_ready: true,
      other_version_ready: false,
      server: { name: 'readmit', version: '0.1.0', extensions: ['binary_tensor_data'] },
    });
    const { metadata } = answers;
    expect(answers.version_metadata).toEqual(metadata);
    expect(metadata).toMatchObject({
      name: MODEL,
      versions: [VERSION],
      platform: 'onnxruntime_onnx',
    });
    const inputs = new Map(metadata.inputs.map((input) => [input.name, input]));
    expect(inputs.get('age')).toMatchObject({ datatype: 'BYTES', shape: [-1] });
    expect(inputs.get('num_medications')).toMatchObject({ datatype: 'INT64', shape: [-1] });
    expect(inputs.get('features')).toMatchObject({
      datatype: 'FP32',
      shape: [-1, spec.featureNames.length],
      parameters: { feature_names: spec.featureNames },
    });
    expect(metadata.outputs.map((output) => `${output.name} ${output.datatype}`)).toEqual([
      'probability FP32',
      'label BOOL',
    ]);

    const close = (heard: number[] | undefined, expected: number[]) => {
      expect(heard).toHaveLength(expected.length);
      heard?.forEach((score, index) =>
        expect(Math.abs(score - expected[index])).toBeLessThan(1e-6),
      );
    };
    // One encounter with the client's defaults: binary tensors both ways.
    expect(answers.one).toMatchObject({ model_name: MODEL, model_version: VERSION });
    expect(answers.one.binary.sort()).toEqual(['label', 'probability']);
    close(answers.one.outputs.probability, v1Scores.slice(0, 1));
    expect(answers.one.outputs.label).toEqual([v1Scores[0] >= THRESHOLD]);
    // Many as JSON, the outputs asked for by name, the request's own id echoed.
    expect(answers.many).toMatchObject({ id: 'many-encounters', binary: [] });
    close(answers.many.outputs.probability, v1Scores);
    expect(answers.many.outputs.label).toEqual(v1Scores.map((score) => score >= THRESHOLD));
    expect(new Set(v1Scores.map((score) => score.toFixed(4))).size).toBeGreaterThan(1);
    // The feature tensor: only the probability asked for.
    expect(Object.keys(answers.features.outputs)).toEqual(['probability']);
    close(answers.features.outputs.probability, v1Scores);
  });

  it('refuses in the protocol’s shape: another model or version 404, a bad column or width 400, no key 401', () => {
    const { refused } = answers;
    expect(refused.unknown_model).toEqual({
      status: '404',
      message: `model 'other' is not served here (${MODEL} is)`,
    });
    expect(refused.unknown_version).toEqual({
      status: '404',
      message: `version 'v0' of ${MODEL} is not the champion (${VERSION} is)`,
    });
    expect(refused.invalid_column?.status).toBe('400');
    expect(refused.invalid_column?.message).toMatch(
      /^invalid inputs: age\[1\]: '\[70-85\)' is not one of/,
    );
    expect(refused.wrong_width).toEqual({
      status: '400',
      message: expect.stringMatching(
        new RegExp(
          `^scoring refused the request: ${MODEL} ${VERSION} takes \\d+ features per row .*not 2$`,
        ),
      ),
    });
    expect(refused.no_key).toEqual({
      status: '401',
      message: 'send an API key in the x-api-key header',
    });
  });

  it('records every inference as a PredictionMade: a feature row under its derived pseudonyms', async () => {
    const events = await watchEvents<PredictionMade>(
      streams.kafka,
      streams.serde,
      physical(TOPICS.predictions, streams.prefix),
    );
    try {
      const requestId = answers.features.id;
      const ids = featureRowIds(requestId, ENCOUNTERS.length, testPseudonymize);
      const made = await eventually(async () => {
        const found = events.events.filter((event) => event.envelope.correlationId === requestId);
        return found.length === ENCOUNTERS.length ? found : undefined;
      });
      // Keyed by the encounter pseudonym, so spread over partitions: matched by id, not order.
      const byId = new Map(made.map((event) => [event.encounter_id, event]));
      ids.forEach((one, row) => {
        const event = byId.get(one.encounter_id);
        expect(event).toMatchObject({ patient_nbr: one.patient_nbr, modelVersion: VERSION });
        expect(Math.abs((event?.score ?? NaN) - v1Scores[row])).toBeLessThan(1e-6);
      });
      // An encounter's inference is its prediction, under its pseudonym: /v1's and /v2's.
      const last = testPseudonymize('encounter', '406');
      const both = await eventually(async () => {
        const found = events.events.filter((event) => event.encounter_id === last);
        return found.length === 2 ? found : undefined;
      });
      for (const event of both)
        expect(Math.abs((event.score ?? NaN) - v1Scores[5])).toBeLessThan(1e-6);
    } finally {
      await events.stop();
    }
  });

  it('counts the /v2 routes in the gateway metrics and describes them in the OpenAPI document', async () => {
    const metrics = await get('/metrics', null).expect(200);
    expect(metrics.text).toMatch(
      /readmit_gateway_requests_total\{method="POST",route="\/v2\/models\/:name\/infer",status="200"[^}]*\} [1-9]/,
    );
    expect(metrics.text).toMatch(
      /readmit_gateway_requests_total\{method="GET",route="\/v2\/models\/:name",status="404"[^}]*\} [1-9]/,
    );
    const docs = await get('/docs-json', null).expect(200);
    for (const path of ['/v2/models/{name}/infer', '/v2/models/{name}/versions/{version}/infer'])
      expect(Object.keys(docs.body.paths[path].post.responses).sort()).toEqual([
        '200',
        '400',
        '401',
        '403',
        '404',
        '413',
        '503',
      ]);
    expect(docs.body.paths['/v2/health/ready'].get.security).toBeUndefined();
    expect(docs.body.components.schemas.InferenceRequest.required).toEqual(['inputs']);
    // A body larger than a full batch can be is refused before it is read, in the same shape.
    const large = await request(gateway.getHttpServer())
      .post(`/v2/models/${MODEL}/infer`)
      .set('x-api-key', CLIENT.key)
      .send(Buffer.alloc(2 * 1024 * 1024, 32))
      .expect(413);
    expect(large.body).toEqual({ error: 'the body could not be read: request entity too large' });
  });
});
