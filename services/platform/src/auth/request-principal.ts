import {
  createParamDecorator,
  InternalServerErrorException,
  type ExecutionContext,
} from '@nestjs/common';
import type { Principal } from './principal';

/** The principal the guard authenticated, per request (requests are never mutated). */
const principals = new WeakMap<object, Principal>();

export function setPrincipal(request: object, principal: Principal): void {
  principals.set(request, principal);
}

export function principalOf(request: object): Principal | undefined {
  return principals.get(request);
}

/**
 * The authenticated principal as a handler parameter. Only routes that require a role have one:
 * on a public route this is a programming error (500), never an anonymous decision.
 */
export const AuthenticatedPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = principalOf(context.switchToHttp().getRequest<object>());
    if (!principal)
      throw new InternalServerErrorException({
        message: 'this route reads the principal but does not require a role',
      });
    return principal;
  },
);
