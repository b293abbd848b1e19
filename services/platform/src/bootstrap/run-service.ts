import 'reflect-metadata';
import { Module, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import type { z } from 'zod';
import { ConfigError } from '../config/config-error';
import { loadConfig, type Environment } from '../config/load-config';
import { toPlatformConfig, type PlatformEnv } from '../config/platform-config';
import { createLogger } from '../logging/logger';
import { NestLoggerAdapter } from '../logging/nest-logger.adapter';
import { AuditModule } from '../audit/audit.module';
import { AuditTrail } from '../audit/audit-trail';
import { auditMiddleware } from '../audit/audit.middleware';
import type { OpenApiDescription } from '../openapi/openapi-document';
import { OpenApiDocument } from '../openapi/openapi.controller';
import { PlatformModule } from './platform.module';
import { ExpressHttpAdapter } from './express-http-adapter';

export interface ServiceDefinition<S extends z.ZodType<PlatformEnv>> {
  /** Short service name: `ingest`, `scoring`, … It names the logs, metrics and Kafka client. */
  readonly name: string;
  /** The platform schema, or the platform schema extended with the service's own variables. */
  readonly envSchema: S;
  /** The service's root module. */
  readonly module: Type<unknown>;
  /**
   * What its OpenAPI document (`/openapi.json`, Swagger UI at `/docs`) says about it, from its
   * validated environment; default: its name. A document built without the service's
   * environment (serviceOpenApiDocument) has the defaults, and no required variable.
   */
  readonly openApi?: (env: Partial<z.output<S>>) => OpenApiDescription;
}

/** The service's description for its OpenAPI document. */
export function openApiDescriptionOf<S extends z.ZodType<PlatformEnv>>(
  definition: ServiceDefinition<S>,
  env: Partial<z.output<S>>,
): OpenApiDescription {
  return (
    definition.openApi?.(env) ?? {
      title: `Readmit ${definition.name}`,
      description: `The ${definition.name} service: health, readiness and metrics.`,
    }
  );
}

/**
 * Builds and starts a service: validate the environment (fail fast), wire logging, metrics,
 * health and Kafka, then listen for HTTP. Shutdown hooks let in-flight work finish on SIGTERM.
 */
export async function createService<S extends z.ZodType<PlatformEnv>>(
  definition: ServiceDefinition<S>,
  env: Environment = process.env,
): Promise<INestApplication> {
  const serviceEnv = loadConfig(definition.name, definition.envSchema, env);
  const config = toPlatformConfig(definition.name, serviceEnv);
  const logger = createLogger({ service: definition.name, level: config.logLevel });

  @Module({
    imports: [
      PlatformModule.register({
        config,
        serviceConfig: serviceEnv,
        logger,
        openApi: openApiDescriptionOf(definition, serviceEnv),
      }),
      AuditModule,
      definition.module,
    ],
  })
  class ServiceRootModule {}

  const app = await NestFactory.create(ServiceRootModule, new ExpressHttpAdapter(), {
    logger: new NestLoggerAdapter(logger),
    bufferLogs: false,
  });
  app.enableShutdownHooks();
  // Before any route: refusals by the guard and requests no route matched are recorded too.
  app.use(auditMiddleware(app.get(AuditTrail), definition.name));
  // Swagger UI at /docs (the document also at /docs-json and /docs-yaml, as the gateway has
  // served it), beside the platform's /openapi.json: registered on the adapter before Nest adds
  // its routes and its catch-all 404, so they are open (no controller, no guard), as
  // /openapi.json is.
  const document = app.get(OpenApiDocument);
  SwaggerModule.setup('docs', app, () => document.get());
  try {
    await app.listen(config.httpPort);
  } catch (error) {
    // What did start (consumers of other modules, producers) leaves its groups and connections
    // now, rather than lingering until the process ends, or for ever in a test's process.
    await app.close().catch(() => undefined);
    throw error;
  }
  logger.info({ port: config.httpPort }, `${definition.name} listening`);
  return app;
}

/**
 * The entry point of a service's `main.ts`. A configuration problem ends the process with one
 * clear line on stderr and exit code 78 (EX_CONFIG), never a stack trace.
 */
export function runService<S extends z.ZodType<PlatformEnv>>(
  definition: ServiceDefinition<S>,
): void {
  createService(definition).catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${definition.name}: failed to start: ${message}\n`);
    process.exit(1);
  });
}
