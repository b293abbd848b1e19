import type { DriftKind, DriftSeverity } from '@readmit/contracts';
import {
  CATEGORICAL_INPUTS,
  NUMERIC_INPUTS,
  type EncounterInput,
} from '../features/encounter-features';
import { MISSING, OTHER } from '../features/feature-spec';
import { brierScore } from '../metrics/probabilistic';
import { rocAuc } from '../metrics/ranking';
import {
  DEFAULT_DRIFT_THRESHOLDS,
  type DriftThresholds,
  type SeverityBands,
} from './drift-thresholds';
import { normalSurvival } from './distributions';
import { populationStabilityIndex } from './population-stability-index';
import {
  binOf,
  histogram,
  type CategoricalHistogram,
  type NumericHistogram,
  type ReferenceProfile,
} from './reference-profile';
import {
  chiSquareHomogeneity,
  kolmogorovSmirnovBinned,
  normalisedWassersteinBinned,
  normalisedWassersteinNoise,
} from './statistics';

/** The `test` names of DriftDetected statistics. */
export type DriftTest = 'psi' | 'ks' | 'chi_square' | 'wasserstein' | 'auc_drop' | 'brier_rise';

/**
 * One measurement, shaped as a DriftDetected statistic. `threshold` and `drifted` are this test's
 * own verdict: for effect sizes (psi, wasserstein, auc_drop, brier_rise) the value against its
 * drift threshold; for ks and chi_square the p-value against alpha. Whether the *feature*
 * drifted is decided by its effect size only: see DriftReport.driftedFeatures.
 */
export interface DriftTestResult {
  readonly feature: string;
  readonly test: DriftTest;
  readonly value: number;
  readonly pValue: number | null;
  readonly threshold: number;
  readonly drifted: boolean;
}

interface DriftReportBase {
  readonly kind: DriftKind;
  readonly windowSize: number;
  /** True when the share of drifted features reached the configured share. */
  readonly datasetDrift: boolean;
  readonly driftedFeatures: readonly string[];
  readonly statistics: readonly DriftTestResult[];
}

/** A verdict: drift (with its severity, ready for a DriftDetected event) or stable. */
export type DriftReport =
  | (DriftReportBase & { readonly verdict: 'drift'; readonly severity: DriftSeverity })
  | (DriftReportBase & { readonly verdict: 'stable'; readonly severity: null });

/** No verdict: the window is too small (or unlabelled, or the reference lacks what's needed). */
export interface NoDriftVerdict {
  readonly kind: DriftKind;
  readonly verdict: 'insufficient';
  readonly windowSize: number;
  readonly why: string;
}

export type DriftAssessment = DriftReport | NoDriftVerdict;

/** A window's counts on the reference's bins and categories, ready to compare. */
export interface WindowProfile {
  readonly rows: number;
  /** Same names and edges as the reference's numeric histograms, in the same order. */
  readonly numeric: readonly NumericHistogram[];
  /**
   * Counts by the reference's categories; a value the reference never saw counts as "(other)"
   * and a missing one as "(missing)", even where the reference has no such category.
   */
  readonly categorical: readonly CategoricalHistogram[];
}

/** Counts a window of encounters on the reference's bins and categories. */
export function profileWindow(
  encounters: readonly EncounterInput[],
  reference: ReferenceProfile,
): WindowProfile {
  const numeric = reference.numeric.map((feature) => {
    const input = NUMERIC_INPUTS.find((candidate) => candidate.name === feature.name);
    if (!input)
      throw new Error(`The reference profile has an unknown numeric input '${feature.name}'`);
    const counts = new Array<number>(feature.edges.length + 1).fill(0);
    for (const encounter of encounters) counts[binOf(feature.edges, input.read(encounter))] += 1;
    return { name: feature.name, edges: feature.edges, counts };
  });
  const categorical = reference.categorical.map((feature) => {
    const input = CATEGORICAL_INPUTS.find((candidate) => candidate.name === feature.name);
    if (!input) {
      throw new Error(`The reference profile has an unknown categorical input '${feature.name}'`);
    }
    // A Map, not an object, in the hot loop: windows have 100,000 rows.
    const known = new Set(Object.keys(feature.counts));
    const tally = new Map<string, number>([...known].map((category) => [category, 0]));
    for (const encounter of encounters) {
      const value = input.read(encounter);
      const category = value === null ? MISSING : known.has(value) ? value : OTHER;
      tally.set(category, (tally.get(category) ?? 0) + 1);
    }
    const counts = Object.fromEntries(tally);
    return { name: feature.name, counts };
  });
  return { rows: encounters.length, numeric, categorical };
}

