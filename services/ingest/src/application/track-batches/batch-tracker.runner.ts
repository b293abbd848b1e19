import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { KAFKA_CLIENT, LOGGER, PLATFORM_CONFIG, SERVICE_CONFIG } from '@readmit/platform/bootstrap';
import { type PlatformConfig } from '@readmit/platform/config';
import { ReadinessRegistry } from '@readmit/platform/health';
import { EventSerde, KafkaMetrics } from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { BatchTracker } from '../../infrastructure/batch-tracker';
import type { IngestEnv } from '../../ingest.config';

/** Runs the batch tracker for the life of the service. */
@Injectable()
export class BatchTrackerRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly tracker: BatchTracker;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    @Inject(EventSerde) serde: EventSerde,
    @Inject(KafkaMetrics) metrics: KafkaMetrics,
    @Inject(LOGGER) logger: Logger,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(SERVICE_CONFIG) env: IngestEnv,
    @Inject(ReadinessRegistry) readiness: ReadinessRegistry,
  ) {
    this.tracker = new BatchTracker(kafka, serde, metrics, logger, {
      groupId: 'readmit-ingest-batch-tracker',
      transactionalId: `readmit-ingest-batch-tracker-${env.READMIT_INSTANCE_ID}`,
      policy: {
        labelsPerBatch: env.READMIT_BATCH_LABELS,
        windowMs: env.READMIT_BATCH_WINDOW_SECONDS * 1000,
      },
      topicPrefix: config.kafka.topicPrefix,
      producer: 'ingest@0.1.0',
      readiness,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.tracker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tracker.stop();
  }
}
