import type { Provider, Type } from '@nestjs/common';
import { SERVICE_CONFIG } from '@readmit/platform/bootstrap';
import type { GatewayEnv } from '../gateway.config';
import { ConsoleAuthGuard } from './application/console-auth.guard';
import { ConsoleDriftController } from './application/console-drift.controller';
import { ConsoleLiveController } from './application/console-live.controller';
import { ConsoleModelsController } from './application/console-models.controller';
import { ConsolePageController } from './application/console-page.controller';
import { ConsolePredictController } from './application/console-predict.controller';
import { ConsoleSessions } from './application/console-session';
import { ConsoleFeed } from './infrastructure/console-feed';
import { RegistryClient } from './infrastructure/registry-client';

/**
 * The web console at /console: models, live stream, drift and a prediction form, behind the
 * gateway's API keys. Declared in the gateway's own module, whose ApiKeys and scoring
 * connection it uses.
 */
export const CONSOLE_CONTROLLERS: Type[] = [
  ConsolePageController,
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
      new ConsoleSessions(env.READMIT_API_KEYS, env.READMIT_CONSOLE_SESSION_HOURS * 3_600_000),
  },
  {
    provide: RegistryClient,
    inject: [SERVICE_CONFIG],
    useFactory: (env: GatewayEnv) => new RegistryClient(env.READMIT_REGISTRY_URL),
  },
  ConsoleAuthGuard,
  ConsoleFeed,
];
