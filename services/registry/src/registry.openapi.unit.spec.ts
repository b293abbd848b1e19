import 'reflect-metadata';
import type { ParameterObject, ResponseObject } from '@nestjs/swagger';
import { serviceOpenApiDocument } from '@readmit/platform/bootstrap';
import { parametersOf, toOpenApi } from '@readmit/platform/openapi';
import {
  checkRoutePart,
  jsonBodyOf,
  operationOf,
  refusalOf,
} from '@readmit/platform/openapi/testing/route-checks';
import { importParamsSchema } from './application/model-import/import-params';
import { importPathSchema } from './application/model-import/model-import.controller';
import {
  compareQuery,
  decision,
  listQuery,
  ModelsController,
  promoteBody,
  rollbackBody,
} from './application/models.controller';
import { registryService } from './registry.definition';

const document = serviceOpenApiDocument(registryService);

describe("the registry's OpenAPI document", () => {
  it.each([
    ['/v1/models/{name}/versions/{version}/promote', promoteBody],
    ['/v1/models/{name}/versions/{version}/challenge', decision],
    ['/v1/models/{name}/versions/{version}/reject', decision],
    ['/v1/models/{name}/rollback', rollbackBody],
  ] as const)('POST %s: the body schema that checks it, the operate role', (path, schema) => {
    const operation = operationOf(document, 'post', path);
    expect(jsonBodyOf(operation)).toEqual(toOpenApi(schema).schema);
    expect(operation).toMatchObject({ 'x-readmit-role': 'operate' });
    expect(operation.security).toEqual([{ 'api-key': [] }, { bearer: [] }]);
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409']); // prettier-ignore
    expect((operation.responses['400'] as ResponseObject).content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/ValidationError' } },
    });
  });

  it('documents the reads with the queries that check them, role read', () => {
    const versions = operationOf(document, 'get', '/v1/models/{name}/versions');
    expect(versions.parameters).toEqual([
      { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
      ...parametersOf(listQuery, 'query').parameters,
    ]);
    expect(versions).toMatchObject({ 'x-readmit-role': 'read' });
    const compare = operationOf(document, 'get', '/v1/models/{name}/compare');
    expect(compare.parameters?.slice(1)).toEqual(parametersOf(compareQuery, 'query').parameters);
    expect(operationOf(document, 'get', '/v1/models')).toMatchObject({ 'x-readmit-role': 'read' });
    expect(operationOf(document, 'get', '/v1/orchestrator')).toMatchObject({
      'x-readmit-role': 'read',
    });
  });

  it('documents an import: the ONNX file as bytes, the query and path that are checked with it', () => {
    const imports = operationOf(document, 'post', '/v1/models/{name}/imports');
    expect(imports.requestBody).toMatchObject({
      required: true,
      content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    });
    expect(imports.parameters).toEqual([
      ...parametersOf(importPathSchema, 'path').parameters,
      ...parametersOf(importParamsSchema, 'query').parameters,
    ]);
    expect((imports.parameters as ParameterObject[]).map((parameter) => parameter.name)).toEqual([
      'name',
      'featureSpec',
      'task',
      'threshold',
      'asOf',
      'framework',
    ]);
    expect(imports.description).toContain('claimed.<metric>');
    expect(Object.keys(imports.responses).sort()).toEqual(['202', '400', '401', '403', '411', '413', '422']); // prettier-ignore
    expect(imports).toMatchObject({ 'x-readmit-role': 'operate' });
  });

  it('lists the MLflow API with the roles its routes declare', () => {
    expect(operationOf(document, 'get', '/api/2.0/mlflow/registered-models/search')).toMatchObject({
      'x-readmit-role': 'read',
    });
    expect(operationOf(document, 'post', '/api/2.0/mlflow/registered-models/alias')).toMatchObject({
      'x-readmit-role': 'operate',
    });
  });
});

describe('a registry request that fails its schema', () => {
  it('a decision without a reason, or naming its decider: 400 with each field', () => {
    expect(
      refusalOf(() =>
        checkRoutePart(ModelsController, 'promote', 'body', { reason: ' ', decidedBy: 'me' }),
      ),
    ).toEqual({
      status: 400,
      body: {
        message: 'invalid body',
        errors: [
          {
            field: 'decidedBy',
            message: 'not accepted: the decider recorded is the authenticated principal',
          },
          { field: 'reason', message: expect.any(String) },
        ],
      },
    });
    expect(refusalOf(() => checkRoutePart(ModelsController, 'reject', 'body', undefined))).toEqual({
      status: 400,
      body: { message: 'invalid body', errors: [{ field: 'reason', message: expect.any(String) }] },
    });
  });

  it('a query out of range: 400 invalid query; a good one reaches the handler typed', () => {
    expect(
      refusalOf(() => checkRoutePart(ModelsController, 'versions', 'query', { limit: '0' })),
    ).toMatchObject({
      status: 400,
      body: { message: 'invalid query', errors: [{ field: 'limit' }] },
    });
    expect(
      checkRoutePart(ModelsController, 'versions', 'query', { stage: 'champion', limit: '5' }),
    ).toEqual({ stage: 'champion', limit: 5 });
    expect(checkRoutePart(ModelsController, 'promote', 'body', { reason: 'better' })).toEqual({
      reason: 'better',
      force: false,
    });
  });
});
