import type { Logger } from '@readmit/platform/logging';
import {
  applyKafkaAcls,
  createKafkaClient,
  EventPublisher,
  EventSerde,
  KafkaMetrics,
  newEnvelope,
  provisionTopics,
} from '@readmit/platform/kafka';
import { createLogger } from '@readmit/platform/logging';
import {
  allServiceAcls,
  allTopics,
  TOPICS,
  EXAMPLE_EVENTS,
  topicName,
  type EncounterRecorded,
  type EventType,
  type TopicDefinition,
} from '@readmit/contracts';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import { testEndpoints, uniqueName } from './endpoints';
import { encounterPseudonym } from './pseudonyms';
import { secureTestKafka, testKafkaSecurity } from './secure-kafka';

export const quietLogger: Logger = createLogger({
  service: 'test',
  level: (process.env.READMIT_TEST_LOG_LEVEL as 'fatal' | undefined) ?? 'fatal',
});

/** A client of the test platform's Kafka: as its admin on the secured broker of `integration-secure`. */
export function testKafka(clientId = 'readmit-test'): Kafka {
  return createKafkaClient(
    { brokers: testEndpoints().kafkaBrokers, clientId, security: testKafkaSecurity() },
    quietLogger,
  );
}

/**
 * A topic prefix of its own for one test: the whole catalog (and subjects) under it, or the
 * topics asked for with the audit trail, which every service started on them records to, and
 * patient.forgotten, which ingest writes to (it checks the topic exists as it starts).
 */
export async function isolatedCatalog(
  kafka: Kafka,
  topics: readonly TopicDefinition[] = allTopics(),
): Promise<string> {
  const prefix = `${uniqueName('t')}.`;
  const always = [TOPICS.audit, TOPICS.forgotten].filter(
    (needed) => !topics.some((topic) => topic.name === needed.name),
  );
  await provisionTopics(kafka, { prefix, topics: [...topics, ...always] });
  // On the secured broker each service runs as its own principal: grant what the catalog says.
  if (secureTestKafka()) await applyKafkaAcls(kafka, allServiceAcls(prefix));
  return prefix;
}

export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

/**
 * Reads a topic from the beginning with a fresh group until `count` messages arrived (or the
 * deadline passed), as a read_committed consumer unless told otherwise.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  options: { count: number; timeoutMs?: number; readUncommitted?: boolean; settleMs?: number },
): Promise<ConsumedMessage[]> {
  const consumer = kafka.consumer({
    groupId: uniqueName('reader'),
    readUncommitted: options.readUncommitted ?? false,
  });
  const received: ConsumedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic: t, partition, message }) =>
      void received.push({ topic: t, partition, message }),
  });
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  try {
    while (received.length < options.count && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    // Wait a little longer to catch any duplicate beyond the expected count.
    if (options.settleMs) await new Promise((resolve) => setTimeout(resolve, options.settleMs));
    return received;
  } finally {
    await consumer.disconnect();
  }
}

export function physical(topic: TopicDefinition, prefix: string): string {
  return topicName(topic, prefix);
}

/** The realistic example encounter under another id (its pseudonym), with a fresh envelope. */
export function exampleEncounter(id: number): EncounterRecorded {
  return {
    ...EXAMPLE_EVENTS.EncounterRecorded,
    envelope: newEnvelope('EncounterRecorded', { producer: 'test' }),
    encounter_id: encounterPseudonym(id),
  };
}

/**
 * Decodes the events of a topic, from the beginning and as a read_committed consumer, into a
 * list that fills as they arrive (optionally only some event types). stop() leaves the group.
 */
export async function watchEvents<T>(
  kafka: Kafka,
  serde: EventSerde,
  topic: string,
  eventTypes?: readonly EventType[],
): Promise<{ events: T[]; stop: () => Promise<void> }> {
  const events: T[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('watcher'), readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const decoded = await serde.decode(message.value);
      if (!eventTypes || eventTypes.includes(decoded.eventType)) events.push(decoded.event as T);
    },
  });
  return { events, stop: () => consumer.disconnect() };
}

/**
 * What most Kafka tests start from: the given topics under a prefix of their own, a serde with
 * the event types registered, Kafka metrics and a publisher (disconnect it when done). On the
 * local platform's broker unless given a client of another (a test's disposable broker).
 */
export async function isolatedEventStreams(
  topics: readonly TopicDefinition[],
  eventTypes: readonly EventType[],
  kafka: Kafka = testKafka(),
) {
  const prefix = await isolatedCatalog(kafka, topics);
  const serde = EventSerde.create(testEndpoints().schemaRegistryUrl, { topicPrefix: prefix });
  await serde.register([...eventTypes]);
  const metrics = KafkaMetrics.for(new Registry());
  const publisher = new EventPublisher(kafka, serde, metrics, quietLogger, prefix);
  return { kafka, prefix, serde, metrics, publisher };
}
