import { assertDenseMatrix, DenseMatrix } from '../matrix/dense-matrix';
import { toSparseRows } from '../matrix/sparse-rows';
import type { Objective } from './lbfgs';

/** 1 / (1 + e^−z) without overflow: exp is only ever taken of a non-positive number. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * The regularised training objective over parameters [w₀ … w_{d−1}, b] (intercept last):
 *
 *   f(w, b) = (1/S) · Σᵢ sᵢ · [log(1 + e^{zᵢ}) − yᵢ·zᵢ]  +  (l2 / (2S)) · ‖w‖²,   zᵢ = w·xᵢ + b,
 *
 * where sᵢ are the sample weights (1 when absent) and S = Σᵢ sᵢ (= n when unweighted). That is the
 * weighted mean log loss plus an L2 penalty of l2/2 per unit of total weight; the intercept is not
 * penalised. Dividing the penalty by S, like the loss, makes a row of weight 2 exactly equivalent
 * to the row twice, and gives the same minimiser as scikit-learn's LogisticRegression with
 * C = 1/l2 (solver lbfgs, which also leaves the intercept unpenalised).
 *
 * Returns the objective for minimizeLbfgs: one pass over the rows computes value and gradient.
 */
export function logisticObjective(
  data: DenseMatrix,
  labels: Uint8Array,
  l2 = 1,
  sampleWeights?: Float32Array,
): Objective {
  assertTrainingData(data, labels, sampleWeights);
  if (!(l2 >= 0) || !Number.isFinite(l2)) throw new Error(`l2 must be finite and ≥ 0, got ${l2}`);
  const { rows, columns } = data;
  // One-hot blocks leave most cells zero: each evaluation walks only the non-zero ones.
  const { rowStart, columnOf, valueOf } = toSparseRows(data);
  // A weight of 1 per row keeps the hot loop free of a branch on whether weights were given.
  const weights = sampleWeights ?? new Float32Array(rows).fill(1);
  const scale = 1 / totalWeight(rows, sampleWeights);

  return (parameters, gradient) => {
    if (parameters.length !== columns + 1 || gradient.length !== columns + 1) {
      throw new Error(`The objective takes ${columns + 1} parameters (weights, then intercept)`);
    }
    gradient.fill(0);
    const intercept = parameters[columns];
    let loss = 0;
    let interceptGradient = 0;
    for (let row = 0; row < rows; row++) {
      const start = rowStart[row];
      const end = rowStart[row + 1];
      let z = intercept;
      for (let cell = start; cell < end; cell++) z += parameters[columnOf[cell]] * valueOf[cell];
      const weight = weights[row];
      const label = labels[row];
      // log(1 + e^z) − y·z = max(m, 0) + log1p(e^−|z|) with m = z for y = 0 and −z for y = 1:
      // exp never overflows and nothing large is subtracted from anything large.
      const e = Math.exp(-Math.abs(z));
      const margin = label === 1 ? -z : z;
      loss += weight * ((margin > 0 ? margin : 0) + Math.log1p(e));
      const probability = z >= 0 ? 1 / (1 + e) : e / (1 + e);
      const residual = weight * (probability - label);
      for (let cell = start; cell < end; cell++)
        gradient[columnOf[cell]] += residual * valueOf[cell];
      interceptGradient += residual;
    }
    let squaredNorm = 0;
    for (let column = 0; column < columns; column++) {
      const coefficient = parameters[column];
      squaredNorm += coefficient * coefficient;
      gradient[column] = (gradient[column] + l2 * coefficient) * scale;
    }
    gradient[columns] = interceptGradient * scale;
    return (loss + 0.5 * l2 * squaredNorm) * scale;
  };
}

/** S = Σ sᵢ, the denominator of the objective (n when unweighted). */
export function totalWeight(rows: number, sampleWeights?: Float32Array): number {
  if (sampleWeights === undefined) return rows;
  let total = 0;
  for (let row = 0; row < rows; row++) total += sampleWeights[row];
  return total;
}

/** Checks once, up front, everything the hot loop takes on trust. */
export function assertTrainingData(
  data: DenseMatrix,
  labels: Uint8Array,
  sampleWeights?: Float32Array,
): void {
  assertDenseMatrix(data);
  const { rows, values } = data;
  if (rows === 0) throw new Error('Logistic regression needs at least one row');
  if (labels.length !== rows) {
    throw new Error(`Expected ${rows} labels, one per row, got ${labels.length}`);
  }
  for (let row = 0; row < rows; row++) {
    if (labels[row] > 1) throw new Error(`Labels must be 0 or 1, got ${labels[row]} at row ${row}`);
  }
  // One NaN would silently turn every later loss and weight into NaN.
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new Error(`Feature values must be finite, got ${values[i]} at index ${i}`);
    }
  }
  if (sampleWeights === undefined) return;
  if (sampleWeights.length !== rows) {
    throw new Error(`Expected ${rows} sample weights, one per row, got ${sampleWeights.length}`);
  }
  for (let row = 0; row < rows; row++) {
    const weight = sampleWeights[row];
    if (!(weight >= 0) || !Number.isFinite(weight)) {
      throw new Error(`Sample weights must be finite and ≥ 0, got ${weight} at row ${row}`);
    }
  }
  if (!(totalWeight(rows, sampleWeights) > 0)) throw new Error('Sample weights sum to zero');
}
