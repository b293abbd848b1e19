import { Body, Controller, Get, HttpCode, Inject, Post, Query, UseFilters } from '@nestjs/common';
import { RequireRole } from '@readmit/platform/auth';
import { downloadUri } from '../domain/artifacts';
import { MlflowExceptionFilter } from './mlflow-exception.filter';
import { MlflowRegistryView } from './mlflow-registry-view';
import {
  latestVersionsRequest,
  modelVersionRequest,
  parseMlflowRequest,
  registeredModelRequest,
  searchModelVersions,
  searchRegisteredModels,
} from './mlflow-requests';

/**
 * MLflow's Model Registry reads (`/api/2.0/mlflow/...`, as MLflow 3.x clients call them) over
 * the registry projection: registered models, model versions with MLflow numbers and the legacy
 * stages, download URIs. Role read, as /v1/models.
 */
@RequireRole('read')
@UseFilters(MlflowExceptionFilter)
@Controller('api/2.0/mlflow')
export class MlflowRegistryController {
  constructor(@Inject(MlflowRegistryView) private readonly view: MlflowRegistryView) {}

  @Get('registered-models/search')
  async searchRegisteredModels(@Query() query: unknown) {
    const request = parseMlflowRequest(searchRegisteredModels, query);
    const { items, nextPageToken } = await this.view.searchRegisteredModels({
      filter: request.filter,
      maxResults: request.max_results,
      orderBy: request.order_by,
      pageToken: request.page_token,
    });
    return {
      registered_models: items,
      ...(nextPageToken ? { next_page_token: nextPageToken } : {}),
    };
  }

  @Get('registered-models/get')
  async getRegisteredModel(@Query() query: unknown) {
    const { name } = parseMlflowRequest(registeredModelRequest, query);
    return { registered_model: await this.view.registeredModel(name) };
  }

  @Get('registered-models/get-latest-versions')
  async getLatestVersions(@Query() query: unknown) {
    const { name, stages } = parseMlflowRequest(latestVersionsRequest, query);
    return { model_versions: await this.view.latestVersions(name, stages) };
  }

  /** MLflow's client POSTs it first, and GETs it only from servers without the POST. */
  @Post('registered-models/get-latest-versions')
  @HttpCode(200)
  async postLatestVersions(@Body() body: unknown) {
    const { name, stages } = parseMlflowRequest(latestVersionsRequest, body);
    return { model_versions: await this.view.latestVersions(name, stages) };
  }

  @Get('model-versions/get')
  async getModelVersion(@Query() query: unknown) {
    const { name, version } = parseMlflowRequest(modelVersionRequest, query);
    return { model_version: await this.view.modelVersion(name, version) };
  }

  @Get('model-versions/search')
  async searchModelVersions(@Query() query: unknown) {
    const request = parseMlflowRequest(searchModelVersions, query);
    const { items, nextPageToken } = await this.view.searchModelVersions({
      filter: request.filter,
      maxResults: request.max_results,
      orderBy: request.order_by,
      pageToken: request.page_token,
    });
    return { model_versions: items, ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
  }

  /** `mlflow-artifacts:/models/<name>/<Readmit version id>`, served by MlflowArtifactsController. */
  @Get('model-versions/get-download-uri')
  async getDownloadUri(@Query() query: unknown) {
    const { name, version } = parseMlflowRequest(modelVersionRequest, query);
    const found = await this.view.version(name, version);
    return { artifact_uri: downloadUri(found.modelName, found.version) };
  }
}
