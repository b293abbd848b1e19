import { ApiProperty, ApiPropertyOptional, type SchemaObject } from '@nestjs/swagger';
import { toOpenApi } from '@readmit/platform/openapi';
import { batchInputSchema } from '../domain/encounter-input';

/**
 * The OpenAPI descriptions of the prediction endpoints' answers, written by hand (nothing reads
 * their decorators at run time). The requests are described by the schemas that check them
 * (encounterInputSchema, batchInputSchema), and the error bodies by the platform's. Each property
 * names its type, so the document does not depend on emitted decorator metadata.
 */

/**
 * The request schemas the document names: `Encounter` and `BatchPredictionRequest` (whose size
 * limit is the gateway's setting), converted from the schemas the controller checks with.
 */
export function predictionRequestSchemas(maxBatch: number): Record<string, SchemaObject> {
  const batch = toOpenApi(batchInputSchema(maxBatch));
  return { ...batch.components, BatchPredictionRequest: batch.schema as SchemaObject };
}

export class FeatureContributionDto {
  @ApiProperty({
    type: String,
    description: 'An input feature of the model.',
    example: 'number_inpatient',
  })
  readonly feature!: string;

  @ApiProperty({
    type: Number,
    description: 'Its contribution to the log-odds of readmission (negative lowers the risk).',
    example: 0.42,
  })
  readonly value!: number;
}

export class PredictionDto {
  @ApiProperty({ type: Number, example: 149190 })
  readonly encounter_id!: number;

  @ApiProperty({
    type: Number,
    description: 'Risk of readmission within 30 days, in (0, 1).',
    example: 0.137,
  })
  readonly score!: number;

  @ApiProperty({
    type: Boolean,
    description: 'score ≥ threshold: flagged for follow-up.',
    example: false,
  })
  readonly label!: boolean;

  @ApiProperty({
    type: Number,
    description: "The serving model's decision threshold.",
    example: 0.3,
  })
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
    type: String,
    description:
      'Names this request: the x-request-id response header, and the correlation id of its PredictionMade events.',
    example: '0b5e6a44-5c0e-4d0f-a3a2-2f8c6f7b9a10',
  })
  readonly requestId!: string;

  @ApiProperty({ type: String, example: 'readmission' })
  readonly modelName!: string;

  @ApiProperty({ type: String, description: 'The champion version that scored.', example: 'v7' })
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
