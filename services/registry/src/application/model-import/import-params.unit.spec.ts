import { parseImportParams } from './import-params';

describe('parseImportParams', () => {
  it('reads the feature spec, task, threshold, time, framework and claimed metrics', () => {
    expect(
      parseImportParams({
        featureSpec: 'fs1-d60fd1af2cdf8401',
        task: 'any',
        threshold: '0.25',
        asOf: '2026-12-01T00:00:00Z',
        framework: 'lightgbm',
        'claimed.roc_auc': '0.71',
      }),
    ).toEqual({
      ok: true,
      value: {
        featureSpecId: 'fs1-d60fd1af2cdf8401',
        task: 'ANY_READMISSION',
        threshold: 0.25,
        asOf: Date.UTC(2026, 11, 1),
        framework: 'lightgbm',
        claimedMetrics: { roc_auc: 0.71 },
      },
    });
  });

  it('defaults to the 30-day task, a threshold chosen on validation, now, and no claims', () => {
    expect(parseImportParams({ featureSpec: 'fs1-d60fd1af2cdf8401' })).toEqual({
      ok: true,
      value: {
        featureSpecId: 'fs1-d60fd1af2cdf8401',
        task: 'WITHIN_30_DAYS',
        threshold: null,
        asOf: null,
        framework: 'unknown',
        claimedMetrics: {},
      },
    });
  });

  it('names every bad field at once', () => {
    const parsed = parseImportParams({
      task: 'soon',
      threshold: '1.5',
      'claimed.roc_auc': 'high',
      'claimed.Bad-Name': '1',
      surprise: 'x',
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.map((error) => error.field).sort()).toEqual(
      [
        'claimed.Bad-Name',
        'claimed.roc_auc',
        'featureSpec',
        'surprise',
        'task',
        'threshold',
      ].sort(),
    );
  });

  it('refuses a feature spec that is not an export id', () => {
    const parsed = parseImportParams({ featureSpec: '../../etc/passwd' });
    expect(parsed).toMatchObject({ ok: false, errors: [{ field: 'featureSpec' }] });
  });
});
