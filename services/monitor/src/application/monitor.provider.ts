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
import { EventPublisher, EventSerde, EventStreams, KafkaMetrics } from '@readmit/platform/kafka';
import { createObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { MonitorEnv } from '../monitor.config';
import { MonitorMetrics } from './monitor-metrics';
import { monitorConsumerOptions, MonitorRuntime } from './monitor-runtime';

/** The monitor under Nest: its runtime, its metrics and its `champion` readiness check. */
@Injectable()
export class MonitorProvider implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly metrics: MonitorMetrics;
  private readonly runtime: MonitorRuntime;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    @Inject(EventSerde) serde: EventSerde,
    @Inject(EventStreams) streams: EventStreams,
    @Inject(EventPublisher) publisher: EventPublisher,
    @Inject(LOGGER) logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(SERVICE_CONFIG) env: MonitorEnv,
    @Inject(ReadinessRegistry) readiness: ReadinessRegistry,
  ) {
    this.metrics = new MonitorMetrics(registry);
    const topicPrefix = config.kafka.topicPrefix;
    this.runtime = new MonitorRuntime({
      kafka,
      serde,
      // Created by the events module, which stops it (again, harmlessly) at shutdown.
      consumer: streams.consumer(monitorConsumerOptions(topicPrefix)),
      publisher,
      artifacts: new ModelArtifactStore(createObjectStore(config.objectStore)),
      logger,
      metrics: this.metrics,
      topicPrefix,
      env,
      readiness,
      kafkaMetrics: KafkaMetrics.for(registry),
    });
    readiness.register('champion', () => this.runtime.assertChampion());
  }

  onApplicationBootstrap(): Promise<void> {
    return this.runtime.start();
  }

  /** Resolves once the monitor consumes its topics (tests wait for it). */
  whenMonitoring(): Promise<void> {
    return this.runtime.whenMonitoring();
  }

  onApplicationShutdown(): Promise<void> {
    return this.runtime.stop();
  }
}
