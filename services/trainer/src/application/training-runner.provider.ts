import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  KAFKA_CLIENT,
  LOGGER,
  METRICS_REGISTRY,
  PLATFORM_CONFIG,
} from '@readmit/platform/bootstrap';
import { type PlatformConfig } from '@readmit/platform/config';
import { ReadinessRegistry } from '@readmit/platform/health';
import { EventPublisher, EventSerde, KafkaMetrics } from '@readmit/platform/kafka';
import {
  createObjectStore,
  DatasetStore,
  ModelArtifactStore,
  S3ObjectStore,
} from '@readmit/platform/storage';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { TrainingRunner } from './training-runner';

/** Runs the training loop for the life of the service. */
@Injectable()
export class TrainingRunnerProvider implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: TrainingRunner;
  private readonly store: ReturnType<typeof createObjectStore>;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    @Inject(EventSerde) serde: EventSerde,
    @Inject(KafkaMetrics) metrics: KafkaMetrics,
    @Inject(EventPublisher) publisher: EventPublisher,
    @Inject(LOGGER) logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(ReadinessRegistry) readiness: ReadinessRegistry,
  ) {
    this.store = createObjectStore(config.objectStore);
    this.runner = new TrainingRunner(
      kafka,
      serde,
      metrics,
      publisher,
      new ModelArtifactStore(this.store),
      logger,
      registry,
      {
        groupId: 'readmit-trainer',
        topicPrefix: config.kafka.topicPrefix,
        producer: 'trainer@0.1.0',
        readiness,
        datasets: new DatasetStore(this.store),
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.store instanceof S3ObjectStore) await this.store.ensureBucket();
    await this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
