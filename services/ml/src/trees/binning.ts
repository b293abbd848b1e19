import { assertDenseMatrix, DenseMatrix } from '../matrix/dense-matrix';
import { SeededRandom } from '../random/seeded-random';
import { sampleRowsInto } from './sampling';

/**
 * Feature binning for histogram trees: every feature's observed values are cut into at most
 * maxBins ordered bins once, before training, so split finding scans bins instead of rows.
 *
 * Bin 0 of every feature holds the missing values (NaN), so it is the same index for all
 * features; bins 1…k hold the observed values in increasing order. A split "bins 1…b go left"
 * becomes the model rule `x <= threshold`, and the thresholds are float32 numbers, so that rule
 * routes every float32 input exactly as ONNX's TreeEnsemble BRANCH_LEQ does.
 */
export const MISSING_BIN = 0;

/**
 * The largest float32. Every finite float32 is <= it, so it is the threshold of the split that
 * sends all observed values left and only the missing ones right.
 */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Observed-value bins per feature at most: 255 plus the missing bin fills a Uint8. */
export const MAX_BINS = 255;

export interface BinningOptions {
  /** Bins for the observed values of a feature, 2–255; the missing bin comes on top. Default 255. */
  maxBins?: number;
  /**
   * Rows used to place the quantiles, default 200,000: quantiles of a sample that large are as
   * good as exact for 255 bins, and sorting every column of a huge table is not free.
   */
  sampleSize?: number;
  /** Seeds the row sample when the data has more rows than sampleSize. Default 1. */
  seed?: number;
}

export interface FeatureBinning {
  /**
   * Per feature, increasing float32 thresholds t₀ < t₁ < …: an observed value v falls in bin
   * 1 + (the first j with v <= t_j), or in the last bin when v exceeds them all.
   */
  readonly thresholds: readonly Float32Array[];
}

/** Training data as bin indices, feature-major so a split reads one contiguous column. */
export interface BinnedMatrix {
  readonly rows: number;
  readonly features: number;
  /** The bin of (row, feature) is bins[feature * rows + row]. */
  readonly bins: Uint8Array;
  /** Bins per feature, the missing bin included: thresholds.length + 2. */
  readonly binCounts: Int32Array;
}

/**
 * Reading row-major data one column at a time would touch a cache line per value. Instead,
 * TILE_FEATURES columns at a time are transposed (for binning, TILE_ROWS rows at a time, which
 * stays in cache) and then processed as contiguous columns.
 */
const TILE_FEATURES = 16;
const TILE_ROWS = 256;

/** Places each feature's bin thresholds at quantiles of the observed values (a row sample). */
export function fitBinning(data: DenseMatrix, options: BinningOptions = {}): FeatureBinning {
  assertDenseMatrix(data);
  const maxBins = options.maxBins ?? MAX_BINS;
  const sampleSize = options.sampleSize ?? 200_000;
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_BINS) {
    throw new Error(`maxBins must be an integer in [2, ${MAX_BINS}] (got ${maxBins})`);
  }
  if (!Number.isInteger(sampleSize) || sampleSize < 1) {
    throw new Error(`The binning sampleSize must be a positive integer (got ${sampleSize})`);
  }
  const { rows, columns, values } = data;
  const sample = sampleRows(rows, sampleSize, options.seed ?? 1);
  const size = sample.length;
  const block = new Float32Array(Math.min(columns, TILE_FEATURES) * size);
  const observed = new Float32Array(size);
  const distinct = new Float64Array(size);
  const counts = new Float64Array(size);
  const thresholds: Float32Array[] = [];
  for (let first = 0; first < columns; first += TILE_FEATURES) {
    const width = Math.min(columns - first, TILE_FEATURES);
    for (let i = 0; i < size; i++) {
      const offset = sample[i] * columns + first;
      for (let j = 0; j < width; j++) block[j * size + i] = values[offset + j];
    }
    for (let j = 0; j < width; j++) {
      const column = block.subarray(j * size, (j + 1) * size);
      let unique = fewDistinct(column, maxBins, distinct, counts);
      if (unique < 0) {
        let kept = 0;
        for (let i = 0; i < size; i++) if (column[i] === column[i]) observed[kept++] = column[i];
        unique = sortedDistinct(observed, kept, distinct, counts);
      }
      thresholds.push(cutPoints(distinct, counts, unique, maxBins));
    }
  }
  return { thresholds };
}

