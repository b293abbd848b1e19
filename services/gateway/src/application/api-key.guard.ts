import {
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import { ApiKeys } from './api-keys';

export const API_KEY_HEADER = 'x-api-key';
/** The security scheme's name in the OpenAPI document. */
export const API_KEY_SCHEME = 'api-key';

/** No key: 401. A key that is not accepted: 403. The key itself is never logged or echoed. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(ApiKeys) private readonly keys: ApiKeys) {}

  canActivate(context: ExecutionContext): boolean {
    const presented = context.switchToHttp().getRequest<Request>().headers[API_KEY_HEADER];
    if (typeof presented !== 'string' || presented === '')
      throw new UnauthorizedException({
        message: `send an API key in the ${API_KEY_HEADER} header`,
      });
    if (!this.keys.accepts(presented))
      throw new ForbiddenException({ message: 'the API key is not accepted' });
    return true;
  }
}
