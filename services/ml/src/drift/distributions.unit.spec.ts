import {
  chiSquareSurvival,
  kolmogorovSurvival,
  logGamma,
  normalSurvival,
  regularizedGammaP,
  regularizedGammaQ,
} from './distributions';

describe('logGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(logGamma(0.1)).toBeCloseTo(Math.log(9.513507698668732), 12);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 9); // ln(100!)
  });
});

describe('regularized incomplete gamma', () => {
  it('matches closed forms: P(1, x) = 1 − e^(−x), Q(1/2, x) = erfc(√x)', () => {
    for (const x of [0.01, 0.5, 1, 2, 10]) {
      expect(regularizedGammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 14);
      expect(regularizedGammaQ(1, x)).toBeCloseTo(Math.exp(-x), 14);
    }
    // erfc(1) = 0.15729920705028513; erfc(2) = 0.004677734981047266 (tabulated).
    expect(regularizedGammaQ(0.5, 1)).toBeCloseTo(0.15729920705028513, 13);
    expect(regularizedGammaQ(0.5, 4)).toBeCloseTo(0.004677734981047266, 14);
    expect(regularizedGammaP(3, 0)).toBe(0);
    expect(regularizedGammaQ(3, 0)).toBe(1);
  });

  it('refuses arguments outside its domain', () => {
    expect(() => regularizedGammaQ(0, 1)).toThrow(/a > 0/);
    expect(() => regularizedGammaP(1, -1)).toThrow(/x >= 0/);
  });
});

describe('chiSquareSurvival', () => {
  it('gives the tabulated 5% critical values', () => {
    expect(chiSquareSurvival(3.84, 1)).toBeCloseTo(0.05, 3);
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareSurvival(7.814727903251178, 3)).toBeCloseTo(0.05, 12);
    expect(chiSquareSurvival(18.307, 10)).toBeCloseTo(0.05, 5);
    expect(chiSquareSurvival(18.307038053275146, 10)).toBeCloseTo(0.05, 12);
  });

  it('matches the closed forms for even degrees of freedom', () => {
    // df 2: e^(−x/2). df 10: e^(−x/2) Σ_{i<5} (x/2)^i / i!, the Poisson tail.
    expect(chiSquareSurvival(3.111111, 2)).toBeCloseTo(Math.exp(-3.111111 / 2), 14);
    const half = 25 / 2;
    let poisson = 0;
    for (let i = 0, term = 1; i < 5; i++, term *= half / i) poisson += term;
    expect(chiSquareSurvival(25, 10)).toBeCloseTo(Math.exp(-half) * poisson, 14);
  });

  it('keeps precision deep in the tail and is 1 at zero', () => {
    expect(chiSquareSurvival(200, 2)).toBeCloseTo(0, 40);
    expect(chiSquareSurvival(200, 2) / Math.exp(-100)).toBeCloseTo(1, 10);
    expect(chiSquareSurvival(0, 4)).toBe(1);
    expect(() => chiSquareSurvival(1, 0)).toThrow(/degrees of freedom/);
  });
});

describe('kolmogorovSurvival', () => {
  it('gives the tabulated critical values of the Kolmogorov distribution', () => {
    // Quantiles of the limit distribution: λ(10%) = 1.22385, λ(5%) = 1.35810, λ(1%) = 1.62762.
    expect(kolmogorovSurvival(1.2238478702170825)).toBeCloseTo(0.1, 12);
    expect(kolmogorovSurvival(1.3580986393225505)).toBeCloseTo(0.05, 12);
    expect(kolmogorovSurvival(1.6276236115189504)).toBeCloseTo(0.01, 12);
  });

  it('agrees across the switch between its two series, and has the right limits', () => {
    // Q(1) = 2(e^−2 − e^−8 + e^−18 − …) = 0.26999967167735456.
    expect(kolmogorovSurvival(1)).toBeCloseTo(0.26999967167735456, 14);
    expect(kolmogorovSurvival(0.9999999)).toBeCloseTo(0.26999967167735456, 6);
    // Q(0.5) = 0.9639452436648751 from the theta-function form.
    expect(kolmogorovSurvival(0.5)).toBeCloseTo(0.9639452436648751, 14);
    expect(kolmogorovSurvival(0)).toBe(1);
    expect(kolmogorovSurvival(0.05)).toBe(1);
    // 2e^−200 = 2.77e-87: the upper tail keeps its precision.
    expect(kolmogorovSurvival(10) / (2 * Math.exp(-200))).toBeCloseTo(1, 12);
  });
});

describe('normalSurvival', () => {
  it('gives the standard normal upper tail', () => {
    expect(normalSurvival(0)).toBeCloseTo(0.5, 12);
    expect(normalSurvival(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalSurvival(2.326348)).toBeCloseTo(0.01, 6);
    expect(normalSurvival(-1.644854)).toBeCloseTo(0.95, 6);
    expect(normalSurvival(8)).toBeCloseTo(6.22e-16, 17);
  });
});
