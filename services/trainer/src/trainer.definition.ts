import type { ServiceDefinition } from '@readmit/platform/bootstrap';
import { platformEnvSchema } from '@readmit/platform/config';
import { TrainerModule } from './trainer.module';

/** The trainer as createService runs it, and as its OpenAPI document describes it. */
export const trainerService: ServiceDefinition<typeof platformEnvSchema> = {
  name: 'trainer',
  envSchema: platformEnvSchema,
  module: TrainerModule,
  openApi: () => ({
    title: 'Readmit trainer',
    description:
      'Training sets as Parquet (`/v1/datasets/exports`): the point-in-time, patient-grouped training, validation and holdout sets a training run would use, with the feature spec and a manifest (docs/notebook-to-production.md). Training itself is driven by events, not HTTP.',
  }),
};
