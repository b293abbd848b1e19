import { TOPICS, type EncounterRecorded } from '@readmit/contracts';
import { Registry } from 'prom-client';
import { labelledEncounters } from '../../../../../test/support/encounters';
import { testEndpoints } from '../../../../../test/support/endpoints';
import {
  exampleEncounter,
  isolatedCatalog,
  physical,
  quietLogger,
  readTopic,
  testKafka,
} from '../../../../../test/support/kafka';
import { KafkaMetrics } from '../kafka-metrics';
import { EventSerde } from '../serde/event-serde';
import { OffThreadPublisher } from './off-thread-publisher';
import { idOfPseudonym } from '../../../../../test/support/pseudonyms';

const { kafkaBrokers, schemaRegistryUrl } = testEndpoints();

async function setup() {
  const kafka = testKafka();
  const prefix = await isolatedCatalog(kafka, [TOPICS.encounters, TOPICS.outcomes]);
  const serde = EventSerde.create(schemaRegistryUrl, { topicPrefix: prefix });
  await serde.register(['EncounterRecorded', 'OutcomeRecorded']);
  const registry = new Registry();
  const publisher = new OffThreadPublisher(serde, KafkaMetrics.for(registry), quietLogger, {
    brokers: kafkaBrokers,
    clientId: 'off-thread-test',
    topicPrefix: prefix,
    maxBatchesInFlight: 2,
    logLevel: 'fatal',
  });
  return { kafka, prefix, serde, registry, publisher };
}

const encounterWithOutcome = (id: number) => labelledEncounters(id, 1);

describe('OffThreadPublisher on the real broker', () => {
  it('stores every event of many batches once, in order per partition, decodable, counted', async () => {
    const { kafka, prefix, serde, registry, publisher } = await setup();
    const ids = Array.from({ length: 6_000 }, (_, index) => index + 1);
    try {
      for (let start = 0; start < ids.length; start += 1_000)
        await publisher.publishAll(ids.slice(start, start + 1_000).flatMap(encounterWithOutcome));
      await publisher.flush();
    } finally {
      await publisher.disconnect();
    }

    const encounters = await readTopic(kafka, physical(TOPICS.encounters, prefix), {
      count: ids.length,
      settleMs: 500,
    });
    const outcomes = await readTopic(kafka, physical(TOPICS.outcomes, prefix), {
      count: ids.length,
      settleMs: 500,
    });
    expect(encounters).toHaveLength(ids.length);
    expect(outcomes).toHaveLength(ids.length);

    const decoded = await Promise.all(
      encounters.map(async ({ partition, message }) => ({
        partition,
        offset: Number(message.offset),
        key: String(message.key),
        header: String(message.headers?.eventType),
        event: (await serde.decode(message.value)).event as EncounterRecorded,
      })),
    );
    expect(new Set(decoded.map(({ event }) => event.encounter_id)).size).toBe(ids.length);
    expect(decoded.every(({ key, event }) => key === event.encounter_id)).toBe(true);
    expect(decoded.every(({ header }) => header === 'EncounterRecorded')).toBe(true);
    // Within each partition, offsets follow the order of publishing (ids rise).
    for (const partition of new Set(decoded.map((entry) => entry.partition))) {
      const inPartition = decoded
        .filter((entry) => entry.partition === partition)
        .sort((a, b) => a.offset - b.offset)
        .map(({ event }) => idOfPseudonym(event.encounter_id));
      expect(inPartition).toEqual([...inPartition].sort((a, b) => a - b));
    }

    const produced = (
      await registry.getSingleMetric('readmit_kafka_messages_produced_total')?.get()
    )?.values;
    const total = (produced ?? []).reduce((sum, { value }) => sum + value, 0);
    expect(total).toBe(2 * ids.length);
  });

  it('fails flush with the broker’s reason when Kafka refuses a batch, and stays failed', async () => {
    const { publisher } = await setup();
    const oversized: EncounterRecorded = { ...exampleEncounter(1), source: 'x'.repeat(2_000_000) };
    try {
      await publisher.publishAll([{ eventType: 'EncounterRecorded', key: '1', event: oversized }]);
      await expect(publisher.flush()).rejects.toThrow(/publishing to Kafka failed: .*larger/i);
      await expect(publisher.publishAll(encounterWithOutcome(2))).rejects.toThrow(
        /publishing to Kafka failed/,
      );
    } finally {
      await publisher.disconnect().catch(() => undefined);
    }
  });
});
