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

/** The most nodes a tree grown with these limits can have. */
export function nodeCapacity({ maxDepth, maxLeaves }: TreeParams): number {
  return Math.min(2 * maxLeaves - 1, 2 ** (maxDepth + 1) - 1);
}

/**
 * Histogram counts are exact, so rows that do not go where the histogram said can only be a bug
 * (or, in a federation, a site answering for other rows than it holds): better loud than a
 * wrong tree.
 */
export function checkPartition(split: SplitCandidate, wentLeft: number): void {
  if (wentLeft !== split.left.count)
    throw new Error(
      `Internal error: split expected ${split.left.count} rows left, got ${wentLeft}`,
    );
}

/** A tree fresh from training. */
export interface GrownTree {
  readonly tree: GbdtTree;
  /** Per inner node, the last observed bin sent left, for routing binned rows. */
  readonly splitBin: Uint8Array;
}

/**
 * Where a tree's rows are: one table (central training, TableRows) or the tables of several
 * sites (federated training, where each call is a round trip to every site and the histograms
 * are their sums). Leaves are named by their node index; the root is node 0 and holds every
 * row being fitted. The builder only ever sees histograms, never rows.
 */
export interface TreeRows {
  /** Writes the histogram of the leaf's rows into target (overwritten). */
  histogram(leaf: number, target: Float64Array): void;
  /** Moves the leaf's rows to its two children, as the split sends them; returns how many went left. */
  partition(leaf: number, split: SplitCandidate, left: number, right: number): number;
}

/** The same requests as TreeRows, answered later: a federation asks its sites over Kafka. */
export type TreeStep =
  | { readonly kind: 'histogram'; readonly leaf: number; readonly target: Float64Array }
  | {
      readonly kind: 'partition';
      readonly leaf: number;
      readonly split: SplitCandidate;
      readonly left: number;
      readonly right: number;
    };

/** A leaf that may still be split. */
interface OpenLeaf {
  node: number;
  /** Rows in the leaf, from the histograms' exact counts. */
  count: number;
  depth: number;
  histogram: Float64Array | null;
  split: SplitCandidate | null;
}

function openLeaf(node: number, count: number, depth: number): OpenLeaf {
  return { node, count, depth, histogram: null, split: null };
}

function gainOf(leaf: OpenLeaf): number {
  return leaf.split ? leaf.split.gain : -Infinity;
}

/**
 * Grows regression trees from gradient histograms, leaf-wise: it always splits the open leaf
 * whose best split gains most (LightGBM's best-first growth), within maxLeaves and maxDepth.
 * Histograms are asked of the rows for the root and for the smaller child of each split; the
 * larger child's is the parent's minus the smaller's. With exact sums (see gradientStep) the
 * same rows give the same tree however they are spread over tables. Holds the histogram arrays
 * reused from tree to tree.
 */
export class TreeBuilder {
  private readonly pool: HistogramPool;

  constructor(
    private readonly binning: FeatureBinning,
    private readonly layout: Pick<HistogramLayout, 'offsets' | 'size'>,
    private readonly params: TreeParams,
  ) {
    this.pool = new HistogramPool(layout.size);
  }

