import type { ReadinessRegistry } from '../health/readiness';
import type { EventType } from '@readmit/contracts';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { EventConsumer } from '../kafka/event-consumer';
import { RetriableKafkaError } from '../kafka/kafka-errors';
import type { KafkaMetrics } from '../kafka/kafka-metrics';
import type { EventHandler, EventHandlers } from '../kafka/message-router';
import type { EventSerde } from '../kafka/serde/event-serde';
import { applyProjectionEventOnce, logPositionOf } from './projection-applier';
import { projectedEventOf, type Projection } from './projection-definition';

/** The consumer group a projection's live runner uses. */
export const projectionGroupId = (projection: Projection) =>
  `readmit.projection.${projection.name}`;

/**
 * Keeps a projection up to date with the log, exactly once per event (offset stored with the
 * change). A failing database stalls the projection, retried in place, rather than sending good
 * events to the dead-letter topic; undecodable messages are dead-lettered as everywhere else.
 */
export class ProjectionRunner {
  private readonly consumer: EventConsumer;

  constructor(
    private readonly projection: Projection,
    private readonly dataSource: DataSource,
    kafka: Kafka,
    serde: EventSerde,
    metrics: KafkaMetrics,
    private readonly logger: Logger,
    topicPrefix = '',
    readiness?: ReadinessRegistry,
  ) {
    this.consumer = new EventConsumer(kafka, serde, metrics, logger, {
      groupId: projectionGroupId(projection),
      topics: projection.topics,
      topicPrefix,
      readiness,
    });
  }

  async start(): Promise<void> {
    const handlers: Record<string, EventHandler<EventType, void>> = {};
    for (const eventType of this.projection.eventTypes) {
      handlers[eventType] = async (event, context) => {
        try {
          await applyProjectionEventOnce(
            this.dataSource,
            this.projection,
            projectedEventOf(eventType, event),
            logPositionOf(context),
          );
        } catch (error) {
          throw new RetriableKafkaError(
            `projection ${this.projection.name} could not apply ${context.eventType}: ${(error as Error).message}`,
            { cause: error },
          );
        }
      };
    }
    await this.consumer.start(handlers as EventHandlers);
    this.logger.info({ projection: this.projection.name }, 'projection runner started');
  }

  whenJoined(): Promise<void> {
    return this.consumer.whenJoined();
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
  }
}
