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

export interface SmallModelOptions {
  /**
   * Primary diagnoses (ICD-9-CM) of five groups, a diabetic one raising the risk: the model then
   * scores by the diagnosis group. Without it every encounter has the example's diagnoses.
   */
  readonly diagnosisSignal?: boolean;
}

/** circulatory, diabetes, supplementary, respiratory, digestive. */
const SIGNAL_DIAGNOSES = ['428', '250.83', 'V57', '486', '578'];

/**
 * A small but real model artifact (logistic regression on 200 varied encounters, exported to
 * ONNX with its info, feature spec and reference profile), for tests that store and load
 * artifacts without training.
 */
export function smallModelArtifact(
  modelName: string,
  version: string,
  threshold = 0.3,
  options: SmallModelOptions = {},
): Uint8Array {
  const encounters: EncounterInput[] = Array.from({ length: 200 }, (_, index) => ({
    ...base,
    time_in_hospital: (index % 14) + 1,
    number_inpatient: index % 4,
    ...(options.diagnosisSignal ? { diag_1: SIGNAL_DIAGNOSES[index % 5] } : {}),
  }));
  const featureSpec = fitFeatureSpec(encounters);
  const data = new FeatureEncoder(featureSpec).encodeAll(encounters);
  const labels = Uint8Array.from(encounters, (encounter) =>
    encounter.number_inpatient > 1 ||
    (options.diagnosisSignal === true && encounter.diag_1 === '250.83')
      ? 1
      : 0,
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
