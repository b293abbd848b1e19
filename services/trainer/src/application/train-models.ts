import {
  AGE_BANDS,
  buildModelArtifact,
  chooseThresholdByF1,
  classificationReport,
  fitReferenceProfile,
  gbdtPredictProbability,
  gbdtToJson,
  gbdtToOnnx,
  logisticRegressionToJson,
  logisticRegressionToOnnx,
  paramsOf,
  predictProbability,
  rocAuc,
  subgroupReports,
  trainGradientBoosting,
  trainLogisticRegression,
  type Candidate,
  type ClassificationReport,
  type DenseMatrix,
  type EncounterInput,
  type ModelInfo,
  type ModelParameters,
  type OnnxModel,
  type ReadmissionTarget,
} from '@readmit/ml';
import type { LabelledEncounter, SplitFractions } from '../domain/training-set';
import { prepareDataset } from './prepare-dataset';

/** A run that cannot produce a model; `stage` says where it stopped. */
export class TrainingError extends Error {
  constructor(
    readonly stage: string,
    message: string,
  ) {
    super(message);
    this.name = 'TrainingError';
  }
}

export interface TrainModelsInput {
  readonly modelName: string;
  readonly modelVersion: string;
  readonly target: ReadmissionTarget;
  readonly rows: readonly LabelledEncounter[];
  readonly candidates: readonly Candidate[];
  readonly seed: number;
  readonly fractions?: SplitFractions;
  readonly trainedAt: number;
  readonly producerVersion: string;
}

export interface SubgroupMetrics {
  readonly attribute: string;
  readonly group: string;
  readonly count: number;
  readonly metrics: Record<string, number>;
}

/** One model judged on a holdout: overall and per race, gender and age band. */
export interface HoldoutEvaluation {
  readonly metrics: Record<string, number>;
  readonly subgroupMetrics: SubgroupMetrics[];
}

/** What subgroups are read from: only the attributes the fairness report is about. */
export interface HoldoutRow {
  readonly encounter: Pick<EncounterInput, 'race' | 'gender' | 'age'>;
}

export interface TrainModelsResult {
  readonly artifact: Uint8Array;
  readonly info: ModelInfo;
  readonly chosen: Candidate;
  /** Every candidate with its validation ROC-AUC, best first. */
  readonly leaderboard: ReadonlyArray<{ candidate: Candidate; validationAuc: number }>;
  /** Holdout metrics of the chosen model (and validation AUC, and row counts). */
  readonly metrics: Record<string, number>;
  readonly subgroupMetrics: readonly SubgroupMetrics[];
  readonly split: { readonly train: number; readonly validation: number; readonly holdout: number };
  /** Digest of the holdout's encounter ids: two models with the same one were judged alike. */
  readonly holdoutId: string;
  /**
   * The holdout rows and their labels, so another model (the champion) can be judged on the same
   * rows. Patient data: it stays on the thread that trained.
   */
  readonly holdout: { readonly rows: readonly LabelledEncounter[]; readonly labels: Uint8Array };
}

export type TrainingProgress = (stage: string, detail: string) => void;

/** The smallest split sides a model is trained and judged on. */
const MINIMUM_ROWS = { train: 200, validation: 50, holdout: 50 };
const SUBGROUP_MINIMUM = 30;

/** Finite metrics of a report as the event's map (NaN, e.g. AUC of one class, is left out). */
function metricsOf(report: ClassificationReport, prefix = ''): Record<string, number> {
  const all: Record<string, number> = {
    [`${prefix}roc_auc`]: report.rocAuc,
    [`${prefix}pr_auc`]: report.prAuc,
    [`${prefix}log_loss`]: report.logLoss,
    [`${prefix}brier`]: report.brier,
    [`${prefix}f1`]: report.atThreshold.f1,
    [`${prefix}precision`]: report.atThreshold.precision,
    [`${prefix}recall`]: report.atThreshold.recall,
    [`${prefix}expected_calibration_error`]: report.expectedCalibrationError,
    [`${prefix}positive_rate`]: report.positives / report.count,
  };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => Number.isFinite(value)));
}

const SUBGROUP_ATTRIBUTES: Readonly<Record<string, (row: HoldoutRow) => string>> = {
  race: (row) => row.encounter.race ?? '(missing)',
  gender: (row) => row.encounter.gender,
  age_band: (row) => row.encounter.age,
};

/**
 * A model's judgement on a holdout at its threshold: the report's metrics overall, and per race,
 * gender and age band for groups of at least SUBGROUP_MINIMUM rows, sorted by attribute then
 * group (age bands in age order). The candidate and the champion are both judged by this, so
 * their numbers compare.
 */
export function evaluateOnHoldout(
  rows: readonly HoldoutRow[],
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
): HoldoutEvaluation {
  const metrics = metricsOf(classificationReport(labels, scores, threshold));
  const subgroupMetrics: SubgroupMetrics[] = [];
  for (const [attribute, groupOf] of Object.entries(SUBGROUP_ATTRIBUTES)) {
    const reports = subgroupReports(labels, scores, rows.map(groupOf), threshold, SUBGROUP_MINIMUM);
    for (const [group, report] of reports)
      subgroupMetrics.push({ attribute, group, count: report.count, metrics: metricsOf(report) });
  }
  subgroupMetrics.sort(
    (a, b) =>
      a.attribute.localeCompare(b.attribute) ||
      (a.attribute === 'age_band'
        ? AGE_BANDS.indexOf(a.group) - AGE_BANDS.indexOf(b.group)
        : a.group.localeCompare(b.group)),
  );
  return { metrics, subgroupMetrics };
}

