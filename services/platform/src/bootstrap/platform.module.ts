import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { ApiKeyCredentials } from '../auth/api-key-credentials';
import { ApiKeyVerifier } from '../auth/api-key-verifier';
import { AuthGuard } from '../auth/auth.guard';
import { Authenticator } from '../auth/authenticator';
import { BearerCredentials } from '../auth/bearer-credentials';
import { OidcVerifier } from '../auth/oidc-verifier';
import type { PlatformConfig } from '../config/platform-config';
import { HealthController } from '../health/health.controller';
import { ReadinessRegistry } from '../health/readiness';
import { createKafkaClient } from '../kafka/kafka-client.factory';
import { KafkaReadiness } from '../kafka/kafka-readiness';
import { createMetricsRegistry } from '../metrics/metrics-registry';
import { MetricsController } from '../metrics/metrics.controller';
import type { OpenApiDescription } from '../openapi/openapi-document';
import {
  OPENAPI_DESCRIPTION,
  OpenApiController,
  OpenApiDocument,
} from '../openapi/openapi.controller';
import {
  KAFKA_CLIENT,
  LOGGER,
  METRICS_REGISTRY,
  PLATFORM_CONFIG,
  SERVICE_CONFIG,
} from './platform.tokens';

export interface PlatformModuleOptions {
  readonly config: PlatformConfig;
  /** The service's whole validated environment, for its own settings. */
  readonly serviceConfig: unknown;
  readonly logger: Logger;
  /** What the service's OpenAPI document says about it (`/openapi.json`, `/docs`). */
  readonly openApi: OpenApiDescription;
}

/** The routes every service has: health, readiness, metrics and its OpenAPI document. */
export const PLATFORM_CONTROLLERS = [HealthController, MetricsController, OpenApiController];

/**
 * What every Readmit service gets: its validated config, a structured logger, a Prometheus
 * registry, a Kafka client, the `/health`, `/ready`, `/metrics` and `/openapi.json` endpoints
 * (the document built from its controllers), and the guard that authenticates and authorizes
 * every request (AuthGuard; services add ways to authenticate through Authenticator.register).
 */
@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  constructor(@Inject(KafkaReadiness) private readonly kafkaReadiness: KafkaReadiness) {}

  static register(options: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      controllers: PLATFORM_CONTROLLERS,
      providers: [
        { provide: OPENAPI_DESCRIPTION, useValue: options.openApi },
        OpenApiDocument,
        { provide: PLATFORM_CONFIG, useValue: options.config },
        { provide: SERVICE_CONFIG, useValue: options.serviceConfig },
        { provide: LOGGER, useValue: options.logger },
        { provide: ApiKeyVerifier, useValue: new ApiKeyVerifier(options.config.auth.apiKeys) },
        {
          provide: Authenticator,
          inject: [ApiKeyVerifier],
          useFactory: (keys: ApiKeyVerifier) => authenticatorFor(options.config, keys),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: METRICS_REGISTRY, useValue: createMetricsRegistry(options.config.service) },
        {
          provide: KAFKA_CLIENT,
          useFactory: () => createKafkaClient(options.config.kafka, options.logger),
        },
        {
          provide: KafkaReadiness,
          inject: [KAFKA_CLIENT],
          useFactory: (kafka: Kafka) => new KafkaReadiness(kafka),
        },
        {
          provide: ReadinessRegistry,
          inject: [KafkaReadiness],
          useFactory: (kafkaReadiness: KafkaReadiness) => {
            const registry = new ReadinessRegistry();
            registry.register('kafka', kafkaReadiness.check);
            return registry;
          },
        },
      ],
      exports: [
        PLATFORM_CONFIG,
        SERVICE_CONFIG,
        LOGGER,
        METRICS_REGISTRY,
        KAFKA_CLIENT,
        ReadinessRegistry,
        ApiKeyVerifier,
        Authenticator,
        OpenApiDocument,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.kafkaReadiness.close();
  }
}

/** API keys in x-api-key when any are configured, then OIDC bearer tokens when an issuer is. */
function authenticatorFor(config: PlatformConfig, keys: ApiKeyVerifier): Authenticator {
  const { oidc } = config.auth;
  return new Authenticator([
    ...(keys.configured ? [new ApiKeyCredentials(keys)] : []),
    ...(oidc ? [new BearerCredentials(new OidcVerifier(oidc))] : []),
  ]);
}
