// Every exported model must score in onnxruntime exactly as it scores in TypeScript (1e-5).
import {
  encodeOnnxModel,
  gbdtPredictProbability,
  gbdtToOnnx,
  logisticRegressionToOnnx,
  trainGradientBoosting,
  predictProbability,
  SeededRandom,
  trainLogisticRegression,
  type DenseMatrix,
} from '@readmit/ml';
import { OnnxScorer } from '@readmit/platform/onnx';

/** Feature rows shaped like ours: a few standardised numbers, then one-hot blocks. */
function featureRows(rows: number, seed: number): { data: DenseMatrix; labels: Uint8Array } {
  const random = new SeededRandom(seed);
  const numeric = 10;
  const blocks = [5, 9, 12, 30, 4, 4, 4];
  const columns = numeric + blocks.reduce((sum, size) => sum + size, 0);
  const values = new Float32Array(rows * columns);
  const labels = new Uint8Array(rows);
  for (let row = 0; row < rows; row++) {
    const offset = row * columns;
    let logit = -1;
    for (let column = 0; column < numeric; column++) {
      // Sum of uniforms: roughly normal, deterministic.
      const value = random.next() + random.next() + random.next() - 1.5;
      values[offset + column] = value;
      logit += (column % 3) - 1 === 0 ? 0 : ((column % 3) - 1) * 0.8 * value;
    }
    let start = numeric;
    for (const size of blocks) {
      const hot = random.int(size);
      values[offset + start + hot] = 1;
      logit += hot === 0 ? 0.7 : 0;
      start += size;
    }
    labels[row] = random.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return { data: { rows, columns, values }, labels };
}

describe('ONNX export parity with onnxruntime-node', () => {
  const { data, labels } = featureRows(10_000, 42);

  it('logistic regression: onnxruntime equals the TypeScript model within 1e-5 on 10,000 rows', async () => {
    const model = trainLogisticRegression(data, labels, { l2: 1 });
    const expected = predictProbability(model, data);
    const bytes = encodeOnnxModel(
      logisticRegressionToOnnx(model, {
        producerVersion: 'test',
        metadata: { 'readmit.kind': 'logistic-regression' },
      }),
    );
    const scorer = await OnnxScorer.load(bytes);
    try {
      const actual = await scorer.score(data);
      expect(actual).toHaveLength(10_000);
      let worst = 0;
      for (let row = 0; row < actual.length; row++)
        worst = Math.max(worst, Math.abs(actual[row] - expected[row]));
      expect(worst).toBeLessThan(1e-5);
      // The model is not trivial: scores spread out.
      expect(Math.max(...actual) - Math.min(...actual)).toBeGreaterThan(0.5);
    } finally {
      await scorer.close();
    }
  });

  async function onnxScores(bytes: Uint8Array, data: DenseMatrix): Promise<Float32Array> {
    const scorer = await OnnxScorer.load(bytes);
    try {
      return await scorer.score(data);
    } finally {
      await scorer.close();
    }
  }

  const largestDifference = (actual: ArrayLike<number>, expected: ArrayLike<number>) => {
    let worst = 0;
    for (let row = 0; row < actual.length; row++)
      worst = Math.max(worst, Math.abs(actual[row] - expected[row]));
    return worst;
  };

  it('gradient-boosted trees: onnxruntime equals the TypeScript model within 1e-5 on 10,000 rows, missing values included', async () => {
    // Every 7th value of the first numeric column is missing, so missing-value routing is exercised.
    const withMissing = Float32Array.from(data.values);
    for (let row = 0; row < data.rows; row += 7) withMissing[row * data.columns] = Number.NaN;
    const matrix: DenseMatrix = { ...data, values: withMissing };
    const { model } = trainGradientBoosting(matrix, labels, {
      nEstimators: 100,
      maxDepth: 6,
      maxLeaves: 31,
      seed: 3,
    });
    expect(model.trees.length).toBe(100);
    const expected = gbdtPredictProbability(model, matrix);
    const bytes = encodeOnnxModel(gbdtToOnnx(model, { producerVersion: 'test', metadata: {} }));
    const actual = await onnxScores(bytes, matrix);
    expect(actual).toHaveLength(10_000);
    expect(largestDifference(actual, expected)).toBeLessThan(1e-5);
    expect(Math.max(...actual) - Math.min(...actual)).toBeGreaterThan(0.5);
  });

  it('a tree model early stopping left without trees exports as its base score', async () => {
    const { model } = trainGradientBoosting(data, labels, { nEstimators: 1 });
    const empty = { ...model, trees: [] };
    const bytes = encodeOnnxModel(gbdtToOnnx(empty, { producerVersion: 'test', metadata: {} }));
    const actual = await onnxScores(bytes, {
      rows: 3,
      columns: data.columns,
      values: data.values.slice(0, 3 * data.columns),
    });
    const expected = 1 / (1 + Math.exp(-model.baseScore));
    expect(largestDifference(actual, [expected, expected, expected])).toBeLessThan(1e-6);
  });

  it('refuses bytes that are not an ONNX model', async () => {
    await expect(OnnxScorer.load(new Uint8Array([1, 2, 3, 4]))).rejects.toThrow();
  });
});
