import { SeededRandom } from '../random/seeded-random';
import { createDenseMatrix, DenseMatrix, denseMatrixFromRows } from '../matrix/dense-matrix';
import {
  linearContributions,
  predictOne,
  predictProbability,
  trainLogisticRegression,
} from './logistic-regression';

/** A standard normal draw by Box–Muller; 1 − u keeps the logarithm away from 0. */
function gaussian(random: SeededRandom): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

/** Rows with N(0, 1) features and labels ~ Bernoulli(sigmoid(w·x + b)). */
function logisticSample(seed: number, rows: number, weights: number[], intercept: number) {
  const random = new SeededRandom(seed);
  const columns = weights.length;
  const values = new Float32Array(rows * columns);
  const labels = new Uint8Array(rows);
  for (let row = 0; row < rows; row++) {
    let z = intercept;
    for (let column = 0; column < columns; column++) {
      const value = gaussian(random);
      values[row * columns + column] = value;
      z += weights[column] * Math.fround(value);
    }
    labels[row] = random.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { data: createDenseMatrix(rows, columns, values), labels };
}

function squaredNorm(values: Float64Array): number {
  return values.reduce((sum, value) => sum + value * value, 0);
}

function accuracy(probabilities: Float64Array, labels: Uint8Array): number {
  let correct = 0;
  probabilities.forEach((p, row) => (correct += (p >= 0.5 ? 1 : 0) === labels[row] ? 1 : 0));
  return correct / labels.length;
}

describe('trainLogisticRegression', () => {
  const truth = { weights: [1.5, -2, 0.5], intercept: -0.3 };
  const sample = logisticSample(42, 20_000, truth.weights, truth.intercept);

  it('recovers known weights and intercept from 20,000 simulated rows', () => {
    const model = trainLogisticRegression(sample.data, sample.labels, { l2: 0.01 });
    expect(model.kind).toBe('logistic-regression');
    expect(model.converged).toBe(true);
    model.weights.forEach((weight, column) =>
      expect(Math.abs(weight - truth.weights[column])).toBeLessThan(0.1),
    );
    expect(Math.abs(model.intercept - truth.intercept)).toBeLessThan(0.1);
    // The fitted model explains the data at least as well as the truth it came from.
    const truthModel = { ...model, weights: Float64Array.from(truth.weights), intercept: -0.3 };
    expect(model.trainingLoss).toBeLessThanOrEqual(meanLogLoss(truthModel, sample));
    expect(model.trainingLoss).toBeCloseTo(meanLogLoss(model, sample), 10);
  });

  it('stays finite and separates linearly separable data when l2 > 0', () => {
    // x₀ ∈ ±[0.5, 2.5) by class, x₁ pure noise: without a penalty ‖w‖ would grow forever.
    const random = new SeededRandom(3);
    const rows: number[][] = [];
    const labels = new Uint8Array(200);
    for (let row = 0; row < 200; row++) {
      labels[row] = row % 2;
      const side = labels[row] === 1 ? 1 : -1;
      rows.push([side * (0.5 + 2 * random.next()), gaussian(random)]);
    }
    const data = denseMatrixFromRows(rows);
    const model = trainLogisticRegression(data, labels, { l2: 1 });
    expect(model.converged).toBe(true);
    model.weights.forEach((weight) => expect(Number.isFinite(weight)).toBe(true));
    expect(Number.isFinite(model.intercept)).toBe(true);
    expect(accuracy(predictProbability(model, data), labels)).toBe(1);
    expect(model.weights[0]).toBeGreaterThan(1);
  });

  it('shrinks the weights as l2 grows, leaving the intercept free', () => {
    const norms = [0.01, 100, 10_000].map((l2) =>
      squaredNorm(trainLogisticRegression(sample.data, sample.labels, { l2 }).weights),
    );
    expect(norms[1]).toBeLessThan(norms[0]);
    expect(norms[2]).toBeLessThan(norms[1] / 4);
    // A huge penalty pins w near 0, but the unpenalised intercept still fits the base rate.
    const pinned = trainLogisticRegression(sample.data, sample.labels, { l2: 1e9 });
    const positives = sample.labels.reduce((sum, label) => sum + label, 0);
    expect(Math.sqrt(squaredNorm(pinned.weights))).toBeLessThan(1e-4);
    expect(pinned.intercept).toBeCloseTo(Math.log(positives / (20_000 - positives)), 3);
  });

  it('is deterministic: the same input gives identical weights', () => {
    const first = trainLogisticRegression(sample.data, sample.labels);
    const second = trainLogisticRegression(sample.data, sample.labels);
    expect([...first.weights]).toEqual([...second.weights]);
    expect(first.intercept).toBe(second.intercept);
    expect(first.iterations).toBe(second.iterations);
  });

  it('fits the same model to duplicated rows as to rows of weight 2', () => {
    const { data, labels } = logisticSample(9, 500, [1, -1, 0.5, 2], 0.2);
    const duplicates = 150;
    const values = new Float32Array((500 + duplicates) * 4);
    values.set(data.values);
    values.set(data.values.subarray(0, duplicates * 4), 500 * 4);
    const duplicatedLabels = new Uint8Array(500 + duplicates);
    duplicatedLabels.set(labels);
    duplicatedLabels.set(labels.subarray(0, duplicates), 500);
    const sampleWeights = Float32Array.from({ length: 500 }, (_, row) =>
      row < duplicates ? 2 : 1,
    );

    const options = { l2: 2, tolerance: 1e-8 };
    const weighted = trainLogisticRegression(data, labels, { ...options, sampleWeights });
    const repeated = trainLogisticRegression(
      createDenseMatrix(500 + duplicates, 4, values),
      duplicatedLabels,
      options,
    );
    expect(weighted.converged && repeated.converged).toBe(true);
    weighted.weights.forEach((weight, column) =>
      expect(Math.abs(weight - repeated.weights[column])).toBeLessThan(1e-6),
    );
    expect(Math.abs(weighted.intercept - repeated.intercept)).toBeLessThan(1e-6);
    expect(weighted.trainingLoss).toBeCloseTo(repeated.trainingLoss, 10);
    // And the weights do matter: ignoring them gives a different model.
    const unweighted = trainLogisticRegression(data, labels, options);
    expect(Math.abs(unweighted.weights[0] - weighted.weights[0])).toBeGreaterThan(1e-3);
  });

  it('reports progress and stops at maxIterations without claiming convergence', () => {
    const seen: number[] = [];
    const model = trainLogisticRegression(sample.data, sample.labels, {
      maxIterations: 2,
      onIteration: (iteration) => seen.push(iteration),
    });
    expect(seen).toEqual([1, 2]);
    expect(model.iterations).toBe(2);
    expect(model.converged).toBe(false);
  });

  it('refuses labels of a single class', () => {
    const data = denseMatrixFromRows([[1], [2]]);
    expect(() => trainLogisticRegression(data, Uint8Array.of(1, 1))).toThrow(/both classes/);
    // Weighted away, the only negative row does not count.
    expect(() =>
      trainLogisticRegression(data, Uint8Array.of(0, 1), { sampleWeights: Float32Array.of(0, 1) }),
    ).toThrow(/both classes/);
  });
});

describe('predictions', () => {
  const model = {
    kind: 'logistic-regression' as const,
    weights: Float64Array.of(2, -1, 0.5),
    intercept: -0.25,
    iterations: 0,
    converged: true,
    trainingLoss: 0,
  };

  it('computes sigmoid(w·x + b) for a matrix and for one row alike', () => {
    const rows = [
      [0, 0, 0],
      [1, 2, 4],
      [-3, 1, 0.5],
    ];
    const probabilities = predictProbability(model, denseMatrixFromRows(rows));
    const logits = [-0.25, 1.75, -7];
    logits.forEach((z, row) => {
      expect(probabilities[row]).toBeCloseTo(1 / (1 + Math.exp(-z)), 14);
      expect(predictOne(model, rows[row])).toBe(probabilities[row]);
    });
  });

  it('splits the logit into per-feature contributions that sum back with the intercept', () => {
    const row = [1, 2, 4];
    const contributions = linearContributions(model, row);
    expect([...contributions]).toEqual([2, -2, 2]);
    const logit = contributions.reduce((sum, value) => sum + value, model.intercept);
    expect(1 / (1 + Math.exp(-logit))).toBeCloseTo(predictOne(model, row), 14);
  });

  it('refuses rows of the wrong width', () => {
    expect(() => predictOne(model, [1, 2])).toThrow(/takes 3 features, got 2/);
    expect(() => linearContributions(model, [1, 2, 3, 4])).toThrow(/takes 3 features/);
    expect(() => predictProbability(model, denseMatrixFromRows([[1, 2]]))).toThrow(/takes 3/);
  });
});

function meanLogLoss(
  model: Parameters<typeof predictProbability>[0],
  { data, labels }: { data: DenseMatrix; labels: Uint8Array },
): number {
  const probabilities = predictProbability(model, data);
  let loss = 0;
  probabilities.forEach((p, row) => (loss -= Math.log(labels[row] === 1 ? p : 1 - p)));
  return loss / labels.length;
}
