import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import {
  candidatesFor,
  FeatureEncoder,
  ModelExplainer,
  parseEncounterRow,
  readModelArtifact,
  rocAuc,
  targetLabels,
} from '@readmit/ml';
import { OnnxScorer } from '@readmit/platform/onnx';
import { sharedDataFile } from '../../../../test/support/endpoints';
import { splitByPatient, type LabelledEncounter } from '../domain/training-set';
import { evaluateChampion } from '../infrastructure/champion-evaluation';
import { trainModels, TrainingError, type TrainModelsResult } from './train-models';
import { testPseudonymize } from '../../../../test/support/pseudonyms';

const sample: LabelledEncounter[] = (
  parse(readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8'), {
    columns: true,
    skip_empty_lines: true,
  }) as Array<Record<string, string>>
).flatMap((row) => {
  const result = parseEncounterRow(row, testPseudonymize);
  return result.ok && result.outcome
    ? [{ encounter: result.encounter, outcome: result.outcome }]
    : [];
});

const input = {
  modelName: 'readmission',
  modelVersion: 'v-test',
  target: 'any' as const,
  rows: sample,
  candidates: [
    { algorithm: 'logistic-regression' as const, l2: 10 },
    { algorithm: 'gbdt' as const, learningRate: 0.1, maxDepth: 4, nEstimators: 200 },
  ],
  seed: 1,
  trainedAt: 1_790_000_000_000,
  producerVersion: 'test',
};