/**
 * Data drift: every input of the window against the reference. Numeric inputs get PSI, KS and
 * normalised Wasserstein; categorical ones PSI and chi-square. A feature drifts when its effect
 * size crosses its threshold (PSI, or normalised Wasserstein per `numeric.decideBy`), not on a
 * p-value: on windows of 100,000 rows every p-value is tiny for shifts nobody cares about, and
 * the p-values assume independent rows while returning patients repeat themselves. The p-values
 * are reported, and can be required on top (`requireSignificance`).
 */
export function compareWithReference(
  window: WindowProfile,
  reference: ReferenceProfile,
  thresholds: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS,
): DriftAssessment {
  if (window.rows < thresholds.minWindowRows) {
    return insufficient(
      'DATA',
      window.rows,
      `${window.rows} encounters in the window, fewer than ${thresholds.minWindowRows}`,
    );
  }
  const verdicts: FeatureVerdict[] = [];
  for (const referenceFeature of reference.numeric) {
    const windowFeature = window.numeric.find((entry) => entry.name === referenceFeature.name);
    if (!windowFeature) throw new Error(`The window has no counts for '${referenceFeature.name}'`);
    if (windowFeature.edges.join() !== referenceFeature.edges.join()) {
      throw new Error(
        `The window counts '${referenceFeature.name}' on other bins than the reference`,
      );
    }
    verdicts.push(compareNumeric(referenceFeature, windowFeature, thresholds));
  }
  for (const referenceFeature of reference.categorical) {
    const windowFeature = window.categorical.find((entry) => entry.name === referenceFeature.name);
    if (!windowFeature) throw new Error(`The window has no counts for '${referenceFeature.name}'`);
    verdicts.push(compareCategorical(referenceFeature, windowFeature, thresholds));
  }
  return report('DATA', window.rows, verdicts, thresholds.datasetDriftShare);
}

/**
 * Prediction drift: the window's scores against the model's holdout scores (reference.scores),
 * over the same ten bins. PSI decides; KS is reported. A shift of the scores with stable inputs
 * points at the model or its serving, one with drifted inputs at the population.
 */
export function comparePredictions(
  scores: ArrayLike<number>,
  reference: ReferenceProfile,
  thresholds: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS,
): DriftAssessment {
  if (!reference.scores) {
    return insufficient('PREDICTION', scores.length, 'the reference profile has no holdout scores');
  }
  if (scores.length < thresholds.minWindowRows) {
    return insufficient(
      'PREDICTION',
      scores.length,
      `${scores.length} scores in the window, fewer than ${thresholds.minWindowRows}`,
    );
  }
  const window = histogram('score', reference.scores.edges, Array.from(scores));
  const psi = populationStabilityIndex(reference.scores.counts, window.counts);
  const ks = kolmogorovSmirnovBinned(reference.scores.counts, window.counts);
  const bands = thresholds.prediction.psi;
  const significant = ks.pValue < thresholds.alpha;
  const effect = effectOf(psi, bands);
  const verdict: FeatureVerdict = {
    ...decide('score', [effect], significant, thresholds.requireSignificance),
    statistics: [
      {
        feature: 'score',
        test: 'psi',
        value: psi,
        pValue: null,
        threshold: bands.low,
        drifted: effect.drifted,
      },
      {
        feature: 'score',
        test: 'ks',
        value: ks.statistic,
        pValue: ks.pValue,
        threshold: thresholds.alpha,
        drifted: significant,
      },
    ],
  };
  return report('PREDICTION', scores.length, [verdict], thresholds.datasetDriftShare);
}

/** The champion's metrics on its own holdout, as its TrainingCompleted reported them. */
export interface HoldoutMetrics {
  readonly rocAuc: number;
  readonly brier: number;
  /** Rows in the holdout, when known: its metrics' own uncertainty then enters the verdict. */
  readonly rows?: number;
}

/**
 * Performance drift on a labelled window (scores whose outcomes are now known): the drop of
 * ROC AUC and the rise of the Brier score from the holdout's. The statistics are named by
 * metric ('roc_auc', 'brier'), and so are the "drifted features". No verdict below the minimum
 * of labelled rows or positives: AUC on a few dozen readmissions is noise.
 */
