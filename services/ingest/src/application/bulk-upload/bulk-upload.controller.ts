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
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { RequireRole } from '@readmit/platform/auth';
import { LOGGER } from '@readmit/platform/bootstrap';
import { EventPublisher, newEnvelope } from '@readmit/platform/kafka';
import { PSEUDONYMIZER, type Pseudonymizer } from '@readmit/platform/privacy';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
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
import { parseUploadParams, UPLOAD_ID, UPLOAD_ID_RULE } from './upload-params';
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
  async report(@Param('uploadId') uploadId: string): Promise<UploadReport> {
    if (!UPLOAD_ID.test(uploadId))
      throw new BadRequestException({
        message: 'invalid upload id',
        errors: [{ field: 'uploadId', message: UPLOAD_ID_RULE }],
      });
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
