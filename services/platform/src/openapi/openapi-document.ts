import type { INestApplication, Type } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type ReferenceObject,
  type ResponseObject,
  type SchemaObject,
  type SecuritySchemeObject,
} from '@nestjs/swagger';
import { API_KEY_HEADER } from '../auth/api-key-credentials';
import type { RoutePolicy } from '../auth/route-policy';
import { routesOf } from '../auth/route-table';
import { errorBody, validationErrorBody } from './error-bodies';
import { Components, referenced, sortedByKey } from './document-components';
import { canonical, inOrder } from './operation-order';
import { contractOf, type BodyContract, type RequestContract } from './request-contract';
import { parametersOf, toOpenApi, type OpenApiSchema } from './zod-openapi';

/** The security schemes' names in every document. */
export const API_KEY_SCHEME = 'api-key';
export const BEARER_SCHEME = 'bearer';

/** What a service says about itself in its document. */
export interface OpenApiDescription {
  readonly title: string;
  readonly description: string;
  /** Schemas the routes name (BodyContract.component), built from the service's settings. */
  readonly schemas?: Readonly<Record<string, SchemaObject>>;
  /** Credentials that only the routes under a path take, besides API keys and bearer tokens. */
  readonly pathCredentials?: readonly PathCredential[];
}

/**
 * A way to authenticate that a service accepts on some routes only (the console's session
 * cookie, under `/console/`): a security scheme, offered by every guarded route under the prefix.
 */
export interface PathCredential {
  readonly name: string;
  readonly scheme: SecuritySchemeObject;
  readonly pathPrefix: string;
}

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';
const METHODS: readonly string[] = ['get', 'post', 'put', 'delete', 'patch'];

const ref = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: OpenApiSchema) => ({ 'application/json': { schema } });

/**
 * A service's OpenAPI document, from its controllers: @nestjs/swagger reads the routes and what
 * they declare with its decorators; then each route's request contract (ValidQuery, ValidBody,
 * DescribeRequest: the schemas that check it) becomes its parameters and body, a route that
 * checks anything answers 400 with ValidationError, and a route's policy (RequireRole,
 * PublicRoute) becomes its security, its role (`x-readmit-role`) and its 401/403 answers.
 *
 * It reads only the controllers' metadata, never an instance: a test or the generator builds the
 * same document as the running service without Kafka or a database. Parameters and bodies come
 * from the contracts and the route paths, not from TypeScript's emitted parameter types, so a
 * document built where decorators carry no type metadata (tsx) is the same.
 */
export function buildOpenApiDocument(
  controllers: Iterable<Type>,
  description: OpenApiDescription,
): OpenAPIObject {
  const unique = [...new Set(controllers)];
  const builder = new DocumentBuilder()
    .setTitle(description.title)
    .setDescription(description.description)
    .setVersion('1')
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: API_KEY_HEADER,
        description: 'An API key (`rk_<key id>_<secret>`); `readmit keys create` makes one.',
      },
      API_KEY_SCHEME,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'An OIDC access token, where the service has an issuer (READMIT_OIDC_ISSUER).',
      },
      BEARER_SCHEME,
    );
  for (const credential of description.pathCredentials ?? [])
    builder.addSecurity(credential.name, credential.scheme);
  const config = builder.build();
  const document = SwaggerModule.createDocument(staticApplication(unique), config);
  const components = new Components();
  components.addConverted(toOpenApi(validationErrorBody));
  components.addConverted(toOpenApi(errorBody));
  for (const [name, schema] of Object.entries(description.schemas ?? {}))
    components.add(name, schema);

  for (const route of routesOf(unique)) {
    const path = openApiPath(route.path);
    const method = route.method.toLowerCase();
    if (!METHODS.includes(method)) continue;
    const operation = document.paths[path]?.[method as Method];
    if (!operation) continue; // an excluded controller or endpoint (@ApiExcludeController)
    const handler = (route.controller.prototype as Record<string, object>)[route.methodName];
    const contract = contractOf(handler);
    describeParameters(operation, path, contract, components);
    if (contract?.body) describeBody(operation, contract.body, components, description);
    describeResponses(operation, contract);
    describeAnswers(operation, contract, components);
    const credentials = (description.pathCredentials ?? []).filter((credential) =>
      path.startsWith(credential.pathPrefix),
    );
    describeAccess(operation, route.policy, credentials);
  }
  for (const item of Object.values(document.paths))
    for (const method of METHODS) {
      const operation = item[method as Method];
      if (operation) item[method as Method] = inOrder(operation);
    }
  document.components = {
    ...document.components,
    schemas: sortedByKey(
      referenced(document, { ...document.components?.schemas, ...components.all() }),
    ),
  };
  return document;
}

