import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { PlatformConfig } from '../config/platform-config';
import { ReadinessRegistry } from '../health/readiness';
import { KafkaMetrics } from '../kafka/kafka-metrics';
import { EventSerde } from '../kafka/serde/event-serde';
import { KAFKA_CLIENT, LOGGER, PLATFORM_CONFIG } from '../bootstrap/platform.tokens';
import type { Projection } from './projection-definition';
import { openProjectionDatabase } from './projection-database';
import { ProjectionRunner } from './projection-runner';

/** The service's projection database (typeorm DataSource), for queries. */
export const PROJECTION_DATABASE = Symbol('PROJECTION_DATABASE');
const PROJECTIONS = Symbol('PROJECTIONS');

/**
 * Keeps the service's projections live in Postgres while it runs: opens the database (tables
 * follow the entities), runs one ProjectionRunner per projection, reports the database in
 * /ready, and stops the runners before closing the database. Needs EventsModule.
 */
@Global()
@Module({})
export class ProjectionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private runners: ProjectionRunner[] = [];

  constructor(
    @Inject(PROJECTIONS) private readonly projections: readonly Projection[],
    @Inject(PROJECTION_DATABASE) private readonly dataSource: DataSource,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(EventSerde) private readonly serde: EventSerde,
    @Inject(KafkaMetrics) private readonly metrics: KafkaMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(ReadinessRegistry) private readonly readiness: ReadinessRegistry,
  ) {
    readiness.register('postgres', async () => {
      await this.dataSource.query('SELECT 1');
    });
  }

  static register(options: { projections: readonly Projection[] }): DynamicModule {
    return {
      module: ProjectionsModule,
      providers: [
        { provide: PROJECTIONS, useValue: options.projections },
        {
          provide: PROJECTION_DATABASE,
          inject: [PLATFORM_CONFIG],
          useFactory: (config: PlatformConfig) =>
            openProjectionDatabase(config.databaseUrl, config.databaseSchema, options.projections),
        },
      ],
      exports: [PROJECTION_DATABASE],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    this.runners = this.projections.map(
      (projection) =>
        new ProjectionRunner(
          projection,
          this.dataSource,
          this.kafka,
          this.serde,
          this.metrics,
          this.logger,
          this.config.kafka.topicPrefix,
          this.readiness,
        ),
    );
    await Promise.all(this.runners.map((runner) => runner.start()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
    await this.dataSource.destroy();
  }
}
