import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { pseudonymizerProvider } from '@readmit/platform/privacy';
import { PredictionsController } from './application/predictions.controller';
import { ScoringConnection } from './application/scoring-connection';
import { CONSOLE_CONTROLLERS, CONSOLE_PROVIDERS } from './console/console.providers';
import { GatewayHttp } from './infrastructure/gateway-http';
import { GatewayMetrics, HttpMetricsMiddleware } from './infrastructure/gateway-metrics';

/**
 * The gateway: synchronous predictions over REST (role predict, OpenAPI docs at /docs), answered by
 * the scoring service over Kafka request-reply. Health, readiness (incl. the scoring
 * connection) and metrics come from the platform. The web console (/console) lives here too.
 */
@Module({
  controllers: [PredictionsController, ...CONSOLE_CONTROLLERS],
  providers: [
    GatewayHttp,
    GatewayMetrics,
    ScoringConnection,
    pseudonymizerProvider,
    ...CONSOLE_PROVIDERS,
  ],
})
export class GatewayModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes(PredictionsController);
  }
}
