import { randomBytes } from 'node:crypto';
import type { Envelope } from '@readmit/contracts';
import { newEnvelope, type EventPublisher, type EventSerde } from '@readmit/platform/kafka';
import type { LeaderLock } from '@readmit/platform/database/leader-lock.port';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { replayOrder } from '../domain/replay-order';
import { describeEntry, triggerIdOf, type RetrainingEntry } from '../domain/retraining-entry';
import {
  INITIAL_RETRAINING_STATE,
  stepRetrainingPolicy,
  type RetrainingDecision,
  type RetrainingPolicyConfig,
  type RetrainingState,
} from '../domain/retraining-policy';
import { replayRetraining, stepEntry, type RequestDecision } from '../domain/retraining-replay';
import {
  causeOf,
  runIdFor,
  trainingRequestOf,
  type TrainingRequestSettings,
} from '../domain/training-request';
import {
  followRetrainingLog,
  readRetrainingLog,
  type RetrainingLogFollower,
} from '../infrastructure/retraining-log';
import type { OrchestratorMetrics } from './orchestrator-metrics';

/** standby: another instance holds the lock; replaying: rebuilding state; active: acting. */
export type OrchestratorRole = 'standby' | 'replaying' | 'active' | 'stopped';

export interface RetrainingOrchestratorOptions extends TrainingRequestSettings {
  readonly topicPrefix: string;
  readonly policy: RetrainingPolicyConfig;
  /** Names this service in the events it writes, e.g. registry@0.1.0. */
  readonly producer: string;
  /** How often a standby asks for the lock, and the active instance checks it still holds it. */
  readonly lockRetryMs?: number;
  /** The pause after a failure (missing topics, a server down) before trying again. */
  readonly failureBackoffMs?: number;
}

export interface OrchestratorStatus {
  readonly modelName: string;
  readonly role: OrchestratorRole;
  readonly since: string;
  readonly pendingSignals: number;
  readonly runsInFlight: ReadonlyArray<{
    readonly runId: string | null;
    readonly since: string;
    readonly triggers: number;
  }>;
  readonly lastRequestAt: string | null;
  readonly nextTickAt: string | null;
  /** Why the last attempt to lead failed, until one succeeds. */
  readonly problem: string | null;
}

/** One term as the active instance; `ended` settles when it must end, with why. */
interface Leadership {
  reason: string | null;
  readonly end: (reason: string) => void;
  readonly ended: Promise<string>;
}

// setTimeout's limit (about 24.8 days); a longer wait simply ticks early and waits again.
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Turns BatchArrived and DriftDetected into TrainingRequested for one model, by the retraining
 * policy (debounce, cooldown, one run at a time). Its state is the log's: on becoming active it
 * replays ml.batches, ml.drift and ml.training from the beginning (its own past requests
 * included, so nothing is asked for twice), then follows them live. Only the holder of a
 * Postgres session lock acts; the other instances stand by and take over when it goes.
 */
export class RetrainingOrchestrator {
  private readonly logger: Logger;
  private readonly lockRetryMs: number;
  private readonly failureBackoffMs: number;
  private role: OrchestratorRole = 'standby';
  private roleSince = Date.now();
  private state: RetrainingState = INITIAL_RETRAINING_STATE;
  /** Envelopes of the signals in the state: a request's cause is taken from them. */
  private readonly envelopes = new Map<string, Envelope>();
  private timer: { readonly handle: NodeJS.Timeout; readonly at: number } | null = null;
  /** Entries, ticks and publications one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  private leadership: Leadership | null = null;
  private problem: string | null = null;
  private stopping = false;
  private campaign: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly publisher: EventPublisher,
    private readonly lock: LeaderLock,
    logger: Logger,
    private readonly metrics: OrchestratorMetrics,
    private readonly options: RetrainingOrchestratorOptions,
  ) {
    this.logger = logger.child({
      component: 'retraining-orchestrator',
      modelName: options.modelName,
    });
    this.lockRetryMs = options.lockRetryMs ?? 3_000;
    this.failureBackoffMs = options.failureBackoffMs ?? 15_000;
    this.lock.onLost((reason) => this.endLeadership(`the lock was lost: ${reason.message}`));
    this.metrics.active.set(0);
  }

  /** Starts competing for the lock; returns at once. */
  start(): void {
    this.campaign ??= this.compete();
  }