/** The bin of one value under a feature's thresholds: MISSING_BIN for NaN, else 1 + rank. */
export function binOf(thresholds: Float32Array, value: number): number {
  if (value !== value) return MISSING_BIN;
  let low = 0;
  let high = thresholds.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (thresholds[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low + 1;
}

/**
 * The model threshold of the split "observed bins 1…bin go left": v <= threshold exactly when
 * binOf(v) is in 1…bin. The last bin's threshold is FLOAT32_MAX, the missing-versus-observed split.
 */
export function splitThreshold(thresholds: Float32Array, bin: number): number {
  if (!Number.isInteger(bin) || bin < 1 || bin > thresholds.length + 1) {
    throw new Error(`No split after bin ${bin} with ${thresholds.length + 1} observed bins`);
  }
  return bin <= thresholds.length ? thresholds[bin - 1] : FLOAT32_MAX;
}

/** Bins per feature, the missing bin included. */
export function binCountsOf({ thresholds }: FeatureBinning): Int32Array {
  return Int32Array.from(thresholds, (featureThresholds) => featureThresholds.length + 2);
}

/**
 * Bins every value. Infinite values are rejected: +∞ would not be <= FLOAT32_MAX, so it could
 * not follow the bin it falls in, and a standardised feature should never be infinite anyway.
 */
export function applyBinning(binning: FeatureBinning, data: DenseMatrix): BinnedMatrix {
  assertDenseMatrix(data);
  const { rows, columns, values } = data;
  const { thresholds } = binning;
  if (thresholds.length !== columns) {
    throw new Error(`The binning covers ${thresholds.length} features, the data has ${columns}`);
  }
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value - value !== 0 && value === value) {
      const [row, feature] = [Math.floor(i / columns), i % columns];
      throw new Error(
        `Feature values must be finite or NaN (missing); row ${row}, feature ${feature} is ${value}`,
      );
    }
  }
  const bins = new Uint8Array(rows * columns);
  const binCounts = binCountsOf(binning);
  const tile = new Float32Array(TILE_ROWS * Math.min(columns, TILE_FEATURES));
  for (let firstRow = 0; firstRow < rows; firstRow += TILE_ROWS) {
    const height = Math.min(rows - firstRow, TILE_ROWS);
    for (let first = 0; first < columns; first += TILE_FEATURES) {
      const width = Math.min(columns - first, TILE_FEATURES);
      for (let r = 0; r < height; r++) {
        const offset = (firstRow + r) * columns + first;
        for (let j = 0; j < width; j++) tile[j * TILE_ROWS + r] = values[offset + j];
      }
      for (let j = 0; j < width; j++) {
        const feature = first + j;
        binColumn(
          thresholds[feature],
          tile,
          j * TILE_ROWS,
          height,
          bins,
          feature * rows + firstRow,
        );
      }
    }
  }
  return { rows, features: columns, bins, binCounts };
}

/** Bins count values of source from start into target from offset. */
function binColumn(
  thresholds: Float32Array,
  source: Float32Array,
  start: number,
  count: number,
  target: Uint8Array,
  offset: number,
): void {
  if (thresholds.length === 1) {
    // Binary and one-hot columns, the bulk of a wide table: one comparison, no search.
    const threshold = thresholds[0];
    for (let i = 0; i < count; i++) {
      const value = source[start + i];
      target[offset + i] = value !== value ? MISSING_BIN : value <= threshold ? 1 : 2;
    }
    return;
  }
  for (let i = 0; i < count; i++) target[offset + i] = binOf(thresholds, source[start + i]);
}

