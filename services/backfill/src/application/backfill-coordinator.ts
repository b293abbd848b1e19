import { TOPICS, topicName, type BackfillCompleted } from '@readmit/contracts';
import { type ReadinessRegistry } from '@readmit/platform/health';
import {
  EventFollower,
  EventPublisher,
  newEnvelope,
  type EventSerde,
  type KafkaMetrics,
} from '@readmit/platform/kafka';
import { type ModelArtifactStore } from '@readmit/platform/storage';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import {
  BACKFILL_EVENT_TYPES,
  evolveBackfills,
  unfinishedBackfills,
  type BackfillEvent,
  type BackfillState,
} from '../domain/backfill-state';
import type { BackfillMetrics } from './backfill-metrics';
import { BackfillRefused, BackfillRun, type BackfillRunOptions } from './backfill-run';

export interface BackfillCoordinatorOptions extends BackfillRunOptions {
  /** Wait before running again a backfill whose run broke (Kafka unreachable, a fenced producer). */
  readonly retryDelayMs?: number;
  /**
   * Runs of one backfill that may break in a row before it is failed (a broken run resumes from
   * its checkpoint; one that breaks every time — a chunk the broker refuses, a table it cannot
   * write — must end rather than retry forever).
   */
  readonly maxAttempts?: number;
  /** `/ready` is false while the request follower's consumer is down. */
  readonly readiness?: ReadinessRegistry;
  /** Counts what the request follower passes over (undecodable, misrouted) in the skipped metric. */
  readonly metrics?: KafkaMetrics;
}

/**
 * Runs the backfills the log asks for, one at a time, oldest request first. On start it folds
 * ml.backfills to its end, so the backfills a previous process left unfinished resume from their
 * checkpoints; then it follows the topic for new requests and cancellations (a BackfillCompleted
 * with status CANCELLED written by someone else stops the run at its next chunk).
 * One instance runs backfills: a second one would fence the first's producer at every chunk.
 */
