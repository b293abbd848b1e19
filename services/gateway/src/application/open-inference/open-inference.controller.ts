import { randomUUID } from 'node:crypto';
import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { RequiredModel, ServedModelDescription } from '@readmit/contracts';
import { quotedValue } from '@readmit/ml';
import { API_KEY_HEADER, PublicRoute, RequireRole } from '@readmit/platform/auth';
import { SERVICE_CONFIG } from '@readmit/platform/bootstrap';
import { ReadinessRegistry } from '@readmit/platform/health';
import { PSEUDONYMIZER, type Pseudonymizer } from '@readmit/platform/privacy';
import type { Request, Response } from 'express';
import {
  modelMetadata,
  SERVER_EXTENSIONS,
  SERVER_NAME,
  SERVER_VERSION,
  type ModelMetadata,
} from '../../domain/inference-metadata';
import {
  featureRowIds,
  inferenceAnswer,
  parseInferenceRequest,
  problemsText,
  readInferenceInputs,
  type InferenceInputs,
  type InferenceScores,
} from '../../domain/inference-tensors';
import type { GatewayEnv } from '../../gateway.config';
import { ScoringConnection, type ScoringFailure } from '../scoring-connection';
import { InferenceError, InferenceErrorsFilter } from './inference-errors.filter';
import {
  InferenceErrorDto,
  InferenceResponseDto,
  ModelMetadataDto,
  ServerMetadataDto,
} from './open-inference.dto';
import { ServedModel } from './served-model';

/** The header that says a body starts with a JSON header of that many bytes (binary tensors). */
export const INFERENCE_HEADER_LENGTH = 'inference-header-content-length';

const retryAfterHeader = {
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
};
const unavailableDoc = {
  description:
    'Scoring is unavailable (no champion model yet, down, or slower than the timeout): retry after Retry-After seconds.',
  type: InferenceErrorDto,
  headers: retryAfterHeader,
};
const notServedDoc = {
  description:
    'Not the model served here, or not the version that is champion now (the only one served).',
  type: InferenceErrorDto,
};
// The security requirement comes from the route's role (the platform's document builder).
const guarded = [
  ApiUnauthorizedResponse({ description: `No API key in ${API_KEY_HEADER} (or bearer token, where OIDC is on), or a bearer token that is not accepted.`, type: InferenceErrorDto }), // prettier-ignore
  ApiForbiddenResponse({ description: 'The API key is not accepted, or its principal lacks the predict role.', type: InferenceErrorDto }), // prettier-ignore
];
const applyAll =
  (decorators: MethodDecorator[]): MethodDecorator =>
  (target, key, descriptor) => {
    for (const decorator of decorators) decorator(target, key, descriptor);
  };

/**
 * The Open Inference Protocol (KServe v2; Triton's HTTP API): health, server and model metadata,
 * model readiness and inference, for the champion model served by the scoring service. An
 * inference is scored as `POST /v1/predictions/batch` scores (one round trip to scoring, which
 * publishes each prediction as a PredictionMade event); its columns are held to the same rules.
 * Errors are `{"error": "..."}` (InferenceErrorsFilter). Health is open, as `/health` and
 * `/ready` are; everything else needs the predict role.
 */
@ApiTags('open inference protocol (v2)')
@UseFilters(InferenceErrorsFilter)
@RequireRole('predict')
@Controller('v2')
export class OpenInferenceController {
  constructor(
    @Inject(ScoringConnection) private readonly scoring: ScoringConnection,
    @Inject(ServedModel) private readonly served: ServedModel,
    @Inject(ReadinessRegistry) private readonly readiness: ReadinessRegistry,
    @Inject(SERVICE_CONFIG) private readonly env: GatewayEnv,
    @Inject(PSEUDONYMIZER) private readonly pseudonymizer: Pseudonymizer,
  ) {}

  @Get('health/live')
  @PublicRoute()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Liveness: 200 while the process runs' })
  @ApiOkResponse({ description: 'Live (empty body).' })
  live(): void {}

