import {
  BadRequestException,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  NotFoundException,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@readmit/platform/auth';
import { LOGGER } from '@readmit/platform/bootstrap';
import { EventPublisher, newEnvelope } from '@readmit/platform/kafka';
import { DescribeRequest, JsonResponse, ValidParams } from '@readmit/platform/openapi';
import { PSEUDONYMIZER, type Pseudonymizer } from '@readmit/platform/privacy';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { UploadTally, type UploadReport } from '../../domain/bulk-upload/upload-report';
import { completeRecords } from '../../infrastructure/complete-records';
import {
  CsvHeaderError,
  readEncounterCsv,
  type CsvEncounterRow,
  type ReadRowsOptions,
} from '../../infrastructure/csv-encounter-reader';
import { readEncounterJsonLines } from '../../infrastructure/ndjson-encounter-reader';
import { EncounterKeysRunner } from '../learn-encounter-keys/encounter-keys.runner';
import { ingestRows } from './ingest-rows';
import {
  parseUploadParams,
  uploadHeadersSchema,
  uploadQuerySchema,
  uploadReportParams,
} from './upload-params';
import { UPLOAD_STORE, type UploadStore } from './upload-store';

/** How long an upload waits for the keys follower after a start before answering 503. */
const CATCH_UP_WAIT_MS = 10_000;
const RETRY_AFTER_SECONDS = 5;

type BodyFormat = 'csv' | 'lines';

/**
 * `POST /v1/encounters/bulk`: a CSV file (text/csv, the columns of diabetic_data.csv) or JSON
 * lines (application/x-ndjson), streamed. Each encounter is published once however often it is
 * sent (ingestRows); each bad row comes back with its line and field errors and never stops the
 * others. The upload's report is stored as it goes and served at
 * `GET /v1/encounters/bulk/{uploadId}`, so a client that lost the answer (or the connection:
 * the complete rows received before a cut are still published) learns where it stands.
 */
@ApiTags('encounters')
@Controller('v1/encounters')
export class BulkUploadController {
  constructor(
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(UPLOAD_STORE) private readonly store: UploadStore,
    @Inject(EncounterKeysRunner) private readonly keys: EncounterKeysRunner,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PSEUDONYMIZER) private readonly pseudonymizer: Pseudonymizer,
  ) {}

  @Post('bulk')
  @RequireRole('ingest')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Upload encounters (and outcomes) as CSV or JSON lines, streamed',
    description:
      'Each encounter is published once however often it is sent; each bad row comes back in the report with its line and field errors and never stops the others. The report is also kept at GET /v1/encounters/bulk/{uploadId} (the Upload-Id and Location headers name it). A CSV whose header lacks a column is refused with 400 `{ message, fields: [{ field, message }] }`.',
  })
  @DescribeRequest({
    query: uploadQuerySchema,
    headers: uploadHeadersSchema,
    body: {
      contentTypes: ['text/csv', 'application/x-ndjson'],
      description:
        'diabetic_data.csv rows (text/csv, with its header), or one JSON object per line keyed by its column names (application/x-ndjson, also application/jsonl).',
    },
    invalid: 'Invalid upload parameters: every problem, each with its field.',
    errors: {
      409: 'An upload with this id exists: resume it under a new id with ?fromLine=.',
      415: 'The body is neither text/csv nor application/x-ndjson.',
      503: 'Ingest is still reading the log (retry after Retry-After seconds), or publishing failed part-way: the body then carries the report, with resumeFromLine.',
    },
  })
  @JsonResponse(
    200,
    'The upload report: rows, encounters, outcomes, duplicates, rejected rows with their errors.',
  )
  async upload(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<UploadReport> {
    const params = parseUploadParams(query, request.headers);
    if (!params.ok)
      throw new BadRequestException({
        message: 'invalid upload parameters',
        errors: params.errors,
      });
    const format = this.formatOf(request);
    const { fromLine } = params.value;
    const uploadId = params.value.uploadId ?? randomUUID();
    // Wrapped before the first await: a client that sends its body and leaves while we check
    // the keys and the upload id closes the request, which drops what it had buffered unless
    // the wrapper is already there to take it out.
    const body = completeRecords(request, format);

    if (!(await this.keys.whenCaughtUp(CATCH_UP_WAIT_MS))) {
      response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      throw new HttpException(
        { message: 'ingest is still reading the encounters already on the log; retry later' },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    const tally = new UploadTally(uploadId, fromLine, Date.now());
    if (!(await this.store.start(tally.report('receiving', Date.now()))))
      throw new ConflictException({
        message:
          'an upload with this id exists (see GET /v1/encounters/bulk/{uploadId}); resume it under a new id with ?fromLine=',
      });
    // The earliest a single response can carry them: the status line goes out with the report.
    response.setHeader('Upload-Id', uploadId);
    response.setHeader('Location', `/v1/encounters/bulk/${uploadId}`);

    const options: ReadRowsOptions = {
      fromLine: fromLine ?? 1,
      onSkipped: (line) => tally.skipped(line),
    };
    // Identifiers become pseudonyms as rows are read: nothing after the reader holds one.
    const { pseudonymize } = this.pseudonymizer;
    const rows: AsyncIterable<CsvEncounterRow> =
      format === 'csv'
        ? readEncounterCsv(body.stream, pseudonymize, undefined, options)
        : readEncounterJsonLines(body.stream, pseudonymize, undefined, options);
    try {
      await ingestRows(rows, tally, {
        store: this.store,
        publish: async (events) => void (await this.publisher.publishAll(events)),
        envelopeFor: (eventType, causedBy) =>
          newEnvelope(eventType, { producer: 'ingest@0.1.0', correlationId: uploadId, causedBy }),
        now: Date.now,
        source: `http:${uploadId}`,
        onChunk: () => this.store.save(tally.report('receiving', Date.now())),
      });
    } catch (error) {
      if (error instanceof CsvHeaderError) {
        await this.store.discard(uploadId);
        throw new HttpException(
          {
            statusCode: 400,
            error: 'Bad Request',
            message: error.message,
            fields: error.missing.map((field) => ({ field, message: 'column is missing' })),
          },
          HttpStatus.BAD_REQUEST,
        );
      }
      throw await this.failed(tally, error);
    }
    const end = body.end();
    const report = tally.report(end?.cut ? 'interrupted' : 'completed', Date.now());
    await this.store.save(report);
    this.logger.info(
      {
        uploadId,
        status: report.status,
        rows: report.rows,
        encounters: report.encounters,
        outcomes: report.outcomes,
        duplicates: report.duplicates,
        rejected: report.rejected,
        lastCompleteLine: report.lastCompleteLine,
        ...(end?.cut ? { cutBy: end.reason, droppedBytes: end.droppedBytes } : {}),
      },
      'bulk upload',
    );
    return report;
  }

  /** `GET /v1/encounters/bulk/{uploadId}`: where an upload stands, or how it ended. */
  @Get('bulk/:uploadId')
  @RequireRole('read')
  @ApiOperation({ summary: 'Where an upload stands, or how it ended' })
  @DescribeRequest({ errors: { 404: 'No upload with this id.' } })
  @JsonResponse(200, 'The upload report, as the upload answered it (or so far).')
  async report(
    @ValidParams(uploadReportParams, 'invalid upload id')
    { uploadId }: z.output<typeof uploadReportParams>,
  ): Promise<UploadReport> {
    const report = await this.store.find(uploadId);
    if (!report) throw new NotFoundException({ message: 'no upload with this id' });
    return report;
  }

  /**
   * Publishing or storing failed part-way: what was committed stands, the rest was rolled back.
   * The client hears where to resume. The log line names the error, never a row's content.
   */
  private async failed(tally: UploadTally, error: unknown): Promise<HttpException> {
    const report = tally.report('failed', Date.now());
    await this.store.save(report).catch(() => undefined);
    const { name, message, code } = error as { name?: string; message?: string; code?: unknown };
    this.logger.error(
      {
        uploadId: report.uploadId,
        error: { name, message, code },
        resumeFromLine: report.resumeFromLine,
      },
      'bulk upload failed',
    );
    return new HttpException(
      {
        message: 'the upload could not be published or stored; resume it from resumeFromLine',
        ...report,
      },
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }

  private formatOf(request: Request): BodyFormat {
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type === 'text/csv') return 'csv';
    if (type === 'application/x-ndjson' || type === 'application/jsonl') return 'lines';
    throw new HttpException(
      {
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: `send text/csv or application/x-ndjson, not '${type || 'no content type'}'`,
      },
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    );
  }
}
