import type { EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { reliableProducerConfig } from './kafka-client.factory';
import { deadLetterOf } from './dead-letter';
import { GroupMember, type GroupMemberOptions } from './group-member';
import type { KafkaMetrics } from './kafka-metrics';
import { routeMessage, type EventHandlers } from './message-router';
import { RetryAbandoned, retryWhileRunning } from './retry';
import type { EventSerde } from './serde/event-serde';

export interface EventConsumerOptions extends GroupMemberOptions {
  /** Partitions processed in parallel (default 1). */
  readonly concurrency?: number;
}

/**
 * At-least-once consumer of typed events. Each message is decoded and handed to its handler;
 * poison messages go to `<topic>.dlq` with the reason and the consumer goes on; a retriable
 * failure is retried in place. Offsets are committed after handling, and on stop.
 */
export class EventConsumer extends GroupMember {
  constructor(
    kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly metrics: KafkaMetrics,
    private readonly logger: Logger,
    private readonly options: EventConsumerOptions,
  ) {
    // The member's producer writes dead letters.
    super(kafka, options, () => kafka.producer(reliableProducerConfig()), logger);
  }

  async start(handlers: EventHandlers): Promise<void> {
    await this.run(
      (payload) => this.processBatch(payload, handlers),
      this.options.concurrency ?? 1,
    );
  }

  private async processBatch(payload: EachBatchPayload, handlers: EventHandlers): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary } =
      payload;
    const group = this.options.groupId;
    let next: string | undefined;
    let lastHeartbeat = Date.now();
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        const started = process.hrtime.bigint();
        const outcome = await retryWhileRunning(
          () =>
            routeMessage(this.serde, handlers, batch.topic, batch.partition, message, heartbeat),
          {
            shouldContinue: () => isRunning() && !isStale(),
            heartbeat,
            logger: this.logger,
            stalls: this.stalls,
            what: `${batch.topic}[${batch.partition}]@${message.offset}`,
          },
        );
        const labels = { topic: batch.topic, event_type: outcome.eventType, group };
        if (outcome.kind === 'poison') {
          const letter = deadLetterOf(
            { topic: batch.topic, partition: batch.partition, message, group },
            outcome.reason,
            outcome.error,
          );
          await this.producer.send({
            topic: letter.topic,
            messages: [letter.message],
            acks: -1,
          });
          this.metrics.deadLetters.inc({ topic: batch.topic, reason: outcome.reason, group });
          this.logger.warn(
            {
              topic: batch.topic,
              partition: batch.partition,
              offset: message.offset,
              reason: outcome.reason,
              error: outcome.error,
            },
            'message sent to the dead-letter topic',
          );
        } else {
          if (outcome.kind === 'skipped') this.metrics.skipped.inc(labels);
          this.metrics.consumed.inc(labels);
          this.metrics.handlerDuration.observe(
            labels,
            Number(process.hrtime.bigint() - started) / 1e9,
          );
        }
        resolveOffset(message.offset);
        next = (BigInt(message.offset) + 1n).toString();
        // kafkajs only heartbeats when asked; asking after every message costs more than the
        // message itself, so ask once a second (well inside the session timeout).
        if (Date.now() - lastHeartbeat >= 1_000) {
          await heartbeat();
          lastHeartbeat = Date.now();
        }
      }
    } catch (error) {
      if (!(error instanceof RetryAbandoned)) throw error;
    } finally {
      if (next !== undefined) {
        // A commit refused during a rebalance only means a redelivery: handlers are at-least-once.
        // Through the batch payload: it commits even while the consumer is stopping, where
        // consumer.commitOffsets() silently does nothing.
        await commitOffsetsIfNecessary({
          topics: [
            { topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] },
          ],
        }).catch((error: unknown) =>
          this.logger.warn(
            { err: error, topic: batch.topic },
            'offset commit failed; messages may be redelivered',
          ),
        );
      }
      this.recordLag(this.metrics, batch);
    }
  }
}
