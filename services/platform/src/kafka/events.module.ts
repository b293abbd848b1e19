import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { EVENT_TYPES, TOPICS, topicName, topicOf, type EventType } from '@readmit/contracts';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ReadinessRegistry } from '../health/readiness';
import {
  KAFKA_CLIENT,
  LOGGER,
  METRICS_REGISTRY,
  PLATFORM_CONFIG,
} from '../bootstrap/platform.tokens';
import type { PlatformConfig } from '../config/platform-config';
import { EventConsumer, type EventConsumerOptions } from './event-consumer';
import { EventPublisher } from './event-publisher';
import { KafkaMetrics } from './kafka-metrics';
import { EventSerde, registryAuthHeaders } from './serde/event-serde';
import { ForgottenPatientsFollower } from '../privacy/sealing/forgotten-patients-follower';
import { patientSealingFromEnv, type PatientSealing } from '../privacy/sealing/sealer-from-env';
import { assertTopicsExist } from './topic-provisioner';
import {
  TransactionalProcessor,
  type TransactionalProcessorOptions,
} from './transactional-processor';

const EVENTS_MODULE_OPTIONS = Symbol('EVENTS_MODULE_OPTIONS');

/** The patient sealing of the service (PatientSealing), undefined when READMIT_KEK is not set. */
export const PATIENT_SEALING = Symbol('PATIENT_SEALING');

/**
 * The service's ForgottenPatientsFollower, undefined when READMIT_KEK is not set: services that
 * keep rows about patients add a listener to drop them on a forget.
 */
export const FORGOTTEN_PATIENTS = Symbol('FORGOTTEN_PATIENTS');

export interface EventsModuleOptions {
  /** The event types this service writes; their schemas are registered at start-up. */
  readonly produces: readonly EventType[];
}

/**
 * Creates consumers and transactional processors wired to the service's serde, metrics and
 * logger, and stops every one of them, gracefully, when the application shuts down.
 */
export class EventStreams {
  private readonly stoppables: Array<{ stop(): Promise<void> }> = [];

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly metrics: KafkaMetrics,
    private readonly logger: Logger,
    private readonly topicPrefix: string,
    /** Consumers and processors made here count in `/ready` while they run. */
    private readonly readiness?: ReadinessRegistry,
  ) {}

  consumer(options: Omit<EventConsumerOptions, 'topicPrefix'>): EventConsumer {
    const consumer = new EventConsumer(this.kafka, this.serde, this.metrics, this.logger, {
      readiness: this.readiness,
      ...options,
      topicPrefix: this.topicPrefix,
    });
    this.stoppables.push(consumer);
    return consumer;
  }

  processor(options: Omit<TransactionalProcessorOptions, 'topicPrefix'>): TransactionalProcessor {
    const processor = new TransactionalProcessor(
      this.kafka,
      this.serde,
      this.metrics,
      this.logger,
      {
        readiness: this.readiness,
        ...options,
        topicPrefix: this.topicPrefix,
      },
    );
    this.stoppables.push(processor);
    return processor;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.stoppables.map((stoppable) => stoppable.stop()));
  }
}

