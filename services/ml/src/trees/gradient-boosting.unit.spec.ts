import { sigmoid } from '../linear/logistic-objective';
import { createDenseMatrix, DenseMatrix } from '../matrix/dense-matrix';
import { logLoss, rocAuc } from '../metrics';
import { SeededRandom } from '../random/seeded-random';
import { gbdtToJson } from './gbdt-json';
import { GbdtModel, gbdtLeafOf, gbdtPredictProbability, gbdtPredictRaw } from './gbdt-model';
import { GradientBoostingOptions, trainGradientBoosting } from './gradient-boosting';

function gaussian(random: SeededRandom): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

interface Sample {
  data: DenseMatrix;
  labels: Uint8Array;
  /** P(y = 1 | x) of the generating process, for the Bayes-optimal AUC. */
  truth: Float64Array;
}

/**
 * Rows of N(0, 1) features (each replaced by NaN with probability missing[column]) and labels
 * drawn with probability probability(row values).
 */
function sample(
  seed: number,
  rows: number,
  columns: number,
  probability: (x: Float32Array) => number,
  missing: number[] = [],
): Sample {
  const random = new SeededRandom(seed);
  const values = new Float32Array(rows * columns);
  const labels = new Uint8Array(rows);
  const truth = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    const x = values.subarray(row * columns, (row + 1) * columns);
    for (let column = 0; column < columns; column++) {
      x[column] = random.next() < (missing[column] ?? 0) ? Number.NaN : gaussian(random);
    }
    truth[row] = probability(x);
    labels[row] = random.next() < truth[row] ? 1 : 0;
  }
  return { data: createDenseMatrix(rows, columns, values), labels, truth };
}

const auc = (model: GbdtModel, test: Sample) =>
  rocAuc(test.labels, gbdtPredictProbability(model, test.data));

/** Mean log loss from margins, the way training computes it. */
function marginLoss(labels: Uint8Array, margins: Float64Array): number {
  let total = 0;
  margins.forEach(
    (m, row) => (total += Math.max(m, 0) + Math.log1p(Math.exp(-Math.abs(m))) - labels[row] * m),
  );
  return total / margins.length;
}

/** Depth of every node, from the parent links. */
function depths(model: GbdtModel, tree: number): number[] {
  const { left, right, feature } = model.trees[tree];
  const depth = new Array<number>(feature.length).fill(0);
  for (let node = 0; node < feature.length; node++) {
    if (feature[node] < 0) continue;
    depth[left[node]] = depth[node] + 1;
    depth[right[node]] = depth[node] + 1;
  }
  return depth;
}

