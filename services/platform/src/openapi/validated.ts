import { BadRequestException, Body, Param, Query, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { checkInput, type FieldError } from './field-errors';
import { addToContract, type RequestContract } from './request-contract';

/** The answer to a request that fails its checks: 400 with every problem and its field. */
export function invalidRequest(
  message: string,
  errors: readonly FieldError[],
): BadRequestException {
  return new BadRequestException({ message, errors });
}

/** Checks a part of the request with its schema; the handler gets zod's output. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly message: string,
    private readonly root: string,
  ) {}

  transform(value: unknown): z.output<S> {
    const checked = checkInput(this.schema, value, this.root);
    if (checked.ok) return checked.value;
    throw invalidRequest(this.message, checked.errors);
  }
}

function handlerOf(target: object, key: string | symbol | undefined): object {
  const handler = key === undefined ? undefined : (target as Record<string | symbol, unknown>)[key];
  if (typeof handler !== 'function') throw new Error('a request schema decorates a handler');
  return handler;
}

/**
 * The query, checked by `schema` (400 `{ message, errors: [{ field, message }] }` otherwise) and
 * documented by it: each property a query parameter. Annotate the parameter as
 * `z.output<typeof schema>`.
 */
export function ValidQuery(schema: z.ZodObject, message = 'invalid query'): ParameterDecorator {
  return (target, key, index) => {
    Query(new ZodValidationPipe(schema, message, '(query)'))(target, key, index);
    addToContract(handlerOf(target, key), { query: schema });
  };
}

/** The JSON body, checked by `schema` and documented by it (see ValidQuery). */
export function ValidBody(
  schema: z.ZodType,
  options: { readonly message?: string; readonly description?: string } = {},
): ParameterDecorator {
  return (target, key, index) => {
    Body(new ZodValidationPipe(schema, options.message ?? 'invalid body', '(body)'))(
      target,
      key,
      index,
    );
    addToContract(handlerOf(target, key), {
      body: { schema, description: options.description },
    });
  };
}

/** The path parameters, checked by `schema` and documented by it (see ValidQuery). */
export function ValidParams(schema: z.ZodObject, message = 'invalid path'): ParameterDecorator {
  return (target, key, index) => {
    Param(new ZodValidationPipe(schema, message, '(path)'))(target, key, index);
    addToContract(handlerOf(target, key), { params: schema });
  };
}

/**
 * Documents what a handler that reads its request itself takes (a body sent as a file, a query
 * checked with other parts at once): the handler checks with the same schema objects, so the
 * document cannot drift from the checks.
 */
export function DescribeRequest(contract: RequestContract): MethodDecorator {
  return (target, key) => addToContract(handlerOf(target, key), contract);
}

/** The error answers a handler gives, by status, with what each means (body `{ message }`). */
export function ErrorResponses(errors: Readonly<Record<number, string>>): MethodDecorator {
  return (target, key) => addToContract(handlerOf(target, key), { errors });
}

/**
 * A JSON answer of a handler: its status, what it means, and the schema of what it holds (its
 * output side), or any JSON object when the answer has no schema yet. A handler that returns
 * the answer declares its return type as `AnswerOf<typeof schema>`, so the compiler holds it to
 * the document.
 */
export function JsonResponse(
  status: number,
  description: string,
  schema?: z.ZodType,
): MethodDecorator {
  return (target, key) =>
    addToContract(handlerOf(target, key), { responses: { [status]: { description, schema } } });
}

/**
 * A handler's server-sent events (`text/event-stream`): what the stream is, and the schema of
 * each event's data (JSON).
 */
export function EventStreamResponse(description: string, schema: z.ZodType): MethodDecorator {
  return (target, key) =>
    addToContract(handlerOf(target, key), {
      responses: { 200: { description, schema, contentType: 'text/event-stream' } },
    });
}

/** A value and all it holds, read-only (as domain values are). */
type ReadonlyDeep<T> = T extends (infer Item)[]
  ? ReadonlyArray<ReadonlyDeep<Item>>
  : T extends object
    ? { readonly [Key in keyof T]: ReadonlyDeep<T[Key]> }
    : T;

/** What a handler may return for an answer described by `S` (JsonResponse): its output type. */
export type AnswerOf<S extends z.ZodType> = ReadonlyDeep<z.output<S>>;
