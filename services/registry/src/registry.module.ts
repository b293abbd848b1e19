import { Module } from '@nestjs/common';
import { EventsModule } from '@readmit/platform/kafka';
import { ProjectionsModule } from '@readmit/platform/projections';
import { ModelRegistryProvider } from './application/model-registry.provider';
import { ModelImportController } from './application/model-import/model-import.controller';
import { ModelsController } from './application/models.controller';
import { MlflowModule } from './mlflow/mlflow.module';
import { registryProjection } from './projections/registry/registry.projection';
import { OrchestrationModule } from './orchestration/orchestration.module';

/**
 * The registry service: judges every TrainingCompleted by the promotion policy (ModelPromoted,
 * ModelRejected, or ChallengerAssigned in manual mode), takes promotions, rollbacks and
 * rejections from people over REST, and keeps versions and decisions queryable in Postgres.
 * It also hosts the retraining orchestrator (BatchArrived / DriftDetected → TrainingRequested).
 */
@Module({
  imports: [
    EventsModule.register({
      produces: [
        'ModelPromoted',
        'ModelRejected',
        'ModelRolledBack',
        'ChallengerAssigned',
        'TrainingRequested',
        'ModelImportRequested',
      ],
    }),
    ProjectionsModule.register({ projections: [registryProjection] }),
    OrchestrationModule,
    MlflowModule,
  ],
  controllers: [ModelImportController, ModelsController],
  providers: [ModelRegistryProvider],
})
export class RegistryModule {}
