import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { TOPICS, type EncounterRecorded, type PatientForgotten } from '@readmit/contracts';
import { EventSerde, PatientForgottenError } from '@readmit/platform/kafka';
import { createLocalKekFile } from '@readmit/platform/privacy/keys';
import { patientSealingFromEnv, type PatientSealing } from '@readmit/platform/privacy/sealing';
import { Client } from 'pg';
import request from 'supertest';
import { apiKeysEnv, testApiKey } from '../support/api-keys';
import { dropTestSchema } from '../support/database';
import { PROJECT_ROOT, sharedDataFile, testEndpoints, uniqueName } from '../support/endpoints';
import { isolatedEventStreams, physical, readTopic } from '../support/kafka';
import { encounterPseudonym, patientPseudonym, TEST_PSEUDONYM_KEY } from '../support/pseudonyms';
import { ServiceStarter } from '../support/service-starter';
import { ingestEnvSchema } from '../../services/ingest/src/ingest.config';
import { IngestModule } from '../../services/ingest/src/ingest.module';

const UPLOADER = testApiKey('uploader', ['ingest']);
const OPERATOR = testApiKey('dpo', ['operate']);
const CLIENT = testApiKey('client-app', ['predict']);

/** Two patients, three encounters each: sample rows with their patient number replaced. */
const FORGOTTEN = '8222157';
const KEPT = '55629189';
const sample = readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8').split('\n');
const rows = sample.slice(1, 7).map((line, index) => {
  const cells = line.split(',');
  cells[1] = index < 3 ? FORGOTTEN : KEPT;
  return cells;
});
const COLUMNS = sample[0].split(',');
const cell = (row: string[], column: string) => row[COLUMNS.indexOf(column)];
const csv = `${[sample[0], ...rows.map((row) => row.join(','))].join('\n')}\n`;

/**
 * Made before ingest starts: with READMIT_KEK set, the projection database and the key stores
 * each CREATE SCHEMA IF NOT EXISTS at the same time, and on a new schema one of them loses the
 * race (a unique violation in pg_namespace) and stops the service.
 */
async function createSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: testEndpoints().databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await client.end();
  }
}

/** `readmit patients forget …` as a child process (ingest answers from this process). */
function readmit(key: string | undefined, api: string, ...args: string[]) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [join(PROJECT_ROOT, 'bin', 'readmit.js'), 'patients', 'forget', ...args, '--api', api],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          READMIT_API_KEY: key ?? '',
          READMIT_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
        },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * Forgetting a patient (issue 23) end to end: ingest seals what it publishes (READMIT_KEK), an
 * operator forgets one patient over REST (and again through the CLI), PatientForgotten lands on
 * patient.forgotten as the key's principal, and from then on the forgotten patient's encounters
 * open for no reader while the other patient's still do.
 */
