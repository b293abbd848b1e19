import { BinnedMatrix, FeatureBinning, MISSING_BIN, splitThreshold } from './binning';
import type { GbdtTree } from './gbdt-model';
import {
  buildHistogram,
  HistogramLayout,
  HistogramPool,
  subtractHistogram,
  totalsIndex,
} from './histogram';
import { findBestSplit, SplitCandidate, SplitParams } from './split-finder';

export interface TreeParams extends SplitParams {
  /** Depth limit: the root has depth 0, so leaves are at depth maxDepth at most. */
  readonly maxDepth: number;
  /** Leaf limit; leaves are added best gain first until it or the depth limit is reached. */
  readonly maxLeaves: number;
  /** Shrinkage η applied to every node value. */
  readonly learningRate: number;
}

/** A tree fresh from training, with what the booster needs to update the training margins. */
export interface GrownTree {
  readonly tree: GbdtTree;
  /** Per inner node, the last observed bin sent left, for routing binned rows. */
  readonly splitBin: Uint8Array;
  /** Per leaf, its rows are rows[start[leaf] … end[leaf]−1] of the array given to grow(). */
  readonly start: Int32Array;
  readonly end: Int32Array;
}

/** A leaf that may still be split. */
interface OpenLeaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  histogram: Float64Array | null;
  split: SplitCandidate | null;
}

function openLeaf(node: number, start: number, end: number, depth: number): OpenLeaf {
  return { node, start, end, depth, histogram: null, split: null };
}

function gainOf(leaf: OpenLeaf): number {
  return leaf.split ? leaf.split.gain : -Infinity;
}

/**
 * Grows regression trees on binned data, leaf-wise: it always splits the open leaf whose best
 * split gains most (LightGBM's best-first growth), within maxLeaves and maxDepth. Holds the
 * buffers reused from tree to tree.
 */
export class TreeBuilder {
  private readonly pool: HistogramPool;
  private readonly scratch: Uint32Array;
  /** goesLeft[bin] for the split being applied. */
  private readonly goesLeft = new Uint8Array(256);

  constructor(
    private readonly binned: BinnedMatrix,
    private readonly binning: FeatureBinning,
    private readonly layout: HistogramLayout,
    private readonly params: TreeParams,
  ) {
    this.pool = new HistogramPool(layout.size);
    this.scratch = new Uint32Array(binned.rows);
  }

  /**
   * One tree fitted to the gradients and hessians (indexed by row) of the rows rows[0 … count−1],
   * considering only the features with featureMask[f] = 1. Reorders those rows in place so each
   * leaf's rows are contiguous.
   */
  grow(
    rows: Uint32Array,
    count: number,
    gradients: Float64Array,
    hessians: Float64Array,
    featureMask: Uint8Array,
  ): GrownTree {
    const { layout, params, pool } = this;
    const { maxDepth, maxLeaves } = params;
    const capacity = Math.min(2 * maxLeaves - 1, 2 ** (maxDepth + 1) - 1);
    const nodes = new NodeArrays(capacity);

    const rootHistogram = pool.acquire();
    buildHistogram(layout, rows, 0, count, gradients, hessians, rootHistogram);
    const totals = totalsIndex(layout);
    nodes.setValue(0, rootHistogram[totals], rootHistogram[totals + 1], params);
    nodes.start[0] = 0;
    nodes.end[0] = count;
    let size = 1;

    const root = openLeaf(0, 0, count, 0);
    root.histogram = rootHistogram;
    if (maxLeaves > 1 && maxDepth > 0) this.findSplit(root, featureMask);
    const open: OpenLeaf[] = [];
    if (root.split) open.push(root);
    else pool.release(rootHistogram);

    let leaves = 1;
    while (leaves < maxLeaves && open.length > 0) {
      let best = 0;
      for (let i = 1; i < open.length; i++) if (gainOf(open[i]) > gainOf(open[best])) best = i;
      const parent = open.splice(best, 1)[0];
      const split = parent.split as SplitCandidate;
      const middle = this.partition(rows, parent.start, parent.end, split);

      const leftNode = size;
      const rightNode = size + 1;
      size += 2;
      leaves++;
      nodes.setSplit(
        parent.node,
        split,
        splitThreshold(this.binning.thresholds[split.feature], split.bin),
        leftNode,
        rightNode,
      );
      nodes.setValue(leftNode, split.left.gradient, split.left.hessian, params);
      nodes.setValue(rightNode, split.right.gradient, split.right.hessian, params);
      nodes.start[leftNode] = parent.start;
      nodes.end[leftNode] = middle;
      nodes.start[rightNode] = middle;
      nodes.end[rightNode] = parent.end;

      const depth = parent.depth + 1;
      const left = openLeaf(leftNode, parent.start, middle, depth);
      const right = openLeaf(rightNode, middle, parent.end, depth);
      if (leaves < maxLeaves && depth < maxDepth) {
        this.childHistograms(parent, left, right, rows, gradients, hessians);
        for (const child of [left, right]) {
          if (!child.histogram) continue;
          this.findSplit(child, featureMask);
          if (child.split) open.push(child);
          else {
            pool.release(child.histogram);
            child.histogram = null;
          }
        }
      }
      if (parent.histogram) pool.release(parent.histogram);
    }
    for (const leaf of open) if (leaf.histogram) pool.release(leaf.histogram);
    return nodes.finish(size);
  }

