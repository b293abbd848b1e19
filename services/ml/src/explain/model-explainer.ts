import type { ArtifactContents, ModelParameters } from '../artifact/model-artifact';
import type { FeatureSpec } from '../features/feature-spec';
import { logisticRegressionFromJson } from '../linear/logistic-regression-json';
import { linearContributions } from '../linear/logistic-regression';
import { assertDenseMatrix, type DenseMatrix } from '../matrix/dense-matrix';
import { gbdtFromJson } from '../trees/gbdt-json';
import { gbdtContributions } from '../trees/gbdt-model';

/**
 * One input feature's share of a prediction, in log-odds (the Avro FeatureContribution of
 * PredictionMade): positive pushes the risk up, negative down.
 */
export interface FeatureContribution {
  readonly feature: string;
  readonly value: number;
}

/** Every input feature's contribution for a batch of rows, and the part credited to none. */
export interface FeatureContributionMatrix {
  /** Input feature names in spec order (numeric, then categorical blocks): the columns of `values`. */
  readonly features: readonly string[];
  readonly rows: number;
  /** Row r, feature f at values[r * features.length + f], in log-odds. */
  readonly values: Float64Array;
  /**
   * Per row, what no feature is credited with: the intercept for logistic regression; for GBDT
   * the base score plus every tree's root value (the same for all rows). bias + the row's values
   * is the row's logit.
   */
  readonly bias: Float64Array;
}

/** How a model credits a row's logit to its encoded columns. */
interface ColumnAttribution {
  /** Encoded columns the model takes. */
  readonly columns: number;
  /** Per-column contributions of the row at values[offset]; entries past `columns` are ignored. */
  readonly contributions: (values: Float32Array, offset: number) => ArrayLike<number>;
  /** What no column is credited with, from the same row's contributions. */
  readonly bias: (contributions: ArrayLike<number>) => number;
}

/**
 * Explains predictions in the units a clinician reads: the model's per-column contributions
 * (coefficient × value for logistic regression, Saabas path contributions for GBDT) summed back
 * to the input features of the feature spec, so every one-hot column of a categorical block,
 * its "(other)" and "(missing)" included, is credited to the block's input (e.g.
 * admission_type_id), and a numeric column keeps its name.
 */
export class ModelExplainer {
  /** Input feature names, in spec order. */
  readonly features: readonly string[];
  private readonly columns: number;
  /** The input feature index of every encoded column. */
  private readonly featureOfColumn: Int32Array;
  private readonly attribution: ColumnAttribution;

  constructor(model: ModelParameters, featureSpec: FeatureSpec) {
    this.features = [
      ...featureSpec.numeric.map((feature) => feature.name),
      ...featureSpec.categorical.map((block) => block.name),
    ];
    this.featureOfColumn = columnsToFeatures(featureSpec);
    this.columns = this.featureOfColumn.length;
    this.attribution = attributionOf(model);
    if (this.attribution.columns !== this.columns)
      throw new Error(
        `The model takes ${this.attribution.columns} features, the feature spec has ${this.columns} columns`,
      );
  }

  /** The explainer of an artifact's model; throws for an artifact built without its parameters. */
  static fromArtifact(contents: ArtifactContents): ModelExplainer {
    if (!contents.model)
      throw new Error(
        `model ${contents.info.name} ${contents.info.version} carries no parameters to explain it with (built before explanations)`,
      );
    return new ModelExplainer(contents.model, contents.featureSpec);
  }

  /**
   * Each row's topK input features by absolute contribution, largest first, signs kept.
   * Features contributing exactly nothing are left out, so a row can have fewer than topK.
   * Ties keep spec order, so the answer is deterministic.
   */
  explain(rows: DenseMatrix, topK: number): FeatureContribution[][] {
    if (!Number.isInteger(topK) || topK < 0)
      throw new Error(`topK must be a non-negative integer, got ${topK}`);
    const { values } = this.contributionsByFeature(rows);
    const width = this.features.length;
    const k = Math.min(topK, width);
    if (k === 0) return Array.from({ length: rows.rows }, () => []);
    // Reused across rows: the top-k buffer holds feature indices, best first.
    const top = new Int32Array(k);
    const explanations: FeatureContribution[][] = [];
    for (let row = 0, offset = 0; row < rows.rows; row++, offset += width) {
      let kept = 0;
      for (let feature = 0; feature < width; feature++) {
        const size = Math.abs(values[offset + feature]);
        if (size === 0) continue;
        if (kept === k && !(size > Math.abs(values[offset + top[k - 1]]))) continue;
        // Insertion into the short sorted buffer: k is small, so this beats sorting all features.
        let at = kept < k ? kept++ : k - 1;
        while (at > 0 && size > Math.abs(values[offset + top[at - 1]])) {
          top[at] = top[at - 1];
          at--;
        }
        top[at] = feature;
      }
      const explanation: FeatureContribution[] = [];
      for (let rank = 0; rank < kept; rank++)
        explanation.push({ feature: this.features[top[rank]], value: values[offset + top[rank]] });
      explanations.push(explanation);
    }
    return explanations;
  }

  /** Every input feature's contribution for every row, and each row's bias. */
  contributionsByFeature(rows: DenseMatrix): FeatureContributionMatrix {
    assertDenseMatrix(rows);
    if (rows.columns !== this.columns)
      throw new Error(`The model takes ${this.columns} features, got ${rows.columns}`);
    const width = this.features.length;
    const values = new Float64Array(rows.rows * width);
    const bias = new Float64Array(rows.rows);
    const { columns, featureOfColumn, attribution } = this;
    for (let row = 0, offset = 0; row < rows.rows; row++, offset += columns) {
      const contributions = attribution.contributions(rows.values, offset);
      const out = row * width;
      for (let column = 0; column < columns; column++)
        values[out + featureOfColumn[column]] += contributions[column];
      bias[row] = attribution.bias(contributions);
    }
    return { features: this.features, rows: rows.rows, values, bias };
  }
}

/** The encoder's layout: numeric columns, then per block its categories, "(other)", "(missing)". */
function columnsToFeatures(featureSpec: FeatureSpec): Int32Array {
  const featureOfColumn = new Int32Array(featureSpec.featureNames.length);
  let column = 0;
  featureSpec.numeric.forEach((_, feature) => (featureOfColumn[column++] = feature));
  featureSpec.categorical.forEach((block, index) => {
    const feature = featureSpec.numeric.length + index;
    for (let category = 0; category < block.categories.length + 2; category++)
      featureOfColumn[column++] = feature;
  });
  if (column !== featureOfColumn.length)
    throw new Error(
      `feature spec: ${featureOfColumn.length} column names for ${column} encoded columns`,
    );
  return featureOfColumn;
}

function attributionOf(model: ModelParameters): ColumnAttribution {
  if (model.algorithm === 'gbdt') {
    const gbdt = gbdtFromJson(model.json);
    const columns = gbdt.features;
    return {
      columns,
      contributions: (values, offset) =>
        gbdtContributions(gbdt, values.subarray(offset, offset + columns)),
      // gbdtContributions ends with the bias entry: the base score plus every tree's root value.
      bias: (contributions) => contributions[columns],
    };
  }
  const linear = logisticRegressionFromJson(model.json);
  const columns = linear.weights.length;
  return {
    columns,
    contributions: (values, offset) =>
      linearContributions(linear, values.subarray(offset, offset + columns)),
    bias: () => linear.intercept,
  };
}
