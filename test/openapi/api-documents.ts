import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { serviceOpenApiDocument, type ServiceDefinition } from '@readmit/platform/bootstrap';
import type { PlatformEnv } from '@readmit/platform/config';
import type { z } from 'zod';
import { gatewayService } from '../../services/gateway/src/gateway.definition';
import { ingestService } from '../../services/ingest/src/ingest.definition';
import { registryService } from '../../services/registry/src/registry.definition';
import { trainerService } from '../../services/trainer/src/trainer.definition';
import { PROJECT_ROOT } from '../support/endpoints';

/**
 * The services with an API of their own, whose OpenAPI documents are committed and generate the
 * typed client (@readmit/platform/api-client). Scoring, monitor and backfill serve a document
 * too, of health, readiness and metrics only.
 */
export const API_SERVICES: ReadonlyArray<ServiceDefinition<z.ZodType<PlatformEnv>>> = [
  gatewayService,
  ingestService,
  registryService,
  trainerService,
] as ReadonlyArray<ServiceDefinition<z.ZodType<PlatformEnv>>>; // each with its own env schema

/** Where the documents are committed: contracts/openapi/<service>.json. */
export const DOCUMENTS_ROOT = join(PROJECT_ROOT, 'contracts', 'openapi');
/** Where the client's types are generated: one module per service. */
export const TYPES_ROOT = join(
  PROJECT_ROOT,
  'services',
  'platform',
  'src',
  'api-client',
  'generated',
);

export const documentFile = (service: string) => join(DOCUMENTS_ROOT, `${service}.json`);
export const typesFile = (service: string) => join(TYPES_ROOT, `${service}.ts`);

/** A service's document with the defaults of its environment, as committed. */
export function renderDocument(definition: ServiceDefinition<z.ZodType<PlatformEnv>>): string {
  const document: OpenAPIObject = serviceOpenApiDocument(definition);
  return `${JSON.stringify(document, null, 2)}\n`;
}