  /** One tree over the features with featureMask[f] = 1, asking `rows` as it goes. */
  grow(rows: TreeRows, featureMask: Uint8Array): GrownTree {
    const steps = this.steps(featureMask);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      const request = step.value;
      if (request.kind === 'histogram') rows.histogram(request.leaf, request.target);
      else {
        const wentLeft = rows.partition(request.leaf, request.split, request.left, request.right);
        checkPartition(request.split, wentLeft);
      }
    }
  }

  /**
   * The same growth as a sequence of requests, each answered (its histogram written, or its
   * partition done) before the next is taken: for rows that answer asynchronously.
   */
  *steps(featureMask: Uint8Array): Generator<TreeStep, GrownTree, void> {
    const { layout, params, pool } = this;
    const { maxDepth, maxLeaves } = params;
    const nodes = new NodeArrays(nodeCapacity(params));

    const rootHistogram = pool.acquire();
    yield { kind: 'histogram', leaf: 0, target: rootHistogram };
    const totals = totalsIndex(layout);
    nodes.setValue(0, rootHistogram[totals], rootHistogram[totals + 1], params);
    let size = 1;

    const root = openLeaf(0, rootHistogram[totals + 2], 0);
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

      const leftNode = size;
      const rightNode = size + 1;
      size += 2;
      leaves++;
      yield { kind: 'partition', leaf: parent.node, split, left: leftNode, right: rightNode };
      nodes.setSplit(
        parent.node,
        split,
        splitThreshold(this.binning.thresholds[split.feature], split.bin),
        leftNode,
        rightNode,
      );
      nodes.setValue(leftNode, split.left.gradient, split.left.hessian, params);
      nodes.setValue(rightNode, split.right.gradient, split.right.hessian, params);

      const depth = parent.depth + 1;
      const left = openLeaf(leftNode, split.left.count, depth);
      const right = openLeaf(rightNode, split.right.count, depth);
      if (leaves < maxLeaves && depth < maxDepth) {
        yield* this.childHistograms(parent, left, right);
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
    return leaf.count >= 2 * this.params.minSamplesLeaf;
  }

  /**
   * Histograms for the children that may split: the smaller child's from its rows, the larger
   * one's by subtraction from the parent's (in the parent's array, which it takes over).
   */
  private *childHistograms(
    parent: OpenLeaf,
    left: OpenLeaf,
    right: OpenLeaf,
  ): Generator<TreeStep, void, void> {
    const leftSmaller = left.count <= right.count;
    const small = leftSmaller ? left : right;
    const large = leftSmaller ? right : left;
    const needLarge = this.splittable(large);
    if (!needLarge && !this.splittable(small)) return;
    const histogram = this.pool.acquire();
    yield { kind: 'histogram', leaf: small.node, target: histogram };
    small.histogram = histogram;
    if (needLarge) {
      const inherited = parent.histogram as Float64Array;
      subtractHistogram(inherited, histogram, inherited);
      large.histogram = inherited;
      parent.histogram = null;
    }
  }
}

/**
 * The rows of one table: a tree's rows are kept in one array, reordered so each node's rows are
 * contiguous (rows[start[node] … end[node]−1]), which is also how the booster finds a leaf's rows.
 */
export class TableRows implements TreeRows {
  /** goesLeft[bin] for the split being applied. */
  private readonly goesLeft = new Uint8Array(256);
  private readonly scratch: Uint32Array;
  private rows: Uint32Array = new Uint32Array(0);
  private gradients: Float64Array = new Float64Array(0);
  private hessians: Float64Array = new Float64Array(0);
  /** Per node of the current tree, its rows' range. */
  readonly start: Int32Array;
  readonly end: Int32Array;

  constructor(
    private readonly binned: BinnedMatrix,
    private readonly layout: HistogramLayout,
    /** Nodes a tree can have. */
    capacity: number,
  ) {
    this.scratch = new Uint32Array(binned.rows);
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
  }

  /**
   * Starts a tree on rows[0 … count−1] (reordered in place as it grows), fitted to gradients
   * and hessians indexed by row.
   */
  startTree(rows: Uint32Array, count: number, gradients: Float64Array, hessians: Float64Array) {
    this.rows = rows;
    this.gradients = gradients;
    this.hessians = hessians;
    this.start[0] = 0;
    this.end[0] = count;
  }

  histogram(leaf: number, target: Float64Array): void {
    buildHistogram(
      this.layout,
      this.rows,
      this.start[leaf],
      this.end[leaf],
      this.gradients,
      this.hessians,
      target,
    );
  }

  /**
   * Stable in-place partition of the leaf's rows by the split: left rows first, in their
   * original order, which keeps later gathers in increasing row order.
   */
  partition(leaf: number, split: SplitCandidate, left: number, right: number): number {
    const { goesLeft, scratch, rows } = this;
    const { bins, rows: rowCount } = this.binned;
    const start = this.start[leaf];
    const end = this.end[leaf];
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
    this.start[left] = start;
    this.end[left] = write;
    this.start[right] = write;
    this.end[right] = end;
    return write - start;
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

  constructor(capacity: number) {
    this.feature = new Int32Array(capacity).fill(-1);
    this.threshold = new Float32Array(capacity);
    this.left = new Int32Array(capacity).fill(-1);
    this.right = new Int32Array(capacity).fill(-1);
    this.missingGoesLeft = new Uint8Array(capacity);
    this.value = new Float32Array(capacity);
    this.cover = new Float64Array(capacity);
    this.splitBin = new Uint8Array(capacity);
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
    };
  }
}
