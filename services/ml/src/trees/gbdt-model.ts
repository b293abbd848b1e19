import { sigmoid } from '../linear/logistic-objective';
import { assertDenseMatrix, DenseMatrix } from '../matrix/dense-matrix';

/**
 * One regression tree as flat arrays indexed by node, root at 0, children after their parent.
 * The layout maps one to one onto ONNX ai.onnx.ml TreeEnsemble attributes, and the predictor
 * below routes exactly as TreeEnsemble with BRANCH_LEQ does on float32 inputs: left (the "true"
 * branch) iff x <= threshold, and a missing x (NaN) left iff missingGoesLeft
 * (nodes_missing_value_tracks_true).
 */
export interface GbdtTree {
  /** The split feature, or −1 for a leaf. */
  feature: Int32Array;
  /** Float32, like the inputs and ONNX's thresholds, so comparisons agree exactly. 0 on leaves. */
  threshold: Float32Array;
  /** Child node indices, −1 on leaves. */
  left: Int32Array;
  right: Int32Array;
  /** 1 when a missing value goes left. */
  missingGoesLeft: Uint8Array;
  /**
   * On a leaf, its output (learning rate included); on an inner node, the value it would have
   * as a leaf, −G/(H+λ)·η over the rows that reached it, which contributions are measured from.
   * Float32 values, so that ONNX's float leaf weights hold them exactly.
   */
  value: Float32Array;
  /** Hessian sum of the training rows that reached the node (XGBoost's "cover"). */
  cover: Float64Array;
}

/** A boosted ensemble for binary log loss: P(y = 1) = sigmoid(baseScore + Σ tree outputs). */
export interface GbdtModel {
  kind: 'gbdt';
  /** Starting margin, the log-odds of the training base rate (float32, like ONNX base_values). */
  baseScore: number;
  /** Number of input columns. */
  features: number;
  trees: GbdtTree[];
}

/**
 * The leaf output of one tree for the row starting at values[offset]. The values are float32,
 * the model's input type, so they route exactly as ONNX routes a float tensor.
 */
export function gbdtTreeOutput(tree: GbdtTree, values: Float32Array, offset: number): number {
  return tree.value[gbdtLeafOf(tree, values, offset)];
}

/** The leaf a row reaches in one tree. */
export function gbdtLeafOf(tree: GbdtTree, values: Float32Array, offset: number): number {
  let node = 0;
  let split = tree.feature[0];
  while (split >= 0) {
    node = childOf(tree, node, values[offset + split]);
    split = tree.feature[node];
  }
  return node;
}

/** The child an inner node sends the float32 value x to. */
function childOf(tree: GbdtTree, node: number, x: number): number {
  if (x <= tree.threshold[node]) return tree.left[node];
  if (x !== x && tree.missingGoesLeft[node] === 1) return tree.left[node];
  return tree.right[node];
}

/**
 * A single row as float32, as ONNX receives it: a float64 value just above a threshold can
 * round onto it and must then go left, as it will in ONNX.
 */
function float32Row(model: GbdtModel, row: ArrayLike<number>): Float32Array {
  assertColumns(model, row.length);
  return row instanceof Float32Array ? row : Float32Array.from(row);
}

/** The margin (log-odds) for every row of the matrix. */
export function gbdtPredictRaw(model: GbdtModel, data: DenseMatrix): Float64Array {
  assertDenseMatrix(data);
  assertColumns(model, data.columns);
  const { rows, columns, values } = data;
  const { trees } = model;
  const margins = new Float64Array(rows);
  for (let row = 0, offset = 0; row < rows; row++, offset += columns) {
    let margin = model.baseScore;
    for (let t = 0; t < trees.length; t++) margin += gbdtTreeOutput(trees[t], values, offset);
    margins[row] = margin;
  }
  return margins;
}

/** P(y = 1) for every row of the matrix. */
export function gbdtPredictProbability(model: GbdtModel, data: DenseMatrix): Float64Array {
  const margins = gbdtPredictRaw(model, data);
  for (let row = 0; row < margins.length; row++) margins[row] = sigmoid(margins[row]);
  return margins;
}

/** The margin for a single feature row. */
export function gbdtPredictOneRaw(model: GbdtModel, row: ArrayLike<number>): number {
  const input = float32Row(model, row);
  let margin = model.baseScore;
  for (const tree of model.trees) margin += gbdtTreeOutput(tree, input, 0);
  return margin;
}

/** P(y = 1) for a single feature row, e.g. when scoring one event. */
export function gbdtPredictOne(model: GbdtModel, row: ArrayLike<number>): number {
  return sigmoid(gbdtPredictOneRaw(model, row));
}

/**
 * Per-feature contributions to the margin of one row (Saabas' path attribution): along each
 * tree's path, the change of the node value from a node to its child is credited to the
 * node's split feature. Entry `features` (the last) is the bias, baseScore plus the root values;
 * all entries sum to the margin. Cheap and local, though unlike TreeSHAP it favours features
 * split on near the leaves.
 */
export function gbdtContributions(model: GbdtModel, row: ArrayLike<number>): Float64Array {
  const input = float32Row(model, row);
  const contributions = new Float64Array(model.features + 1);
  let bias = model.baseScore;
  for (const tree of model.trees) {
    const { feature, value } = tree;
    bias += value[0];
    let node = 0;
    let split = feature[0];
    while (split >= 0) {
      const child = childOf(tree, node, input[split]);
      contributions[split] += value[child] - value[node];
      node = child;
      split = feature[node];
    }
  }
  contributions[model.features] = bias;
  return contributions;
}

function assertColumns(model: GbdtModel, columns: number): void {
  if (columns !== model.features) {
    throw new Error(`The model takes ${model.features} features, got ${columns}`);
  }
}
