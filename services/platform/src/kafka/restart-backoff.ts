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
