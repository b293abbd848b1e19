import { rocAuc } from '@readmit/ml';
import { rocCurve } from './roc-curve';
import { versionCurves } from './version-curves';

/** Trapezoid area under the curve's points. */
const area = (points: ReturnType<typeof rocCurve>) =>
  points
    .slice(1)
    .reduce(
      (sum, point, index) =>
        sum +
        ((point.falsePositiveRate - points[index].falsePositiveRate) *
          (point.truePositiveRate + points[index].truePositiveRate)) /
          2,
      0,
    );

describe('ROC curve points', () => {
  it('runs from (0,0) to (1,1), one step per distinct score, with the area rocAuc reports', () => {
    const labels = [1, 0, 1, 1, 0, 0, 1, 0];
    const scores = [0.9, 0.8, 0.7, 0.7, 0.7, 0.3, 0.2, 0.1];
    const curve = rocCurve(labels, scores);
    expect(curve[0]).toEqual({ falsePositiveRate: 0, truePositiveRate: 0 });
    expect(curve.at(-1)).toEqual({ falsePositiveRate: 1, truePositiveRate: 1 });
    expect(curve).toHaveLength(1 + 6);
    expect(area(curve)).toBeCloseTo(rocAuc(labels, scores), 12);
  });

  it('is empty with one class only, and thins long curves keeping both ends', () => {
    expect(rocCurve([1, 1], [0.2, 0.3])).toEqual([]);
    const n = 1_000;
    const labels = Array.from({ length: n }, (_, index) => index % 2);
    const scores = Array.from({ length: n }, (_, index) => index / n);
    const curve = rocCurve(labels, scores, 50);
    expect(curve).toHaveLength(50);
    expect(curve[0]).toEqual({ falsePositiveRate: 0, truePositiveRate: 0 });
    expect(curve.at(-1)).toEqual({ falsePositiveRate: 1, truePositiveRate: 1 });
  });
});

describe('a version’s live curves', () => {
  it('draws nothing from too few labelled predictions, and ROC plus non-empty calibration bins otherwise', () => {
    expect(versionCurves('v1', Uint8Array.from([1, 0]), Float64Array.from([0.8, 0.2]))).toEqual({
      version: 'v1',
      labelled: 2,
      positives: 1,
      rocAuc: null,
      roc: [],
      calibration: [],
    });
    const labels = Uint8Array.from({ length: 40 }, (_, index) => (index < 15 ? 1 : 0));
    const scores = Float64Array.from({ length: 40 }, (_, index) => (index < 15 ? 0.75 : 0.25));
    const curves = versionCurves('v2', labels, scores);
    expect(curves.rocAuc).toBe(1);
    expect(curves.calibration.map((bin) => [bin.lower, bin.count, bin.observedRate])).toEqual([
      [0.2, 25, 0],
      [0.7, 15, 1],
    ]);
  });
});
