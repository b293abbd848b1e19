import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { TOPICS, type TopicDefinition } from '@readmit/contracts';
import { createService } from '@readmit/platform/bootstrap';
import { assertTestDatabase, createDataSource } from '@readmit/platform/database';
import { EventSerde, newEnvelope, replayLog, type OutgoingEvent } from '@readmit/platform/kafka';
import request from 'supertest';
import {
  eventually,
  sharedDataFile,
  testEndpoints,
  uniqueName,
} from '../../../../../test/support/endpoints';
import { isolatedEventStreams, physical } from '../../../../../test/support/kafka';
import { testApiKey } from '../../../../../test/support/api-keys';
import { encounterEvents } from '@readmit/ml';
import { readEncounterCsv } from '../../infrastructure/csv-encounter-reader';
import { ingestTablesOf } from '../../infrastructure/postgres/ingest-tables';
import { PostgresUploadStore } from '../../infrastructure/postgres/postgres-upload-store';
import { ingestEnvSchema } from '../../ingest.config';
import { IngestModule } from '../../ingest.module';
import {
  encounterPseudonym,
  TEST_PSEUDONYM_KEY,
  testPseudonymize,
} from '../../../../../test/support/pseudonyms';

const sample = readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8').split('\n');
const header = sample[0];
/** Uploads (role ingest) and reads upload reports (role read). */
const UPLOADER = testApiKey('uploader', ['ingest', 'read']);
/** The sample's 4,999 rows, every one labelled, each encounter id once. */
const rows = sample.slice(1).filter((line) => line !== '');
/** A row's encounter as ingest writes it: the pseudonym of its encounter_id (the first cell). */
const idOf = (row: string) => encounterPseudonym(row.slice(0, row.indexOf(',')));
/** A CSV file of these rows: rows[i] is on line i + 2. */
const fileOf = (lines: readonly string[]) => `${[header, ...lines].join('\n')}\n`;

// Each test takes rows of its own, so what it finds on the topics is its own doing.
const SLICES = {
  twice: rows.slice(0, 1200),
  cutThenWhole: rows.slice(1200, 2600),
  cutThenResume: rows.slice(2600, 3600),
  concurrent: rows.slice(3600, 4500),
  restart: rows.slice(4500, 4750),
  crashWindow: rows.slice(4750),
};