  /** Sets leaf.split to its best split, or null. */
  private findSplit(leaf: OpenLeaf, featureMask: Uint8Array): void {
    leaf.split = this.splittable(leaf)
      ? findBestSplit(leaf.histogram as Float64Array, this.layout.offsets, featureMask, this.params)
      : null;
  }

  /** Whether a node has rows enough for two children at all. */
  private splittable(leaf: OpenLeaf): boolean {
    return leaf.end - leaf.start >= 2 * this.params.minSamplesLeaf;
  }

  /**
   * Histograms for the children that may split: the smaller child's from its rows, the larger
   * one's by subtraction from the parent's (in the parent's array, which it takes over).
   */
  private childHistograms(
    parent: OpenLeaf,
    left: OpenLeaf,
    right: OpenLeaf,
    rows: Uint32Array,
    gradients: Float64Array,
    hessians: Float64Array,
  ): void {
    const leftSmaller = left.end - left.start <= right.end - right.start;
    const small = leftSmaller ? left : right;
    const large = leftSmaller ? right : left;
    const needLarge = this.splittable(large);
    if (!needLarge && !this.splittable(small)) return;
    const histogram = this.pool.acquire();
    buildHistogram(this.layout, rows, small.start, small.end, gradients, hessians, histogram);
    small.histogram = histogram;
    if (needLarge) {
      const inherited = parent.histogram as Float64Array;
      subtractHistogram(inherited, histogram, inherited);
      large.histogram = inherited;
      parent.histogram = null;
    }
  }

  /**
   * Stable in-place partition of rows[start … end−1] by the split: left rows first, in their
   * original order, which keeps later gathers in increasing row order. Returns the boundary.
   */
  private partition(rows: Uint32Array, start: number, end: number, split: SplitCandidate): number {
    const { goesLeft, scratch } = this;
    const { bins, rows: rowCount } = this.binned;
    goesLeft.fill(0);
    goesLeft[MISSING_BIN] = split.missingGoesLeft ? 1 : 0;
    goesLeft.fill(1, 1, split.bin + 1);
    const column = split.feature * rowCount;
    let write = start;
    let spilled = 0;
    for (let i = start; i < end; i++) {
      const row = rows[i];
      if (goesLeft[bins[column + row]] === 1) rows[write++] = row;
      else scratch[spilled++] = row;
    }
    rows.set(scratch.subarray(0, spilled), write);
    if (write - start !== split.left.count) {
      // Histogram counts are exact, so this can only be a bug; better loud than a wrong tree.
      throw new Error(
        `Internal error: split expected ${split.left.count} rows left, got ${write - start}`,
      );
    }
    return write;
  }
}

/** A tree's arrays at their largest possible size, trimmed by finish(). */
class NodeArrays {
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly missingGoesLeft: Uint8Array;
  readonly value: Float32Array;
  readonly cover: Float64Array;
  readonly splitBin: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;

  constructor(capacity: number) {
    this.feature = new Int32Array(capacity).fill(-1);
    this.threshold = new Float32Array(capacity);
    this.left = new Int32Array(capacity).fill(-1);
    this.right = new Int32Array(capacity).fill(-1);
    this.missingGoesLeft = new Uint8Array(capacity);
    this.value = new Float32Array(capacity);
    this.cover = new Float64Array(capacity);
    this.splitBin = new Uint8Array(capacity);
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
  }

  /** The node's would-be leaf value −G/(H+λ)·η; 0 when H + λ is 0 (λ = 0 and no curvature). */
  setValue(node: number, gradient: number, hessian: number, params: TreeParams): void {
    const denominator = hessian + params.lambda;
    this.value[node] = denominator > 0 ? (-gradient / denominator) * params.learningRate : 0;
    // A sum found by subtraction can come out a hair below 0 when the true sum is about 0.
    this.cover[node] = hessian > 0 ? hessian : 0;
  }

  setSplit(node: number, split: SplitCandidate, threshold: number, left: number, right: number) {
    this.feature[node] = split.feature;
    this.threshold[node] = threshold;
    this.left[node] = left;
    this.right[node] = right;
    this.missingGoesLeft[node] = split.missingGoesLeft ? 1 : 0;
    this.splitBin[node] = split.bin;
  }

  finish(size: number): GrownTree {
    return {
      tree: {
        feature: this.feature.slice(0, size),
        threshold: this.threshold.slice(0, size),
        left: this.left.slice(0, size),
        right: this.right.slice(0, size),
        missingGoesLeft: this.missingGoesLeft.slice(0, size),
        value: this.value.slice(0, size),
        cover: this.cover.slice(0, size),
      },
      splitBin: this.splitBin.slice(0, size),
      start: this.start.slice(0, size),
      end: this.end.slice(0, size),
    };
  }
}
