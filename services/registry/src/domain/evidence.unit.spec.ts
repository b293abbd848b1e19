import { EXAMPLE_EVENTS, type TrainingCompleted } from '@readmit/contracts';
import { candidateEvidence, championEvidence, compareVersions } from './evidence';
import { judgeCandidate } from './promotion-policy';

const run = (
  version: string,
  auc: number,
  holdoutId: string,
  championEvaluation: TrainingCompleted['championEvaluation'] = null,
): TrainingCompleted => ({
  ...EXAMPLE_EVENTS.TrainingCompleted,
  modelVersion: version,
  artifactSha256: `sha-${version}`,
  metrics: { roc_auc: auc, brier: 0.2 },
  subgroupMetrics: [
    { attribute: 'gender', group: 'Female', count: 300, metrics: { roc_auc: auc } },
  ],
  lineage: { ...EXAMPLE_EVENTS.TrainingCompleted.lineage, holdoutId },
  championEvaluation,
});

const evaluationOf = (version: string, auc: number, sha = `sha-${version}`) => ({
  version,
  artifactSha256: sha,
  threshold: 0.3,
  metrics: { roc_auc: auc, brier: 0.21 },
  subgroupMetrics: [
    { attribute: 'gender', group: 'Female', count: 300, metrics: { roc_auc: auc } },
  ],
});

describe('evidence for the promotion policy', () => {
  const champion = run('v1', 0.7, 'h1');

  it('judges the champion on the candidate holdout when the trainer scored it there', () => {
    const candidate = run('v2', 0.69, 'h2', evaluationOf('v1', 0.66));
    const evidence = championEvidence(candidate, champion);
    expect(evidence).toEqual({
      version: 'v1',
      holdoutId: 'h2',
      metrics: { roc_auc: 0.66, brier: 0.21 },
      subgroupMetrics: candidate.championEvaluation?.subgroupMetrics,
    });
    // On the same rows the candidate wins, though the champion did better on its own holdout.
    expect(judgeCandidate(candidateEvidence(candidate), evidence, true).kind).toBe('promote');
  });

  it("falls back to the champion's own holdout (so the policy refuses) when the evaluation is of another version or artifact", () => {
    for (const evaluation of [
      null,
      evaluationOf('v0', 0.5),
      evaluationOf('v1', 0.5, 'sha-other'),
    ]) {
      const candidate = run('v2', 0.8, 'h2', evaluation);
      const evidence = championEvidence(candidate, champion);
      expect(evidence).toEqual(candidateEvidence(champion));
      const verdict = judgeCandidate(candidateEvidence(candidate), evidence, true);
      expect(verdict.kind).toBe('reject');
      expect(verdict.reason).toBe('failed same_holdout');
    }
  });
});

describe('comparing two versions', () => {
  it('uses the evaluation of a on b holdout when there is one', () => {
    const comparison = compareVersions(
      run('v1', 0.7, 'h1'),
      run('v2', 0.69, 'h2', evaluationOf('v1', 0.66)),
    );
    expect(comparison).toMatchObject({
      a: 'v1',
      b: 'v2',
      sameHoldout: true,
      basis: 'champion-evaluation',
    });
    expect(comparison.metrics.find((entry) => entry.metric === 'roc_auc')).toEqual({
      metric: 'roc_auc',
      a: 0.66,
      b: 0.69,
      delta: expect.closeTo(0.03, 10),
    });
    expect(comparison.subgroups).toEqual([
      {
        group: 'gender=Female',
        metric: 'roc_auc',
        a: 0.66,
        b: 0.69,
        delta: expect.closeTo(0.03, 10),
      },
    ]);
  });

  it('says when the holdouts differ, and shows metrics only one side has as null deltas', () => {
    const b = { ...run('v2', 0.69, 'h2'), metrics: { roc_auc: 0.69, pr_auc: 0.4 } };
    const comparison = compareVersions(run('v1', 0.7, 'h1'), b);
    expect(comparison).toMatchObject({ sameHoldout: false, basis: 'different-holdouts' });
    expect(comparison.metrics.map((entry) => [entry.metric, entry.delta === null])).toEqual([
      ['brier', true],
      ['pr_auc', true],
      ['roc_auc', false],
    ]);
    expect(compareVersions(run('v1', 0.7, 'h1'), run('v3', 0.7, 'h1')).basis).toBe('same-holdout');
  });
});
