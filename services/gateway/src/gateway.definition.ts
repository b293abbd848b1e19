import type { ServiceDefinition } from '@readmit/platform/bootstrap';
import { inferenceRequestSchemas } from './application/open-inference/open-inference.dto';
import { predictionRequestSchemas } from './application/predictions.dto';
import { SESSION_COOKIE, SESSION_PATH } from './console/application/console-session';
import { DEFAULT_MAX_BATCH, gatewayEnvSchema } from './gateway.config';
import { GatewayModule } from './gateway.module';

/** The gateway as createService runs it, and as its OpenAPI document describes it. */
export const gatewayService: ServiceDefinition<typeof gatewayEnvSchema> = {
  name: 'gateway',
  envSchema: gatewayEnvSchema,
  module: GatewayModule,
  openApi: ({ READMIT_GATEWAY_MAX_BATCH: maxBatch = DEFAULT_MAX_BATCH }) => ({
    title: 'Readmit gateway',
    description:
      'Synchronous 30-day readmission risk predictions for hospital encounters, scored by the champion model: `/v1/predictions`, and the Open Inference Protocol (KServe v2, Triton HTTP) under `/v2`. Each prediction is also recorded as a PredictionMade event. The web console (`/console`) reads and acts through `/console/api/*`.',
    schemas: {
      ...predictionRequestSchemas(maxBatch),
      ...inferenceRequestSchemas(maxBatch),
    },
    pathCredentials: [
      {
        name: 'console-session',
        pathPrefix: `${SESSION_PATH}/`,
        scheme: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description:
            'The web console’s session, from signing in with an API key (`POST /console/api/session`): the key’s principal, signed, never the key.',
        },
      },
    ],
  }),
};
