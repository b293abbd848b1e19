import type { Logger } from 'pino';
import { isBrokerUnavailable } from './broker-unavailable';
import { isRetriable } from './kafka-errors';

export interface RetryControl {
  /** False once the consumer is stopping or lost the partition: give up and let it be redelivered. */
  readonly shouldContinue: () => boolean;
  /** Keeps the group membership alive while we wait (kafkajs only heartbeats between calls). */
  readonly heartbeat: () => Promise<void>;
  readonly logger: Logger;
  readonly what: string;
  /** Told while the work retries in place, so readiness can say the consumer makes no progress. */
  readonly stalls?: StallReporter;
  /**
   * A try still running after this long counts as stalled too: with the broker away, one try of
   * a transaction can hang in the client's own retries for minutes before it fails.
   */
  readonly stalledAfterMs?: number;
}

/** Hears of work that retries in place: `stalled` at each failed try, `recovered` once it ends. */
export interface StallReporter {
  stalled(key: object, error: unknown): void;
  recovered(key: object): void;
}

export class RetryAbandoned extends Error {
  constructor(what: string) {
    super(`stopped retrying ${what}: the consumer is stopping or lost its partition`);
    this.name = 'RetryAbandoned';
  }
}

/**
 * Runs `attempt` until it succeeds. Retriable failures (a broker or registry that is down) are
 * retried with capped exponential backoff, heartbeating meanwhile; anything else is rethrown.
 */
export async function retryWhileRunning<T>(
  attempt: () => Promise<T>,
  control: RetryControl,
): Promise<T> {
  let delayMs = 100;
  const stallKey = {};
  let stalled = false;
  try {
    for (let tries = 1; ; tries++) {
      const slow =
        control.stalledAfterMs === undefined
          ? undefined
          : setTimeout(() => {
              stalled = true;
              control.stalls?.stalled(
                stallKey,
                new Error(`${control.what} has not finished after ${control.stalledAfterMs} ms`),
              );
            }, control.stalledAfterMs);
      try {
        return await attempt();
      } catch (error) {
        if (!isRetriable(error) && !isBrokerUnavailable(error)) throw error;
        stalled = true;
        control.stalls?.stalled(stallKey, error);
        control.logger.warn({ err: error, tries, retryInMs: delayMs }, `retrying ${control.what}`);
        const deadline = Date.now() + delayMs;
        while (Date.now() < deadline) {
          if (!control.shouldContinue()) throw new RetryAbandoned(control.what);
          await control.heartbeat();
          await new Promise((resolve) => setTimeout(resolve, Math.min(500, deadline - Date.now())));
        }
        delayMs = Math.min(delayMs * 2, 5_000);
      } finally {
        clearTimeout(slow);
      }
    }
  } finally {
    if (stalled) control.stalls?.recovered(stallKey);
  }
}
