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
  SERVICE_CONFIG,
} from '@readmit/platform/bootstrap';
import { type PlatformConfig } from '@readmit/platform/config';
import { ReadinessRegistry } from '@readmit/platform/health';
import { EventPublisher, EventSerde, KafkaMetrics } from '@readmit/platform/kafka';
import { PROJECTION_DATABASE } from '@readmit/platform/projections';
import { createObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { readRegistry } from '../infrastructure/registry-log';
import { promotionPolicyOf, type RegistryEnv } from '../registry.config';
import { ModelRegistry } from './model-registry';
import { RegistryMetrics } from './registry-metrics';
import { RegistryRunner } from './registry-runner';

export const REGISTRY_PRODUCER = 'registry@0.1.0';

/** The registry's write side for the controllers, and the policy loop for the life of the service. */
@Injectable()
export class ModelRegistryProvider implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly registry: ModelRegistry;
  private readonly runner: RegistryRunner;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    @Inject(EventSerde) serde: EventSerde,
    @Inject(KafkaMetrics) metrics: KafkaMetrics,
    @Inject(EventPublisher) publisher: EventPublisher,
    @Inject(LOGGER) logger: Logger,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(SERVICE_CONFIG) env: RegistryEnv,
    @Inject(PROJECTION_DATABASE) database: DataSource,
    @Inject(METRICS_REGISTRY) metricsRegistry: Registry,
    @Inject(ReadinessRegistry) readiness: ReadinessRegistry,
  ) {
    const topicPrefix = config.kafka.topicPrefix;
    this.registry = new ModelRegistry(
      () => readRegistry(kafka, serde, topicPrefix, metrics),
      publisher,
      new ModelArtifactStore(createObjectStore(config.objectStore)),
      database,
      logger,
      { topicPrefix, policy: promotionPolicyOf(env), producer: REGISTRY_PRODUCER },
      new RegistryMetrics(metricsRegistry),
    );
    this.runner = new RegistryRunner(kafka, serde, metrics, this.registry, logger, {
      groupId: 'readmit-registry',
      topicPrefix,
      readiness,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
