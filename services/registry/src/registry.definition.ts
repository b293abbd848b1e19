import type { ServiceDefinition } from '@readmit/platform/bootstrap';
import { registryEnvSchema } from './registry.config';
import { RegistryModule } from './registry.module';

/** The registry as createService runs it, and as its OpenAPI document describes it. */
export const registryService: ServiceDefinition<typeof registryEnvSchema> = {
  name: 'registry',
  envSchema: registryEnvSchema,
  module: RegistryModule,
  openApi: () => ({
    title: 'Readmit registry',
    description:
      "The model registry: versions, champions and decisions from the registry projection (`/v1/models`), decisions taken as the authenticated principal (promote, challenge, reject, roll back), imports of externally trained ONNX models, the retraining orchestrator's state, and a read-only MLflow Model Registry API (`/api/2.0/mlflow`).",
  }),
};
