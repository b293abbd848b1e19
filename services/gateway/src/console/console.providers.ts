import type { Provider, Type } from '@nestjs/common';
import { SERVICE_CONFIG } from '@readmit/platform/bootstrap';
import { formatEntry } from '@readmit/platform/auth';
import type { GatewayEnv } from '../gateway.config';
import { ConsoleDriftController } from './application/console-drift.controller';
import { ConsoleLiveController } from './application/console-live.controller';
import { ConsoleModelsController } from './application/console-models.controller';
import { ConsolePageController } from './application/console-page.controller';
import { ConsolePredictController } from './application/console-predict.controller';
import { ConsoleSessions } from './application/console-session';
import { ConsoleSessionController } from './application/console-session.controller';
import { ConsoleSessionCredentials } from './application/console-session-credentials';
import { ConsoleFeed } from './infrastructure/console-feed';
import { RegistryClient } from './infrastructure/registry-client';

/**
 * The web console at /console: models, live stream, drift and a prediction form, behind the
 * platform's guard (a role per route; a session cookie from signing in with an API key, or the
 * key itself). Declared in the gateway's own module, whose scoring connection it uses.
 */
export const CONSOLE_CONTROLLERS: Type[] = [
  ConsolePageController,
  ConsoleSessionController,
  ConsoleModelsController,
  ConsoleLiveController,
  ConsoleDriftController,
  ConsolePredictController,
];

export const CONSOLE_PROVIDERS: Provider[] = [
  {
    provide: ConsoleSessions,
    inject: [SERVICE_CONFIG],
    useFactory: (env: GatewayEnv) =>
      new ConsoleSessions(
        env.READMIT_API_KEYS.map(formatEntry),
        env.READMIT_CONSOLE_SESSION_HOURS * 3_600_000,
      ),
  },
  {
    provide: RegistryClient,
    inject: [SERVICE_CONFIG],
    useFactory: (env: GatewayEnv) =>
      new RegistryClient(env.READMIT_REGISTRY_URL, env.READMIT_REGISTRY_API_KEY),
  },
  ConsoleSessionCredentials,
  ConsoleFeed,
];