export function comparePerformance(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  holdout: HoldoutMetrics,
  thresholds: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS,
): DriftAssessment {
  const { aucDrop, brierRise, minLabelled, minPositives } = thresholds.performance;
  if (labels.length !== scores.length) {
    throw new Error(
      `Labels and scores must have the same length (got ${labels.length} and ${scores.length})`,
    );
  }
  let positives = 0;
  for (let row = 0; row < labels.length; row++) positives += labels[row];
  if (labels.length < minLabelled) {
    return insufficient(
      'PERFORMANCE',
      labels.length,
      `${labels.length} labelled rows, fewer than ${minLabelled}`,
    );
  }
  if (positives < minPositives) {
    return insufficient(
      'PERFORMANCE',
      labels.length,
      `${positives} positives, fewer than ${minPositives}`,
    );
  }
  if (positives === labels.length) {
    return insufficient(
      'PERFORMANCE',
      labels.length,
      'no negatives in the window: AUC is undefined',
    );
  }
  const windowAuc = rocAuc(labels, scores);
  const windowBrier = brierScore(labels, scores);
  const aucChange = holdout.rocAuc - windowAuc;
  const brierChange = windowBrier - holdout.brier;
  const holdoutRows = holdout.rows ?? 0;
  const pValues =
    holdoutRows > 0
      ? {
          auc: normalSurvival(
            aucChange /
              Math.hypot(
                aucStandardError(
                  holdout.rocAuc,
                  holdoutRows * (positives / labels.length),
                  holdoutRows * (1 - positives / labels.length),
                ),
                aucStandardError(windowAuc, positives, labels.length - positives),
              ),
          ),
          brier: normalSurvival(
            brierChange /
              (squaredErrorDeviation(labels, scores, windowBrier) *
                Math.sqrt(1 / holdoutRows + 1 / labels.length)),
          ),
        }
      : null;
  const { maxPValue } = thresholds.performance;
  const verdicts = [
    metricVerdict('roc_auc', 'auc_drop', aucChange, aucDrop, pValues?.auc ?? null, maxPValue),
    metricVerdict('brier', 'brier_rise', brierChange, brierRise, pValues?.brier ?? null, maxPValue),
  ];
  // Either metric degrading is a performance problem: the "share" is any of the two.
  return report('PERFORMANCE', labels.length, verdicts, Number.MIN_VALUE);
}

interface FeatureVerdict {
  readonly feature: string;
  readonly drifted: boolean;
  readonly severity: DriftSeverity | null;
  readonly statistics: readonly DriftTestResult[];
}

function compareNumeric(
  reference: NumericHistogram,
  window: NumericHistogram,
  thresholds: DriftThresholds,
): FeatureVerdict {
  const feature = reference.name;
  const { psi: psiBands, decideBy } = thresholds.numeric;
  const psi = populationStabilityIndex(reference.counts, window.counts);
  const ks = kolmogorovSmirnovBinned(reference.counts, window.counts);
  const wasserstein = normalisedWassersteinBinned(reference.edges, reference.counts, window.counts);
  // The bands measure a shift beyond what two samples of these sizes differ by anyway.
  const noise = normalisedWassersteinNoise(reference.edges, reference.counts, window.counts);
  const wassersteinBands = raisedBy(thresholds.numeric.wasserstein, noise);
  const psiEffect = effectOf(psi, psiBands);
  const wassersteinEffect = effectOf(wasserstein, wassersteinBands);
  const deciding =
    decideBy === 'psi'
      ? [psiEffect]
      : decideBy === 'wasserstein'
        ? [wassersteinEffect]
        : [psiEffect, wassersteinEffect];
  const significant = ks.pValue < thresholds.alpha;
  return {
    ...decide(feature, deciding, significant, thresholds.requireSignificance),
    statistics: [
      {
        feature,
        test: 'psi',
        value: psi,
        pValue: null,
        threshold: psiBands.low,
        drifted: psiEffect.drifted,
      },
      {
        feature,
        test: 'ks',
        value: ks.statistic,
        pValue: ks.pValue,
        threshold: thresholds.alpha,
        drifted: significant,
      },
      {
        feature,
        test: 'wasserstein',
        value: wasserstein,
        pValue: null,
        threshold: wassersteinBands.low,
        drifted: wassersteinEffect.drifted,
      },
    ],
  };
}

function compareCategorical(
  reference: CategoricalHistogram,
  window: CategoricalHistogram,
  thresholds: DriftThresholds,
): FeatureVerdict {
  const feature = reference.name;
  const bands = thresholds.categorical.psi;
  // The reference's categories, then any the window adds ("(other)", "(missing)").
  const categories = [...Object.keys(reference.counts)];
  for (const category of Object.keys(window.counts)) {
    if (!Object.hasOwn(reference.counts, category)) categories.push(category);
  }
  const referenceCounts = categories.map((category) => reference.counts[category] ?? 0);
  const windowCounts = categories.map((category) => window.counts[category] ?? 0);
  const psi = populationStabilityIndex(referenceCounts, windowCounts);
  const chiSquare = chiSquareHomogeneity(referenceCounts, windowCounts);
  const psiEffect = effectOf(psi, bands);
  const significant = chiSquare.pValue < thresholds.alpha;
  return {
    ...decide(feature, [psiEffect], significant, thresholds.requireSignificance),
    statistics: [
      {
        feature,
        test: 'psi',
        value: psi,
        pValue: null,
        threshold: bands.low,
        drifted: psiEffect.drifted,
      },
      {
        feature,
        test: 'chi_square',
        value: chiSquare.statistic,
        pValue: chiSquare.pValue,
        threshold: thresholds.alpha,
        drifted: significant,
      },
    ],
  };
}

