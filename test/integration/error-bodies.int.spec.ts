import type { INestApplication } from '@nestjs/common';
import { TOPICS } from '@readmit/contracts';
import request from 'supertest';
import { apiKeysEnv, testApiKey } from '../support/api-keys';
import { dropTestSchema } from '../support/database';
import { uniqueName } from '../support/endpoints';
import { isolatedEventStreams } from '../support/kafka';
import { SCORING_TOPICS } from '../support/scoring-service';
import { ServiceStarter } from '../support/service-starter';
import { EXAMPLE_ENCOUNTER_INPUT } from '../../services/gateway/src/domain/encounter-input';
import { gatewayService } from '../../services/gateway/src/gateway.definition';
import { ingestEnvSchema } from '../../services/ingest/src/ingest.config';
import { IngestModule } from '../../services/ingest/src/ingest.module';

const UPLOADER = testApiKey('uploader', ['ingest', 'read']);
const CLIENT = testApiKey('client-app', ['predict']);

/** Identifiers no other test uses, so finding their digits anywhere means they leaked. */
const ENCOUNTER = '918273645501';
const PATIENT = '546372819902';
const RAW = [ENCOUNTER, PATIENT];

/**
 * Issue 23: no error body carries a patient identifier. Bad requests that hold distinctive ids
 * (invalid fields, wrong types, broken JSON and CSV, duplicates, oversized batches) go to the
 * gateway and to ingest; every answer is read whole and searched for the ids.
 */
