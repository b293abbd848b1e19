import 'reflect-metadata';
import { serviceOpenApiDocument } from '@readmit/platform/bootstrap';
import { toOpenApi } from '@readmit/platform/openapi';
import {
  checkRoutePart,
  jsonBodyOf,
  operationOf,
  refusalOf,
} from '@readmit/platform/openapi/testing/route-checks';
import { DatasetsController, exportBody } from './application/datasets.controller';
import { trainerService } from './trainer.definition';

const document = serviceOpenApiDocument(trainerService);

describe("the trainer's OpenAPI document", () => {
  it('documents POST /v1/datasets/exports with the body schema that checks it, role read', () => {
    const create = operationOf(document, 'post', '/v1/datasets/exports');
    expect(jsonBodyOf(create)).toEqual(toOpenApi(exportBody).schema);
    expect(jsonBodyOf(create)).toMatchObject({
      properties: {
        task: { enum: ['within-30-days', 'any', 'WITHIN_30_DAYS', 'ANY_READMISSION'] },
      },
    });
    expect(create).toMatchObject({ 'x-readmit-role': 'read' });
    expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '403', '422']);
  });

  it('documents the downloads: path parameters, the file types, 400 and 404', () => {
    const file = operationOf(document, 'get', '/v1/datasets/exports/{exportId}/{file}');
    expect(
      file.parameters?.map((parameter) => ('name' in parameter ? parameter.name : '')),
    ).toEqual(['exportId', 'file']);
    expect(Object.keys(file.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
    expect(file).toMatchObject({ 'x-readmit-role': 'read' });
    expect(operationOf(document, 'get', '/v1/datasets/exports/{exportId}')).toBeDefined();
  });
});

describe('an export request that fails its schema', () => {
  it('is answered 400 invalid body with each field; a good one is typed for the handler', () => {
    expect(
      refusalOf(() =>
        checkRoutePart(DatasetsController, 'create', 'body', { task: 'soon', asOf: 'yesterday' }),
      ),
    ).toEqual({
      status: 400,
      body: {
        message: 'invalid body',
        errors: [
          { field: 'task', message: expect.any(String) },
          { field: 'asOf', message: 'must be an ISO 8601 time like 2026-11-23T10:00:00Z' },
        ],
      },
    });
    expect(checkRoutePart(DatasetsController, 'create', 'body', undefined)).toEqual({
      task: 'WITHIN_30_DAYS',
    });
  });
});
