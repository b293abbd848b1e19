import { EXAMPLE_EVENTS } from '@readmit/contracts';
import {
  buildModelArtifact,
  FeatureEncoder,
  fitFeatureSpec,
  fitReferenceProfile,
  logisticRegressionToJson,
  logisticRegressionToOnnx,
  trainLogisticRegression,
  type EncounterInput,
} from '@readmit/ml';

const { envelope: _, recordedAt: __, source: ___, ...base } = EXAMPLE_EVENTS.EncounterRecorded;

/**
 * A small but real model artifact (logistic regression on 200 varied encounters, exported to
 * ONNX with its info, feature spec and reference profile), for tests that store and load
 * artifacts without training.
 */
export function smallModelArtifact(
  modelName: string,
  version: string,
  threshold = 0.3,
): Uint8Array {
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
  return buildModelArtifact(
    logisticRegressionToOnnx(model, { producerVersion: 'test', metadata: {} }),
    {
      info: {
        name: modelName,
        version,
        algorithm: 'logistic-regression',
        target: 'within-30-days',
        threshold,
        params: { l2: '1' },
        trainedAt: Date.now(),
      },
      featureSpec,
      referenceProfile: fitReferenceProfile(encounters, [0.1, 0.9]),
      model: { algorithm: 'logistic-regression', json: logisticRegressionToJson(model) },
    },
  );
}
