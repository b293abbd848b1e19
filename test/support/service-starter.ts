import type { INestApplication } from '@nestjs/common';
import { createService, type ServiceDefinition } from '@readmit/platform/bootstrap';
import type { PlatformEnv } from '@readmit/platform/config';
import type { z } from 'zod';
import { testEndpoints } from './endpoints';
import { TEST_PSEUDONYM_KEY } from './pseudonyms';
import { secureServiceEnv } from './secure-kafka';

export interface ServiceStarterOptions {
  /** The topic prefix of the test's own streams (READMIT_TOPIC_PREFIX). */
  readonly prefix: string;
  /** Brokers other than the local platform's (a test's disposable broker). */
  readonly brokers?: readonly string[];
  /** Variables every service of this starter gets, e.g. READMIT_OBJECT_STORE_ROOT. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Starts services in process (createService), as their main.ts would, on a test's own topics on
 * the local platform: any free HTTP port, quiet logs, the platform's schema registry and database.
 * stopAll() closes what is still running, the last started first.
 */
export class ServiceStarter {
  private readonly running: Array<{ readonly name: string; readonly app: INestApplication }> = [];

  constructor(private readonly options: ServiceStarterOptions) {}

  /**
   * The environment a service of this starter gets, with `extra` on top; on the secured test
   * broker it authenticates as `service`'s own principal.
   */
  env(extra: Readonly<Record<string, string>> = {}, service = 'admin'): Record<string, string> {
    const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = testEndpoints();
    return {
      READMIT_HTTP_PORT: '0',
      READMIT_LOG_LEVEL: process.env.READMIT_TEST_LOG_LEVEL ?? 'fatal',
      READMIT_KAFKA_BROKERS: (this.options.brokers ?? kafkaBrokers).join(','),
      READMIT_SCHEMA_REGISTRY_URL: schemaRegistryUrl,
      READMIT_DATABASE_URL: databaseUrl,
      READMIT_TOPIC_PREFIX: this.options.prefix,
      READMIT_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
      ...(this.options.brokers ? {} : secureServiceEnv(service)),
      ...this.options.env,
      ...extra,
    };
  }

  async start<S extends z.ZodType<PlatformEnv>>(
    definition: ServiceDefinition<S>,
    env: Readonly<Record<string, string>> = {},
  ): Promise<INestApplication> {
    const app = await createService(definition, this.env(env, definition.name));
    this.running.push({ name: definition.name, app });
    return app;
  }

  /** Closes one service before the others (an instance leaving). */
  async stop(app: INestApplication): Promise<void> {
    const index = this.running.findIndex((service) => service.app === app);
    if (index >= 0) this.running.splice(index, 1);
    await app.close();
  }

  /** Closes every service still running, the last started first. READMIT_TEST_TIMING logs how long each took. */
  async stopAll(): Promise<void> {
    for (const { name, app } of this.running.splice(0).reverse()) {
      const started = Date.now();
      await app.close();
      if (process.env.READMIT_TEST_TIMING) console.log(`closed ${name}`, Date.now() - started);
    }
  }
}
