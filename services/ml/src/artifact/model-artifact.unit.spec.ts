import { EXAMPLE_EVENTS } from '@readmit/contracts';
import { fitReferenceProfile } from '../drift/reference-profile';
import type { EncounterInput } from '../features/encounter-features';
import { FeatureEncoder, fitFeatureSpec } from '../features/feature-spec';
import { trainLogisticRegression } from '../linear/logistic-regression';
import { logisticRegressionToOnnx } from '../onnx/export-logistic-regression';
import { encodeOnnxModel } from '../onnx/onnx-model';
import { buildModelArtifact, readModelArtifact, type ModelInfo } from './model-artifact';

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
});
