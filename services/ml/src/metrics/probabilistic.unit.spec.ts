import { brierScore, logLoss } from './probabilistic';

describe('logLoss', () => {
  it('matches a value computed by hand', () => {
    // −(ln 0.9 + ln 0.8 + ln 0.6) / 3
    expect(logLoss([1, 0, 1], [0.9, 0.2, 0.6])).toBeCloseTo(0.279776564, 8);
  });

  it('is ln 2 for uninformative scores of 0.5', () => {
    expect(logLoss([0, 1, 1, 0], [0.5, 0.5, 0.5, 0.5])).toBeCloseTo(Math.LN2, 12);
  });

  it('clips confident mistakes to a large finite penalty', () => {
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 12);
    // The same penalty whichever class is missed: 1 − (1 − 1e-15) is not 1e-15 in floating point.
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log(1e-15), 12);
    expect(logLoss([0, 1], [1, 1])).toBeCloseTo(-Math.log(1e-15) / 2, 12);
    expect(logLoss([1], [0], 1e-3)).toBeCloseTo(-Math.log(1e-3), 12);
  });

  it('is near zero for confident correct scores', () => {
    expect(logLoss([1, 0], [1, 0])).toBeLessThan(1e-14);
  });

  it('refuses scores outside [0, 1] and a nonsensical epsilon', () => {
    expect(() => logLoss([1, 0], [1.2, 0.1])).toThrow(/probabilities in \[0, 1\] \(row 0 is 1.2\)/);
    expect(() => logLoss([1, 0], [0.5, Number.NaN])).toThrow(/row 1 is NaN/);
    expect(() => logLoss([1], [0.5], 0)).toThrow(/epsilon/);
    expect(() => logLoss([1], [0.5], 0.5)).toThrow(/epsilon/);
  });
});

describe('brierScore', () => {
  it('matches a value computed by hand', () => {
    // (0.1² + 0.2² + 0.4²) / 3 = 0.21 / 3
    expect(brierScore([1, 0, 1], [0.9, 0.2, 0.6])).toBeCloseTo(0.07, 12);
  });

  it('is 0 for perfect scores and 1 for perfectly wrong ones', () => {
    expect(brierScore([1, 0], [1, 0])).toBe(0);
    expect(brierScore([1, 0], [0, 1])).toBe(1);
  });

  it('refuses bad input', () => {
    expect(() => brierScore([1, 0], [0.5])).toThrow(/same length/);
    expect(() => brierScore([1, -1], [0.5, 0.5])).toThrow(/0 or 1/);
    expect(() => brierScore([1, 0], [0.5, -0.1])).toThrow(/probabilities/);
  });
});
