import { deadLetterTopicOf, TOPICS, topicName, type TopicDefinition } from '@readmit/contracts';
import { type ReadinessRegistry } from '@readmit/platform/health';
import {
  ActiveStandbyAssigner,
  assertTopicsExist,
  type EventConsumerOptions,
  type EventSerde,
  type KafkaMetrics,
} from '@readmit/platform/kafka';
import { type ModelArtifactStore } from '@readmit/platform/storage';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { driftThresholdsOf, windowSettingsOf, type MonitorEnv } from '../monitor.config';
import { ChampionReferenceFollower } from './champion-reference-follower';
import { DriftMonitor, type DriftPublisher } from './drift-monitor';
import type { MonitorMetrics } from './monitor-metrics';

export const MONITOR_PRODUCER = 'monitor@0.1.0';

/** What the monitor windows. */
export const MONITORED_TOPICS: readonly TopicDefinition[] = [
  TOPICS.encounters,
  TOPICS.predictions,
  TOPICS.outcomes,
];

/**
 * The monitor's consumer: one group per environment (the topic prefix names it), every
 * partition to one member, which alone sees every encounter and both halves of every
 * prediction-outcome pair; other instances stand by.
 */
export function monitorConsumerOptions(topicPrefix: string): EventConsumerOptions {
  return {
    groupId: `${topicPrefix}readmit-monitor`,
    topics: [...MONITORED_TOPICS],
    partitionAssigners: [ActiveStandbyAssigner],
  };
}

export interface MonitorDependencies {
  readonly kafka: Kafka;
  readonly serde: EventSerde;
  /** Consumes MONITORED_TOPICS with monitorConsumerOptions. */
  readonly consumer: ConstructorParameters<typeof DriftMonitor>[0] & { stop(): Promise<void> };
  readonly publisher: DriftPublisher;
  readonly artifacts: ModelArtifactStore;
  readonly logger: Logger;
  readonly metrics: MonitorMetrics;
  readonly topicPrefix: string;
  readonly env: MonitorEnv;
  /** Where the champion follower's consumer reports whether it runs. */
  readonly readiness?: ReadinessRegistry;
  /** Where the champion follower counts what it passes over. */
  readonly kafkaMetrics?: KafkaMetrics;
}

/**
 * The champion follower and the drift monitor it feeds, wired and started in that order: the
 * service's provider runs it under Nest, the benchmark runs it bare.
 */
export class MonitorRuntime {
  readonly follower: ChampionReferenceFollower;
  readonly monitor: DriftMonitor;
  private monitoring: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(private readonly dependencies: MonitorDependencies) {
    const { kafka, serde, consumer, publisher, artifacts, logger, metrics, topicPrefix, env } =
      dependencies;
    const modelName = env.READMIT_MODEL_NAME;
    // Each needs the other, lazily: the follower hands champions over, the monitor asks it for
    // holdout metrics; neither calls before start.
    this.follower = new ChampionReferenceFollower(
      kafka,
      serde,
      artifacts,
      logger,
      metrics,
      {
        modelName,
        topicPrefix,
        readiness: dependencies.readiness,
        kafkaMetrics: dependencies.kafkaMetrics,
      },
      (champion) => this.monitor.setChampion(champion),
    );
    this.monitor = new DriftMonitor(
      consumer,
      publisher,
      (version) => this.follower.holdoutOf(version),
      metrics,
      logger,
      {
        modelName,
        producer: MONITOR_PRODUCER,
        window: windowSettingsOf(env),
        maxPendingJoin: env.READMIT_DRIFT_JOIN_MAX_PENDING,
        thresholds: driftThresholdsOf(env),
      },
    );
  }

  async start(): Promise<void> {
    const { kafka, topicPrefix, logger } = this.dependencies;
    // Dead letters of the monitored topics and the registry's topics are not checked by the
    // events module (which checks what the service writes): name a missing one at start-up.
    await assertTopicsExist(
      kafka,
      [
        ...MONITORED_TOPICS,
        ...MONITORED_TOPICS.map(deadLetterTopicOf),
        TOPICS.models,
        TOPICS.training,
      ].map((topic) => topicName(topic, topicPrefix)),
    );
    await this.follower.start();
    // Traffic is windowed once the champion of the moment is known, which may take a moment.
    this.monitoring = this.follower
      .whenCaughtUp()
      .then(() => (this.stopping ? undefined : this.monitor.start()))
      .catch((error: unknown) =>
        logger.error({ reason: (error as Error).message }, 'drift monitoring stopped'),
      );
  }

  /** Resolves once the monitor consumes its topics (tests and benchmarks wait for it). */
  whenMonitoring(): Promise<void> {
    return this.monitoring.then(() => this.monitor.whenJoined());
  }

  /** The `champion` readiness check: throws while there is no champion to monitor. */
  async assertChampion(): Promise<void> {
    if (!this.follower.isCaughtUp) throw new Error("reading the registry's decisions on ml.models");
    if (!this.monitor.monitoredVersion)
      throw new Error(
        `no champion of ${this.dependencies.env.READMIT_MODEL_NAME} yet: traffic is counted and dropped (${this.monitor.droppedBeforeChampion} so far)`,
      );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.follower.stop();
    // Before the catch-up the monitor never starts; after it, let its start finish first.
    if (this.follower.isCaughtUp) await this.monitoring;
    await this.dependencies.consumer.stop();
  }
}
