/**
 * Token bucket: at most `ratePerSecond` units on average, bursts up to `burst`. Pure: the time
 * comes in as an argument and the answer is how long to wait, so the throttle is testable
 * without a clock.
 */
export class TokenBucket {
  private tokens: number;
  private last: number | null = null;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number = ratePerSecond,
  ) {
    if (!(ratePerSecond > 0)) throw new Error('a token bucket needs a positive rate');
    if (!(burst > 0)) throw new Error('a token bucket needs a positive burst');
    this.tokens = burst;
  }

  /**
   * Takes `units` at `nowMs` and returns the milliseconds to wait before using them (0 when
   * the bucket holds enough). A request larger than the burst is allowed: it runs the bucket
   * into debt, which the following waits repay, so the average rate still holds.
   */
  take(units: number, nowMs: number): number {
    if (this.last !== null)
      this.tokens = Math.min(
        this.burst,
        this.tokens + ((nowMs - this.last) / 1000) * this.ratePerSecond,
      );
    this.last = nowMs;
    this.tokens -= units;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.ratePerSecond) * 1000);
  }
}
