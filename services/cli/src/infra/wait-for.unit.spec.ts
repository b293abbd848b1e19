import { waitFor } from './wait-for';

/** A probe that answers once `after` calls have been made. */
function answersAfter(after: number): () => Promise<boolean> {
  let calls = 0;
  return async () => ++calls > after;
}

describe('waitFor', () => {
  it('returns as soon as the probe answers', async () => {
    await expect(
      waitFor('server', answersAfter(2), { timeoutMs: 1_000, intervalMs: 1 }),
    ).resolves.toBeUndefined();
  });

  it('gives up after timeoutMs when nothing shows progress', async () => {
    await expect(
      waitFor('kafka', async () => false, { timeoutMs: 30, intervalMs: 5 }),
    ).rejects.toThrow(/^kafka: no answer within 0 s$/);
  });

  it('stops at once when the process is gone', async () => {
    await expect(
      waitFor('kafka', async () => false, {
        timeoutMs: 10_000,
        intervalMs: 1,
        isFatal: () => 'the process exited during start-up',
      }),
    ).rejects.toThrow('kafka: the process exited during start-up');
  });

  it('keeps waiting past timeoutMs while the progress mark moves, and says so', async () => {
    let mark = 0;
    const told: number[] = [];
    // The probe answers after ~200 ms, well past the 40 ms without progress allowed.
    const started = Date.now();
    await waitFor('kafka', async () => Date.now() - started > 200, {
      timeoutMs: 40,
      intervalMs: 5,
      progressMark: () => ++mark,
      onStillStarting: (waited) => told.push(waited),
    });
    expect(told.length).toBeGreaterThan(0);
    expect(told[0]).toBeGreaterThan(40);
  });

  it('gives up once progress stops, naming how long it waited', async () => {
    let mark = 0;
    const started = Date.now();
    // Progress for ~100 ms, then none.
    await expect(
      waitFor('kafka', async () => false, {
        timeoutMs: 40,
        intervalMs: 5,
        progressMark: () => (Date.now() - started < 100 ? ++mark : mark),
      }),
    ).rejects.toThrow(/^kafka: no answer within \d+ s/);
  });

  it('gives up at maxTimeoutMs even while the mark moves', async () => {
    let mark = 0;
    await expect(
      waitFor('kafka', async () => false, {
        timeoutMs: 20,
        maxTimeoutMs: 80,
        intervalMs: 5,
        progressMark: () => ++mark,
      }),
    ).rejects.toThrow('kafka: no answer within 0 s, though still working');
  });
});
