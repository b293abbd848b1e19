import { TOPICS } from '@readmit/contracts';
import { type ReadinessRegistry } from '@readmit/platform/health';
import {
  EventConsumer,
  RetriableKafkaError,
  type EventSerde,
  type KafkaMetrics,
} from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ModelRegistry } from './model-registry';

/**
 * Feeds each TrainingCompleted to the promotion policy. At least once: a redelivered completion
 * finds its version already decided and changes nothing. A decision that cannot be made now
 * (Kafka or Postgres unavailable) is retried in place, never dead-lettered.
 */
export class RegistryRunner {
  private readonly consumer: EventConsumer;

  constructor(
    kafka: Kafka,
    serde: EventSerde,
    metrics: KafkaMetrics,
    private readonly registry: ModelRegistry,
    private readonly logger: Logger,
    options: {
      readonly groupId: string;
      readonly topicPrefix: string;
      /** `/ready` is false while the consumer is out of its group. */
      readonly readiness?: ReadinessRegistry;
    },
  ) {
    this.consumer = new EventConsumer(kafka, serde, metrics, logger, {
      groupId: options.groupId,
      topics: [TOPICS.training],
      topicPrefix: options.topicPrefix,
      readiness: options.readiness,
    });
  }

  async start(): Promise<void> {
    await this.consumer.start({
      TrainingCompleted: async (training) => {
        try {
          const outcome = await this.registry.decideOnTraining(training);
          if (outcome.kind === 'unchanged')
            this.logger.info(
              {
                modelName: training.modelName,
                version: training.modelVersion,
                reason: outcome.reason,
              },
              'training completion already decided',
            );
        } catch (error) {
          throw new RetriableKafkaError(
            `deciding on ${training.modelName} ${training.modelVersion}: ${(error as Error).message}`,
            { cause: error },
          );
        }
      },
    });
  }

  whenJoined(): Promise<void> {
    return this.consumer.whenJoined();
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
  }
}
