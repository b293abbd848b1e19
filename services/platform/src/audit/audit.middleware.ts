import type { NextFunction, Request, Response } from 'express';
import { principalOf } from '../auth/request-principal';
import { auditRecordOf, isAudited } from './audit-record';
import type { AuditTrail } from './audit-trail';

/** The header a caller (or a proxy) may name its request by; recorded to find related lines. */
const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Records every state-changing request once it is answered, whatever the answer: a refusal by
 * the guard (401, 403), a rejected body, a failure, a success. Installed before routing, so
 * requests no route matched and requests the guard refused are recorded too; the principal is
 * the one the guard authenticated for this request, if any.
 */
export function auditMiddleware(trail: AuditTrail, service: string) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (isAudited(request.method)) {
      response.once('finish', () => {
        const principal = principalOf(request);
        const requestId = request.headers[REQUEST_ID_HEADER];
        trail.record(
          auditRecordOf({
            service,
            method: request.method,
            // Express leaves the matched route on the request; its full pattern is the mount
            // path and the route's own.
            route: request.route ? `${request.baseUrl}${String(request.route.path)}` : undefined,
            path: request.originalUrl,
            status: response.statusCode,
            principal,
            authMethod: principal
              ? principal.via === undefined
                ? principal.method
                : `${principal.method} via ${principal.via}`
              : 'none',
            requestId:
              typeof requestId === 'string' && REQUEST_ID.test(requestId) ? requestId : undefined,
          }),
        );
      });
    }
    next();
  };
}
