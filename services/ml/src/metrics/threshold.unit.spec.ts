import { thresholdMetrics } from './threshold';

describe('thresholdMetrics', () => {
  const labels = [0, 0, 1, 1, 1, 0];
  const scores = [0.1, 0.6, 0.5, 0.9, 0.3, 0.5];

  it('counts the confusion matrix with an inclusive threshold', () => {
    // Flagged (>= 0.5): 0.6 neg, 0.5 pos, 0.9 pos, 0.5 neg. Not flagged: 0.1 neg, 0.3 pos.
    const metrics = thresholdMetrics(labels, scores, 0.5);
    expect(metrics).toMatchObject({
      threshold: 0.5,
      truePositives: 2,
      falsePositives: 2,
      trueNegatives: 1,
      falseNegatives: 1,
      precision: 0.5,
      accuracy: 0.5,
    });
    expect(metrics.recall).toBeCloseTo(2 / 3, 12);
    expect(metrics.f1).toBeCloseTo(4 / 7, 12); // 2·(1/2)·(2/3) / (1/2 + 2/3)
  });

  it('flags everyone at threshold 0', () => {
    expect(thresholdMetrics(labels, scores, 0)).toMatchObject({
      truePositives: 3,
      falsePositives: 3,
      trueNegatives: 0,
      falseNegatives: 0,
      precision: 0.5,
      recall: 1,
    });
  });

  it('reports 0 rather than NaN when a ratio has no denominator', () => {
    const nobodyFlagged = thresholdMetrics(labels, scores, 0.95);
    expect(nobodyFlagged).toMatchObject({ truePositives: 0, falsePositives: 0, precision: 0 });
    expect(nobodyFlagged.recall).toBe(0);
    expect(nobodyFlagged.f1).toBe(0);
    expect(nobodyFlagged.accuracy).toBe(0.5);

    const noPositives = thresholdMetrics([0, 0], [0.2, 0.8], 0.5);
    expect(noPositives).toMatchObject({ recall: 0, precision: 0, f1: 0, accuracy: 0.5 });
  });

  it('refuses a NaN threshold and bad input', () => {
    expect(() => thresholdMetrics(labels, scores, Number.NaN)).toThrow(/threshold/);
    expect(() => thresholdMetrics([1], [0.5, 0.5], 0.5)).toThrow(/same length/);
    expect(() => thresholdMetrics([3], [0.5], 0.5)).toThrow(/0 or 1/);
  });
});
