import { categoryCounts, populationStabilityIndex } from './population-stability-index';

describe('populationStabilityIndex', () => {
  it('is zero for identical distributions, whatever their sizes', () => {
    expect(populationStabilityIndex([10, 20, 70], [100, 200, 700])).toBeCloseTo(0, 12);
  });

  it('matches a value computed by hand', () => {
    // (0.3-0.5)ln(0.3/0.5) + (0.7-0.5)ln(0.7/0.5) = 0.1022 + 0.0673 = 0.16946
    expect(populationStabilityIndex([50, 50], [30, 70])).toBeCloseTo(0.169462, 5);
  });

  it('is symmetric and grows with the shift', () => {
    const small = populationStabilityIndex([50, 50], [45, 55]);
    const large = populationStabilityIndex([50, 50], [20, 80]);
    expect(populationStabilityIndex([45, 55], [50, 50])).toBeCloseTo(small, 12);
    expect(large).toBeGreaterThan(0.25);
    expect(small).toBeLessThan(0.1);
  });

  it('stays finite when a bin is empty on one side', () => {
    expect(Number.isFinite(populationStabilityIndex([0, 100], [10, 90]))).toBe(true);
  });

  it('refuses mismatched bins', () => {
    expect(() => populationStabilityIndex([1, 2], [1, 2, 3])).toThrow(/same bins/);
  });
});

describe('categoryCounts', () => {
  it('counts values into the given categories, missing values under (missing)', () => {
    expect([...categoryCounts(['a', 'b', 'a', null, 'z'], ['a', 'b', '(missing)'])]).toEqual([
      2, 1, 1,
    ]);
  });
});
