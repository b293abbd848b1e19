import { ApiProperty, ApiPropertyOptional, type SchemaObject } from '@nestjs/swagger';
import { EXAMPLE_ENCOUNTER_INPUT } from '../../domain/encounter-input';
import { COLUMN_DATATYPES, FEATURES_INPUT, OUTPUT_NAMES } from '../../domain/inference-tensors';

/**
 * The OpenAPI descriptions of the Open Inference Protocol routes (/v2). Requests are read by the
 * tensor codec (domain/inference-tensors.ts), so these classes only describe.
 */

export class InferenceErrorDto {
  @ApiProperty({
    type: String,
    description: 'What went wrong, in the protocol’s one error string.',
    example: "age[1]: '[70-85)' is not one of [0-10), [10-20), …",
  })
  readonly error!: string;
}

export class ServerMetadataDto {
  @ApiProperty({ type: String, example: 'readmit' })
  readonly name!: string;

  @ApiProperty({ type: String, example: '0.1.0' })
  readonly version!: string;

  @ApiProperty({ type: [String], example: ['binary_tensor_data'] })
  readonly extensions!: string[];
}

export class MetadataTensorDto {
  @ApiProperty({ type: String, example: 'age' })
  readonly name!: string;

  @ApiProperty({ type: String, example: 'BYTES' })
  readonly datatype!: string;

  @ApiProperty({ type: [Number], description: '-1: any number of rows.', example: [-1] })
  readonly shape!: number[];

  @ApiPropertyOptional({
    description:
      'Columns: `required`. The feature tensor: `alternative` (sent alone, in place of the columns) and `feature_names` in tensor order. `label`: the `threshold`.',
    type: 'object',
    additionalProperties: true,
    example: { required: true },
  })
  readonly parameters?: Record<string, unknown>;
}

export class ModelMetadataDto {
  @ApiProperty({ type: String, example: 'readmission' })
  readonly name!: string;

  @ApiProperty({
    type: [String],
    description: 'The champion’s version: the only one served.',
    example: ['v7'],
  })
  readonly versions!: string[];

  @ApiProperty({ type: String, example: 'onnxruntime_onnx' })
  readonly platform!: string;

  @ApiProperty({
    type: [MetadataTensorDto],
    description: `One tensor per diabetic_data.csv column (INT64 for identifiers and counts, BYTES for text) and the optional columns, then \`${FEATURES_INPUT}\`: FP32 [-1, F], the alternative of already encoded features.`,
  })
  readonly inputs!: MetadataTensorDto[];

  @ApiProperty({
    type: [MetadataTensorDto],
    description: '`probability` FP32 [-1] and `label` BOOL [-1] (probability ≥ threshold).',
  })
  readonly outputs!: MetadataTensorDto[];
}

export class InferenceOutputDto {
  @ApiProperty({ type: String, enum: OUTPUT_NAMES, example: 'probability' })
  readonly name!: string;

  @ApiProperty({ type: String, example: 'FP32' })
  readonly datatype!: string;

  @ApiProperty({ type: [Number], example: [2] })
  readonly shape!: number[];

  @ApiPropertyOptional({
    description: 'The values, unless sent as binary data.',
    type: 'array',
    items: { oneOf: [{ type: 'number' }, { type: 'boolean' }] },
    example: [0.137, 0.412],
  })
  readonly data?: Array<number | boolean>;

  @ApiPropertyOptional({
    description: '`binary_data_size` when the values follow the JSON header as binary data.',
    type: 'object',
    additionalProperties: true,
  })
  readonly parameters?: Record<string, unknown>;
}

export class InferenceResponseDto {
  @ApiProperty({ type: String, example: 'readmission' })
  readonly model_name!: string;

  @ApiProperty({ type: String, description: 'The champion version that scored.', example: 'v7' })
  readonly model_version!: string;

  @ApiProperty({
    type: String,
    description:
      'The request’s own `id`, or else the gateway’s request id (the x-request-id header and the correlation id of the PredictionMade events).',
    example: '0b5e6a44-5c0e-4d0f-a3a2-2f8c6f7b9a10',
  })
  readonly id!: string;

  @ApiProperty({ type: [InferenceOutputDto] })
  readonly outputs!: InferenceOutputDto[];
}

/** The inference request body: a plain JSON Schema, registered as a component. */
export function inferenceRequestSchemas(maxRows: number): Record<string, SchemaObject> {
  const tensor: SchemaObject = {
    type: 'object',
    required: ['name', 'datatype', 'shape'],
    properties: {
      name: {
        type: 'string',
        description: `A diabetic_data.csv column, or \`${FEATURES_INPUT}\`.`,
      },
      datatype: {
        type: 'string',
        description: `Columns: ${COLUMN_DATATYPES.join(', ')}. The feature tensor: FP32.`,
      },
      shape: {
        type: 'array',
        items: { type: 'integer', minimum: 0 },
        description: `A column: [N] or [N, 1]; the feature tensor: [N, F]. N is 1 to ${maxRows}.`,
      },
      data: {
        type: 'array',
        description:
          'Row-major values, flat or nested; null is a missing value. Absent when `parameters.binary_data_size` says the data follow the JSON header.',
        items: {},
      },
      parameters: { type: 'object', additionalProperties: true },
    },
  };
  const column = (name: string) => {
    const value = EXAMPLE_ENCOUNTER_INPUT[name];
    const numeric = typeof value === 'number';
    return {
      name,
      datatype: numeric ? 'INT64' : 'BYTES',
      shape: [1],
      data: [value === null ? '?' : value],
    };
  };
  const request: SchemaObject = {
    type: 'object',
    required: ['inputs'],
    properties: {
      id: { type: 'string', description: 'Echoed in the answer.' },
      inputs: {
        type: 'array',
        minItems: 1,
        items: { $ref: '#/components/schemas/InferenceTensor' },
      },
      outputs: {
        type: 'array',
        description: `Which outputs to answer (${OUTPUT_NAMES.join(', ')}), each with \`parameters.binary_data\`; all when absent.`,
        items: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string', enum: [...OUTPUT_NAMES] },
            parameters: { type: 'object', additionalProperties: true },
          },
        },
      },
      parameters: {
        type: 'object',
        additionalProperties: true,
        description: '`binary_data_output`: every output as binary data (default false).',
      },
    },
    example: { id: 'example', inputs: Object.keys(EXAMPLE_ENCOUNTER_INPUT).map(column) },
  };
  return { InferenceTensor: tensor, InferenceRequest: request };
}