  /** Ends the term in hand (a publication in progress finishes first) and gives the lock up. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.endLeadership('the service is stopping');
    this.wake?.();
    await this.campaign;
    this.setRole('stopped');
  }

  status(): OrchestratorStatus {
    const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString());
    return {
      modelName: this.options.modelName,
      role: this.role,
      since: new Date(this.roleSince).toISOString(),
      pendingSignals: this.state.gathered.length,
      runsInFlight: this.state.runs.map((run) => ({
        runId: run.runId,
        since: new Date(run.since).toISOString(),
        triggers: run.triggeredBy.length,
      })),
      lastRequestAt: iso(this.state.lastRequestAt),
      nextTickAt: iso(this.timer?.at ?? null),
      problem: this.problem,
    };
  }

  /** For /ready: healthy while active or standing by; not while it cannot do either. */
  async readiness(): Promise<void> {
    if (this.problem !== null) throw new Error(`retraining orchestrator: ${this.problem}`);
  }

  private async compete(): Promise<void> {
    while (!this.stopping) {
      let pause = this.lockRetryMs;
      try {
        if (await this.lock.tryAcquire()) {
          const failure = await this.lead();
          // A term cut short (a failed publication, a lost connection): let another instance try first.
          if (failure !== null && !this.stopping) {
            this.problem = failure;
            pause = this.failureBackoffMs;
          }
        } else this.problem = null;
      } catch (error) {
        this.problem = (error as Error).message;
        this.logger.warn(
          { reason: this.problem, retryInMs: this.failureBackoffMs },
          'retraining orchestrator could not take over; trying again later',
        );
        pause = this.failureBackoffMs;
        await this.lock.release().catch(() => undefined);
      }
      if (!this.stopping) await this.sleep(pause);
    }
    await this.lock.release().catch(() => undefined);
  }

  /**
   * One term: replay, catch up, follow live until the term ends; then back to standby. Returns
   * why the term ended, unless the service is stopping.
   */
  private async lead(): Promise<string | null> {
    let end: (reason: string) => void = () => undefined;
    const ended = new Promise<string>((resolve) => (end = resolve));
    const leadership: Leadership = { reason: null, end, ended };
    this.leadership = leadership;
    if (this.stopping) this.endLeadership('the service is stopping');
    let follower: RetrainingLogFollower | null = null;
    // A connection that died quietly is noticed here, before a standby could act beside us.
    const lockCheck = setInterval(
      () =>
        void this.lock
          .confirm()
          .catch((error: Error) => this.endLeadership(`the lock check failed: ${error.message}`)),
      this.lockRetryMs,
    );
    try {
      this.setRole('replaying');
      const started = Date.now();
      const snapshot = await readRetrainingLog(this.kafka, this.serde, this.options);
      if (leadership.reason !== null) return this.stopping ? null : leadership.reason;
      const entries = replayOrder(snapshot.sequences);
      const outcome = replayRetraining(entries, this.options.policy);
      this.state = outcome.state;
      for (const entry of entries) this.remember(entry);
      this.prune();
      for (const mismatch of outcome.mismatches)
        this.logger.warn({ mismatch }, 'replay: an own request did not match the policy state');
      this.logger.info(
        {
          messages: snapshot.messages,
          entries: outcome.entries,
          skipped: snapshot.skipped,
          pendingSignals: this.state.gathered.length,
          runsInFlight: this.state.runs.length,
          owedRequest: outcome.owed !== null,
          durationMs: Date.now() - started,
        },
        'retraining state rebuilt from the log; active',
      );
      this.setRole('active');
      this.problem = null;
      // Caught up: release what fell due while no instance was active, then what is due now.
      await this.serially(async () => {
        if (outcome.owed) await this.act(outcome.owed, 'replay');
        await this.tick();
      });
      if (leadership.reason !== null) return this.stopping ? null : leadership.reason;
      follower = await followRetrainingLog(
        this.kafka,
        this.serde,
        { ...this.options, from: snapshot.ends },
        {
          onEntry: (entry) =>
            this.serially(() => this.onEntry(entry)).catch((error: Error) =>
              this.endLeadership(`handling ${entry.signal.type} failed: ${error.message}`),
            ),
          onSkipped: (position, reason, detail) =>
            this.logger.warn({ ...position, reason, detail }, 'passing over a message'),
          onCrash: (error) => this.endLeadership(`the consumer stopped: ${error.message}`),
        },
      );
      const reason = await leadership.ended;
      this.logger.info({ reason }, 'retraining orchestrator stepping down');
      return this.stopping ? null : reason;
    } finally {
      leadership.reason ??= 'the term ended';
      this.leadership = null;
      clearInterval(lockCheck);
      this.clearTimer();
      await follower?.stop().catch(() => undefined);
      // A publication in hand lands before the lock goes, so the next instance replays it.
      await this.queue;
      await this.lock.release();
      this.state = INITIAL_RETRAINING_STATE;
      this.envelopes.clear();
      this.metrics.pendingSignals.set(0);
      this.setRole('standby');
    }
  }

