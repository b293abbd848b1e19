import type { FieldError } from '@readmit/ml';
import type { z } from 'zod';

export type { FieldError };

/** A checked input: its value, or every problem with its field. */
export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: FieldError[] };

/**
 * zod's issues as field errors: the path with array items as `[index]` (`encounters[3].age`),
 * under `at` when given (`encounters[3]` for an item checked on its own); `root` names the whole
 * input (`(body)`), for an issue with no path.
 */
export function fieldErrorsOf(
  issues: readonly z.core.$ZodIssue[],
  options: { readonly at?: string; readonly root?: string } = {},
): FieldError[] {
  const { at = '', root = '(body)' } = options;
  return issues.map((issue) => {
    const path = issue.path
      .map((part, index) =>
        typeof part === 'number' ? `[${part}]` : `${index > 0 ? '.' : ''}${String(part)}`,
      )
      .join('');
    const field = !path ? at || root : at ? `${at}${path.startsWith('[') ? '' : '.'}${path}` : path;
    return { field, message: issue.message };
  });
}

/**
 * Checks an input with its schema. An absent input (no body, no query) is checked as `{}`, so
 * a schema whose fields are all optional takes it.
 */
export function checkInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  root?: string,
): Checked<z.output<S>> {
  const parsed = schema.safeParse(input ?? {});
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, errors: fieldErrorsOf(parsed.error.issues, { root }) };
}
