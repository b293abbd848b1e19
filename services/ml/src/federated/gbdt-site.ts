import { assertDenseMatrix, type DenseMatrix } from '../matrix/dense-matrix';
import { applyBinning, type BinnedMatrix, type FeatureBinning } from '../trees/binning';
import { addToMargins, assertLabels, logisticGradients } from '../trees/gradient-boosting';
import { createHistogramLayout, SLOT_WIDTH } from '../trees/histogram';
import { gaussianNoise, ROW_BOUNDS } from './differential-privacy';
import { toRing, type PairwiseMasker } from './secure-aggregation';
import type { SplitCandidate } from '../trees/split-finder';
import {
  nodeCapacity,
  TableRows,
  type GrownTree,
  type TreeParams,
  type TreeRows,
} from '../trees/tree-builder';

/** What a site tells the federation of its training rows: two counts, no row. */
export interface GbdtSiteSummary {
  readonly rows: number;
  readonly positives: number;
}

/** What every site starts from, decided by the federation from all the summaries. */
export interface GbdtStart {
  /** The log odds of the union's labels. */
  readonly baseScore: number;
  /** gradientStep of the union's row count. */
  readonly step: number;
  /**
   * Differential privacy: Gaussian noise of σ = noiseMultiplier × the release's sensitivity on
   * every histogram, of which this site adds the `share` of the variance (1 when the
   * coordinator sees each site's histogram, 1 / sites when it sees only their masked sum).
   */
  readonly noise?: { readonly multiplier: number; readonly share: number };
}

/**
 * One site's side of federated gradient boosting. Its rows and labels stay here: it answers the
 * histograms of its rows in a node, moves its rows down the splits the federation chooses, and
 * adds each finished tree to its margins, as central training does for all rows. With the bin
 * thresholds and the gradient step the union would use, the federation grows the trees central
 * training grows on the union.
 */
export class GbdtSite implements TreeRows {
  private readonly binned: BinnedMatrix;
  private readonly table: TableRows;
  private readonly rows: Uint32Array;
  private readonly margins: Float64Array;
  private readonly gradients: Float64Array;
  private readonly hessians: Float64Array;
  private step = 0;
  private noise: GbdtStart['noise'];

  constructor(
    data: DenseMatrix,
    private readonly labels: Uint8Array,
    binning: FeatureBinning,
    params: TreeParams,
    /** For secure aggregation: this site's masker over the federation's keys. */
    private readonly masker?: PairwiseMasker,
  ) {
    assertDenseMatrix(data);
    assertLabels(labels, data.rows, 'training');
    this.binned = applyBinning(binning, data);
    this.table = new TableRows(
      this.binned,
      createHistogramLayout(this.binned),
      nodeCapacity(params),
    );
    this.rows = new Uint32Array(data.rows);
    this.margins = new Float64Array(data.rows);
    this.gradients = new Float64Array(data.rows);
    this.hessians = new Float64Array(data.rows);
  }

  summary(): GbdtSiteSummary {
    let positives = 0;
    for (const label of this.labels) positives += label;
    return { rows: this.labels.length, positives };
  }

  /** Sets every margin to the base score; returns the sum of the log losses there. */
  begin({ baseScore, step, noise }: GbdtStart): number {
    this.margins.fill(baseScore);
    this.step = step;
    this.noise = noise;
    return this.updateGradients();
  }

  /** A new tree starts with every row in its root. */
  startTree(): void {
    for (let row = 0; row < this.rows.length; row++) this.rows[row] = row;
    this.table.startTree(this.rows, this.rows.length, this.gradients, this.hessians);
  }

  histogram(leaf: number, target: Float64Array): void {
    this.table.histogram(leaf, target);
    this.addNoise(target);
  }

  /**
   * The histogram as integers (gradient and hessian sums in gradient steps, row counts) masked
   * for secure aggregation under `context`: what the site sends instead of its histogram.
   */
  maskedHistogram(leaf: number, context: string, size: number): BigUint64Array {
    if (!this.masker) throw new Error('this site was not given keys for secure aggregation');
    const histogram = new Float64Array(size);
    this.histogram(leaf, histogram);
    return this.masker.mask(toRing(histogramInSteps(histogram, this.step)), context);
  }

  partition(leaf: number, split: SplitCandidate, left: number, right: number): number {
    return this.table.partition(leaf, split, left, right);
  }

  /** Adds the tree to the margins; returns the new sum of the log losses. */
  finishTree(grown: GrownTree): number {
    addToMargins(grown, this.table, this.rows, null, this.binned, this.margins);
    return this.updateGradients();
  }

  /**
   * Gaussian noise on every slot, rounded to the gradient step (counts to whole rows) so sums
   * stay exact. A row moves one slot per feature and the totals by at most ROW_BOUNDS, so the
   * sensitivity of each component is its bound × √(features + 1).
   */
  private addNoise(histogram: Float64Array): void {
    if (!this.noise) return;
    const { multiplier, share } = this.noise;
    const spread = multiplier * Math.sqrt(share * (this.binned.features + 1));
    const sigma = [
      ROW_BOUNDS.gradient * spread,
      ROW_BOUNDS.hessian * spread,
      ROW_BOUNDS.count * spread,
    ];
    const unit = [this.step, this.step, 1];
    const draws = gaussianNoise(histogram.length);
    for (let i = 0; i < histogram.length; i++) {
      const component = i % SLOT_WIDTH;
      histogram[i] += Math.round((draws[i] * sigma[component]) / unit[component]) * unit[component];
    }
  }

  private updateGradients(): number {
    const { labels, margins, gradients, hessians, step } = this;
    return logisticGradients(labels, margins, gradients, hessians, step) * labels.length;
  }
}

/** Gradient and hessian sums in steps (exact integers), counts as they are. */
export function histogramInSteps(histogram: Float64Array, step: number): Float64Array {
  return histogram.map((value, index) => (index % SLOT_WIDTH === 2 ? value : value / step));
}

/** The inverse of histogramInSteps. */
export function histogramFromSteps(integers: Float64Array, step: number): Float64Array {
  return integers.map((value, index) => (index % SLOT_WIDTH === 2 ? value : value * step));
}
