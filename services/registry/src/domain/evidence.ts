import type { ChampionEvaluation } from '@readmit/contracts';
import type { ModelEvidence, SubgroupEvidence } from './promotion-policy';

/** What a training run reported that models are judged on (a TrainingCompleted fits). */
export interface TrainingEvidence {
  readonly modelVersion: string;
  readonly artifactSha256: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly subgroupMetrics: readonly SubgroupEvidence[];
  readonly lineage: { readonly holdoutId: string };
  readonly championEvaluation: ChampionEvaluation | null;
}

/** A candidate's evidence: its own holdout metrics, named by the holdout's digest. */
export function candidateEvidence(training: TrainingEvidence): ModelEvidence {
  return {
    version: training.modelVersion,
    holdoutId: training.lineage.holdoutId,
    metrics: training.metrics,
    subgroupMetrics: training.subgroupMetrics,
  };
}

/**
 * The champion's evidence for judging a candidate: the champion scored on the candidate's own
 * holdout when the trainer did so (the same version and artifact that is champion now), else the
 * champion's metrics on its own holdout, which the policy refuses to compare (same_holdout).
 */
export function championEvidence(
  candidate: TrainingEvidence,
  champion: TrainingEvidence,
): ModelEvidence {
  const evaluation = candidate.championEvaluation;
  if (
    evaluation &&
    evaluation.version === champion.modelVersion &&
    evaluation.artifactSha256 === champion.artifactSha256
  )
    return {
      version: champion.modelVersion,
      holdoutId: candidate.lineage.holdoutId,
      metrics: evaluation.metrics,
      subgroupMetrics: evaluation.subgroupMetrics,
    };
  return candidateEvidence(champion);
}

export interface MetricComparison {
  readonly metric: string;
  readonly a: number | null;
  readonly b: number | null;
  /** b − a, when both are known. */
  readonly delta: number | null;
}

export interface VersionComparison {
  readonly a: string;
  readonly b: string;
  /** Whether the metrics come from the same holdout rows, so the deltas mean something. */
  readonly sameHoldout: boolean;
  /** Where b's metrics for a come from: a's own run, or a scored on b's holdout. */
  readonly basis: 'same-holdout' | 'champion-evaluation' | 'different-holdouts';
  readonly metrics: readonly MetricComparison[];
  readonly subgroups: ReadonlyArray<MetricComparison & { readonly group: string }>;
}

function compareMaps(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
): MetricComparison[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return names.map((metric) => {
    const left = a[metric] ?? null;
    const right = b[metric] ?? null;
    return {
      metric,
      a: left,
      b: right,
      delta: left === null || right === null ? null : right - left,
    };
  });
}

/**
 * Two versions side by side. When b's run scored a on its holdout, that evaluation is used for
 * a, so both columns come from the same rows.
 */
export function compareVersions(a: TrainingEvidence, b: TrainingEvidence): VersionComparison {
  const viaEvaluation =
    b.championEvaluation?.version === a.modelVersion &&
    b.championEvaluation.artifactSha256 === a.artifactSha256;
  const left = viaEvaluation ? championEvidence(b, a) : candidateEvidence(a);
  const right = candidateEvidence(b);
  const sameHoldout = left.holdoutId === right.holdoutId;
  const key = (group: { attribute: string; group: string }) => `${group.attribute}=${group.group}`;
  const leftGroups = new Map(left.subgroupMetrics.map((group) => [key(group), group.metrics]));
  const rightGroups = new Map(right.subgroupMetrics.map((group) => [key(group), group.metrics]));
  const groups = [...new Set([...leftGroups.keys(), ...rightGroups.keys()])].sort();
  return {
    a: a.modelVersion,
    b: b.modelVersion,
    sameHoldout,
    basis: viaEvaluation
      ? 'champion-evaluation'
      : sameHoldout
        ? 'same-holdout'
        : 'different-holdouts',
    metrics: compareMaps(left.metrics, right.metrics),
    subgroups: groups.flatMap((group) =>
      compareMaps(leftGroups.get(group) ?? {}, rightGroups.get(group) ?? {})
        .filter((entry) => entry.metric === 'roc_auc')
        .map((entry) => ({ ...entry, group })),
    ),
  };
}
