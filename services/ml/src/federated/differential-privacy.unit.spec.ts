import { boostingPrivacy, epsilonOf, gaussianNoise, gaussianRho } from './differential-privacy';

describe('differential privacy accounting', () => {
  it('composes Gaussian releases in zCDP and states them as (ε, δ)', () => {
    expect(gaussianRho(10)).toBeCloseTo(0.005, 15);
    expect(epsilonOf(0.5, 1e-5)).toBeCloseTo(0.5 + 2 * Math.sqrt(0.5 * Math.log(1e5)), 12);
    // 10 trees of depth 3: 40 releases per row, 3 components each.
    const spent = boostingPrivacy({ trees: 10, maxDepth: 3, noiseMultiplier: 10, delta: 1e-5 });
    expect(spent.rho).toBeCloseTo(40 * 3 * 0.005, 12);
    expect(spent.epsilon).toBeCloseTo(epsilonOf(0.6, 1e-5), 12);
    // More noise, less spent; more trees, more.
    const quieter = boostingPrivacy({ trees: 10, maxDepth: 3, noiseMultiplier: 20, delta: 1e-5 });
    const longer = boostingPrivacy({ trees: 40, maxDepth: 3, noiseMultiplier: 10, delta: 1e-5 });
    expect(quieter.epsilon).toBeLessThan(spent.epsilon);
    expect(longer.epsilon).toBeGreaterThan(spent.epsilon);
  });

  it('refuses a noise multiplier or δ that means nothing', () => {
    expect(() => gaussianRho(0)).toThrow(/positive/);
    expect(() => epsilonOf(1, 0)).toThrow(/delta/);
  });

  it('draws standard normal noise', () => {
    const draws = gaussianNoise(100_001);
    expect(draws).toHaveLength(100_001);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(variance) - 1)).toBeLessThan(0.02);
    // Tails as a normal's: about 4.6% beyond 2σ.
    const beyond = draws.filter((value) => Math.abs(value) > 2).length / draws.length;
    expect(beyond).toBeGreaterThan(0.04);
    expect(beyond).toBeLessThan(0.052);
  });
});