  @Get('health/ready')
  @PublicRoute()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Readiness: 200 when the gateway is ready (as /ready) and scoring answers with a champion',
  })
  @ApiOkResponse({ description: 'Ready (empty body).' })
  @ApiServiceUnavailableResponse({ ...unavailableDoc, description: 'Not ready, and why.' })
  async ready(@Res({ passthrough: true }) response: Response): Promise<void> {
    const [report, served] = await Promise.all([this.readiness.evaluate(), this.served.current()]);
    const problems = Object.entries(report.checks)
      .filter(([, check]) => !check.ready)
      .map(([name, check]) => `${name}: ${check.error ?? 'not ready'}`);
    if (!served.ok) problems.push(`champion: ${served.failure.message}`);
    if (problems.length > 0) throw this.unavailable(response, `not ready: ${problems.join('; ')}`);
  }

  @Get()
  @applyAll(guarded)
  @ApiOperation({ summary: 'Server metadata: name, version, protocol extensions' })
  @ApiOkResponse({ type: ServerMetadataDto })
  server(): ServerMetadataDto {
    return { name: SERVER_NAME, version: SERVER_VERSION, extensions: [...SERVER_EXTENSIONS] };
  }

  @Get('models/:name')
  @applyAll(guarded)
  @ApiOperation({ summary: 'Model metadata of the champion: inputs, outputs, version' })
  @ApiOkResponse({ type: ModelMetadataDto })
  @ApiNotFoundResponse(notServedDoc)
  @ApiServiceUnavailableResponse(unavailableDoc)
  async model(
    @Param('name') name: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ModelMetadata> {
    return modelMetadata(await this.servedAs(name, undefined, response));
  }

  @Get('models/:name/versions/:version')
  @applyAll(guarded)
  @ApiOperation({ summary: 'Model metadata of a version (the champion’s only)' })
  @ApiOkResponse({ type: ModelMetadataDto })
  @ApiNotFoundResponse(notServedDoc)
  @ApiServiceUnavailableResponse(unavailableDoc)
  async modelVersion(
    @Param('name') name: string,
    @Param('version') version: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ModelMetadata> {
    return modelMetadata(await this.servedAs(name, version, response));
  }

  @Get('models/:name/ready')
  @applyAll(guarded)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Model readiness: 200 when the champion serves' })
  @ApiOkResponse({ description: 'Ready (empty body).' })
  @ApiNotFoundResponse(notServedDoc)
  @ApiServiceUnavailableResponse(unavailableDoc)
  async modelReady(
    @Param('name') name: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.servedAs(name, undefined, response);
  }

  @Get('models/:name/versions/:version/ready')
  @applyAll(guarded)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Model version readiness: 200 when that version is the champion' })
  @ApiOkResponse({ description: 'Ready (empty body).' })
  @ApiNotFoundResponse(notServedDoc)
  @ApiServiceUnavailableResponse(unavailableDoc)
  async modelVersionReady(
    @Param('name') name: string,
    @Param('version') version: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.servedAs(name, version, response);
  }

  @Post('models/:name/infer')
  @applyAll(inferDocs('the champion'))
  async infer(
    @Param('name') name: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.inferWith({ name }, request, response);
  }

  @Post('models/:name/versions/:version/infer')
  @applyAll(inferDocs('this version, while it is the champion'))
  async inferVersion(
    @Param('name') name: string,
    @Param('version') version: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.inferWith({ name, version }, request, response);
  }

  /**
   * Reads the request (JSON, or a JSON header and binary tensors), scores its encounters or
   * feature rows with the model asked for (scoring refuses any other: 404), answers the outputs
   * asked for, as JSON or with binary tensors.
   */
  private async inferWith(model: RequiredModel, request: Request, response: Response) {
    const parsed = parseInferenceRequest(bodyBytes(request), headerValue(request));
    if (!parsed.ok) throw badRequest(`invalid inference request: ${problemsText(parsed.errors)}`);
    const inputs = readInferenceInputs(
      parsed.value.inputs,
      this.env.READMIT_GATEWAY_MAX_BATCH,
      this.pseudonymizer.pseudonymize,
    );
    if (!inputs.ok) throw badRequest(`invalid inputs: ${problemsText(inputs.errors)}`);
    const requestId = randomUUID();
    response.setHeader('x-request-id', requestId);
    const scored = await this.score(inputs.value, requestId, model, response);

    const answer = inferenceAnswer(
      { ...scored, id: parsed.value.id ?? requestId },
      parsed.value.outputs,
    );
    if (answer.binary.length === 0) {
      response.status(HttpStatus.OK).json(answer.header);
      return;
    }
    const header = Buffer.from(JSON.stringify(answer.header));
    response
      .status(HttpStatus.OK)
      .setHeader('Inference-Header-Content-Length', String(header.byteLength))
      .type('application/octet-stream')
      .send(Buffer.concat([header, ...answer.binary]));
  }

  /** One probability and one label per row, from the model asked for. */
  private async score(
    inputs: InferenceInputs,
    requestId: string,
    model: RequiredModel,
    response: Response,
  ): Promise<InferenceScores> {
    const outcome =
      inputs.kind === 'encounters'
        ? await this.scoring.predict(inputs.encounters, false, requestId, model)
        : await this.scoring.predictFeatures(
            {
              ids: featureRowIds(requestId, inputs.features.rows, this.pseudonymizer.pseudonymize),
              columns: inputs.features.columns,
              values: inputs.features.values,
            },
            requestId,
            model,
          );
    if (!outcome.ok) throw this.failed(outcome.failure, response);
    const { modelName, modelVersion, predictions } = outcome.scored;
    return {
      modelName,
      modelVersion,
      probabilities: predictions.map((prediction) => prediction.score),
      labels: predictions.map((prediction) => prediction.label),
    };
  }

  /** Scoring's description of what it serves, if that is the model (and version) asked for. */
  private async servedAs(
    name: string,
    version: string | undefined,
    response: Response,
  ): Promise<ServedModelDescription> {
    const served = await this.served.current();
    if (!served.ok) throw this.failed(served.failure, response);
    const { modelName, modelVersion } = served.model;
    if (name !== modelName)
      throw new InferenceError(
        HttpStatus.NOT_FOUND,
        `model ${quotedValue(name)} is not served here (${modelName} is)`,
      );
    if (version !== undefined && version !== modelVersion)
      throw new InferenceError(
        HttpStatus.NOT_FOUND,
        `version ${quotedValue(version)} of ${modelName} is not served: ${modelVersion} is the champion`,
      );
    return served.model;
  }

  /** A failure of scoring as the protocol's error: 503 (retry), 400 (refused) or 404. */
  private failed(failure: ScoringFailure, response: Response): InferenceError {
    switch (failure.kind) {
      case 'unavailable':
        return this.unavailable(
          response,
          `scoring is unavailable, retry later: ${failure.message}`,
        );
      case 'invalid':
        return badRequest(`scoring refused the request: ${failure.message}`);
      case 'not_served':
        return new InferenceError(HttpStatus.NOT_FOUND, failure.message);
      default: {
        const unknown: never = failure.kind;
        throw new Error(`unknown scoring failure ${String(unknown)}`);
      }
    }
  }

  private unavailable(response: Response, message: string): InferenceError {
    response.setHeader('Retry-After', String(this.env.READMIT_GATEWAY_RETRY_AFTER_SECONDS));
    return new InferenceError(HttpStatus.SERVICE_UNAVAILABLE, message);
  }
}

const badRequest = (message: string) => new InferenceError(HttpStatus.BAD_REQUEST, message);

/** The body as bytes: the /v2 body parser reads it raw, whatever its content type. */
function bodyBytes(request: Request): Uint8Array {
  const body: unknown = request.body;
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body);
  return new Uint8Array(0);
}

