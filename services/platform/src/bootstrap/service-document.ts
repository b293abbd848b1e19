import type { OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { controllersOf } from '../auth/route-table';
import { loadConfig, type Environment } from '../config/load-config';
import type { PlatformEnv } from '../config/platform-config';
import { buildOpenApiDocument } from '../openapi/openapi-document';
import { PLATFORM_CONTROLLERS } from './platform.module';
import { openApiDescriptionOf, type ServiceDefinition } from './run-service';

/**
 * The OpenAPI document a service serves at `/openapi.json`, built from its definition alone:
 * the platform's controllers and those its module declares (read statically, as the route
 * policy test reads them), with its environment's defaults unless `env` says otherwise. A
 * variable the service requires (a key, a secret) may be absent: the document does not depend
 * on it. Nothing is started: tests and the API client generator (`npm run api:generate`) use it.
 */
export function serviceOpenApiDocument<S extends z.ZodType<PlatformEnv>>(
  definition: ServiceDefinition<S>,
  env: Environment = {},
): OpenAPIObject {
  const { envSchema } = definition;
  const lenient = envSchema instanceof z.ZodObject ? envSchema.partial() : envSchema;
  const serviceEnv = loadConfig(definition.name, lenient, env) as Partial<z.output<S>>;
  return buildOpenApiDocument(
    [...PLATFORM_CONTROLLERS, ...controllersOf(definition.module)],
    openApiDescriptionOf(definition, serviceEnv),
  );
}
