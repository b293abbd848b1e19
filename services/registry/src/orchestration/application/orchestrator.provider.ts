import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
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
import { EventPublisher, EventSerde } from '@readmit/platform/kafka';
import { advisoryLockName, SessionAdvisoryLock } from '@readmit/platform/database/advisory-locks';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { orchestratorSettingsOf, type RegistryEnv } from '../../registry.config';
import { orchestratorMetrics } from './orchestrator-metrics';
import { RetrainingOrchestrator } from './retraining-orchestrator';

export const ORCHESTRATOR_PRODUCER = 'registry-orchestrator@0.1.0';

/** The retraining orchestrator for the life of the service, unless switched off. */
@Injectable()
export class RetrainingOrchestratorProvider
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  /** Null when READMIT_ORCHESTRATOR_ENABLED is false. */
  readonly orchestrator: RetrainingOrchestrator | null;
  readonly modelName: string;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    @Inject(EventSerde) serde: EventSerde,
    @Inject(EventPublisher) publisher: EventPublisher,
    @Inject(LOGGER) logger: Logger,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(SERVICE_CONFIG) env: RegistryEnv,
    @Inject(METRICS_REGISTRY) metrics: Registry,
    @Inject(ReadinessRegistry) readiness: ReadinessRegistry,
  ) {
    const settings = orchestratorSettingsOf(env);
    const topicPrefix = config.kafka.topicPrefix;
    this.modelName = settings.modelName;
    if (!settings.enabled) {
      this.orchestrator = null;
      logger.info('retraining orchestrator disabled (READMIT_ORCHESTRATOR_ENABLED=false)');
      return;
    }
    this.orchestrator = new RetrainingOrchestrator(
      kafka,
      serde,
      publisher,
      new SessionAdvisoryLock(
        config.databaseUrl,
        advisoryLockName('orchestrator', `${topicPrefix}${settings.modelName}`),
      ),
      logger,
      orchestratorMetrics(metrics),
      { ...settings, topicPrefix, producer: ORCHESTRATOR_PRODUCER },
    );
    const orchestrator = this.orchestrator;
    readiness.register('retraining-orchestrator', () => orchestrator.readiness());
  }

  onApplicationBootstrap(): void {
    this.orchestrator?.start();
  }

  /** Before the publisher and Kafka clients shut down, so a request in hand still lands. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.orchestrator?.stop();
  }
}
