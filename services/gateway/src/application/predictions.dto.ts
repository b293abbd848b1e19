import { ApiProperty, ApiPropertyOptional, type SchemaObject } from '@nestjs/swagger';
import {
  EXAMPLE_ENCOUNTER_INPUT,
  INPUT_COLUMNS,
  requiredInputColumns,
} from '../domain/encounter-input';

/**
 * The OpenAPI descriptions of the prediction endpoints. Requests are validated with zod (the
 * ingest rules), so these classes only describe: nothing reads their decorators at run time.
 */

/** The API key's security scheme in the OpenAPI document. */
export const API_KEY_SCHEME = 'api-key';

export class FeatureContributionDto {
  @ApiProperty({ description: 'An input feature of the model.', example: 'number_inpatient' })
  readonly feature!: string;

  @ApiProperty({
    description: 'Its contribution to the log-odds of readmission (negative lowers the risk).',
    example: 0.42,
  })
  readonly value!: number;
}

export class PredictionDto {
  @ApiProperty({ example: 149190 })
  readonly encounter_id!: number;

  @ApiProperty({ description: 'Risk of readmission within 30 days, in (0, 1).', example: 0.137 })
  readonly score!: number;

  @ApiProperty({ description: 'score ≥ threshold: flagged for follow-up.', example: false })
  readonly label!: boolean;

  @ApiProperty({ description: "The serving model's decision threshold.", example: 0.3 })
  readonly threshold!: number;

  @ApiPropertyOptional({
    description:
      'Top contributing features, largest first: only with `?explain=true` (null if the model cannot explain).',
    type: [FeatureContributionDto],
    nullable: true,
  })
  readonly contributions?: FeatureContributionDto[] | null;
}

class ScoredByDto {
  @ApiProperty({
    description:
      'Names this request: the x-request-id response header, and the correlation id of its PredictionMade events.',
    example: '0b5e6a44-5c0e-4d0f-a3a2-2f8c6f7b9a10',
  })
  readonly requestId!: string;

  @ApiProperty({ example: 'readmission' })
  readonly modelName!: string;

  @ApiProperty({ description: 'The champion version that scored.', example: 'v7' })
  readonly modelVersion!: string;
}

export class PredictionResponseDto extends ScoredByDto {
  @ApiProperty({ type: PredictionDto })
  readonly prediction!: PredictionDto;
}

export class BatchPredictionResponseDto extends ScoredByDto {
  @ApiProperty({ type: [PredictionDto], description: 'In the order of the request.' })
  readonly predictions!: PredictionDto[];
}

export class FieldErrorDto {
  @ApiProperty({
    description: 'The column, or `encounters[i].column` in a batch; `(body)` for the whole body.',
    example: 'encounters[3].age',
  })
  readonly field!: string;

  @ApiProperty({
    example:
      "'[70-85)' is not one of [0-10), [10-20), [20-30), [30-40), [40-50), [50-60), [60-70), [70-80), [80-90), [90-100)",
  })
  readonly message!: string;
}

export class ValidationErrorDto {
  @ApiProperty({ example: 'invalid encounter' })
  readonly message!: string;

  @ApiProperty({ type: [FieldErrorDto] })
  readonly errors!: FieldErrorDto[];
}

export class ErrorDto {
  @ApiProperty({
    example: 'scoring is unavailable, retry later: scoring did not answer within 2000 ms',
  })
  readonly message!: string;
}

/** Request bodies: plain JSON Schemas, registered as components by the document builder. */
export function requestSchemas(maxBatch: number): Record<string, SchemaObject> {
  const cell: SchemaObject = {
    anyOf: [{ type: 'string' }, { type: 'number' }],
    nullable: true,
  };
  const encounter: SchemaObject = {
    type: 'object',
    description:
      'One encounter keyed by the diabetic_data.csv column names, checked by the same rules as ingestion. Values are strings or numbers; null (or an absent key) is a missing value. `readmitted` is not needed and is ignored; unknown keys are ignored.',
    properties: Object.fromEntries(INPUT_COLUMNS.map((column) => [column, cell])),
    required: requiredInputColumns(),
    additionalProperties: true,
    example: EXAMPLE_ENCOUNTER_INPUT,
  };
  const batch: SchemaObject = {
    type: 'object',
    required: ['encounters'],
    properties: {
      encounters: {
        type: 'array',
        minItems: 1,
        maxItems: maxBatch,
        items: { $ref: '#/components/schemas/Encounter' },
      },
    },
  };
  return { Encounter: encounter, BatchPredictionRequest: batch };
}
