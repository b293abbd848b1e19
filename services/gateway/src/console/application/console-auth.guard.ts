import {
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import { API_KEY_HEADER } from '../../application/api-key.guard';
import { ApiKeys } from '../../application/api-keys';
import { ConsoleSessions, cookieValue, SESSION_COOKIE } from './console-session';

/**
 * The console's API is behind the gateway's API keys: a signed session cookie (from signing in
 * with a key), or the key itself in `x-api-key` for scripts. Neither is ever logged.
 */
@Injectable()
export class ConsoleAuthGuard implements CanActivate {
  constructor(
    @Inject(ApiKeys) private readonly keys: ApiKeys,
    @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const key = request.headers[API_KEY_HEADER];
    if (typeof key === 'string' && key !== '' && this.keys.accepts(key)) return true;
    if (this.sessions.accepts(cookieValue(request.headers.cookie, SESSION_COOKIE), Date.now()))
      return true;
    throw new UnauthorizedException({ message: 'sign in to the console with an API key' });
  }
}
