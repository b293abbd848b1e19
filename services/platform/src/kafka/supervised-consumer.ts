import { randomUUID } from 'node:crypto';
import type { Consumer, ConsumerConfig, ConsumerRunConfig, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ReadinessRegistry } from '../health/readiness';
import { RestartSchedule, type RestartBackoff } from './restart-backoff';
import type { StallReporter } from './retry';

export interface SupervisedConsumerSpec {
  /** Names the consumer in logs and in readiness (`consumer:<name>`). */
  readonly name: string;
  readonly config: ConsumerConfig;
  readonly topics: readonly string[];
  readonly fromBeginning?: boolean;
  /** What each incarnation of the consumer runs (built anew for every kafkajs consumer). */
  readonly run: (consumer: Consumer) => ConsumerRunConfig;
  /** Called on every new kafkajs consumer before it connects, e.g. to listen to its events. */
  readonly onCreated?: (consumer: Consumer) => void;
  /** Called once each incarnation runs (its group joined), e.g. to seek to where the last one was. */
  readonly onRunning?: (consumer: Consumer) => void | Promise<void>;
  /** A consumer the service cannot work without: `/ready` is false while it is not in its group. */
  readonly readiness?: ReadinessRegistry;
  readonly backoff?: RestartBackoff;
  /**
   * How long a consumer in its group may go without a fetch while no batch is in hand before
   * readiness calls it stalled (default 20 s; an idle consumer fetches every maxWaitTime, 5 s).
   */
  readonly fetchStaleMs?: number;
}

/** Where a supervised consumer is in its life. */
export type ConsumerState =
  | 'idle' // not started yet
  | 'starting' // connecting, subscribing, joining
  | 'running' // in its group, fetching
  | 'restarting' // crashed; a new consumer is on its way
  | 'stopped';

const DEFAULT_BACKOFF: RestartBackoff = { initialMs: 500, maxMs: 3_000 };

/**
 * A kafkajs consumer that comes back. kafkajs restarts a crashed consumer only after errors it
 * deems retriable; after others (e.g. "Failed to find group coordinator" once a broker has been
 * away longer than the client's retry budget) it disconnects and stays down while the process
 * lives on. Here every crash leads to a new consumer with the same group and handlers, retried
 * with capped backoff until it runs or `stop()` is called. Offsets come from the group (or from
 * `onRunning` seeks), so nothing is skipped; handlers see redeliveries as after any rebalance.
 */
export class SupervisedConsumer implements StallReporter {
  private consumer: Consumer | undefined;
  private currentState: ConsumerState = 'idle';
  private lastError: string | undefined;
  private readonly restartSchedule: RestartSchedule;
  private restarts = 0;
  private joinListeners: Array<() => void> = [];
  /** Work of this consumer retrying in place, with its last error (see retryWhileRunning). */
  private readonly stalls = new Map<object, string>();
  /** Batches being handled right now, and when the consumer last fetched, joined or handled one. */
  private batchesInHand = 0;
  private lastActivityAt = 0;

  /**
   * Static membership (KIP-345) for every incarnation: a consumer that replaces a crashed one
   * takes its place in the group at once. With a new member id instead, a broker that comes
   * back still holds the crashed member (its leave never arrived) and the group waits out that
   * member's whole session (30 s) before anyone consumes. Unique per supervisor unless the spec
   * gives one that is stable across processes (scoring's instance id).
   */
  private readonly groupInstanceId: string;

  constructor(
    private readonly kafka: Kafka,
    private readonly spec: SupervisedConsumerSpec,
    private readonly logger: Logger,
  ) {
    this.groupInstanceId = spec.config.groupInstanceId ?? `${spec.name}-${randomUUID()}`;
    this.restartSchedule = new RestartSchedule(spec.backoff ?? DEFAULT_BACKOFF);
  }

  get state(): ConsumerState {
    return this.currentState;
  }

  /** How many times a crashed consumer has been replaced. */
  get restartCount(): number {
    return this.restarts;
  }

  /** The kafkajs consumer of the current incarnation (for pause, resume and seek). */
  get current(): Consumer | undefined {
    return this.consumer;
  }

  /**
   * A handler of this consumer retries in place (the broker or the registry does not answer): the
   * consumer is in its group but makes no progress, and readiness says so until it recovers.
   */
  stalled(key: object, error: unknown): void {
    this.stalls.set(key, error instanceof Error ? error.message : String(error));
  }

  recovered(key: object): void {
    this.stalls.delete(key);
  }

