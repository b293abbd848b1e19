import type { ReadmissionClass } from '@readmit/contracts';
import {
  brierScore,
  pairedAucComparison,
  populationStabilityIndex,
  rocAuc,
  targetLabels,
  type PairedAucComparison,
  type ReadmissionTarget,
} from '@readmit/ml';
import { scoreDistribution, type ScoreDistribution } from './score-distribution';

/** One model version's scores over a range of history (one backfill's predictions). */
export interface VersionScores {
  readonly version: string;
  /** The threshold its predictions were labelled at. */
  readonly threshold: number;
  /** What it predicts: which readmission classes count as positive outcomes. */
  readonly target: ReadmissionTarget;
  /** Score by encounter pseudonym. */
  readonly scores: ReadonlyMap<string, number>;
}

export interface VersionSummary {
  readonly version: string;
  readonly threshold: number;
  readonly target: ReadmissionTarget;
  /** Over every encounter this version scored. */
  readonly distribution: ScoreDistribution;
}

/** A version's quality on the labelled encounters. */
export interface LabelledMetrics {
  readonly positives: number;
  /** NaN when the labelled encounters hold a single class. */
  readonly rocAuc: number;
  /** Brier score: mean squared difference between score and outcome (lower is better). */
  readonly brier: number;
}

export interface OutcomeComparison {
  /** Encounters scored by both versions whose outcome is known: the metrics are over them. */
  readonly labelled: number;
  readonly a: LabelledMetrics;
  readonly b: LabelledMetrics;
  /**
   * DeLong's paired test of AUC_B − AUC_A over the same encounters and labels; null when the
   * versions predict different targets (their labels differ, so there is no pairing).
   */
  readonly aucDifference: PairedAucComparison | null;
}

/** Two versions over the same history: each one's scores, how they differ, how they do. */
export interface VersionComparison {
  readonly a: VersionSummary;
  readonly b: VersionSummary;
  /** Encounters scored by both versions. */
  readonly both: number;
  /** Encounters scored by one version only (refused by the other, or outside its range). */
  readonly onlyA: number;
  readonly onlyB: number;
  /** PSI of B's scores against A's over the ten score bins; null when either has none. */
  readonly psi: number | null;
  /** Mean |score_B − score_A| over the encounters both scored; null when there are none. */
  readonly meanAbsoluteDifference: number | null;
  /** The share of encounters both scored that get the same label (each at its own threshold). */
  readonly labelAgreement: number | null;
  /** Null when no encounter scored by both has a known outcome. */
  readonly outcomes: OutcomeComparison | null;
}

/**
 * Compares version B with version A (the reference) over the encounters they scored, with the
 * outcomes known so far (readmission class by encounter pseudonym). Pure: the caller reads the logs.
 */
export function compareVersions(
  a: VersionScores,
  b: VersionScores,
  outcomes: ReadonlyMap<string, ReadmissionClass>,
): VersionComparison {
  const shared: string[] = [];
  for (const encounterId of a.scores.keys())
    if (b.scores.has(encounterId)) shared.push(encounterId);
  // In encounter order: the sums (and so the last digits) do not depend on the log's read order.
  shared.sort();
  const summaryA = summary(a);
  const summaryB = summary(b);
  let absoluteDifference = 0;
  let agreeing = 0;
  for (const encounterId of shared) {
    const scoreA = a.scores.get(encounterId) ?? Number.NaN;
    const scoreB = b.scores.get(encounterId) ?? Number.NaN;
    absoluteDifference += Math.abs(scoreB - scoreA);
    if (scoreA >= a.threshold === scoreB >= b.threshold) agreeing += 1;
  }
  return {
    a: summaryA,
    b: summaryB,
    both: shared.length,
    onlyA: a.scores.size - shared.length,
    onlyB: b.scores.size - shared.length,
    psi:
      summaryA.distribution.count > 0 && summaryB.distribution.count > 0
        ? populationStabilityIndex(
            summaryA.distribution.histogram.counts,
            summaryB.distribution.histogram.counts,
          )
        : null,
    meanAbsoluteDifference: shared.length > 0 ? absoluteDifference / shared.length : null,
    labelAgreement: shared.length > 0 ? agreeing / shared.length : null,
    outcomes: compareOnOutcomes(a, b, shared, outcomes),
  };
}

function summary(version: VersionScores): VersionSummary {
  return {
    version: version.version,
    threshold: version.threshold,
    target: version.target,
    distribution: scoreDistribution(Float64Array.from(version.scores.values()), version.threshold),
  };
}

function compareOnOutcomes(
  a: VersionScores,
  b: VersionScores,
  shared: readonly string[],
  outcomes: ReadonlyMap<string, ReadmissionClass>,
): OutcomeComparison | null {
  const labelled = shared.filter((encounterId) => outcomes.has(encounterId));
  if (labelled.length === 0) return null;
  const classes = labelled.map((encounterId) => outcomes.get(encounterId) ?? 'NO');
  const scoresA = Float64Array.from(labelled, (encounterId) => a.scores.get(encounterId) ?? 0);
  const scoresB = Float64Array.from(labelled, (encounterId) => b.scores.get(encounterId) ?? 0);
  const labelsA = targetLabels(classes, a.target);
  const labelsB = targetLabels(classes, b.target);
  return {
    labelled: labelled.length,
    a: labelledMetrics(labelsA, scoresA),
    b: labelledMetrics(labelsB, scoresB),
    aucDifference: a.target === b.target ? pairedAucComparison(labelsA, scoresA, scoresB) : null,
  };
}

function labelledMetrics(labels: Uint8Array, scores: Float64Array): LabelledMetrics {
  return {
    positives: labels.reduce((sum, label) => sum + label, 0),
    rocAuc: rocAuc(labels, scores),
    brier: brierScore(labels, scores),
  };
}
