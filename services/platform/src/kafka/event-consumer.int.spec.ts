import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { deadLetterTopicOf, EXAMPLE_EVENTS, TOPICS } from '@readmit/contracts';
import { Registry } from 'prom-client';
import { eventually, testEndpoints, uniqueName } from '../../../../test/support/endpoints';
import {
  exampleEncounter,
  isolatedCatalog,
  physical,
  quietLogger,
  readTopic,
  testKafka,
} from '../../../../test/support/kafka';
import { DLQ_HEADERS } from './dead-letter';
import { EventConsumer } from './event-consumer';
import { EventPublisher } from './event-publisher';
import { InvalidEventError, RetriableKafkaError } from './kafka-errors';
import { KafkaMetrics } from './kafka-metrics';
import { EventSerde } from './serde/event-serde';
import { idOfPseudonym } from '../../../../test/support/pseudonyms';

const { schemaRegistryUrl } = testEndpoints();

async function setup() {
  const kafka = testKafka();
  const prefix = await isolatedCatalog(kafka, [
    TOPICS.encounters,
    deadLetterTopicOf(TOPICS.encounters),
  ]);
  const serde = EventSerde.create(schemaRegistryUrl, { topicPrefix: prefix });
  await serde.register(['EncounterRecorded', 'ModelPromoted']);
  const registry = new Registry();
  const metrics = KafkaMetrics.for(registry);
  const publisher = new EventPublisher(kafka, serde, metrics, quietLogger, prefix);
  const topic = physical(TOPICS.encounters, prefix);
  return { kafka, prefix, serde, registry, metrics, publisher, topic };
}

