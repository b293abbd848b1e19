import { BadRequestException } from '@nestjs/common';
import type { Request } from 'express';

/**
 * The gateway reads JSON bodies as text (see GatewayHttp); this parses one. The parser's own
 * message would quote the body, which may hold patient data, so it is not passed on.
 */
export function jsonBody(request: Request): unknown {
  const raw = typeof request.body === 'string' ? request.body : '';
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new BadRequestException({
      message: 'invalid body',
      errors: [{ field: '(body)', message: 'the body is not valid JSON' }],
    });
  }
}