export class BackfillCoordinator {
  private state: BackfillState = new Map();
  private follower: EventFollower<BackfillEvent['eventType']> | undefined;
  private current: { id: string; run: BackfillRun } | null = null;
  private stopped = false;
  private markStopped: () => void = () => undefined;
  private readonly stopSignal = new Promise<void>((resolve) => (this.markStopped = resolve));
  private wake: () => void = () => undefined;
  private loop: Promise<void> = Promise.resolve();
  /** Broken runs in a row per backfill (this process's count). */
  private readonly failedAttempts = new Map<string, number>();

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly publisher: EventPublisher,
    private readonly artifacts: ModelArtifactStore,
    private readonly logger: Logger,
    private readonly metrics: BackfillMetrics,
    private readonly options: BackfillCoordinatorOptions,
  ) {}

  async start(): Promise<void> {
    // Folded from the beginning, so the backfills a previous process left unfinished resume once
    // the log as it was is read; then followed live for new requests and cancellations.
    const follower = new EventFollower(this.kafka, this.serde, this.logger, {
      name: 'backfill-requests',
      groupId: 'readmit.backfill.requests',
      topics: [topicName(TOPICS.backfills, this.options.topicPrefix)],
      eventTypes: BACKFILL_EVENT_TYPES,
      onEvent: (event) => this.apply(event),
      readiness: this.options.readiness,
      metrics: this.options.metrics,
    });
    this.follower = follower;
    await follower.start();
    await Promise.race([follower.whenCaughtUp(), this.stopSignal]);
    if (!this.stopped) this.loop = this.runLoop();
  }

  /** The backfills as this instance knows them. */
  snapshot(): BackfillState {
    return this.state;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.markStopped();
    this.current?.run.cancel();
    this.wake();
    await this.follower?.stop();
    await this.loop;
  }

  private apply(event: BackfillEvent): void {
    this.state = evolveBackfills(this.state, event);
    if (
      event.eventType === 'BackfillCompleted' &&
      event.event.status === 'CANCELLED' &&
      this.current?.id === event.event.backfillId
    ) {
      this.logger.info({ backfillId: event.event.backfillId }, 'backfill cancelled');
      this.current.run.cancel();
    }
    this.wake();
  }

  private async runLoop(): Promise<void> {
    while (!this.stopped) {
      const next = unfinishedBackfills(this.state)[0];
      if (!next) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      await this.runOne(next.request.backfillId);
    }
  }

  private async runOne(backfillId: string): Promise<void> {
    const backfill = this.state.get(backfillId);
    if (!backfill) return;
    const run = new BackfillRun(
      this.kafka,
      this.serde,
      this.artifacts,
      this.logger,
      this.metrics,
      this.options,
      backfill.request,
    );
    this.current = { id: backfillId, run };
    this.metrics.active.set(1);
    try {
      const completed = await run.run();
      this.failedAttempts.delete(backfillId);
      this.metrics.runs.inc({ status: completed?.status ?? 'CANCELLED' });
      // The run's own end may not be folded yet: wait for it rather than run it again.
      if (completed)
        this.state = evolveBackfills(this.state, {
          eventType: 'BackfillCompleted',
          event: completed,
        });
      else if (!this.state.get(backfillId)?.completed && !this.stopped)
        await this.waitForEnd(backfillId);
    } catch (error) {
      if (error instanceof BackfillRefused) {
        await this.fail(backfill.request.backfillId, backfill.request.modelVersion, error.message);
        this.metrics.runs.inc({ status: 'FAILED' });
      } else if (!this.stopped && !(await this.clusterAnswers())) {
        // The broker is away (a restart, an outage): not this backfill's fault, so no attempt is
        // counted; the next run resumes from the last checkpoint once the cluster answers.
        this.metrics.runs.inc({ status: 'interrupted' });
        this.logger.warn(
          { backfillId, reason: (error as Error).message },
          'backfill run broke while Kafka is unreachable: it resumes when the cluster answers',
        );
        await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 5_000));
      } else if (!this.stopped) {
        this.metrics.runs.inc({ status: 'interrupted' });
        const attempts = (this.failedAttempts.get(backfillId) ?? 0) + 1;
        this.failedAttempts.set(backfillId, attempts);
        const maxAttempts = this.options.maxAttempts ?? 5;
        const reason = (error as Error).message;
        if (attempts >= maxAttempts) {
          await this.fail(
            backfillId,
            backfill.request.modelVersion,
            `gave up after ${attempts} broken runs; the last: ${reason}`,
          );
          this.metrics.runs.inc({ status: 'FAILED' });
        } else {
          this.logger.error(
            { backfillId, reason, attempt: attempts, maxAttempts },
            'backfill run broke: it resumes from its last checkpoint',
          );
          // Longer waits after each break: a broker or database that is down gets time.
          await new Promise((resolve) =>
            setTimeout(resolve, (this.options.retryDelayMs ?? 5_000) * attempts),
          );
        }
      }
    } finally {
      this.current = null;
      this.metrics.active.set(0);
    }
  }

  /** True when the cluster describes itself within a few seconds. */
  private async clusterAnswers(): Promise<boolean> {
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), 5_000);
    });
    const probe = (async () => {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0;
    })().catch(() => false);
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** A cancelled run stopped before its cancellation was folded: let the follower catch up. */
  private async waitForEnd(backfillId: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!this.stopped && !this.state.get(backfillId)?.completed && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
  }

  private async fail(backfillId: string, modelVersion: string, reason: string): Promise<void> {
    this.logger.error({ backfillId, reason }, 'backfill failed');
    const backfill = this.state.get(backfillId);
    const failed: BackfillCompleted = {
      envelope: newEnvelope('BackfillCompleted', {
        producer: this.options.producer,
        causedBy: backfill?.request.envelope,
      }),
      backfillId,
      status: 'FAILED',
      processed: backfill?.progress?.processed ?? 0,
      durationMs: backfill ? Date.now() - backfill.request.envelope.occurredAt : 0,
      modelVersion,
      reason,
    };
    await this.publisher.publish('BackfillCompleted', backfillId, failed);
    this.state = evolveBackfills(this.state, { eventType: 'BackfillCompleted', event: failed });
  }
}