/** Nest's `:name` and `*name` path parameters as OpenAPI's `{name}` (as @nestjs/swagger writes them). */
export function openApiPath(path: string): string {
  return path.replace(/[:*]([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * The members of an application that SwaggerModule.createDocument reads: the module container
 * (one module holding the controllers, each with a bare instance of its prototype: only
 * metadata is read), the config for the global prefix (createService sets none) and the
 * adapter's type.
 */
function staticApplication(controllers: readonly Type[]): INestApplication {
  const wrappers = new Map(
    controllers.map((controller) => [
      controller,
      { metatype: controller, instance: Object.create(controller.prototype) as object },
    ]),
  );
  const modules = new Map([
    ['openapi', { metatype: class OpenApiScan {}, imports: new Set(), controllers: wrappers }],
  ]);
  return {
    container: { getModules: () => modules, isGlobalModule: () => false },
    config: new ApplicationConfig(),
    getHttpAdapter: () => ({ getType: () => 'express' }),
  } as unknown as INestApplication; // only the members above are read: see the comment
}

/** Path parameters in the path's order, then the others; the contract's replace swagger's. */
function describeParameters(
  operation: OperationObject,
  path: string,
  contract: RequestContract | undefined,
  components: Components,
): void {
  const declared: ParameterObject[] = [];
  for (const [schema, location] of [
    [contract?.params, 'path'],
    [contract?.query, 'query'],
    [contract?.headers, 'header'],
  ] as const) {
    if (!schema) continue;
    const described = parametersOf(schema, location);
    components.addAll(described.components);
    declared.push(...described.parameters);
  }
  const key = (parameter: ParameterObject) => `${parameter.in} ${parameter.name}`;
  const existing = ((operation.parameters ?? []) as ParameterObject[]).map(canonical);
  const byKey = new Map([...existing, ...declared].map((parameter) => [key(parameter), parameter]));
  const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map(
    ([, name]): ParameterObject =>
      byKey.get(`path ${name}`) ?? { name, in: 'path', required: true, schema: { type: 'string' } },
  );
  const others = [...byKey.values()].filter((parameter) => parameter.in !== 'path');
  operation.parameters = [...inPath, ...others];
}

function describeBody(
  operation: OperationObject,
  body: BodyContract,
  components: Components,
  description: OpenApiDescription,
): void {
  let schema: OpenApiSchema | undefined;
  if (body.component) {
    if (!description.schemas?.[body.component])
      throw new Error(`the document has no schema ${body.component} (OpenApiDescription.schemas)`);
    schema = ref(body.component);
  } else if (body.schema) {
    const converted = toOpenApi(body.schema);
    components.addConverted(converted);
    schema = converted.schema;
  }
  operation.requestBody = {
    required: body.required ?? true,
    ...(body.description ? { description: body.description } : {}),
    content: Object.fromEntries(
      (body.contentTypes ?? ['application/json']).map((type) => [
        type,
        { schema: schema ?? unchecked(type) },
      ]),
    ),
  };
}

/** A body its handler reads itself: a JSON object, text (CSV, NDJSON), or bytes. */
function unchecked(contentType: string): SchemaObject {
  if (/[/+]json$/.test(contentType)) return { type: 'object' };
  if (contentType.startsWith('text/') || contentType.endsWith('ndjson')) return { type: 'string' };
  return { type: 'string', format: 'binary' };
}

/** A route that checks its request answers 400 ValidationError; named errors answer Error. */
function describeResponses(
  operation: OperationObject,
  contract: RequestContract | undefined,
): void {
  if (!contract) return;
  const checks = contract.query || contract.params || contract.headers || contract.body?.schema;
  if (checks || contract.invalid)
    withContent(
      operation,
      400,
      contract.invalid ?? 'The request is invalid: every problem, each with its field.',
      ref('ValidationError'),
    );
  for (const [status, meaning] of Object.entries(contract.errors ?? {}))
    withContent(operation, Number(status), meaning, ref('Error'));
}

/** The declared answers, in place of swagger's bodiless default. */
function describeAnswers(
  operation: OperationObject,
  contract: RequestContract | undefined,
  components: Components,
): void {
  for (const [status, answer] of Object.entries(contract?.responses ?? {})) {
    let schema: OpenApiSchema = { type: 'object', additionalProperties: true };
    if (answer.schema) {
      const converted = toOpenApi(answer.schema, 'output');
      components.addConverted(converted);
      schema = converted.schema;
    }
    operation.responses[status] = {
      description: answer.description,
      content: { [answer.contentType ?? 'application/json']: { schema } },
    };
  }
}

/**
 * A route's role: its security requirement (any one of the schemes it takes), `x-readmit-role`,
 * and what 401 and 403 mean.
 */
function describeAccess(
  operation: OperationObject,
  policy: RoutePolicy | undefined,
  credentials: readonly PathCredential[],
): void {
  if (!policy || 'public' in policy) return;
  operation.security = [API_KEY_SCHEME, BEARER_SCHEME, ...credentials.map(({ name }) => name)].map(
    (scheme) => ({ [scheme]: [] }),
  );
  (operation as OperationObject & Record<`x-${string}`, unknown>)['x-readmit-role'] = policy.role;
  const needs = `Needs the \`${policy.role}\` role (or \`admin\`).`;
  if (!operation.description?.includes(needs))
    operation.description = operation.description ? `${operation.description}\n\n${needs}` : needs;
  withContent(
    operation,
    401,
    `No credential (an API key in ${API_KEY_HEADER}, or a bearer token where OIDC is on), or a bearer token that is not accepted.`,
    ref('Error'),
  );
  withContent(
    operation,
    403,
    `The API key is not accepted, or its principal lacks the ${policy.role} role.`,
    ref('Error'),
  );
}

/** Adds the response, or its body to a declared response that has none. */
function withContent(
  operation: OperationObject,
  status: number,
  description: string,
  schema: OpenApiSchema,
): void {
  const declared = operation.responses[status] as ResponseObject | undefined;
  operation.responses[status] = declared
    ? { ...declared, content: declared.content ?? json(schema) }
    : { description, content: json(schema) };
}
