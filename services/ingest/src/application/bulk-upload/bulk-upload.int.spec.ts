import { readFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { TOPICS, type BatchArrived } from '@readmit/contracts';
import { createService } from '@readmit/platform/bootstrap';
import { assertTestDatabase, createDataSource } from '@readmit/platform/database';
import { EventSerde } from '@readmit/platform/kafka';
import { ingestEnvSchema } from '../../ingest.config';
import request from 'supertest';
import {
  eventually,
  sharedDataFile,
  testEndpoints,
  uniqueName,
} from '../../../../../test/support/endpoints';
import { isolatedCatalog, physical, readTopic, testKafka } from '../../../../../test/support/kafka';
import { testApiKey } from '../../../../../test/support/api-keys';
import { TEST_PSEUDONYM_KEY } from '../../../../../test/support/pseudonyms';
import { IngestModule } from '../../ingest.module';

const sampleLines = readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8').split('\n');
const header = sampleLines[0];
/** Uploads (role ingest) and reads batches (role read). */
const UPLOADER = testApiKey('uploader', ['ingest', 'read']);

describe('POST /v1/encounters/bulk (ingest service)', () => {
  let app: INestApplication;
  let prefix: string;
  const schema = uniqueName('ingest').replace(/-/g, '_');
  const kafka = testKafka();

  beforeAll(async () => {
    prefix = await isolatedCatalog(kafka, [TOPICS.encounters, TOPICS.outcomes, TOPICS.batches]);
    const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = testEndpoints();
    assertTestDatabase(databaseUrl);
    app = await createService(
      { name: 'ingest', envSchema: ingestEnvSchema, module: IngestModule },
      {
        READMIT_HTTP_PORT: '0',
        READMIT_LOG_LEVEL: 'fatal',
        READMIT_KAFKA_BROKERS: kafkaBrokers.join(','),
        READMIT_SCHEMA_REGISTRY_URL: schemaRegistryUrl,
        READMIT_TOPIC_PREFIX: prefix,
        READMIT_BATCH_LABELS: '25',
        READMIT_DATABASE_URL: databaseUrl,
        READMIT_DATABASE_SCHEMA: schema,
        READMIT_API_KEYS: UPLOADER.entry,
        READMIT_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
      },
    );
  });
  /** Requests with the uploader's key. */
  const api = () => ({
    get: (path: string) => request(app.getHttpServer()).get(path).set('x-api-key', UPLOADER.key),
    post: (path: string) => request(app.getHttpServer()).post(path).set('x-api-key', UPLOADER.key),
  });

  afterAll(async () => {
    await app?.close();
    const cleanup = createDataSource({ url: testEndpoints().databaseUrl });
    await cleanup.initialize();
    await cleanup.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await cleanup.destroy();
  });

  it('publishes every good CSV row and returns each bad one with its line and fields', async () => {
    const lines = sampleLines.slice(0, 21);
    lines[5] = lines[5].replace(/,\[\d+-\d+\),/, ',[70-85),');
    const response = await api()
      .post('/v1/encounters/bulk')
      .set('Content-Type', 'text/csv')
      .send(`${lines.join('\n')}\n`)
      .expect(200);
    expect(response.body).toMatchObject({ rows: 20, encounters: 19, outcomes: 19, rejected: 1 });
    expect(response.body.rejections).toEqual([
      {
        line: 6,
        errors: [{ field: 'age', message: expect.stringMatching(/^'\[70-85\)' is not one of/) }],
      },
    ]);
    expect(response.body.uploadId).toMatch(/^[0-9a-f-]{36}$/);

    const messages = await readTopic(kafka, physical(TOPICS.encounters, prefix), {
      count: 19,
      timeoutMs: 30_000,
    });
    expect(messages).toHaveLength(19);
    const serde = EventSerde.create(testEndpoints().schemaRegistryUrl, { topicPrefix: prefix });
    const { event } = await serde.decode(messages[0].message.value);
    expect((event as { source: string }).source).toMatch(
      new RegExp(`^http:${response.body.uploadId}#\\d+$`),
    );
  });

  it('takes JSON lines with the same columns, numbers or strings, null for missing', async () => {
    const columns = header.split(',');
    const objects = sampleLines.slice(21, 24).map((line) => {
      const cells = line.split(',');
      return Object.fromEntries(
        columns.map((column, index) => [
          column,
          cells[index] === '?'
            ? null
            : /^\d+$/.test(cells[index])
              ? Number(cells[index])
              : cells[index],
        ]),
      );
    });
    const body = [
      ...objects.map((object) => JSON.stringify(object)),
      '{not json',
      JSON.stringify({ ...objects[0], gender: 'X' }),
    ].join('\n');
    const response = await api()
      .post('/v1/encounters/bulk')
      .set('Content-Type', 'application/x-ndjson')
      .send(body)
      .expect(200);
    expect(response.body).toMatchObject({ rows: 5, encounters: 3, rejected: 2 });
    expect(response.body.rejections).toEqual([
      { line: 4, errors: [{ field: '(row)', message: 'the line is not valid JSON' }] },
      {
        line: 5,
        errors: [{ field: 'gender', message: "'X' is not one of Female, Male, Unknown/Invalid" }],
      },
    ]);
  });

  it('answers 400 naming the missing columns when the file is not diabetic_data.csv', async () => {
    const response = await api()
      .post('/v1/encounters/bulk')
      .set('Content-Type', 'text/csv')
      .send('encounter_id,score\n1,0.4\n')
      .expect(400);
    expect(response.body.message).toMatch(
      /^not a diabetic_data.csv file: the header lacks patient_nbr, race/,
    );
    expect(response.body.fields).toContainEqual({ field: 'age', message: 'column is missing' });
  });

  it('closes a batch each time 25 labelled encounters have arrived (the service runs the batch tracker)', async () => {
    await api()
      .post('/v1/encounters/bulk')
      .set('Content-Type', 'text/csv')
      .send(`${[header, ...sampleLines.slice(30, 90)].join('\n')}\n`)
      .expect(200);
    // 19 + 3 + 60 labelled encounters so far: three batches of 25, and 7 labels waiting.
    const serde = EventSerde.create(testEndpoints().schemaRegistryUrl, { topicPrefix: prefix });
    const messages = await readTopic(kafka, physical(TOPICS.batches, prefix), {
      count: 3,
      timeoutMs: 60_000,
      settleMs: 2_000,
    });
    const batches = await Promise.all(
      messages.map(
        async ({ message }) => (await serde.decode(message.value)).event as BatchArrived,
      ),
    );
    expect(batches.map((batch) => [batch.sequence, batch.labeledCount, batch.trigger])).toEqual([
      [1, 25, 'COUNT'],
      [2, 25, 'COUNT'],
      [3, 25, 'COUNT'],
    ]);

    // …and the service's batches projection serves them, newest first.
    const listed = await eventually(async () => {
      const response = await api().get('/v1/batches?limit=2').expect(200);
      return response.body.batches.length === 2 ? response.body.batches : undefined;
    }, 30_000);
    expect(listed.map((batch: { sequence: number }) => batch.sequence)).toEqual([3, 2]);
    expect(listed[0]).toMatchObject({
      batchId: batches[2].batchId,
      labeledCount: 25,
      trigger: 'COUNT',
      encounterCount: batches[2].encounterCount,
      eventId: batches[2].envelope.eventId,
    });
    const older = await api().get('/v1/batches?before=2').expect(200);
    expect(older.body.batches.map((batch: { sequence: number }) => batch.sequence)).toEqual([1]);
    const invalid = await api().get('/v1/batches?limit=0').expect(400);
    expect(invalid.body.errors).toEqual([{ field: 'limit', message: expect.any(String) }]);
  });

  it('answers 415 for a body that is neither CSV nor JSON lines', async () => {
    const response = await api()
      .post('/v1/encounters/bulk')
      .set('Content-Type', 'application/xml')
      .send('<x/>')
      .expect(415);
    expect(response.body.message).toBe(
      "send text/csv or application/x-ndjson, not 'application/xml'",
    );
  });
});
