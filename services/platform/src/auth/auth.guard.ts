import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
  InternalServerErrorException,
  type CanActivate,
  type ExecutionContext,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { LOGGER, PLATFORM_CONFIG } from '../bootstrap/platform.tokens';
import { ConfigError } from '../config/config-error';
import type { PlatformConfig } from '../config/platform-config';
import { Authenticator } from './authenticator';
import { headerValue } from './credentials';
import type { Principal } from './principal';
import { setPrincipal } from './request-principal';
import { policyOf } from './route-policy';
import { registeredControllers, routesOf } from './route-table';
import { grants } from './roles';

/** Set by a trusted delegate (READMIT_AUTH_DELEGATES) to name the person it acts for. */
export const ON_BEHALF_OF_HEADER = 'x-readmit-on-behalf-of';

/**
 * Every route of every service passes here (the platform registers it as APP_GUARD). It fails
 * closed: a route that declares no policy is refused with 500 naming the route; a public route
 * is let through; any other needs a credential (401 without one, 403 for a key that is not
 * accepted) whose principal holds the route's role (403 otherwise). Responses and logs name the
 * route and the principal, never the credential.
 */
@Injectable()
export class AuthGuard implements CanActivate, OnApplicationBootstrap {
  constructor(
    @Inject(Authenticator) private readonly authenticator: Authenticator,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ModulesContainer) private readonly modules: ModulesContainer,
  ) {}

  /** At start-up: routes without a policy are logged, and roles without credentials stop it. */
  onApplicationBootstrap(): void {
    const routes = routesOf(registeredControllers(this.modules));
    const undeclared = routes.filter((route) => route.policy === undefined);
    if (undeclared.length > 0)
      this.logger.error(
        { routes: undeclared.map((route) => `${route.method} ${route.path} (${route.handler})`) },
        'routes without an access policy: every request to them is refused with 500',
      );
    const needsRole = routes.some((route) => route.policy && 'role' in route.policy);
    if (needsRole && !this.authenticator.configured)
      throw new ConfigError(this.config.service, [
        'READMIT_API_KEYS: is required: this service has routes that need a role (or set READMIT_OIDC_ISSUER)',
      ]);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return false;
    const request = context.switchToHttp().getRequest<Request>();
    const policy = policyOf(context.getHandler(), context.getClass());
    if (policy === undefined) {
      const route = `${request.method} ${(request.route as { path?: string } | undefined)?.path ?? request.path}`;
      const handler = `${context.getClass().name}.${context.getHandler().name}`;
      this.logger.error(
        { route, handler },
        'refused a request to a route without an access policy',
      );
      throw new InternalServerErrorException({
        message: `${route} declares no access policy (@RequireRole or @PublicRoute on ${handler}): refused`,
      });
    }
    if ('public' in policy) return true;

    const authentication = await this.authenticator.authenticate(request);
    if ('refused' in authentication) {
      const { status, message } = authentication.refused;
      throw new HttpException({ message }, status);
    }
    const principal = this.actingPrincipal(request, authentication.principal);
    // Known before the role check, so the audit trail names who was refused.
    setPrincipal(request, principal);
    if (!grants(principal.roles, policy.role)) {
      this.logger.info(
        { principal: principal.id, via: principal.via, route: request.path, role: policy.role },
        'refused a principal without the role',
      );
      throw new ForbiddenException({ message: `this route needs the ${policy.role} role` });
    }
    return true;
  }

  /** The principal itself, or the person a trusted delegate says it acts for. */
  private actingPrincipal(request: Request, authenticated: Principal): Principal {
    const onBehalfOf = headerValue(request, ON_BEHALF_OF_HEADER);
    if (onBehalfOf === undefined) return authenticated;
    if (!this.config.auth.delegates.includes(authenticated.id))
      throw new ForbiddenException({
        message: `this principal may not act on behalf of others (${ON_BEHALF_OF_HEADER})`,
      });
    if (!/^[\x21-\x7e]{1,200}$/.test(onBehalfOf))
      throw new BadRequestException({
        message: 'invalid headers',
        errors: [{ field: ON_BEHALF_OF_HEADER, message: 'must be 1-200 visible ASCII characters' }],
      });
    return { ...authenticated, id: onBehalfOf, via: authenticated.id };
  }
}