describe('trainGradientBoosting', () => {
  it('separates data split by one threshold: training AUC 1, log loss near 0', () => {
    const train = sample(1, 2000, 3, (x) => (x[1] > 0.3 ? 1 : 0));
    const { model, history } = trainGradientBoosting(train.data, train.labels, {
      nEstimators: 100,
    });
    const probabilities = gbdtPredictProbability(model, train.data);
    expect(rocAuc(train.labels, probabilities)).toBe(1);
    expect(logLoss(train.labels, probabilities)).toBeLessThan(0.01);
    expect(history.trainLoss[99]).toBeCloseTo(logLoss(train.labels, probabilities), 12);
    // Every root splits on the informative feature, at the class boundary.
    for (const tree of model.trees.slice(0, 10)) expect(tree.feature[0]).toBe(1);
    expect(Math.abs(model.trees[0].threshold[0] - 0.3)).toBeLessThan(0.02);
  });

  it('comes close to the Bayes AUC on a logistic ground truth', () => {
    const truth = (x: Float32Array) => sigmoid(-0.5 + x[0] - x[1] + 0.5 * x[2]);
    const train = sample(2, 8000, 6, truth);
    const validation = sample(3, 3000, 6, truth);
    const test = sample(4, 5000, 6, truth);
    const { model } = trainGradientBoosting(train.data, train.labels, {
      nEstimators: 300,
      learningRate: 0.2,
      maxLeaves: 8,
      validation,
    });
    const bayes = rocAuc(test.labels, test.truth);
    expect(bayes).toBeGreaterThan(0.8);
    expect(auc(model, test)).toBeGreaterThan(bayes - 0.015);
  });

  it('learns an XOR interaction that depth-1 stumps cannot', () => {
    const xor = (x: Float32Array) => (x[0] > 0 !== x[1] > 0 ? 0.97 : 0.03);
    const train = sample(5, 4000, 8, xor);
    const test = sample(6, 2000, 8, xor);
    const trees = trainGradientBoosting(train.data, train.labels, { nEstimators: 60 });
    const stumps = trainGradientBoosting(train.data, train.labels, {
      nEstimators: 60,
      maxDepth: 1,
    });
    expect(auc(trees.model, test)).toBeGreaterThan(0.95);
    expect(Math.abs(auc(stumps.model, test) - 0.5)).toBeLessThan(0.06);
  });

  describe('with informative missing values', () => {
    // Missing x0 means high risk (like large x0); missing x1 low risk (like small x1).
    const truth = (x: Float32Array) =>
      sigmoid(
        (Number.isNaN(x[0]) ? 2 : 1.5 * x[0]) + (Number.isNaN(x[1]) ? -2 : 1.5 * x[1]) + 0.3 * x[2],
      );
    const test = sample(8, 4000, 4, truth, [0.3, 0.3]);
    let model: GbdtModel;
    beforeAll(() => {
      const train = sample(7, 6000, 4, truth, [0.3, 0.3]);
      model = trainGradientBoosting(train.data, train.labels, {
        nEstimators: 80,
        maxLeaves: 8,
      }).model;
    });

    it('ranks nearly as well as the truth', () => {
      expect(auc(model, test)).toBeGreaterThan(rocAuc(test.labels, test.truth) - 0.02);
    });

    it('learns which way missing values go, better than the opposite way', () => {
      const flipped: GbdtModel = {
        ...model,
        trees: model.trees.map((tree) => ({
          ...tree,
          missingGoesLeft: tree.missingGoesLeft.map((flag) => 1 - flag),
        })),
      };
      expect(auc(model, test)).toBeGreaterThan(auc(flipped, test) + 0.05);
    });

    it('predicts missing rows apart from observed ones, in the right direction', () => {
      const probabilities = gbdtPredictProbability(model, test.data);
      const mean = (keep: (row: number) => boolean) => {
        let [sum, count] = [0, 0];
        probabilities.forEach((p, row) => (keep(row) ? ((sum += p), count++) : 0));
        return sum / count;
      };
      const missing = (row: number, column: number) =>
        Number.isNaN(test.data.values[row * 4 + column]);
      const observed = (row: number) => !missing(row, 0) && !missing(row, 1);
      const onlyX0Missing = mean((row) => missing(row, 0) && !missing(row, 1));
      const onlyX1Missing = mean((row) => missing(row, 1) && !missing(row, 0));
      expect(onlyX0Missing).toBeGreaterThan(mean(observed) + 0.15);
      expect(onlyX1Missing).toBeLessThan(mean(observed) - 0.15);
    });
  });

  it('stops early on pure noise, keeping no tree that does not help', () => {
    const noise = () => 0.3;
    const train = sample(9, 2000, 5, noise);
    const validation = sample(10, 2000, 5, noise);
    const { model, bestIteration, history } = trainGradientBoosting(train.data, train.labels, {
      nEstimators: 200,
      validation,
      earlyStoppingRounds: 15,
    });
    expect(bestIteration).toBeLessThan(5);
    expect(model.trees).toHaveLength(bestIteration);
    expect(history.validationLoss).toHaveLength(bestIteration + 15);
    const kept = marginLoss(validation.labels, gbdtPredictRaw(model, validation.data));
    const baseOnly = marginLoss(validation.labels, new Float64Array(2000).fill(model.baseScore));
    expect(kept).toBe(Math.min(baseOnly, ...history.validationLoss));
  });

  it('keeps the trees up to the best validation loss when a weak signal starts to overfit', () => {
    const weak = (x: Float32Array) => sigmoid(0.8 * x[0] - 1);
    const train = sample(14, 1500, 10, weak);
    const validation = sample(15, 1500, 10, weak);
    const reported: Parameters<NonNullable<GradientBoostingOptions['onIteration']>>[] = [];
    const { model, bestIteration, history } = trainGradientBoosting(train.data, train.labels, {
      nEstimators: 300,
      validation,
      onIteration: (...progress) => reported.push(progress),
    });
    expect(bestIteration).toBeGreaterThan(10);
    expect(history.validationLoss).toHaveLength(bestIteration + 20);
    expect(reported).toEqual(
      history.trainLoss.map((loss, index) => [index + 1, loss, history.validationLoss[index]]),
    );
    expect(model.trees).toHaveLength(bestIteration);
    const kept = marginLoss(validation.labels, gbdtPredictRaw(model, validation.data));
    expect(kept).toBe(history.validationLoss[bestIteration - 1]);
    expect(kept).toBe(Math.min(...history.validationLoss));
    // The training loss kept falling: the validation set is what stopped it.
    const last = history.trainLoss.length - 1;
    expect(history.trainLoss[last]).toBeLessThan(history.trainLoss[bestIteration - 1]);
  });

  describe('determinism and sampling', () => {
    const truth = (x: Float32Array) => sigmoid(x[0] * x[1] + x[2]);
    const train = sample(11, 3000, 6, truth, [0, 0, 0.2]);
    const json = (options: GradientBoostingOptions) =>
      JSON.stringify(gbdtToJson(trainGradientBoosting(train.data, train.labels, options).model));
    const sampled = { nEstimators: 25, subsample: 0.6, colsampleByTree: 0.5 };

    it('gives identical models for the same seed and different ones for another', () => {
      const first = json({ ...sampled, seed: 7 });
      expect(json({ ...sampled, seed: 7 })).toBe(first);
      expect(json({ ...sampled, seed: 8 })).not.toBe(first);
      // Without subsampling the seed has nothing to choose.
      expect(json({ nEstimators: 10, seed: 7 })).toBe(json({ nEstimators: 10, seed: 8 }));
    });

    it('routes unsampled rows like the model, so training losses match predictions', () => {
      const { model, history } = trainGradientBoosting(train.data, train.labels, sampled);
      const loss = marginLoss(train.labels, gbdtPredictRaw(model, train.data));
      expect(Math.abs(history.trainLoss[24] - loss)).toBeLessThan(1e-12);
    });

    it('grows trees within maxLeaves, maxDepth and minSamplesLeaf, with float32 thresholds', () => {
      const options = { nEstimators: 15, maxLeaves: 12, maxDepth: 4, minSamplesLeaf: 40 };
      const { model } = trainGradientBoosting(train.data, train.labels, options);
      model.trees.forEach((tree, index) => {
        const leaves = tree.feature.filter((feature) => feature === -1).length;
        expect(leaves).toBeLessThanOrEqual(12);
        expect(Math.max(...depths(model, index))).toBeLessThanOrEqual(4);
        tree.threshold.forEach((threshold) => expect(Math.fround(threshold)).toBe(threshold));
        const rowsPerLeaf = new Map<number, number>();
        for (let row = 0; row < train.data.rows; row++) {
          const leaf = gbdtLeafOf(tree, train.data.values, row * train.data.columns);
          rowsPerLeaf.set(leaf, (rowsPerLeaf.get(leaf) ?? 0) + 1);
        }
        expect(rowsPerLeaf.size).toBe(leaves);
        expect(Math.min(...rowsPerLeaf.values())).toBeGreaterThanOrEqual(40);
      });
      expect(Math.max(...model.trees.map((tree) => tree.feature.length))).toBe(23);
    });
  });

  describe('input checks', () => {
    const train = sample(12, 100, 2, () => 0.5);
    it.each<[GradientBoostingOptions, RegExp]>([
      [{ nEstimators: 1.5 }, /nEstimators must be an integer/],
      [{ maxDepth: 0 }, /maxDepth must be an integer in \[1, 30\]/],
      [{ maxLeaves: 1 }, /maxLeaves/],
      [{ maxBins: 300 }, /maxBins/],
      [{ learningRate: 0 }, /learningRate must be > 0/],
      [{ lambda: -1 }, /lambda must be a finite number ≥ 0/],
      [{ subsample: 0 }, /subsample must be in \(0, 1\]/],
      [{ colsampleByTree: 1.5 }, /colsampleByTree/],
      [{ minSamplesLeaf: 0 }, /minSamplesLeaf/],
      [{ earlyStoppingRounds: 0 }, /earlyStoppingRounds/],
    ])('rejects %j', (options, message) => {
      expect(() => trainGradientBoosting(train.data, train.labels, options)).toThrow(message);
    });

    it('rejects misaligned, non-binary or one-class labels and a mismatched validation set', () => {
      expect(() => trainGradientBoosting(train.data, train.labels.subarray(1))).toThrow(/labels/);
      expect(() =>
        trainGradientBoosting(
          train.data,
          train.labels.map(() => 2),
        ),
      ).toThrow(/0 or 1/);
      expect(() => trainGradientBoosting(train.data, new Uint8Array(100))).toThrow(/both classes/);
      const validation = sample(13, 10, 3, () => 0.5);
      expect(() => trainGradientBoosting(train.data, train.labels, { validation })).toThrow(
        /validation data has 3 features/,
      );
    });
  });
});
