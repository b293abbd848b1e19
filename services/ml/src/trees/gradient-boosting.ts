import { assertDenseMatrix, DenseMatrix } from '../matrix/dense-matrix';
import { SeededRandom } from '../random/seeded-random';
import {
  applyBinning,
  BinnedMatrix,
  FeatureBinning,
  fitBinning,
  MAX_BINS,
  MISSING_BIN,
} from './binning';
import { GbdtModel, GbdtTree, gbdtTreeOutput } from './gbdt-model';
import { createHistogramLayout, gradientStep } from './histogram';
import { sampleFeaturesInto, sampleRowsInto } from './sampling';
import { GrownTree, nodeCapacity, TableRows, TreeBuilder, TreeParams } from './tree-builder';

export interface GradientBoostingOptions {
  /** Trees to grow at most. Default 200. */
  nEstimators?: number;
  /** Shrinkage η on every tree: smaller needs more trees but generalises better. Default 0.1. */
  learningRate?: number;
  /** Depth limit per tree (root at depth 0). Default 6. */
  maxDepth?: number;
  /** Leaf limit per tree; leaves are added best gain first. Default 31. */
  maxLeaves?: number;
  /** Bins per feature for the observed values, 2–255 (missing values get one more). Default 255. */
  maxBins?: number;
  /** L2 penalty on leaf values. Default 1. */
  lambda?: number;
  /** Least hessian sum per child, p(1−p) summed over its rows. Default 1. */
  minChildWeight?: number;
  /** Least rows per child. Default 20. */
  minSamplesLeaf?: number;
  /** Least gain for a split (XGBoost's gamma, but on ½ of its scale). Default 0. */
  minSplitGain?: number;
  /** Fraction of rows each tree is fitted on, drawn without replacement. Default 1. */
  subsample?: number;
  /** Fraction of features each tree may split on. Default 1. */
  colsampleByTree?: number;
  /** Seeds every random choice (bin sample, row and feature subsamples). Default 1. */
  seed?: number;
  /**
   * Bin thresholds agreed beforehand (a federation agrees them from its sites' summaries);
   * by default they are fitted on the training data (maxBins, seed).
   */
  binning?: FeatureBinning;
  /**
   * Held-out rows for early stopping: training stops once the validation log loss has not improved
   * for earlyStoppingRounds trees, and the model keeps only the trees up to its best iteration.
   */
  validation?: { data: DenseMatrix; labels: Uint8Array };
  /** Default 20. Only used with a validation set. */
  earlyStoppingRounds?: number;
  /** Called after each tree (iteration counts from 1) with the mean log losses so far. */
  onIteration?: (iteration: number, trainLoss: number, validationLoss?: number) => void;
}

export interface GradientBoostingResult {
  model: GbdtModel;
  /**
   * Trees kept, model.trees.length. With a validation set, the iteration of lowest validation
   * loss (0 when no tree beat the base rate); without one, every tree grown.
   */
  bestIteration: number;
  /** Mean log loss after each iteration, index 0 after the first tree; empty arrays if unused. */
  history: { trainLoss: number[]; validationLoss: number[] };
}

/**
 * Gradient-boosted decision trees for binary log loss, histogram-based (LightGBM/XGBoost-hist
 * style): features are binned once, each tree fits the gradient p − y and hessian p(1 − p) of the
 * current margins by second-order split gains, with missing values sent to whichever side gains
 * more. Deterministic for the same inputs and seed.
 */
