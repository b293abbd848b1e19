import type { FeatureBinning } from '../trees/binning';
import { binCountsOf } from '../trees/binning';
import type { GbdtModel, GbdtTree } from '../trees/gbdt-model';
import {
  logOddsBaseScore,
  resolveGradientBoostingOptions,
  type GradientBoostingOptions,
} from '../trees/gradient-boosting';
import { gradientStep, histogramShape } from '../trees/histogram';
import { SeededRandom } from '../random/seeded-random';
import { sampleFeaturesInto } from '../trees/sampling';
import type { SplitCandidate } from '../trees/split-finder';
import { TreeBuilder, type GrownTree, type TreeRows } from '../trees/tree-builder';
import { histogramFromSteps, type GbdtSiteSummary, type GbdtStart } from './gbdt-site';
import { boostingPrivacy } from './differential-privacy';
import { unmaskSum } from './secure-aggregation';

/** What the federation asks of a site (GbdtSite in process; a site's trainer over Kafka). */
export interface FederatedGbdtSite extends TreeRows {
  summary(): GbdtSiteSummary;
  /** Secure aggregation: the histogram in steps, masked under context (see PairwiseMasker). */
  maskedHistogram(leaf: number, context: string, size: number): BigUint64Array;
  begin(start: GbdtStart): number;
  startTree(): void;
  finishTree(grown: GrownTree): number;
}

/** Options of federated boosting: those of central training but early stopping and row sampling. */
export type FederatedGbdtOptions = Omit<
  GradientBoostingOptions,
  'validation' | 'earlyStoppingRounds' | 'binning' | 'onIteration' | 'subsample'
> & {
  /** Called after each tree with the mean training log loss over all sites. */
  onIteration?: (iteration: number, trainLoss: number) => void;
  /**
   * Sites send masked histograms (secure aggregation) and the coordinator sees only their sum.
   * The trees are the same: the sums are exact integers either way.
   */
  secureAggregation?: boolean;
  /**
   * Differential privacy: Gaussian noise of σ = noiseMultiplier × sensitivity on every released
   * histogram (split across the sites when secure aggregation is on, each site's own otherwise);
   * the (ε, δ) spent comes back with the model.
   */
  privacy?: { readonly noiseMultiplier: number; readonly delta: number };
  /** What the coordinator receives from each site, for inspection. */
  onSiteHistogram?: (site: number, received: Float64Array | BigUint64Array) => void;
};

export interface FederatedGbdtResult {
  readonly model: GbdtModel;
  /** Training rows over all sites. */
  readonly rows: number;
  /** What differential privacy spent, or null without it. */
  readonly privacy: {
    readonly rho: number;
    readonly epsilon: number;
    readonly delta: number;
  } | null;
}

/** The sites' rows as one: a histogram is the sum of theirs, a partition is done by each. */
class SummedSiteRows implements TreeRows {
  /** The tree being grown, which names each masked submission. */
  tree = 0;
  private readonly part: Float64Array;

  constructor(
    private readonly sites: readonly FederatedGbdtSite[],
    private readonly size: number,
    private readonly step: number,
    private readonly options: FederatedGbdtOptions,
  ) {
    this.part = new Float64Array(size);
  }

  histogram(leaf: number, target: Float64Array): void {
    const { sites, size, options } = this;
    if (options.secureAggregation) {
      const context = `tree ${this.tree} leaf ${leaf}`;
      const masked = sites.map((site, index) => {
        const received = site.maskedHistogram(leaf, context, size);
        options.onSiteHistogram?.(index, received);
        return received;
      });
      target.set(histogramFromSteps(unmaskSum(masked), this.step));
      return;
    }
    target.fill(0);
    const { part } = this;
    for (const [index, site] of sites.entries()) {
      site.histogram(leaf, part);
      options.onSiteHistogram?.(index, part);
      for (let i = 0; i < target.length; i++) target[i] += part[i];
    }
  }

  partition(leaf: number, split: SplitCandidate, left: number, right: number): number {
    let wentLeft = 0;
    for (const site of this.sites) wentLeft += site.partition(leaf, split, left, right);
    // Under differential privacy the split's counts are noisy, and the exact ones are not
    // the coordinator's to see: the sites' answers are not compared with them.
    return this.options.privacy ? split.left.count : wentLeft;
  }
}

/**
 * Gradient boosting over several sites' rows without moving them (horizontal histogram
 * aggregation): for every node to split, each site sums its rows' gradients and hessians per
 * feature and bin, the sums are added, the split is chosen from the totals and every site applies
 * it to its own rows. Leaf values come from the summed sums. With the same bin thresholds, and
 * gradients rounded to the step of the union's row count (so that sums do not depend on how rows
 * are grouped), this is central training on the union: the same trees, bit for bit.
 */
export function trainFederatedGradientBoosting(
  sites: readonly FederatedGbdtSite[],
  binning: FeatureBinning,
  options: FederatedGbdtOptions = {},
): FederatedGbdtResult {
  if (sites.length === 0) throw new Error('Federated boosting needs at least one site');
  const settings = resolveGradientBoostingOptions(options);
  const columns = binning.thresholds.length;
  let rows = 0;
  let positives = 0;
  for (const site of sites) {
    const summary = site.summary();
    rows += summary.rows;
    positives += summary.positives;
  }
  const { privacy, secureAggregation } = options;
  const start: GbdtStart = {
    baseScore: logOddsBaseScore(positives, rows),
    step: gradientStep(rows),
    noise: privacy && {
      multiplier: privacy.noiseMultiplier,
      share: secureAggregation ? 1 / sites.length : 1,
    },
  };
  for (const site of sites) site.begin(start);

  const shape = histogramShape(binCountsOf(binning));
  const builder = new TreeBuilder(binning, shape, settings);
  const summed = new SummedSiteRows(sites, shape.size, start.step, options);
  // The feature sample draws from the same sequence as central training's.
  const random = new SeededRandom(settings.seed);
  const featureMask = new Uint8Array(columns).fill(1);
  const featuresPerTree = Math.max(1, Math.round(settings.colsampleByTree * columns));

  const trees: GbdtTree[] = [];
  for (let iteration = 1; iteration <= settings.nEstimators; iteration++) {
    if (featuresPerTree < columns) sampleFeaturesInto(random, featuresPerTree, featureMask);
    for (const site of sites) site.startTree();
    summed.tree = iteration;
    const grown = builder.grow(summed, featureMask);
    trees.push(grown.tree);
    let loss = 0;
    for (const site of sites) loss += site.finishTree(grown);
    options.onIteration?.(iteration, loss / rows);
  }
  return {
    model: { kind: 'gbdt', baseScore: start.baseScore, features: columns, trees },
    rows,
    privacy: privacy
      ? boostingPrivacy({
          trees: trees.length,
          maxDepth: settings.maxDepth,
          noiseMultiplier: privacy.noiseMultiplier,
          delta: privacy.delta,
        })
      : null,
  };
}
