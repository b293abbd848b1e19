import 'reflect-metadata';
import { BadRequestException } from '@nestjs/common';
import type { ParameterObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { serviceOpenApiDocument } from '@readmit/platform/bootstrap';
import { parametersOf, toOpenApi } from '@readmit/platform/openapi';
import type { Request, Response } from 'express';
import { testPseudonyms } from '../../../test/support/pseudonyms';
import { explainQuery, PredictionsController } from './application/predictions.controller';
import type { ScoringConnection } from './application/scoring-connection';
import { batchInputSchema, encounterInputSchema } from './domain/encounter-input';
import { driftAnswer } from './console/application/console-answers';
import { promoteBody } from './console/application/console-models.controller';
import { gatewayService } from './gateway.definition';
import { DEFAULT_MAX_BATCH, type GatewayEnv } from './gateway.config';

const document = serviceOpenApiDocument(gatewayService);
const schemas = document.components?.schemas ?? {};
const post = (path: string) => {
  const operation = document.paths[path]?.post;
  if (!operation) throw new Error(`no POST ${path}`);
  return operation;
};
const bodySchema = (path: string) =>
  (post(path).requestBody as { content: Record<string, { schema: unknown }> }).content[
    'application/json'
  ].schema;

describe("the gateway's OpenAPI document", () => {
  it('documents POST /v1/predictions with the schema that checks its body', () => {
    const converted = toOpenApi(encounterInputSchema);
    expect(bodySchema('/v1/predictions')).toEqual({ $ref: '#/components/schemas/Encounter' });
    expect(bodySchema('/v1/predictions')).toEqual(converted.schema);
    expect(schemas.Encounter).toEqual(converted.components.Encounter);
    const encounter = schemas.Encounter as SchemaObject;
    expect(encounter.required).toEqual(expect.arrayContaining(['encounter_id', 'age']));
    expect(encounter.required).not.toContain('weight');
    expect(encounter.properties?.age).toEqual({
      anyOf: [{ type: 'string' }, { type: 'number' }],
      nullable: true,
    });
  });

  it('documents the batch body as the schema built from the gateway’s batch limit', () => {
    expect(bodySchema('/v1/predictions/batch')).toEqual({
      $ref: '#/components/schemas/BatchPredictionRequest',
    });
    expect(schemas.BatchPredictionRequest).toEqual(
      toOpenApi(batchInputSchema(DEFAULT_MAX_BATCH)).schema,
    );
    const limited = serviceOpenApiDocument(gatewayService, { READMIT_GATEWAY_MAX_BATCH: '7' });
    expect(
      (limited.components?.schemas?.BatchPredictionRequest as SchemaObject).properties?.encounters,
    ).toMatchObject({ maxItems: 7, items: { $ref: '#/components/schemas/Encounter' } });
  });

  it.each(['/v1/predictions', '/v1/predictions/batch'])(
    '%s: the explain query, the predict role and every answer',
    (path) => {
      const operation = post(path);
      expect(operation.parameters).toEqual(parametersOf(explainQuery, 'query').parameters);
      expect((operation.parameters?.[0] as ParameterObject).schema).toEqual({
        type: 'string',
        enum: ['true', 'false'],
      });
      expect(operation.security).toEqual([{ 'api-key': [] }, { bearer: [] }]);
      expect(operation).toMatchObject({ 'x-readmit-role': 'predict' });
      expect(Object.keys(operation.responses).sort()).toEqual(
        ['200', '400', '401', '403', '413', '415', '503'].sort(),
      );
      expect((operation.responses['400'] as ResponseObject).content).toEqual({
        'application/json': { schema: { $ref: '#/components/schemas/ValidationError' } },
      });
      expect((operation.responses['503'] as ResponseObject).headers).toHaveProperty('Retry-After');
    },
  );

  it('keeps the Open Inference Protocol: open health, guarded inference, its error shape', () => {
    expect(document.paths['/v2/health/ready']?.get?.security).toBeUndefined();
    const infer = post('/v2/models/{name}/infer');
    expect(infer).toMatchObject({ 'x-readmit-role': 'predict' });
    expect(Object.keys(infer.responses).sort()).toEqual(
      ['200', '400', '401', '403', '404', '413', '503'].sort(),
    );
    expect((infer.responses['401'] as ResponseObject).content).toMatchObject({
      'application/json': { schema: { $ref: '#/components/schemas/InferenceErrorDto' } },
    });
    expect((schemas.InferenceRequest as SchemaObject).required).toEqual(['inputs']);
  });

  it('leaves the console page and the document itself out; lists health and metrics', () => {
    expect(document.paths['/console']).toBeUndefined();
    expect(document.paths['/console/assets/{name}']).toBeUndefined();
    expect(document.paths['/openapi.json']).toBeUndefined();
    expect(document.paths['/health']?.get?.security).toBeUndefined();
    expect(document.components?.securitySchemes).toEqual({
      'api-key': expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }),
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      'console-session': expect.objectContaining({
        type: 'apiKey',
        in: 'cookie',
        name: 'readmit_console',
      }),
    });
  });

  it('documents every /console/api route, with the console session as a way in', () => {
    const consoleRoutes = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/console/api/'))
      .flatMap(([path, item]) =>
        (['get', 'post', 'delete'] as const)
          .filter((method) => item[method])
          .map((method) => `${method.toUpperCase()} ${path}`),
      );
    expect(consoleRoutes.sort()).toEqual([
      'DELETE /console/api/session',
      'GET /console/api/drift',
      'GET /console/api/encounter-form',
      'GET /console/api/live',
      'GET /console/api/live/stream',
      'GET /console/api/models',
      'GET /console/api/models/{name}/compare',
      'GET /console/api/models/{name}/versions/{version}',
      'GET /console/api/session',
      'POST /console/api/models/{name}/rollback',
      'POST /console/api/models/{name}/versions/{version}/promote',
      'POST /console/api/predictions',
      'POST /console/api/session',
    ]);
    const promote = post('/console/api/models/{name}/versions/{version}/promote');
    expect(promote.security).toEqual([
      { 'api-key': [] },
      { bearer: [] },
      { 'console-session': [] },
    ]);
    expect(promote).toMatchObject({ 'x-readmit-role': 'operate' });
    expect(bodySchema('/console/api/models/{name}/versions/{version}/promote')).toEqual(
      toOpenApi(promoteBody).schema,
    );
    expect(bodySchema('/console/api/predictions')).toEqual({
      $ref: '#/components/schemas/Encounter',
    });
    expect(document.paths['/console/api/session']?.post?.security).toBeUndefined();
    // Outside /console the session cookie is not taken.
    expect(post('/v1/predictions').security).toEqual([{ 'api-key': [] }, { bearer: [] }]);
  });

  it('gives the console answers the schemas their handlers return', () => {
    const answer = (path: string) =>
      (document.paths[path]?.get?.responses['200'] as ResponseObject).content?.['application/json']
        ?.schema;
    expect(answer('/console/api/drift')).toEqual(toOpenApi(driftAnswer, 'output').schema);
    expect(answer('/console/api/live')).toEqual({ $ref: '#/components/schemas/ConsoleLiveState' });
    expect(
      (document.paths['/console/api/live/stream']?.get?.responses['200'] as ResponseObject).content,
    ).toEqual({
      'text/event-stream': { schema: { $ref: '#/components/schemas/ConsoleLiveUpdate' } },
    });
  });
});

