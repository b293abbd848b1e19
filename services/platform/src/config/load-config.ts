import { z } from 'zod';
import { ConfigError } from './config-error';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates a service's configuration once, at start-up.
 * Every problem is reported at once, each naming the variable, so one run tells the operator
 * everything that must change.
 */
export function loadConfig<S extends z.ZodType>(
  service: string,
  schema: S,
  env: Environment,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.map(String).join('.') || '(environment)';
    return `${variable}: ${describeIssue(issue, env[variable])}`;
  });
  throw new ConfigError(service, problems);
}

function describeIssue(issue: z.core.$ZodIssue, value: string | undefined): string {
  if (value === undefined && issue.code === 'invalid_type') return 'is required but not set';
  return issue.message;
}
