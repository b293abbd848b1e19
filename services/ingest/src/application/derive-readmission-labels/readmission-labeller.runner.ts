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
import { EventSerde, KafkaMetrics } from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { labellingPolicy } from '../../domain/readmission-labels/labelling-policy';
import { ReadmissionLabelMetrics } from '../../infrastructure/readmission-label-metrics';
import { ReadmissionLabellerConsumer } from '../../infrastructure/readmission-labeller-consumer';
import type { IngestEnv } from '../../ingest.config';

/**
 * Runs the readmission labeller for the life of the service, unless READMIT_LABELLER is false.
 * One per deployment: its transactional id is the same in every instance, so a second one
 * started fences the first rather than labelling beside it (docs/ingest.md).
 */
@Injectable()
export class ReadmissionLabellerRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly labeller: ReadmissionLabellerConsumer | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    @Inject(EventSerde) serde: EventSerde,
    @Inject(KafkaMetrics) metrics: KafkaMetrics,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(SERVICE_CONFIG) env: IngestEnv,
    @Inject(ReadinessRegistry) readiness: ReadinessRegistry,
  ) {
    if (!env.READMIT_LABELLER) return;
    this.labeller = new ReadmissionLabellerConsumer(
      kafka,
      serde,
      metrics,
      new ReadmissionLabelMetrics(registry),
      logger,
      {
        groupId: 'readmit-ingest-readmission-labeller',
        transactionalId: 'readmit-ingest-readmission-labeller',
        policy: labellingPolicy(
          env.READMIT_LABEL_HORIZON_DAYS,
          env.READMIT_LABEL_ALLOWED_LATENESS_HOURS,
        ),
        topicPrefix: config.kafka.topicPrefix,
        producer: 'ingest@0.1.0',
        readiness,
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.labeller) {
      this.logger.info('readmission labeller disabled (READMIT_LABELLER=false)');
      return;
    }
    await this.labeller.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.labeller?.stop();
  }
}
