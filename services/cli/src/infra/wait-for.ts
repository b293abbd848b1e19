import { createConnection } from 'node:net';

export interface WaitOptions {
  /** How long to wait for an answer without a sign of progress. */
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** A reason to stop waiting at once (the process exited), or undefined. */
  readonly isFatal?: () => string | undefined;
  /**
   * A mark that moves while the server works towards answering (its log's size). While it moves
   * the wait goes on, up to `maxTimeoutMs`: a broker loading thousands of partitions answers
   * after minutes, and giving up on it then would leave a half-started server.
   */
  readonly progressMark?: () => number | undefined;
  /** The longest wait whatever the progress; 5 × timeoutMs unless given. */
  readonly maxTimeoutMs?: number;
  /** Told, at most once per timeoutMs, that the wait goes on because of progress. */
  readonly onStillStarting?: (waitedMs: number) => void;
}

/** Polls `probe` until it returns true or the deadline passes; no fixed sleeps. */
export async function waitFor(
  description: string,
  probe: () => Promise<boolean>,
  options: WaitOptions,
): Promise<void> {
  const started = Date.now();
  const interval = options.intervalMs ?? 250;
  const maxTimeoutMs = options.maxTimeoutMs ?? options.timeoutMs * 5;
  let mark = options.progressMark?.();
  let lastProgress = started;
  let lastTold = started;
  for (;;) {
    if (await probe().catch(() => false)) return;
    const fatal = options.isFatal?.();
    if (fatal) throw new Error(`${description}: ${fatal}`);
    const now = Date.now();
    const nextMark = options.progressMark?.();
    if (nextMark !== mark) {
      mark = nextMark;
      lastProgress = now;
    }
    if (now - lastProgress > options.timeoutMs) {
      const waited = Math.round((now - started) / 1000);
      throw new Error(
        waited > Math.round(options.timeoutMs / 1000) + 1
          ? `${description}: no answer within ${waited} s (no progress in the last ${Math.round(options.timeoutMs / 1000)} s)`
          : `${description}: no answer within ${Math.round(options.timeoutMs / 1000)} s`,
      );
    }
    if (now - started > maxTimeoutMs) {
      throw new Error(
        `${description}: no answer within ${Math.round(maxTimeoutMs / 1000)} s, though still working`,
      );
    }
    if (now - started > options.timeoutMs && now - lastTold > options.timeoutMs) {
      lastTold = now;
      options.onStillStarting?.(now - started);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** True when something accepts TCP connections on host:port. */
export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when an HTTP GET of `url` answers with a 2xx status. */
export async function isHttpOk(url: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok;
  } catch {
    return false;
  }
}
