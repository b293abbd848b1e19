import type { Request } from 'express';
import type { Principal } from './principal';

/** Why a presented credential is not taken: 401/403 as the route's answer, 503 if we cannot tell. */
export interface Refusal {
  readonly status: 401 | 403 | 429 | 503;
  /** Safe to send and log: it never quotes the credential. */
  readonly message: string;
}

export type Authentication = { readonly principal: Principal } | { readonly refused: Refusal };

/**
 * One way a request proves who sent it (an API key header, a bearer token, the console's session
 * cookie). A source looks only at its own credential: undefined when the request carries none.
 */
export interface CredentialSource {
  /** What a 401 asks a client to send, e.g. `an API key in the x-api-key header`. */
  readonly asks?: string;
  authenticate(request: Request): Promise<Authentication | undefined>;
}

/** The single value of a request header; undefined when absent or empty. */
export function headerValue(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  const single = Array.isArray(value) ? value.join(',') : value;
  return single === undefined || single === '' ? undefined : single;
}