  /** Called on every join of the group by every incarnation (rebalances included). */
  onGroupJoin(listener: () => void): void {
    this.joinListeners.push(listener);
  }

  /**
   * Starts the first consumer; resolves once it runs. A first start that fails is thrown (the
   * service cannot start); later incarnations are retried until they run.
   */
  async start(): Promise<void> {
    if (this.currentState !== 'idle') return;
    this.spec.readiness?.register(`consumer:${this.spec.name}`, async () => {
      if (this.currentState !== 'running')
        throw new Error(
          `consumer ${this.spec.name} is ${this.currentState}${this.lastError ? ` (${this.lastError})` : ''}`,
        );
      const quietMs = Date.now() - this.lastActivityAt;
      if (this.batchesInHand === 0 && quietMs > (this.spec.fetchStaleMs ?? 20_000))
        throw new Error(
          `consumer ${this.spec.name} has not fetched for ${Math.round(quietMs / 1000)} s`,
        );
      const stall = [...this.stalls.values()].pop();
      if (stall !== undefined)
        throw new Error(`consumer ${this.spec.name} is retrying in place (${stall})`);
    });
    await this.incarnate();
  }

  async stop(): Promise<void> {
    if (this.currentState === 'stopped') return;
    this.currentState = 'stopped';
    this.restartSchedule.cancel();
    this.spec.readiness?.unregister(`consumer:${this.spec.name}`);
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private async incarnate(): Promise<void> {
    this.currentState = 'starting';
    const consumer = this.kafka.consumer({
      ...this.spec.config,
      groupInstanceId: this.groupInstanceId,
      // Every restart goes through here, so readiness and backoff are ours to tell.
      retry: { ...(this.spec.config.retry ?? { retries: 5 }), restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.consumer !== consumer || this.currentState === 'stopped') return;
      this.currentState = 'running';
      this.lastActivityAt = Date.now();
      this.restartSchedule.succeeded();
      this.lastError = undefined;
      for (const listener of this.joinListeners) listener();
    });
    consumer.on(consumer.events.FETCH, () => {
      if (this.consumer === consumer) this.lastActivityAt = Date.now();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.consumer !== consumer) return;
      this.crashed(payload.error);
    });
    this.spec.onCreated?.(consumer);
    try {
      await consumer.connect();
      await consumer.subscribe({
        topics: [...this.spec.topics],
        fromBeginning: this.spec.fromBeginning ?? true,
      });
      await consumer.run(this.tracked(this.spec.run(consumer)));
      // A stop() while joining: leave the group rather than keep running unseen.
      if (this.consumer !== consumer) {
        await consumer.disconnect();
        return;
      }
      await this.spec.onRunning?.(consumer);
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      if (this.consumer !== consumer) return;
      if (this.restarts === 0 && this.restartSchedule.failuresInARow === 0) {
        // The first start: let the service fail fast with the reason.
        this.currentState = 'idle';
        this.consumer = undefined;
        throw error;
      }
      this.crashed(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** The run config with its handlers counted, so readiness knows a quiet consumer is busy. */
  private tracked(run: ConsumerRunConfig): ConsumerRunConfig {
    const inHand = async <T>(handle: () => Promise<T>): Promise<T> => {
      this.batchesInHand += 1;
      try {
        return await handle();
      } finally {
        this.batchesInHand -= 1;
        this.lastActivityAt = Date.now();
      }
    };
    const { eachBatch, eachMessage } = run;
    return {
      ...run,
      eachBatch: eachBatch && ((payload) => inHand(() => eachBatch(payload))),
      eachMessage: eachMessage && ((payload) => inHand(() => eachMessage(payload))),
    };
  }

  private crashed(error: Error): void {
    if (this.currentState === 'stopped' || this.currentState === 'restarting') return;
    this.currentState = 'restarting';
    this.lastError = error.message;
    const crashed = this.consumer;
    const delayMs = this.restartSchedule.schedule(async () => {
      await crashed?.disconnect().catch(() => undefined);
      if (this.currentState !== 'restarting') return;
      this.restarts += 1;
      await this.incarnate().catch((restartError: unknown) =>
        this.crashed(
          restartError instanceof Error ? restartError : new Error(String(restartError)),
        ),
      );
    });
    this.logger.error(
      {
        consumer: this.spec.name,
        err: error,
        failures: this.restartSchedule.failuresInARow,
        restartInMs: delayMs,
      },
      'consumer crashed; starting a new one',
    );
  }
}
