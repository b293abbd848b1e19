import pino from 'pino';
import { RetriableKafkaError } from './kafka-errors';
import { RetryAbandoned, retryWhileRunning, type StallReporter } from './retry';

const logger = pino({ level: 'silent' });

/** Records what retryWhileRunning reports, as the supervised consumer would hold it. */
function stallRecorder() {
  const open = new Map<object, string>();
  const events: string[] = [];
  const reporter: StallReporter = {
    stalled: (key, error) => {
      open.set(key, String(error));
      events.push('stalled');
    },
    recovered: (key) => {
      open.delete(key);
      events.push('recovered');
    },
  };
  return { reporter, open, events };
}

describe('retryWhileRunning', () => {
  it('reports the work stalled while a retriable failure repeats, and recovered once it succeeds', async () => {
    const { reporter, open, events } = stallRecorder();
    let tries = 0;
    let openDuringSecondTry = 0;
    const result = await retryWhileRunning(
      async () => {
        tries += 1;
        if (tries === 2) openDuringSecondTry = open.size;
        if (tries < 3) throw new RetriableKafkaError('broker away');
        return 'done';
      },
      {
        shouldContinue: () => true,
        heartbeat: async () => undefined,
        logger,
        what: 'w',
        stalls: reporter,
      },
    );
    expect(result).toBe('done');
    expect(openDuringSecondTry).toBe(1);
    expect(events).toEqual(['stalled', 'stalled', 'recovered']);
    expect(open.size).toBe(0);
  });

  it('reports nothing when the first try succeeds, and recovers when the retry is abandoned', async () => {
    const first = stallRecorder();
    await retryWhileRunning(async () => 1, {
      shouldContinue: () => true,
      heartbeat: async () => undefined,
      logger,
      what: 'w',
      stalls: first.reporter,
    });
    expect(first.events).toEqual([]);

    const abandoned = stallRecorder();
    await expect(
      retryWhileRunning(
        async () => {
          throw new RetriableKafkaError('broker away');
        },
        {
          shouldContinue: () => false,
          heartbeat: async () => undefined,
          logger,
          what: 'w',
          stalls: abandoned.reporter,
        },
      ),
    ).rejects.toBeInstanceOf(RetryAbandoned);
    expect(abandoned.events).toEqual(['stalled', 'recovered']);
    expect(abandoned.open.size).toBe(0);
  });

  it('rethrows a failure that is not retriable without reporting a stall', async () => {
    const { reporter, events } = stallRecorder();
    await expect(
      retryWhileRunning(
        async () => {
          throw new TypeError('bug');
        },
        {
          shouldContinue: () => true,
          heartbeat: async () => undefined,
          logger,
          what: 'w',
          stalls: reporter,
        },
      ),
    ).rejects.toBeInstanceOf(TypeError);
    expect(events).toEqual([]);
  });

  it('reports a try that has not finished after stalledAfterMs as stalled, until it ends', async () => {
    const { reporter, open, events } = stallRecorder();
    let openWhileSlow = 0;
    const result = await retryWhileRunning(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 60));
        openWhileSlow = open.size;
        return 'late';
      },
      {
        shouldContinue: () => true,
        heartbeat: async () => undefined,
        logger,
        what: 'a transaction',
        stalls: reporter,
        stalledAfterMs: 20,
      },
    );
    expect(result).toBe('late');
    expect(openWhileSlow).toBe(1);
    expect(events).toEqual(['stalled', 'recovered']);
    expect(open.size).toBe(0);
  });
});
