import { rocAuc } from '@readmit/ml';
import { evaluateOnHoldout, type HoldoutRow } from './train-models';

/**
 * 120 holdout rows: races Caucasian / AfricanAmerican / missing (40 each), two genders (60 each),
 * age bands of 40, 40, 30 and 10 rows (the last too small to report). Scores rise in steps of
 * 0.1 and mostly agree with the labels; every 7th label is flipped so the model is imperfect.
 */
const ROWS = 120;
const AGE_OF_ROW = (row: number): string =>
  row < 40 ? '[70-80)' : row < 80 ? '[50-60)' : row < 110 ? '[0-10)' : '[90-100)';
const rows: HoldoutRow[] = Array.from({ length: ROWS }, (_, row) => ({
  encounter: {
    race: [null, 'Caucasian', 'AfricanAmerican'][row % 3],
    gender: row % 2 === 0 ? 'Female' : 'Male',
    age: AGE_OF_ROW(row),
  },
}));
const scores = Float64Array.from({ length: ROWS }, (_, row) => (row % 10) / 10 + 0.05);
const labels = Uint8Array.from({ length: ROWS }, (_, row) =>
  Number(row % 10 >= 5 !== (row % 7 === 0)),
);

describe('evaluateOnHoldout, the one judgement of a model on a holdout', () => {
  const atHalf = evaluateOnHoldout(rows, labels, scores, 0.5);

  it('reports the overall metrics of the scores, and nothing from validation', () => {
    expect(Object.keys(atHalf.metrics).sort()).toEqual([
      'brier',
      'expected_calibration_error',
      'f1',
      'log_loss',
      'positive_rate',
      'pr_auc',
      'precision',
      'recall',
      'roc_auc',
    ]);
    expect(atHalf.metrics.roc_auc).toBeCloseTo(rocAuc(labels, scores), 12);
    expect(atHalf.metrics.roc_auc).toBeGreaterThan(0.7);
    expect(atHalf.metrics.roc_auc).toBeLessThan(1);
    const brier = scores.reduce((sum, score, row) => sum + (score - labels[row]) ** 2, 0) / ROWS;
    expect(atHalf.metrics.brier).toBeCloseTo(brier, 12);
    expect(atHalf.metrics.positive_rate).toBeCloseTo(
      labels.reduce((sum, label) => sum + label, 0) / ROWS,
      12,
    );
  });

  it('reports groups of 30 or more, sorted by attribute then group, age bands in age order', () => {
    expect(
      atHalf.subgroupMetrics.map(({ attribute, group, count }) => [attribute, group, count]),
    ).toEqual([
      ['age_band', '[0-10)', 30],
      ['age_band', '[50-60)', 40],
      ['age_band', '[70-80)', 40],
      ['gender', 'Female', 60],
      ['gender', 'Male', 60],
      ['race', '(missing)', 40],
      ['race', 'AfricanAmerican', 40],
      ['race', 'Caucasian', 40],
    ]);
    const female = atHalf.subgroupMetrics.find((entry) => entry.group === 'Female');
    const femaleRows = [...rows.keys()].filter((row) => row % 2 === 0);
    expect(female?.metrics.roc_auc).toBeCloseTo(
      rocAuc(
        femaleRows.map((row) => labels[row]),
        femaleRows.map((row) => scores[row]),
      ),
      12,
    );
  });

  it('judges the labels at the threshold it is given; the ranking metrics do not depend on it', () => {
    const atNineTenths = evaluateOnHoldout(rows, labels, scores, 0.9);
    // At 0.5 rows scoring 0.55 and up are positive; at 0.9 only those scoring 0.95.
    expect(atHalf.metrics.recall).toBeGreaterThan(atNineTenths.metrics.recall);
    expect(atHalf.metrics.f1).not.toBeCloseTo(atNineTenths.metrics.f1, 6);
    expect(atNineTenths.metrics.roc_auc).toBe(atHalf.metrics.roc_auc);
    expect(atNineTenths.metrics.brier).toBe(atHalf.metrics.brier);
    const recallOf = (evaluation: typeof atHalf, group: string) =>
      evaluation.subgroupMetrics.find((entry) => entry.group === group)?.metrics.recall;
    expect(recallOf(atHalf, 'Male')).not.toBe(recallOf(atNineTenths, 'Male'));
  });
});
