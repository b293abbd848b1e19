import { calibrationTable } from './calibration';
import { brierScore, logLoss } from './probabilistic';
import { prAuc, rocAuc } from './ranking';
import { classificationReport } from './report';
import { thresholdMetrics } from './threshold';

describe('classificationReport', () => {
  const labels = [0, 0, 1, 1];
  const scores = [0.1, 0.4, 0.35, 0.8];

  it('gathers every metric, computed as the individual functions do', () => {
    const report = classificationReport(labels, scores, 0.5);
    expect(report.count).toBe(4);
    expect(report.positives).toBe(2);
    expect(report.rocAuc).toBeCloseTo(0.75, 12);
    expect(report.prAuc).toBeCloseTo(5 / 6, 12);
    expect(report.logLoss).toBe(logLoss(labels, scores));
    expect(report.brier).toBe(brierScore(labels, scores));
    expect(report.atThreshold).toEqual(thresholdMetrics(labels, scores, 0.5));
    expect(report.atThreshold).toMatchObject({ truePositives: 1, falseNegatives: 1 });
    expect(report.calibration).toEqual(calibrationTable(labels, scores));
    // Bins: 0.1 (obs 0), 0.35 (obs 1), 0.4 (obs 0), 0.8 (obs 1) → (0.1+0.65+0.4+0.2)/4.
    expect(report.expectedCalibrationError).toBeCloseTo(0.3375, 12);
    expect(report.rocAuc).toBe(rocAuc(labels, scores));
    expect(report.prAuc).toBe(prAuc(labels, scores));
  });

  it('accepts a calibration bin count', () => {
    expect(classificationReport(labels, scores, 0.5, 5).calibration).toHaveLength(5);
  });

  it('reports NaN ranking metrics for a single class instead of failing', () => {
    const report = classificationReport([0, 0, 0], [0.1, 0.2, 0.3], 0.5);
    expect(report.positives).toBe(0);
    expect(report.rocAuc).toBeNaN();
    expect(report.prAuc).toBeNaN();
    expect(report.atThreshold.trueNegatives).toBe(3);
  });

  it('refuses bad input', () => {
    expect(() => classificationReport([0, 1], [0.1], 0.5)).toThrow(/same length/);
    expect(() => classificationReport([0, 1], [0.1, 2], 0.5)).toThrow(/probabilities/);
  });
});
