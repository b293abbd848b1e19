import { Module } from '@nestjs/common';
import { PLATFORM_CONFIG } from '@readmit/platform/bootstrap';
import type { PlatformConfig } from '@readmit/platform/config';
import { PROJECTION_DATABASE } from '@readmit/platform/projections';
import { createObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import type { DataSource } from 'typeorm';
import { MlflowAliasesController } from './application/mlflow-aliases.controller';
import {
  MLFLOW_ARTIFACT_STORE,
  MlflowArtifactsController,
} from './application/mlflow-artifacts.controller';
import { MlflowExceptionFilter } from './application/mlflow-exception.filter';
import { MlflowRegistryView } from './application/mlflow-registry-view';
import { MlflowRegistryController } from './application/mlflow-registry.controller';
import { MlflowTokenCredentials } from './application/mlflow-token.credentials';
import {
  MlflowUnknownEndpointsController,
  MlflowUnsupportedWritesController,
} from './application/mlflow-unsupported.controller';
import { RegistryWriteSide } from './application/registry-write-side';
import { RegistryViewReader } from './infrastructure/registry-view.reader';

/**
 * MLflow's Model Registry REST API as a view of the registry's event-sourced state
 * (docs/models.md, MLflow clients): reads of the registry projection in MLflow's shapes, the
 * champion and challenger aliases as commands through the registry's policy, and the versions'
 * ONNX artifacts over MLflow's artifact service. Joins the registry service (RegistryModule),
 * whose write side it uses for the alias commands.
 */
@Module({
  // The catch-all for the rest of MLflow's API comes last: routes are matched in this order.
  controllers: [
    MlflowRegistryController,
    MlflowAliasesController,
    MlflowUnsupportedWritesController,
    MlflowArtifactsController,
    MlflowUnknownEndpointsController,
  ],
  providers: [
    {
      provide: MlflowRegistryView,
      inject: [PROJECTION_DATABASE],
      useFactory: (database: DataSource) =>
        new MlflowRegistryView(new RegistryViewReader(database)),
    },
    {
      provide: MLFLOW_ARTIFACT_STORE,
      inject: [PLATFORM_CONFIG],
      useFactory: (config: PlatformConfig) =>
        new ModelArtifactStore(createObjectStore(config.objectStore)),
    },
    RegistryWriteSide,
    MlflowTokenCredentials,
    MlflowExceptionFilter,
  ],
})
export class MlflowModule {}
