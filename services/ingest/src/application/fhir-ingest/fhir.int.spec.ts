import type { INestApplication } from '@nestjs/common';
import { TOPICS, type EncounterRecorded } from '@readmit/contracts';
import { createService } from '@readmit/platform/bootstrap';
import { assertTestDatabase, createDataSource } from '@readmit/platform/database';
import { DLQ_HEADERS, EventSerde } from '@readmit/platform/kafka';
import request from 'supertest';
import { testEndpoints, uniqueName } from '../../../../../test/support/endpoints';
import {
  stayBundle,
  stayResources,
  type StayOptions,
} from '../../../../../test/support/fhir-bundles';
import { isolatedCatalog, physical, readTopic, testKafka } from '../../../../../test/support/kafka';
import { testApiKey } from '../../../../../test/support/api-keys';
import { TEST_PSEUDONYM_KEY, testPseudonymize } from '../../../../../test/support/pseudonyms';
import { deadLetterTopicOf } from '@readmit/contracts';
import { ingestEnvSchema } from '../../ingest.config';
import { IngestModule } from '../../ingest.module';

const UPLOADER = testApiKey('fhir-uploader', ['ingest', 'read']);
const FHIR_JSON = 'application/fhir+json';

describe('FHIR R4 in: POST /fhir and the fhir.bundles topic (ingest service)', () => {
  let app: INestApplication;
  let prefix: string;
  const schema = uniqueName('ingest_fhir').replace(/-/g, '_');
  const kafka = testKafka();
  const serde = () => EventSerde.create(testEndpoints().schemaRegistryUrl, { topicPrefix: prefix });

  beforeAll(async () => {
    prefix = await isolatedCatalog(kafka, [
      TOPICS.encounters,
      TOPICS.outcomes,
      TOPICS.batches,
      TOPICS.fhirBundles,
      deadLetterTopicOf(TOPICS.fhirBundles),
    ]);
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
        READMIT_DATABASE_URL: databaseUrl,
        READMIT_DATABASE_SCHEMA: schema,
        READMIT_API_KEYS: UPLOADER.entry,
        READMIT_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
        READMIT_FHIR_TOPIC: 'true',
      },
    );
  });

  afterAll(async () => {
    await app?.close();
    const cleanup = createDataSource({ url: testEndpoints().databaseUrl });
    await cleanup.initialize();
    await cleanup.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await cleanup.destroy();
  });

  const post = (type: string, body: string) =>
    request(app.getHttpServer())
      .post('/fhir')
      .set('x-api-key', UPLOADER.key)
      .set('Content-Type', type)
      .send(body);

  /** Keys of the encounters already returned: partitions come back in any order. */
  const seenKeys = new Set<string>();
  /** The encounters published since the last call, decoded. */
  async function newEncounters(count: number): Promise<EncounterRecorded[]> {
    const messages = await readTopic(kafka, physical(TOPICS.encounters, prefix), {
      count: seenKeys.size + count,
      timeoutMs: 30_000,
      settleMs: 1_500,
    });
    const fresh = messages.filter(({ message }) => !seenKeys.has(String(message.key)));
    for (const { message } of fresh) seenKeys.add(String(message.key));
    return Promise.all(
      fresh.map(
        async ({ message }) => (await serde().decode(message.value)).event as EncounterRecorded,
      ),
    );
  }

  const stay = (n: number, extra: Partial<StayOptions> = {}): StayOptions => ({
    mrn: `MRN-${n}`,
    visitNumber: `V-${n}`,
    ...extra,
  });

  it('records each finished inpatient stay of a transaction once, mapped field by field', async () => {
    const bundle = stayBundle('transaction', [
      stay(1),
      stay(2, { diagnoses: ['E11.65', 'N18.3', 'I50.9'] }),
    ]);
    const response = await post(FHIR_JSON, JSON.stringify(bundle)).expect(200);
    expect(response.headers['content-type']).toContain(FHIR_JSON);
    expect(response.body.resourceType).toBe('Bundle');
    expect(response.body.type).toBe('transaction-response');
    const statuses = response.body.entry.map(
      (entry: { response: { status: string } }) => entry.response.status,
    );
    expect(statuses.filter((status: string) => status === '201 Created')).toHaveLength(2);
    expect(JSON.stringify(response.body)).not.toContain('MRN-1');

    const [first, second] = await newEncounters(2);
    const byPatient = new Map([first, second].map((event) => [event.patient_nbr, event]));
    const one = byPatient.get(testPseudonymize('patient', 'MRN-1'));
    expect(one).toMatchObject({
      encounter_id: testPseudonymize('encounter', 'V-1'),
      gender: 'Female',
      age: '[70-80)',
      admission_type_id: 1,
      admission_source_id: 7,
      discharge_disposition_id: 1,
      time_in_hospital: 4,
      admittedAt: Date.parse('2021-03-02T14:05:00+01:00'),
      dischargedAt: Date.parse('2021-03-06T10:00:00+01:00'),
      diag_1: 'E11.9',
      diag_2: 'I10',
      diag_3: null,
      diagnosisCodeSystem: 'ICD10CM',
      number_diagnoses: 2,
      num_lab_procedures: 1,
      num_procedures: 1,
      num_medications: 1,
      A1Cresult: '>8',
      metformin: 'Steady',
      diabetesMed: 'Yes',
    });
    expect(one?.source).toMatch(/^fhir:[0-9a-f-]{36}#\d+$/);
    expect(byPatient.get(testPseudonymize('patient', 'MRN-2'))).toMatchObject({
      diag_1: 'E11.65',
      diag_3: 'I50.9',
      number_diagnoses: 3,
    });

    // Sent again: each encounter is known, nothing is published twice.
    const again = await post(FHIR_JSON, JSON.stringify(bundle)).expect(200);
    expect(
      again.body.entry.map((entry: { response: { status: string } }) => entry.response.status),
    ).not.toContain('201 Created');
    expect(await newEncounters(0)).toEqual([]);
  });

  it('refuses a whole transaction with one invalid resource, naming its location, and publishes nothing', async () => {
    const bundle = stayBundle('transaction', [stay(3), stay(4, { status: 'bogus' })]);
    const bogusAt = bundle.entry?.findIndex(
      (entry) =>
        entry.resource?.resourceType === 'Encounter' &&
        (entry.resource as { status: string }).status === 'bogus',
    );
    const response = await post(FHIR_JSON, JSON.stringify(bundle)).expect(400);
    expect(response.body.resourceType).toBe('OperationOutcome');
    expect(response.body.issue).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        expression: [
          expect.stringMatching(new RegExp(`^Bundle\\.entry\\[${bogusAt}\\]\\.resource\\.status`)),
        ],
      }),
    );
    expect(await newEncounters(0)).toEqual([]);
  });

  it('answers a batch entry by entry: the good stay recorded, the bad entry refused', async () => {
    const bundle = stayBundle('batch', [stay(5), stay(6, { status: 'bogus' })]);
    const response = await post(FHIR_JSON, JSON.stringify(bundle)).expect(200);
    expect(response.body.type).toBe('batch-response');
    const statuses: string[] = response.body.entry.map(
      (entry: { response: { status: string } }) => entry.response.status,
    );
    expect(statuses.filter((status) => status === '201 Created')).toHaveLength(1);
    const refused = response.body.entry.filter(
      (entry: { response: { status: string } }) => entry.response.status === '400 Bad Request',
    );
    expect(refused).toHaveLength(1);
    expect(refused[0].response.outcome.resourceType).toBe('OperationOutcome');
    const [recorded] = await newEncounters(1);
    expect(recorded.patient_nbr).toBe(testPseudonymize('patient', 'MRN-5'));
  });

  it('takes Bulk Data NDJSON line by line, naming the lines it refuses', async () => {
    const lines = stayResources(stay(7)).map(({ resource }, index) =>
      JSON.stringify({ ...resource, id: `r${index}` }),
    );
    // Resources of NDJSON reference each other by Type/id.
    const body = [
      ...lines.map((line) =>
        line
          .replace(/urn:uuid:patient-MRN-7/g, 'Patient/r0')
          .replace(/urn:uuid:encounter-V-7/g, 'Encounter/r1')
          .replace(/urn:uuid:condition-V-7-(\d)/g, (_, n: string) => `Condition/r${2 + Number(n)}`),
      ),
      '{not json',
    ].join('\n');
    const response = await post('application/fhir+ndjson', body).expect(200);
    expect(response.body.resourceType).toBe('OperationOutcome');
    expect(response.body.issue).toContainEqual(
      expect.objectContaining({ severity: 'error', expression: [`line ${lines.length + 1}`] }),
    );
    expect(
      response.body.issue.find((issue: { severity: string }) => issue.severity === 'information')
        .diagnostics,
    ).toContain('1 encounters recorded');
    const [recorded] = await newEncounters(1);
    expect(recorded.encounter_id).toBe(testPseudonymize('encounter', 'V-7'));
  });

  it('answers bad requests with an OperationOutcome and a 4xx', async () => {
    const cut = JSON.stringify(stayBundle('transaction', [stay(8)])).slice(0, 300);
    expect((await post(FHIR_JSON, cut).expect(400)).body.resourceType).toBe('OperationOutcome');
    const notABundle = await post(FHIR_JSON, JSON.stringify({ resourceType: 'Patient' })).expect(
      400,
    );
    expect(notABundle.body.resourceType).toBe('OperationOutcome');
    expect((await post('text/plain', 'hello').expect(415)).body.resourceType).toBe(
      'OperationOutcome',
    );
    await request(app.getHttpServer())
      .post('/fhir')
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify(stayBundle('transaction', [stay(9)])))
      .expect(401);
    expect(await newEncounters(0)).toEqual([]);
  });

  it('reads bundles from fhir.bundles, dead-letters what it cannot take, and goes on', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: physical(TOPICS.fhirBundles, prefix),
      messages: [
        { key: 'MRN-10', value: 'not json at all' },
        {
          key: 'MRN-11',
          value: JSON.stringify(stayBundle('transaction', [stay(11, { status: 'bogus' })])),
        },
        { key: 'MRN-12', value: JSON.stringify(stayBundle('collection', [stay(12)])) },
      ],
    });
    await producer.disconnect();
    const [recorded] = await newEncounters(1);
    expect(recorded.patient_nbr).toBe(testPseudonymize('patient', 'MRN-12'));
    const letters = await readTopic(
      kafka,
      physical(deadLetterTopicOf(TOPICS.fhirBundles), prefix),
      {
        count: 2,
        timeoutMs: 30_000,
      },
    );
    const reasons = letters.map(({ message }) => String(message.headers?.[DLQ_HEADERS.reason]));
    expect(reasons.sort()).toEqual(['invalid_event', 'undecodable']);
    const errors = letters.map(({ message }) => String(message.headers?.[DLQ_HEADERS.error]));
    expect(errors.join(' ')).toContain('.status');
    expect(errors.join(' ')).not.toContain('MRN-11');
  });
});
