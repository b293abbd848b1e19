import type { Role } from './roles';

/** How a principal proved who it is. */
export type AuthMethod = 'api-key' | 'oidc';

/**
 * Who a request comes from. `id` is a name (an API key's name, a token's subject), never a
 * credential, so it may be logged and recorded as the author of a decision.
 */
export interface Principal {
  readonly id: string;
  readonly roles: readonly Role[];
  readonly method: AuthMethod;
  /**
   * The trusted service that authenticated and passed the request on for `id` (the gateway's
   * console acting for a signed-in person); `roles` are then that service's.
   */
  readonly via?: string;
}

/** The principal as recorded on a decision: `dr.lee`, or `dr.lee via gateway-console`. */
export function actorOf(principal: Principal): string {
  return principal.via === undefined ? principal.id : `${principal.id} via ${principal.via}`;
}

/** Principal names: letters, digits and `.`, `_`, `@`, `-` (no `:` or `,`, the entry separators). */
export const PRINCIPAL_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;
