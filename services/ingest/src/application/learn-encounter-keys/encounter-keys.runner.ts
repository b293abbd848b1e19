import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { KAFKA_CLIENT, LOGGER, PLATFORM_CONFIG } from '@readmit/platform/bootstrap';
import { type PlatformConfig } from '@readmit/platform/config';
import { ReadinessRegistry } from '@readmit/platform/health';
import { EventSerde, FORGOTTEN_PATIENTS, KafkaMetrics } from '@readmit/platform/kafka';
import type { ForgottenPatientsFollower } from '@readmit/platform/privacy/sealing';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { EncounterKeysFollower } from '../../infrastructure/encounter-keys-follower';
import { forgetPatientKeys } from '../../infrastructure/postgres/encounter-keys-table';
import { forgetPatientHistory } from '../../infrastructure/postgres/patient-history-table';
import { INGEST_DATABASE } from '../../infrastructure/postgres/ingest-database';
import { ingestTablesOf } from '../../infrastructure/postgres/ingest-tables';

/**
 * Runs the encounter keys follower for the life of the service, and holds uploads back (and
 * `/ready` false) until it has read the encounters that were on the log at start-up.
 */
@Injectable()
export class EncounterKeysRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly follower: EncounterKeysFollower;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    @Inject(EventSerde) serde: EventSerde,
    @Inject(KafkaMetrics) metrics: KafkaMetrics,
    @Inject(LOGGER) logger: Logger,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(INGEST_DATABASE) database: DataSource,
    @Inject(ReadinessRegistry) readiness: ReadinessRegistry,
    @Inject(FORGOTTEN_PATIENTS) forgotten: ForgottenPatientsFollower | undefined,
  ) {
    this.follower = new EncounterKeysFollower(kafka, serde, database, metrics, logger, {
      groupId: 'readmit-ingest-encounter-keys',
      topicPrefix: config.kafka.topicPrefix,
      readiness,
    });
    // A forgotten patient's encounters and outcomes leave the keys table (a re-send is then new),
    // and their FHIR history (visits, medication orders) goes too.
    forgotten?.onForgotten(async (patient) => {
      const tables = ingestTablesOf(database);
      const rows = await forgetPatientKeys(database.manager, tables.keys, patient);
      const history = await forgetPatientHistory(database.manager, tables.history, patient);
      logger.info(
        { rows, history },
        'deleted the encounter keys and history of a forgotten patient',
      );
    });
    readiness.register('encounter-keys', async () => {
      if (!(await this.follower.isCaughtUp()))
        throw new Error('still reading the encounters already on the log');
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.follower.start();
  }

  /** Before the platform closes the database the follower writes to. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.follower.stop();
  }

  /** True once uploads can rely on the keys table; false when `timeoutMs` passes first. */
  whenCaughtUp(timeoutMs: number): Promise<boolean> {
    return this.follower.whenCaughtUp(timeoutMs);
  }
}
