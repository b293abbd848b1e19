import { SLOT_WIDTH } from './histogram';

/** The regularisation that decides whether and where a node splits. */
export interface SplitParams {
  /** L2 penalty on leaf values (XGBoost's lambda): shrinks leaves fed by few or uncertain rows. */
  readonly lambda: number;
  /** Least hessian sum per child. */
  readonly minChildWeight: number;
  /** Least rows per child. */
  readonly minSamplesLeaf: number;
  /** A split must gain strictly more than this. */
  readonly minSplitGain: number;
}

/** Sums over the rows of one side of a split. */
export interface NodeSums {
  gradient: number;
  hessian: number;
  count: number;
}

export interface SplitCandidate {
  feature: number;
  /** Observed bins 1…bin go left, the rest right. */
  bin: number;
  /** Where the missing bin goes. */
  missingGoesLeft: boolean;
  /** Loss reduction, ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)] (second-order, as XGBoost). */
  gain: number;
  left: NodeSums;
  right: NodeSums;
}

/**
 * The best split of a node over the features with featureMask[f] = 1, or null when no split
 * satisfies the constraints. offsets are the histogram layout's; the node totals sit at the end
 * of the histogram. When the node has missing values, both directions are tried for them at
 * every threshold, plus "missing versus observed"; when it has none, the missing direction
 * cannot be learned here and goes with the heavier child, where most rows went.
 */
export function findBestSplit(
  histogram: Float64Array,
  offsets: Int32Array,
  featureMask: Uint8Array,
  params: SplitParams,
): SplitCandidate | null {
  const { lambda, minChildWeight, minSplitGain } = params;
  // An empty child is never a split, whatever minSamplesLeaf says.
  const minSamples = params.minSamplesLeaf > 1 ? params.minSamplesLeaf : 1;
  // A local copy: an imported binding is a getter call in CommonJS output, too slow in the loop.
  const width = SLOT_WIDTH;
  const features = offsets.length - 1;
  const totals = offsets[features] * width;
  const gradient = histogram[totals];
  const hessian = histogram[totals + 1];
  const count = histogram[totals + 2];
  const parentScore = (gradient * gradient) / (hessian + lambda);

  let bestGain = minSplitGain;
  let bestFeature = -1;
  let bestBin = 0;
  let bestMissingLeft = false;
  let bestGradient = 0;
  let bestHessian = 0;
  let bestCount = 0;
  for (let feature = 0; feature < features; feature++) {
    if (featureMask[feature] === 0) continue;
    const base = offsets[feature] * width;
    const observedBins = offsets[feature + 1] - offsets[feature] - 1;
    const missingGradient = histogram[base];
    const missingHessian = histogram[base + 1];
    const missingCount = histogram[base + 2];
    // Side 0 sends the missing values right, side 1 left. After the last observed bin only
    // side 0 remains possible: observed versus missing.
    const sides = missingCount > 0 ? 2 : 1;
    let g = 0;
    let h = 0;
    let n = 0;
    for (let bin = 1; bin <= observedBins; bin++) {
      const slot = base + bin * width;
      g += histogram[slot];
      h += histogram[slot + 1];
      n += histogram[slot + 2];
      for (let side = 0; side < sides; side++) {
        // Written out rather than a helper call: this is the innermost loop of training.
        const nl = side === 0 ? n : n + missingCount;
        const nr = count - nl;
        if (nl < minSamples || nr < minSamples) continue;
        const hl = side === 0 ? h : h + missingHessian;
        const hr = hessian - hl;
        if (hl < minChildWeight || hr < minChildWeight) continue;
        const gl = side === 0 ? g : g + missingGradient;
        const gr = gradient - gl;
        const gain = 0.5 * ((gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore);
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = feature;
          bestBin = bin;
          bestMissingLeft = side === 1;
          bestGradient = gl;
          bestHessian = hl;
          bestCount = nl;
        }
      }
    }
  }
  if (bestFeature < 0) return null;
  const right = {
    gradient: gradient - bestGradient,
    hessian: hessian - bestHessian,
    count: count - bestCount,
  };
  const missingCount = histogram[offsets[bestFeature] * width + 2];
  return {
    feature: bestFeature,
    bin: bestBin,
    missingGoesLeft: missingCount > 0 ? bestMissingLeft : bestHessian >= right.hessian,
    gain: bestGain,
    left: { gradient: bestGradient, hessian: bestHessian, count: bestCount },
    right,
  };
}
