import { calibrationTable, expectedCalibrationError } from './calibration';

describe('calibrationTable', () => {
  const labels = [0, 0, 1, 1, 1, 0];
  const scores = [0.05, 0.15, 0.12, 0.95, 1.0, 0.5];

  it('bins scores into equal-width bins and keeps empty bins', () => {
    const table = calibrationTable(labels, scores, 4);
    expect(table.map(({ lower, upper, count }) => [lower, upper, count])).toEqual([
      [0, 0.25, 3],
      [0.25, 0.5, 0],
      [0.5, 0.75, 1], // 0.5 sits on a boundary: bins are [lower, upper)
      [0.75, 1, 2], // the last bin includes a score of exactly 1
    ]);
    expect(table[0].meanScore).toBeCloseTo(0.32 / 3, 12);
    expect(table[0].observedRate).toBeCloseTo(1 / 3, 12);
    expect(table[1].meanScore).toBeNaN();
    expect(table[1].observedRate).toBeNaN();
    expect(table[2]).toMatchObject({ meanScore: 0.5, observedRate: 0 });
    expect(table[3].meanScore).toBeCloseTo(0.975, 12);
    expect(table[3].observedRate).toBe(1);
  });

  it('uses ten bins by default', () => {
    const table = calibrationTable(labels, scores);
    expect(table).toHaveLength(10);
    expect(table.map((bin) => bin.count)).toEqual([1, 2, 0, 0, 0, 1, 0, 0, 0, 2]);
  });

  it('puts a score on a bin boundary into the bin that starts there, despite rounding', () => {
    // 0.29 · 100 = 28.999… in floating point.
    const table = calibrationTable([1, 0, 1], [0.29, 0.57, 0.58], 100);
    expect(table[29]).toMatchObject({ lower: 0.29, count: 1 });
    expect(table[57]).toMatchObject({ lower: 0.57, count: 1 });
    expect(table[58]).toMatchObject({ lower: 0.58, count: 1 });
    expect(table.reduce((total, bin) => total + bin.count, 0)).toBe(3);
  });

  it('refuses invalid bin counts and scores outside [0, 1]', () => {
    expect(() => calibrationTable(labels, scores, 0)).toThrow(/bins/);
    expect(() => calibrationTable(labels, scores, 2.5)).toThrow(/bins/);
    expect(() => calibrationTable([1], [1.01])).toThrow(/probabilities/);
    expect(() => calibrationTable([], [])).toThrow(/at least one/);
  });
});

describe('expectedCalibrationError', () => {
  it('matches a value computed by hand', () => {
    // (3·|0.10667 − 0.33333| + 1·|0.5 − 0| + 2·|0.975 − 1|) / 6 = (0.68 + 0.5 + 0.05) / 6
    const table = calibrationTable([0, 0, 1, 1, 1, 0], [0.05, 0.15, 0.12, 0.95, 1.0, 0.5], 4);
    expect(expectedCalibrationError(table)).toBeCloseTo(0.205, 12);
  });

  it('is 0 when every bin predicts its observed rate', () => {
    const table = calibrationTable(
      [1, 0, 0, 0, 1, 1, 1, 0],
      [0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75],
    );
    expect(expectedCalibrationError(table)).toBeCloseTo(0, 12);
  });

  it('is NaN for a table without rows', () => {
    expect(expectedCalibrationError([])).toBeNaN();
  });
});
