import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  NotFoundException,
  Param,
  Post,
  Res,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  actorOf,
  AuthenticatedPrincipal,
  RequireRole,
  type Principal,
} from '@readmit/platform/auth';
import { KAFKA_CLIENT, LOGGER, PLATFORM_CONFIG } from '@readmit/platform/bootstrap';
import type { PlatformConfig } from '@readmit/platform/config';
import { ErrorResponses, JsonResponse, ValidBody } from '@readmit/platform/openapi';
import { EventSerde } from '@readmit/platform/kafka';
import {
  createObjectStore,
  DatasetStore,
  InvalidDatasetNameError,
  ObjectNotFoundError,
} from '@readmit/platform/storage';
import type { Response } from 'express';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { z } from 'zod';
import { readTrainingLog } from '../infrastructure/training-log';
import { DatasetExportError, exportDataset, type DatasetManifest } from './dataset-export';
import { TRAINER_SEED } from './prepare-dataset';

const TASKS = { 'within-30-days': 'WITHIN_30_DAYS', any: 'ANY_READMISSION' } as const;

export const exportBody = z.object({
  task: z
    .enum(['within-30-days', 'any', 'WITHIN_30_DAYS', 'ANY_READMISSION'])
    .default('within-30-days')
    .transform(
      (task) =>
        (task in TASKS ? TASKS[task as keyof typeof TASKS] : task) as
          'WITHIN_30_DAYS' | 'ANY_READMISSION',
    )
    .describe('What the label is: readmission within 30 days, or any readmission.'),
  asOf: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 time like 2026-11-23T10:00:00Z' })
    .optional()
    .describe('The set as it was known at this time (default: now).'),
});

const NO_SUCH_FILE = 'No such export, or no such file in it.';
const NOT_A_NAME = 'The export id or the file name is not one an export makes.';

/**
 * `/v1/datasets/exports` (role read): the training set a run would use, as Parquet files with
 * the feature spec and a manifest (docs/notebook-to-production.md). POST builds an export from
 * the log as of a time and keeps its files in the object store; GET downloads them. Exports are
 * built one at a time: each reads the whole log.
 */
@ApiTags('datasets')
@RequireRole('read')
@Controller('v1/datasets/exports')
export class DatasetsController {
  private readonly datasets: DatasetStore;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(EventSerde) private readonly serde: EventSerde,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.datasets = new DatasetStore(createObjectStore(config.objectStore));
  }

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Export the training set a run would use, from the log as of a time',
    description:
      'Builds the training, validation and holdout sets as Parquet with the feature spec and a manifest, and keeps them in the object store; the answer is the manifest with a link to each file. Exports are built one at a time.',
  })
  @ErrorResponses({ 422: 'The log holds no training set as of that time.' })
  @JsonResponse(
    201,
    'The manifest (exportId, featureSpecId, rows, files, log offsets) with `links` to each file.',
  )
  async create(
    @ValidBody(exportBody) { task, asOf }: z.output<typeof exportBody>,
    @AuthenticatedPrincipal() principal: Principal,
  ): Promise<DatasetManifest & { links: Record<string, string> }> {
    const run = this.queue.then(async () => {
      const log = await readTrainingLog(this.kafka, this.serde, this.config.kafka.topicPrefix);
      const exported = await exportDataset(log, {
        task,
        asOf: asOf ? Date.parse(asOf) : Date.now(),
        seed: TRAINER_SEED,
      }).catch((error: unknown) => {
        throw error instanceof DatasetExportError
          ? new UnprocessableEntityException({ message: error.message })
          : error;
      });
      const spec = exported.files.find((file) => file.name === 'feature-spec.json');
      if (spec) await this.datasets.saveFeatureSpec(exported.manifest.featureSpecId, spec.bytes);
      await this.datasets.saveExport(exported.manifest.exportId, exported.files);
      return exported.manifest;
    });
    this.queue = run.catch(() => undefined);
    const manifest = await run;
    this.logger.info(
      { exportId: manifest.exportId, rows: manifest.rows, requestedBy: actorOf(principal) },
      'training set exported',
    );
    const base = `/v1/datasets/exports/${manifest.exportId}`;
    return {
      ...manifest,
      links: Object.fromEntries(
        [...manifest.files.map((file) => file.name), 'manifest.json'].map((name) => [
          name,
          `${base}/${name}`,
        ]),
      ),
    };
  }

  @Get(':exportId')
  @ApiOperation({ summary: "An export's manifest" })
  @ApiOkResponse({ description: 'manifest.json', content: { 'application/json': {} } })
  @ErrorResponses({ 400: NOT_A_NAME, 404: NO_SUCH_FILE })
  manifest(@Param('exportId') exportId: string, @Res() response: Response): Promise<void> {
    return this.file(exportId, 'manifest.json', response);
  }

  @Get(':exportId/:file')
  @ApiOperation({ summary: "One of an export's files (Parquet, or the JSON spec and manifest)" })
  @ApiOkResponse({
    description: 'The file.',
    content: {
      'application/vnd.apache.parquet': { schema: { type: 'string', format: 'binary' } },
      'application/json': {},
    },
  })
  @ErrorResponses({ 400: NOT_A_NAME, 404: NO_SUCH_FILE })
  async file(
    @Param('exportId') exportId: string,
    @Param('file') file: string,
    @Res() response: Response,
  ): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = await this.datasets.exportFile(exportId, file);
    } catch (error) {
      if (error instanceof InvalidDatasetNameError)
        throw new BadRequestException({ message: error.message });
      if (error instanceof ObjectNotFoundError)
        throw new NotFoundException({ message: `export ${exportId} has no file ${file}` });
      throw error;
    }
    response
      .status(200)
      .type(file.endsWith('.json') ? 'application/json' : 'application/vnd.apache.parquet')
      .send(bytes);
  }
}
