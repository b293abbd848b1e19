import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { PlatformConfig } from '../config/platform-config';
import { HealthController } from '../health/health.controller';
import { ReadinessRegistry } from '../health/readiness';
import { createKafkaClient } from '../kafka/kafka-client.factory';
import { KafkaReadiness } from '../kafka/kafka-readiness';
import { createMetricsRegistry } from '../metrics/metrics-registry';
import { MetricsController } from '../metrics/metrics.controller';
import {
  KAFKA_CLIENT,
  LOGGER,
  METRICS_REGISTRY,
  PLATFORM_CONFIG,
  SERVICE_CONFIG,
} from './platform.tokens';

export interface PlatformModuleOptions {
  readonly config: PlatformConfig;
  /** The service's whole validated environment, for its own settings. */
  readonly serviceConfig: unknown;
  readonly logger: Logger;
}

/**
 * What every Readmit service gets: its validated config, a structured logger, a Prometheus
 * registry, a Kafka client, and the `/health`, `/ready` and `/metrics` endpoints.
 */
@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  constructor(@Inject(KafkaReadiness) private readonly kafkaReadiness: KafkaReadiness) {}

  static register(options: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: PLATFORM_CONFIG, useValue: options.config },
        { provide: SERVICE_CONFIG, useValue: options.serviceConfig },
        { provide: LOGGER, useValue: options.logger },
        { provide: METRICS_REGISTRY, useValue: createMetricsRegistry(options.config.service) },
        {
          provide: KAFKA_CLIENT,
          useFactory: () => createKafkaClient(options.config.kafka, options.logger),
        },
        {
          provide: KafkaReadiness,
          inject: [KAFKA_CLIENT],
          useFactory: (kafka: Kafka) => new KafkaReadiness(kafka),
        },
        {
          provide: ReadinessRegistry,
          inject: [KafkaReadiness],
          useFactory: (kafkaReadiness: KafkaReadiness) => {
            const registry = new ReadinessRegistry();
            registry.register('kafka', kafkaReadiness.check);
            return registry;
          },
        },
      ],
      exports: [
        PLATFORM_CONFIG,
        SERVICE_CONFIG,
        LOGGER,
        METRICS_REGISTRY,
        KAFKA_CLIENT,
        ReadinessRegistry,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.kafkaReadiness.close();
  }
}
