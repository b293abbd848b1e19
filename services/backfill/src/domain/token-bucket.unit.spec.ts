import { TokenBucket } from './token-bucket';

describe('token bucket', () => {
  it('lets a burst through, then spaces what follows at the rate', () => {
    const bucket = new TokenBucket(1_000, 500);
    expect(bucket.take(500, 0)).toBe(0);
    expect(bucket.take(500, 0)).toBe(500);
    // The debt is repaid by t = 500 ms; half a second later the bucket is full again.
    expect(bucket.take(500, 1_000)).toBe(0);
  });

  it('keeps the average rate when each request is larger than the burst', () => {
    const bucket = new TokenBucket(100, 10);
    let now = 0;
    for (let i = 0; i < 10; i += 1) now += bucket.take(50, now);
    // 500 units at 100/s: about 5 s, less the first burst.
    expect(now).toBeGreaterThanOrEqual(4_900);
    expect(now).toBeLessThanOrEqual(5_000);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new TokenBucket(0)).toThrow('positive rate');
  });
});
