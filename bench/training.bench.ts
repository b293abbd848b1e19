// Training speed and memory: features, logistic regression and gradient-boosted trees on
// synthetic encounters, a small hyper-parameter sweep, and holdout quality on the real sample.
//   npx tsx bench/training.bench.ts [--rows 100000] [--trees 200]
// Needs ../shared/data (no servers).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import type { ReadmissionClass } from '@readmit/contracts';
import {
  encodeOnnxModel,
  FeatureEncoder,
  fitFeatureSpec,
  gbdtPredictProbability,
  gbdtToOnnx,
  parseEncounterRow,
  parseEncounterValues,
  predictProbability,
  rocAuc,
  SyntheticEncounters,
  targetLabels,
  trainGradientBoosting,
  trainLogisticRegression,
  UCI_SAMPLE_PROFILE,
  type EncounterInput,
} from '@readmit/ml';
import { splitByPatient } from '../services/trainer/src/domain/training-set';
import { sharedDataFile } from '../test/support/endpoints';
import { testPseudonymize } from '../test/support/pseudonyms';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    trees: { type: 'string', default: '200' },
  },
});
const ROWS = Number(values.rows);
const TREES = Number(values.trees);

interface Labelled {
  encounter: EncounterInput;
  outcome: ReadmissionClass;
}

function labelled(results: ReturnType<typeof parseEncounterValues>[]): Labelled[] {
  return results.flatMap((result) =>
    result.ok && result.outcome ? [{ encounter: result.encounter, outcome: result.outcome }] : [],
  );
}

const seconds = (started: number) => (performance.now() - started) / 1000;
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

function main(): void {
  const rows: string[] = [];
  const generator = new SyntheticEncounters(UCI_SAMPLE_PROFILE, 11);
  const synthetic = labelled(
    Array.from({ length: ROWS }, () =>
      parseEncounterValues(generator.nextValues(), testPseudonymize),
    ),
  );
  const split = splitByPatient(synthetic, { validation: 0.15, holdout: 0.15 }, 1);

  let started = performance.now();
  const encoder = new FeatureEncoder(fitFeatureSpec(split.train.map((row) => row.encounter)));
  const encode = (set: Labelled[]) => ({
    data: encoder.encodeAll(set.map((row) => row.encounter)),
    labels: targetLabels(
      set.map((row) => row.outcome),
      'within-30-days',
    ),
  });
  const train = encode(split.train);
  const validation = encode(split.validation);
  const holdout = encode(split.holdout);
  rows.push(
    `| features: fit + encode ${ROWS.toLocaleString('en')} rows × ${encoder.width} columns | ${seconds(started).toFixed(2)} s | |`,
  );

  started = performance.now();
  const linear = trainLogisticRegression(train.data, train.labels, { l2: 10 });
  const linearSeconds = seconds(started);
  const linearAuc = rocAuc(holdout.labels, predictProbability(linear, holdout.data));
  rows.push(
    `| logistic regression (L-BFGS, ${linear.iterations} iterations) | ${linearSeconds.toFixed(2)} s | holdout AUC ${linearAuc.toFixed(3)} |`,
  );

  const rssBefore = process.memoryUsage().rss;
  started = performance.now();
  const { model } = trainGradientBoosting(train.data, train.labels, {
    nEstimators: TREES,
    maxDepth: 6,
    maxLeaves: 63,
    maxBins: 255,
  });
  const treesSeconds = seconds(started);
  const treesAuc = rocAuc(holdout.labels, gbdtPredictProbability(model, holdout.data));
  rows.push(
    `| GBDT ${TREES} trees, depth 6, 255 bins, no early stopping | ${treesSeconds.toFixed(2)} s | holdout AUC ${treesAuc.toFixed(3)}; RSS ${mib(rssBefore)} before, ${mib(process.memoryUsage().rss)} after; process peak ${mib(process.resourceUsage().maxRSS * 1024)} |`,
  );

  started = performance.now();
  const onnx = encodeOnnxModel(gbdtToOnnx(model, { producerVersion: 'bench', metadata: {} }));
  rows.push(
    `| ONNX export of the GBDT (${Math.round(onnx.length / 1024)} KiB) | ${seconds(started).toFixed(2)} s | |`,
  );

  // A small sweep, as the trainer runs it: early stopping on the validation split.
  started = performance.now();
  const candidates: string[] = [];
  for (const l2 of [1, 10, 100]) {
    const candidate = trainLogisticRegression(train.data, train.labels, { l2 });
    candidates.push(
      `lr l2=${l2}: ${rocAuc(validation.labels, predictProbability(candidate, validation.data)).toFixed(3)}`,
    );
  }
  for (const learningRate of [0.05, 0.1]) {
    for (const maxDepth of [4, 6]) {
      const { model: candidate } = trainGradientBoosting(train.data, train.labels, {
        nEstimators: 400,
        learningRate,
        maxDepth,
        validation,
        earlyStoppingRounds: 20,
      });
      candidates.push(
        `gbdt η=${learningRate} depth=${maxDepth} (${candidate.trees.length} trees): ${rocAuc(validation.labels, gbdtPredictProbability(candidate, validation.data)).toFixed(3)}`,
      );
    }
  }
  rows.push(
    `| sweep: 3 LR + 4 GBDT candidates, early stopping | ${seconds(started).toFixed(2)} s | validation AUC ${candidates.join('; ')} |`,
  );

  // Quality on real encounters: the UCI sample split by patient.
  const real = labelled(
    (
      parse(readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8'), {
        columns: true,
        skip_empty_lines: true,
      }) as Array<Record<string, string>>
    ).map((row) => parseEncounterRow(row, testPseudonymize)),
  );
  const realSplit = splitByPatient(real, { validation: 0.15, holdout: 0.15 }, 1);
  const realEncoder = new FeatureEncoder(
    fitFeatureSpec(realSplit.train.map((row) => row.encounter)),
  );
  const realSet = (set: Labelled[], target: 'any' | 'within-30-days') => ({
    data: realEncoder.encodeAll(set.map((row) => row.encounter)),
    labels: targetLabels(
      set.map((row) => row.outcome),
      target,
    ),
  });
  for (const target of ['within-30-days', 'any'] as const) {
    const realTrain = realSet(realSplit.train, target);
    const realValidation = realSet(realSplit.validation, target);
    const realHoldout = realSet(realSplit.holdout, target);
    const { model: realTrees } = trainGradientBoosting(realTrain.data, realTrain.labels, {
      nEstimators: 400,
      learningRate: 0.05,
      maxDepth: 4,
      validation: realValidation,
    });
    const realLinear = trainLogisticRegression(realTrain.data, realTrain.labels, { l2: 10 });
    rows.push(
      `| real sample, target ${target}: ${realSplit.train.length}/${realSplit.validation.length}/${realSplit.holdout.length} rows train/validation/holdout by patient (seed 1) | | GBDT holdout AUC ${rocAuc(realHoldout.labels, gbdtPredictProbability(realTrees, realHoldout.data)).toFixed(3)} (${realTrees.trees.length} trees); LR ${rocAuc(realHoldout.labels, predictProbability(realLinear, realHoldout.data)).toFixed(3)} |`,
    );
  }

  console.log('| step | time | result |');
  console.log('|---|---|---|');
  for (const row of rows) console.log(row);
  console.log(
    `\ncommand: npx tsx bench/training.bench.ts --rows ${ROWS} --trees ${TREES} (synthetic encounters split by patient 70/15/15; target within-30-days; GBDT/LR time ratio ${(treesSeconds / linearSeconds).toFixed(1)})`,
  );
}

main();