export function trainGradientBoosting(
  data: DenseMatrix,
  labels: Uint8Array,
  options: GradientBoostingOptions = {},
): GradientBoostingResult {
  const settings = resolveGradientBoostingOptions(options);
  assertDenseMatrix(data);
  assertLabels(labels, data.rows, 'training');
  const { validation } = options;
  if (validation) {
    assertDenseMatrix(validation.data);
    if (validation.data.columns !== data.columns) {
      throw new Error(
        `The validation data has ${validation.data.columns} features, the training data ${data.columns}`,
      );
    }
    assertLabels(validation.labels, validation.data.rows, 'validation');
    if (validation.data.rows === 0) throw new Error('The validation set has no rows');
  }
  const { rows, columns } = data;
  let positives = 0;
  for (let row = 0; row < rows; row++) positives += labels[row];
  const baseScore = logOddsBaseScore(positives, rows);

  const binning =
    options.binning ?? fitBinning(data, { maxBins: settings.maxBins, seed: settings.seed });
  const binned = applyBinning(binning, data);
  const layout = createHistogramLayout(binned);
  const builder = new TreeBuilder(binning, layout, settings);
  const table = new TableRows(binned, layout, nodeCapacity(settings));
  const random = new SeededRandom(settings.seed);

  const margins = new Float64Array(rows).fill(baseScore);
  const gradients = new Float64Array(rows);
  const hessians = new Float64Array(rows);
  const step = gradientStep(rows);
  logisticGradients(labels, margins, gradients, hessians, step);
  const validationMargins = new Float64Array(validation?.data.rows ?? 0).fill(baseScore);
  // The base score alone is iteration 0: on pure noise, keeping no tree at all is best.
  let bestLoss = validation ? meanLogLoss(validation.labels, validationMargins) : Infinity;

  const sampleSize = Math.max(1, Math.round(settings.subsample * rows));
  const sampled = sampleSize < rows;
  const sampleRows = new Uint32Array(rows);
  const inSample = sampled ? new Uint8Array(rows) : null;
  const featureMask = new Uint8Array(columns).fill(1);
  const featuresPerTree = Math.max(1, Math.round(settings.colsampleByTree * columns));

  const trees: GbdtTree[] = [];
  const history = { trainLoss: [] as number[], validationLoss: [] as number[] };
  let bestIteration = 0;
  for (let iteration = 1; iteration <= settings.nEstimators; iteration++) {
    if (featuresPerTree < columns) sampleFeaturesInto(random, featuresPerTree, featureMask);
    if (inSample) sampleRowsInto(random, rows, sampleSize, sampleRows, inSample);
    else for (let row = 0; row < rows; row++) sampleRows[row] = row;

    table.startTree(sampleRows, sampleSize, gradients, hessians);
    const grown = builder.grow(table, featureMask);
    trees.push(grown.tree);
    addToMargins(grown, table, sampleRows, inSample, binned, margins);
    const trainLoss = logisticGradients(labels, margins, gradients, hessians, step);
    history.trainLoss.push(trainLoss);

    if (!validation) {
      options.onIteration?.(iteration, trainLoss);
      continue;
    }
    const { values, columns: width } = validation.data;
    for (let row = 0; row < validationMargins.length; row++) {
      validationMargins[row] += gbdtTreeOutput(grown.tree, values, row * width);
    }
    const validationLoss = meanLogLoss(validation.labels, validationMargins);
    history.validationLoss.push(validationLoss);
    options.onIteration?.(iteration, trainLoss, validationLoss);
    if (validationLoss < bestLoss) {
      bestLoss = validationLoss;
      bestIteration = iteration;
    } else if (iteration - bestIteration >= settings.earlyStoppingRounds) {
      break;
    }
  }
  if (validation) trees.length = bestIteration;
  else bestIteration = trees.length;
  return { model: { kind: 'gbdt', baseScore, features: columns, trees }, bestIteration, history };
}

export type GradientBoostingSettings = TreeParams & {
  nEstimators: number;
  maxBins: number;
  subsample: number;
  colsampleByTree: number;
  seed: number;
  earlyStoppingRounds: number;
};

/** The training labels' log odds, every margin's start. */
export function logOddsBaseScore(positives: number, rows: number): number {
  if (positives === 0 || positives === rows) {
    throw new Error('Gradient boosting needs both classes among the training labels');
  }
  // Float32 like the thresholds and node values, so ONNX's base_values holds it exactly.
  return Math.fround(Math.log(positives / (rows - positives)));
}

/** The options with their defaults, checked: a clear error for a value out of range. */
export function resolveGradientBoostingOptions(
  options: GradientBoostingOptions,
): GradientBoostingSettings {
  const settings: GradientBoostingSettings = {
    nEstimators: options.nEstimators ?? 200,
    learningRate: options.learningRate ?? 0.1,
    maxDepth: options.maxDepth ?? 6,
    maxLeaves: options.maxLeaves ?? 31,
    maxBins: options.maxBins ?? MAX_BINS,
    lambda: options.lambda ?? 1,
    minChildWeight: options.minChildWeight ?? 1,
    minSamplesLeaf: options.minSamplesLeaf ?? 20,
    minSplitGain: options.minSplitGain ?? 0,
    subsample: options.subsample ?? 1,
    colsampleByTree: options.colsampleByTree ?? 1,
    seed: options.seed ?? 1,
    earlyStoppingRounds: options.earlyStoppingRounds ?? 20,
  };
  const integer = (
    name: keyof GradientBoostingSettings,
    least: number,
    most = Number.MAX_SAFE_INTEGER,
  ) => {
    const value = settings[name];
    if (!Number.isInteger(value) || value < least || value > most) {
      throw new Error(
        `Gradient boosting ${name} must be an integer in [${least}, ${most}] (got ${value})`,
      );
    }
  };
  const nonNegative = (name: keyof GradientBoostingSettings) => {
    const value = settings[name];
    if (!(value >= 0 && Number.isFinite(value))) {
      throw new Error(`Gradient boosting ${name} must be a finite number ≥ 0 (got ${value})`);
    }
  };
  const fraction = (name: keyof GradientBoostingSettings) => {
    const value = settings[name];
    if (!(value > 0 && value <= 1)) {
      throw new Error(`Gradient boosting ${name} must be in (0, 1] (got ${value})`);
    }
  };
  integer('nEstimators', 0);
  integer('maxDepth', 1, 30);
  integer('maxLeaves', 2);
  integer('maxBins', 2, MAX_BINS);
  integer('minSamplesLeaf', 1);
  integer('earlyStoppingRounds', 1);
  integer('seed', 0, 0xffffffff);
  nonNegative('lambda');
  nonNegative('minChildWeight');
  nonNegative('minSplitGain');
  fraction('subsample');
  fraction('colsampleByTree');
  if (!(settings.learningRate > 0 && Number.isFinite(settings.learningRate))) {
    throw new Error(`Gradient boosting learningRate must be > 0 (got ${settings.learningRate})`);
  }
  return settings;
}

