import type { DenseMatrix } from '../matrix/dense-matrix';
import {
  CATEGORICAL_INPUTS,
  NUMERIC_INPUTS,
  type CategoricalInput,
  type EncounterInput,
  type NumericInput,
} from './encounter-features';
import { momentsOf, summarizeFeatures, type FeatureSummary } from './feature-summary';

export const FEATURE_SPEC_VERSION = 1;
export const OTHER = '(other)';
export const MISSING = '(missing)';

/** A standardised numeric feature: (value - mean) / std, with the training set's mean and std. */
export interface NumericFeatureSpec {
  readonly name: string;
  readonly mean: number;
  readonly std: number;
}

/** A one-hot block: a column per kept category, then "(other)" and "(missing)". */
export interface CategoricalFeatureSpec {
  readonly name: string;
  readonly categories: readonly string[];
}

/**
 * The fitted state of the feature pipeline, serialisable as JSON and shipped inside every model
 * artifact, so serving featurises exactly as training did.
 */
export interface FeatureSpec {
  readonly version: typeof FEATURE_SPEC_VERSION;
  readonly numeric: readonly NumericFeatureSpec[];
  readonly categorical: readonly CategoricalFeatureSpec[];
  /** Column names in order: numeric, then each categorical block. */
  readonly featureNames: readonly string[];
}

export interface FitFeatureOptions {
  /** A category needs this many rows to get its own column (default 10). */
  readonly minCategoryCount?: number;
}

function featureNamesOf(
  numeric: readonly NumericFeatureSpec[],
  categorical: readonly CategoricalFeatureSpec[],
): string[] {
  return [
    ...numeric.map((feature) => feature.name),
    ...categorical.flatMap((block) =>
      [...block.categories, OTHER, MISSING].map((category) => `${block.name}=${category}`),
    ),
  ];
}

/** Learns means, spreads and vocabularies from training encounters, in one pass. */
export function fitFeatureSpec(
  encounters: Iterable<EncounterInput>,
  options: FitFeatureOptions = {},
): FeatureSpec {
  return featureSpecFromSummary(summarizeFeatures(encounters), options);
}

/**
 * The spec of the summarised encounters: fitting from a merged summary (a federation's sites')
 * gives the spec fitting on the union gives.
 */
export function featureSpecFromSummary(
  summary: FeatureSummary,
  options: FitFeatureOptions = {},
): FeatureSpec {
  const minCount = options.minCategoryCount ?? 10;
  if (summary.encounters === 0) throw new Error('cannot fit features on no encounters');
  const numeric = NUMERIC_INPUTS.map((input, index) => {
    const { mean, std } = momentsOf(summary.numeric[index]);
    return { name: input.name, mean, std: std > 1e-12 ? std : 1 };
  });
  const categorical = CATEGORICAL_INPUTS.map((input, index) => ({
    name: input.name,
    categories: Object.entries(summary.categorical[index])
      .filter(([, seen]) => seen >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, input.maxCategories)
      .map(([category]) => category)
      .sort(),
  }));
  return {
    version: FEATURE_SPEC_VERSION,
    numeric,
    categorical,
    featureNames: featureNamesOf(numeric, categorical),
  };
}

/** Checks a spec read from an artifact; names the first problem. */
export function parseFeatureSpec(json: unknown): FeatureSpec {
  const spec = json as Partial<FeatureSpec> | null;
  if (!spec || typeof spec !== 'object') throw new Error('feature spec: not an object');
  if (spec.version !== FEATURE_SPEC_VERSION)
    throw new Error(`feature spec: version ${String(spec.version)} is not ${FEATURE_SPEC_VERSION}`);
  if (!Array.isArray(spec.numeric) || !Array.isArray(spec.categorical))
    throw new Error('feature spec: numeric and categorical must be lists');
  for (const feature of spec.numeric) {
    if (!NUMERIC_INPUTS.some((input) => input.name === feature.name))
      throw new Error(`feature spec: unknown numeric input '${feature.name}'`);
    if (!Number.isFinite(feature.mean) || !(feature.std > 0))
      throw new Error(`feature spec: ${feature.name} needs a finite mean and a positive std`);
  }
  for (const block of spec.categorical) {
    if (!CATEGORICAL_INPUTS.some((input) => input.name === block.name))
      throw new Error(`feature spec: unknown categorical input '${block.name}'`);
    if (
      !Array.isArray(block.categories) ||
      block.categories.some((category: unknown) => typeof category !== 'string')
    )
      throw new Error(`feature spec: ${block.name} categories must be text`);
  }
  const names = featureNamesOf(spec.numeric, spec.categorical);
  if (JSON.stringify(names) !== JSON.stringify(spec.featureNames))
    throw new Error('feature spec: featureNames do not match the numeric and categorical parts');
  return spec as FeatureSpec;
}

/**
 * Turns encounters into feature rows with a fitted spec; the same code runs in training and in
 * the scoring service. Writes into caller-owned arrays so bulk featurising allocates once.
 */
export class FeatureEncoder {
  readonly width: number;
  private readonly numeric: ReadonlyArray<{ input: NumericInput; mean: number; std: number }>;
  private readonly categorical: ReadonlyArray<{
    input: CategoricalInput;
    offset: number;
    columns: ReadonlyMap<string, number>;
    other: number;
    missing: number;
  }>;

  constructor(readonly spec: FeatureSpec) {
    this.numeric = spec.numeric.map((feature) => ({
      input: NUMERIC_INPUTS.find((input) => input.name === feature.name) as NumericInput,
      mean: feature.mean,
      std: feature.std,
    }));
    let offset = spec.numeric.length;
    this.categorical = spec.categorical.map((block) => {
      const start = offset;
      offset += block.categories.length + 2;
      return {
        input: CATEGORICAL_INPUTS.find((input) => input.name === block.name) as CategoricalInput,
        offset: start,
        columns: new Map(block.categories.map((category, index) => [category, start + index])),
        other: start + block.categories.length,
        missing: start + block.categories.length + 1,
      };
    });
    this.width = offset;
  }

  /** Writes one encounter's features at `offset` of `out` (the row must be zero-filled). */
  encodeInto(encounter: EncounterInput, out: Float32Array, offset = 0): void {
    for (let index = 0; index < this.numeric.length; index++) {
      const { input, mean, std } = this.numeric[index];
      out[offset + index] = (input.read(encounter) - mean) / std;
    }
    for (const block of this.categorical) {
      const value = block.input.read(encounter);
      const column = value === null ? block.missing : (block.columns.get(value) ?? block.other);
      out[offset + column] = 1;
    }
  }

  encode(encounter: EncounterInput): Float32Array {
    const row = new Float32Array(this.width);
    this.encodeInto(encounter, row);
    return row;
  }

  encodeAll(encounters: readonly EncounterInput[]): DenseMatrix {
    const values = new Float32Array(encounters.length * this.width);
    encounters.forEach((encounter, row) => this.encodeInto(encounter, values, row * this.width));
    return { rows: encounters.length, columns: this.width, values };
  }
}
