import { chooseThresholdByF1 } from './threshold-selection';
import { thresholdMetrics } from './threshold';

describe('chooseThresholdByF1', () => {
  it('finds the threshold of best F1 among the scores', () => {
    const labels = [0, 0, 0, 1, 0, 1, 1, 1];
    const scores = [0.1, 0.2, 0.3, 0.35, 0.4, 0.6, 0.7, 0.9];
    const chosen = chooseThresholdByF1(labels, scores);
    // At 0.35: 4 true positives, 1 false positive, no misses: F1 = 8/9, the best possible here.
    expect(chosen.threshold).toBe(0.35);
    expect(chosen.f1).toBeCloseTo(8 / 9, 10);
    for (const other of scores)
      expect(thresholdMetrics(labels, scores, other).f1).toBeLessThanOrEqual(chosen.f1);
  });
});
