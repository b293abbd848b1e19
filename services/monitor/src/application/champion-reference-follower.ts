import type { HoldoutMetrics } from '@readmit/ml';
import type { ReadinessRegistry } from '@readmit/platform/health';
import type { EventSerde, KafkaMetrics } from '@readmit/platform/kafka';
import type { ModelArtifactStore } from '@readmit/platform/storage';
import { ChampionFollower } from '@readmit/platform/serving';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import {
  loadMonitoredChampion,
  type MonitoredChampion,
} from '../infrastructure/champion-reference';
import type { MonitorMetrics } from './monitor-metrics';

export interface ChampionReferenceFollowerOptions {
  readonly modelName: string;
  readonly topicPrefix: string;
  /** `/ready` is false while the follower's consumer is down: a new champion would go unseen. */
  readonly readiness?: ReadinessRegistry;
  /** Counts what the follower passes over (undecodable, misrouted) in the skipped metric. */
  readonly kafkaMetrics?: KafkaMetrics;
}

/**
 * The champion the monitor measures drift against: followed as the scorers follow it (the
 * platform's champion follower), and each new one's reference profile loaded from its verified
 * artifact. It also reads ml.training for each version's holdout metrics (roc_auc, brier), which
 * performance drift is measured against. A champion whose artifact cannot be read is refused and
 * the one monitored stays, as scoring keeps serving it.
 */
export class ChampionReferenceFollower {
  private readonly follower: ChampionFollower;
  private monitored: MonitoredChampion | null = null;

  constructor(
    kafka: Kafka,
    serde: EventSerde,
    private readonly artifacts: ModelArtifactStore,
    private readonly logger: Logger,
    private readonly metrics: MonitorMetrics,
    private readonly options: ChampionReferenceFollowerOptions,
    private readonly onChampion: (champion: MonitoredChampion) => void,
  ) {
    this.follower = new ChampionFollower(kafka, serde, logger, {
      name: 'monitor-champion-follower',
      groupId: 'readmit.monitor.models',
      modelName: options.modelName,
      topicPrefix: options.topicPrefix,
      withTraining: true,
      readiness: options.readiness,
      metrics: options.kafkaMetrics,
    });
    let caughtUp = false;
    this.follower.onChange(async () => {
      await this.follow();
      if (caughtUp) return;
      caughtUp = true;
      this.logger.info(
        { champion: this.monitored?.version ?? null },
        this.monitored
          ? 'monitoring the champion'
          : 'no champion yet: traffic is counted and dropped until one is promoted',
      );
    });
  }

  get champion(): MonitoredChampion | null {
    return this.monitored;
  }

  get isCaughtUp(): boolean {
    return this.follower.isCaughtUp;
  }

  /** Resolves once the history known at start has been read and its champion (if any) loaded. */
  whenCaughtUp(): Promise<void> {
    return this.follower.whenCaughtUp();
  }

  /** The version's holdout metrics from its TrainingCompleted, or null if not read (yet). */
  holdoutOf(version: string): HoldoutMetrics | null {
    const trained = this.follower.trained(version);
    if (!trained) return null;
    const { roc_auc: rocAuc, brier } = trained.metrics;
    if (!Number.isFinite(rocAuc) || !Number.isFinite(brier)) return null;
    return { rocAuc, brier, rows: trained.lineage.holdoutRows };
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  /** Loads the registry's champion when it is not the one monitored. */
  private async follow(): Promise<void> {
    const target = this.follower.champion;
    if (!target) return;
    const current = this.monitored;
    if (current?.version === target.version && current.artifactSha256 === target.artifactSha256)
      return;
    try {
      const loaded = await loadMonitoredChampion(this.options.modelName, target, this.artifacts);
      this.monitored = loaded;
      this.metrics.referenceLoads.inc({ outcome: 'loaded' });
      this.metrics.monitoring(loaded.version);
      this.onChampion(loaded);
      this.logger.info(
        { from: current?.version ?? null, to: loaded.version, target: loaded.target },
        'champion changed: windows start afresh against its reference',
      );
    } catch (error) {
      this.metrics.referenceLoads.inc({ outcome: 'refused' });
      this.logger.error(
        {
          version: target.version,
          keeps: current?.version ?? null,
          reason: (error as Error).message,
        },
        "champion's reference cannot be read: the monitored one stays",
      );
    }
  }
}
