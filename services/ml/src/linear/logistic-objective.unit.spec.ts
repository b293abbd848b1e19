import { SeededRandom } from '../random/seeded-random';
import { createDenseMatrix, DenseMatrix, denseMatrixFromRows } from '../matrix/dense-matrix';
import { logisticObjective, sigmoid } from './logistic-objective';

/** A small problem with uniform features in [−2, 2), random labels and weights. */
function randomProblem(seed: number, rows: number, columns: number) {
  const random = new SeededRandom(seed);
  const values = Float32Array.from({ length: rows * columns }, () => 4 * random.next() - 2);
  const labels = Uint8Array.from({ length: rows }, () => (random.next() < 0.4 ? 1 : 0));
  const sampleWeights = Float32Array.from({ length: rows }, () => 0.5 + 2 * random.next());
  const parameters = Float64Array.from({ length: columns + 1 }, () => 2 * random.next() - 1);
  return { data: createDenseMatrix(rows, columns, values), labels, sampleWeights, parameters };
}

/** The objective written out literally, as documented, with no numerical care. */
function naiveObjective(
  data: DenseMatrix,
  labels: Uint8Array,
  l2: number,
  weights: Float32Array,
  parameters: Float64Array,
): number {
  const { rows, columns, values } = data;
  let loss = 0;
  let total = 0;
  for (let row = 0; row < rows; row++) {
    let z = parameters[columns];
    for (let column = 0; column < columns; column++) {
      z += parameters[column] * values[row * columns + column];
    }
    loss += weights[row] * (Math.log(1 + Math.exp(z)) - labels[row] * z);
    total += weights[row];
  }
  let squaredNorm = 0;
  for (let column = 0; column < columns; column++) squaredNorm += parameters[column] ** 2;
  return loss / total + (l2 / (2 * total)) * squaredNorm;
}

describe('logisticObjective', () => {
  it('equals the documented formula: weighted mean log loss + l2/(2S)·‖w‖², intercept free', () => {
    const { data, labels, sampleWeights, parameters } = randomProblem(11, 40, 4);
    const value = logisticObjective(
      data,
      labels,
      3,
      sampleWeights,
    )(parameters, new Float64Array(5));
    expect(value).toBeCloseTo(naiveObjective(data, labels, 3, sampleWeights, parameters), 12);
    // Moving only the intercept changes nothing in the penalty: with l2 = 0 and l2 = 3 the
    // values differ by exactly 3/(2S)·‖w‖², whatever the intercept.
    const unpenalised = logisticObjective(
      data,
      labels,
      0,
      sampleWeights,
    )(parameters, new Float64Array(5));
    let total = 0;
    sampleWeights.forEach((weight) => (total += weight));
    let squaredNorm = 0;
    for (let i = 0; i < 4; i++) squaredNorm += parameters[i] ** 2;
    expect(value - unpenalised).toBeCloseTo((3 / (2 * total)) * squaredNorm, 12);
  });

  it('has an analytic gradient that matches central finite differences to 1e-5', () => {
    const { data, labels, sampleWeights, parameters } = randomProblem(5, 30, 5);
    const objective = logisticObjective(data, labels, 2, sampleWeights);
    const gradient = new Float64Array(6);
    objective(parameters, gradient);
    const scratch = new Float64Array(6);
    const h = 1e-5;
    for (let i = 0; i < parameters.length; i++) {
      const plus = Float64Array.from(parameters);
      const minus = Float64Array.from(parameters);
      plus[i] += h;
      minus[i] -= h;
      const numeric = (objective(plus, scratch) - objective(minus, scratch)) / (2 * h);
      const relative = Math.abs(gradient[i] - numeric) / Math.max(Math.abs(numeric), 1e-8);
      expect(relative).toBeLessThan(1e-5);
    }
    // The check has teeth: every component is far from zero, so a wrong one could not hide.
    gradient.forEach((component) => expect(Math.abs(component)).toBeGreaterThan(1e-3));
  });

  it('stays finite and exact for huge logits', () => {
    // z = ±1000: the loss is ≈ 1000 when the label disagrees and ≈ e^−1000 = 0 when it agrees.
    const data = denseMatrixFromRows([[1000], [-1000], [1000], [-1000]]);
    const labels = Uint8Array.of(0, 1, 1, 0);
    const gradient = new Float64Array(2);
    const value = logisticObjective(data, labels, 0)(Float64Array.of(1, 0), gradient);
    expect(value).toBe((1000 + 1000 + 0 + 0) / 4);
    // Residuals are +1, −1, 0, 0 times x = 1000, −1000, …, so d/dw = (1000 + 1000) / 4.
    expect([...gradient]).toEqual([500, 0]);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(0)).toBe(0.5);
  });

  it('treats a row of weight 2 exactly as the row twice', () => {
    const { data, labels, parameters } = randomProblem(8, 10, 3);
    const weights = Float32Array.from({ length: 10 }, (_, row) => (row < 3 ? 2 : 1));
    const duplicated = createDenseMatrix(
      13,
      3,
      Float32Array.of(...data.values, ...data.values.subarray(0, 9)),
    );
    const duplicatedLabels = Uint8Array.of(...labels, ...labels.subarray(0, 3));
    const weightedGradient = new Float64Array(4);
    const duplicatedGradient = new Float64Array(4);
    const weighted = logisticObjective(data, labels, 1.5, weights)(parameters, weightedGradient);
    const repeated = logisticObjective(
      duplicated,
      duplicatedLabels,
      1.5,
    )(parameters, duplicatedGradient);
    expect(weighted).toBeCloseTo(repeated, 14);
    weightedGradient.forEach((component, i) =>
      expect(component).toBeCloseTo(duplicatedGradient[i], 14),
    );
  });

  it('refuses inputs the hot loop would misread', () => {
    const data = denseMatrixFromRows([
      [1, 2],
      [3, 4],
    ]);
    expect(() => logisticObjective(data, Uint8Array.of(0))).toThrow(/2 labels/);
    expect(() => logisticObjective(data, Uint8Array.of(0, 2))).toThrow(/0 or 1/);
    expect(() => logisticObjective(data, Uint8Array.of(0, 1), -1)).toThrow(/l2/);
    expect(() => logisticObjective(data, Uint8Array.of(0, 1), 1, Float32Array.of(1))).toThrow(
      /2 sample weights/,
    );
    expect(() => logisticObjective(data, Uint8Array.of(0, 1), 1, Float32Array.of(1, -1))).toThrow(
      /≥ 0/,
    );
    expect(() => logisticObjective(data, Uint8Array.of(0, 1), 1, Float32Array.of(0, 0))).toThrow(
      /sum to zero/,
    );
    const withNaN = createDenseMatrix(1, 2, Float32Array.of(1, Number.NaN));
    expect(() => logisticObjective(withNaN, Uint8Array.of(1))).toThrow(/finite/);
    expect(() => createDenseMatrix(2, 2, new Float32Array(3))).toThrow(/needs 4 values/);
    const objective = logisticObjective(data, Uint8Array.of(0, 1));
    expect(() => objective(new Float64Array(2), new Float64Array(2))).toThrow(/3 parameters/);
  });
});
