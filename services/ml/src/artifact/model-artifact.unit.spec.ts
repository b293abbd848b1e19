import { EXAMPLE_EVENTS } from '@readmit/contracts';
import { fitReferenceProfile } from '../drift/reference-profile';
import type { EncounterInput } from '../features/encounter-features';
import { FeatureEncoder, fitFeatureSpec } from '../features/feature-spec';
import { ModelExplainer } from '../explain/model-explainer';
import { trainLogisticRegression } from '../linear/logistic-regression';
import { logisticRegressionToJson } from '../linear/logistic-regression-json';
import { gbdtToOnnx } from '../onnx/export-gbdt';
import { logisticRegressionToOnnx } from '../onnx/export-logistic-regression';
import { encodeOnnxModel } from '../onnx/onnx-model';
import { gbdtToJson } from '../trees/gbdt-json';
import { trainGradientBoosting } from '../trees/gradient-boosting';
import {
  buildModelArtifact,
  readModelArtifact,
  wrapExternalModel,
  type ModelInfo,
  type ModelParameters,
} from './model-artifact';

const { envelope: _, recordedAt: __, source: ___, ...base } = EXAMPLE_EVENTS.EncounterRecorded;

describe('model artifacts', () => {
  const encounters: EncounterInput[] = Array.from({ length: 200 }, (_, index) => ({
    ...base,
    time_in_hospital: (index % 14) + 1,
    number_inpatient: index % 4,
  }));
  const featureSpec = fitFeatureSpec(encounters);
  const data = new FeatureEncoder(featureSpec).encodeAll(encounters);
  const labels = Uint8Array.from(encounters, (encounter) =>
    encounter.number_inpatient > 1 ? 1 : 0,
  );
  const model = trainLogisticRegression(data, labels);
  const graph = logisticRegressionToOnnx(model, { producerVersion: 'test', metadata: {} });
  const info: ModelInfo = {
    name: 'readmission',
    version: 'v3',
    algorithm: 'logistic-regression',
    target: 'within-30-days',
    threshold: 0.27,
    params: { l2: '1' },
    trainedAt: 1_790_000_000_000,
  };
  const referenceProfile = fitReferenceProfile(encounters, [0.1, 0.9]);

  it('carries the model info, feature spec and reference profile inside the ONNX file', () => {
    const bytes = buildModelArtifact(graph, { info, featureSpec, referenceProfile });
    expect(readModelArtifact(bytes)).toEqual({ info, featureSpec, referenceProfile });
    expect(bytes.length).toBeGreaterThan(encodeOnnxModel(graph).length);
  });

  it('wraps a model trained elsewhere: its bytes unchanged, our metadata appended', () => {
    const external = encodeOnnxModel({ ...graph, metadata: { converter: 'onnxmltools' } });
    const externalInfo: ModelInfo = { ...info, algorithm: 'external', params: { framework: 'x' } };
    const bytes = wrapExternalModel(external, {
      info: externalInfo,
      featureSpec,
      referenceProfile,
    });
    expect(Buffer.from(bytes.subarray(0, external.length)).equals(Buffer.from(external))).toBe(
      true,
    );
    expect(readModelArtifact(bytes)).toEqual({ info: externalInfo, featureSpec, referenceProfile });
    expect(() =>
      wrapExternalModel(bytes, { info: externalInfo, featureSpec, referenceProfile }),
    ).toThrow(/already carries Readmit metadata \(readmit\.artifact_format/);
    expect(() =>
      wrapExternalModel(new TextEncoder().encode('hello'), {
        info: externalInfo,
        featureSpec,
        referenceProfile,
      }),
    ).toThrow(/^not an ONNX model/);
  });

  it('refuses an ONNX file that is not a Readmit artifact, or one with a broken spec', () => {
    expect(() => readModelArtifact(encodeOnnxModel(graph))).toThrow(
      'not a Readmit model artifact of format 1 (found none)',
    );
    const broken = buildModelArtifact(graph, {
      info,
      featureSpec: { ...featureSpec, version: 9 as 1 },
      referenceProfile,
    });
    expect(() => readModelArtifact(broken)).toThrow('feature spec: version 9 is not 1');
    expect(() => readModelArtifact(new Uint8Array([0x0a, 0x05, 0x01]))).toThrow('truncated');
  });

  describe('model parameters', () => {
    const linear: ModelParameters = {
      algorithm: 'logistic-regression',
      json: logisticRegressionToJson(model),
    };

    it('carries the parameters and reads them back exactly', () => {
      const bytes = buildModelArtifact(graph, {
        info,
        featureSpec,
        referenceProfile,
        model: linear,
      });
      const contents = readModelArtifact(bytes);
      expect(contents).toEqual({ info, featureSpec, referenceProfile, model: linear });
      expect(contents.model?.json).toEqual(logisticRegressionToJson(model));
    });

    it('carries a GBDT the same way, its float32 numbers intact', () => {
      const { model: trees } = trainGradientBoosting(data, labels, {
        nEstimators: 10,
        maxDepth: 3,
      });
      const gbdt: ModelParameters = { algorithm: 'gbdt', json: gbdtToJson(trees) };
      const bytes = buildModelArtifact(
        gbdtToOnnx(trees, { producerVersion: 'test', metadata: {} }),
        {
          info: { ...info, algorithm: 'gbdt' },
          featureSpec,
          referenceProfile,
          model: gbdt,
        },
      );
      // -0 leaves become 0 in JSON; equal as numbers, so compare after the same round trip.
      expect(readModelArtifact(bytes).model).toEqual(JSON.parse(JSON.stringify(gbdt)));
    });

    it('still reads an artifact written before it carried parameters: no model to explain', () => {
      // Exactly the metadata the builder wrote before readmit.model_params existed.
      const older = encodeOnnxModel({
        ...graph,
        metadata: {
          'readmit.artifact_format': '1',
          'readmit.model': JSON.stringify(info),
          'readmit.feature_spec': JSON.stringify(featureSpec),
          'readmit.reference_profile': JSON.stringify(referenceProfile),
        },
      });
      const contents = readModelArtifact(older);
      expect(contents.model).toBeUndefined();
      expect('model' in contents).toBe(false);
      expect(contents.info).toEqual(info);
      expect(() => ModelExplainer.fromArtifact(contents)).toThrow(
        'model readmission v3 carries no parameters to explain it with',
      );
      const withoutModel = buildModelArtifact(graph, { info, featureSpec, referenceProfile });
      expect(readModelArtifact(withoutModel).model).toBeUndefined();
    });

    it('refuses parameters of another algorithm, another width, or that are not a model', () => {
      const build = (parameters: unknown) =>
        buildModelArtifact(graph, {
          info,
          featureSpec,
          referenceProfile,
          model: parameters as ModelParameters,
        });
      expect(() => readModelArtifact(build({ ...linear, algorithm: 'gbdt' }))).toThrow(
        'model artifact: readmit.model_params: algorithm "gbdt" is not the model\'s logistic-regression',
      );
      const narrower = { ...linear.json, features: 3, weights: linear.json.weights.slice(0, 3) };
      expect(() => readModelArtifact(build({ ...linear, json: narrower }))).toThrow(
        `the model takes 3 features, the feature spec has ${featureSpec.featureNames.length}`,
      );
      const broken = { ...linear.json, intercept: 'high' };
      expect(() => readModelArtifact(build({ ...linear, json: broken }))).toThrow(
        'Logistic regression JSON: intercept must be a finite number',
      );
      expect(() => readModelArtifact(build([1, 2]))).toThrow(
        'model artifact: readmit.model_params is not an object',
      );
    });

    it('explains from what the artifact carries', () => {
      const bytes = buildModelArtifact(graph, {
        info,
        featureSpec,
        referenceProfile,
        model: linear,
      });
      const explainer = ModelExplainer.fromArtifact(readModelArtifact(bytes));
      const [explanation] = explainer.explain(
        new FeatureEncoder(featureSpec).encodeAll([{ ...base, number_inpatient: 3 }]),
        1,
      );
      // The labels follow number_inpatient, which prior_visits equals in these encounters.
      expect(explanation).toHaveLength(1);
      expect(['number_inpatient', 'prior_visits']).toContain(explanation[0].feature);
      expect(explanation[0].value).toBeGreaterThan(0);
    });
  });
});