  private endLeadership(reason: string): void {
    const leadership = this.leadership;
    if (!leadership || leadership.reason !== null) return;
    leadership.reason = reason;
    leadership.end(reason);
  }

  private get acting(): boolean {
    return this.leadership !== null && this.leadership.reason === null && this.role === 'active';
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async onEntry(entry: RetrainingEntry): Promise<void> {
    if (!this.acting) return;
    const step = stepEntry(this.state, entry, this.options.policy);
    this.state = step.state;
    this.remember(entry);
    if (step.absorbed)
      this.logger.warn(
        {
          runId: 'runId' in entry.signal ? entry.signal.runId : null,
          released: step.absorbed.decision.kind,
          mismatch: step.absorbed.mismatch,
        },
        'another orchestrator instance requested a run; its triggers are taken as in flight',
      );
    await this.act(step.decision, entry);
  }

  /** A tick at wall-clock now: releases a request whose time has come. */
  private async tick(): Promise<void> {
    if (!this.acting) return;
    const step = stepRetrainingPolicy(
      this.state,
      { type: 'Tick', at: Date.now() },
      this.options.policy,
    );
    this.state = step.state;
    await this.act(step.decision, 'tick');
  }

  /** Every decision: one log line and a count; then request, schedule a tick, or nothing. */
  private async act(
    decision: RetrainingDecision,
    cause: RetrainingEntry | 'tick' | 'replay',
  ): Promise<void> {
    if (!this.acting) return;
    this.prune();
    this.metrics.pendingSignals.set(this.state.gathered.length);
    this.metrics.decisions.inc({ decision: decision.kind });
    this.logger.info(
      {
        decision: decision.kind,
        why: decision.why,
        ...(decision.kind === 'wait' ? { until: new Date(decision.until).toISOString() } : {}),
        ...(decision.kind === 'request'
          ? { reason: decision.reason, triggeredBy: decision.triggeredBy }
          : {}),
        after: typeof cause === 'string' ? cause : describeEntry(cause),
        pendingSignals: this.state.gathered.length,
      },
      'retraining decision',
    );
    switch (decision.kind) {
      case 'request':
        await this.request(decision);
        return;
      case 'wait':
        this.schedule(decision.until);
        return;
      case 'ignore':
        return;
      default: {
        const unknown: never = decision;
        throw new Error(`unknown retraining decision ${JSON.stringify(unknown)}`);
      }
    }
  }

  private async request(decision: RequestDecision): Promise<void> {
    // Only the holder publishes: a lock lost without notice is found out here, not after.
    await this.lock.confirm();
    const now = Date.now();
    const runId = runIdFor(
      this.options.modelName,
      decision.reason,
      now,
      randomBytes(4).toString('hex'),
    );
    const envelope = newEnvelope('TrainingRequested', {
      producer: this.options.producer,
      causedBy: causeOf(decision, this.envelopes) ?? undefined,
      occurredAt: now,
    });
    const event = trainingRequestOf(decision, {
      envelope,
      runId,
      now,
      settings: this.options,
    });
    await this.publisher.publish('TrainingRequested', runId, event);
    this.logger.info(
      {
        runId,
        reason: event.reason,
        triggers: event.triggeredBy.length,
        task: event.task,
        correlationId: envelope.correlationId,
        causationId: envelope.causationId,
      },
      'training requested',
    );
  }

  /** One timer, for the latest wait: the policy re-decides on every signal anyway. */
  private schedule(until: number): void {
    this.clearTimer();
    const delay = Math.min(Math.max(0, until - Date.now()), LONGEST_TIMER_MS);
    const handle = setTimeout(() => {
      this.timer = null;
      this.serially(() => this.tick()).catch((error: Error) =>
        this.endLeadership(`a tick failed: ${error.message}`),
      );
    }, delay);
    this.timer = { handle, at: until };
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer.handle);
    this.timer = null;
  }

  private remember(entry: RetrainingEntry): void {
    const eventId = triggerIdOf(entry);
    if (eventId !== null) this.envelopes.set(eventId, entry.envelope);
  }

  /** Keeps only the envelopes of signals the state still holds. */
  private prune(): void {
    const held = new Set([
      ...this.state.gathered.map((signal) => signal.eventId),
      ...this.state.runs.flatMap((run) => run.triggeredBy.map((signal) => signal.eventId)),
    ]);
    for (const eventId of this.envelopes.keys())
      if (!held.has(eventId)) this.envelopes.delete(eventId);
  }

  private setRole(role: OrchestratorRole): void {
    if (this.role === role) return;
    this.role = role;
    this.roleSince = Date.now();
    this.metrics.active.set(role === 'active' ? 1 : 0);
    this.logger.info({ role }, `retraining orchestrator ${role}`);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
