import type { EachBatchPayload, Kafka, KafkaMessage, Message } from 'kafkajs';
import type { Logger } from 'pino';
import { reliableProducerConfig } from './kafka-client.factory';
import { deadLetterOf } from './dead-letter';
import { GroupMember, type GroupMemberOptions } from './group-member';
import { toTopicMessages, type OutgoingEvent } from './event-publisher';
import type { KafkaMetrics } from './kafka-metrics';
import { routeMessage, type EventHandlers } from './message-router';
import { RetryAbandoned, retryWhileRunning } from './retry';
import type { EventSerde } from './serde/event-serde';

export interface TransactionalProcessorOptions extends GroupMemberOptions {
  /**
   * Stable per instance (e.g. `scoring-0`): a restarted instance with the same id fences its
   * crashed predecessor and aborts its open transaction.
   */
  readonly transactionalId: string;
  /** Messages per transaction (default 100): larger is faster, smaller redoes less after a crash. */
  readonly maxMessagesPerTransaction?: number;
}

/**
 * Exactly-once consume-transform-produce: for each micro-batch, the outputs, any dead letters
 * and the consumed offsets are written in one Kafka transaction. A crash at any point leaves
 * either all of it or none of it, and read_committed readers see each output once.
 * One transaction is open at a time: the producer is not shared, and partitions are processed
 * one after the other.
 */
export class TransactionalProcessor extends GroupMember {
  constructor(
    kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly metrics: KafkaMetrics,
    private readonly logger: Logger,
    private readonly options: TransactionalProcessorOptions,
  ) {
    super(
      kafka,
      options,
      kafka.producer(reliableProducerConfig({ transactionalId: options.transactionalId })),
    );
  }

  async start(transform: EventHandlers<readonly OutgoingEvent[]>): Promise<void> {
    await this.run((payload) => this.processBatch(payload, transform));
  }

  private async processBatch(
    payload: EachBatchPayload,
    transform: EventHandlers<readonly OutgoingEvent[]>,
  ): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const size = this.options.maxMessagesPerTransaction ?? 100;
    try {
      for (let start = 0; start < batch.messages.length; start += size) {
        if (!isRunning() || isStale()) return;
        const chunk = batch.messages.slice(start, start + size);
        await retryWhileRunning(
          () => this.processInTransaction(batch.topic, batch.partition, chunk, transform),
          {
            shouldContinue: () => isRunning() && !isStale(),
            heartbeat,
            logger: this.logger,
            what: `a transaction over ${batch.topic}[${batch.partition}]`,
          },
        );
        for (const message of chunk) resolveOffset(message.offset);
        await heartbeat();
      }
    } catch (error) {
      if (!(error instanceof RetryAbandoned)) throw error;
    } finally {
      this.recordLag(this.metrics, batch);
    }
  }

  private async processInTransaction(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
    transform: EventHandlers<readonly OutgoingEvent[]>,
  ): Promise<void> {
    const group = this.options.groupId;
    const started = process.hrtime.bigint();
    const outputs: OutgoingEvent[] = [];
    const deadLetters: Array<{ topic: string; message: Message }> = [];
    const counted: Array<{ eventType: string; poison?: string }> = [];
    for (const message of messages) {
      const outcome = await routeMessage(this.serde, transform, topic, partition, message);
      if (outcome.kind === 'handled') outputs.push(...outcome.result);
      if (outcome.kind === 'poison') {
        deadLetters.push(
          deadLetterOf({ topic, partition, message, group }, outcome.reason, outcome.error),
        );
        counted.push({ eventType: outcome.eventType, poison: outcome.reason });
      } else {
        counted.push({ eventType: outcome.eventType });
      }
    }
    const topicMessages = [
      ...toTopicMessages(this.serde, outputs, this.options.topicPrefix ?? ''),
      ...deadLetters.map((letter) => ({
        topic: letter.topic,
        messages: [letter.message],
        eventTypes: [],
      })),
    ];
    const transaction = await this.producer.transaction();
    try {
      if (topicMessages.length > 0) {
        await transaction.sendBatch({
          topicMessages: topicMessages.map(({ topic: t, messages: m }) => ({
            topic: t,
            messages: m,
          })),
        });
      }
      const last = messages[messages.length - 1];
      await transaction.sendOffsets({
        consumerGroupId: group,
        topics: [
          { topic, partitions: [{ partition, offset: (BigInt(last.offset) + 1n).toString() }] },
        ],
      });
      await transaction.commit();
    } catch (error) {
      await transaction
        .abort()
        .catch((abortError: unknown) =>
          this.logger.warn({ err: abortError }, 'transaction abort failed'),
        );
      throw error;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9 / messages.length;
    for (const { eventType, poison } of counted) {
      if (poison) {
        this.metrics.deadLetters.inc({ topic, reason: poison, group });
      } else {
        this.metrics.consumed.inc({ topic, event_type: eventType, group });
        this.metrics.handlerDuration.observe({ topic, event_type: eventType, group }, seconds);
      }
    }
    for (const { topic: outTopic, eventTypes } of topicMessages) {
      for (const eventType of eventTypes)
        this.metrics.produced.inc({ topic: outTopic, event_type: eventType });
    }
  }
}
