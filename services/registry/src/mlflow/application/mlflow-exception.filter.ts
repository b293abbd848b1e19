import {
  Catch,
  HttpException,
  Inject,
  Injectable,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { LOGGER } from '@readmit/platform/bootstrap';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { MlflowRequestError, type MlflowErrorCode } from '../domain/mlflow-error';

/**
 * The HTTP status of each code, as MLflow's server answers (ERROR_CODE_TO_HTTP_STATUS), but
 * for two it has none of or puts in 5xx: FEATURE_DISABLED (a write this registry never does) is
 * 400, and DATA_LOSS (an artifact that does not hash to its sha256) is 409. A 5xx would make
 * MLflow's client retry for minutes a failure that never heals.
 */
const STATUS: Record<MlflowErrorCode, number> = {
  INVALID_PARAMETER_VALUE: 400,
  FEATURE_DISABLED: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_CONFLICT: 409,
  DATA_LOSS: 409,
  REQUEST_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  TEMPORARILY_UNAVAILABLE: 503,
};

/** Statuses other layers answer with (the guard, Nest, body parsing), as MLflow codes. */
const CODE_OF_STATUS: Readonly<Record<number, MlflowErrorCode>> = {
  400: 'INVALID_PARAMETER_VALUE',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'ENDPOINT_NOT_FOUND',
  409: 'RESOURCE_CONFLICT',
  413: 'INVALID_PARAMETER_VALUE',
  429: 'REQUEST_LIMIT_EXCEEDED',
  503: 'TEMPORARILY_UNAVAILABLE',
};

/** What an MLflow client sends credentials with: MLFLOW_TRACKING_TOKEN (see MlflowTokenCredentials). */
const TOKEN_HINT =
  '(MLflow clients: set MLFLOW_TRACKING_TOKEN to a Readmit API key, or to an OIDC access token where the service takes them)';

export interface MlflowErrorResponse {
  readonly status: number;
  readonly body: { readonly error_code: MlflowErrorCode; readonly message: string };
}

/** Any error as MLflow's error response. */
export function mlflowErrorResponse(error: unknown): MlflowErrorResponse {
  if (error instanceof MlflowRequestError)
    return { status: STATUS[error.code], body: { error_code: error.code, message: error.message } };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const answer = error.getResponse();
    const said = typeof answer === 'string' ? answer : (answer as { message?: unknown }).message;
    const text = Array.isArray(said) ? said.join('; ') : String(said ?? error.message);
    const message = status === 401 ? `${text} ${TOKEN_HINT}` : text;
    return {
      status,
      body: {
        error_code:
          CODE_OF_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'INVALID_PARAMETER_VALUE'),
        message,
      },
    };
  }
  return { status: 500, body: { error_code: 'INTERNAL_ERROR', message: 'internal error' } };
}

/**
 * Every answer of the MLflow routes that is not a success is MLflow's error body
 * (`{"error_code": "...", "message": "..."}`), which MLflow's clients raise as an
 * MlflowException with that code: refusals by the auth guard (401, 403) and by the registry, bad
 * requests, unknown resources. Unexpected errors are logged and answered as INTERNAL_ERROR.
 */
@Injectable()
@Catch()
export class MlflowExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = mlflowErrorResponse(error);
    if (status >= 500 && !(error instanceof HttpException))
      this.logger.error({ err: error }, 'MLflow API request failed');
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(status).json(body);
  }
}
