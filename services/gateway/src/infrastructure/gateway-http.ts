import { Inject, Injectable, type INestApplication, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import type { ExpressAdapter } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { API_KEY_HEADER } from '@readmit/platform/auth';
import { SERVICE_CONFIG } from '@readmit/platform/bootstrap';
import { API_KEY_SCHEME, requestSchemas } from '../application/predictions.dto';
import type { GatewayEnv } from '../gateway.config';

/** Generous for the largest batch: an encounter is about 1.2 KiB of JSON. */
const BYTES_PER_ENCOUNTER = 4 * 1024;

/**
 * The gateway's HTTP set-up that the platform's `createService` has no hook for: it starts
 * listening before it returns the application. So this provider does it from inside:
 *
 * - JSON bodies are read as text, up to a full batch (Nest's JSON parser stops at 100 KiB), and
 *   parsed by the controller (the platform's guard has checked the credential before) and answers invalid JSON in the
 *   house format. Registered while providers are built, before Nest adds its own parsers (it
 *   skips bodies already read).
 * - The OpenAPI document and Swagger UI at `/docs` (JSON at `/docs-json`), registered in
 *   onModuleInit: after the controllers' routes, before Nest's catch-all 404 handler.
 */
@Injectable()
export class GatewayHttp implements OnModuleInit {
  private readonly adapter: ExpressAdapter;

  constructor(
    @Inject(HttpAdapterHost) host: HttpAdapterHost<ExpressAdapter>,
    @Inject(ModulesContainer) private readonly modules: ModulesContainer,
    @Inject(SERVICE_CONFIG) private readonly env: GatewayEnv,
  ) {
    this.adapter = host.httpAdapter;
    this.adapter.useBodyParser('text', false, {
      type: 'application/json',
      limit: Math.max(64 * 1024, env.READMIT_GATEWAY_MAX_BATCH * BYTES_PER_ENCOUNTER),
    });
  }

  onModuleInit(): void {
    // The members of an application that SwaggerModule reads (the module container it scans,
    // the config for prefixes and versioning, the adapter and static files for Swagger UI).
    // createService sets neither a global prefix nor versioning: a fresh config is the same.
    const application = {
      container: { getModules: () => this.modules },
      config: new ApplicationConfig(),
      getHttpAdapter: () => this.adapter,
      useStaticAssets: (path: string, options: { prefix?: string }) =>
        this.adapter.useStaticAssets(path, options),
    } as unknown as INestApplication; // only the members above are used: see the comment
    const config = new DocumentBuilder()
      .setTitle('Readmit gateway')
      .setDescription(
        'Synchronous 30-day readmission risk predictions for hospital encounters, scored by the champion model. Each prediction is also recorded as a PredictionMade event.',
      )
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: API_KEY_HEADER }, API_KEY_SCHEME)
      .build();
    config.components = {
      ...config.components,
      schemas: requestSchemas(this.env.READMIT_GATEWAY_MAX_BATCH),
    };
    // Built on the first request, when every controller is known.
    SwaggerModule.setup('docs', application, () =>
      SwaggerModule.createDocument(application, config),
    );
  }
}
