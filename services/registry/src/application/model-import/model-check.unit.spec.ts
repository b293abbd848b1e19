import {
  buildModelArtifact,
  encodeOnnxModel,
  fitFeatureSpec,
  fitReferenceProfile,
  logisticRegressionToOnnx,
} from '@readmit/ml';
import { labelledSample } from '../../../../../test/support/sample-rows';
import { checkImportedModel } from './model-check';

const encounters = labelledSample()
  .slice(0, 400)
  .map((row) => row.encounter);
const featureSpec = fitFeatureSpec(encounters);
const width = featureSpec.featureNames.length;
const graph = (features: number) =>
  logisticRegressionToOnnx(
    {
      kind: 'logistic-regression',
      weights: new Float64Array(features).fill(0.01),
      intercept: -1,
      iterations: 0,
      converged: true,
      trainingLoss: 0,
    },
    { metadata: {}, producerVersion: 'elsewhere' },
  );

describe('checkImportedModel', () => {
  it('takes a model of the spec width that gives one probability per row', async () => {
    expect(await checkImportedModel(encodeOnnxModel(graph(width)), featureSpec)).toEqual([]);
  });

  it('refuses a model of another width, naming the width the spec has', async () => {
    const [problem] = await checkImportedModel(encodeOnnxModel(graph(width - 1)), featureSpec);
    expect(problem).toMatch(
      new RegExp(`does not score the feature spec's FP32 \\[N, ${width}\\] features`),
    );
  });

  it('refuses bytes that are not ONNX, and a Readmit artifact uploaded as a model', async () => {
    const [garbage] = await checkImportedModel(Buffer.from('not a model at all'), featureSpec);
    expect(garbage).toMatch(/^(not an ONNX model|onnxruntime cannot load the model)/);
    const artifact = buildModelArtifact(graph(width), {
      info: {
        name: 'readmission',
        version: 'v1',
        algorithm: 'logistic-regression',
        target: 'any',
        threshold: 0.5,
        params: {},
        trainedAt: 0,
      },
      featureSpec,
      referenceProfile: fitReferenceProfile(encounters),
    });
    const [ours] = await checkImportedModel(artifact, featureSpec);
    expect(ours).toMatch(/is a Readmit artifact already/);
  });
});
