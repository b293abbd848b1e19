import { SeededRandom } from '../random/seeded-random';
import { createDenseMatrix } from '../matrix/dense-matrix';
import { predictProbability, trainLogisticRegression } from './logistic-regression';
import { logisticRegressionFromJson, logisticRegressionToJson } from './logistic-regression-json';

describe('logistic regression JSON', () => {
  const random = new SeededRandom(17);
  const data = createDenseMatrix(
    300,
    3,
    Float32Array.from({ length: 900 }, () => 2 * random.next() - 1),
  );
  const labels = Uint8Array.from({ length: 300 }, (_, row) =>
    random.next() < 1 / (1 + Math.exp(-3 * data.values[row * 3])) ? 1 : 0,
  );
  const model = trainLogisticRegression(data, labels, { l2: 0.5 });

  it('round-trips through JSON text to identical predictions', () => {
    const loaded = logisticRegressionFromJson(
      JSON.parse(JSON.stringify(logisticRegressionToJson(model))),
    );
    expect(loaded).toEqual(model);
    expect([...predictProbability(loaded, data)]).toEqual([...predictProbability(model, data)]);
  });

  it('stores plain numbers and the feature count', () => {
    const json = logisticRegressionToJson(model);
    expect(json.features).toBe(3);
    expect(Array.isArray(json.weights)).toBe(true);
    expect(json.weights).toEqual([...model.weights]);
  });

  it('refuses JSON whose weights do not match its feature count', () => {
    const json = logisticRegressionToJson(model);
    expect(() => logisticRegressionFromJson({ ...json, weights: json.weights.slice(1) })).toThrow(
      /3 features but 2 weights/,
    );
    expect(() => logisticRegressionFromJson({ ...json, features: 4 })).toThrow(
      /4 features but 3 weights/,
    );
  });

  it('refuses malformed fields with a message naming them', () => {
    const json = logisticRegressionToJson(model);
    expect(() => logisticRegressionFromJson(null)).toThrow(/must be an object/);
    expect(() => logisticRegressionFromJson({ ...json, kind: 'tree' })).toThrow(/kind/);
    expect(() => logisticRegressionFromJson({ ...json, weights: [1, null, 2] })).toThrow(
      /weight 1 is not a finite number/,
    );
    expect(() => logisticRegressionFromJson({ ...json, intercept: '0.1' })).toThrow(/intercept/);
    expect(() => logisticRegressionFromJson({ ...json, converged: 1 })).toThrow(/converged/);
    expect(() => logisticRegressionFromJson({ ...json, iterations: -1 })).toThrow(/iterations/);
    expect(() => logisticRegressionFromJson({ ...json, trainingLoss: undefined })).toThrow(
      /trainingLoss/,
    );
  });
});