/** Typed Avro events on Kafka for a service: serde, publisher, consumers, processors. */
@Global()
@Module({})
export class EventsModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(EventSerde) private readonly serde: EventSerde,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(EventStreams) private readonly streams: EventStreams,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(EVENTS_MODULE_OPTIONS) private readonly options: EventsModuleOptions,
    @Inject(PATIENT_SEALING) private readonly sealing: PatientSealing | undefined,
    @Inject(FORGOTTEN_PATIENTS)
    private readonly forgotten: ForgottenPatientsFollower | undefined,
  ) {}

  static register(options: EventsModuleOptions): DynamicModule {
    return {
      module: EventsModule,
      providers: [
        { provide: EVENTS_MODULE_OPTIONS, useValue: options },
        {
          provide: PATIENT_SEALING,
          inject: [PLATFORM_CONFIG],
          // Undefined unless READMIT_KEK names a key-encryption key.
          useFactory: (config: PlatformConfig) => patientSealingFromEnv(config.kek, config),
        },
        {
          provide: FORGOTTEN_PATIENTS,
          inject: [
            KAFKA_CLIENT,
            EventSerde,
            LOGGER,
            PLATFORM_CONFIG,
            KafkaMetrics,
            PATIENT_SEALING,
          ],
          useFactory: (
            kafka: Kafka,
            serde: EventSerde,
            logger: Logger,
            config: PlatformConfig,
            metrics: KafkaMetrics,
            sealing: PatientSealing | undefined,
          ) =>
            sealing
              ? new ForgottenPatientsFollower(kafka, serde, logger, {
                  keys: sealing.sealer.keys,
                  topicPrefix: config.kafka.topicPrefix,
                  groupId: `${config.kafka.topicPrefix}readmit-${config.service}.forgotten-patients`,
                  metrics,
                })
              : undefined,
        },
        {
          provide: EventSerde,
          inject: [PLATFORM_CONFIG, PATIENT_SEALING],
          useFactory: (config: PlatformConfig, sealing: PatientSealing | undefined) =>
            EventSerde.create(config.schemaRegistryUrl, {
              topicPrefix: config.kafka.topicPrefix,
              sealer: sealing?.sealer,
              registryAuth: config.schemaRegistryAuth,
            }),
        },
        {
          provide: KafkaMetrics,
          inject: [METRICS_REGISTRY],
          useFactory: (registry: Registry) => KafkaMetrics.for(registry),
        },
        {
          provide: EventPublisher,
          inject: [KAFKA_CLIENT, EventSerde, KafkaMetrics, LOGGER, PLATFORM_CONFIG],
          useFactory: (
            kafka: Kafka,
            serde: EventSerde,
            metrics: KafkaMetrics,
            logger: Logger,
            config: PlatformConfig,
          ) => new EventPublisher(kafka, serde, metrics, logger, config.kafka.topicPrefix),
        },
        {
          provide: EventStreams,
          inject: [
            KAFKA_CLIENT,
            EventSerde,
            KafkaMetrics,
            LOGGER,
            PLATFORM_CONFIG,
            ReadinessRegistry,
          ],
          useFactory: (
            kafka: Kafka,
            serde: EventSerde,
            metrics: KafkaMetrics,
            logger: Logger,
            config: PlatformConfig,
            readiness: ReadinessRegistry,
          ) => {
            readiness.register('schema-registry', async () => {
              const response = await fetch(`${config.schemaRegistryUrl}/subjects`, {
                headers: registryAuthHeaders(config.schemaRegistryAuth),
                signal: AbortSignal.timeout(1_500),
              });
              if (!response.ok) throw new Error(`schema registry answered HTTP ${response.status}`);
            });
            return new EventStreams(
              kafka,
              serde,
              metrics,
              logger,
              config.kafka.topicPrefix,
              readiness,
            );
          },
        },
      ],
      exports: [
        EventSerde,
        EventPublisher,
        EventStreams,
        KafkaMetrics,
        PATIENT_SEALING,
        FORGOTTEN_PATIENTS,
      ],
    };
  }

  /** Schemas first: an incompatible contract stops the service before it produces anything. */
  async onModuleInit(): Promise<void> {
    const produces = this.options.produces.length > 0 ? this.options.produces : EVENT_TYPES;
    // Producers retry without limit: a missing topic would hang the first publish, so say it now.
    await assertTopicsExist(this.kafka, [
      ...new Set(
        produces.map((eventType) => topicName(topicOf(eventType), this.config.kafka.topicPrefix)),
      ),
    ]);
    await this.serde.register(produces);
  }

  /** After every module's init, so that their listeners hear the forgets already on the log. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.forgotten) return;
    await assertTopicsExist(this.kafka, [
      topicName(TOPICS.forgotten, this.config.kafka.topicPrefix),
    ]);
    await this.forgotten.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.streams.stopAll();
    await this.forgotten?.stop();
    await this.publisher.disconnect();
    await this.sealing?.close();
  }
}