/** All rows, or a seeded uniform sample of sampleSize of them in increasing order. */
function sampleRows(rows: number, sampleSize: number, seed: number): Uint32Array {
  if (rows <= sampleSize) {
    const all = new Uint32Array(rows);
    for (let row = 0; row < rows; row++) all[row] = row;
    return all;
  }
  const sample = new Uint32Array(sampleSize);
  sampleRowsInto(new SeededRandom(seed), rows, sampleSize, sample);
  return sample;
}

/**
 * Distinct non-missing values and counts by a linear scan, for the common one-hot and
 * small-integer columns that need no sort. Returns −1 as soon as there are more than maxBins.
 */
function fewDistinct(
  column: Float32Array,
  maxBins: number,
  distinct: Float64Array,
  counts: Float64Array,
): number {
  let unique = 0;
  let previous = 0;
  for (let i = 0; i < column.length; i++) {
    const value = column[i];
    // Runs of one value are the rule in one-hot columns: try the last match first.
    if (unique > 0 && distinct[previous] === value) {
      counts[previous]++;
      continue;
    }
    if (value !== value) continue;
    let j = 0;
    while (j < unique && distinct[j] !== value) j++;
    if (j === unique) {
      if (unique === maxBins) return -1;
      distinct[unique] = value;
      counts[unique++] = 0;
    }
    counts[j]++;
    previous = j;
  }
  // Insertion sort of at most maxBins pairs.
  for (let i = 1; i < unique; i++) {
    const value = distinct[i];
    const count = counts[i];
    let j = i - 1;
    while (j >= 0 && distinct[j] > value) {
      distinct[j + 1] = distinct[j];
      counts[j + 1] = counts[j];
      j--;
    }
    distinct[j + 1] = value;
    counts[j + 1] = count;
  }
  return unique;
}

/** Distinct values in increasing order with their counts, by sorting. */
function sortedDistinct(
  observed: Float32Array,
  size: number,
  distinct: Float64Array,
  counts: Float64Array,
): number {
  const sorted = observed.subarray(0, size).sort();
  let unique = 0;
  for (let i = 0; i < size; i++) {
    // −0 and 0 compare equal, so they share a bin just as they share every split.
    if (unique > 0 && sorted[i] === distinct[unique - 1]) counts[unique - 1]++;
    else {
      distinct[unique] = sorted[i];
      counts[unique++] = 1;
    }
  }
  return unique;
}

/**
 * Thresholds between distinct values: all of them when there are at most maxBins, else where the
 * running count best matches an equal share of what is left, so a heavy value gets a bin of
 * its own and the remaining bins still split the rest evenly.
 */
export function cutPoints(
  distinct: Float64Array,
  counts: Float64Array,
  unique: number,
  maxBins: number,
): Float32Array {
  const cuts: number[] = [];
  if (unique <= maxBins) {
    for (let i = 0; i + 1 < unique; i++) cuts.push(between(distinct[i], distinct[i + 1]));
    return Float32Array.from(cuts);
  }
  let remaining = 0;
  for (let i = 0; i < unique; i++) remaining += counts[i];
  let binsLeft = maxBins;
  let accumulated = 0;
  for (let i = 0; i + 1 < unique && binsLeft > 1; i++) {
    accumulated += counts[i];
    const target = remaining / binsLeft;
    // Cut here if the bin is full, or if taking the next value would overshoot by more than
    // stopping now falls short.
    if (accumulated >= target || 2 * accumulated + counts[i + 1] > 2 * target) {
      cuts.push(between(distinct[i], distinct[i + 1]));
      remaining -= accumulated;
      binsLeft--;
      accumulated = 0;
    }
  }
  return Float32Array.from(cuts);
}

/**
 * A float32 threshold t with low <= t < high, near the midpoint so unseen values in the gap go
 * to the nearer side. low and high are float32, so the float64 midpoint is exact and its float32
 * rounding stays within [low, high]; it can only land on high when the two are adjacent floats.
 */
function between(low: number, high: number): number {
  const middle = Math.fround((low + high) / 2);
  return middle < high ? middle : low;
}
