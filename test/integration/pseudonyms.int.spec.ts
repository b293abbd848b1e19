import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  isPseudonym,
  RPC_TOPICS,
  TOPICS,
  type OutcomeRecorded,
  type PredictionMade,
  type TopicDefinition,
} from '@readmit/contracts';
import avro from 'avsc';
import request from 'supertest';
import { apiKeysEnv, testApiKey } from '../support/api-keys';
import { dropTestSchema } from '../support/database';
import { promoteSmallModel } from '../support/champion';
import { eventually, sharedDataFile, uniqueName } from '../support/endpoints';
import { isolatedEventStreams, physical, readTopic, type ConsumedMessage } from '../support/kafka';
import { testPseudonyms } from '../support/pseudonyms';
import { SCORING_TOPICS, startScoringService } from '../support/scoring-service';
import { ServiceStarter } from '../support/service-starter';
import { EXAMPLE_ENCOUNTER_INPUT } from '../../services/gateway/src/domain/encounter-input';
import { gatewayService } from '../../services/gateway/src/gateway.definition';
import { ingestEnvSchema } from '../../services/ingest/src/ingest.config';
import { IngestModule } from '../../services/ingest/src/ingest.module';

const UPLOADER = testApiKey('uploader', ['ingest']);
const CLIENT = testApiKey('client-app', ['predict']);
const ROWS = 40;

const sample = readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8').split('\n');
const uploaded = sample.slice(1, ROWS + 1);
/** The clear ids of the uploaded rows: their first two cells. */
const clearIds = uploaded.map((line) => {
  const [encounter, patient] = line.split(',', 2);
  return { encounter, patient };
});
/** An id only the gateway sees, sent by a client asking for a prediction. */
const GATEWAY_ENCOUNTER = '987650001';

/** How a clear id would sit in a message: as decimal text, or as an Avro long (zigzag varint). */
function clearForms(id: string): Buffer[] {
  return [Buffer.from(id), avro.Type.forSchema('long').toBuffer(Number(id))];
}

/** The clear ids found in a message's key or value, by topic (none is the point). */
function leaks(messages: readonly ConsumedMessage[], ids: readonly string[]): string[] {
  const found: string[] = [];
  for (const { topic, message } of messages)
    for (const id of ids)
      for (const form of clearForms(id)) {
        if (message.key?.includes(form)) found.push(`${topic} key holds ${id}`);
        if (message.value?.includes(form)) found.push(`${topic} value holds ${id}`);
      }
  return found;
}

describe('identifiers never enter Kafka in the clear (ingest, scoring, the gateway)', () => {
  let streams: Awaited<ReturnType<typeof isolatedEventStreams>>;
  let services: ServiceStarter;
  let root: string;
  let ingest: INestApplication;
  let gateway: INestApplication;
  const schema = uniqueName('pseudonyms').replace(/-/g, '_');

  beforeAll(async () => {
    streams = await isolatedEventStreams(
      [...SCORING_TOPICS, TOPICS.outcomes, TOPICS.batches],
      ['ModelPromoted', 'PredictionMade', 'OutcomeRecorded'],
    );
    root = mkdtempSync(join(tmpdir(), 'readmit-pseudonyms-'));
    services = new ServiceStarter({ prefix: streams.prefix });
    await startScoringService(services, root);
    await promoteSmallModel(streams.publisher, root, 'v1', 0.3);
    ingest = await services.start(
      { name: 'ingest', envSchema: ingestEnvSchema, module: IngestModule },
      {
        READMIT_DATABASE_SCHEMA: schema,
        READMIT_INSTANCE_ID: uniqueName('ingest'),
        READMIT_API_KEYS: UPLOADER.entry,
      },
    );
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
    await dropTestSchema(schema);
  });

  it('writes pseudonyms only, on every topic and key, and predictions still join outcomes by pseudonym', async () => {
    const upload = await request(ingest.getHttpServer())
      .post('/v1/encounters/bulk')
      .set('x-api-key', UPLOADER.key)
      .set('Content-Type', 'text/csv')
      .send(`${[sample[0], ...uploaded].join('\n')}\n`)
      .expect(200);
    expect(upload.body).toMatchObject({ encounters: ROWS, outcomes: ROWS, rejected: 0 });

    // A client asks the gateway with its own id and hears it back; scoring never sees it.
    const asked = await eventually(async () => {
      const response = await request(gateway.getHttpServer())
        .post('/v1/predictions')
        .set('x-api-key', CLIENT.key)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ ...EXAMPLE_ENCOUNTER_INPUT, encounter_id: GATEWAY_ENCOUNTER }));
      return response.status === 200 ? response : undefined;
    }, 60_000);
    expect(asked.body.prediction.encounter_id).toBe(Number(GATEWAY_ENCOUNTER));

    const read = (topic: TopicDefinition, count: number) =>
      readTopic(streams.kafka, physical(topic, streams.prefix), {
        count,
        timeoutMs: 60_000,
        settleMs: 1_000,
      });
    const encounters = await read(TOPICS.encounters, ROWS);
    const outcomes = await read(TOPICS.outcomes, ROWS);
    const predictions = await read(TOPICS.predictions, ROWS + 1);
    const rpc = [
      ...(await read(RPC_TOPICS.scoringRequests, 1)),
      ...(await read(RPC_TOPICS.scoringReplies, 1)),
    ];
    expect([encounters.length, outcomes.length, predictions.length]).toEqual([
      ROWS,
      ROWS,
      ROWS + 1,
    ]);
    expect(rpc.length).toBeGreaterThanOrEqual(2);

    const everyClearId = [
      ...new Set([
        ...clearIds.flatMap(({ encounter, patient }) => [encounter, patient]),
        GATEWAY_ENCOUNTER,
      ]),
    ];
    expect(leaks([...encounters, ...outcomes, ...predictions, ...rpc], everyClearId)).toEqual([]);

    // Keys are the encounters' pseudonyms; whoever holds the key re-identifies by recomputing.
    const decode = async <T>(messages: readonly ConsumedMessage[]) =>
      Promise.all(
        messages.map(async ({ message }) => ({
          key: String(message.key),
          event: (await streams.serde.decode(message.value)).event as T,
        })),
      );
    const outcomeEvents = await decode<OutcomeRecorded>(outcomes);
    const predictionEvents = await decode<PredictionMade>(predictions);
    for (const { key, event } of [...outcomeEvents, ...predictionEvents]) {
      expect(key).toBe(event.encounter_id);
      expect(isPseudonym('encounter', event.encounter_id)).toBe(true);
    }
    const pseudonymOf = (id: string) => testPseudonyms.pseudonymOf('encounter', id);
    expect(outcomeEvents.map(({ event }) => event.encounter_id).sort()).toEqual(
      clearIds.map(({ encounter }) => pseudonymOf(encounter)).sort(),
    );
    expect(outcomeEvents.map(({ event }) => event.patient_nbr).sort()).toEqual(
      clearIds.map(({ patient }) => testPseudonyms.pseudonymOf('patient', patient)).sort(),
    );
    // Each uploaded encounter's prediction joins its outcome, and the gateway's is named too.
    const predicted = new Set(predictionEvents.map(({ event }) => event.encounter_id));
    for (const { event } of outcomeEvents) expect(predicted.has(event.encounter_id)).toBe(true);
    expect(predicted.has(pseudonymOf(GATEWAY_ENCOUNTER))).toBe(true);
  });
});
