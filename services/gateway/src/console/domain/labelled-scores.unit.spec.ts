import { LabelledScores, labelOf } from './labelled-scores';

describe('LabelledScores: predictions joined to outcomes per version', () => {
  it('pairs each version’s score with the outcome, whichever arrived first', () => {
    const join = new LabelledScores(100);
    join.addOutcome(String(1), 'WITHIN_30_DAYS');
    join.addPrediction(String(1), 'v1', 0.8);
    join.addPrediction(String(1), 'v2', 0.6);
    join.addPrediction(String(2), 'v1', 0.1);
    join.addOutcome(String(2), 'NO');
    join.addPrediction(String(3), 'v1', 0.5); // no outcome yet
    const v1 = join.pairsOf('v1', 'ANY_READMISSION');
    expect([...v1.labels]).toEqual([1, 0]);
    expect([...v1.scores]).toEqual([0.8, 0.1]);
    expect([...join.pairsOf('v2', 'ANY_READMISSION').scores]).toEqual([0.6]);
  });

  it('labels by the version’s task and stays within its capacity', () => {
    expect(labelOf('AFTER_30_DAYS', 'ANY_READMISSION')).toBe(1);
    expect(labelOf('AFTER_30_DAYS', 'WITHIN_30_DAYS')).toBe(0);
    expect(labelOf('NO', 'ANY_READMISSION')).toBe(0);
    const join = new LabelledScores(2);
    for (const id of [1, 2, 3]) {
      join.addPrediction(String(id), 'v1', id / 10);
      join.addOutcome(String(id), 'NO');
    }
    expect([...join.pairsOf('v1', 'ANY_READMISSION').scores]).toEqual([0.2, 0.3]);
  });

  it('keeps a reported outcome over a derived one, whichever came first; corrections still apply', () => {
    const join = new LabelledScores(100);
    join.addPrediction('1', 'v1', 0.9);
    join.addPrediction('2', 'v1', 0.2);
    join.addOutcome('1', 'WITHIN_30_DAYS', 'REPORTED');
    join.addOutcome('1', 'NO', 'DERIVED');
    join.addOutcome('2', 'WITHIN_30_DAYS', 'DERIVED');
    join.addOutcome('2', 'NO', null);
    expect([...join.pairsOf('v1', 'ANY_READMISSION').labels]).toEqual([1, 0]);
    join.addOutcome('1', 'NO', 'REPORTED');
    expect([...join.pairsOf('v1', 'ANY_READMISSION').labels]).toEqual([0, 0]);
  });
});
