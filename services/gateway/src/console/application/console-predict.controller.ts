import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@readmit/platform/auth';
import { SERVICE_CONFIG } from '@readmit/platform/bootstrap';
import { DescribeRequest, JsonResponse, type AnswerOf } from '@readmit/platform/openapi';
import { PSEUDONYMIZER, type Pseudonymizer } from '@readmit/platform/privacy';
import type { Request, Response } from 'express';
import { failureResponse } from '../../application/predictions.controller';
import { ScoringConnection } from '../../application/scoring-connection';
import {
  EXAMPLE_ENCOUNTER_INPUT,
  encounterInputSchema,
  INPUT_COLUMNS,
  parseEncounterInput,
  requiredInputColumns,
} from '../../domain/encounter-input';
import type { GatewayEnv } from '../../gateway.config';
import { encounterFormAnswer, predictionAnswer } from './console-answers';
import { jsonBody } from './json-body';

/**
 * `/console/api/predictions`: the console's form scores one encounter, explained, by the same
 * rules and scoring path as `POST /v1/predictions?explain=true` (field-level 400s, 503 when
 * scoring cannot answer).
 */
@ApiTags('console')
@Controller('console/api')
export class ConsolePredictController {
  constructor(
    @Inject(ScoringConnection) private readonly scoring: ScoringConnection,
    @Inject(SERVICE_CONFIG) private readonly env: GatewayEnv,
    @Inject(PSEUDONYMIZER) private readonly pseudonymizer: Pseudonymizer,
  ) {}

  /** What the form is built from: the columns, which are required, and an example encounter. */
  @Get('encounter-form')
  @RequireRole('read')
  @ApiOperation({ summary: 'What the prediction form is built from' })
  @JsonResponse(200, 'The columns, which are required, and an example encounter.', encounterFormAnswer) // prettier-ignore
  form(): AnswerOf<typeof encounterFormAnswer> {
    return {
      columns: INPUT_COLUMNS,
      required: requiredInputColumns(),
      example: EXAMPLE_ENCOUNTER_INPUT,
    };
  }

  @Post('predictions')
  @RequireRole('predict')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Score one encounter, explained' })
  @DescribeRequest({
    body: { schema: encounterInputSchema },
    invalid: 'Invalid JSON or encounter; each problem with its field.',
    errors: { 503: 'Scoring is unavailable: retry after Retry-After seconds.' },
  })
  @JsonResponse(200, 'The score, its label and the features that contributed most.', predictionAnswer) // prettier-ignore
  async predict(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnswerOf<typeof predictionAnswer>> {
    const parsed = parseEncounterInput(jsonBody(request), this.pseudonymizer.pseudonymize);
    if (!parsed.ok)
      throw new BadRequestException({ message: 'invalid encounter', errors: parsed.errors });
    const outcome = await this.scoring.predict([parsed.value], true, randomUUID());
    if (!outcome.ok) {
      const failed = failureResponse(outcome.failure, this.env.READMIT_GATEWAY_RETRY_AFTER_SECONDS);
      for (const [name, value] of Object.entries(failed.headers)) response.setHeader(name, value);
      throw new HttpException(failed.body, failed.status);
    }
    const [prediction] = outcome.scored.predictions;
    return {
      modelName: outcome.scored.modelName,
      modelVersion: outcome.scored.modelVersion,
      prediction: { ...prediction, contributions: prediction.contributions ?? [] },
    };
  }
}
