import { BadRequestException } from '@nestjs/common';
import { checkInput, invalidRequest } from '@readmit/platform/openapi';
import type { Request } from 'express';
import type { z } from 'zod';

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

/**
 * The JSON body checked by `schema`, the one its route's DescribeRequest documents: zod's output,
 * or 400 `{ message: 'invalid body', errors: [{ field, message }] }`.
 */
export function checkedJsonBody<S extends z.ZodType>(schema: S, request: Request): z.output<S> {
  const checked = checkInput(schema, jsonBody(request));
  if (!checked.ok) throw invalidRequest('invalid body', checked.errors);
  return checked.value;
}
