import type { z } from 'zod';

/**
 * A request body as the document describes it: a JSON body checked by `schema`, or a body of
 * other media types (a file, CSV, FHIR) that its handler reads itself. `component` names a
 * schema the service supplies at run time (one that depends on its settings, such as the largest
 * batch), in place of `schema`.
 */
export interface BodyContract {
  readonly schema?: z.ZodType;
  readonly component?: string;
  /** Default: `application/json`. A body of another type without a schema is sent as bytes. */
  readonly contentTypes?: readonly string[];
  readonly description?: string;
  /** Default: true. */
  readonly required?: boolean;
}

/** An answer: what it means, and the schema of what it holds (default: any JSON object). */
export interface ResponseContract {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Default: `application/json`; `text/event-stream` with the schema of each event's data. */
  readonly contentType?: string;
}

/**
 * What a route takes, declared once: the same schema objects check the request and are written
 * into the OpenAPI document (openapi-document.ts). `errors` names the error answers the handler
 * gives besides the 400 of a failed check and the platform's 401/403, each with its meaning.
 */
export interface RequestContract {
  readonly query?: z.ZodObject;
  readonly params?: z.ZodObject;
  readonly headers?: z.ZodObject;
  readonly body?: BodyContract;
  readonly errors?: Readonly<Record<number, string>>;
  /** What a 400 means here, when more than a failed check of the parts above. */
  readonly invalid?: string;
  /**
   * Its answers with a schema, by status: the successful ones, and an error whose body says more
   * than `{ message }` (errors with that body are `errors`).
   */
  readonly responses?: Readonly<Record<number, ResponseContract>>;
}

const REQUEST_CONTRACT = 'readmit:request-contract';

/** Adds to what a handler's contract declares (each decorator declares a part). */
export function addToContract(handler: object, part: RequestContract): void {
  const current = contractOf(handler) ?? {};
  const errors = { ...current.errors, ...part.errors };
  const responses = { ...current.responses, ...part.responses };
  Reflect.defineMetadata(
    REQUEST_CONTRACT,
    {
      ...current,
      ...part,
      ...(Object.keys(errors).length > 0 ? { errors } : {}),
      ...(Object.keys(responses).length > 0 ? { responses } : {}),
    },
    handler,
  );
}

/** A handler's declared contract; undefined when it declares none. */
export function contractOf(handler: object): RequestContract | undefined {
  return Reflect.getMetadata(REQUEST_CONTRACT, handler) as RequestContract | undefined;
}
