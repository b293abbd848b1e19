import type { ServedModelDescription } from '@readmit/contracts';
import { ENCOUNTER_RULES, fieldOfColumn, OPTIONAL_COLUMNS } from '@readmit/ml';
import { INPUT_COLUMNS, requiredInputColumns } from './encounter-input';
import { FEATURES_INPUT } from './inference-tensors';

/**
 * The Open Inference Protocol's server and model metadata of what the gateway serves: the
 * champion, under the model's name, with one version (the champion's). Pure: from scoring's
 * description of the model it serves.
 */

export const SERVER_NAME = 'readmit';
export const SERVER_VERSION = '0.1.0';
/** The protocol extensions the gateway implements (Triton's names). */
export const SERVER_EXTENSIONS = ['binary_tensor_data'] as const;

/**
 * What onnxruntime runs: the champion is an ONNX graph. The columns are encoded in front of it by
 * the model's own feature spec (the same code as training), so both kinds of input reach it.
 */
export const MODEL_PLATFORM = 'onnxruntime_onnx';

export interface MetadataTensor {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly parameters?: Readonly<Record<string, unknown>>;
}

export interface ModelMetadata {
  readonly name: string;
  readonly versions: readonly string[];
  readonly platform: string;
  readonly inputs: readonly MetadataTensor[];
  readonly outputs: readonly MetadataTensor[];
}

/**
 * A column's datatype as a DataFrame of diabetic_data.csv holds it: identifiers and counts are
 * integers (INT64), everything else text (BYTES). Other numeric types are accepted too.
 */
function columnDatatype(column: (typeof INPUT_COLUMNS)[number]): 'INT64' | 'BYTES' {
  const { kind } = ENCOUNTER_RULES[fieldOfColumn(column)];
  return kind === 'count' || kind === 'pseudonym' || kind === 'identifier' ? 'INT64' : 'BYTES';
}

export function modelMetadata(model: ServedModelDescription): ModelMetadata {
  const required = new Set(requiredInputColumns());
  const columns: MetadataTensor[] = [
    ...INPUT_COLUMNS.map((column) => ({
      name: column,
      datatype: columnDatatype(column),
      shape: [-1],
      parameters: { required: required.has(column) },
    })),
    ...OPTIONAL_COLUMNS.map((column) => ({
      name: column,
      datatype: 'BYTES',
      shape: [-1],
      parameters: { required: false },
    })),
  ];
  return {
    name: model.modelName,
    versions: [model.modelVersion],
    platform: MODEL_PLATFORM,
    inputs: [
      ...columns,
      {
        name: FEATURES_INPUT,
        datatype: 'FP32',
        shape: [-1, model.featureNames.length],
        parameters: {
          // Sent alone, in place of the columns.
          alternative: true,
          feature_names: model.featureNames,
        },
      },
    ],
    outputs: [
      { name: 'probability', datatype: 'FP32', shape: [-1] },
      { name: 'label', datatype: 'BOOL', shape: [-1], parameters: { threshold: model.threshold } },
    ],
  };
}
