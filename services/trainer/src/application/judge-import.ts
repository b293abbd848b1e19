import {
  chooseThresholdByF1,
  FeatureEncoder,
  fitReferenceProfile,
  rocAuc,
  wrapExternalModel,
  type FeatureSpec,
  type ModelInfo,
  type ReadmissionTarget,
} from '@readmit/ml';
import { OnnxScorer } from '@readmit/platform/onnx';
import {
  splitByPatient,
  type LabelledEncounter,
  type SplitFractions,
} from '../domain/training-set';
import { DEFAULT_FRACTIONS, encodeSide, holdoutIdOf } from './prepare-dataset';
import { evaluateOnHoldout, TrainingError, type SubgroupMetrics } from './train-models';

export interface ImportedModel {
  readonly modelName: string;
  readonly modelVersion: string;
  readonly target: ReadmissionTarget;
  /** The uploaded ONNX file, as received. */
  readonly onnx: Uint8Array;
  /** The spec (of a dataset export) the model's features follow, and its id. */
  readonly featureSpec: FeatureSpec;
  readonly featureSpecId: string;
  /** The uploader's threshold, or null to choose it by F1 on validation as for our models. */
  readonly threshold: number | null;
  readonly framework: string;
  readonly claimedMetrics: Readonly<Record<string, number>>;
  readonly trainedAt: number;
}

export interface ImportJudgement {
  readonly artifact: Uint8Array;
  readonly info: ModelInfo;
  readonly metrics: Record<string, number>;
  readonly subgroupMetrics: SubgroupMetrics[];
  readonly split: { readonly train: number; readonly validation: number; readonly holdout: number };
  readonly holdoutId: string;
  readonly holdout: { readonly rows: readonly LabelledEncounter[]; readonly labels: Uint8Array };
}

const MINIMUM_ROWS = { validation: 50, holdout: 50 };

/**
 * Judges a model trained elsewhere as a training run judges its own: the same patient-grouped
 * split of the same point-in-time set, its rows encoded with the spec the model declares,
 * scored in onnxruntime as scoring will run it, a threshold chosen by F1 on validation (unless
 * the uploader set one), and the same holdout metrics, overall and per subgroup. What the
 * uploader claims is kept in the params as `claimed_<metric>`, never in the metrics the registry
 * decides on. The artifact is the uploaded model with Readmit's metadata appended.
 */
export async function judgeImportedModel(
  model: ImportedModel,
  rows: readonly LabelledEncounter[],
  seed: number,
  fractions: SplitFractions = DEFAULT_FRACTIONS,
): Promise<ImportJudgement> {
  const split = splitByPatient(rows, fractions, seed);
  for (const side of ['validation', 'holdout'] as const)
    if (split[side].length < MINIMUM_ROWS[side])
      throw new TrainingError(
        'assemble',
        `${split[side].length} labelled encounters for ${side}, at least ${MINIMUM_ROWS[side]} needed to judge a model (${rows.length} in all)`,
      );
  // Only the sides the model is judged on: it was trained elsewhere.
  const encoder = new FeatureEncoder(model.featureSpec);
  const validation = encodeSide(encoder, split.validation, model.target);
  const holdout = encodeSide(encoder, split.holdout, model.target);

  let scorer: OnnxScorer;
  try {
    scorer = await OnnxScorer.load(model.onnx);
  } catch (error) {
    throw new TrainingError(
      'evaluate',
      `onnxruntime cannot load the model: ${(error as Error).message}`,
    );
  }
  let validationScores: Float32Array;
  let holdoutScores: Float32Array;
  try {
    validationScores = await scorer.score(validation.data);
    holdoutScores = await scorer.score(holdout.data);
  } catch (error) {
    throw new TrainingError(
      'evaluate',
      `the model cannot score the feature spec's ${model.featureSpec.featureNames.length} features: ${(error as Error).message}`,
    );
  } finally {
    await scorer.close().catch(() => undefined);
  }
  const outOfRange = holdoutScores.find((score) => !(score >= 0 && score <= 1));
  if (outOfRange !== undefined)
    throw new TrainingError(
      'evaluate',
      `the model's output is not a probability (${outOfRange} seen): export the classifier's probabilities`,
    );

  const threshold =
    model.threshold ?? chooseThresholdByF1(validation.labels, validationScores).threshold;
  const judged = evaluateOnHoldout(split.holdout, holdout.labels, holdoutScores, threshold);
  const metrics = {
    ...judged.metrics,
    validation_roc_auc: rocAuc(validation.labels, validationScores),
  };
  const info: ModelInfo = {
    name: model.modelName,
    version: model.modelVersion,
    algorithm: 'external',
    target: model.target,
    threshold,
    params: {
      origin: 'external',
      framework: model.framework,
      feature_spec_id: model.featureSpecId,
      threshold_from: model.threshold === null ? 'validation_f1' : 'uploader',
      ...Object.fromEntries(
        Object.entries(model.claimedMetrics).map(([name, value]) => [
          `claimed_${name}`,
          String(value),
        ]),
      ),
    },
    trainedAt: model.trainedAt,
  };
  const artifact = wrapExternalModel(model.onnx, {
    info,
    featureSpec: model.featureSpec,
    referenceProfile: fitReferenceProfile(
      split.train.map((row) => row.encounter),
      holdoutScores,
    ),
  });
  return {
    artifact,
    info,
    metrics,
    subgroupMetrics: judged.subgroupMetrics,
    split: {
      train: split.train.length,
      validation: split.validation.length,
      holdout: split.holdout.length,
    },
    holdoutId: holdoutIdOf(split.holdout),
    holdout: { rows: split.holdout, labels: holdout.labels },
  };
}
