import type { EventType, EventTypeMap } from '@readmit/contracts';
import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { reliableProducerConfig } from './kafka-client.factory';
import { deadLetterOf } from './dead-letter';
import { GroupMember, type GroupMemberOptions } from './group-member';
import { splitIntoRequests } from './produce-requests';
import { toTopicMessages, type OutgoingEvent } from './event-publisher';
import type { KafkaMetrics } from './kafka-metrics';
import {
  messageContextOf,
  routeMessage,
  type EventHandlers,
  type MessageContext,
} from './message-router';
import { environmentScoped } from './environment-scope';
import { unexpectedEvent } from './event-validation';
import { PatientForgottenError, PoisonMessageError, type PoisonReason } from './kafka-errors';
import { RetryAbandoned, retryWhileRunning } from './retry';
import type { EventSerde } from './serde/event-serde';
import { withoutForgotten } from '../privacy/sealing/event-sealer';

export interface TransactionalProcessorOptions extends GroupMemberOptions {
  /**
   * Stable per instance (e.g. `scoring-0`): a restarted instance with the same id fences its
   * crashed predecessor and aborts its open transaction.
   */
  readonly transactionalId: string;
  /** Messages per transaction (default 100): larger is faster, smaller redoes less after a crash. */
  readonly maxMessagesPerTransaction?: number;
  /** A transaction still open after this long makes readiness report the consumer stalled (default 15 s). */
  readonly stalledAfterMs?: number;
}

/** A decoded message handed to a batch transform. */
export interface DecodedMessage<K extends EventType = EventType> {
  readonly eventType: K;
  readonly event: EventTypeMap[K];
  readonly context: MessageContext;
}

export interface BatchResult {
  readonly outputs: readonly OutgoingEvent[];
  /** Messages (by index in the batch given) that cannot be processed: dead-lettered. */
  readonly rejected?: ReadonlyArray<{ readonly index: number; readonly error: string }>;
}

export type BatchTransform<K extends EventType> = (
  messages: ReadonlyArray<DecodedMessage<K>>,
) => Promise<BatchResult>;

