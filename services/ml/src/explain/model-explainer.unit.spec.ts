import { EXAMPLE_EVENTS } from '@readmit/contracts';
import type { ModelParameters } from '../artifact/model-artifact';
import type { EncounterInput } from '../features/encounter-features';
import { FeatureEncoder, fitFeatureSpec, type FeatureSpec } from '../features/feature-spec';
import { sigmoid } from '../linear/logistic-objective';
import { predictProbability, trainLogisticRegression } from '../linear/logistic-regression';
import {
  logisticRegressionToJson,
  type LogisticRegressionJson,
} from '../linear/logistic-regression-json';
import { denseMatrixFromRows, type DenseMatrix } from '../matrix/dense-matrix';
import { SeededRandom } from '../random/seeded-random';
import { gbdtToJson, type GbdtJson } from '../trees/gbdt-json';
import { gbdtPredictRaw } from '../trees/gbdt-model';
import { trainGradientBoosting } from '../trees/gradient-boosting';
import { ModelExplainer, type FeatureContributionMatrix } from './model-explainer';

const { envelope: _, recordedAt: __, source: ___, ...base } = EXAMPLE_EVENTS.EncounterRecorded;

const RACES = ['Caucasian', 'AfricanAmerican', 'Hispanic', null];
const ADMISSION_TYPES = [1, 2, 3, 5];

/** Encounters varied in numeric and categorical inputs, with missing races; labels depend on both. */
function makeEncounters(count: number, seed: number) {
  const random = new SeededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random.next() * values.length)];
  const encounters: EncounterInput[] = [];
  const labels = new Uint8Array(count);
  for (let index = 0; index < count; index++) {
    const encounter: EncounterInput = {
      ...base,
      time_in_hospital: 1 + Math.floor(random.next() * 14),
      number_inpatient: Math.floor(random.next() * 5),
      num_medications: 1 + Math.floor(random.next() * 40),
      race: pick(RACES),
      admission_type_id: pick(ADMISSION_TYPES),
    };
    const logit =
      -1.5 +
      0.6 * encounter.number_inpatient +
      (encounter.race === null ? 0.8 : 0) +
      (encounter.admission_type_id === 2 ? -0.7 : 0) +
      0.05 * encounter.time_in_hospital;
    labels[index] = random.next() < sigmoid(logit) ? 1 : 0;
    encounters.push(encounter);
  }
  return { encounters, labels };
}

const { encounters, labels } = makeEncounters(800, 7);
const featureSpec = fitFeatureSpec(encounters);
const encoder = new FeatureEncoder(featureSpec);
const data = encoder.encodeAll(encounters);
const column = (name: string): number => featureSpec.featureNames.indexOf(name);

/** Each row's bias plus all its feature contributions: the logit the explanation accounts for. */
function explainedLogits(matrix: FeatureContributionMatrix): Float64Array {
  const width = matrix.features.length;
  return matrix.bias.map((bias, row) => {
    let sum = bias;
    for (let feature = 0; feature < width; feature++) sum += matrix.values[row * width + feature];
    return sum;
  });
}