describe('trainModels on the real sample', () => {
  const stages: string[] = [];
  const result = trainModels(input, (stage) => stages.push(stage));

  it('splits by patient, keeps the best candidate on validation AUC, and judges it on the holdout', () => {
    expect(result.split.train + result.split.validation + result.split.holdout).toBe(sample.length);
    expect(result.leaderboard).toHaveLength(2);
    expect(result.leaderboard[0].validationAuc).toBeGreaterThanOrEqual(
      result.leaderboard[1].validationAuc,
    );
    expect(result.chosen.algorithm).toBe(result.leaderboard[0].candidate.algorithm);
    expect(result.metrics.roc_auc).toBeGreaterThan(0.62);
    expect(result.metrics.validation_roc_auc).toBe(result.leaderboard[0].validationAuc);
    expect(result.info.threshold).toBeGreaterThan(0);
    expect(result.info.threshold).toBeLessThan(1);
    expect(stages).toEqual(['split', 'train', 'train', 'package']);
  });

  it('reports metrics per race, gender and age band on groups of 30 or more', () => {
    const attributes = new Set(result.subgroupMetrics.map((entry) => entry.attribute));
    expect(attributes).toEqual(new Set(['age_band', 'gender', 'race']));
    expect(result.subgroupMetrics.every((entry) => entry.count >= 30)).toBe(true);
    const caucasian = result.subgroupMetrics.find((entry) => entry.group === 'Caucasian');
    expect(caucasian?.metrics.roc_auc).toBeGreaterThan(0.5);
  });

  it('is deterministic, names its holdout, and packages a self-describing artifact', () => {
    const again = trainModels(input);
    expect(again.holdoutId).toBe(result.holdoutId);
    expect(again.metrics).toEqual(result.metrics);
    expect(Buffer.compare(Buffer.from(again.artifact), Buffer.from(result.artifact))).toBe(0);
    const contents = readModelArtifact(result.artifact);
    expect(contents.info).toEqual(result.info);
    expect(contents.referenceProfile.rows).toBe(result.split.train);
    expect(contents.referenceProfile.scores?.counts.reduce((a, b) => a + b, 0)).toBe(
      result.split.holdout,
    );
  });

  it('scores its holdout in onnxruntime as it was judged', async () => {
    const { featureSpec, info } = readModelArtifact(result.artifact);
    const holdout = splitByPatient(sample, { validation: 0.15, holdout: 0.15 }, 1).holdout;
    const data = new FeatureEncoder(featureSpec).encodeAll(holdout.map((row) => row.encounter));
    const scorer = await OnnxScorer.load(result.artifact);
    try {
      const scores = await scorer.score(data);
      const labels = targetLabels(
        holdout.map((row) => row.outcome),
        info.target,
      );
      expect(rocAuc(labels, scores)).toBeCloseTo(result.metrics.roc_auc, 5);
    } finally {
      await scorer.close();
    }
  });

  /** The artifact's explanations account for what onnxruntime scores from the same artifact. */
  async function expectExplanationsToMatchOnnx(trained: TrainModelsResult): Promise<void> {
    const contents = readModelArtifact(trained.artifact);
    expect(contents.model?.algorithm).toBe(trained.info.algorithm);
    const explainer = ModelExplainer.fromArtifact(contents);
    const holdout = trained.holdout.rows.slice(0, 100);
    const data = new FeatureEncoder(contents.featureSpec).encodeAll(
      holdout.map((row) => row.encounter),
    );
    const { values, bias } = explainer.contributionsByFeature(data);
    const width = explainer.features.length;
    const scorer = await OnnxScorer.load(trained.artifact);
    try {
      const scores = await scorer.score(data);
      for (let row = 0; row < data.rows; row++) {
        let logit = bias[row];
        for (let feature = 0; feature < width; feature++) logit += values[row * width + feature];
        expect(1 / (1 + Math.exp(-logit))).toBeCloseTo(scores[row], 5);
      }
    } finally {
      await scorer.close();
    }
    const explanations = explainer.explain(data, 5);
    expect(explanations).toHaveLength(data.rows);
    expect(explanations.every((top) => top.length > 0 && top.length <= 5)).toBe(true);
  }

  it("carries the chosen model's parameters, whose explanations add up to its ONNX scores", async () => {
    await expectExplanationsToMatchOnnx(result);
    const other = input.candidates.filter(
      (candidate) => candidate.algorithm !== result.info.algorithm,
    );
    await expectExplanationsToMatchOnnx(trainModels({ ...input, candidates: other }));
  });

  it('judges a champion on its holdout as it judged the candidate, at the champion threshold', async () => {
    expect(result.holdout.rows).toHaveLength(result.split.holdout);
    const champion = {
      version: 'v-champion',
      artifactSha256: 'f'.repeat(64),
      threshold: result.info.threshold,
      bytes: result.artifact,
    };
    const verdict = await evaluateChampion(champion, result.holdout, 'any');
    if (!verdict.evaluation) throw new Error(`not evaluated: ${JSON.stringify(verdict)}`);
    expect(verdict.evaluation).toMatchObject({
      version: 'v-champion',
      artifactSha256: 'f'.repeat(64),
      threshold: result.info.threshold,
    });
    const { validation_roc_auc: validationAuc, ...holdoutMetrics } = result.metrics;
    expect(validationAuc).toBeDefined();
    expect(Object.keys(verdict.evaluation.metrics).sort()).toEqual(
      Object.keys(holdoutMetrics).sort(),
    );
    for (const [name, value] of Object.entries(holdoutMetrics))
      expect(verdict.evaluation.metrics[name]).toBeCloseTo(value, 4);
    expect(
      verdict.evaluation.subgroupMetrics.map(({ attribute, group }) => attribute + group),
    ).toEqual(result.subgroupMetrics.map(({ attribute, group }) => attribute + group));

    const stricter = await evaluateChampion({ ...champion, threshold: 0.9 }, result.holdout, 'any');
    expect(stricter.evaluation?.metrics.recall).toBeLessThan(verdict.evaluation.metrics.recall);
  });

  it('leaves a champion of another target, or an unreadable one, unevaluated with the reason', async () => {
    const champion = { version: 'v-old', artifactSha256: '0'.repeat(64), threshold: 0.5 };
    await expect(
      evaluateChampion({ ...champion, bytes: result.artifact }, result.holdout, 'within-30-days'),
    ).resolves.toEqual({
      evaluation: null,
      reason: 'champion v-old predicts target any, this run within-30-days',
    });
    const unreadable = await evaluateChampion(
      { ...champion, bytes: new Uint8Array([1, 2, 3]) },
      result.holdout,
      'any',
    );
    expect(unreadable).toMatchObject({
      evaluation: null,
      reason: expect.stringMatching(/^champion v-old could not be scored: /),
    });
  });

  it('refuses too few labelled encounters, naming the stage, and unknown algorithms', () => {
    expect(() => trainModels({ ...input, rows: sample.slice(0, 150) })).toThrow(TrainingError);
    expect(() => trainModels({ ...input, rows: sample.slice(0, 150) })).toThrow(
      /for train, at least 200 needed/,
    );
    expect(() => candidatesFor(['svm'])).toThrow(
      'unknown candidate algorithm svm; known: logistic_regression, gbdt',
    );
    expect(candidatesFor([])).toHaveLength(5);
  });
});