/** A metric's change against its bands; with a p-value, chance must be ruled out too. */
function metricVerdict(
  feature: string,
  test: DriftTest,
  value: number,
  bands: SeverityBands,
  pValue: number | null,
  maxPValue: number,
): FeatureVerdict {
  const effect = effectOf(value, bands);
  const drifted = effect.drifted && (pValue === null || pValue < maxPValue);
  return {
    feature,
    drifted,
    severity: drifted ? effect.severity : null,
    statistics: [{ feature, test, value, pValue, threshold: bands.low, drifted }],
  };
}

/**
 * Hanley & McNeil (1982): the standard error of an ROC AUC estimated on `positives` and
 * `negatives` rows, from the AUC itself (exponential approximation of the score distributions).
 */
export function aucStandardError(auc: number, positives: number, negatives: number): number {
  const q1 = auc / (2 - auc);
  const q2 = (2 * auc * auc) / (1 + auc);
  const variance =
    (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)) /
    (positives * negatives);
  return Math.sqrt(Math.max(variance, 0));
}

/** The standard deviation of the rows' squared errors, whose mean is the Brier score. */
function squaredErrorDeviation(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  brier: number,
): number {
  let sum = 0;
  for (let row = 0; row < labels.length; row++) {
    const error = (scores[row] - labels[row]) ** 2;
    sum += (error - brier) ** 2;
  }
  return Math.sqrt(sum / Math.max(labels.length - 1, 1));
}

interface Effect {
  readonly drifted: boolean;
  readonly severity: DriftSeverity | null;
}

/** Every band moved up by `amount` (the sampling noise a window's effect carries anyway). */
function raisedBy(bands: SeverityBands, amount: number): SeverityBands {
  return { low: bands.low + amount, medium: bands.medium + amount, high: bands.high + amount };
}

function effectOf(value: number, bands: SeverityBands): Effect {
  if (value >= bands.high) return { drifted: true, severity: 'HIGH' };
  if (value >= bands.medium) return { drifted: true, severity: 'MEDIUM' };
  if (value >= bands.low) return { drifted: true, severity: 'LOW' };
  return { drifted: false, severity: null };
}

/** A feature drifts when any deciding effect crossed its threshold (and, if required, p < alpha). */
function decide(
  feature: string,
  effects: readonly Effect[],
  significant: boolean,
  requireSignificance: boolean,
): Omit<FeatureVerdict, 'statistics'> {
  const crossed = effects.filter((effect) => effect.drifted);
  const drifted = crossed.length > 0 && (!requireSignificance || significant);
  return {
    feature,
    drifted,
    severity: drifted ? worst(crossed.map((effect) => effect.severity)) : null,
  };
}

const SEVERITY_ORDER: readonly DriftSeverity[] = ['LOW', 'MEDIUM', 'HIGH'];

function worst(severities: readonly (DriftSeverity | null)[]): DriftSeverity | null {
  let worstIndex = -1;
  for (const severity of severities) {
    if (severity !== null) worstIndex = Math.max(worstIndex, SEVERITY_ORDER.indexOf(severity));
  }
  return worstIndex < 0 ? null : SEVERITY_ORDER[worstIndex];
}

function report(
  kind: DriftKind,
  windowSize: number,
  verdicts: readonly FeatureVerdict[],
  datasetDriftShare: number,
): DriftReport {
  const driftedFeatures = verdicts
    .filter((verdict) => verdict.drifted)
    .map((verdict) => verdict.feature);
  const statistics = verdicts.flatMap((verdict) => verdict.statistics);
  const datasetDrift =
    driftedFeatures.length > 0 && driftedFeatures.length / verdicts.length >= datasetDriftShare;
  const severity = worst(verdicts.map((verdict) => verdict.severity));
  const base = { kind, windowSize, datasetDrift, driftedFeatures, statistics };
  return severity === null
    ? { ...base, verdict: 'stable', severity: null }
    : { ...base, verdict: 'drift', severity };
}

function insufficient(kind: DriftKind, windowSize: number, why: string): NoDriftVerdict {
  return { kind, verdict: 'insufficient', windowSize, why };
}
