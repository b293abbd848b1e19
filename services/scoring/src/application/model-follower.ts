import { randomUUID } from 'node:crypto';
import { TOPICS, topicName } from '@readmit/contracts';
import { ServingPointers, asModelDecision, type ServedModel, type ServedModels } from '@readmit/ml';
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
import { Counter, Gauge, type Registry } from 'prom-client';
import { loadModel, type LoadedModel } from '@readmit/platform/serving';
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
 * Follows the registry's decisions on ml.models and keeps the served champion and challenger
 * current: on a change it loads the new version (artifact verified, session warmed) and swaps
 * it in; a version that cannot serve is refused and the one serving stays. Every instance reads
 * every decision (a group of its own), from the beginning; history is folded without loading
 * until the end known at start, so only the versions serving now are loaded.
 */
export class ModelFollower {
  private consumer: SupervisedConsumer | undefined;
  /** What this process has applied: a replacement consumer resumes after it. */
  private readonly positions = new LogPositions();
  private readonly pointers = new ServingPointers();
  private caughtUp = false;
  private readonly loads: Counter<'outcome'>;
  private readonly serving: Gauge<'role' | 'version'>;

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly artifacts: ModelArtifactStore,
    private readonly models: ServingModels,
    private readonly logger: Logger,
    metrics: Registry,
    private readonly options: ModelFollowerOptions,
  ) {
    this.loads = new Counter({
      name: 'readmit_scoring_model_loads_total',
      help: 'Model versions loaded to serve (loaded), or refused because they cannot serve (refused).',
      labelNames: ['outcome'],
      registers: [metrics],
    });
    this.serving = new Gauge({
      name: 'readmit_scoring_serving',
      help: '1 for the version serving in each role (champion, challenger).',
      labelNames: ['role', 'version'],
      registers: [metrics],
    });
  }

  async start(): Promise<void> {
    const topic = topicName(TOPICS.models, this.options.topicPrefix);
    const [end] = await logEnds(this.kafka, [topic]);
    const lastAtStart = BigInt(end.high) - 1n;
    if (lastAtStart < BigInt(end.low)) await this.catchUp();
    this.consumer = new SupervisedConsumer(
      this.kafka,
      {
        name: 'scoring-model-follower',
        config: {
          groupId: `readmit.scoring.models.${this.options.instanceId}.${randomUUID()}`,
          readUncommitted: false,
        },
        topics: [topic],
        fromBeginning: true,
        // The group is this process's alone and always starts from the beginning: nothing to
        // commit; a replacement consumer seeks past what this process has applied.
        run: () => ({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (this.positions.handledBefore(topic, partition, message.offset)) return;
            await this.apply(message.value);
            if (!this.caughtUp && BigInt(message.offset) >= lastAtStart) await this.catchUp();
            this.positions.handled(topic, partition, message.offset);
          },
        }),
        onRunning: (consumer) => this.positions.seek(consumer),
        readiness: this.options.readiness,
      },
      this.logger,
    );
    await this.consumer.start();
  }

  private async apply(value: Buffer | null): Promise<void> {
    let decoded;
    try {
      decoded = await this.serde.decode(value);
    } catch (error) {
      if (!(error instanceof PoisonMessageError)) throw error;
      this.logger.warn({ reason: error.message }, 'skipping an undecodable message on ml.models');
      return;
    }
    const decision = asModelDecision(decoded);
    if (!decision) return;
    if (decision.event.modelName !== this.options.modelName) return;
    if (!this.pointers.apply(decision) || !this.caughtUp) return;
    await this.sync(this.pointers.of(this.options.modelName));
  }

  private async catchUp(): Promise<void> {
    this.caughtUp = true;
    await this.sync(this.pointers.of(this.options.modelName));
    this.logger.info(
      {
        champion: this.models.snapshot().champion?.version ?? null,
        challenger: this.models.snapshot().challenger?.version ?? null,
      },
      this.models.snapshot().champion
        ? 'serving'
        : 'no champion yet: encounters wait in the log until one is promoted',
    );
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
        this.loads.inc({ outcome: 'loaded' });
      } catch (error) {
        this.loads.inc({ outcome: 'refused' });
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
    this.serving.reset();
    const now = this.models.snapshot();
    for (const each of ['champion', 'challenger'] as const) {
      const version = now[each]?.version;
      if (version) this.serving.set({ role: each, version }, 1);
    }
    this.logger.info(
      { role, from: before?.version ?? null, to: model?.version ?? null },
      'model swapped',
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }
}