export function assertLabels(labels: Uint8Array, rows: number, what: string): void {
  if (labels.length !== rows) {
    throw new Error(`${rows} ${what} rows but ${labels.length} labels`);
  }
  for (let row = 0; row < rows; row++) {
    if (labels[row] > 1)
      throw new Error(`Labels must be 0 or 1 (${what} row ${row} is ${labels[row]})`);
  }
}

/**
 * Adds the new tree's output to every training margin: through the leaves' row ranges for the
 * sampled rows, by walking the binned tree for the others. Trees are added in order, exactly as
 * gbdtPredictRaw sums them, so training margins equal the model's predictions bit for bit.
 */
export function addToMargins(
  grown: GrownTree,
  { start, end }: Pick<TableRows, 'start' | 'end'>,
  sampleRows: Uint32Array,
  inSample: Uint8Array | null,
  binned: BinnedMatrix,
  margins: Float64Array,
): void {
  const { tree, splitBin } = grown;
  const { feature, left, right, missingGoesLeft, value } = tree;
  for (let node = 0; node < feature.length; node++) {
    if (feature[node] !== -1) continue;
    const output = value[node];
    for (let i = start[node]; i < end[node]; i++) margins[sampleRows[i]] += output;
  }
  if (!inSample) return;
  const { bins, rows } = binned;
  const missingBin = MISSING_BIN; // a local: an imported binding is a getter call in CommonJS
  for (let row = 0; row < rows; row++) {
    if (inSample[row] === 1) continue;
    let node = 0;
    let split = feature[0];
    while (split >= 0) {
      const bin = bins[split * rows + row];
      const goLeft = bin === missingBin ? missingGoesLeft[node] === 1 : bin <= splitBin[node];
      node = goLeft ? left[node] : right[node];
      split = feature[node];
    }
    margins[row] += value[node];
  }
}

/**
 * Writes the log-loss gradient p − y and hessian p(1 − p) at each margin and returns the mean
 * loss, all from e = exp(−|m|) so that no step overflows or cancels. Two Math calls per row
 * and no more: under jest each one costs hundreds of nanoseconds.
 */
export function logisticGradients(
  labels: Uint8Array,
  margins: Float64Array,
  gradients: Float64Array,
  hessians: Float64Array,
  /** gradientStep(rows fitted): both are rounded to multiples of it, so their sums are exact. */
  step: number,
): number {
  // Powers of two: multiplying by them is exact.
  const inverse = 1 / step;
  let loss = 0;
  for (let row = 0; row < margins.length; row++) {
    const margin = margins[row];
    const e = Math.exp(margin > 0 ? -margin : margin);
    const probability = margin >= 0 ? 1 / (1 + e) : e / (1 + e);
    gradients[row] = Math.round((probability - labels[row]) * inverse) * step;
    hessians[row] = Math.round((e / ((1 + e) * (1 + e))) * inverse) * step;
    loss += (margin > 0 ? margin : 0) + Math.log1p(e) - labels[row] * margin;
  }
  return loss / margins.length;
}

/** Mean log loss of margins: log(1 + e^m) − y·m, computed stably. */
function meanLogLoss(labels: Uint8Array, margins: Float64Array): number {
  let loss = 0;
  for (let row = 0; row < margins.length; row++) {
    const margin = margins[row];
    const e = Math.exp(margin > 0 ? -margin : margin);
    loss += (margin > 0 ? margin : 0) + Math.log1p(e) - labels[row] * margin;
  }
  return loss / margins.length;
}
