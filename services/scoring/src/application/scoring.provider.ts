import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { RPC_TOPICS, TOPICS, topicName } from '@readmit/contracts';
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
  environmentScoped,
  EventSerde,
  KafkaMetrics,
} from '@readmit/platform/kafka';
import { createObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ScoringEnv } from '../scoring.config';
import { ModelFollower } from './model-follower';
import { PredictionServer } from './prediction-server';
import { ScoringMetrics } from './scoring-metrics';
import { ServingModels } from './serving-models';
import { StreamScorer } from './stream-scorer';

export const SCORING_PRODUCER = 'scoring@0.1.0';

/** The served models, the follower that keeps them current, and the stream scorer. */
@Injectable()
export class ScoringProvider implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly models = new ServingModels();
  private readonly follower: ModelFollower;
  private readonly scorer: StreamScorer;
  private readonly server: PredictionServer;
  private scoring: Promise<void> = Promise.resolve();
  private readonly topicPrefix: string;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(EventSerde) serde: EventSerde,
    @Inject(KafkaMetrics) metrics: KafkaMetrics,
    @Inject(EventPublisher) publisher: EventPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(SERVICE_CONFIG) env: ScoringEnv,
    @Inject(ReadinessRegistry) readiness: ReadinessRegistry,
  ) {
    this.topicPrefix = config.kafka.topicPrefix;
    const artifacts = new ModelArtifactStore(createObjectStore(config.objectStore));
    this.follower = new ModelFollower(kafka, serde, artifacts, this.models, logger, registry, {
      modelName: env.READMIT_MODEL_NAME,
      topicPrefix: config.kafka.topicPrefix,
      instanceId: env.READMIT_INSTANCE_ID,
      readiness,
    });
    const scoringMetrics = new ScoringMetrics(registry);
    this.scorer = new StreamScorer(kafka, serde, metrics, this.models, logger, scoringMetrics, {
      groupId: 'readmit-scoring',
      transactionalId: `readmit-scoring-${env.READMIT_INSTANCE_ID}`,
      // The instance id is already stable and unique (the transactional id needs it to be).
      groupInstanceId: `readmit-scoring-${env.READMIT_INSTANCE_ID}`,
      sessionTimeoutMs: env.READMIT_SCORING_SESSION_TIMEOUT_MS,
      topicPrefix: config.kafka.topicPrefix,
      batchSize: env.READMIT_SCORING_BATCH,
      producer: SCORING_PRODUCER,
      readiness,
    });
    this.server = new PredictionServer(this.models, publisher, logger, scoringMetrics, {
      brokers: config.kafka.brokers,
      security: config.kafka.security,
      topicPrefix: config.kafka.topicPrefix,
      groupId: environmentScoped(config.kafka.topicPrefix, 'readmit-scoring-rpc'),
      clientId: `${config.kafka.clientId}-rpc`,
      producer: SCORING_PRODUCER,
      topContributions: env.READMIT_TOP_CONTRIBUTIONS,
    });
    readiness.register('prediction-requests', async () => this.server.assertConsuming());
    readiness.register('champion', async () => {
      if (!this.models.snapshot().champion)
        throw new Error(`no champion of ${env.READMIT_MODEL_NAME} yet: encounters wait in the log`);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // Shadow predictions and requests have topics of their own, which the events module does
    // not check; a missing one is named at start-up rather than failing on first use.
    await assertTopicsExist(
      this.kafka,
      [TOPICS.shadowPredictions, RPC_TOPICS.scoringRequests, RPC_TOPICS.scoringReplies].map(
        (topic) => topicName(topic, this.topicPrefix),
      ),
    );
    await this.follower.start();
    await this.server.start();
    // Scoring starts when a champion serves, which may be long after start-up.
    this.scoring = this.scorer
      .start()
      .catch((error: unknown) =>
        this.logger.error({ reason: (error as Error).message }, 'stream scoring stopped'),
      );
  }

  whenScoring(): Promise<void> {
    return this.scoring.then(() => this.scorer.whenJoined());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.stop();
    await this.scorer.stop();
    await this.scoring;
    await this.follower.stop();
    await this.models.close();
  }
}
