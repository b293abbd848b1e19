import { TOPICS, topicName, type TrainingCompleted } from '@readmit/contracts';
import { MODEL_DECISION_TYPES, type ServedModel, type ServedModels } from '@readmit/ml';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ReadinessRegistry } from '../health/readiness';
import { EventFollower } from '../kafka/event-follower';
import type { KafkaMetrics } from '../kafka/kafka-metrics';
import { replayEvents } from '../kafka/log-replay';
import type { SkipCounts } from '../kafka/logged-events';
import type { EventSerde } from '../kafka/serde/event-serde';
import { SERVING_EVENT_TYPES, ServingFold, type ServingView } from './serving-fold';

export interface ServingReadOptions {
  readonly modelName: string;
  readonly topicPrefix: string;
  /** Also read ml.training, for each version's TrainingCompleted (`trained`). */
  readonly withTraining?: boolean;
  /** Counts what is left out in readmit_kafka_messages_skipped_total. */
  readonly metrics?: KafkaMetrics;
}

export interface ChampionFollowerOptions extends ServingReadOptions {
  /** Names the consumer: logs, readiness (`consumer:<name>`), the skipped metric's group. */
  readonly name: string;
  /** The private consumer group's id (a unique suffix is added). */
  readonly groupId: string;
  /** `/ready` is false while the follower's consumer is down: a new champion would go unseen. */
  readonly readiness?: ReadinessRegistry;
}

/** Told what serves: once caught up, then after every decision that changes it. */
export type ServingListener = (served: ServedModels) => void | Promise<void>;

function servingTopics({ topicPrefix, withTraining }: ServingReadOptions): string[] {
  return [TOPICS.models, ...(withTraining ? [TOPICS.training] : [])].map((topic) =>
    topicName(topic, topicPrefix),
  );
}

function servingEventTypes({ withTraining }: ServingReadOptions) {
  return withTraining ? SERVING_EVENT_TYPES : MODEL_DECISION_TYPES;
}

/**
 * Follows the champion (and challenger) of one model as the registry's decisions on ml.models
 * make them, live, in a consumer group of its own from the beginning: every instance knows
 * them all. History is folded without a word to the listeners; once caught up with the log as
 * it was at start, they hear what serves then, and after that each change, one at a time, in
 * log order (a listener that loads a model holds the next decision back until it is done).
 */
export class ChampionFollower implements ServingView {
  private readonly fold: ServingFold;
  private readonly follower: EventFollower<(typeof SERVING_EVENT_TYPES)[number]>;
  private readonly listeners: ServingListener[] = [];

  constructor(kafka: Kafka, serde: EventSerde, logger: Logger, options: ChampionFollowerOptions) {
    this.fold = new ServingFold(options.modelName);
    this.follower = new EventFollower(kafka, serde, logger, {
      name: options.name,
      groupId: options.groupId,
      topics: servingTopics(options),
      eventTypes: servingEventTypes(options),
      onEvent: async (event) => {
        if (this.fold.apply(event) && this.follower.isCaughtUp) await this.tell();
      },
      onCaughtUp: () => this.tell(),
      readiness: options.readiness,
      metrics: options.metrics,
    });
  }

  /** Adds a listener; call before start to hear the catch-up. */
  onChange(listener: ServingListener): void {
    this.listeners.push(listener);
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  /** Resolves once the log as it was at start is read and the listeners have heard what serves. */
  whenCaughtUp(): Promise<void> {
    return this.follower.whenCaughtUp();
  }

  get isCaughtUp(): boolean {
    return this.follower.isCaughtUp;
  }

  get served(): ServedModels {
    return this.fold.served;
  }

  get champion(): ServedModel | null {
    return this.fold.served.champion;
  }

  decided(version: string): ServedModel | null {
    return this.fold.decided(version);
  }

  trained(version: string): TrainingCompleted | null {
    return this.fold.trained(version);
  }

  /** Messages left out (undecodable, invalid, misrouted), by reason. */
  get skipped(): SkipCounts {
    return this.follower.skipped;
  }

  private async tell(): Promise<void> {
    for (const listener of this.listeners) await listener(this.fold.served);
  }
}

/** A ServingView read once, and what its read left out. */
export interface ServingSnapshot extends ServingView {
  readonly skipped: SkipCounts;
}

/**
 * What serves a model now: the registry's topics read to their ends and folded as the
 * follower folds them. A topic that does not exist holds nothing (no champion).
 */
export async function readServing(
  kafka: Kafka,
  serde: EventSerde,
  options: ServingReadOptions & { readonly purpose: string; readonly timeoutMs?: number },
): Promise<ServingSnapshot> {
  const fold = new ServingFold(options.modelName);
  const { skipped } = await replayEvents(
    kafka,
    serde,
    servingTopics(options),
    servingEventTypes(options),
    (event) => void fold.apply(event),
    { ...options, missingTopicsAreEmpty: true },
  );
  return {
    served: fold.served,
    decided: (version) => fold.decided(version),
    trained: (version) => fold.trained(version),
    skipped,
  };
}
