import type { LogisticRegressionModel } from './logistic-regression';

/**
 * The model as plain JSON. Numbers survive JSON.stringify/JSON.parse exactly (shortest
 * round-trip form), so a loaded model predicts bit for bit like the trained one. `features`
 * is stored separately so a truncated or mismatched weights array is caught on load.
 */
export interface LogisticRegressionJson {
  kind: 'logistic-regression';
  features: number;
  weights: number[];
  intercept: number;
  iterations: number;
  converged: boolean;
  trainingLoss: number;
}

export function logisticRegressionToJson(model: LogisticRegressionModel): LogisticRegressionJson {
  return {
    kind: model.kind,
    features: model.weights.length,
    weights: Array.from(model.weights),
    intercept: model.intercept,
    iterations: model.iterations,
    converged: model.converged,
    trainingLoss: model.trainingLoss,
  };
}

/** Validates everything, since the input typically comes from JSON.parse of a stored artifact. */
export function logisticRegressionFromJson(json: unknown): LogisticRegressionModel {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('Logistic regression JSON must be an object');
  }
  const fields = json as Record<string, unknown>;
  if (fields.kind !== 'logistic-regression') {
    throw new Error(`Expected kind 'logistic-regression', got ${JSON.stringify(fields.kind)}`);
  }
  const features = fields.features;
  if (typeof features !== 'number' || !Number.isInteger(features) || features < 0) {
    throw new Error(`Logistic regression JSON: features must be a non-negative integer`);
  }
  const weights = fields.weights;
  if (!Array.isArray(weights))
    throw new Error('Logistic regression JSON: weights must be an array');
  if (weights.length !== features) {
    throw new Error(`Logistic regression JSON: ${features} features but ${weights.length} weights`);
  }
  weights.forEach((weight: unknown, index) => {
    if (!isFiniteNumber(weight)) {
      throw new Error(`Logistic regression JSON: weight ${index} is not a finite number`);
    }
  });
  if (!isFiniteNumber(fields.intercept)) {
    throw new Error('Logistic regression JSON: intercept must be a finite number');
  }
  const iterations = fields.iterations;
  if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < 0) {
    throw new Error('Logistic regression JSON: iterations must be a non-negative integer');
  }
  if (typeof fields.converged !== 'boolean') {
    throw new Error('Logistic regression JSON: converged must be a boolean');
  }
  if (!isFiniteNumber(fields.trainingLoss)) {
    throw new Error('Logistic regression JSON: trainingLoss must be a finite number');
  }
  return {
    kind: 'logistic-regression',
    weights: Float64Array.from(weights as number[]),
    intercept: fields.intercept,
    iterations,
    converged: fields.converged,
    trainingLoss: fields.trainingLoss,
  };
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
