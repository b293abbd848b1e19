import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { RPC_TOPICS, TOPICS, type PredictionMade } from '@readmit/contracts';
import request from 'supertest';
import { apiKeysEnv, testApiKey } from '../support/api-keys';
import { promoteSmallModel } from '../support/champion';
import { eventually, uniqueName } from '../support/endpoints';
import {
  isolatedCatalog,
  isolatedEventStreams,
  physical,
  testKafka,
  watchEvents,
} from '../support/kafka';
import { SCORING_TOPICS, startScoringService } from '../support/scoring-service';
import { ServiceStarter } from '../support/service-starter';
import { EXAMPLE_ENCOUNTER_INPUT } from '../../services/gateway/src/domain/encounter-input';
import { gatewayService } from '../../services/gateway/src/gateway.definition';
import { encounterPseudonym } from '../support/pseudonyms';

const MODEL = 'readmission';
const THRESHOLD = 0.3;
/** Two client applications allowed to predict, and a dashboard that may only read. */
const CLIENT = testApiKey('client-app', ['predict']);
const OTHER_CLIENT = testApiKey('other-app', ['predict']);
const DASHBOARD = testApiKey('dashboard', ['read']);
const KEY = CLIENT.key;
const OTHER_KEY = OTHER_CLIENT.key;
const MAX_BATCH = 5;

/** The example encounter under another id, with varied inputs so that the scores differ. */
const encounter = (id: number, changes: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...EXAMPLE_ENCOUNTER_INPUT,
  encounter_id: id,
  time_in_hospital: (id % 14) + 1,
  number_inpatient: id % 4,
  ...changes,
});
const without = (column: string) => {
  const { [column]: _removed, ...rest } = encounter(7);
  return rest;
};

interface PredictionBody {
  encounter_id: number;
  score: number;
  label: boolean;
  threshold: number;
  contributions?: Array<{ feature: string; value: number }> | null;
}

