import {
  Global,
  Inject,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { TOPICS, topicName } from '@readmit/contracts';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import {
  KAFKA_CLIENT,
  LOGGER,
  METRICS_REGISTRY,
  PLATFORM_CONFIG,
} from '../bootstrap/platform.tokens';
import type { PlatformConfig } from '../config/platform-config';
import { EventPublisher } from '../kafka/event-publisher';
import { KafkaMetrics } from '../kafka/kafka-metrics';
import { EventSerde } from '../kafka/serde/event-serde';
import { assertTopicsExist } from '../kafka/topic-provisioner';
import { registeredControllers, routesOf } from '../auth/route-table';
import { isAudited } from './audit-record';
import { AuditTrail } from './audit-trail';

/** The audit trail's own publisher: services that publish no events of their own have none. */
const AUDIT_PUBLISHER = Symbol('AUDIT_PUBLISHER');
const AUDIT_SERDE = Symbol('AUDIT_SERDE');

/**
 * Every service's audit trail (readmit.audit). A service with a state-changing route starts only
 * once the trail's schema is registered and its topic exists, so it never answers a request it
 * could not record; one whose routes only read (trainer, monitor, scoring) records nothing.
 */
@Global()
@Module({
  providers: [
    {
      provide: AUDIT_SERDE,
      inject: [PLATFORM_CONFIG],
      useFactory: (config: PlatformConfig) =>
        EventSerde.create(config.schemaRegistryUrl, {
          topicPrefix: config.kafka.topicPrefix,
          registryAuth: config.schemaRegistryAuth,
        }),
    },
    {
      provide: AUDIT_PUBLISHER,
      inject: [KAFKA_CLIENT, AUDIT_SERDE, METRICS_REGISTRY, LOGGER, PLATFORM_CONFIG],
      useFactory: (
        kafka: Kafka,
        serde: EventSerde,
        registry: Registry,
        logger: Logger,
        config: PlatformConfig,
      ) =>
        new EventPublisher(
          kafka,
          serde,
          KafkaMetrics.for(registry),
          logger,
          config.kafka.topicPrefix,
        ),
    },
    {
      provide: AuditTrail,
      inject: [AUDIT_PUBLISHER, LOGGER, METRICS_REGISTRY, PLATFORM_CONFIG],
      useFactory: (
        publisher: EventPublisher,
        logger: Logger,
        registry: Registry,
        config: PlatformConfig,
      ) => new AuditTrail(publisher, logger, registry, `${config.service}@0.1.0`),
    },
  ],
  exports: [AuditTrail],
})
export class AuditModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(AUDIT_SERDE) private readonly serde: EventSerde,
    @Inject(AUDIT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(AuditTrail) private readonly trail: AuditTrail,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(ModulesContainer) private readonly modules: ModulesContainer,
  ) {}

  async onModuleInit(): Promise<void> {
    const routes = routesOf(registeredControllers(this.modules));
    if (!routes.some((route) => isAudited(route.method))) return;
    await assertTopicsExist(this.kafka, [topicName(TOPICS.audit, this.config.kafka.topicPrefix)]);
    await this.serde.register(['AuditRecorded']);
    this.trail.enable();
  }

  /** Records of the last requests are written before the producer goes. */
  async onApplicationShutdown(): Promise<void> {
    await this.trail.flush();
    await this.publisher.disconnect();
  }
}
