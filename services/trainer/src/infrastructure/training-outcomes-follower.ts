import { TOPICS, topicName } from '@readmit/contracts';
import { type ReadinessRegistry } from '@readmit/platform/health';
import {
  EventFollower,
  logEnds,
  RetriableKafkaError,
  unavailableAsRetriable,
  type EventSerde,
  type KafkaMetrics,
} from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { FinishedRuns } from '../domain/finished-runs';

export interface TrainingOutcomesFollowerOptions {
  readonly topicPrefix: string;
  /** `/ready` is false while the follower's consumer is down: requests would wait for it. */
  readonly readiness?: ReadinessRegistry;
  /** Counts what the follower passes over (undecodable, misrouted) in the skipped metric. */
  readonly metrics?: KafkaMetrics;
  /** How long `finishedAsOfNow` waits for the follower to read what is on the log (default 30 s). */
  readonly catchUpTimeoutMs?: number;
}

/**
 * Follows ml.training and keeps the runs whose TrainingCompleted or TrainingFailed is on it: a
 * consumer group of this process's own, from the beginning, nothing committed, so a restarted
 * trainer knows every outcome again (ml.training carries two or three small events per run).
 * `finishedAsOfNow()` waits until everything on the log at the moment of the call is read, so
 * an outcome published just before a redelivery is never missed.
 */
export class TrainingOutcomesFollower {
  private readonly follower: EventFollower<'TrainingCompleted' | 'TrainingFailed'>;
  private readonly topic: string;
  private readonly finished = new FinishedRuns();

  constructor(
    private readonly kafka: Kafka,
    serde: EventSerde,
    logger: Logger,
    private readonly options: TrainingOutcomesFollowerOptions,
  ) {
    this.topic = topicName(TOPICS.training, options.topicPrefix);
    this.follower = new EventFollower(kafka, serde, logger, {
      name: 'trainer-outcomes-follower',
      groupId: 'readmit.trainer.outcomes',
      topics: [this.topic],
      eventTypes: ['TrainingCompleted', 'TrainingFailed'],
      onEvent: (outcome) => void this.finished.record(outcome),
      metrics: options.metrics,
      readiness: options.readiness,
    });
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  /**
   * The finished runs, once every outcome on ml.training at the time of the call has been read.
   * Throws a RetriableKafkaError when the log's ends cannot be read (Kafka away) or are not
   * reached in time (the follower is down), so the request is retried in place, not trained.
   */
  async finishedAsOfNow(): Promise<Pick<FinishedRuns, 'outcomeOfRun' | 'completedVersion'>> {
    let ends;
    try {
      ends = await logEnds(this.kafka, [this.topic]);
    } catch (error) {
      throw unavailableAsRetriable(error, `reading the ends of ${this.topic}`);
    }
    const timeoutMs = this.options.catchUpTimeoutMs ?? 30_000;
    if (!(await this.follower.hasHandedOver(ends, timeoutMs)))
      throw new RetriableKafkaError(
        `the trainer has not read the outcomes on ${this.topic} within ${timeoutMs} ms`,
      );
    return this.finished;
  }
}
