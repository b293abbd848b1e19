/**
 * Where an effect size becomes drift, and how bad it is: the value at `low` is the drift
 * threshold; `medium` and `high` grade the severity of what crossed it.
 */
export interface SeverityBands {
  readonly low: number;
  readonly medium: number;
  readonly high: number;
}

/** Which effect size decides that a numeric input drifted. */
export type NumericDriftEffect = 'psi' | 'wasserstein' | 'either';

export interface DriftThresholds {
  readonly numeric: {
    readonly psi: SeverityBands;
    /** Wasserstein-1 in reference standard deviations (normalisedWassersteinBinned). */
    readonly wasserstein: SeverityBands;
    readonly decideBy: NumericDriftEffect;
  };
  readonly categorical: { readonly psi: SeverityBands };
  /** Significance level of the KS and chi-square tests. */
  readonly alpha: number;
  /**
   * When true, a feature drifts only if its effect crosses the threshold and its test's p-value
   * is below alpha too. Off by default: on large windows the p-value is always tiny, and on
   * small ones minWindowRows already keeps noise out.
   */
  readonly requireSignificance: boolean;
  /** Dataset drift when at least this share of the inputs drifted. */
  readonly datasetDriftShare: number;
  /** Fewer rows (encounters, or scores) than this: no verdict on data or prediction drift. */
  readonly minWindowRows: number;
  readonly prediction: { readonly psi: SeverityBands };
  readonly performance: {
    /** Holdout ROC AUC minus the window's. */
    readonly aucDrop: SeverityBands;
    /** The window's Brier score minus the holdout's. */
    readonly brierRise: SeverityBands;
    /** Fewer labelled rows, or fewer positives, than these: no verdict on performance. */
    readonly minLabelled: number;
    readonly minPositives: number;
    /**
     * When the holdout's size is known, a metric also has to be worse than the holdout's beyond
     * chance: its one-sided p-value (normal approximation, both samples' errors) below this.
     */
    readonly maxPValue: number;
  };
}

/**
 * Defaults, and why:
 * - PSI 0.1 / 0.25 / 0.5: the industry rule of thumb (< 0.1 stable, 0.1–0.25 moderate, > 0.25
 *   major), with 0.5 for a population that is plainly another one. Sampling noise alone gives
 *   PSI ≈ (bins − 1)·(1/n + 1/m): 0.01 for 21 categories at 2,000 rows.
 * - Normalised Wasserstein 0.1 / 0.25 / 0.5 standard deviations: 0.1 is Evidently's default
 *   for its normed Wasserstein test; a quarter and a half of a deviation grade the shift.
 * - Numeric inputs drift on either effect: PSI catches changes of shape, Wasserstein changes
 *   of location that quantile bins can blur (a tail growing inside the last bin).
 * - Dataset drift at a quarter of the inputs: half of them (Evidently's default) would need 24
 *   of 48 inputs to move, and 23 are medication flags that rarely do; a quarter moving at once
 *   is another population, not a local change of practice.
 * - 2,000 rows before any verdict on data or predictions: on 100 windows of 2,000 synthetic
 *   encounters of the reference's own population, the largest values over all 48 inputs were
 *   PSI 0.027 and normalised Wasserstein 0.085 (a two-valued input, number_outpatient); at
 *   1,000 rows the Wasserstein noise comes too close to 0.1. A reference of 1,800 rows (a first
 *   model trained on little data) adds its own noise: 1 window in 100 crossed 0.1 (age_band,
 *   0.101). So the Wasserstein bands are raised, per window, by the distance expected between
 *   two samples of these sizes when nothing drifted (normalisedWassersteinNoise).
 * - Performance: AUC drop 0.05 / 0.08 / 0.12 and Brier rise 0.015 / 0.03 / 0.05, over at least
 *   2,000 labelled rows with 200 positives. With 200 positives the AUC's standard error is about
 *   0.02 and the Brier score's about 0.006 (readmission models sit near AUC 0.65, Brier 0.1), so
 *   the lowest band is well over two standard errors; an AUC 0.12 lower is close to chance.
 *   That reasoning assumes a large holdout: a model trained on little data has a small holdout
 *   whose own metrics are noisy (450 rows: a Brier standard error near 0.007), and a window then
 *   crosses 0.015 by chance. When the holdout's size is known, a drop or rise also needs a
 *   one-sided p-value below 0.01 against both samples' errors.
 */
export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = {
  numeric: {
    psi: { low: 0.1, medium: 0.25, high: 0.5 },
    wasserstein: { low: 0.1, medium: 0.25, high: 0.5 },
    decideBy: 'either',
  },
  categorical: { psi: { low: 0.1, medium: 0.25, high: 0.5 } },
  alpha: 0.05,
  requireSignificance: false,
  datasetDriftShare: 0.25,
  minWindowRows: 2_000,
  prediction: { psi: { low: 0.1, medium: 0.25, high: 0.5 } },
  performance: {
    aucDrop: { low: 0.05, medium: 0.08, high: 0.12 },
    brierRise: { low: 0.015, medium: 0.03, high: 0.05 },
    minLabelled: 2_000,
    minPositives: 200,
    maxPValue: 0.01,
  },
};
