import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  Controller,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { RequireRole } from '@readmit/platform/auth';
import { SERVICE_CONFIG } from '@readmit/platform/bootstrap';
import { DescribeRequest } from '@readmit/platform/openapi';
import { PSEUDONYMIZER, type Pseudonymizer } from '@readmit/platform/privacy';
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  encounterInputSchema,
  parseBatchInput,
  parseEncounterInput,
  type CallerEncounter,
  type FieldError,
  type Parsed,
} from '../domain/encounter-input';
import type { GatewayEnv } from '../gateway.config';
import {
  BatchPredictionResponseDto,
  PredictionResponseDto,
  type PredictionDto,
} from './predictions.dto';
import { ScoringConnection, type Scored, type ScoringFailure } from './scoring-connection';

/** The query of both routes: checked with the body, documented from this schema. */
export const explainQuery = z.object({
  explain: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .optional()
    .describe('Return the top contributing features.'),
});

const retryAfterHeader = {
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
};

/**
 * `POST /v1/predictions` (one encounter) and `POST /v1/predictions/batch`: synchronous risk
 * scores from the champion model, answered by the scoring service over Kafka request-reply
 * (which also publishes each prediction as a PredictionMade event). Bodies are checked by the
 * same rules as ingestion; every problem comes back at once, each with its field.
 */
@ApiTags('predictions')
@ApiUnsupportedMediaTypeResponse({ description: 'The body is not application/json.' })
@ApiPayloadTooLargeResponse({ description: 'The body is larger than a full batch can be.' })
@ApiServiceUnavailableResponse({
  description:
    'Scoring is unavailable (no champion model yet, down, or slower than the timeout): retry after Retry-After seconds.',
  schema: { $ref: '#/components/schemas/Error' },
  headers: retryAfterHeader,
})
@RequireRole('predict')
@Controller('v1/predictions')
export class PredictionsController {
  constructor(
    @Inject(ScoringConnection) private readonly scoring: ScoringConnection,
    @Inject(SERVICE_CONFIG) private readonly env: GatewayEnv,
    @Inject(PSEUDONYMIZER) private readonly pseudonymizer: Pseudonymizer,
  ) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Score one encounter' })
  @DescribeRequest({
    query: explainQuery,
    body: { schema: encounterInputSchema },
    invalid: 'Invalid JSON or encounter; each problem with its field.',
  })
  @ApiOkResponse({ type: PredictionResponseDto })
  async predict(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<PredictionResponseDto> {
    const [explain, encounter] = this.validOrThrow('invalid encounter', [
      this.explainOf(query),
      this.bodyOf(request, (body) => parseEncounterInput(body, this.pseudonymizer.pseudonymize)),
    ]);
    const { requestId, scored } = await this.score([encounter], explain, response);
    return {
      requestId,
      modelName: scored.modelName,
      modelVersion: scored.modelVersion,
      prediction: presented(scored.predictions[0], explain),
    };
  }

  @Post('batch')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Score a batch of encounters (at most READMIT_GATEWAY_MAX_BATCH)' })
  // The batch schema's size limit is the gateway's setting: the document names the schema the
  // service builds from it (predictionRequestSchemas), as parseBatchInput checks with it.
  @DescribeRequest({
    query: explainQuery,
    body: { component: 'BatchPredictionRequest' },
    invalid:
      'Invalid JSON, an empty or oversize batch, or invalid encounters: fields are named `encounters[i].column`.',
  })
  @ApiOkResponse({ type: BatchPredictionResponseDto })
  async predictBatch(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<BatchPredictionResponseDto> {
    const [explain, batch] = this.validOrThrow('invalid batch', [
      this.explainOf(query),
      this.bodyOf(request, (body) =>
        parseBatchInput(body, this.env.READMIT_GATEWAY_MAX_BATCH, this.pseudonymizer.pseudonymize),
      ),
    ]);
    const { requestId, scored } = await this.score(batch.encounters, explain, response);
    return {
      requestId,
      modelName: scored.modelName,
      modelVersion: scored.modelVersion,
      predictions: scored.predictions.map((prediction) => presented(prediction, explain)),
    };
  }

  private explainOf(query: Record<string, unknown>): Parsed<boolean> {
    const parsed = explainQuery.safeParse(query);
    return parsed.success
      ? { ok: true, value: parsed.data.explain === 'true' }
      : { ok: false, errors: [{ field: 'explain', message: 'must be true or false' }] };
  }

  /**
   * The body arrives as text (see GatewayHttp): the content type is checked first (415, as
   * ingest answers), then the JSON, so that both come after the API key check.
   */
  private bodyOf<T>(request: Request, parse: (body: unknown) => Parsed<T>): Parsed<T> {
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json')
      throw new HttpException(
        {
          statusCode: 415,
          error: 'Unsupported Media Type',
          message: `send application/json, not '${type || 'no content type'}'`,
        },
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      );
    let body: unknown;
    try {
      body = JSON.parse(typeof request.body === 'string' ? request.body : '');
    } catch {
      // The parser's message quotes the body, which may hold patient identifiers.
      return { ok: false, errors: [{ field: '(body)', message: 'the body is not valid JSON' }] };
    }
    return parse(body);
  }

  /** Every problem of the query and the body in one 400. */
  private validOrThrow<A, B>(message: string, parts: [Parsed<A>, Parsed<B>]): [A, B] {
    const [first, second] = parts;
    if (first.ok && second.ok) return [first.value, second.value];
    const errors: FieldError[] = [
      ...(first.ok ? [] : first.errors),
      ...(second.ok ? [] : second.errors),
    ];
    throw new BadRequestException({ message, errors });
  }

  private async score(
    encounters: readonly CallerEncounter[],
    explain: boolean,
    response: Response,
  ): Promise<{ requestId: string; scored: Scored }> {
    const requestId = randomUUID();
    response.setHeader('x-request-id', requestId);
    const outcome = await this.scoring.predict(encounters, explain, requestId);
    if (outcome.ok) return { requestId, scored: outcome.scored };
    const failed = failureResponse(outcome.failure, this.env.READMIT_GATEWAY_RETRY_AFTER_SECONDS);
    for (const [name, value] of Object.entries(failed.headers)) response.setHeader(name, value);
    throw new HttpException(failed.body, failed.status);
  }
}

/**
 * What the client hears when scoring could not answer: 503 with Retry-After when it may retry
 * (no champion yet, scoring down or too slow), 400 when scoring refused the request itself, 404
 * when the model asked for is not what serves (only requests naming a model can get that).
 */
export function failureResponse(
  failure: ScoringFailure,
  retryAfterSeconds: number,
): { status: number; body: object; headers: Record<string, string> } {
  switch (failure.kind) {
    case 'invalid':
      return {
        status: HttpStatus.BAD_REQUEST,
        body: {
          message: 'scoring refused the request',
          errors: [{ field: '(body)', message: failure.message }],
        },
        headers: {},
      };
    case 'not_served':
      return { status: HttpStatus.NOT_FOUND, body: { message: failure.message }, headers: {} };
    case 'unavailable':
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        body: { message: `scoring is unavailable, retry later: ${failure.message}` },
        headers: { 'Retry-After': String(retryAfterSeconds) },
      };
    default: {
      const unknown: never = failure.kind;
      throw new Error(`unknown scoring failure ${String(unknown)}`);
    }
  }
}

/** Contributions only when asked to explain. */
function presented(prediction: Scored['predictions'][number], explain: boolean): PredictionDto {
  const { contributions, ...scored } = prediction;
  return explain ? { ...scored, contributions: contributions ? [...contributions] : null } : scored;
}
