import { HttpException, HttpStatus } from '@nestjs/common';
import { fieldErrorsOf } from '@readmit/platform/openapi';
import type { z } from 'zod';
import type { RegistryAnswer } from '../infrastructure/registry-client';

/**
 * The registry's refusal of the gateway's own key (401, 403) as 502: a set-up problem, not the
 * console user's (whose 401 would send the page back to signing in). Other answers as they are.
 */
export function refusedByKey(answer: RegistryAnswer): RegistryAnswer {
  if (answer.status !== 401 && answer.status !== 403) return answer;
  const said = (answer.body as { message?: unknown } | null)?.message;
  throw new HttpException(
    {
      message: `the registry refused the gateway's key (READMIT_REGISTRY_API_KEY): ${typeof said === 'string' ? said : answer.status}`,
    },
    HttpStatus.BAD_GATEWAY,
  );
}

/**
 * A successful answer's body; any other answer becomes the console's, with the registry's status
 * and body (404, 409 with the criteria judged, …), except a refusal of the gateway's key (502).
 */
export function passedOn(answer: RegistryAnswer): unknown {
  const { status, body } = refusedByKey(answer);
  if (status >= 200 && status < 300) return body;
  throw new HttpException(body ?? { message: `the registry answered ${status}` }, status);
}

/**
 * What the registry answered, as the console's answer `schema` (console-answers.ts) describes
 * it: checked, with only the fields the schema names. An answer that does not fit means the
 * registry and the console no longer agree: 502, with the fields that did not fit.
 */
export function relayed<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new HttpException(
    {
      message: "the registry's answer is not what the console reads",
      errors: fieldErrorsOf(parsed.error.issues, { root: '(answer)' }),
    },
    HttpStatus.BAD_GATEWAY,
  );
}
