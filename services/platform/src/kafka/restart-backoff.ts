/** How long to wait before replacing a crashed consumer: doubling from `initialMs`, capped. */
export interface RestartBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * The delay before the restart that follows the `failures`-th crash in a row (1 = the first).
 * Capped low on purpose: a broker that comes back should find its consumers within seconds.
 */
export function nextRestartDelay(failures: number, backoff: RestartBackoff): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** exponent);
}

/**
 * When to bring back something that crashed (a consumer, a client): one timer, and a count of
 * failures in a row that sets the backoff. The owner checks in `restart` whether it still wants
 * it (it may have closed meanwhile) and calls `cancel` when it closes.
 */
export class RestartSchedule {
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly backoff: RestartBackoff) {}

  /** Failures since the last success. */
  get failuresInARow(): number {
    return this.failures;
  }

  /**
   * Counts one more failure and runs `restart` after its backoff, replacing any restart already
   * scheduled. Returns the delay.
   */
  schedule(restart: () => void | Promise<void>): number {
    this.failures += 1;
    const delayMs = nextRestartDelay(this.failures, this.backoff);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void restart(), delayMs);
    return delayMs;
  }

  /** The thing runs again: the next failure starts from the initial delay. */
  succeeded(): void {
    this.failures = 0;
  }

  /** Drops the pending restart (the owner is closing). */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
