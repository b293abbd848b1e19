import { z } from 'zod';
import { invalidParameter } from '../domain/mlflow-error';

/**
 * MLflow's request messages (model_registry.proto), validated with zod as the rest of the
 * registry's requests are. GET requests carry them in the query (a repeated field once or
 * several times), the others in a JSON body; a DELETE may use either.
 */
const required = z.string().trim().min(1);
const repeated = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));

/** MLflow's limits: 1000 registered models, 200,000 versions per page; 100 and 10,000 by default. */
const search = (max: number, fallback: number) =>
  z.object({
    filter: z.string().optional(),
    max_results: z.coerce.number().int().min(1).max(max).default(fallback),
    order_by: repeated,
    page_token: z.string().optional(),
  });

export const searchRegisteredModels = search(1000, 100);
export const searchModelVersions = search(200_000, 10_000);
export const registeredModelRequest = z.object({ name: required });
export const modelVersionRequest = z.object({ name: required, version: required });
export const latestVersionsRequest = z.object({ name: required, stages: repeated });
export const aliasRequest = z.object({ name: required, alias: required });
export const setAliasRequest = z.object({ name: required, alias: required, version: required });
export const listArtifactsRequest = z.object({ path: z.string().optional() });

/**
 * A request's fields, or INVALID_PARAMETER_VALUE naming each problem as MLflow's server does
 * ("Missing value for required parameter 'name'").
 */
export function parseMlflowRequest<T>(schema: z.ZodType<T>, ...sources: unknown[]): T {
  const input = Object.assign(
    {},
    ...sources.filter((source) => source !== null && typeof source === 'object'),
  ) as Record<string, unknown>;
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const field = issue.path.join('.');
    return input[String(issue.path[0])] === undefined
      ? `Missing value for required parameter '${field}'.`
      : `Invalid value for parameter '${field}': ${issue.message}.`;
  });
  throw invalidParameter(problems.join(' '));
}
