import {
  CATEGORICAL_INPUTS,
  NUMERIC_INPUTS,
  type EncounterInput,
} from '../features/encounter-features';
import { MISSING, OTHER } from '../features/feature-spec';

/** Counts of one numeric input over bins: (-inf, edges[0]], (edges[0], edges[1]], … (last, inf). */
export interface NumericHistogram {
  readonly name: string;
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

/** Counts of one categorical input's values, the rarest folded into "(other)", missing apart. */
export interface CategoricalHistogram {
  readonly name: string;
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * What the training data looked like, per input: shipped in every model artifact so the monitor
 * can measure drift (PSI) of live encounters, and of live scores, against the model's own data.
 */
export interface ReferenceProfile {
  readonly version: 1;
  readonly rows: number;
  readonly numeric: readonly NumericHistogram[];
  readonly categorical: readonly CategoricalHistogram[];
  /** Scores of the model on its holdout, over ten equal bins of [0, 1]. */
  readonly scores?: NumericHistogram;
}

/** Edges of ten equal-width score bins. */
export const SCORE_EDGES: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** Which bin a value falls in, for edges sorted ascending (a value equal to an edge goes left). */
export function binOf(edges: readonly number[], value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value <= edges[middle]) high = middle;
    else low = middle + 1;
  }
  return low;
}

export function histogram(
  name: string,
  edges: readonly number[],
  values: Iterable<number>,
): NumericHistogram {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of values) counts[binOf(edges, value)] += 1;
  return { name, edges, counts };
}

/** Up to `bins - 1` distinct quantile cut points of sorted values. */
function quantileEdges(sorted: Float64Array, bins: number): number[] {
  const edges: number[] = [];
  for (let bin = 1; bin < bins; bin++) {
    const edge = sorted[Math.min(sorted.length - 1, Math.floor((bin * sorted.length) / bins))];
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  // The top value needs no edge: everything above the last edge is the last bin.
  if (edges.length > 0 && edges[edges.length - 1] === sorted[sorted.length - 1]) edges.pop();
  return edges;
}

export interface ReferenceProfileOptions {
  /** Bins per numeric input (quantiles; fewer when values repeat). Default 10. */
  readonly bins?: number;
  /** Categories kept per input, by frequency; the rest count as "(other)". Default 30. */
  readonly maxCategories?: number;
}

/** The reference profile of training encounters (and, optionally, the model's holdout scores). */
export function fitReferenceProfile(
  encounters: readonly EncounterInput[],
  scores?: ArrayLike<number>,
  options: ReferenceProfileOptions = {},
): ReferenceProfile {
  const bins = options.bins ?? 10;
  const maxCategories = options.maxCategories ?? 30;
  const numeric = NUMERIC_INPUTS.map((input) => {
    const values = Float64Array.from(encounters, (encounter) => input.read(encounter));
    const edges = quantileEdges(Float64Array.from(values).sort(), bins);
    return histogram(input.name, edges, values);
  });
  const categorical = CATEGORICAL_INPUTS.map((input) => {
    const seen = new Map<string, number>();
    for (const encounter of encounters) {
      const value = input.read(encounter) ?? MISSING;
      seen.set(value, (seen.get(value) ?? 0) + 1);
    }
    const ranked = [...seen].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const counts: Record<string, number> = {};
    for (const [value, count] of ranked.slice(0, maxCategories)) counts[value] = count;
    const rest = ranked.slice(maxCategories).reduce((sum, [, count]) => sum + count, 0);
    if (rest > 0) counts[OTHER] = (counts[OTHER] ?? 0) + rest;
    return { name: input.name, counts };
  });
  return {
    version: 1,
    rows: encounters.length,
    numeric,
    categorical,
    scores: scores ? histogram('score', SCORE_EDGES, Array.from(scores)) : undefined,
  };
}
