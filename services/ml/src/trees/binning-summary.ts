import { assertDenseMatrix, type DenseMatrix } from '../matrix/dense-matrix';
import { cutPoints, MAX_BINS, type FeatureBinning } from './binning';

/** One column's observed values (increasing float32) and how many rows hold each. */
export interface ColumnValueCounts {
  readonly values: readonly number[];
  readonly counts: readonly number[];
}

/**
 * What placing bin thresholds needs from a table, mergeable across tables: per column the counts
 * of its distinct values, exact up to maxDistinct values and compressed beyond (neighbouring
 * values pooled into one of them, each pool about an equal share of the rows). Our features
 * (standardised integer counts and one-hot columns) have a few dozen distinct values at most, so
 * a federation's merged summary places the very thresholds fitBinning places on the union.
 */
export interface BinningSummary {
  readonly columns: readonly ColumnValueCounts[];
}

export interface BinningSummaryOptions {
  /** Distinct values kept per column before pooling, default 4,096. */
  readonly maxDistinct?: number;
}

const DEFAULT_MAX_DISTINCT = 4_096;

export function summarizeForBinning(
  data: DenseMatrix,
  options: BinningSummaryOptions = {},
): BinningSummary {
  assertDenseMatrix(data);
  const { rows, columns, values } = data;
  const perColumn = Array.from({ length: columns }, () => new Map<number, number>());
  for (let row = 0, offset = 0; row < rows; row++, offset += columns) {
    for (let column = 0; column < columns; column++) {
      // As binning sees them: float32, missing left out, −0 one with 0.
      const value = Math.fround(values[offset + column]) + 0;
      if (value !== value) continue;
      const counts = perColumn[column];
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
  }
  const maxDistinct = options.maxDistinct ?? DEFAULT_MAX_DISTINCT;
  return { columns: perColumn.map((counts) => pooled(sortedEntries(counts), maxDistinct)) };
}

/** The summary of the union of the summarised tables. */
export function mergeBinningSummaries(
  summaries: readonly BinningSummary[],
  options: BinningSummaryOptions = {},
): BinningSummary {
  if (summaries.length === 0) throw new Error('No binning summary to merge');
  const columns = summaries[0].columns.length;
  const maxDistinct = options.maxDistinct ?? DEFAULT_MAX_DISTINCT;
  const merged: ColumnValueCounts[] = [];
  for (let column = 0; column < columns; column++) {
    const counts = new Map<number, number>();
    for (const summary of summaries) {
      if (summary.columns.length !== columns)
        throw new Error(
          `binning summaries of ${columns} and ${summary.columns.length} columns cannot be merged`,
        );
      const { values, counts: seen } = summary.columns[column];
      values.forEach((value, index) => counts.set(value, (counts.get(value) ?? 0) + seen[index]));
    }
    merged.push(pooled(sortedEntries(counts), maxDistinct));
  }
  return { columns: merged };
}

/** Thresholds as fitBinning places them on the rows the summary counts. */
export function binningFromSummary(
  summary: BinningSummary,
  { maxBins = MAX_BINS }: { maxBins?: number } = {},
): FeatureBinning {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_BINS)
    throw new Error(`maxBins must be an integer in [2, ${MAX_BINS}] (got ${maxBins})`);
  return {
    thresholds: summary.columns.map(({ values, counts }) =>
      cutPoints(Float64Array.from(values), Float64Array.from(counts), values.length, maxBins),
    ),
  };
}

function sortedEntries(counts: Map<number, number>): ColumnValueCounts {
  const values = [...counts.keys()].sort((a, b) => a - b);
  return { values, counts: values.map((value) => counts.get(value) as number) };
}

/**
 * At most maxDistinct entries: runs of neighbouring values pooled until each holds about
 * total / maxDistinct rows, a pool standing at its most frequent value.
 */
function pooled(column: ColumnValueCounts, maxDistinct: number): ColumnValueCounts {
  if (column.values.length <= maxDistinct) return column;
  const total = column.counts.reduce((sum, count) => sum + count, 0);
  const share = total / maxDistinct;
  const values: number[] = [];
  const counts: number[] = [];
  let poolCount = 0;
  let poolValue = 0;
  let poolPeak = -1;
  column.values.forEach((value, index) => {
    const count = column.counts[index];
    poolCount += count;
    if (count > poolPeak) [poolValue, poolPeak] = [value, count];
    if (poolCount >= share || index === column.values.length - 1) {
      values.push(poolValue);
      counts.push(poolCount);
      [poolCount, poolPeak] = [0, -1];
    }
  });
  return { values, counts };
}
