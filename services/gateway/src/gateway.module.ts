import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { pseudonymizerProvider } from '@readmit/platform/privacy';
import { OpenInferenceController } from './application/open-inference/open-inference.controller';
import { ServedModel } from './application/open-inference/served-model';
import { PredictionsController } from './application/predictions.controller';
import { ScoringConnection } from './application/scoring-connection';
import { CONSOLE_CONTROLLERS, CONSOLE_PROVIDERS } from './console/console.providers';
import { GatewayHttp } from './infrastructure/gateway-http';
import { GatewayMetrics, HttpMetricsMiddleware } from './infrastructure/gateway-metrics';

/**
 * The gateway: synchronous predictions over REST (role predict, OpenAPI docs at /docs), answered by
 * the scoring service over Kafka request-reply, as `/v1/predictions` and as the Open Inference
 * Protocol (`/v2`, KServe v2 / Triton HTTP). Health, readiness (incl. the scoring connection) and
 * metrics come from the platform. The web console (/console) lives here too.
 */
@Module({
  controllers: [PredictionsController, OpenInferenceController, ...CONSOLE_CONTROLLERS],
  providers: [
    GatewayHttp,
    GatewayMetrics,
    ScoringConnection,
    {
      provide: ServedModel,
      inject: [ScoringConnection],
      useFactory: (scoring: ScoringConnection) => new ServedModel(() => scoring.describe()),
    },
    pseudonymizerProvider,
    ...CONSOLE_PROVIDERS,
  ],
})
export class GatewayModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes(PredictionsController, OpenInferenceController);
  }
}