describe('error bodies never carry a patient identifier (gateway, ingest)', () => {
  let streams: Awaited<ReturnType<typeof isolatedEventStreams>>;
  let services: ServiceStarter;
  let ingest: INestApplication;
  let gateway: INestApplication;
  const schema = uniqueName('errors').replace(/-/g, '_');

  beforeAll(async () => {
    streams = await isolatedEventStreams(
      [...SCORING_TOPICS, TOPICS.outcomes, TOPICS.batches],
      ['EncounterRecorded'],
    );
    services = new ServiceStarter({ prefix: streams.prefix });
    ingest = await services.start(
      { name: 'ingest', envSchema: ingestEnvSchema, module: IngestModule },
      {
        READMIT_DATABASE_SCHEMA: schema,
        READMIT_INSTANCE_ID: uniqueName('ingest'),
        READMIT_API_KEYS: UPLOADER.entry,
      },
    );
    // No scoring service: the gateway validates before it asks scoring, and 503s carry no id.
    gateway = await services.start(gatewayService, {
      READMIT_API_KEYS: apiKeysEnv(CLIENT),
      READMIT_INSTANCE_ID: uniqueName('gateway'),
      READMIT_SCORING_TIMEOUT_MS: '2000',
    });
  });

  afterAll(async () => {
    await services?.stopAll();
    await streams?.publisher.disconnect();
    await dropTestSchema(schema);
  });

  const encounter = (changes: Record<string, unknown>) => ({
    ...EXAMPLE_ENCOUNTER_INPUT,
    encounter_id: Number(ENCOUNTER),
    patient_nbr: Number(PATIENT),
    ...changes,
  });

  it('answers every bad prediction request without the ids it was sent', async () => {
    const server = gateway.getHttpServer();
    const predict = (path: string, body: string) =>
      request(server)
        .post(path)
        .set('x-api-key', CLIENT.key)
        .set('Content-Type', 'application/json')
        .send(body);
    const answers = [
      await predict('/v1/predictions', JSON.stringify(encounter({ age: `[${ENCOUNTER})` }))),
      await predict('/v1/predictions', JSON.stringify(encounter({ gender: PATIENT }))),
      await predict(
        '/v1/predictions',
        JSON.stringify(encounter({ encounter_id: `MRN${ENCOUNTER}` })),
      ),
      await predict('/v1/predictions', JSON.stringify(encounter({ patient_nbr: { id: PATIENT } }))),
      await predict('/v1/predictions', JSON.stringify(encounter({ diag_1: ENCOUNTER }))),
      await predict('/v1/predictions', `{"encounter_id": ${ENCOUNTER}, "patient_nbr": ${PATIENT},`),
      await predict(
        '/v1/predictions/batch',
        JSON.stringify({ encounters: [encounter({}), encounter({ num_medications: -1 })] }),
      ),
      await predict(
        '/v1/predictions/batch',
        JSON.stringify({ encounters: Array.from({ length: 2_000 }, () => encounter({})) }),
      ),
      // Valid, but nothing scores: 503.
      await predict('/v1/predictions', JSON.stringify(encounter({}))),
    ];
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status >= 400)).toBe(true);
    expect(statuses.filter((status) => status === 400).length).toBeGreaterThanOrEqual(6);
    for (const answer of answers) for (const id of RAW) expect(answer.text).not.toContain(id);
  });

  it('answers every bad Open Inference Protocol request (/v2) without the ids it was sent', async () => {
    const server = gateway.getHttpServer();
    /** The encounter as column tensors, as tritonclient sends a DataFrame. */
    const columns = (changes: Record<string, unknown>) =>
      Object.entries(encounter(changes)).map(([name, value]) => ({
        name,
        datatype: typeof value === 'number' ? 'INT64' : 'BYTES',
        shape: [1, 1],
        data: [value === null ? '?' : value],
      }));
    const infer = (body: string, path = '/v2/models/readmission/infer') =>
      request(server).post(path).set('x-api-key', CLIENT.key).send(body);
    const answers = [
      await infer(JSON.stringify({ inputs: columns({ age: `[${ENCOUNTER})` }) })),
      await infer(JSON.stringify({ inputs: columns({ gender: PATIENT }) })),
      await infer(JSON.stringify({ inputs: columns({ encounter_id: `MRN${ENCOUNTER}` }) })),
      await infer(
        JSON.stringify({
          inputs: [
            ...columns({}),
            { name: PATIENT, datatype: 'BYTES', shape: [1], data: [ENCOUNTER] },
          ],
        }),
      ),
      await infer(
        JSON.stringify({
          inputs: [{ name: 'features', datatype: PATIENT, shape: [1, 1], data: [1] }],
        }),
      ),
      await infer(JSON.stringify({ inputs: columns({}), outputs: [{ name: ENCOUNTER }] })),
      await infer(`{"inputs": [{"name": "encounter_id", "data": [${ENCOUNTER}]`),
      await infer(
        JSON.stringify({ inputs: columns({}) }),
        `/v2/models/${PATIENT}/versions/${ENCOUNTER}/infer`,
      ),
      // Valid, but nothing scores: 503.
      await infer(JSON.stringify({ inputs: columns({}) })),
    ];
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status >= 400)).toBe(true);
    expect(statuses.filter((status) => status === 400).length).toBeGreaterThanOrEqual(7);
    for (const answer of answers) {
      expect(Object.keys(answer.body)).toEqual(['error']);
      for (const id of RAW) expect(answer.text).not.toContain(id);
    }
  });

  it('reports bad and duplicate upload rows without their ids', async () => {
    const server = ingest.getHttpServer();
    const header = Object.keys(EXAMPLE_ENCOUNTER_INPUT).join(',') + ',readmitted';
    const row = (changes: Record<string, unknown>, readmitted = 'NO') =>
      Object.values(encounter(changes))
        .map((value) => (value === null ? '?' : String(value)))
        .join(',') + `,${readmitted}`;
    const csv = [
      header,
      row({}),
      row({}), // the same encounter again
      row({ age: PATIENT }),
      row({ encounter_id: `x${ENCOUNTER}` }),
      row({}, ENCOUNTER),
      `${ENCOUNTER},${PATIENT},too,few`,
    ].join('\n');
    const upload = await request(server)
      .post('/v1/encounters/bulk')
      .set('x-api-key', UPLOADER.key)
      .set('Content-Type', 'text/csv')
      .send(`${csv}\n`);
    expect(upload.status).toBeLessThan(500);
    expect(upload.text).toMatch(/reject/i);
    const json = await request(server)
      .post('/v1/encounters/bulk')
      .set('x-api-key', UPLOADER.key)
      .set('Content-Type', 'application/x-ndjson')
      .send(
        `{"encounter_id": ${ENCOUNTER}, "patient_nbr": "${PATIENT}", "age": 7}\n{broken ${ENCOUNTER}\n`,
      );
    const wrongType = await request(server)
      .post('/v1/encounters/bulk')
      .set('x-api-key', UPLOADER.key)
      .set('Content-Type', 'application/json')
      .send(`{"encounter_id": ${ENCOUNTER}}`);
    for (const answer of [upload, json, wrongType])
      for (const id of RAW) expect(answer.text).not.toContain(id);
    expect(wrongType.status).toBeGreaterThanOrEqual(400);
  });
});
