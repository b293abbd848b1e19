import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { TOPICS, topicName } from '@readmit/contracts';
import {
  KAFKA_CLIENT,
  LOGGER,
  METRICS_REGISTRY,
  PLATFORM_CONFIG,
  SERVICE_CONFIG,
} from '@readmit/platform/bootstrap';
import { type PlatformConfig } from '@readmit/platform/config';
import { ReadinessRegistry } from '@readmit/platform/health';
import {
  assertTopicsExist,
  EventPublisher,
  EventSerde,
  FORGOTTEN_PATIENTS,
  KafkaMetrics,
} from '@readmit/platform/kafka';
import type { ForgottenPatientsFollower } from '@readmit/platform/privacy/sealing';
import { createObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { BackfillEnv } from '../backfill.config';
import { BackfillCoordinator } from './backfill-coordinator';
import { PredictionTable } from '../infrastructure/prediction-table';
import { BackfillMetrics } from './backfill-metrics';

export const BACKFILL_PRODUCER = 'backfill@0.1.0';

/** The coordinator that runs the backfills ml.backfills asks for. */
@Injectable()
export class BackfillProvider implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly coordinator: BackfillCoordinator;
  private readonly topicPrefix: string;
  private readonly table: PredictionTable;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(EventSerde) private readonly serde: EventSerde,
    @Inject(EventPublisher) publisher: EventPublisher,
    @Inject(LOGGER) logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(SERVICE_CONFIG) env: BackfillEnv,
    @Inject(ReadinessRegistry) readiness: ReadinessRegistry,
    @Inject(FORGOTTEN_PATIENTS) forgotten: ForgottenPatientsFollower | undefined,
  ) {
    this.topicPrefix = config.kafka.topicPrefix;
    this.table = new PredictionTable({
      databaseUrl: config.databaseUrl,
      schema: config.databaseSchema,
    });
    // A forgotten patient's rows leave the TABLE target of every backfill.
    forgotten?.onForgotten(async (patient) => {
      const rows = await this.table.forgetPatient(patient);
      logger.info({ rows }, 'deleted the backfill predictions of a forgotten patient');
    });
    this.coordinator = new BackfillCoordinator(
      kafka,
      serde,
      publisher,
      new ModelArtifactStore(createObjectStore(config.objectStore)),
      logger,
      new BackfillMetrics(registry),
      {
        topicPrefix: config.kafka.topicPrefix,
        modelName: env.READMIT_MODEL_NAME,
        producer: BACKFILL_PRODUCER,
        chunkSize: env.READMIT_BACKFILL_CHUNK,
        defaultMaxRatePerSecond:
          env.READMIT_BACKFILL_MAX_RATE > 0 ? env.READMIT_BACKFILL_MAX_RATE : null,
        transactionTimeoutMs: env.READMIT_BACKFILL_TRANSACTION_TIMEOUT_MS,
        maxAttempts: env.READMIT_BACKFILL_MAX_ATTEMPTS,
        brokers: config.kafka.brokers,
        security: config.kafka.security,
        kafkaLogLevel: config.logLevel,
        // Connects only when a request asks for the TABLE target.
        table: this.table,
        readiness,
        metrics: KafkaMetrics.for(registry),
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    // Backfill predictions have a topic of their own, which the events module does not check.
    await assertTopicsExist(this.kafka, [
      topicName(TOPICS.backfillPredictions, this.topicPrefix),
      topicName(TOPICS.encounters, this.topicPrefix),
    ]);
    await this.serde.register(['PredictionMade']);
    await this.coordinator.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.coordinator.stop();
    await this.table.close();
  }
}