describe('EventConsumer on the real broker', () => {
  it('handles every good event, dead-letters every bad message with its reason, and never stops', async () => {
    const { kafka, prefix, serde, registry, metrics, publisher, topic } = await setup();

    // A schema that is registered but is not one of our events.
    const foreign = await new SchemaRegistry({ host: schemaRegistryUrl }).register(
      {
        type: SchemaType.AVRO,
        schema: JSON.stringify({
          type: 'record',
          name: 'Foreign',
          namespace: 'other',
          fields: [{ name: 'x', type: 'int' }],
        }),
      },
      { subject: `${prefix}foreign-value` },
    );
    const foreignMessage = Buffer.concat([
      Buffer.from([0]),
      Buffer.from(new Uint8Array(new Int32Array([0]).buffer)),
      Buffer.from([2]),
    ]);
    foreignMessage.writeInt32BE(foreign.id, 1);

    const producer = kafka.producer();
    await producer.connect();
    const good = [1, 2, 3, 4, 5, 6].map(exampleEncounter);
    await publisher.publish('EncounterRecorded', '1', good[0]);
    await producer.send({
      topic,
      messages: [{ key: 'garbage', value: Buffer.from('definitely not avro') }],
    });
    await publisher.publish('EncounterRecorded', '2', good[1]);
    await producer.send({
      topic,
      messages: [{ key: 'unknown-id', value: Buffer.from([0, 0x7f, 0, 0, 1, 9, 9]) }],
    });
    await publisher.publish('EncounterRecorded', '3', good[2]);
    await producer.send({ topic, messages: [{ key: 'foreign', value: foreignMessage }] });
    await publisher.publish('EncounterRecorded', '4', good[3]);
    // Breaks the encounter field rules: dead-lettered before any handler sees it.
    await publisher.publish('EncounterRecorded', '13', {
      ...exampleEncounter(13),
      time_in_hospital: -4,
    });
    // Keeps the rules, but the handler refuses it.
    await publisher.publish('EncounterRecorded', '14', exampleEncounter(14));
    // A well-formed event of a type patient.encounters does not carry.
    await producer.send({
      topic,
      messages: [
        { key: 'misrouted', value: serde.encode('ModelPromoted', EXAMPLE_EVENTS.ModelPromoted) },
      ],
    });
    await publisher.publishAll(
      [5, 6].map((id) => ({
        eventType: 'EncounterRecorded' as const,
        key: String(id),
        event: good[id - 1],
      })),
    );
    await producer.disconnect();

    const handled: number[] = [];
    const consumer = new EventConsumer(kafka, serde, metrics, quietLogger, {
      groupId: uniqueName('group'),
      topics: [TOPICS.encounters],
      topicPrefix: prefix,
    });
    await consumer.start({
      EncounterRecorded: async (event) => {
        if (idOfPseudonym(event.encounter_id) === 14)
          throw new InvalidEventError('encounter 14 is refused by the handler');
        handled.push(idOfPseudonym(event.encounter_id));
      },
    });
    try {
      await eventually(async () => (handled.length === 6 ? true : undefined));
      expect([...handled].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);

      const letters = await readTopic(kafka, `${topic}.dlq`, { count: 6 });
      const reasons = Object.fromEntries(
        letters.map(({ message }) => [
          String(message.key),
          String(message.headers?.[DLQ_HEADERS.reason]),
        ]),
      );
      expect(reasons).toEqual({
        garbage: 'undecodable',
        'unknown-id': 'unknown_schema',
        foreign: 'unknown_event_type',
        '13': 'invalid_event',
        '14': 'invalid_event',
        misrouted: 'unexpected_event_type',
      });
      const header = (key: string) =>
        String(
          letters.find(({ message }) => String(message.key) === key)?.message.headers?.[
            DLQ_HEADERS.error
          ],
        );
      expect(header('13')).toBe(
        'EncounterRecorded breaks the field rules: time_in_hospital is not a whole number from 1 to 14',
      );
      expect(header('14')).toBe('encounter 14 is refused by the handler');
      expect(header('misrouted')).toBe(
        'ModelPromoted is not an event of patient.encounters (it carries EncounterRecorded)',
      );
      const invalid = letters.find(({ message }) => String(message.key) === '13')?.message;
      expect(String(invalid?.headers?.[DLQ_HEADERS.sourceTopic])).toBe(topic);
      expect(String(invalid?.headers?.[DLQ_HEADERS.sourceOffset])).toMatch(/^\d+$/);
      expect(String(invalid?.headers?.eventType)).toBe('EncounterRecorded');
      const garbage = letters.find(({ message }) => String(message.key) === 'garbage')?.message;
      expect(String(garbage?.value)).toBe('definitely not avro');

      const exported = await registry.metrics();
      expect(exported).toMatch(
        new RegExp(
          `readmit_kafka_dead_letters_total\\{topic="${topic.replace(/\./g, '\\.')}",reason="undecodable",group="[^"]+"\\} 1`,
        ),
      );
      expect(exported).toMatch(
        /readmit_kafka_messages_consumed_total\{[^}]*event_type="EncounterRecorded"[^}]*\} 6/,
      );
      expect(exported).toMatch(
        /readmit_kafka_dead_letters_total\{[^}]*reason="invalid_event"[^}]*\} 2/,
      );
      expect(exported).toMatch(
        /readmit_kafka_dead_letters_total\{[^}]*reason="unexpected_event_type"[^}]*\} 1/,
      );
      expect(exported).toMatch(
        /readmit_kafka_messages_produced_total\{[^}]*event_type="EncounterRecorded"\} 8/,
      );
      expect(exported).toMatch(/readmit_kafka_handler_duration_seconds_count\{[^}]*\} 6/);
      expect(exported).toMatch(/readmit_kafka_consumer_lag\{[^}]*\} 0/);
    } finally {
      await consumer.stop();
      await publisher.disconnect();
    }
  });

  it('retries a message whose handler hit a retriable failure, without dead-lettering it', async () => {
    const { kafka, prefix, serde, metrics, publisher, topic } = await setup();
    await publisher.publish('EncounterRecorded', '7', exampleEncounter(7));
    let attempts = 0;
    const handled: number[] = [];
    const consumer = new EventConsumer(kafka, serde, metrics, quietLogger, {
      groupId: uniqueName('group'),
      topics: [TOPICS.encounters],
      topicPrefix: prefix,
    });
    await consumer.start({
      EncounterRecorded: async (event) => {
        attempts += 1;
        if (attempts < 3) throw new RetriableKafkaError('the projection database is restarting');
        handled.push(idOfPseudonym(event.encounter_id));
      },
    });
    try {
      await eventually(async () => (handled.length === 1 ? true : undefined));
      expect(attempts).toBe(3);
      expect(await readTopic(kafka, `${topic}.dlq`, { count: 1, timeoutMs: 3_000 })).toEqual([]);
    } finally {
      await consumer.stop();
      await publisher.disconnect();
    }
  });

  it('on stop, finishes the event in hand and commits it, so the group does not see it again', async () => {
    const { kafka, prefix, serde, metrics, publisher } = await setup();
    await publisher.publish('EncounterRecorded', '8', exampleEncounter(8));
    await publisher.disconnect();
    const groupId = uniqueName('group');
    let release: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    const completed: number[] = [];
    const first = new EventConsumer(kafka, serde, metrics, quietLogger, {
      groupId,
      topics: [TOPICS.encounters],
      topicPrefix: prefix,
    });
    await first.start({
      EncounterRecorded: async (event) => {
        release();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        completed.push(idOfPseudonym(event.encounter_id));
      },
    });
    await started;
    await first.stop();
    expect(completed).toEqual([8]);

    const seenAgain: number[] = [];
    const second = new EventConsumer(kafka, serde, metrics, quietLogger, {
      groupId,
      topics: [TOPICS.encounters],
      topicPrefix: prefix,
    });
    await second.start({
      EncounterRecorded: async (event) => void seenAgain.push(idOfPseudonym(event.encounter_id)),
    });
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await second.stop();
    expect(seenAgain).toEqual([]);
  });
});