interface Fitted {
  readonly candidate: Candidate;
  readonly score: (data: DenseMatrix) => Float64Array;
  readonly graph: (metadata: Record<string, string>, producerVersion: string) => OnnxModel;
  /** Carried in the artifact so predictions can be explained from it; only the best's are built. */
  readonly parameters: () => ModelParameters;
}

function fit(
  candidate: Candidate,
  train: { data: DenseMatrix; labels: Uint8Array },
  validation: { data: DenseMatrix; labels: Uint8Array },
  seed: number,
): Fitted {
  if (candidate.algorithm === 'logistic-regression') {
    const model = trainLogisticRegression(train.data, train.labels, { l2: candidate.l2 });
    return {
      candidate,
      score: (data) => predictProbability(model, data),
      graph: (metadata, producerVersion) =>
        logisticRegressionToOnnx(model, { metadata, producerVersion }),
      parameters: () => ({
        algorithm: 'logistic-regression',
        json: logisticRegressionToJson(model),
      }),
    };
  }
  const { model } = trainGradientBoosting(train.data, train.labels, {
    learningRate: candidate.learningRate,
    maxDepth: candidate.maxDepth,
    nEstimators: candidate.nEstimators,
    validation,
    earlyStoppingRounds: 20,
    seed,
  });
  return {
    candidate: { ...candidate, nEstimators: Math.max(1, model.trees.length) },
    score: (data) => gbdtPredictProbability(model, data),
    graph: (metadata, producerVersion) => gbdtToOnnx(model, { metadata, producerVersion }),
    parameters: () => ({ algorithm: 'gbdt', json: gbdtToJson(model) }),
  };
}

/**
 * One training run on a point-in-time training set: split by patient, fit the feature spec on
 * the training side, train every candidate, keep the best on validation ROC-AUC, choose its
 * threshold (best F1 on validation), judge it once on the holdout (overall and per race, gender
 * and age band), and package it as a self-describing ONNX artifact with its reference profile
 * and its parameters (what explanations are computed from).
 */
export function trainModels(
  input: TrainModelsInput,
  progress?: TrainingProgress,
): TrainModelsResult {
  // The sides are checked before the feature spec is fitted: an empty side cannot be fitted.
  const prepared = prepareDataset(
    input.rows,
    input.target,
    input.seed,
    input.fractions,
    (split) => {
      for (const side of ['train', 'validation', 'holdout'] as const) {
        if (split[side].length < MINIMUM_ROWS[side])
          throw new TrainingError(
            'assemble',
            `${split[side].length} labelled encounters for ${side}, at least ${MINIMUM_ROWS[side]} needed (${input.rows.length} in all)`,
          );
      }
    },
  );
  const { split } = prepared;
  progress?.(
    'split',
    `${split.train.length} / ${split.validation.length} / ${split.holdout.length} rows by patient`,
  );

  const { featureSpec, train, validation, holdout } = prepared;
  for (const [side, labels] of [
    ['train', train.labels],
    ['validation', validation.labels],
  ] as const) {
    const positives = labels.reduce((sum, label) => sum + label, 0);
    if (positives === 0 || positives === labels.length)
      throw new TrainingError('assemble', `the ${side} split has only one class`);
  }

  const leaderboard: Array<{ fitted: Fitted; validationAuc: number }> = [];
  input.candidates.forEach((candidate, index) => {
    progress?.(
      'train',
      `candidate ${index + 1}/${input.candidates.length}: ${candidate.algorithm} ${JSON.stringify(paramsOf(candidate))}`,
    );
    const fitted = fit(candidate, train, validation, input.seed);
    leaderboard.push({
      fitted,
      validationAuc: rocAuc(validation.labels, fitted.score(validation.data)),
    });
  });
  if (leaderboard.length === 0) throw new TrainingError('train', 'no candidates to train');
  leaderboard.sort((a, b) => b.validationAuc - a.validationAuc);
  const best = leaderboard[0];

  const { threshold } = chooseThresholdByF1(validation.labels, best.fitted.score(validation.data));
  const holdoutScores = best.fitted.score(holdout.data);
  const judged = evaluateOnHoldout(split.holdout, holdout.labels, holdoutScores, threshold);
  // Only the candidate has a validation score; the champion is judged on the holdout alone.
  const metrics = { ...judged.metrics, validation_roc_auc: best.validationAuc };
  const { subgroupMetrics } = judged;

  const info: ModelInfo = {
    name: input.modelName,
    version: input.modelVersion,
    algorithm: best.fitted.candidate.algorithm,
    target: input.target,
    threshold,
    params: paramsOf(best.fitted.candidate),
    trainedAt: input.trainedAt,
  };
  progress?.(
    'package',
    `${info.algorithm} chosen (validation AUC ${best.validationAuc.toFixed(3)})`,
  );
  const artifact = buildModelArtifact(best.fitted.graph({}, input.producerVersion), {
    info,
    featureSpec,
    referenceProfile: fitReferenceProfile(
      split.train.map((row) => row.encounter),
      holdoutScores,
    ),
    model: best.fitted.parameters(),
  });
  return {
    artifact,
    info,
    chosen: best.fitted.candidate,
    leaderboard: leaderboard.map(({ fitted, validationAuc }) => ({
      candidate: fitted.candidate,
      validationAuc,
    })),
    metrics,
    subgroupMetrics,
    split: {
      train: split.train.length,
      validation: split.validation.length,
      holdout: split.holdout.length,
    },
    holdoutId: prepared.holdoutId,
    holdout: { rows: split.holdout, labels: holdout.labels },
  };
}
