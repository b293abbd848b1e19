import 'reflect-metadata';
import type { ResponseObject } from '@nestjs/swagger';
import { serviceOpenApiDocument } from '@readmit/platform/bootstrap';
import { parametersOf } from '@readmit/platform/openapi';
import {
  checkRoutePart,
  operationOf,
  refusalOf,
} from '@readmit/platform/openapi/testing/route-checks';
import { BulkUploadController } from './application/bulk-upload/bulk-upload.controller';
import {
  UPLOAD_ID_RULE,
  uploadHeadersSchema,
  uploadQuerySchema,
  uploadReportParams,
} from './application/bulk-upload/upload-params';
import { forgetParams } from './application/forget-patient/forget-patient.controller';
import { BatchesController, listQuery } from './application/list-batches/batches.controller';
import { ingestService } from './ingest.definition';

const document = serviceOpenApiDocument(ingestService);

describe("ingest's OpenAPI document", () => {
  it('documents the bulk upload: its query and header schemas, CSV or JSON lines, role ingest', () => {
    const upload = operationOf(document, 'post', '/v1/encounters/bulk');
    expect(upload.parameters).toEqual([
      ...parametersOf(uploadQuerySchema, 'query').parameters,
      ...parametersOf(uploadHeadersSchema, 'header').parameters,
    ]);
    expect(Object.keys((upload.requestBody as { content: object }).content)).toEqual([
      'text/csv',
      'application/x-ndjson',
    ]);
    expect(upload).toMatchObject({ 'x-readmit-role': 'ingest' });
    expect(Object.keys(upload.responses).sort()).toEqual(['200', '400', '401', '403', '409', '415', '503']); // prettier-ignore
    const report = operationOf(document, 'get', '/v1/encounters/bulk/{uploadId}');
    expect(report.parameters).toEqual(parametersOf(uploadReportParams, 'path').parameters);
    expect(report).toMatchObject({ 'x-readmit-role': 'read' });
  });

  it('documents the batches query, forgetting a patient and FHIR', () => {
    const batches = operationOf(document, 'get', '/v1/batches');
    expect(batches.parameters).toEqual(parametersOf(listQuery, 'query').parameters);
    const forget = operationOf(document, 'post', '/v1/patients/{patient}/forget');
    expect(forget.parameters).toEqual(parametersOf(forgetParams, 'path').parameters);
    expect(forget).toMatchObject({ 'x-readmit-role': 'operate' });
    expect(Object.keys(forget.responses).sort()).toEqual(['200', '400', '401', '403', '409']);
    const fhir = operationOf(document, 'post', '/fhir');
    expect(fhir).toMatchObject({ 'x-readmit-role': 'ingest' });
    expect(Object.keys((fhir.requestBody as { content: object }).content)).toEqual([
      'application/fhir+json',
      'application/fhir+ndjson',
    ]);
    expect(Object.keys((fhir.responses['400'] as ResponseObject).content ?? {})).toEqual([
      'application/fhir+json',
    ]);
  });
});

describe('an ingest request that fails its schema', () => {
  it('a bad batches query or upload id: 400 with the field, as before', () => {
    expect(
      refusalOf(() => checkRoutePart(BatchesController, 'list', 'query', { limit: 'all' })),
    ).toMatchObject({
      status: 400,
      body: { message: 'invalid query', errors: [{ field: 'limit' }] },
    });
    expect(
      refusalOf(() =>
        checkRoutePart(BulkUploadController, 'report', 'params', { uploadId: '../etc' }),
      ),
    ).toEqual({
      status: 400,
      body: {
        message: 'invalid upload id',
        errors: [{ field: 'uploadId', message: UPLOAD_ID_RULE }],
      },
    });
    expect(checkRoutePart(BatchesController, 'list', 'query', {})).toEqual({ limit: 50 });
  });
});
