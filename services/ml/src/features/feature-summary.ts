import { CATEGORICAL_INPUTS, NUMERIC_INPUTS, type EncounterInput } from './encounter-features';

/** Sums over one numeric input's values: exact for the integer inputs, whatever their order. */
export interface NumericSummary {
  readonly count: number;
  readonly sum: number;
  readonly sumOfSquares: number;
}

/**
 * What fitting a feature spec needs from a set of encounters, and nothing of any one row: per
 * numeric input its count, sum and sum of squares, per categorical input the count of each
 * value. Summaries of disjoint sets merge into the summary of their union (a federation's sites
 * agree on one spec this way); every numeric input is an integer, so the sums are exact and the
 * merged summary is the union's bit for bit, in any order.
 */
export interface FeatureSummary {
  readonly encounters: number;
  /** In NUMERIC_INPUTS order. */
  readonly numeric: readonly NumericSummary[];
  /** In CATEGORICAL_INPUTS order: value → encounters with it (missing values are not counted). */
  readonly categorical: ReadonlyArray<Readonly<Record<string, number>>>;
}

/** One pass over the encounters. */
export function summarizeFeatures(encounters: Iterable<EncounterInput>): FeatureSummary {
  const numeric = NUMERIC_INPUTS.map(() => ({ count: 0, sum: 0, sumOfSquares: 0 }));
  const counts = CATEGORICAL_INPUTS.map(() => new Map<string, number>());
  let total = 0;
  for (const encounter of encounters) {
    total += 1;
    NUMERIC_INPUTS.forEach((input, index) => {
      const value = input.read(encounter);
      const sums = numeric[index];
      sums.count += 1;
      sums.sum += value;
      sums.sumOfSquares += value * value;
    });
    CATEGORICAL_INPUTS.forEach((input, index) => {
      const value = input.read(encounter);
      if (value !== null) counts[index].set(value, (counts[index].get(value) ?? 0) + 1);
    });
  }
  return {
    encounters: total,
    numeric,
    categorical: counts.map((values) => Object.fromEntries(values)),
  };
}

/** The summary of the union of the summarised sets. */
export function mergeFeatureSummaries(summaries: readonly FeatureSummary[]): FeatureSummary {
  const numeric = NUMERIC_INPUTS.map(() => ({ count: 0, sum: 0, sumOfSquares: 0 }));
  const categorical = CATEGORICAL_INPUTS.map(() => new Map<string, number>());
  let encounters = 0;
  for (const summary of summaries) {
    if (
      summary.numeric.length !== NUMERIC_INPUTS.length ||
      summary.categorical.length !== CATEGORICAL_INPUTS.length
    )
      throw new Error(
        `a feature summary has ${summary.numeric.length} numeric and ${summary.categorical.length} categorical inputs, this pipeline ${NUMERIC_INPUTS.length} and ${CATEGORICAL_INPUTS.length}`,
      );
    encounters += summary.encounters;
    summary.numeric.forEach((sums, index) => {
      numeric[index].count += sums.count;
      numeric[index].sum += sums.sum;
      numeric[index].sumOfSquares += sums.sumOfSquares;
    });
    summary.categorical.forEach((values, index) => {
      for (const [value, count] of Object.entries(values))
        categorical[index].set(value, (categorical[index].get(value) ?? 0) + count);
    });
  }
  return {
    encounters,
    numeric,
    categorical: categorical.map((values) => Object.fromEntries(values)),
  };
}

/** Mean and population standard deviation from the sums. */
export function momentsOf({ count, sum, sumOfSquares }: NumericSummary): {
  mean: number;
  std: number;
} {
  const mean = sum / count;
  // (n·Σx² − (Σx)²) / n²: both terms come from exact sums, so the result does not depend on the
  // order the rows were summed in; clamped, as rounding can leave a constant input a hair below 0.
  const variance = Math.max(0, (count * sumOfSquares - sum * sum) / (count * count));
  return { mean, std: Math.sqrt(variance) };
}