function headerValue(request: Request): string | undefined {
  const value = request.headers[INFERENCE_HEADER_LENGTH];
  return Array.isArray(value) ? value[0] : value;
}

function inferDocs(scoredBy: string): MethodDecorator[] {
  return [
    ...guarded,
    HttpCode(HttpStatus.OK),
    ApiOperation({
      summary: `Infer with ${scoredBy}: encounter columns, or a feature tensor`,
      description:
        'Named tabular inputs (one tensor per diabetic_data.csv column, as MLServer’s pandas codec sends a DataFrame), checked by the rules of POST /v1/predictions, each problem named `column[row]`; or one FP32 [N, F] tensor `features` in the order of the model metadata’s `feature_names`. The binary tensor extension is supported: with `Inference-Header-Content-Length`, the body is that many bytes of JSON followed by the tensors’ binary data (any content type). Each prediction is also recorded as a PredictionMade event.',
    }),
    ApiConsumes('application/json', 'application/octet-stream'),
    ApiProduces('application/json', 'application/octet-stream'),
    ApiHeader({
      name: 'Inference-Header-Content-Length',
      required: false,
      description: 'Binary tensor extension: the length of the JSON header in bytes.',
    }),
    ApiBody({ schema: { $ref: '#/components/schemas/InferenceRequest' } }),
    ApiOkResponse({ type: InferenceResponseDto }),
    ApiBadRequestResponse({ description: 'An invalid request, tensor or encounter; features of the wrong width.', type: InferenceErrorDto }), // prettier-ignore
    ApiNotFoundResponse(notServedDoc),
    ApiPayloadTooLargeResponse({ description: 'The body is larger than a full batch can be.', type: InferenceErrorDto }), // prettier-ignore
    ApiServiceUnavailableResponse(unavailableDoc),
  ];
}
