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
import { ApiExcludeController } from '@nestjs/swagger';
import { RequireRole } from '@readmit/platform/auth';
import { SERVICE_CONFIG } from '@readmit/platform/bootstrap';
import { PSEUDONYMIZER, type Pseudonymizer } from '@readmit/platform/privacy';
import type { Request, Response } from 'express';
import { failureResponse } from '../../application/predictions.controller';
import { ScoringConnection } from '../../application/scoring-connection';
import {
  EXAMPLE_ENCOUNTER_INPUT,
  INPUT_COLUMNS,
  parseEncounterInput,
  requiredInputColumns,
} from '../../domain/encounter-input';
import type { GatewayEnv } from '../../gateway.config';
import { jsonBody } from './json-body';

/**
 * `/console/api/predictions`: the console's form scores one encounter, explained, by the same
 * rules and scoring path as `POST /v1/predictions?explain=true` (field-level 400s, 503 when
 * scoring cannot answer).
 */
@ApiExcludeController()
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
  form() {
    return {
      columns: INPUT_COLUMNS,
      required: requiredInputColumns(),
      example: EXAMPLE_ENCOUNTER_INPUT,
    };
  }

  @Post('predictions')
  @RequireRole('predict')
  @HttpCode(HttpStatus.OK)
  async predict(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
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
