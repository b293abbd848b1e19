// Produce + consume throughput of EncounterRecorded through our serde (Avro, schema registry,
// EventPublisher, EventConsumer) against raw kafkajs moving the same Avro bytes, in one run.
//   npx tsx bench/serde-throughput.bench.ts [--events 50000] [--rounds 2]
// Needs the local platform (`./readmit infra up`).
import { parseArgs } from 'node:util';
import { EXAMPLE_EVENTS, TOPICS, type EncounterRecorded } from '@readmit/contracts';
import {
  EventConsumer,
  EventPublisher,
  EventSerde,
  KafkaMetrics,
  newEnvelope,
  reliableProducerConfig,
  type OutgoingEvent,
} from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { testEndpoints, uniqueName } from '../test/support/endpoints';
import { isolatedCatalog, physical, quietLogger, testKafka } from '../test/support/kafka';
import { encounterPseudonym } from '../test/support/pseudonyms';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '2' },
  },
});
const EVENTS = Number(values.events);
const ROUNDS = Number(values.rounds);
const BATCH = 500;

function encounters(): EncounterRecorded[] {
  return Array.from({ length: EVENTS }, (_, index) => ({
    ...EXAMPLE_EVENTS.EncounterRecorded,
    envelope: newEnvelope('EncounterRecorded', { producer: 'bench' }),
    encounter_id: encounterPseudonym(index + 1),
  }));
}

async function waitFor(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function rawRound(kafka: Kafka, topic: string, payloads: Buffer[]): Promise<number> {
  let seen = 0;
  const consumer = kafka.consumer({ groupId: uniqueName('bench-raw') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  // Start the clock only once the group is joined, so group-join time is not measured.
  const ready = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
  );
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
      for (const message of batch.messages) {
        if (message.value) seen += 1;
        resolveOffset(message.offset);
      }
      const last = batch.messages[batch.messages.length - 1];
      if (last) {
        await commitOffsetsIfNecessary({
          topics: [
            {
              topic: batch.topic,
              partitions: [
                { partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
              ],
            },
          ],
        });
      }
    },
  });
  await ready;
  const producer = kafka.producer(reliableProducerConfig());
  await producer.connect();
  const started = performance.now();
  for (let start = 0; start < payloads.length; start += BATCH) {
    await producer.sendBatch({
      acks: -1,
      topicMessages: [
        {
          topic,
          messages: payloads
            .slice(start, start + BATCH)
            .map((value, index) => ({ key: String(start + index + 1), value })),
        },
      ],
    });
  }
  await waitFor(() => seen >= payloads.length);
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  await consumer.disconnect();
  return payloads.length / seconds;
}

async function serdeRound(
  kafka: Kafka,
  serde: EventSerde,
  prefix: string,
  events: EncounterRecorded[],
): Promise<number> {
  let seen = 0;
  const metrics = KafkaMetrics.for(new Registry());
  const consumer = new EventConsumer(kafka, serde, metrics, quietLogger, {
    groupId: uniqueName('bench-serde'),
    topics: [TOPICS.encounters],
    topicPrefix: prefix,
  });
  await consumer.start({ EncounterRecorded: async () => void (seen += 1) });
  await consumer.whenJoined();
  const publisher = new EventPublisher(kafka, serde, metrics, quietLogger, prefix);
  await publisher.connect();
  const started = performance.now();
  for (let start = 0; start < events.length; start += BATCH) {
    const batch: OutgoingEvent[] = events
      .slice(start, start + BATCH)
      .map((event) => ({ eventType: 'EncounterRecorded', key: String(event.encounter_id), event }));
    await publisher.publishAll(batch);
  }
  await waitFor(() => seen >= events.length);
  const seconds = (performance.now() - started) / 1000;
  await publisher.disconnect();
  await consumer.stop();
  return events.length / seconds;
}

async function main(): Promise<void> {
  const kafka = testKafka('readmit-bench');
  const events = encounters();
  const results: Array<{ round: number; raw: number; serde: number }> = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const prefix = await isolatedCatalog(kafka, [TOPICS.encounters]);
    const rawPrefix = await isolatedCatalog(kafka, [TOPICS.encounters]);
    const serde = EventSerde.create(testEndpoints().schemaRegistryUrl, { topicPrefix: prefix });
    await serde.register(['EncounterRecorded']);
    // The raw side moves exactly the bytes the serde would write.
    const payloads = events.map((event) => serde.encode('EncounterRecorded', event));
    const raw = await rawRound(kafka, physical(TOPICS.encounters, rawPrefix), payloads);
    const viaSerde = await serdeRound(kafka, serde, prefix, events);
    results.push({ round, raw, serde: viaSerde });
    console.log(
      `round ${round}: raw ${Math.round(raw)} events/s, serde ${Math.round(viaSerde)} events/s, ratio ${(viaSerde / raw).toFixed(2)}`,
    );
  }
  const best = (key: 'raw' | 'serde') => Math.max(...results.map((result) => result[key]));
  console.log('');
  console.log(
    `| events | raw kafkajs (events/s) | serde + publisher/consumer (events/s) | serde / raw |`,
  );
  console.log(`|---|---|---|---|`);
  console.log(
    `| ${EVENTS} | ${Math.round(best('raw'))} | ${Math.round(best('serde'))} | ${(best('serde') / best('raw')).toFixed(2)} |`,
  );
  console.log(
    `\ncommand: npx tsx bench/serde-throughput.bench.ts --events ${EVENTS} --rounds ${ROUNDS} (best of ${ROUNDS} rounds, produce + consume end to end, 6 partitions, acks=all)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
