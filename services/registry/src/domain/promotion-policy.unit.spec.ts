import {
  DEFAULT_PROMOTION_POLICY,
  judgeCandidate,
  type ModelEvidence,
  type SubgroupEvidence,
} from './promotion-policy';

const group = (name: string, auc: number, count = 200): SubgroupEvidence => ({
  attribute: 'race',
  group: name,
  count,
  metrics: { roc_auc: auc },
});

const evidence = (
  version: string,
  auc: number,
  brier: number,
  groups: SubgroupEvidence[] = [],
  holdoutId = 'h1',
): ModelEvidence => ({
  version,
  holdoutId,
  metrics: { roc_auc: auc, brier },
  subgroupMetrics: groups,
});

const champion = evidence('v1', 0.65, 0.1, [
  group('Caucasian', 0.66),
  group('AfricanAmerican', 0.63),
]);

describe('judgeCandidate', () => {
  it('promotes a candidate that beats the champion on every rule, recording each value', () => {
    const verdict = judgeCandidate(
      evidence('v2', 0.67, 0.099, [group('Caucasian', 0.68), group('AfricanAmerican', 0.62)]),
      champion,
      true,
    );
    expect(verdict.kind).toBe('promote');
    expect(verdict.reason).toBe('beats v1 on every rule');
    expect(verdict.criteria.map((rule) => [rule.name, rule.passed])).toEqual([
      ['artifact_verified', true],
      ['same_holdout', true],
      ['holdout_auc_margin', true],
      ['brier_tolerance', true],
      ['subgroup_auc_drop', true],
    ]);
    expect(verdict.criteria[2]).toMatchObject({
      candidate: 0.67,
      champion: 0.65,
      threshold: 0.005,
    });
    expect(verdict.criteria[4]).toMatchObject({
      candidate: 0.62,
      champion: 0.63,
      detail: 'largest drop in race=AfricanAmerican',
    });
  });

  it('rejects a candidate whose AUC gain is inside the margin', () => {
    const verdict = judgeCandidate(evidence('v2', 0.653, 0.1), champion, true);
    expect(verdict).toMatchObject({ kind: 'reject', reason: 'failed holdout_auc_margin' });
  });

  it('rejects worse calibration beyond the tolerance, even with a better AUC', () => {
    const verdict = judgeCandidate(evidence('v2', 0.7, 0.103), champion, true);
    expect(verdict).toMatchObject({ kind: 'reject', reason: 'failed brier_tolerance' });
  });

  it('rejects a subgroup AUC drop beyond the tolerance, ignoring subgroups too small to judge', () => {
    const hurtsOne = evidence('v2', 0.7, 0.09, [
      group('Caucasian', 0.72),
      group('AfricanAmerican', 0.57),
    ]);
    expect(judgeCandidate(hurtsOne, champion, true)).toMatchObject({
      kind: 'reject',
      reason: 'failed subgroup_auc_drop',
    });
    const tiny = evidence('v2', 0.7, 0.09, [group('AfricanAmerican', 0.4, 10)]);
    expect(judgeCandidate(tiny, champion, true).kind).toBe('promote');
  });

  it('does not judge a subgroup with too few positives (or negatives), however many rows it has', () => {
    const withRate = (name: string, auc: number, count: number, positiveRate: number) => ({
      ...group(name, auc, count),
      metrics: { roc_auc: auc, positive_rate: positiveRate },
    });
    // The same holdout rows for both models, so the same class counts.
    const judged = (positiveRate: number) =>
      judgeCandidate(
        evidence('v2', 0.7, 0.09, [withRate('[0-10)', 0.4, 153, positiveRate)]),
        evidence('v1', 0.65, 0.1, [withRate('[0-10)', 0.7, 153, positiveRate)]),
        true,
      );
    // 153 children, 2 readmitted: an AUC from two positives.
    expect(judged(2 / 153).kind).toBe('promote');
    expect(judged(150 / 153).kind).toBe('promote');
    expect(judged(30 / 153)).toMatchObject({
      kind: 'reject',
      reason: 'failed subgroup_auc_drop',
    });
  });

  it('refuses to compare models judged on different holdouts, and unverified artifacts', () => {
    const elsewhere = evidence('v2', 0.8, 0.05, [], 'h2');
    expect(judgeCandidate(elsewhere, champion, true)).toMatchObject({
      kind: 'reject',
      reason: 'failed same_holdout',
    });
    expect(judgeCandidate(evidence('v2', 0.8, 0.05), champion, false)).toMatchObject({
      kind: 'reject',
      reason: 'failed artifact_verified',
    });
  });

  it('promotes a first model that is verified and better than chance, and no other', () => {
    expect(judgeCandidate(evidence('v1', 0.6, 0.1), null, true)).toMatchObject({
      kind: 'promote',
      reason: 'first model: verified and better than chance',
    });
    expect(judgeCandidate(evidence('v1', 0.49, 0.1), null, true).kind).toBe('reject');
  });

  it('in manual mode, waits for a person even when every rule passes', () => {
    const verdict = judgeCandidate(evidence('v2', 0.7, 0.09), champion, true, {
      ...DEFAULT_PROMOTION_POLICY,
      mode: 'manual',
    });
    expect(verdict.kind).toBe('await-approval');
    expect(verdict.criteria.every((rule) => rule.passed)).toBe(true);
  });
});
