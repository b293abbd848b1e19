import { labelledSample, sampleAsThreeSites } from '../../../../test/support/sample-rows';
import { FeatureEncoder, fitFeatureSpec } from '../features/feature-spec';
import { targetLabels } from '../features/target';
import { logisticObjective } from '../linear/logistic-objective';
import { trainLogisticRegression } from '../linear/logistic-regression';
import { rocAuc } from '../metrics';
import { predictProbability } from '../linear/logistic-regression';
import {
  averageUpdates,
  localLogisticUpdate,
  trainFederatedLogisticRegression,
  type LogisticRound,
} from './federated-logistic';

// The real UCI sample as three hospitals with different case mixes: by admission source.
const sample = labelledSample();
const encoder = new FeatureEncoder(fitFeatureSpec(sample.map((row) => row.encounter)));
const encode = (rows: typeof sample) => ({
  data: encoder.encodeAll(rows.map((row) => row.encounter)),
  labels: targetLabels(
    rows.map((row) => row.outcome),
    'any',
  ),
});
const union = encode(sample);
const sites = sampleAsThreeSites(sample).map(encode);
const columns = union.data.columns;
const parametersOf = (model: { weights: Float64Array; intercept: number }) =>
  Float64Array.from([...model.weights, model.intercept]);

describe('federated logistic regression (in process)', () => {
  it("splits central training's objective exactly: the sites' objectives weighted by rows add up to it", () => {
    const central = logisticObjective(union.data, union.labels, 1);
    const parameters = Float64Array.from({ length: columns + 1 }, (_, i) => Math.sin(i) / 10);
    const gradient = new Float64Array(columns + 1);
    const expected = central(parameters, gradient);
    const summed = sites.reduce((sum, site) => {
      const share = logisticObjective(site.data, site.labels, site.data.rows / union.data.rows);
      return (
        sum + (share(parameters, new Float64Array(columns + 1)) * site.data.rows) / union.data.rows
      );
    }, 0);
    expect(summed).toBeCloseTo(expected, 12);
  });

  it('averages the sites’ parameters weighted by their rows', () => {
    const average = averageUpdates([
      { parameters: Float64Array.from([1, 0]), rows: 1, objectiveAtStart: 0 },
      { parameters: Float64Array.from([4, 3]), rows: 2, objectiveAtStart: 0 },
    ]);
    expect(Array.from(average)).toEqual([3, 2]);
    expect(() => averageUpdates([])).toThrow(/No site update/);
  });

  it('comes close to the central optimum on the union, closer with FedProx on these unlike sites', () => {
    const central = trainLogisticRegression(union.data, union.labels, { tolerance: 1e-6 });
    const objective = logisticObjective(union.data, union.labels, 1);
    const gradient = new Float64Array(columns + 1);
    const best = objective(parametersOf(central), gradient);
    const gapOf = (model: typeof central) =>
      (objective(parametersOf(model), gradient) - best) / best;
    const auc = (model: typeof central) =>
      rocAuc(union.labels, predictProbability(model, union.data));

    const objectives: number[] = [];
    const fedAvg = trainFederatedLogisticRegression(sites, {
      rounds: 40,
      localIterations: 10,
      onRound: (_, value) => objectives.push(value),
    });
    const fedProx = trainFederatedLogisticRegression(sites, {
      rounds: 40,
      localIterations: 10,
      proximal: 0.01,
    });
    // FedAvg drifts towards the sites' own optima when they differ (measured: 1.2% above the
    // central objective after 40 rounds); the proximal term halves that here.
    expect(gapOf(fedAvg)).toBeLessThan(0.02);
    expect(gapOf(fedProx)).toBeLessThan(gapOf(fedAvg) * 0.75);
    expect(Math.abs(auc(fedProx) - auc(central))).toBeLessThan(0.01);
    expect(objectives[objectives.length - 1]).toBeLessThan(objectives[0]);
  });

  it('with FedProx, pulls each local update towards the global parameters as μ grows', () => {
    const parameters = new Float64Array(columns + 1);
    const distance = (proximal: number) => {
      const round: LogisticRound = {
        parameters,
        l2: 1,
        totalRows: union.data.rows,
        localIterations: 20,
        proximal,
      };
      const update = localLogisticUpdate(sites[0].data, sites[0].labels, round);
      return Math.hypot(...update.parameters);
    };
    const [free, some, strong] = [0, 0.1, 10].map(distance);
    expect(some).toBeLessThan(free);
    expect(strong).toBeLessThan(some / 5);
    expect(() => distance(-1)).toThrow(/FedProx/);
  });
});
