import { randomUUID } from 'node:crypto';
import type { EventType } from '@readmit/contracts';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ReadinessRegistry } from '../health/readiness';
import type { KafkaMetrics } from './kafka-metrics';
import { LogPositions } from './log-positions';
import { logEnds, type PartitionEnds } from './log-replay';
import { readMessage, SkippedMessages, type LoggedEvent, type SkipCounts } from './logged-events';
import { privateLogConsumer } from './private-log-consumer';
import type { EventSerde } from './serde/event-serde';
import type { ConsumerState, SupervisedConsumer } from './supervised-consumer';

export interface EventFollowerSpec<K extends EventType> {
  /** Names the consumer: logs, readiness (`consumer:<name>`), and the skipped metric's group. */
  readonly name: string;
  /** The private group's id; a unique suffix is added, so each follower reads everything. */
  readonly groupId: string;
  readonly topics: readonly string[];
  /** The event types handed to `onEvent`; the others are passed over. */
  readonly eventTypes: readonly K[];
  /** Each event, in order per partition, one at a time; a throw is retried (the consumer restarts). */
  readonly onEvent: (event: LoggedEvent<K>) => void | Promise<void>;
  /**
   * Once everything on the log when the follower started has been handed over, before
   * `whenCaughtUp` resolves; later events wait for it.
   */
  readonly onCaughtUp?: () => void | Promise<void>;
  /** `/ready` is false while the consumer is not running. */
  readonly readiness?: ReadinessRegistry;
  /** Counts what is left out in readmit_kafka_messages_skipped_total. */
  readonly metrics?: KafkaMetrics;
}

/**
 * Follows topics live from their beginning with a consumer group of its own, nothing committed:
 * every instance reads every event, and a restarted process reads them all again. Messages are
 * read as in a replay (see replayEvents): undecodable, invalid and misrouted ones are left out,
 * counted and logged, never handed over. A crashed consumer is replaced and goes on after the
 * last event handed over.
 */
export class EventFollower<K extends EventType> {
  private consumer: SupervisedConsumer | undefined;
  private readonly positions = new LogPositions();
  private readonly skippedMessages: SkippedMessages;
  private readonly wanted: ReadonlySet<K>;
  /** Events and the catch-up are handled one at a time, in log order. */
  private work: Promise<void> = Promise.resolve();
  private startEnds: PartitionEnds[] | null = null;
  private catchUpQueued = false;
  private caughtUp = false;
  private markCaughtUp: () => void = () => undefined;
  private readonly caughtUpSignal = new Promise<void>((resolve) => (this.markCaughtUp = resolve));
  /** Woken whenever the positions move, to see whether what they wait for is read. */
  private readonly progressListeners = new Set<() => void>();

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly logger: Logger,
    private readonly spec: EventFollowerSpec<K>,
  ) {
    this.wanted = new Set(spec.eventTypes);
    this.skippedMessages = new SkippedMessages(spec.name, spec.metrics);
  }

  async start(): Promise<void> {
    this.startEnds = await logEnds(this.kafka, this.spec.topics);
    this.consumer = privateLogConsumer(
      this.kafka,
      {
        name: this.spec.name,
        groupId: `${this.spec.groupId}.${randomUUID()}`,
        topics: this.spec.topics,
        positions: this.positions,
        onMessage: (topic, partition, message) =>
          this.serially(async () => {
            const reading = await readMessage(this.serde, topic, partition, message, this.wanted);
            if (reading.kind === 'event') await this.spec.onEvent(reading.event);
            else if (reading.kind === 'skipped') {
              this.skippedMessages.count(topic, reading.reason, reading.eventType);
              this.logger.warn(
                { consumer: this.spec.name, topic, partition, offset: message.offset, ...reading },
                'passing over a message',
              );
            }
          }),
        onProgress: () => this.progressed(),
        readiness: this.spec.readiness,
      },
      this.logger,
    );
    // An empty log is read already.
    this.progressed();
    await this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.progressed();
    await this.work;
  }

  get state(): ConsumerState {
    return this.consumer?.state ?? 'idle';
  }

  /** True once the log as it was at start has been handed over (and `onCaughtUp` has run). */
  get isCaughtUp(): boolean {
    return this.caughtUp;
  }

  /** Resolves once the log as it was at start has been handed over (and `onCaughtUp` has run). */
  whenCaughtUp(): Promise<void> {
    return this.caughtUpSignal;
  }

  /** What has been left out so far, by reason. */
  get skipped(): SkipCounts {
    return this.skippedMessages.counts;
  }

  /**
   * Waits until every event up to `ends` (see logEnds) has been handed over: true once it has,
   * false when the time runs out or the follower stops first.
   */
  hasHandedOver(ends: readonly PartitionEnds[], timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const check = () => {
        const read = this.positions.hasRead(ends);
        if (!read && this.consumer?.state !== 'stopped') return;
        clearTimeout(timer);
        this.progressListeners.delete(check);
        resolve(read);
      };
      const timer = setTimeout(() => {
        this.progressListeners.delete(check);
        resolve(false);
      }, timeoutMs);
      this.progressListeners.add(check);
      check();
    });
  }

  private serially(job: () => Promise<void>): Promise<void> {
    const run = this.work.then(job);
    this.work = run.catch(() => undefined);
    return run;
  }

  private progressed(): void {
    if (!this.catchUpQueued && this.startEnds && this.positions.hasRead(this.startEnds)) {
      this.catchUpQueued = true;
      void this.serially(async () => {
        try {
          await this.spec.onCaughtUp?.();
        } catch (error) {
          // What a listener failed to do is its own to report; the follower goes on.
          this.logger.error(
            { consumer: this.spec.name, reason: (error as Error).message },
            'handling the catch-up failed',
          );
        }
        this.caughtUp = true;
        this.markCaughtUp();
      });
    }
    for (const listener of [...this.progressListeners]) listener();
  }
}
