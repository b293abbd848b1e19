import { sigmoid } from '../linear/logistic-objective';
import { createDenseMatrix, denseMatrixFromRows } from '../matrix/dense-matrix';
import { SeededRandom } from '../random/seeded-random';
import { FLOAT32_MAX } from './binning';
import { gbdtFromJson, gbdtToJson } from './gbdt-json';
import {
  gbdtContributions,
  GbdtModel,
  gbdtPredictOne,
  gbdtPredictOneRaw,
  gbdtPredictProbability,
  gbdtPredictRaw,
  GbdtTree,
} from './gbdt-model';
import { trainGradientBoosting } from './gradient-boosting';

/** A tree from per-node [feature, threshold, left, right, missingGoesLeft, value]. */
function treeOf(nodes: [number, number, number, number, boolean, number][]): GbdtTree {
  return {
    feature: Int32Array.from(nodes.map((node) => node[0])),
    threshold: Float32Array.from(nodes.map((node) => node[1])),
    left: Int32Array.from(nodes.map((node) => node[2])),
    right: Int32Array.from(nodes.map((node) => node[3])),
    missingGoesLeft: Uint8Array.from(nodes.map((node) => (node[4] ? 1 : 0))),
    value: Float32Array.from(nodes.map((node) => node[5])),
    cover: new Float64Array(nodes.length).fill(1),
  };
}

/**
 * x0 <= 1 (missing right) → [x1 <= 0.5 (missing left) → 0.25 | −0.5], else 1.
 * Node values: root 0.125, inner 0.
 */
const handBuilt: GbdtModel = {
  kind: 'gbdt',
  baseScore: -1,
  features: 2,
  trees: [
    treeOf([
      [0, 1, 1, 2, false, 0.125],
      [1, 0.5, 3, 4, true, 0],
      [-1, 0, -1, -1, false, 1],
      [-1, 0, -1, -1, false, 0.25],
      [-1, 0, -1, -1, false, -0.5],
    ]),
    treeOf([[-1, 0, -1, -1, false, 0.5]]),
  ],
};

function gaussian(random: SeededRandom): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

/** A small trained model on data with an interaction and missing values. */
function trainedModel() {
  const random = new SeededRandom(21);
  const rows = 2000;
  const columns = 5;
  const values = new Float32Array(rows * columns);
  const labels = new Uint8Array(rows);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      values[row * columns + column] =
        column === 2 && random.next() < 0.3 ? Number.NaN : gaussian(random);
    }
    const [a, b, c] = [values[row * columns], values[row * columns + 1], values[row * columns + 2]];
    const z = a * b + (Number.isNaN(c) ? 1 : c);
    labels[row] = random.next() < sigmoid(2 * z) ? 1 : 0;
  }
  const data = createDenseMatrix(rows, columns, values);
  const { model } = trainGradientBoosting(data, labels, { nEstimators: 40, maxLeaves: 15 });
  return { model, data };
}

describe('GBDT prediction', () => {
  it('goes left iff x <= threshold, and missing values as each node says', () => {
    const margin = (x0: number, x1: number) => gbdtPredictOneRaw(handBuilt, [x0, x1]) + 1 - 0.5;
    expect(margin(1, 0.5)).toBe(0.25); // equality goes left at both nodes
    expect(margin(0.5, 0.6)).toBe(-0.5);
    expect(margin(1.5, 0)).toBe(1);
    expect(margin(Number.NaN, 0)).toBe(1); // root: missing right
    expect(margin(0, Number.NaN)).toBe(0.25); // inner: missing left
    expect(margin(Number.NaN, Number.NaN)).toBe(1);
  });

  it('rounds float64 inputs to float32 first, as ONNX does with a float tensor', () => {
    // 1 + 2⁻³⁰ > 1 in float64, but it is 1 in float32, so it goes left.
    expect(gbdtPredictOneRaw(handBuilt, [1 + 2 ** -30, 0])).toBe(-1 + 0.25 + 0.5);
  });

  it('gives the same margins and probabilities for matrices and single rows', () => {
    const rows = [
      [0, 0],
      [2, 0],
      [Number.NaN, 1],
      [-3, Number.NaN],
    ];
    const data = denseMatrixFromRows(rows);
    const margins = gbdtPredictRaw(handBuilt, data);
    const probabilities = gbdtPredictProbability(handBuilt, data);
    rows.forEach((row, index) => {
      expect(margins[index]).toBe(gbdtPredictOneRaw(handBuilt, row));
      expect(probabilities[index]).toBe(gbdtPredictOne(handBuilt, row));
      expect(probabilities[index]).toBe(sigmoid(margins[index]));
    });
    expect(Array.from(margins)).toEqual([-0.25, 0.5, 0.5, -0.25]);
  });

  it('checks the number of features', () => {
    expect(() => gbdtPredictOne(handBuilt, [1])).toThrow(/takes 2 features, got 1/);
    expect(() => gbdtPredictRaw(handBuilt, denseMatrixFromRows([[1, 2, 3]]))).toThrow(/takes 2/);
  });
});

