import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { SERVICE_CONFIG } from '@readmit/platform/bootstrap';
import { ApiKeyGuard } from './application/api-key.guard';
import { ApiKeys } from './application/api-keys';
import { PredictionsController } from './application/predictions.controller';
import { ScoringConnection } from './application/scoring-connection';
import { CONSOLE_CONTROLLERS, CONSOLE_PROVIDERS } from './console/console.providers';
import type { GatewayEnv } from './gateway.config';
import { GatewayHttp } from './infrastructure/gateway-http';
import { GatewayMetrics, HttpMetricsMiddleware } from './infrastructure/gateway-metrics';

/**
 * The gateway: synchronous predictions over REST (API keys, OpenAPI docs at /docs), answered by
 * the scoring service over Kafka request-reply. Health, readiness (incl. the scoring
 * connection) and metrics come from the platform. The web console (/console) lives here too.
 */
@Module({
  controllers: [PredictionsController, ...CONSOLE_CONTROLLERS],
  providers: [
    {
      provide: ApiKeys,
      inject: [SERVICE_CONFIG],
      useFactory: (env: GatewayEnv) => new ApiKeys(env.READMIT_API_KEYS),
    },
    ApiKeyGuard,
    GatewayHttp,
    GatewayMetrics,
    ScoringConnection,
    ...CONSOLE_PROVIDERS,
  ],
})
export class GatewayModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes(PredictionsController);
  }
}
