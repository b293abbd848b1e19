import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  Controller,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Param,
  Post,
  Query,
  Req,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ModelImportRequested } from '@readmit/contracts';
import { parseFeatureSpec, type FeatureSpec } from '@readmit/ml';
import {
  actorOf,
  AuthenticatedPrincipal,
  RequireRole,
  type Principal,
} from '@readmit/platform/auth';
import { LOGGER, PLATFORM_CONFIG } from '@readmit/platform/bootstrap';
import { DescribeRequest, fieldErrorsOf, JsonResponse } from '@readmit/platform/openapi';
import type { PlatformConfig } from '@readmit/platform/config';
import { EventPublisher, newEnvelope } from '@readmit/platform/kafka';
import {
  createObjectStore,
  DatasetStore,
  ObjectNotFoundError,
  sha256Of,
  type ObjectStore,
} from '@readmit/platform/storage';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { importParamsSchema, parseImportParams } from './import-params';
import { checkImportedModel } from './model-check';
import { readUpload, UploadError } from './read-upload';

/** The largest model file taken: a gradient-boosted ensemble of thousands of trees fits. */
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** The path: the model's name, checked with the query and the content type in one 400. */
export const importPathSchema = z.object({
  name: z
    .string()
    .regex(MODEL_NAME, { error: 'a model name is letters, digits, _ . and -' })
    .describe('The model to register the version under, e.g. readmission.'),
});

/** The 202 of an import: what was staged, and the run whose outcome to wait for. */
export const importAccepted = z.object({
  runId: z.string().describe('The run whose TrainingCompleted (or TrainingFailed) judges it.'),
  modelName: z.string(),
  status: z.literal('judging'),
  featureSpecId: z.string(),
  stagedArtifactSha256: z.string(),
  message: z.string(),
});
export type ImportAccepted = z.output<typeof importAccepted>;

/**
 * `POST /v1/models/{name}/imports` (role operate): an externally trained ONNX model as the body
 * (application/octet-stream), what it is in the query (`featureSpec`, `task`, `threshold`,
 * `framework`, `claimed.<metric>`). What can be checked at once is (a feature spec some export
 * made, a model onnxruntime loads and that scores that spec's features); then the file is
 * staged and ModelImportRequested published: the trainer judges it on the holdout and answers
 * on ml.training under the returned runId, and the registry decides on that as on any run.
 */
@ApiTags('models')
@Controller('v1/models')
export class ModelImportController {
  private readonly store: ObjectStore;
  private readonly datasets: DatasetStore;

  constructor(
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.store = createObjectStore(config.objectStore);
    this.datasets = new DatasetStore(this.store);
  }

  @Post(':name/imports')
  @RequireRole('operate')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Register an externally trained ONNX model: judged on the holdout, then decided on',
    description:
      'Besides the parameters below, `claimed.<metric>=<number>` query parameters (e.g. `claimed.roc_auc=0.71`) record metrics the uploader measured; they are never trusted. Any other parameter is refused.',
  })
  @DescribeRequest({
    params: importPathSchema,
    query: importParamsSchema,
    body: {
      contentTypes: ['application/octet-stream'],
      description: `The ONNX model (at most ${MAX_MODEL_BYTES / 1024 / 1024} MiB): FP32 [N, F] features of the feature spec in, a probability out.`,
    },
    invalid:
      'Invalid parameters or content type (field `content-type`): every problem, each with its field. (A body that ends before its length says so in `message` alone.)',
    errors: {
      411: 'No content length.',
      413: 'The model is larger than the registry takes.',
      422: 'No dataset export made the feature spec, or onnxruntime cannot load the model or score the spec’s features with it.',
    },
  })
  @JsonResponse(
    202,
    'Staged and ModelImportRequested published: the answer on ml.training carries `runId`.',
    importAccepted,
  )
  async import(
    @Param('name') modelName: string,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @AuthenticatedPrincipal() principal: Principal,
  ): Promise<ImportAccepted> {
    const params = parseImportParams(query);
    const errors = params.ok ? [] : [...params.errors];
    const path = importPathSchema.safeParse({ name: modelName });
    if (!path.success) errors.push(...fieldErrorsOf(path.error.issues));
    if (!(request.headers['content-type'] ?? '').startsWith('application/octet-stream'))
      errors.push({
        field: 'content-type',
        message: 'send the ONNX file as application/octet-stream',
      });
    if (!params.ok || errors.length > 0) {
      request.resume();
      throw new BadRequestException({ message: 'invalid import', errors });
    }
    let onnx: Buffer;
    try {
      onnx = await readUpload(request, MAX_MODEL_BYTES);
    } catch (error) {
      if (error instanceof UploadError)
        throw new HttpException({ statusCode: error.status, message: error.message }, error.status);
      throw error;
    }
    const { featureSpecId } = params.value;
    let featureSpec: FeatureSpec;
    try {
      featureSpec = parseFeatureSpec(await this.datasets.featureSpec(featureSpecId));
    } catch (error) {
      if (error instanceof ObjectNotFoundError)
        throw new UnprocessableEntityException({
          message: `no dataset export made feature spec ${featureSpecId}: export a training set (readmit datasets export) and train on it`,
          errors: [{ field: 'featureSpec', message: 'unknown feature spec' }],
        });
      throw error;
    }
    const problems = await checkImportedModel(onnx, featureSpec);
    if (problems.length > 0)
      throw new UnprocessableEntityException({
        message: 'the model cannot be imported',
        errors: problems.map((message) => ({ field: 'body', message })),
      });

    const runId = randomUUID();
    const stagedArtifactSha256 = sha256Of(onnx);
    const stagedArtifactUri = await this.store.put(
      `imports/${runId}/model.onnx`,
      onnx,
      'application/octet-stream',
    );
    const requestedBy = actorOf(principal);
    const event: ModelImportRequested = {
      envelope: newEnvelope('ModelImportRequested', { producer: 'registry@0.1.0' }),
      runId,
      modelName,
      task: params.value.task,
      asOf: params.value.asOf ?? Date.now(),
      stagedArtifactUri,
      stagedArtifactSha256,
      featureSpecId,
      threshold: params.value.threshold,
      framework: params.value.framework,
      claimedMetrics: params.value.claimedMetrics,
      requestedBy,
    };
    await this.publisher.publish('ModelImportRequested', runId, event);
    this.logger.info(
      {
        runId,
        modelName,
        featureSpecId,
        framework: event.framework,
        bytes: onnx.length,
        requestedBy,
      },
      'model import requested',
    );
    return {
      runId,
      modelName,
      status: 'judging',
      featureSpecId,
      stagedArtifactSha256,
      message:
        'the trainer judges the model on the registry holdout; its TrainingCompleted (or TrainingFailed) on ml.training carries this runId, and the registry decides on it as on any run',
    };
  }
}
