import { randomUUID } from 'node:crypto';
import { TOPICS, topicName, type TrainingCompleted, type TrainingFailed } from '@readmit/contracts';
import {
  LogPositions,
  logEnds,
  PoisonMessageError,
  RetriableKafkaError,
  SupervisedConsumer,
  unavailableAsRetriable,
  type EventSerde,
  type ReadinessRegistry,
} from '@readmit/platform';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { FinishedRuns } from '../domain/finished-runs';

export interface TrainingOutcomesFollowerOptions {
  readonly topicPrefix: string;
  /** `/ready` is false while the follower's consumer is down: requests would wait for it. */
  readonly readiness?: ReadinessRegistry;
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
  private consumer: SupervisedConsumer | undefined;
  private readonly topic: string;
  /** What this process has read: a replacement consumer resumes after it. */
  private readonly positions = new LogPositions();
  private readonly finished = new FinishedRuns();
  /** Woken whenever the positions move, to see whether what they wait for is read. */
  private readonly progressListeners = new Set<() => void>();

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly logger: Logger,
    private readonly options: TrainingOutcomesFollowerOptions,
  ) {
    this.topic = topicName(TOPICS.training, options.topicPrefix);
  }

  async start(): Promise<void> {
    this.consumer = new SupervisedConsumer(
      this.kafka,
      {
        name: 'trainer-outcomes-follower',
        config: { groupId: `readmit.trainer.outcomes.${randomUUID()}`, readUncommitted: false },
        topics: [this.topic],
        fromBeginning: true,
        // Batches of only transaction markers never reach eachBatch; this event still reports
        // them, and without them the position would stop short of the partition's end.
        onCreated: (consumer) =>
          consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
            if (payload.lastOffset === null) return;
            this.positions.passed(payload.topic, payload.partition, payload.lastOffset);
            this.progressed();
          }),
        run: () => ({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              if (this.positions.handledBefore(batch.topic, batch.partition, message.offset))
                continue;
              await this.apply(message.value);
              this.positions.handled(batch.topic, batch.partition, message.offset);
            }
            this.progressed();
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
    for (const listener of [...this.progressListeners]) listener();
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
    const read = await new Promise<boolean>((resolve) => {
      const check = () => {
        const done = this.positions.hasRead(ends) || this.consumer?.state === 'stopped';
        if (!done) return;
        clearTimeout(timer);
        this.progressListeners.delete(check);
        resolve(this.positions.hasRead(ends));
      };
      const timer = setTimeout(() => {
        this.progressListeners.delete(check);
        resolve(false);
      }, timeoutMs);
      this.progressListeners.add(check);
      check();
    });
    if (!read)
      throw new RetriableKafkaError(
        `the trainer has not read the outcomes on ${this.topic} within ${timeoutMs} ms`,
      );
    return this.finished;
  }

  private progressed(): void {
    for (const listener of [...this.progressListeners]) listener();
  }

  private async apply(value: Buffer | null): Promise<void> {
    let decoded;
    try {
      decoded = await this.serde.decode(value);
    } catch (error) {
      // The request consumer dead-letters it; here there is no outcome to learn from it.
      if (!(error instanceof PoisonMessageError)) throw error;
      return;
    }
    // The serde's result is not a discriminated union; the event type names the event's shape.
    if (decoded.eventType === 'TrainingCompleted')
      this.finished.record({
        eventType: 'TrainingCompleted',
        event: decoded.event as TrainingCompleted,
      });
    else if (decoded.eventType === 'TrainingFailed')
      this.finished.record({ eventType: 'TrainingFailed', event: decoded.event as TrainingFailed });
  }
}
