import { DEFAULT_DRIFT_THRESHOLDS } from '@readmit/ml';
import { loadConfig } from '@readmit/platform/config';
import { driftThresholdsOf, monitorEnvSchema, windowSettingsOf } from './monitor.config';

const load = (env: Record<string, string> = {}) => loadConfig('monitor', monitorEnvSchema, env);

describe('monitor configuration', () => {
  it('defaults to tumbling windows of 5,000 rows and the library thresholds', () => {
    const env = load();
    expect(env).toMatchObject({
      READMIT_MODEL_NAME: 'readmission',
      READMIT_DRIFT_WINDOW_ROWS: 5_000,
      READMIT_DRIFT_JOIN_MAX_PENDING: 100_000,
    });
    expect(windowSettingsOf(env)).toEqual({ rows: 5_000, slide: 5_000 });
    expect(driftThresholdsOf(env)).toEqual(DEFAULT_DRIFT_THRESHOLDS);
  });

  it('slides when asked: 5,000 rows assessed every 1,000', () => {
    const env = load({ READMIT_DRIFT_WINDOW_ROWS: '5000', READMIT_DRIFT_WINDOW_SLIDE: '1000' });
    expect(windowSettingsOf(env)).toEqual({ rows: 5_000, slide: 1_000 });
  });

  it('moves the severity bands with each low threshold, in their default ratios', () => {
    const thresholds = driftThresholdsOf(
      load({
        READMIT_DRIFT_NUMERIC_PSI_LOW: '0.2',
        READMIT_DRIFT_NUMERIC_WASSERSTEIN_LOW: '0.05',
        READMIT_DRIFT_CATEGORICAL_PSI_LOW: '0.15',
        READMIT_DRIFT_PREDICTION_PSI_LOW: '0.3',
        READMIT_DRIFT_AUC_DROP_LOW: '0.1',
        READMIT_DRIFT_BRIER_RISE_LOW: '0.03',
        READMIT_DRIFT_DATASET_SHARE: '0.5',
      }),
    );
    expect(thresholds.numeric.psi).toEqual({ low: 0.2, medium: 0.5, high: 1 });
    expect(thresholds.numeric.wasserstein).toEqual({ low: 0.05, medium: 0.125, high: 0.25 });
    expect(thresholds.categorical.psi.low).toBe(0.15);
    expect(thresholds.categorical.psi.medium).toBeCloseTo(0.375);
    expect(thresholds.prediction.psi.high).toBeCloseTo(1.5);
    expect(thresholds.performance.aucDrop).toEqual({ low: 0.1, medium: 0.16, high: 0.24 });
    expect(thresholds.performance.brierRise.medium).toBeCloseTo(0.06);
    expect(thresholds.datasetDriftShare).toBe(0.5);
    // What is not configurable keeps its default.
    expect(thresholds.alpha).toBe(DEFAULT_DRIFT_THRESHOLDS.alpha);
    expect(thresholds.numeric.decideBy).toBe('either');
  });

  it('applies the minimum window rows to labelled rows, with a tenth as minimum positives', () => {
    const thresholds = driftThresholdsOf(load({ READMIT_DRIFT_MIN_WINDOW_ROWS: '1000' }));
    expect(thresholds.minWindowRows).toBe(1_000);
    expect(thresholds.performance).toMatchObject({ minLabelled: 1_000, minPositives: 100 });
  });

  it('names every bad variable at once', () => {
    expect(() =>
      load({
        READMIT_DRIFT_WINDOW_ROWS: 'lots',
        READMIT_DRIFT_NUMERIC_PSI_LOW: '0',
        READMIT_DRIFT_DATASET_SHARE: '1.5',
      }),
    ).toThrow(
      /READMIT_DRIFT_WINDOW_ROWS: .*\n?.*READMIT_DRIFT_NUMERIC_PSI_LOW: must be above 0.*READMIT_DRIFT_DATASET_SHARE: must be at most 1/s,
    );
  });

  it('refuses a slide longer than the window and a window smaller than a verdict needs', () => {
    expect(() =>
      load({ READMIT_DRIFT_WINDOW_ROWS: '3000', READMIT_DRIFT_WINDOW_SLIDE: '4000' }),
    ).toThrow('READMIT_DRIFT_WINDOW_SLIDE: must be at most READMIT_DRIFT_WINDOW_ROWS (3000)');
    expect(() => load({ READMIT_DRIFT_WINDOW_ROWS: '1000' })).toThrow(
      'READMIT_DRIFT_MIN_WINDOW_ROWS: must be at most READMIT_DRIFT_WINDOW_ROWS (1000)',
    );
    expect(() =>
      load({ READMIT_DRIFT_WINDOW_ROWS: '1000', READMIT_DRIFT_MIN_WINDOW_ROWS: '500' }),
    ).not.toThrow();
  });
});