describe('gbdtContributions', () => {
  it('credits each change of node value along the path to the split feature', () => {
    const contributions = gbdtContributions(handBuilt, [0, 0.7]);
    // root 0.125 → inner 0 (x0), inner 0 → leaf −0.5 (x1); bias −1 + 0.125 + 0.5.
    expect(Array.from(contributions)).toEqual([-0.125, -0.5, -0.375]);
  });

  it('sums to the margin on a trained model, missing values included', () => {
    const { model, data } = trainedModel();
    const margins = gbdtPredictRaw(model, data);
    let touched = 0;
    for (let row = 0; row < 200; row++) {
      const values = data.values.subarray(row * data.columns, (row + 1) * data.columns);
      const contributions = gbdtContributions(model, values);
      expect(contributions).toHaveLength(data.columns + 1);
      const sum = contributions.reduce((total, value) => total + value, 0);
      expect(Math.abs(sum - margins[row])).toBeLessThan(1e-9);
      if (contributions[0] !== 0 && contributions[2] !== 0) touched++;
    }
    expect(touched).toBeGreaterThan(100);
  });
});

describe('GBDT JSON', () => {
  it('round-trips through JSON text with bit-identical predictions', () => {
    const { model, data } = trainedModel();
    const text = JSON.stringify(gbdtToJson(model));
    const loaded = gbdtFromJson(JSON.parse(text));
    expect(JSON.stringify(gbdtToJson(loaded))).toBe(text);
    expect(Array.from(gbdtPredictRaw(loaded, data))).toEqual(
      Array.from(gbdtPredictRaw(model, data)),
    );
    expect(loaded.trees[0].threshold).toBeInstanceOf(Float32Array);
  });

  it('keeps the FLOAT32_MAX threshold of a missing-versus-observed split', () => {
    const model = {
      ...handBuilt,
      trees: [treeOf([[0, FLOAT32_MAX, 1, 2, false, 0], ...leaves(2)])],
    };
    const loaded = gbdtFromJson(JSON.parse(JSON.stringify(gbdtToJson(model))));
    expect(loaded.trees[0].threshold[0]).toBe(FLOAT32_MAX);
    expect(gbdtPredictOneRaw(loaded, [3e38, 0])).toBe(-1 + 1);
    expect(gbdtPredictOneRaw(loaded, [Number.NaN, 0])).toBe(-1 + 2);
  });

  const valid = () =>
    gbdtToJson(handBuilt) as unknown as Record<string, unknown> & {
      trees: Record<string, unknown[]>[];
    };
  it.each<[string, (json: ReturnType<typeof valid>) => void, RegExp]>([
    ['a wrong kind', (json) => (json.kind = 'logistic-regression'), /Expected kind 'gbdt'/],
    ['a negative feature count', (json) => (json.features = -1), /features must be/],
    ['a non-float32 base score', (json) => (json.baseScore = 0.1), /baseScore/],
    [
      'arrays of different lengths',
      (json) => json.trees[0].value.pop(),
      /value must be an array of 5/,
    ],
    ['a feature out of range', (json) => (json.trees[0].feature[1] = 2), /node 1: feature 2/],
    [
      'a non-float32 threshold',
      (json) => (json.trees[0].threshold[0] = 0.1),
      /threshold is not a float32/,
    ],
    [
      'a child before its parent',
      (json) => (json.trees[0].left[1] = 0),
      /child 0 must be a later node/,
    ],
    ['a node with two parents', (json) => (json.trees[0].right[1] = 2), /node 2: has 2 parents/],
    ['an unreachable node', (json) => (json.trees[0].left[1] = 4), /same node|parents/],
    [
      'a leaf with children',
      (json) => (json.trees[0].left[2] = 3),
      /a leaf needs left = right = −1/,
    ],
    [
      'a non-boolean direction',
      (json) => (json.trees[0].missingGoesLeft[0] = 1),
      /missingGoesLeft\[0\]/,
    ],
    [
      'a non-finite value',
      (json) => (json.trees[0].value[2] = null),
      /value\[2\] is not a finite number/,
    ],
    [
      'an empty tree',
      (json) => (json.trees[1].feature = []),
      /tree 1: feature must be a non-empty/,
    ],
  ])('rejects %s', (_, corrupt, message) => {
    const json = valid();
    corrupt(json);
    expect(() => gbdtFromJson(JSON.parse(JSON.stringify(json)))).toThrow(message);
  });

  it('rejects what is not an object', () => {
    expect(() => gbdtFromJson(null)).toThrow(/must be an object/);
    expect(() => gbdtFromJson([])).toThrow(/must be an object/);
  });
});

function leaves(count: number): [number, number, number, number, boolean, number][] {
  return Array.from({ length: count }, (_, index) => [-1, 0, -1, -1, false, index + 1]);
}
