import { Controller, HttpCode, HttpException, HttpStatus, Inject, Post, Req } from '@nestjs/common';
import { EventPublisher, newEnvelope } from '@readmit/platform';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { loadEncounters, type LoadReport } from '../load-encounters/load-encounters';
import {
  CsvHeaderError,
  readEncounterCsv,
  type CsvEncounterRow,
} from '../../infrastructure/csv-encounter-reader';
import { readEncounterJsonLines } from '../../infrastructure/ndjson-encounter-reader';

export interface BulkUploadResponse {
  readonly uploadId: string;
  readonly rows: number;
  readonly encounters: number;
  readonly outcomes: number;
  readonly rejected: number;
  readonly rejections: LoadReport['rejections'];
}

/**
 * `POST /v1/encounters/bulk`: a CSV file (text/csv, the columns of diabetic_data.csv) or JSON
 * lines (application/x-ndjson), streamed. Good rows are published; each bad row comes back with
 * its line and field errors, and never stops the others.
 */
@Controller('v1/encounters')
export class BulkUploadController {
  constructor(@Inject(EventPublisher) private readonly publisher: EventPublisher) {}

  @Post('bulk')
  @HttpCode(HttpStatus.OK)
  async upload(@Req() request: Request): Promise<BulkUploadResponse> {
    const uploadId = randomUUID();
    const rows = this.rowsOf(request);
    try {
      const report = await loadEncounters(
        rows,
        async (events) => void (await this.publisher.publishAll(events)),
        {
          source: `http:${uploadId}`,
          envelopeFor: (eventType, causedBy) =>
            newEnvelope(eventType, { producer: 'ingest@0.1.0', correlationId: uploadId, causedBy }),
          now: Date.now,
        },
      );
      const { durationMs: _durationMs, ...counts } = report;
      return { uploadId, ...counts };
    } catch (error) {
      if (error instanceof CsvHeaderError) {
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
      throw error;
    }
  }

  private rowsOf(request: Request): AsyncIterable<CsvEncounterRow> {
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type === 'text/csv') return readEncounterCsv(request);
    if (type === 'application/x-ndjson' || type === 'application/jsonl')
      return readEncounterJsonLines(request);
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
