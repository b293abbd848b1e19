import { SetMetadata } from '@nestjs/common';
import type { Role } from './roles';

/** What a route asks of a request: nothing (open), or a principal holding a role. */
export type RoutePolicy = { readonly public: true } | { readonly role: Role };

export const ROUTE_POLICY = 'readmit:route-policy';

/** The route (or every route of the controller) needs a principal holding `role` (or admin). */
export const RequireRole = (role: Role) => SetMetadata(ROUTE_POLICY, { role } as RoutePolicy);

/**
 * The route is open to anyone: only health, readiness, metrics and the console's shell (its
 * page, assets and sign-in). Everything else declares a role.
 */
export const PublicRoute = () => SetMetadata(ROUTE_POLICY, { public: true } as RoutePolicy);

/** A handler's policy, its own before its controller's; undefined when neither declares one. */
export function policyOf(handler: object, controller: object): RoutePolicy | undefined {
  return (Reflect.getMetadata(ROUTE_POLICY, handler) ??
    Reflect.getMetadata(ROUTE_POLICY, controller)) as RoutePolicy | undefined;
}

export function describePolicy(policy: RoutePolicy | undefined): string {
  if (policy === undefined) return 'no policy';
  return 'public' in policy ? 'public' : `role ${policy.role}`;
}
