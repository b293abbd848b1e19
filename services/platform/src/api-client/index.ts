/**
 * `@readmit/platform/api-client`: typed clients of the services' REST APIs, generated from the
 * OpenAPI documents the services serve (contracts/openapi/<service>.json, built from the schemas
 * that check the requests; `npm run api:generate`). Each client is openapi-fetch over the
 * generated `paths`: a path, its parameters, its body and its answers are checked by the
 * compiler, and a request no longer matches once the service changes it.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components as GatewayComponents, paths as GatewayPaths } from './generated/gateway';
import type { components as IngestComponents, paths as IngestPaths } from './generated/ingest';
import type {
  components as RegistryComponents,
  paths as RegistryPaths,
} from './generated/registry';
import type { components as TrainerComponents, paths as TrainerPaths } from './generated/trainer';

export type { GatewayPaths, IngestPaths, RegistryPaths, TrainerPaths };
export type { GatewayComponents, IngestComponents, RegistryComponents, TrainerComponents };
export type { Client };

/** The body of every 400 of a failed check, and of the other errors (the same in every service). */
export type ValidationErrorBody = RegistryComponents['schemas']['ValidationError'];
export type ErrorBody = RegistryComponents['schemas']['Error'];

export interface ApiClientOptions {
  /** The service's address, e.g. `http://localhost:3001`. */
  readonly baseUrl: string;
  /** Sent as x-api-key (docs/security.md). */
  readonly apiKey?: string;
  /** Sent as `Authorization: Bearer …` where the service takes OIDC tokens. */
  readonly bearerToken?: string;
  /** Every request gives up after this long (AbortSignal.timeout); default: none. */
  readonly timeoutMs?: number;
  /** Another fetch (tests). */
  readonly fetch?: (request: Request) => Promise<Response>;
}

/** A typed client of one service's API, authenticated as the options say. */
export function apiClient<Paths extends object>(options: ApiClientOptions): Client<Paths> {
  const client = createClient<Paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: {
      ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
      ...(options.bearerToken ? { authorization: `Bearer ${options.bearerToken}` } : {}),
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const { timeoutMs } = options;
  if (timeoutMs !== undefined) client.use(withTimeout(timeoutMs));
  return client;
}

export const gatewayClient = (options: ApiClientOptions) => apiClient<GatewayPaths>(options);
export const ingestClient = (options: ApiClientOptions) => apiClient<IngestPaths>(options);
export const registryClient = (options: ApiClientOptions) => apiClient<RegistryPaths>(options);
export const trainerClient = (options: ApiClientOptions) => apiClient<TrainerPaths>(options);

/** Gives every request a deadline: a request that does not answer in time is aborted. */
function withTimeout(timeoutMs: number): Middleware {
  return {
    onRequest: ({ request }) =>
      new Request(request, {
        signal: AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]),
      }),
  };
}

/**
 * An error answer's body as one line: its message, the rules that failed (a refused decision's
 * `criteria`) and the field errors.
 */
export function describeErrorBody(body: unknown): string {
  // openapi-fetch gives a body that is not JSON as its text.
  if (typeof body === 'string') return body.slice(0, 200) || 'no body';
  const { message, criteria, errors } = (body ?? {}) as {
    message?: unknown;
    criteria?: Array<{ name: string; passed: boolean }>;
    errors?: Array<{ field: string; message: string }>;
  };
  const failed = (criteria ?? []).filter((rule) => !rule.passed).map((rule) => rule.name);
  const fields = (errors ?? []).map((error) => `${error.field}: ${error.message}`);
  return [
    typeof message === 'string' ? message : 'no message',
    failed.length > 0 ? `[failed: ${failed.join(', ')}]` : '',
    fields.length > 0 ? `(${fields.join('; ')})` : '',
  ]
    .filter((part) => part !== '')
    .join(' ');
}