describe('a prediction request that fails the documented schema', () => {
  const controller = new PredictionsController(
    {} as ScoringConnection, // never reached: the request is refused before scoring
    { READMIT_GATEWAY_MAX_BATCH: 3 } as GatewayEnv,
    testPseudonyms,
  );
  const request = (body: unknown, query: Record<string, unknown> = {}) =>
    [
      { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } as Request,
      {} as Response,
      query,
    ] as const;

  it('is answered 400 ValidationError: the query’s and the body’s problems, each with its field', async () => {
    const refused = await controller
      .predict(...request({ age: [1], encounter_id: 5 }, { explain: 'maybe' }))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BadRequestException);
    const body = (refused as BadRequestException).getResponse();
    expect(body).toEqual({
      message: 'invalid encounter',
      errors: [
        { field: 'explain', message: 'must be true or false' },
        { field: 'age', message: 'must be a string, a number or null' },
      ],
    });
    const shape = schemas.ValidationError as SchemaObject;
    expect(Object.keys(body as object).sort()).toEqual([...(shape.required ?? [])].sort());
  });

  it('names batch items as encounters[i].column', async () => {
    const refused = await controller
      .predictBatch(...request({ encounters: [{ age: true }] }))
      .catch((error: unknown) => error);
    expect((refused as BadRequestException).getResponse()).toEqual({
      message: 'invalid batch',
      errors: [{ field: 'encounters[0].age', message: 'must be a string, a number or null' }],
    });
  });
});
