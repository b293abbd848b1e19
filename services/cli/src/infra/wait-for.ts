import { createConnection } from 'node:net';

/** Polls `probe` until it returns true or the deadline passes; no fixed sleeps. */
export async function waitFor(
  description: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; isFatal?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 250;
  for (;;) {
    if (await probe().catch(() => false)) return;
    const fatal = options.isFatal?.();
    if (fatal) throw new Error(`${description}: ${fatal}`);
    if (Date.now() > deadline) {
      throw new Error(`${description}: no answer within ${Math.round(options.timeoutMs / 1000)} s`);
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