describe('REST gateway: predictions over HTTP, scored over Kafka request-reply', () => {
  const scorers: INestApplication[] = [];
  let streams: Awaited<ReturnType<typeof isolatedEventStreams>>;
  let root: string;
  let services: ServiceStarter;
  let gateway: INestApplication;

  const startScoring = async () => {
    const app = await startScoringService(services, root);
    scorers.push(app);
    return app;
  };
  const startGateway = (env: Record<string, string> = {}) =>
    services.start(gatewayService, {
      READMIT_API_KEYS: apiKeysEnv(CLIENT, OTHER_CLIENT, DASHBOARD),
      READMIT_GATEWAY_MAX_BATCH: String(MAX_BATCH),
      // Long enough to ride out a rebalance of the scoring instances.
      READMIT_SCORING_TIMEOUT_MS: '10000',
      READMIT_INSTANCE_ID: uniqueName('gateway'),
      ...env,
    });
  const post = (app: INestApplication, path: string, body: unknown, key: string | null = KEY) => {
    const call = request(app.getHttpServer()).post(path).set('Content-Type', 'application/json');
    if (key !== null) call.set('x-api-key', key);
    return call.send(typeof body === 'string' ? body : JSON.stringify(body));
  };

  beforeAll(async () => {
    streams = await isolatedEventStreams(SCORING_TOPICS, ['PredictionMade', 'ModelPromoted']);
    root = mkdtempSync(join(tmpdir(), 'readmit-gateway-'));
    services = new ServiceStarter({ prefix: streams.prefix });
    await startScoring();
    gateway = await startGateway();
  });
  afterAll(async () => {
    await services?.stopAll();
    await streams?.publisher.disconnect();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After while no champion serves, then scores once one is promoted', async () => {
    const early = await eventually(async () => {
      const response = await post(gateway, '/v1/predictions', encounter(1));
      return /no champion/.test(response.body.message) ? response : undefined;
    }, 30_000);
    expect(early.status).toBe(503);
    expect(early.headers['retry-after']).toBe('5');
    expect(early.body).toEqual({
      message: 'scoring is unavailable, retry later: no champion model is serving yet',
    });

    // A model that scores by the primary diagnosis's group (trained on ICD-9-CM codes).
    await promoteSmallModel(streams.publisher, root, 'v1', THRESHOLD, { diagnosisSignal: true });
    await eventually(async () => {
      const response = await post(gateway, '/v1/predictions', encounter(2));
      return response.status === 200 ? true : undefined;
    }, 60_000);
  });

  it('scores one encounter: score in (0,1), label at the threshold, contributions only with explain, a PredictionMade event', async () => {
    const events = await watchEvents<PredictionMade>(
      streams.kafka,
      streams.serde,
      physical(TOPICS.predictions, streams.prefix),
    );
    try {
      // A label in the body is not needed, and not in the way either.
      const plain = await post(gateway, '/v1/predictions', encounter(10, { readmitted: '<30' }));
      expect(plain.status).toBe(200);
      expect(plain.body).toEqual({
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        modelName: MODEL,
        modelVersion: 'v1',
        prediction: {
          encounter_id: 10,
          score: expect.any(Number),
          label: plain.body.prediction.score >= THRESHOLD,
          threshold: THRESHOLD,
        },
      });
      expect(plain.headers['x-request-id']).toBe(plain.body.requestId);
      expect(plain.body.prediction.score).toBeGreaterThan(0);
      expect(plain.body.prediction.score).toBeLessThan(1);

      const explained = await post(gateway, '/v1/predictions?explain=true', encounter(11));
      expect(explained.status).toBe(200);
      const contributions = explained.body.prediction.contributions;
      expect(contributions.length).toBeGreaterThan(0);
      expect(contributions.length).toBeLessThanOrEqual(5);
      expect(contributions[0]).toEqual({ feature: expect.any(String), value: expect.any(Number) });

      const event = await eventually(async () =>
        events.events.find((made) => made.envelope.correlationId === plain.body.requestId),
      );
      // On the log, the encounter is its pseudonym; only the caller hears its own id.
      expect(event).toMatchObject({
        encounter_id: encounterPseudonym(10),
        modelVersion: 'v1',
        score: plain.body.prediction.score,
      });
    } finally {
      await events.stop();
    }
  });

  it('scores a batch in order, explained when asked', async () => {
    const ids = [20, 21, 22, 23, 24];
    const response = await post(gateway, '/v1/predictions/batch?explain=true', {
      encounters: ids.map((id) => encounter(id)),
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ modelName: MODEL, modelVersion: 'v1' });
    const predictions: PredictionBody[] = response.body.predictions;
    expect(predictions.map((prediction) => prediction.encounter_id)).toEqual(ids);
    for (const prediction of predictions) {
      expect(prediction.score).toBeGreaterThan(0);
      expect(prediction.score).toBeLessThan(1);
      expect(prediction.label).toBe(prediction.score >= THRESHOLD);
      expect(prediction.contributions?.length).toBeGreaterThan(0);
    }
    expect(new Set(predictions.map((prediction) => prediction.score)).size).toBeGreaterThan(1);

    const plain = await post(gateway, '/v1/predictions/batch', { encounters: [encounter(25)] });
    expect(plain.status).toBe(200);
    expect(plain.body.predictions[0]).not.toHaveProperty('contributions');
  });

  it('scores an ICD-10-CM encounter as its ICD-9-CM equivalent, with a model trained on ICD-9-CM', async () => {
    // Ids 28 apart: the same time in hospital and inpatient visits (see `encounter`).
    const icd9 = encounter(50, { diag_1: '250.83', diag_2: '428', diag_3: 'V57' });
    const icd10 = encounter(78, {
      diag_1: 'E11.69',
      diag_2: 'I50.9',
      diag_3: 'Z51.89',
      diag_code_system: 'ICD10CM',
    });
    const scored = await post(gateway, '/v1/predictions/batch', {
      encounters: [icd9, icd10, { ...icd10, encounter_id: 106, diag_1: 'I10' }],
    });
    expect(scored.status).toBe(200);
    const [nine, ten, hypertensive]: PredictionBody[] = scored.body.predictions;
    expect(ten.score).toBeCloseTo(nine.score, 6);
    // The diagnosis matters to this model: another group scores otherwise.
    expect(Math.abs(hypertensive.score - nine.score)).toBeGreaterThan(0.01);
    // ICD-10 codes without their system are read as ICD-9-CM, which they are not: 400.
    const { diag_code_system: _system, ...unnamed } = icd10;
    const refused = await post(gateway, '/v1/predictions', unnamed);
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error: { field: string }) => error.field)).toEqual([
      'diag_1',
      'diag_2',
      'diag_3',
    ]);
  });

  it('answers 400 naming every bad field, by the ingest rules', async () => {
    const cases: Array<[string, unknown, Array<{ field: string; message: string }>]> = [
      ['/v1/predictions', without('gender'), [{ field: 'gender', message: 'is required' }]],
      [
        '/v1/predictions',
        encounter(7, { age: true, num_medications: { count: 3 } }),
        [
          { field: 'age', message: 'must be a string, a number or null' },
          { field: 'num_medications', message: 'must be a string, a number or null' },
        ],
      ],
      [
        '/v1/predictions',
        encounter(7, { age: '[70-85)', time_in_hospital: 20, encounter_id: null }),
        [
          { field: 'encounter_id', message: 'is required' },
          { field: 'age', message: expect.stringMatching(/^'\[70-85\)' is not one of \[0-10\)/) },
          { field: 'time_in_hospital', message: "'20' is not a whole number from 1 to 14" },
        ],
      ],
      [
        '/v1/predictions',
        '{"encounter_id": 7,',
        [{ field: '(body)', message: 'the body is not valid JSON' }],
      ],
      [
        '/v1/predictions',
        [encounter(7)],
        [
          {
            field: '(body)',
            message: 'must be a JSON object keyed by the diabetic_data.csv column names',
          },
        ],
      ],
      [
        '/v1/predictions/batch',
        { encounters: [] },
        [{ field: 'encounters', message: 'must hold at least one encounter' }],
      ],
      [
        '/v1/predictions/batch',
        { encounters: [1, 2, 3, 4, 5, 6].map((id) => encounter(id)) },
        [{ field: 'encounters', message: `must hold at most ${MAX_BATCH} encounters` }],
      ],
      [
        '/v1/predictions/batch',
        encounter(7),
        [{ field: 'encounters', message: 'must be an array of encounters' }],
      ],
      [
        '/v1/predictions/batch',
        { encounters: [encounter(1), encounter(2, { gender: 'X' }), 'x', without('age')] },
        [
          {
            field: 'encounters[1].gender',
            message: "'X' is not one of Female, Male, Unknown/Invalid",
          },
          {
            field: 'encounters[2]',
            message: 'must be a JSON object keyed by the diabetic_data.csv column names',
          },
          { field: 'encounters[3].age', message: 'is required' },
        ],
      ],
      [
        '/v1/predictions/batch?explain=maybe',
        { encounters: [] },
        [
          { field: 'explain', message: 'must be true or false' },
          { field: 'encounters', message: 'must hold at least one encounter' },
        ],
      ],
    ];
    for (const [path, body, errors] of cases) {
      const response = await post(gateway, path, body);
      expect({ path, body, status: response.status, errors: response.body.errors }).toEqual({
        path,
        body,
        status: 400,
        errors,
      });
      expect(response.body.message).toMatch(/^invalid (encounter|batch)$/);
    }
  });

  it('answers 415 for a body that is not JSON, as ingest does, and 413 for one larger than a full batch', async () => {
    const response = await request(gateway.getHttpServer())
      .post('/v1/predictions')
      .set('x-api-key', KEY)
      .set('Content-Type', 'text/csv')
      .send('encounter_id\n1\n')
      .expect(415);
    expect(response.body.message).toBe("send application/json, not 'text/csv'");
    // Bodies are read up to what a full batch can take (64 KiB at least), and no further.
    await post(gateway, '/v1/predictions', { padding: 'x'.repeat(70_000) }).expect(413);
  });

  it('asks for an API key first (401), refuses a key it does not know (403), takes any configured key with the predict role', async () => {
    const missing = await post(gateway, '/v1/predictions', '{not even json', null).expect(401);
    expect(missing.body).toEqual({ message: 'send an API key in the x-api-key header' });
    const wrong = await post(gateway, '/v1/predictions', encounter(30), `${KEY}x`).expect(403);
    expect(wrong.body).toEqual({ message: 'the API key is not accepted' });
    await post(gateway, '/v1/predictions/batch', { encounters: [] }, 'short').expect(403);
    await post(gateway, '/v1/predictions', encounter(31), OTHER_KEY).expect(200);
    // A key that is accepted but whose principal may not predict.
    const reader = await post(gateway, '/v1/predictions', encounter(32), DASHBOARD.key).expect(403);
    expect(reader.body).toEqual({ message: 'this route needs the predict role' });
  });

  it('keeps /health, /ready, /metrics and /docs open; /ready reports the scoring connection; metrics count routes and statuses', async () => {
    const server = gateway.getHttpServer();
    await request(server).get('/health').expect(200);
    const ready = await request(server).get('/ready').expect(200);
    expect(ready.body.checks.scoring).toEqual({ ready: true });

    const metrics = await request(server).get('/metrics').expect(200);
    const sample = (name: string, labels: Record<string, string>) => {
      const line = metrics.text
        .split('\n')
        .find(
          (text) =>
            text.startsWith(`${name}{`) &&
            Object.entries(labels).every(([label, value]) => text.includes(`${label}="${value}"`)),
        );
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    const requests = (route: string, status: string) =>
      sample('readmit_gateway_requests_total', { route, status });
    expect(requests('/v1/predictions', '200')).toBeGreaterThanOrEqual(4);
    for (const status of ['400', '401', '403', '415', '503'])
      expect(requests('/v1/predictions', status)).toBeGreaterThan(0);
    // Two batches above, and the ICD-10 one.
    expect(requests('/v1/predictions/batch', '200')).toBe(3);
    expect(
      sample('readmit_gateway_request_seconds_count', { route: '/v1/predictions/batch' }),
    ).toBeGreaterThanOrEqual(2);
    expect(sample('readmit_gateway_scoring_seconds_count', { outcome: 'ok' })).toBeGreaterThan(0);

    const html = await request(server).get('/docs').expect(200);
    expect(html.text).toContain('swagger-ui');
    await request(server).get('/docs/swagger-ui-bundle.js').expect(200);
    const docs = await request(server).get('/docs-json').expect(200);
    expect(docs.body.components.securitySchemes).toEqual({
      'api-key': expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }),
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      // The console's session cookie, taken under /console/ only.
      'console-session': expect.objectContaining({ type: 'apiKey', in: 'cookie' }),
    });
    // The platform's document, served at /openapi.json too.
    expect((await request(server).get('/openapi.json').expect(200)).body).toEqual(docs.body);
    for (const path of ['/v1/predictions', '/v1/predictions/batch']) {
      const operation = docs.body.paths[path].post;
      expect(operation.security).toEqual([{ 'api-key': [] }, { bearer: [] }]);
      expect(Object.keys(operation.responses).sort()).toEqual(
        ['200', '400', '401', '403', '413', '415', '503'].sort(),
      );
      expect(operation.responses['503'].headers).toHaveProperty('Retry-After');
      expect(operation.parameters).toContainEqual(expect.objectContaining({ name: 'explain' }));
    }
    expect(
      docs.body.paths['/v1/predictions'].post.requestBody.content['application/json'].schema,
    ).toEqual({ $ref: '#/components/schemas/Encounter' });
    const schemas = docs.body.components.schemas;
    expect(schemas.Encounter.required).toEqual(expect.arrayContaining(['encounter_id', 'age']));
    expect(schemas.Encounter.required).not.toContain('weight');
    expect(schemas.BatchPredictionRequest.properties.encounters.maxItems).toBe(MAX_BATCH);
    expect(schemas.PredictionResponseDto.properties).toHaveProperty('prediction');
  });

  it('answers 503 with Retry-After when scoring does not answer in time', async () => {
    // A prefix with the request topics but no scoring service reading them.
    const lonely = await isolatedCatalog(testKafka(), [
      RPC_TOPICS.scoringRequests,
      RPC_TOPICS.scoringReplies,
    ]);
    const alone = await startGateway({
      READMIT_TOPIC_PREFIX: lonely,
      READMIT_SCORING_TIMEOUT_MS: '300',
      READMIT_GATEWAY_RETRY_AFTER_SECONDS: '2',
    });
    const response = await post(alone, '/v1/predictions', encounter(40)).expect(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.body).toEqual({
      message: 'scoring is unavailable, retry later: scoring did not answer within 300 ms',
    });
  });

  it('keeps answering with two gateways and two scoring instances while one scorer leaves', async () => {
    await startScoring();
    const second = await startGateway();
    let id = 1_000;
    const ask = (app: INestApplication) =>
      post(app, '/v1/predictions', encounter(id++)).then((response) => response.status);
    await eventually(async () => ((await ask(second)) === 200 ? true : undefined), 60_000, 250);

    const rounds: Array<Promise<number[]>> = [];
    for (let round = 0; round < 20; round++) {
      rounds.push(Promise.all([ask(gateway), ask(second), ask(gateway), ask(second)]));
      if (round === 5) {
        // The first scoring instance leaves: its request partitions move to the other.
        const leaving = scorers.shift() as INestApplication;
        rounds.push(services.stop(leaving).then(() => []));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const statuses = (await Promise.all(rounds)).flat();
    expect(statuses).toHaveLength(80);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });
});