/** What one transaction writes, and what to count. */
interface ChunkResult {
  outputs: OutgoingEvent[];
  poison: Array<{ message: KafkaMessage; reason: PoisonReason; error: string }>;
  /** Per message: its type, and whether it was dead-lettered (why) or skipped without a handler. */
  counted: Array<{ eventType: string; poison?: string; skipped?: boolean }>;
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
      () =>
        kafka.producer(
          reliableProducerConfig({
            transactionalId: environmentScoped(options.topicPrefix, options.transactionalId),
          }),
        ),
      logger,
    );
  }

  /** One transform per message: each event gives its outputs. */
  async start(transform: EventHandlers<readonly OutgoingEvent[]>): Promise<void> {
    await this.run((payload) =>
      this.processBatch(payload, (topic, partition, messages) =>
        this.routeEach(topic, partition, messages, transform),
      ),
    );
  }

  /**
   * One transform per micro-batch (up to maxMessagesPerTransaction messages of a partition):
   * for work that is cheaper in bulk, such as scoring a model. Events of other types the topic
   * carries are skipped (and counted); undecodable messages, events that break their field rules
   * or that the catalog does not list for the topic, and those the transform rejects, are
   * dead-lettered in the same transaction.
   */
  async startBatches<K extends EventType>(
    eventTypes: readonly K[],
    transform: BatchTransform<K>,
  ): Promise<void> {
    await this.run((payload) =>
      this.processBatch(payload, (topic, partition, messages) =>
        this.transformBatch(topic, partition, messages, eventTypes, transform, payload.heartbeat),
      ),
    );
  }

  private async routeEach(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
    transform: EventHandlers<readonly OutgoingEvent[]>,
  ): Promise<ChunkResult> {
    const result: ChunkResult = { outputs: [], poison: [], counted: [] };
    for (const message of messages) {
      const outcome = await routeMessage(this.serde, transform, topic, partition, message);
      if (outcome.kind === 'handled') result.outputs.push(...outcome.result);
      if (outcome.kind === 'poison') {
        result.poison.push({ message, reason: outcome.reason, error: outcome.error });
        result.counted.push({ eventType: outcome.eventType, poison: outcome.reason });
      } else {
        result.counted.push({ eventType: outcome.eventType, skipped: outcome.kind === 'skipped' });
      }
    }
    return result;
  }

  private async transformBatch<K extends EventType>(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
    eventTypes: readonly K[],
    transform: BatchTransform<K>,
    heartbeat: () => Promise<void>,
  ): Promise<ChunkResult> {
    const result: ChunkResult = { outputs: [], poison: [], counted: [] };
    const accepted: Array<DecodedMessage<K>> = [];
    // Where each accepted message sits in `messages` (and so in `result.counted`).
    const positions: number[] = [];
    // One decoding pass for the whole micro-batch: no trip through the event loop per message.
    const decodedAll = await this.serde.decodeAll(messages.map((message) => message.value));
    for (const [position, message] of messages.entries()) {
      const decoded = decodedAll[position];
      // A forgotten patient's event is passed over, never dead-lettered.
      if (decoded instanceof PatientForgottenError) {
        result.counted.push({ eventType: decoded.eventType, skipped: true });
        continue;
      }
      if (decoded instanceof PoisonMessageError) {
        result.poison.push({ message, reason: decoded.reason, error: decoded.message });
        result.counted.push({ eventType: 'unknown', poison: decoded.reason });
        continue;
      }
      // A type the catalog does not list for the topic is a writer's mistake, not a skip.
      const unexpected = unexpectedEvent(topic, this.serde.topicPrefix, decoded.eventType);
      if (unexpected) {
        result.poison.push({ message, reason: unexpected.reason, error: unexpected.message });
        result.counted.push({ eventType: decoded.eventType, poison: unexpected.reason });
        continue;
      }
      if (!(eventTypes as readonly EventType[]).includes(decoded.eventType)) {
        result.counted.push({ eventType: decoded.eventType, skipped: true });
        continue;
      }
      result.counted.push({ eventType: decoded.eventType });
      accepted.push({
        eventType: decoded.eventType as K,
        event: decoded.event as EventTypeMap[K],
        context: messageContextOf(topic, partition, message, decoded, heartbeat),
      });
      positions.push(position);
    }
    if (accepted.length === 0) return result;
    const { outputs, rejected = [] } = await transform(accepted);
    result.outputs.push(...outputs);
    for (const { index, error } of rejected) {
      const position = positions[index];
      result.poison.push({ message: messages[position], reason: 'handler_error', error });
      result.counted[position].poison = 'handler_error';
    }
    return result;
  }

  private async processBatch(
    payload: EachBatchPayload,
    chunkResult: (
      topic: string,
      partition: number,
      messages: readonly KafkaMessage[],
    ) => Promise<ChunkResult>,
  ): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const size = this.options.maxMessagesPerTransaction ?? 100;
    try {
      for (let start = 0; start < batch.messages.length; start += size) {
        if (!isRunning() || isStale()) return;
        const chunk = batch.messages.slice(start, start + size);
        let failedBefore = false;
        await retryWhileRunning(
          async () => {
            // A failed attempt may have committed after all (its commit timed out, or the
            // broker went away after writing it): the group's offsets say, once the producer
            // is settled. Writing the chunk again would duplicate every output.
            if (failedBefore && (await this.committedEarlier(batch.topic, batch.partition, chunk)))
              return;
            try {
              await this.processInTransaction(batch.topic, batch.partition, chunk, chunkResult);
            } catch (error) {
              failedBefore = true;
              throw error;
            }
          },
          {
            shouldContinue: () => isRunning() && !isStale(),
            heartbeat,
            logger: this.logger,
            stalls: this.stalls,
            stalledAfterMs: this.options.stalledAfterMs ?? 15_000,
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

  /** True when the group's committed offset is past `chunk`: an earlier attempt committed it. */
  private async committedEarlier(
    topic: string,
    partition: number,
    chunk: readonly KafkaMessage[],
  ): Promise<boolean> {
    await this.settleProducer();
    const committed = await this.committedOffset(topic, partition);
    const done = committed !== null && committed > BigInt(chunk[chunk.length - 1].offset);
    if (done)
      this.logger.warn(
        { topic, partition, group: this.options.groupId },
        'a transaction reported as failed had committed: its messages are not processed again',
      );
    return done;
  }

  private async processInTransaction(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
    chunkResult: (
      topic: string,
      partition: number,
      messages: readonly KafkaMessage[],
    ) => Promise<ChunkResult>,
  ): Promise<void> {
    const group = this.options.groupId;
    const started = process.hrtime.bigint();
    const result = await chunkResult(topic, partition, messages);
    const { poison, counted } = result;
    const deadLetters = poison.map(({ message, reason, error }) =>
      deadLetterOf({ topic, partition, message, group }, reason, error),
    );
    // Outputs derive from events read: a patient of theirs without a key now was forgotten since
    // (no key is made for them), and their outputs are not written.
    const forgotten = await this.serde.prepareToWrite(result.outputs, { makeKeys: false });
    const outputs = withoutForgotten(result.outputs, forgotten);
    const topicMessages = [
      ...toTopicMessages(this.serde, outputs, this.options.topicPrefix ?? ''),
      ...deadLetters.map((letter) => ({
        topic: letter.topic,
        messages: [letter.message],
        eventTypes: [],
      })),
    ];
    await this.inTransaction(async (transaction) => {
      // A large micro-batch goes out in several produce requests, all in this transaction.
      for (const request of splitIntoRequests(topicMessages))
        await transaction.sendBatch({ topicMessages: request });
      const last = messages[messages.length - 1];
      await transaction.sendOffsets({
        consumerGroupId: this.clusterGroupId,
        topics: [
          { topic, partitions: [{ partition, offset: (BigInt(last.offset) + 1n).toString() }] },
        ],
      });
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9 / messages.length;
    for (const { eventType, poison, skipped } of counted) {
      if (poison) {
        this.metrics.deadLetters.inc({ topic, reason: poison, group });
      } else {
        if (skipped) this.metrics.skipped.inc({ topic, event_type: eventType, group });
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
