import { assertDenseMatrix, DenseMatrix } from '../matrix/dense-matrix';
import { minimizeLbfgs } from './lbfgs';
import { logisticObjective, sigmoid, totalWeight } from './logistic-objective';

export interface LogisticRegressionModel {
  kind: 'logistic-regression';
  /** One coefficient per feature column, on the logit scale. */
  weights: Float64Array;
  intercept: number;
  /** L-BFGS iterations taken. */
  iterations: number;
  /** Whether the gradient tolerance was met; false means the weights are only approximate. */
  converged: boolean;
  /** Weighted mean log loss on the training rows, without the penalty term. */
  trainingLoss: number;
}

export interface LogisticRegressionOptions {
  /**
   * Penalty strength; see logisticObjective for the exact objective. Default 1. Zero is allowed,
   * but then weights on (nearly) separable data grow until the iterations run out.
   */
  l2?: number;
  /** Default 200. */
  maxIterations?: number;
  /**
   * Gradient tolerance, see LbfgsOptions.gradientTolerance. Default 1e-4, scikit-learn's: one-hot
   * blocks make the problem ill-conditioned, and a tighter tolerance buys many iterations for
   * weights that no longer change any ranking.
   */
  tolerance?: number;
  /** L-BFGS memory, default 10. */
  memory?: number;
  /** Non-negative weight per row; a row of weight 2 counts exactly as the row twice. */
  sampleWeights?: Float32Array;
  onIteration?: (iteration: number, value: number, gradientNorm: number) => void;
}

/**
 * Fits P(y = 1 | x) = sigmoid(w·x + b) by minimising logisticObjective with L-BFGS.
 * Features are used as given: standardise them first, or the penalty and the optimiser's
 * conditioning both depend on their units. Deterministic for the same inputs.
 */
export function trainLogisticRegression(
  data: DenseMatrix,
  labels: Uint8Array,
  options: LogisticRegressionOptions = {},
): LogisticRegressionModel {
  const l2 = options.l2 ?? 1;
  const { sampleWeights } = options;
  const objective = logisticObjective(data, labels, l2, sampleWeights);
  const { rows, columns } = data;

  // Starting the intercept at the base-rate logit saves the first iterations on imbalanced data.
  const total = totalWeight(rows, sampleWeights);
  let positive = 0;
  for (let row = 0; row < rows; row++) positive += labels[row] * (sampleWeights?.[row] ?? 1);
  if (positive === 0 || positive === total) {
    // With one class the unpenalised intercept has no finite optimum.
    throw new Error('Logistic regression needs both classes among the (weighted) labels');
  }
  const start = new Float64Array(columns + 1);
  start[columns] = Math.log(positive / (total - positive));

  const result = minimizeLbfgs(objective, start, {
    memory: options.memory,
    maxIterations: options.maxIterations ?? 200,
    gradientTolerance: options.tolerance ?? 1e-4,
    onIteration: options.onIteration,
  });

  const weights = result.x.slice(0, columns);
  let squaredNorm = 0;
  for (let column = 0; column < columns; column++) squaredNorm += weights[column] ** 2;
  return {
    kind: 'logistic-regression',
    weights,
    intercept: result.x[columns],
    iterations: result.iterations,
    converged: result.converged,
    trainingLoss: result.value - (0.5 * l2 * squaredNorm) / total,
  };
}

/** P(y = 1) for every row of the matrix. */
export function predictProbability(
  model: LogisticRegressionModel,
  data: DenseMatrix,
): Float64Array {
  assertDenseMatrix(data);
  const { weights, intercept } = model;
  const { rows, columns, values } = data;
  assertColumns(model, columns);
  const probabilities = new Float64Array(rows);
  for (let row = 0, offset = 0; row < rows; row++, offset += columns) {
    let z = intercept;
    for (let column = 0; column < columns; column++) z += weights[column] * values[offset + column];
    probabilities[row] = sigmoid(z);
  }
  return probabilities;
}

/** P(y = 1) for a single feature row, e.g. when scoring one event. */
export function predictOne(model: LogisticRegressionModel, row: ArrayLike<number>): number {
  assertColumns(model, row.length);
  const { weights } = model;
  let z = model.intercept;
  for (let column = 0; column < weights.length; column++) z += weights[column] * row[column];
  return sigmoid(z);
}

/**
 * Each feature's additive share of the logit, weight × value; with the intercept they sum to
 * logit(predictOne(model, row)). The raw material for per-prediction explanations.
 */
export function linearContributions(
  model: LogisticRegressionModel,
  row: ArrayLike<number>,
): Float64Array {
  assertColumns(model, row.length);
  const { weights } = model;
  const contributions = new Float64Array(weights.length);
  for (let column = 0; column < weights.length; column++) {
    contributions[column] = weights[column] * row[column];
  }
  return contributions;
}

function assertColumns(model: LogisticRegressionModel, columns: number): void {
  if (columns !== model.weights.length) {
    throw new Error(`The model takes ${model.weights.length} features, got ${columns}`);
  }
}
