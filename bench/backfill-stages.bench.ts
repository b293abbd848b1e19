// Where a backfill's CPU goes, stage by stage, with no Kafka I/O: the same code a backfill run
// calls on its scoring thread (decode, features, onnxruntime, event ids, predictions, Avro
// encoding straight into the batch for the producer thread) and on its producer thread (unpacking, splitting
// into requests, kafkajs's produce request encoding), over the same synthetic encounters.
//   npx tsx bench/backfill-stages.bench.ts [--encounters 100000] [--chunk 5000] [--rounds 3]
// Needs the schema registry of the local platform (`./readmit infra up`) for the serde's ids.
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import {
  EXAMPLE_EVENTS,
  TOPICS,
  topicName,
  type EncounterRecorded,
  type PredictionMade,
} from '@readmit/contracts';
import { encounterInputOf, FeatureEncoder, predictionOf, readModelArtifact } from '@readmit/ml';
import {
  EventSerde,
  newEnvelope,
  packMessages,
  PackWriter,
  splitIntoRequests,
  unpackMessages,
} from '@readmit/platform/kafka';
import { OnnxScorer } from '@readmit/platform/onnx';

import { backfillPredictionId } from '../services/backfill/src/domain/backfill-event-id';
import { testEndpoints, uniqueName } from '../test/support/endpoints';
import { syntheticEncounters, trainBenchModel } from './support/bench-model';
import { encounterPseudonym } from '../test/support/pseudonyms';
import { median } from './support/stats';

const { values } = parseArgs({
  options: {
    encounters: { type: 'string', default: '100000' },
    chunk: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
  },
});
const ENCOUNTERS = Number(values.encounters);
const CHUNK = Number(values.chunk);
const ROUNDS = Number(values.rounds);

// kafkajs's own produce request encoder, as its producer runs it (not part of its public API).
const requireFromHere = createRequire(__filename);
interface EncodableRequest {
  encode: () => Promise<{ buffer: Buffer }>;
}
const produceRequest = requireFromHere('kafkajs/src/protocol/requests/produce/v3/request') as (
  options: Record<string, unknown>,
) => EncodableRequest;
const frameRequest = requireFromHere('kafkajs/src/protocol/request') as (options: {
  correlationId: number;
  clientId: string;
  request: EncodableRequest & { apiKey: number; apiVersion: number };
}) => Promise<{ buffer: Buffer }>;

// The record encoder of kafkajs 2.2.4 as published, kept by our patch for comparisons.
const legacyRecord = (
  requireFromHere('kafkajs/src/protocol/recordBatch/record/v0') as {
    legacyRecord: (options: Record<string, unknown>) => unknown;
  }
).legacyRecord;
const patchedRecord = requireFromHere('kafkajs/src/protocol/recordBatch/record/v0') as (
  options: Record<string, unknown>,
) => unknown;

