import {
  Catch,
  HttpException,
  HttpStatus,
  Inject,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { LOGGER } from '@readmit/platform/bootstrap';
import type { Logger } from '@readmit/platform/logging';
import type { Response } from 'express';

/** The Open Inference Protocol's error: one string, whatever went wrong. */
export interface InferenceErrorBody {
  readonly error: string;
}

/** A refusal of a /v2 route, its body already in the protocol's shape. */
export class InferenceError extends HttpException {
  constructor(status: number, message: string) {
    super({ error: message } satisfies InferenceErrorBody, status);
  }
}

/**
 * Every error of the /v2 routes in the protocol's shape `{"error": "..."}` (what tritonclient
 * reads): the controller's own refusals, the platform guard's 401/403/429 (whose `message` it
 * carries), and anything unexpected as a 500 that is logged and says nothing more. Headers set
 * before the error (Retry-After, WWW-Authenticate) stay.
 */
@Catch()
export class InferenceErrorsFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) {
      response.status(exception.getStatus()).json({ error: messageOf(exception) });
      return;
    }
    this.logger.error(
      { reason: exception instanceof Error ? exception.message : String(exception) },
      'an Open Inference Protocol request failed',
    );
    response
      .status(HttpStatus.INTERNAL_SERVER_ERROR)
      .json({ error: 'the request failed inside the gateway' } satisfies InferenceErrorBody);
  }
}

function messageOf(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const { error, message } = body as { error?: unknown; message?: unknown };
  if (exception instanceof InferenceError && typeof error === 'string') return error;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return exception.message;
}