describe('forgetting a patient (crypto-shredding)', () => {
  let streams: Awaited<ReturnType<typeof isolatedEventStreams>>;
  let services: ServiceStarter;
  let ingest: INestApplication;
  let unsealed: INestApplication;
  let sealing: PatientSealing | undefined;
  let directory: string;
  let kek: string;
  const schema = uniqueName('forget').replace(/-/g, '_');
  const plainSchema = uniqueName('forgetoff').replace(/-/g, '_');
  const forgotten = patientPseudonym(FORGOTTEN);
  const kept = patientPseudonym(KEPT);
  const urlOf = (app: INestApplication) =>
    `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

  beforeAll(async () => {
    streams = await isolatedEventStreams(
      [TOPICS.encounters, TOPICS.outcomes, TOPICS.batches, TOPICS.forgotten],
      ['EncounterRecorded'],
    );
    directory = mkdtempSync(join(tmpdir(), 'readmit-forget-'));
    kek = `local:${join(directory, 'kek')}`;
    createLocalKekFile(join(directory, 'kek'));
    await createSchema(schema);
    services = new ServiceStarter({
      prefix: streams.prefix,
      env: { READMIT_API_KEYS: apiKeysEnv(UPLOADER, OPERATOR, CLIENT) },
    });
    ingest = await services.start(
      { name: 'ingest', envSchema: ingestEnvSchema, module: IngestModule },
      {
        READMIT_DATABASE_SCHEMA: schema,
        READMIT_INSTANCE_ID: uniqueName('ingest'),
        READMIT_KEK: kek,
      },
    );
  });

  afterAll(async () => {
    await sealing?.close();
    await services?.stopAll();
    await streams?.publisher.disconnect();
    if (directory) rmSync(directory, { recursive: true, force: true });
    await dropTestSchema(schema);
    await dropTestSchema(plainSchema);
  });

  it('refuses callers without the operate role, and anything but a patient pseudonym', async () => {
    const upload = await request(ingest.getHttpServer())
      .post('/v1/encounters/bulk')
      .set('x-api-key', UPLOADER.key)
      .set('Content-Type', 'text/csv')
      .send(csv)
      .expect(200);
    expect(upload.body).toMatchObject({ encounters: 6, rejected: 0 });

    const path = `/v1/patients/${forgotten}/forget`;
    await request(ingest.getHttpServer()).post(path).expect(401);
    await request(ingest.getHttpServer()).post(path).set('x-api-key', CLIENT.key).expect(403);
    await request(ingest.getHttpServer()).post(path).set('x-api-key', UPLOADER.key).expect(403);

    const raw = await request(ingest.getHttpServer())
      .post(`/v1/patients/${FORGOTTEN}/forget`)
      .set('x-api-key', OPERATOR.key)
      .expect(400);
    expect(raw.body.message).toMatch(/not a patient pseudonym/);
    expect(JSON.stringify(raw.body)).not.toContain(FORGOTTEN);
  });

  it('destroys the key, announces it as the principal, and the patient’s events open for no one', async () => {
    const answer = await request(ingest.getHttpServer())
      .post(`/v1/patients/${forgotten}/forget`)
      .set('x-api-key', OPERATOR.key)
      .expect(200);
    expect(answer.body).toEqual({
      patient: forgotten,
      keyDestroyed: true,
      eventId: expect.any(String) as string,
    });

    // Again through the CLI, by patient number: idempotent, the key is gone already.
    const api = urlOf(ingest);
    const again = await readmit(OPERATOR.key, api, FORGOTTEN);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(again.stdout.trim()).toMatch(
      new RegExp(
        `^patient ${forgotten} had no data key .*PatientForgotten [0-9a-f-]{36} published again$`,
      ),
    );
    expect(again.stdout).not.toContain(FORGOTTEN);
    const refused = await readmit(CLIENT.key, api, forgotten);
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toMatch(
      /^readmit: ingest answered 403: this route needs the operate role/,
    );
    const unknownKey = await readmit('rk_not-a-key', api, forgotten);
    expect(unknownKey.status).toBe(1);
    expect(unknownKey.stderr.trim()).toMatch(
      /^readmit: ingest answered 403: the API key is not accepted \(READMIT_API_KEY must hold/,
    );
    const noKey = await readmit(undefined, api, forgotten);
    expect(noKey.stderr.trim()).toMatch(
      /needs an API key with the operate role in READMIT_API_KEY/,
    );
    const unreachable = await readmit(OPERATOR.key, 'http://127.0.0.1:9', FORGOTTEN);
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr.trim()).toMatch(
      /^readmit: cannot reach the ingest API at http:\/\/127\.0\.0\.1:9/,
    );
    expect(unreachable.stderr).not.toContain(FORGOTTEN);

    const announcements = await readTopic(
      streams.kafka,
      physical(TOPICS.forgotten, streams.prefix),
      {
        count: 2,
        timeoutMs: 30_000,
        settleMs: 500,
      },
    );
    const decoded = await Promise.all(
      announcements.map(async ({ message }) => ({
        key: message.key?.toString(),
        event: (await streams.serde.decode(message.value)).event as PatientForgotten,
      })),
    );
    expect(
      decoded.map(({ key, event }) => [
        key,
        event.patient_nbr,
        event.requestedBy,
        event.keyDestroyed,
      ]),
    ).toEqual([
      [forgotten, forgotten, 'dpo', true],
      [forgotten, forgotten, 'dpo', false],
    ]);
    expect(decoded[0].event.envelope.eventId).toBe(answer.body.eventId);

    // A reader of its own over the same database and KEK: its key cache starts empty.
    sealing = await patientSealingFromEnv(
      { READMIT_KEK: kek, READMIT_KMS_REGION: 'us-east-1' },
      { databaseUrl: testEndpoints().databaseUrl, databaseSchema: schema },
    );
    const reader = EventSerde.create(testEndpoints().schemaRegistryUrl, {
      topicPrefix: streams.prefix,
      sealer: sealing?.sealer,
    });
    const encounters = await readTopic(streams.kafka, physical(TOPICS.encounters, streams.prefix), {
      count: 6,
      timeoutMs: 30_000,
      settleMs: 500,
    });
    expect(encounters).toHaveLength(6);
    const outcomes: string[] = [];
    for (const { message } of encounters) {
      const value = message.value as Buffer;
      // Sealed on the wire: the clinical strings of these rows are nowhere in the clear.
      for (const row of rows)
        for (const column of ['gender', 'age', 'medical_specialty'])
          if (cell(row, column) !== '?')
            expect(value.includes(Buffer.from(cell(row, column)))).toBe(false);
      if (value.includes(Buffer.from(forgotten))) {
        await expect(reader.decode(value)).rejects.toBeInstanceOf(PatientForgottenError);
        outcomes.push('forgotten');
      } else {
        const event = (await reader.decode(value)).event as EncounterRecorded;
        expect(event.patient_nbr).toBe(kept);
        const row = rows.find((r) => encounterPseudonym(r[0]) === event.encounter_id);
        expect(row).toBeDefined();
        expect(event.gender).toBe(cell(row as string[], 'gender'));
        expect(event.age).toBe(cell(row as string[], 'age'));
        outcomes.push('opened');
      }
    }
    expect(outcomes.sort()).toEqual([
      'forgotten',
      'forgotten',
      'forgotten',
      'opened',
      'opened',
      'opened',
    ]);
  });

  it('answers 409 and publishes nothing when the service seals nothing (no READMIT_KEK)', async () => {
    unsealed = await services.start(
      { name: 'ingest', envSchema: ingestEnvSchema, module: IngestModule },
      { READMIT_DATABASE_SCHEMA: plainSchema, READMIT_INSTANCE_ID: uniqueName('ingest') },
    );
    const answer = await request(unsealed.getHttpServer())
      .post(`/v1/patients/${kept}/forget`)
      .set('x-api-key', OPERATOR.key)
      .expect(409);
    expect(answer.body.message).toMatch(/sealing is off .* no data key to destroy/);
    const announcements = await readTopic(
      streams.kafka,
      physical(TOPICS.forgotten, streams.prefix),
      {
        count: 3,
        timeoutMs: 3_000,
      },
    );
    expect(announcements).toHaveLength(2);
  });
});
