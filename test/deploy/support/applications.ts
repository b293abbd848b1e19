import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { platformEnvSchema } from '@readmit/platform/config';
import { backfillEnvSchema } from '../../../services/backfill/src/backfill.config';
import { gatewayEnvSchema } from '../../../services/gateway/src/gateway.config';
import { ingestEnvSchema } from '../../../services/ingest/src/ingest.config';
import { monitorEnvSchema } from '../../../services/monitor/src/monitor.config';
import { registryEnvSchema } from '../../../services/registry/src/registry.config';
import { scoringEnvSchema } from '../../../services/scoring/src/scoring.config';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../support/endpoints';

/** The applications of the monorepo: folders under services/ with a main.ts (the CLI is not a service). */
export const APPLICATIONS = readdirSync(join(PROJECT_ROOT, 'services')).filter(
  (name) => name !== 'cli' && existsSync(join(PROJECT_ROOT, 'services', name, 'src', 'main.ts')),
);

/** A service's environment schema: a zod object of READMIT_* (and AWS_*) variables. */
export type EnvSchema = z.ZodObject<z.ZodRawShape>;

/** Services with variables of their own; the others read the platform's only. */
const SERVICE_ENV_SCHEMAS: Record<string, EnvSchema> = {
  ingest: ingestEnvSchema,
  registry: registryEnvSchema,
  scoring: scoringEnvSchema,
  gateway: gatewayEnvSchema,
  monitor: monitorEnvSchema,
  backfill: backfillEnvSchema,
};

/** The zod schema a service validates its environment with at start-up. */
export function envSchemaOf(service: string): EnvSchema {
  return SERVICE_ENV_SCHEMAS[service] ?? platformEnvSchema;
}
