import type { PromotionCriterion } from '@readmit/contracts';

/** How strict promotion is. Defaults are conservative for a clinical model. */
export interface PromotionPolicy {
  /** The candidate's holdout ROC-AUC must beat the champion's by at least this much. */
  readonly aucMargin: number;
  /** The candidate's Brier score may be worse than the champion's by at most this much. */
  readonly brierTolerance: number;
  /** No subgroup's ROC-AUC may fall below the champion's by more than this much. */
  readonly subgroupAucDropTolerance: number;
  /** Subgroups smaller than this on the holdout are too noisy to judge. */
  readonly minSubgroupCount: number;
  /**
   * …and so are subgroups with fewer positives or negatives than this: an AUC over a handful of
   * readmissions swings by more than any tolerance (two positives in 150 children, say).
   */
  readonly minSubgroupClassCount: number;
  /** manual: even a candidate that passes waits for a human to promote it. */
  readonly mode: 'automatic' | 'manual';
}

export const DEFAULT_PROMOTION_POLICY: PromotionPolicy = {
  aucMargin: 0.005,
  brierTolerance: 0.002,
  subgroupAucDropTolerance: 0.05,
  minSubgroupCount: 50,
  minSubgroupClassCount: 20,
  mode: 'automatic',
};

export interface SubgroupEvidence {
  readonly attribute: string;
  readonly group: string;
  readonly count: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** What a model is judged on: its metrics on a holdout, named by the holdout's digest. */
export interface ModelEvidence {
  readonly version: string;
  readonly holdoutId: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly subgroupMetrics: readonly SubgroupEvidence[];
}

export type PromotionVerdict =
  | { readonly kind: 'promote'; readonly reason: string; readonly criteria: PromotionCriterion[] }
  | {
      readonly kind: 'await-approval';
      readonly reason: string;
      readonly criteria: PromotionCriterion[];
    }
  | { readonly kind: 'reject'; readonly reason: string; readonly criteria: PromotionCriterion[] };

const criterion = (
  name: string,
  passed: boolean,
  values: { candidate?: number; champion?: number; threshold?: number; detail?: string } = {},
): PromotionCriterion => ({
  name,
  candidate: values.candidate ?? null,
  champion: values.champion ?? null,
  threshold: values.threshold ?? null,
  passed,
  detail: values.detail ?? null,
});

/** Whether a subgroup is large enough, in rows and in each class, for its AUC to mean something. */
function judgeable(group: SubgroupEvidence, policy: PromotionPolicy): boolean {
  if (group.count < policy.minSubgroupCount) return false;
  const rate = group.metrics.positive_rate;
  if (rate === undefined) return true;
  const positives = Math.round(rate * group.count);
  return Math.min(positives, group.count - positives) >= policy.minSubgroupClassCount;
}

/**
 * Judges a candidate against the champion, every rule recorded with the values it was judged on
 * (they go into ModelPromoted / ModelRejected). The champion's evidence must come from the same
 * holdout as the candidate's, or the comparison means nothing. Without a champion, a verified
 * candidate with a holdout AUC above chance is promoted.
 */
export function judgeCandidate(
  candidate: ModelEvidence,
  champion: ModelEvidence | null,
  artifactVerified: boolean,
  policy: PromotionPolicy = DEFAULT_PROMOTION_POLICY,
): PromotionVerdict {
  const criteria: PromotionCriterion[] = [
    criterion('artifact_verified', artifactVerified, {
      detail: artifactVerified ? 'sha256 matches' : 'the artifact is missing or its sha256 differs',
    }),
  ];
  const auc = candidate.metrics.roc_auc;
  if (!champion) {
    criteria.push(
      criterion('better_than_chance', auc > 0.5, {
        candidate: auc,
        threshold: 0.5,
        detail: 'no champion yet',
      }),
    );
  } else {
    const sameHoldout = candidate.holdoutId === champion.holdoutId;
    criteria.push(
      criterion('same_holdout', sameHoldout, {
        detail: sameHoldout
          ? candidate.holdoutId
          : `${candidate.holdoutId} vs ${champion.holdoutId}`,
      }),
    );
    const championAuc = champion.metrics.roc_auc;
    criteria.push(
      criterion('holdout_auc_margin', auc >= championAuc + policy.aucMargin, {
        candidate: auc,
        champion: championAuc,
        threshold: policy.aucMargin,
      }),
    );
    const brier = candidate.metrics.brier;
    const championBrier = champion.metrics.brier;
    criteria.push(
      criterion('brier_tolerance', brier <= championBrier + policy.brierTolerance, {
        candidate: brier,
        champion: championBrier,
        threshold: policy.brierTolerance,
      }),
    );
    // The subgroup that lost the most AUC is the one recorded.
    let worst: { drop: number; group: string; candidate: number; champion: number } | null = null;
    for (const group of candidate.subgroupMetrics) {
      if (!judgeable(group, policy)) continue;
      const theirs = champion.subgroupMetrics.find(
        (other) => other.attribute === group.attribute && other.group === group.group,
      );
      const mine = group.metrics.roc_auc;
      const before = theirs?.metrics.roc_auc;
      if (before === undefined || mine === undefined) continue;
      const drop = before - mine;
      if (!worst || drop > worst.drop)
        worst = {
          drop,
          group: `${group.attribute}=${group.group}`,
          candidate: mine,
          champion: before,
        };
    }
    criteria.push(
      worst
        ? criterion('subgroup_auc_drop', worst.drop <= policy.subgroupAucDropTolerance, {
            candidate: worst.candidate,
            champion: worst.champion,
            threshold: policy.subgroupAucDropTolerance,
            detail: `largest drop in ${worst.group}`,
          })
        : criterion('subgroup_auc_drop', true, {
            detail: 'no subgroup large enough on both sides',
          }),
    );
  }
  const failed = criteria.filter((rule) => !rule.passed);
  if (failed.length > 0)
    return {
      kind: 'reject',
      reason: `failed ${failed.map((rule) => rule.name).join(', ')}`,
      criteria,
    };
  if (policy.mode === 'manual')
    return {
      kind: 'await-approval',
      reason: 'passed every rule; manual mode waits for a person',
      criteria,
    };
  return {
    kind: 'promote',
    reason: champion
      ? `beats ${champion.version} on every rule`
      : 'first model: verified and better than chance',
    criteria,
  };
}
