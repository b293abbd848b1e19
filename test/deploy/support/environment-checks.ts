import { z } from 'zod';
import { loadConfig } from '@readmit/platform/config';
import type { EnvSchema } from './applications';

/**
 * The variables a deployment must set for `service`: those without a default, and those whose
 * default only makes sense on a workstation (a localhost address, the filesystem object store: pods share artifacts through S3).
 */
export function variablesToSet(schema: EnvSchema): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => {
      const parsed = z.safeParse(field, undefined);
      return !parsed.success || WORKSTATION_DEFAULT.test(JSON.stringify(parsed.data) ?? '');
    })
    .map(([variable]) => variable)
    .sort();
}

/** A default that only works on a developer's machine. */
const WORKSTATION_DEFAULT = /localhost|^"filesystem"$/;

/**
 * What is wrong with the environment a deployment gives `service`: variables the service does not
 * read (a rename on one side), variables it needs that are not set, and values it refuses.
 */
export function environmentProblems(
  service: string,
  schema: EnvSchema,
  environment: Readonly<Record<string, string>>,
): string[] {
  const known = Object.keys(schema.shape);
  const problems = [
    ...Object.keys(environment)
      .filter((variable) => !known.includes(variable))
      .map((variable) => `${service}: sets ${variable}, which the service does not read`),
    ...variablesToSet(schema)
      .filter((variable) => environment[variable] === undefined)
      .map((variable) => `${service}: does not set ${variable}`),
  ];
  try {
    loadConfig(service, schema, environment);
  } catch (error) {
    problems.push((error as Error).message);
  }
  return problems;
}