describe('idempotent bulk upload (ingest service, real Kafka and Postgres)', () => {
  const schema = uniqueName('ingest_idem').replace(/-/g, '_');
  let streams: Awaited<ReturnType<typeof isolatedEventStreams>>;
  let serde: EventSerde;
  let app: INestApplication | undefined;

  const startIngest = async () => {
    const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = testEndpoints();
    return createService(
      { name: 'ingest', envSchema: ingestEnvSchema, module: IngestModule },
      {
        READMIT_HTTP_PORT: '0',
        READMIT_LOG_LEVEL: 'fatal',
        READMIT_KAFKA_BROKERS: kafkaBrokers.join(','),
        READMIT_SCHEMA_REGISTRY_URL: schemaRegistryUrl,
        READMIT_TOPIC_PREFIX: streams.prefix,
        READMIT_DATABASE_URL: databaseUrl,
        READMIT_DATABASE_SCHEMA: schema,
        READMIT_API_KEYS: UPLOADER.entry,
        READMIT_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
      },
    );
  };
  const server = () => (app as INestApplication).getHttpServer();
  const report = (uploadId: string) =>
    request(server()).get(`/v1/encounters/bulk/${uploadId}`).set('x-api-key', UPLOADER.key);
  const upload = (body: string, query = '') =>
    request(server())
      .post(`/v1/encounters/bulk${query}`)
      .set('x-api-key', UPLOADER.key)
      .set('Content-Type', 'text/csv')
      .send(body);

  beforeAll(async () => {
    assertTestDatabase(testEndpoints().databaseUrl);
    streams = await isolatedEventStreams(
      [TOPICS.encounters, TOPICS.outcomes, TOPICS.batches],
      ['EncounterRecorded', 'OutcomeRecorded'],
    );
    serde = EventSerde.create(testEndpoints().schemaRegistryUrl, { topicPrefix: streams.prefix });
    app = await startIngest();
  });

  afterAll(async () => {
    await app?.close();
    await streams?.publisher.disconnect();
    const cleanup = createDataSource({ url: testEndpoints().databaseUrl });
    await cleanup.initialize();
    await cleanup.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await cleanup.destroy();
  });

  /** How often each encounter id is on the topic, read from the beginning by a fresh consumer. */
  async function onTopic(topic: TopicDefinition): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    await replayLog(
      streams.kafka,
      [physical(topic, streams.prefix)],
      async (_topic, _partition, message) => {
        const { event } = await serde.decode(message.value);
        const id = (event as { encounter_id: string }).encounter_id;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      },
      { purpose: 'idempotent-upload-test', timeoutMs: 60_000 },
    );
    return counts;
  }

  /** Rows (by index) whose encounter and outcome are not each on the log exactly `times`. */
  async function notOnTheLog(lines: readonly string[], times: (index: number) => number) {
    const [encounters, outcomes] = [
      await onTopic(TOPICS.encounters),
      await onTopic(TOPICS.outcomes),
    ];
    const wrong: Array<{ row: number; encounters: number; outcomes: number }> = [];
    lines.forEach((line, row) => {
      const id = idOf(line);
      const counts = { encounters: encounters.get(id) ?? 0, outcomes: outcomes.get(id) ?? 0 };
      if (counts.encounters !== times(row) || counts.outcomes !== times(row))
        wrong.push({ row, ...counts });
    });
    return wrong;
  }

  /**
   * Sends the first `cutAt` bytes of `body` with a raw request that announces the whole body,
   * and closes the connection once they are written: a client that went away mid-upload.
   */
  function cutUpload(uploadId: string, body: string, cutAt: number): Promise<void> {
    const { port } = server().address() as AddressInfo;
    return new Promise<void>((resolve, reject) => {
      const sending = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/encounters/bulk',
        headers: {
          'content-type': 'text/csv',
          'content-length': Buffer.byteLength(body),
          'upload-id': uploadId,
          'x-api-key': UPLOADER.key,
        },
      });
      sending.on('error', () => undefined); // the socket we destroy below
      sending.on('response', () => reject(new Error('answered before the body was complete')));
      sending.write(body.slice(0, cutAt), () => {
        sending.destroy();
        resolve();
      });
    });
  }

  /** A byte in the middle third of the body that is not the first of a line. */
  function randomCut(body: string): number {
    let cutAt = Math.floor(body.length * (1 / 3 + Math.random() / 3));
    while (body[cutAt - 1] === '\n') cutAt += 1;
    return cutAt;
  }

  /** The stored report once the upload has finished (the server goes on after the client left). */
  const finished = (uploadId: string) =>
    eventually(async () => {
      const response = await report(uploadId);
      return response.status === 200 && response.body.status !== 'receiving'
        ? response.body
        : undefined;
    }, 60_000);

  it('publishes a file sent twice once, and says the second time that every row was known', async () => {
    const lines = SLICES.twice;
    const first = await upload(fileOf(lines)).set('Upload-Id', 'twice-1').expect(200);
    expect(first.headers['upload-id']).toBe('twice-1');
    expect(first.headers.location).toBe('/v1/encounters/bulk/twice-1');
    expect(first.body).toMatchObject({
      uploadId: 'twice-1',
      status: 'completed',
      rows: lines.length,
      encounters: lines.length,
      outcomes: lines.length,
      duplicates: 0,
      rejected: 0,
      lastCompleteLine: lines.length + 1,
    });

    const second = await upload(fileOf(lines), '?uploadId=twice-2').expect(200);
    expect(second.body).toMatchObject({
      uploadId: 'twice-2',
      status: 'completed',
      rows: lines.length,
      encounters: 0,
      outcomes: 0,
      duplicates: lines.length,
      updatedOutcomes: 0,
      duplicateLines: [{ from: 2, to: lines.length + 1 }],
    });
    expect(await notOnTheLog(lines, () => 1)).toEqual([]);
    // The reports are kept.
    const stored = await report('twice-2').expect(200);
    expect(stored.body).toEqual(second.body);
  });

  it('publishes every complete row of an upload cut off mid-row, and a re-send of the whole file publishes the rest once', async () => {
    const lines = SLICES.cutThenWhole;
    const body = fileOf(lines);
    const cutAt = randomCut(body);
    const complete = (body.slice(0, cutAt).match(/\n/g) ?? []).length - 1; // rows, without the header
    await cutUpload('cut-whole-1', body, cutAt);

    const report = await finished('cut-whole-1');
    expect({ cutAt, ...report }).toMatchObject({
      cutAt,
      status: 'interrupted',
      rows: complete,
      encounters: complete,
      duplicates: 0,
      rejected: 0,
      lastCompleteLine: complete + 1,
      resumeFromLine: complete + 2,
    });
    expect(await notOnTheLog(lines, (row) => (row < complete ? 1 : 0))).toEqual([]);

    const again = await upload(body).expect(200);
    expect(again.body).toMatchObject({
      status: 'completed',
      encounters: lines.length - complete,
      duplicates: complete,
      duplicateLines: [{ from: 2, to: complete + 1 }],
    });
    expect(await notOnTheLog(lines, () => 1)).toEqual([]);
  });

  it('resumes a cut upload from the reported line: the rows before it are passed over, the rest published once', async () => {
    const lines = SLICES.cutThenResume;
    const body = fileOf(lines);
    const cutAt = randomCut(body);
    await cutUpload('cut-resume-1', body, cutAt);
    const report = await finished('cut-resume-1');
    expect(report.status).toBe('interrupted');
    const complete = report.lastCompleteLine - 1;
    expect({ cutAt, complete }).toEqual({
      cutAt,
      complete: (body.slice(0, cutAt).match(/\n/g) ?? []).length - 1,
    });

    const resumed = await upload(body, `?fromLine=${report.resumeFromLine}`)
      .set('Upload-Id', 'cut-resume-2')
      .expect(200);
    expect(resumed.body).toMatchObject({
      status: 'completed',
      fromLine: report.resumeFromLine,
      skipped: complete,
      rows: lines.length - complete,
      encounters: lines.length - complete,
      duplicates: 0,
      lastCompleteLine: lines.length + 1,
    });
    expect(await notOnTheLog(lines, () => 1)).toEqual([]);
  });

  it('publishes each encounter once when two uploads carry it at the same time', async () => {
    const lines = SLICES.concurrent;
    // The second in reverse order: their claims still lock keys in one order, so never deadlock.
    const [a, b] = await Promise.all([
      upload(fileOf(lines)).expect(200),
      upload(fileOf([...lines].reverse())).expect(200),
    ]);
    expect(a.body.rows + b.body.rows).toBe(2 * lines.length);
    expect(a.body.encounters + b.body.encounters).toBe(lines.length);
    expect(a.body.duplicates + b.body.duplicates).toBe(lines.length);
    expect(a.body.outcomes + b.body.outcomes).toBe(lines.length);
    expect(await notOnTheLog(lines, () => 1)).toEqual([]);
  });

  it('remembers across a restart, and learns from the log what a crashed instance published but never committed', async () => {
    const sent = SLICES.restart;
    expect((await upload(fileOf(sent)).expect(200)).body.encounters).toBe(sent.length);
    await app?.close();
    app = undefined;

    // An instance that claimed rows, had them acknowledged by the broker and died before its
    // commit: the events are on the log, the claims rolled back.
    const crashed = SLICES.crashWindow;
    const database = createDataSource({ url: testEndpoints().databaseUrl, schema });
    await database.initialize();
    try {
      const events: OutgoingEvent[] = [];
      for await (const { line, result } of readEncounterCsv(
        Readable.from([fileOf(crashed)]),
        testPseudonymize,
      )) {
        if (!result.ok) throw new Error(`line ${line} of the sample does not parse`);
        const recorded = encounterEvents(result.encounter, result.outcome, {
          envelopeFor: (eventType, causedBy) =>
            newEnvelope(eventType, { producer: 'test', causedBy }),
          recordedAt: Date.now(),
          source: `http:crashed#${line}`,
        });
        const key = result.encounter.encounter_id;
        events.push({ eventType: 'EncounterRecorded', key, event: recorded.encounter });
        if (recorded.outcome)
          events.push({ eventType: 'OutcomeRecorded', key, event: recorded.outcome });
      }
      await expect(
        new PostgresUploadStore(database).inTransaction(async (claims) => {
          await claims.claim(crashed.map(idOf).sort(), []);
          await streams.publisher.publishAll(events);
          throw new Error('crashed before the commit');
        }),
      ).rejects.toThrow('crashed before the commit');
      const [{ recorded }] = (await database.query(
        `SELECT count(*)::int AS recorded FROM ${ingestTablesOf(database).keys}
         WHERE encounter_id = ANY($1::text[])`,
        [crashed.map(idOf)],
      )) as Array<{ recorded: number }>;
      expect(recorded).toBe(0);
    } finally {
      await database.destroy();
    }

    app = await startIngest();
    // Sent at once: the new instance reads the log to its end before it takes an upload.
    const afterCrash = await upload(fileOf(crashed)).expect(200);
    expect(afterCrash.body).toMatchObject({
      encounters: 0,
      outcomes: 0,
      duplicates: crashed.length,
    });
    const afterRestart = await upload(fileOf(sent)).expect(200);
    expect(afterRestart.body).toMatchObject({ encounters: 0, duplicates: sent.length });
    expect(await notOnTheLog([...sent, ...crashed], () => 1)).toEqual([]);
  });

  it('answers 400 for bad parameters, 404 for an unknown upload and 409 for an upload id already used', async () => {
    const body = fileOf(SLICES.twice.slice(0, 3));
    const invalid = await upload(body, '?fromLine=ten&uploadId=a%20b').expect(400);
    expect(invalid.body.errors).toEqual([
      { field: 'uploadId', message: expect.stringMatching(/^must be 1 to 64 letters/) },
      { field: 'fromLine', message: expect.stringMatching(/^must be a whole number/) },
    ]);
    const differing = await upload(body, '?uploadId=x').set('Upload-Id', 'y').expect(400);
    expect(differing.body.errors).toEqual([
      { field: 'uploadId', message: 'differs from the Upload-Id header' },
    ]);
    await report('no-such-upload').expect(404);
    const malformed = await report('not%20an%20id').expect(400);
    expect(malformed.body.errors).toEqual([
      { field: 'uploadId', message: expect.stringMatching(/^must be 1 to 64 letters/) },
    ]);
    await upload(body).set('Upload-Id', 'taken').expect(200);
    const reused = await upload(body).set('Upload-Id', 'taken').expect(409);
    expect(reused.body.message).toMatch(/^an upload with this id exists/);
    // A refused header leaves no upload behind: the id can be used once the file is right.
    await upload('encounter_id,score\n1,0.4\n').set('Upload-Id', 'fixed-later').expect(400);
    await report('fixed-later').expect(404);
    await upload(body).set('Upload-Id', 'fixed-later').expect(200);
  });
});
