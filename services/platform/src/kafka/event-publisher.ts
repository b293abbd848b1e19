import {
  topicName,
  topicOf,
  type EventType,
  type EventTypeMap,
  type TopicDefinition,
} from '@readmit/contracts';
import type { Kafka, Message, Producer, RecordMetadata } from 'kafkajs';
import type { Logger } from 'pino';
import { reliableProducerConfig } from './kafka-client.factory';
import { envelopeHeaders } from './envelope';
import type { KafkaMetrics } from './kafka-metrics';
import { unavailableAsRetriable } from './broker-unavailable';
import type { EventSerde } from './serde/event-serde';

/** Messages for one physical topic. */
export interface TopicMessages {
  readonly topic: string;
  readonly messages: readonly Message[];
}

/** An event on its way out: its type decides the topic, its aggregate id is the key. */
export interface OutgoingEvent<K extends EventType = EventType> {
  readonly eventType: K;
  readonly key: string;
  readonly event: EventTypeMap[K];
  /** Another topic that carries the event type (e.g. shadow predictions); default: its own. */
  readonly topic?: TopicDefinition;
}

/** Turns outgoing events into Kafka messages grouped by physical topic. */
export function toTopicMessages(
  serde: EventSerde,
  events: readonly OutgoingEvent[],
  topicPrefix: string,
): Array<{ topic: string; messages: Message[]; eventTypes: EventType[] }> {
  const byTopic = new Map<string, { messages: Message[]; eventTypes: EventType[] }>();
  for (const outgoing of events) {
    const topic = topicName(outgoing.topic ?? topicOf(outgoing.eventType), topicPrefix);
    const entry = byTopic.get(topic) ?? { messages: [], eventTypes: [] };
    entry.messages.push({
      key: outgoing.key,
      value: serde.encode(outgoing.eventType, outgoing.event, outgoing.topic),
      headers: envelopeHeaders(outgoing.event.envelope),
    });
    entry.eventTypes.push(outgoing.eventType);
    byTopic.set(topic, entry);
  }
  return [...byTopic].map(([topic, entry]) => ({ topic, ...entry }));
}

/**
 * An idempotent producer of typed events (acks from all in-sync replicas, no duplicates on
 * retry). For consume-transform-produce with exactly-once, use TransactionalProcessor.
 */
export class EventPublisher {
  private readonly producer: Producer;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly metrics: KafkaMetrics,
    private readonly logger: Logger,
    private readonly topicPrefix = '',
  ) {
    this.producer = kafka.producer(reliableProducerConfig());
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  async publish<K extends EventType>(
    eventType: K,
    key: string,
    event: EventTypeMap[K],
  ): Promise<RecordMetadata[]> {
    return this.publishAll([{ eventType, key, event } as OutgoingEvent]);
  }

  /**
   * Publishes a batch; per partition, order is kept. `alongside`: other messages (physical topic
   * names, already serialized, e.g. request-reply answers) sent in the same produce request, so
   * they cost no extra round trip. With one broker they are appended in the same request as the
   * events; with several, each broker's share is a request of its own, and one may fail alone.
   */
  async publishAll(
    events: readonly OutgoingEvent[],
    alongside: readonly TopicMessages[] = [],
  ): Promise<RecordMetadata[]> {
    if (events.length === 0 && alongside.length === 0) return [];
    await this.serde.prepareToWrite(events);
    const topicMessages = toTopicMessages(this.serde, events, this.topicPrefix);
    let metadata: RecordMetadata[];
    try {
      await this.connect();
      metadata = await this.producer.sendBatch({
        topicMessages: [
          ...topicMessages.map(({ topic, messages }) => ({ topic, messages })),
          ...alongside.map(({ topic, messages }) => ({ topic, messages: [...messages] })),
        ],
        acks: -1,
      });
    } catch (error) {
      // A cluster that is away is worth retrying (a consumer retries the message in place).
      throw unavailableAsRetriable(error, 'publishing events');
    }
    for (const { topic, eventTypes } of topicMessages) {
      for (const eventType of eventTypes)
        this.metrics.produced.inc({ topic, event_type: eventType });
    }
    return metadata;
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
    this.logger.debug('event publisher disconnected');
  }
}