describe('ModelExplainer', () => {
  it('names the input features: numeric columns, then one per categorical block', () => {
    const model = trainLogisticRegression(data, labels);
    const explainer = new ModelExplainer(
      { algorithm: 'logistic-regression', json: logisticRegressionToJson(model) },
      featureSpec,
    );
    expect(explainer.features).toEqual([
      ...featureSpec.numeric.map((feature) => feature.name),
      ...featureSpec.categorical.map((block) => block.name),
    ]);
    expect(explainer.features).toContain('number_inpatient');
    expect(explainer.features).toContain('admission_type_id');
    expect(explainer.features.some((name) => name.includes('='))).toBe(false);
  });

  it('logistic regression: intercept plus all contributions is the logit of every row', () => {
    const model = trainLogisticRegression(data, labels);
    const explainer = new ModelExplainer(
      { algorithm: 'logistic-regression', json: logisticRegressionToJson(model) },
      featureSpec,
    );
    const contributions = explainer.contributionsByFeature(data);
    expect(contributions.rows).toBe(data.rows);
    expect(contributions.bias.every((bias) => bias === model.intercept)).toBe(true);
    const logits = explainedLogits(contributions);
    const probabilities = predictProbability(model, data);
    for (let row = 0; row < data.rows; row++) {
      const p = probabilities[row];
      expect(Math.abs(logits[row] - Math.log(p / (1 - p)))).toBeLessThan(1e-5);
    }
    // A categorical block is credited with its one-hot columns' weights.
    const row = encounters.findIndex((encounter) => encounter.admission_type_id === 2);
    const admissionType = explainer.features.indexOf('admission_type_id');
    expect(contributions.values[row * explainer.features.length + admissionType]).toBeCloseTo(
      model.weights[column('admission_type_id=2')],
      12,
    );
  });

  it('GBDT: base score, root values and all contributions add up to the raw margin', () => {
    const { model } = trainGradientBoosting(data, labels, {
      nEstimators: 60,
      maxDepth: 4,
      learningRate: 0.1,
      seed: 3,
    });
    const explainer = new ModelExplainer(
      { algorithm: 'gbdt', json: gbdtToJson(model) },
      featureSpec,
    );
    const contributions = explainer.contributionsByFeature(data);
    const expectedBias = model.trees.reduce((sum, tree) => sum + tree.value[0], model.baseScore);
    expect(contributions.bias.every((bias) => Math.abs(bias - expectedBias) < 1e-9)).toBe(true);
    const logits = explainedLogits(contributions);
    const margins = gbdtPredictRaw(model, data);
    for (let row = 0; row < data.rows; row++)
      expect(Math.abs(logits[row] - margins[row])).toBeLessThan(1e-5);
    // The trees learnt something, and the explanation shows it.
    const explanations = explainer.explain(data, 3);
    expect(explanations).toHaveLength(data.rows);
    expect(explanations.flat().some((entry) => entry.feature === 'number_inpatient')).toBe(true);
  });

  describe('aggregation and ranking', () => {
    /** A logistic regression that weighs only the named columns. */
    function linearWeighing(weights: Record<string, number>): ModelParameters {
      const json: LogisticRegressionJson = {
        kind: 'logistic-regression',
        features: featureSpec.featureNames.length,
        weights: featureSpec.featureNames.map((name) => weights[name] ?? 0),
        intercept: -2,
        iterations: 1,
        converged: true,
        trainingLoss: 0.5,
      };
      return { algorithm: 'logistic-regression', json };
    }

    const unusual: EncounterInput = {
      ...base,
      race: null,
      admission_type_id: 99, // never seen in training: its block's "(other)" column
      number_inpatient: 3,
    };

    it('credits a missing or unseen category to its block, ranks by size and keeps signs', () => {
      const explainer = new ModelExplainer(
        linearWeighing({
          'race=(missing)': 0.7,
          'race=Caucasian': 5, // not this row's race: no credit
          'admission_type_id=(other)': -1.2,
          number_inpatient: 0.1,
        }),
        featureSpec,
      );
      const row = encoder.encode(unusual);
      expect(row[column('race=(missing)')]).toBe(1);
      expect(row[column('admission_type_id=(other)')]).toBe(1);
      const inpatient = 0.1 * row[column('number_inpatient')];
      expect(Math.abs(inpatient)).toBeGreaterThan(0);
      expect(Math.abs(inpatient)).toBeLessThan(0.7);

      const rows = denseMatrixFromRows([row]);
      // Features contributing nothing are left out, so fewer than topK can come back.
      expect(explainer.explain(rows, 10)).toEqual([
        [
          { feature: 'admission_type_id', value: expect.closeTo(-1.2, 12) },
          { feature: 'race', value: expect.closeTo(0.7, 12) },
          { feature: 'number_inpatient', value: expect.closeTo(inpatient, 12) },
        ],
      ]);
      expect(explainer.explain(rows, 2)[0].map((entry) => entry.feature)).toEqual([
        'admission_type_id',
        'race',
      ]);
      expect(explainer.explain(rows, 0)).toEqual([[]]);

      const caucasian = encoder.encode({ ...unusual, race: 'Caucasian' });
      expect(explainer.explain(denseMatrixFromRows([caucasian]), 1)).toEqual([
        [{ feature: 'race', value: expect.closeTo(5, 12) }],
      ]);
    });

    it('GBDT: splits on different columns of one block sum into the block', () => {
      const width = featureSpec.featureNames.length;
      const stump = (split: number, values: [number, number, number]) => ({
        feature: [split, -1, -1],
        threshold: [0.5, 0, 0],
        left: [1, -1, -1],
        right: [2, -1, -1],
        missingGoesLeft: [false, false, false],
        value: values,
        cover: [2, 1, 1],
      });
      const json: GbdtJson = {
        kind: 'gbdt',
        baseScore: -1,
        features: width,
        trees: [
          // race=(missing) is 1 for the unusual row: right, 0.75 − 0.125.
          stump(column('race=(missing)'), [0.125, -0.25, 0.75]),
          // race=Caucasian is 0 for it: left, −0.5 − 0.
          stump(column('race=Caucasian'), [0, -0.5, 0.25]),
          // number_inpatient is above the mean: right, 0.25 − 0.
          stump(column('number_inpatient'), [0, -0.25, 0.25]),
        ],
      };
      const explainer = new ModelExplainer({ algorithm: 'gbdt', json }, featureSpec);
      const rows = denseMatrixFromRows([encoder.encode(unusual)]);
      expect(rows.values[column('number_inpatient')]).toBeGreaterThan(0.5);
      expect(explainer.explain(rows, 5)).toEqual([
        [
          { feature: 'number_inpatient', value: 0.25 },
          { feature: 'race', value: 0.125 },
        ],
      ]);
      const { bias } = explainer.contributionsByFeature(rows);
      expect(Array.from(bias)).toEqual([-1 + 0.125]);
    });

    it('breaks ties by spec order, so explanations are deterministic', () => {
      const explainer = new ModelExplainer(
        linearWeighing({ 'race=(missing)': 0.5, 'admission_type_id=(other)': -0.5 }),
        featureSpec,
      );
      const rows = denseMatrixFromRows([encoder.encode(unusual)]);
      expect(explainer.explain(rows, 1)).toEqual([[{ feature: 'race', value: 0.5 }]]);
    });

    it('explains a batch row by row', () => {
      const explainer = new ModelExplainer(
        linearWeighing({ 'race=(missing)': 0.7, 'race=Caucasian': -0.3 }),
        featureSpec,
      );
      const rows = encoder.encodeAll([unusual, { ...unusual, race: 'Caucasian' }, base]);
      expect(explainer.explain(rows, 3)).toEqual([
        [{ feature: 'race', value: expect.closeTo(0.7, 12) }],
        [{ feature: 'race', value: expect.closeTo(-0.3, 12) }],
        [{ feature: 'race', value: expect.closeTo(-0.3, 12) }],
      ]);
    });
  });

  it('refuses a bad topK, rows of the wrong width, and a model that does not fit the spec', () => {
    const model = trainLogisticRegression(data, labels);
    const json = logisticRegressionToJson(model);
    const explainer = new ModelExplainer({ algorithm: 'logistic-regression', json }, featureSpec);
    const narrow: DenseMatrix = denseMatrixFromRows([[1, 2, 3]]);
    expect(() => explainer.explain(data, -1)).toThrow('topK must be a non-negative integer');
    expect(() => explainer.explain(data, 1.5)).toThrow('topK must be a non-negative integer');
    expect(() => explainer.explain(narrow, 3)).toThrow(
      `The model takes ${data.columns} features, got 3`,
    );
    const withoutRace: FeatureSpec = {
      ...featureSpec,
      categorical: featureSpec.categorical.filter((block) => block.name !== 'race'),
      featureNames: featureSpec.featureNames.filter((name) => !name.startsWith('race=')),
    };
    expect(
      () => new ModelExplainer({ algorithm: 'logistic-regression', json }, withoutRace),
    ).toThrow(
      `The model takes ${data.columns} features, the feature spec has ${withoutRace.featureNames.length} columns`,
    );
    expect(
      () =>
        new ModelExplainer(
          { algorithm: 'logistic-regression', json: { ...json, weights: json.weights.slice(1) } },
          featureSpec,
        ),
    ).toThrow(`${data.columns} features but ${data.columns - 1} weights`);
  });
});
