import type { ServedModel, ServedModels } from '@readmit/ml';
import { type ReadinessRegistry } from '@readmit/platform/health';
import { KafkaMetrics, type EventSerde } from '@readmit/platform/kafka';
import { type ModelArtifactStore } from '@readmit/platform/storage';
import { ChampionFollower, loadModel, type LoadedModel } from '@readmit/platform/serving';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ModelFollowerMetrics } from './scoring-metrics';
import type { ServingModels, ServingRole } from './serving-models';

export interface ModelFollowerOptions {
  readonly modelName: string;
  readonly topicPrefix: string;
  /** Names this instance's private consumer group on ml.models. */
  readonly instanceId: string;
  /** `/ready` is false while the follower's consumer is down: promotions would go unseen. */
  readonly readiness?: ReadinessRegistry;
}

/**
 * Keeps the served champion and challenger current: the champion follower reads the registry's
 * decisions on ml.models (every instance all of them, from the beginning; history folded without
 * loading until caught up, so only the versions serving then are loaded); on a change it loads
 * the new version (artifact verified, session warmed) and swaps it in. A version that cannot
 * serve is refused and the one serving stays.
 */
export class ModelFollower {
  private readonly follower: ChampionFollower;
  private readonly metrics: ModelFollowerMetrics;

  constructor(
    kafka: Kafka,
    serde: EventSerde,
    private readonly artifacts: ModelArtifactStore,
    private readonly models: ServingModels,
    private readonly logger: Logger,
    metrics: Registry,
    private readonly options: ModelFollowerOptions,
  ) {
    this.metrics = new ModelFollowerMetrics(metrics);
    this.follower = new ChampionFollower(kafka, serde, logger, {
      name: 'scoring-model-follower',
      groupId: `readmit.scoring.models.${options.instanceId}`,
      modelName: options.modelName,
      topicPrefix: options.topicPrefix,
      readiness: options.readiness,
      metrics: KafkaMetrics.for(metrics),
    });
    this.follower.onChange((served) => this.sync(served));
  }

  async start(): Promise<void> {
    await this.follower.start();
    void this.follower.whenCaughtUp().then(() => {
      const { champion, challenger } = this.models.snapshot();
      this.logger.info(
        { champion: champion?.version ?? null, challenger: challenger?.version ?? null },
        champion ? 'serving' : 'no champion yet: encounters wait in the log until one is promoted',
      );
    });
  }

  /** Makes the served models match the registry's pointers. */
  private async sync(target: ServedModels): Promise<void> {
    const current = this.models.snapshot();
    // A challenger promoted to champion is already loaded: move it rather than load it again.
    const reuse = (served: ServedModel | null): LoadedModel | null | undefined => {
      if (!served) return null;
      for (const loaded of [current.champion, current.challenger])
        if (loaded?.version === served.version && loaded.artifactSha256 === served.artifactSha256)
          // The same session, at the threshold of the decision that serves it now.
          return loaded.threshold === served.threshold
            ? loaded
            : { ...loaded, threshold: served.threshold };
      return undefined;
    };
    for (const role of ['champion', 'challenger'] as const) {
      const served = target[role];
      const reused = reuse(served);
      if (reused !== undefined) {
        this.put(role, reused);
        continue;
      }
      try {
        this.put(
          role,
          await loadModel(this.options.modelName, served as ServedModel, this.artifacts),
        );
        this.metrics.loads.inc({ outcome: 'loaded' });
      } catch (error) {
        this.metrics.loads.inc({ outcome: 'refused' });
        this.logger.error(
          {
            role,
            version: served?.version,
            keeps: this.models.snapshot()[role]?.version ?? null,
            reason: (error as Error).message,
          },
          'model refused: the serving one stays',
        );
      }
    }
  }

  private put(role: ServingRole, model: LoadedModel | null): void {
    const before = this.models.snapshot()[role];
    if (before === model) return;
    this.models.replace(role, model);
    this.metrics.serving.reset();
    const now = this.models.snapshot();
    for (const each of ['champion', 'challenger'] as const) {
      const version = now[each]?.version;
      if (version) this.metrics.serving.set({ role: each, version }, 1);
    }
    this.logger.info(
      { role, from: before?.version ?? null, to: model?.version ?? null },
      'model swapped',
    );
  }

  async stop(): Promise<void> {
    await this.follower.stop();
  }
}
