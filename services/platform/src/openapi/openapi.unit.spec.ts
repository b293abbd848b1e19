import 'reflect-metadata';
import {
  BadRequestException,
  Controller,
  Get,
  Param,
  Post,
  type PipeTransform,
} from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import type { ParameterObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';
import { PublicRoute, RequireRole } from '../auth/route-policy';
import { fieldErrorsOf } from './field-errors';
import { buildOpenApiDocument, openApiPath } from './openapi-document';
import {
  DescribeRequest,
  ErrorResponses,
  ValidBody,
  ValidQuery,
  ZodValidationPipe,
} from './validated';
import { parametersOf, toOpenApi } from './zod-openapi';

const listQuery = z.object({
  stage: z.enum(['candidate', 'champion']).optional().describe('Only versions in this stage.'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const decision = z.object({
  reason: z.string().trim().min(1).max(2000),
  force: z.boolean().default(false),
});
const item = z
  .object({ id: z.number(), note: z.union([z.string(), z.null()]).optional() })
  .meta({ id: 'ProbeItem', description: 'An item.' });
const upload = z.object({ featureSpec: z.string().regex(/^fs\d+-[0-9a-f]{16}$/) });

@RequireRole('read')
@Controller('v1/things')
class ThingsController {
  @Get(':name/versions')
  versions(@Param('name') name: string, @ValidQuery(listQuery) query: z.output<typeof listQuery>) {
    return { name, query };
  }

  @Post(':name/versions/:version/promote')
  @RequireRole('operate')
  @ErrorResponses({ 404: 'No such version.', 409: 'The rules refuse it.' })
  promote(@ValidBody(decision) body: z.output<typeof decision>) {
    return body;
  }

  @Post('items')
  items(@ValidBody(z.array(item).min(1)) body: unknown) {
    return body;
  }

  @Post(':name/imports')
  @DescribeRequest({
    query: upload,
    body: { contentTypes: ['application/octet-stream'], description: 'An ONNX file.' },
  })
  imports() {}

  @Get('open')
  @PublicRoute()
  open() {}
}

const document = buildOpenApiDocument([ThingsController], {
  title: 'Probe',
  description: 'A probe service.',
});

describe('toOpenApi', () => {
  it('describes what a request may send: defaults optional, descriptions kept', () => {
    expect(toOpenApi(listQuery)).toEqual({
      schema: {
        type: 'object',
        properties: {
          stage: { type: 'string', enum: ['candidate', 'champion'], description: 'Only versions in this stage.' }, // prettier-ignore
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
        },
      },
      components: {},
    });
  });

  it('writes a null member of a union as nullable and named schemas as components', () => {
    expect(toOpenApi(z.array(item))).toEqual({
      schema: { type: 'array', items: { $ref: '#/components/schemas/ProbeItem' } },
      components: {
        ProbeItem: {
          type: 'object',
          description: 'An item.',
          properties: {
            id: { type: 'number' },
            note: { type: 'string', nullable: true },
          },
          required: ['id'],
        },
      },
    });
    expect(toOpenApi(z.union([z.string(), z.number(), z.null()])).schema).toEqual({
      anyOf: [{ type: 'string' }, { type: 'number' }],
      nullable: true,
    });
  });

  it('makes query parameters of an object schema', () => {
    expect(parametersOf(listQuery, 'query').parameters).toEqual([
      { name: 'stage', in: 'query', required: false, description: 'Only versions in this stage.', schema: { type: 'string', enum: ['candidate', 'champion'] } }, // prettier-ignore
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } }, // prettier-ignore
    ]);
  });
});

describe('field errors', () => {
  it('names nested fields with array items as [index], the whole input as its root', () => {
    const schema = z.object({ encounters: z.array(z.object({ age: z.string() })) });
    const parsed = schema.safeParse({ encounters: [{ age: 'x' }, { age: 3 }] });
    expect(
      parsed.success || fieldErrorsOf(parsed.error.issues).map((error) => error.field),
    ).toEqual(['encounters[1].age']);
    const whole = schema.safeParse([]);
    expect(whole.success || fieldErrorsOf(whole.error.issues)[0].field).toBe('(body)');
    expect(
      whole.success || fieldErrorsOf(whole.error.issues, { at: 'encounters[2]' })[0].field,
    ).toBe('encounters[2]');
  });
});

describe('a request that fails its schema', () => {
  const pipeOf = (method: string, index: number): PipeTransform => {
    const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, ThingsController, method) as Record<
      string,
      { index: number; pipes: PipeTransform[] }
    >;
    const [argument] = Object.values(args).filter((arg) => arg.index === index);
    return argument.pipes[0];
  };

  it('is answered 400 with the documented shape: a message and every problem with its field', () => {
    const pipe = pipeOf('promote', 0);
    expect(pipe).toBeInstanceOf(ZodValidationPipe);
    let refusal: unknown;
    try {
      pipe.transform({ reason: ' ', force: 'yes', decidedBy: 'me' }, { type: 'body' });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(BadRequestException);
    expect((refusal as BadRequestException).getStatus()).toBe(400);
    expect((refusal as BadRequestException).getResponse()).toEqual({
      message: 'invalid body',
      errors: [
        { field: 'reason', message: expect.any(String) },
        { field: 'force', message: expect.any(String) },
      ],
    });
    // The response body matches the ValidationError schema the document gives for 400.
    const validationError = document.components?.schemas?.ValidationError as SchemaObject;
    expect(validationError.required).toEqual(['message', 'errors']);
  });

  it('hands the handler zod’s output when it passes (defaults and coercions applied)', () => {
    expect(pipeOf('versions', 1).transform({ limit: '20' }, { type: 'query' })).toEqual({
      limit: 20,
    });
  });
});

describe('buildOpenApiDocument', () => {
  const operation = (path: string, method: 'get' | 'post') => {
    const found = document.paths[path]?.[method];
    if (!found) throw new Error(`no ${method} ${path}`);
    return found;
  };

  it('writes the schema that checks a query as its parameters, after the path parameters', () => {
    const versions = operation('/v1/things/{name}/versions', 'get');
    expect(versions.parameters).toEqual([
      { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
      ...parametersOf(listQuery, 'query').parameters,
    ]);
    expect((versions.responses['400'] as ResponseObject).content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/ValidationError' } },
    });
  });

  it('writes the schema that checks a body as the request body, and named errors', () => {
    const promote = operation('/v1/things/{name}/versions/{version}/promote', 'post');
    expect(promote.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: toOpenApi(decision).schema } },
    });
    expect(promote.parameters?.map((parameter) => (parameter as ParameterObject).name)).toEqual([
      'name',
      'version',
    ]);
    expect(Object.keys(promote.responses).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '404',
      '409',
    ]);
    expect(promote.responses['409']).toEqual({
      description: 'The rules refuse it.',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    });
    const items = operation('/v1/things/items', 'post');
    expect(items.requestBody).toMatchObject({
      content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/ProbeItem' } } } }, // prettier-ignore
    });
    expect(document.components?.schemas?.ProbeItem).toEqual(toOpenApi(item).components.ProbeItem);
  });

  it('describes a body its handler reads itself, with the query that is checked with it', () => {
    const imports = operation('/v1/things/{name}/imports', 'post');
    expect(imports.requestBody).toEqual({
      required: true,
      description: 'An ONNX file.',
      content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    });
    expect(imports.parameters).toContainEqual(parametersOf(upload, 'query').parameters[0]);
  });

  it('gives each route its role: security, x-readmit-role, 401 and 403; open routes none', () => {
    const promote = operation('/v1/things/{name}/versions/{version}/promote', 'post');
    expect(promote.security).toEqual([{ 'api-key': [] }, { bearer: [] }]);
    expect(promote).toMatchObject({ 'x-readmit-role': 'operate' });
    expect(promote.description).toContain('Needs the `operate` role');
    expect(operation('/v1/things/{name}/versions', 'get')).toMatchObject({ 'x-readmit-role': 'read' }); // prettier-ignore
    const open = operation('/v1/things/open', 'get');
    expect(open.security).toBeUndefined();
    expect(open.responses['401']).toBeUndefined();
    expect(document.components?.securitySchemes).toEqual({
      'api-key': expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }),
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    });
  });

  it('writes Nest path parameters as OpenAPI ones', () => {
    expect(openApiPath('/v1/models/:name/versions/:version')).toBe(
      '/v1/models/{name}/versions/{version}',
    );
    expect(openApiPath('/api/2.0/mlflow-artifacts/artifacts/*path')).toBe(
      '/api/2.0/mlflow-artifacts/artifacts/{path}',
    );
  });
});
