import {
  encodeOnnxModel,
  logisticRegressionToOnnx,
  readModelArtifact,
  readOnnxMetadata,
  trainLogisticRegression,
} from '@readmit/ml';
import { OnnxScorer } from '@readmit/platform/onnx';
import { labelledSample } from '../../../../test/support/sample-rows';
import { judgeImportedModel, type ImportedModel } from './judge-import';
import { prepareDataset, TRAINER_SEED } from './prepare-dataset';
import { evaluateOnHoldout, TrainingError } from './train-models';

const sample = labelledSample();
const prepared = prepareDataset(sample, 'within-30-days', TRAINER_SEED);

/** A model "trained elsewhere": a logistic regression on the export's features, as plain ONNX. */
const weights = trainLogisticRegression(prepared.train.data, prepared.train.labels, { l2: 10 });
const externalOnnx = encodeOnnxModel(
  logisticRegressionToOnnx(weights, { metadata: {}, producerVersion: 'elsewhere' }),
);

const imported: ImportedModel = {
  modelName: 'readmission',
  modelVersion: 'v-import',
  target: 'within-30-days',
  onnx: externalOnnx,
  featureSpec: prepared.featureSpec,
  featureSpecId: 'fs1-0123456789abcdef',
  threshold: null,
  framework: 'sklearn',
  claimedMetrics: { roc_auc: 0.99 },
  trainedAt: Date.UTC(2026, 11, 4),
};

describe('judgeImportedModel', () => {
  it('judges on the trainer holdout, as a run judges its own model', async () => {
    const judged = await judgeImportedModel(imported, sample, TRAINER_SEED);
    expect(judged.holdoutId).toBe(prepared.holdoutId);
    expect(judged.split).toEqual({
      train: prepared.split.train.length,
      validation: prepared.split.validation.length,
      holdout: prepared.split.holdout.length,
    });
    const scorer = await OnnxScorer.load(externalOnnx);
    const scores = await scorer.score(prepared.holdout.data);
    await scorer.close();
    const expected = evaluateOnHoldout(
      prepared.split.holdout,
      prepared.holdout.labels,
      scores,
      judged.info.threshold,
    );
    expect(judged.metrics).toMatchObject(expected.metrics);
    expect(judged.subgroupMetrics).toEqual(expected.subgroupMetrics);
    expect(judged.metrics.roc_auc).toBeGreaterThan(0.55);
  });

  it('keeps the claims in params, never in the metrics, and says where the threshold came from', async () => {
    const judged = await judgeImportedModel(imported, sample, TRAINER_SEED);
    expect(judged.info).toMatchObject({
      algorithm: 'external',
      params: {
        origin: 'external',
        framework: 'sklearn',
        feature_spec_id: 'fs1-0123456789abcdef',
        threshold_from: 'validation_f1',
        claimed_roc_auc: '0.99',
      },
    });
    expect(judged.metrics.roc_auc).not.toBe(0.99);
    const fixed = await judgeImportedModel({ ...imported, threshold: 0.2 }, sample, TRAINER_SEED);
    expect(fixed.info.threshold).toBe(0.2);
    expect(fixed.info.params.threshold_from).toBe('uploader');
  });

  it('makes the uploaded bytes an artifact scoring can read: same graph, our metadata after it', async () => {
    const judged = await judgeImportedModel(imported, sample, TRAINER_SEED);
    expect(
      Buffer.from(judged.artifact.subarray(0, externalOnnx.length)).equals(
        Buffer.from(externalOnnx),
      ),
    ).toBe(true);
    const contents = readModelArtifact(judged.artifact);
    expect(contents.info).toEqual(judged.info);
    expect(contents.featureSpec).toEqual(prepared.featureSpec);
    expect(contents.model).toBeUndefined();
    expect(readOnnxMetadata(judged.artifact)['readmit.artifact_format']).toBe('1');
  });

  it('refuses a model that cannot take the spec, or too few rows, as a training error', async () => {
    const narrow = {
      ...prepared.featureSpec,
      featureNames: prepared.featureSpec.featureNames.slice(1),
      numeric: prepared.featureSpec.numeric.slice(1),
    };
    await expect(
      judgeImportedModel({ ...imported, featureSpec: narrow }, sample, TRAINER_SEED),
    ).rejects.toThrow(/cannot score the feature spec's \d+ features/);
    await expect(
      judgeImportedModel({ ...imported, onnx: new Uint8Array([1, 2, 3]) }, sample, TRAINER_SEED),
    ).rejects.toBeInstanceOf(TrainingError);
    await expect(judgeImportedModel(imported, sample.slice(0, 100), TRAINER_SEED)).rejects.toThrow(
      /at least 50 needed to judge a model/,
    );
  });
});
