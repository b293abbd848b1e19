import { randomUUID } from 'node:crypto';
import { TOPICS, topicName, type TrainingCompleted } from '@readmit/contracts';
import { asModelDecision, ServingPointers, type HoldoutMetrics } from '@readmit/ml';
import {
  LogPositions,
  logEnds,
  PoisonMessageError,
  SupervisedConsumer,
  type EventSerde,
  type ModelArtifactStore,
  type ReadinessRegistry,
} from '@readmit/platform';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import {
  loadMonitoredChampion,
  type MonitoredChampion,
} from '../infrastructure/champion-reference';
import type { MonitorMetrics } from './monitor-metrics';

export interface ChampionFollowerOptions {
  readonly modelName: string;
  readonly topicPrefix: string;
  /** `/ready` is false while the follower's consumer is down: a new champion would go unseen. */
  readonly readiness?: ReadinessRegistry;
}

/**
 * Follows the champion of one model as the scorers do: every decision on ml.models folded by
 * ServingPointers (a consumer group of its own, from the beginning, nothing committed), history
 * without loading anything, then the champion of the moment and each later one loaded from its
 * verified artifact. It also reads ml.training for each version's holdout metrics (roc_auc,
 * brier), which performance drift is measured against. A champion whose artifact cannot be
 * read is refused and the one monitored stays, as scoring keeps serving it.
 */
export class ChampionFollower {
  private consumer: SupervisedConsumer | undefined;
  /** What this process has applied: a replacement consumer resumes after it. */
  private readonly positions = new LogPositions();
  private readonly pointers = new ServingPointers();
  private readonly holdouts = new Map<string, HoldoutMetrics>();
  private monitored: MonitoredChampion | null = null;
  private caughtUp = false;
  private catchUpQueued = false;
  /** Decisions are applied and loads done one at a time, in log order. */
  private work: Promise<void> = Promise.resolve();
  private markCaughtUp: () => void = () => undefined;
  private readonly caughtUpSignal = new Promise<void>((resolve) => (this.markCaughtUp = resolve));

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly artifacts: ModelArtifactStore,
    private readonly logger: Logger,
    private readonly metrics: MonitorMetrics,
    private readonly options: ChampionFollowerOptions,
    private readonly onChampion: (champion: MonitoredChampion) => void,
  ) {}

  get champion(): MonitoredChampion | null {
    return this.monitored;
  }

  get isCaughtUp(): boolean {
    return this.caughtUp;
  }

  /** Resolves once the history known at start has been read and its champion (if any) loaded. */
  whenCaughtUp(): Promise<void> {
    return this.caughtUpSignal;
  }

  /** The version's holdout metrics from its TrainingCompleted, or null if not read (yet). */
  holdoutOf(version: string): HoldoutMetrics | null {
    return this.holdouts.get(version) ?? null;
  }

  async start(): Promise<void> {
    const topics = [TOPICS.models, TOPICS.training].map((topic) =>
      topicName(topic, this.options.topicPrefix),
    );
    const ends = await logEnds(this.kafka, topics);
    const endOf = new Map(ends.map((end) => [`${end.topic}:${end.partition}`, end.high]));
    const unread = new Set(
      ends
        .filter(({ low, high }) => BigInt(high) > BigInt(low))
        .map(({ topic, partition }) => `${topic}:${partition}`),
    );
    if (unread.size === 0) this.queueCatchUp();
    this.consumer = new SupervisedConsumer(
      this.kafka,
      {
        name: 'monitor-champion-follower',
        config: { groupId: `readmit.monitor.models.${randomUUID()}`, readUncommitted: false },
        topics,
        fromBeginning: true,
        // Reported for every batch, even one of only transaction markers, which eachBatch never sees.
        onCreated: (consumer) =>
          consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
            const key = `${payload.topic}:${payload.partition}`;
            const high = endOf.get(key);
            if (high !== undefined && BigInt(payload.lastOffset) + 1n >= BigInt(high))
              unread.delete(key);
            if (unread.size === 0) this.queueCatchUp();
          }),
        // The group is this process's alone and always starts from the beginning: nothing to
        // commit; a replacement consumer seeks past what this process has applied.
        run: () => ({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              if (this.positions.handledBefore(batch.topic, batch.partition, message.offset))
                continue;
              await this.serially(() => this.apply(batch.topic, message.value));
              this.positions.handled(batch.topic, batch.partition, message.offset);
            }
          },
        }),
        onRunning: (consumer) => this.positions.seek(consumer),
        readiness: this.options.readiness,
      },
      this.logger,
    );
    await this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    await this.work;
  }

  private serially(job: () => Promise<void>): Promise<void> {
    const run = this.work.then(job);
    this.work = run.catch(() => undefined);
    return run;
  }

  private queueCatchUp(): void {
    if (this.catchUpQueued) return;
    this.catchUpQueued = true;
    void this.serially(() => this.catchUp());
  }

  private async apply(topic: string, value: Buffer | null): Promise<void> {
    let decoded;
    try {
      decoded = await this.serde.decode(value);
    } catch (error) {
      if (!(error instanceof PoisonMessageError)) throw error;
      this.logger.warn({ topic, reason: error.message }, 'skipping an undecodable message');
      return;
    }
    if (decoded.eventType === 'TrainingCompleted') {
      // The serde's result is not a discriminated union; the event type names the event's shape.
      const completed = decoded.event as TrainingCompleted;
      if (completed.modelName !== this.options.modelName) return;
      const { roc_auc: rocAuc, brier } = completed.metrics;
      if (Number.isFinite(rocAuc) && Number.isFinite(brier))
        this.holdouts.set(completed.modelVersion, {
          rocAuc,
          brier,
          rows: completed.lineage.holdoutRows,
        });
      return;
    }
    const decision = asModelDecision(decoded);
    if (!decision || decision.event.modelName !== this.options.modelName) return;
    if (this.pointers.apply(decision) && this.caughtUp) await this.follow();
  }

  private async catchUp(): Promise<void> {
    this.caughtUp = true;
    await this.follow();
    this.logger.info(
      { champion: this.monitored?.version ?? null },
      this.monitored
        ? 'monitoring the champion'
        : 'no champion yet: traffic is counted and dropped until one is promoted',
    );
    this.markCaughtUp();
  }

  /** Loads the registry's champion when it is not the one monitored. */
  private async follow(): Promise<void> {
    const target = this.pointers.of(this.options.modelName).champion;
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