async function main() {
  console.log(
    `npx tsx bench/backfill-stages.bench.ts --encounters ${ENCOUNTERS} --chunk ${CHUNK} --rounds ${ROUNDS}`,
  );
  const trained = trainBenchModel();
  const { featureSpec } = readModelArtifact(trained.artifact);
  const encoder = new FeatureEncoder(featureSpec);
  const scorer = await OnnxScorer.load(trained.artifact);
  const model = { modelName: 'readmission', version: 'bench', threshold: 0.5 };

  const prefix = `${uniqueName('b')}.`;
  const serde = EventSerde.create(testEndpoints().schemaRegistryUrl, { topicPrefix: prefix });
  await serde.register(['EncounterRecorded', 'PredictionMade']);
  const sourceTopic = topicName(TOPICS.encounters, prefix);
  const targetTopic = topicName(TOPICS.backfillPredictions, prefix);
  const messages = syntheticEncounters(ENCOUNTERS, 7).map((row, index) =>
    serde.encode('EncounterRecorded', {
      ...EXAMPLE_EVENTS.EncounterRecorded,
      ...row.encounter,
      encounter_id: encounterPseudonym(index + 1),
      envelope: newEnvelope('EncounterRecorded', { producer: 'bench' }),
    }),
  );
  const chunks: Buffer[][] = [];
  for (let start = 0; start < messages.length; start += CHUNK)
    chunks.push(messages.slice(start, start + CHUNK));

  // One pass of every stage over every chunk; each stage's time is summed over the chunks.
  // The backfill process's scoring work, then the producer's.
  const scoringStages = [
    'decode',
    'features',
    'onnxruntime',
    'event ids',
    'predictions',
    'encode + pack',
  ] as const;
  const stageNames = [
    ...scoringStages,
    'unpack + split',
    'kafkajs encode',
    // The same work done the way it was before, for the ratios.
    'decode one by one',
    'encode, then pack',
    'records (patched)',
    'records (2.2.4)',
  ] as const;
  type Stage = (typeof stageNames)[number];
  const rounds: Array<Record<Stage, number>> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const spent = Object.fromEntries(stageNames.map((name) => [name, 0])) as Record<Stage, number>;
    const timed = async <T>(stage: Stage, work: () => T | Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await work();
      spent[stage] += performance.now() - started;
      return result;
    };
    let offset = 0;
    for (const chunk of chunks) {
      const events = await timed('decode', async () =>
        (await serde.decodeAll(chunk)).map((decoded) => {
          if (decoded instanceof Error) throw decoded;
          return decoded.event as EncounterRecorded;
        }),
      );
      const rows = await timed('features', () => encoder.encodeAll(events.map(encounterInputOf)));
      const scores = await timed('onnxruntime', () => scorer.score(rows));
      const ids = await timed('event ids', () =>
        events.map((event) => backfillPredictionId('bench', event.encounter_id)),
      );
      const envelope = newEnvelope('PredictionMade', { producer: 'bench' });
      const predictions = await timed('predictions', () =>
        events.map((event, index): PredictionMade =>
          predictionOf(
            { ...envelope, eventId: ids[index] },
            event,
            scores[index],
            model,
            { topic: sourceTopic, partition: 0, offset: offset + index },
            1,
          ),
        ),
      );
      offset += chunk.length;
      const packed = await timed('encode + pack', () => {
        const writer = new PackWriter(predictions.length * 384);
        for (const prediction of predictions)
          writer.addWritten(
            targetTopic,
            String(prediction.encounter_id),
            'PredictionMade',
            (target, at) =>
              serde.encodeInto(
                'PredictionMade',
                prediction,
                target,
                at,
                TOPICS.backfillPredictions,
              ),
          );
        return writer.finish();
      });
      const requests = await timed('unpack + split', () =>
        splitIntoRequests(unpackMessages(packed)),
      );
      await timed('decode one by one', async () => {
        for (const value of chunk) await serde.decode(value);
      });
      await timed('encode, then pack', () =>
        packMessages(
          predictions.map((prediction) => ({
            topic: targetTopic,
            key: String(prediction.encounter_id),
            value: serde.encode('PredictionMade', prediction, TOPICS.backfillPredictions),
            eventType: 'PredictionMade',
          })),
        ),
      );
      const [{ messages: outgoing }] = unpackMessages(packed);
      const recordsWith = (encodeRecord: (options: Record<string, unknown>) => unknown) => () =>
        outgoing.map((message, index) =>
          encodeRecord({ ...message, offsetDelta: index, timestampDelta: 0 }),
        );
      await timed('records (patched)', recordsWith(patchedRecord));
      await timed('records (2.2.4)', recordsWith(legacyRecord));
      await timed('kafkajs encode', async () => {
        for (const topicMessages of requests) {
          const request = produceRequest({
            acks: -1,
            timeout: 30_000,
            transactionalId: 'bench',
            topicData: topicMessages.map(({ topic, messages: batch }) => ({
              topic,
              partitions: [{ partition: 0, firstSequence: 0, messages: batch }],
            })),
          });
          await frameRequest({
            correlationId: 1,
            clientId: 'bench',
            request: { ...request, apiKey: 0, apiVersion: 3 },
          });
        }
      });
    }
    rounds.push(spent);
  }
  await scorer.close();
  const per100k = (ms: number) => (ms * 100_000) / messages.length;
  let scoringTotal = 0;
  let producerTotal = 0;
  console.log(`\nms per 100,000 encounters (median of ${ROUNDS} rounds, chunks of ${CHUNK})`);
  const comparisons: Stage[] = [
    'decode one by one',
    'encode, then pack',
    'records (patched)',
    'records (2.2.4)',
  ];
  const msOf = (stage: Stage) => per100k(median(rounds.map((round) => round[stage])));
  for (const stage of stageNames) {
    if (comparisons.includes(stage)) continue;
    const ms = msOf(stage);
    if ((scoringStages as readonly Stage[]).includes(stage)) scoringTotal += ms;
    else producerTotal += ms;
    console.log(`${stage.padEnd(18)} ${ms.toFixed(0).padStart(6)}`);
  }
  console.log(
    `scoring thread     ${scoringTotal.toFixed(0).padStart(6)}  (at most ${Math.round((100_000 / scoringTotal) * 1000)} encounters/s)`,
  );
  console.log(
    `producer thread    ${producerTotal.toFixed(0).padStart(6)}  (at most ${Math.round((100_000 / producerTotal) * 1000)} encounters/s)`,
  );
  printComparisons((stage) => msOf(stage as Stage));
}

function printComparisons(msOf: (stage: string) => number) {
  console.log('\nthe same work as before, in the same rounds (ms per 100,000)');
  const pairs: Array<[string, string, string]> = [
    ['decode', 'decode one by one', 'decodeAll vs decode per message'],
    ['encode + pack', 'encode, then pack', 'encodeInto a PackWriter vs encode + packMessages'],
    ['records (patched)', 'records (2.2.4)', "kafkajs records: patched vs 2.2.4's"],
  ];
  for (const [now, before, what] of pairs)
    console.log(
      `${what}: ${msOf(now).toFixed(0)} vs ${msOf(before).toFixed(0)} (${(msOf(now) / msOf(before)).toFixed(2)})`,
    );
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
