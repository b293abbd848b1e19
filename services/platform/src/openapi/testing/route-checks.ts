import type { PipeTransform, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';

const PARTS = {
  query: RouteParamtypes.QUERY,
  body: RouteParamtypes.BODY,
  params: RouteParamtypes.PARAM,
} as const;

/**
 * Runs the check a handler declares for a part of the request (ValidQuery, ValidBody,
 * ValidParams) on `input`, as Nest runs it before the handler: zod's output, or the
 * BadRequestException the client would get. For tests: no application is started.
 */
export function checkRoutePart(
  controller: Type,
  method: string,
  part: keyof typeof PARTS,
  input: unknown,
): unknown {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
    string,
    { pipes?: PipeTransform[] }
  >;
  const [pipe] = Object.entries(args)
    .filter(([key]) => key.startsWith(`${PARTS[part]}:`))
    .flatMap(([, arg]) => arg.pipes ?? []);
  if (!pipe) throw new Error(`${controller.name}.${method} declares no check of its ${part}`);
  return pipe.transform(input, { type: part === 'params' ? 'param' : part });
}

/** The refusal a check throws, as its status and body; undefined when it passes. */
export function refusalOf(check: () => unknown): { status: number; body: unknown } | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    const refused = error as { getStatus?: () => number; getResponse?: () => unknown };
    if (!refused.getStatus || !refused.getResponse) throw error;
    return { status: refused.getStatus(), body: refused.getResponse() };
  }
}

/** An operation of a document; throws when the document lacks it. */
export function operationOf(
  document: OpenAPIObject,
  method: 'get' | 'post' | 'put' | 'delete' | 'patch',
  path: string,
): OperationObject {
  const operation = document.paths[path]?.[method];
  if (!operation) throw new Error(`the document has no ${method.toUpperCase()} ${path}`);
  return operation;
}

/** The JSON schema of an operation's request body. */
export function jsonBodyOf(operation: OperationObject): unknown {
  const body = operation.requestBody as { content?: Record<string, { schema?: unknown }> };
  return body?.content?.['application/json']?.schema;
}
