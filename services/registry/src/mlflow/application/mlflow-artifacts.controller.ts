import {
  Controller,
  Get,
  Inject,
  Param,
  Query,
  Res,
  StreamableFile,
  UseFilters,
} from '@nestjs/common';
import { RequireRole } from '@readmit/platform/auth';
import {
  ArtifactIntegrityError,
  ModelArtifactStore,
  ObjectNotFoundError,
} from '@readmit/platform/storage';
import type { Response } from 'express';
import { describeVersion } from '../domain/aliases';
import {
  listArtifacts,
  MLMODEL_FILE,
  mlmodelFile,
  ONNX_FILE,
  parseArtifactPath,
} from '../domain/artifacts';
import { doesNotExist, MlflowRequestError } from '../domain/mlflow-error';
import type { NumberedVersion } from '../domain/version-numbers';
import { MlflowExceptionFilter } from './mlflow-exception.filter';
import { MlflowRegistryView } from './mlflow-registry-view';
import { listArtifactsRequest, parseMlflowRequest } from './mlflow-requests';

/** The artifact store the MLflow view downloads from (the registry's own, from its config). */
export const MLFLOW_ARTIFACT_STORE = Symbol('MLFLOW_ARTIFACT_STORE');

/**
 * MLflow's artifact service (`/api/2.0/mlflow-artifacts/artifacts`), read-only, for the
 * `mlflow-artifacts:/models/<name>/<Readmit version id>` URIs that get-download-uri gives:
 * listing (`?path=`) and downloads of each version's `model.onnx` and `MLmodel` (see
 * ../domain/artifacts.ts). The ONNX file comes from the object store through ModelArtifactStore
 * and is sent only when it hashes to the sha256 its TrainingCompleted announced. Role read.
 */
@RequireRole('read')
@UseFilters(MlflowExceptionFilter)
@Controller('api/2.0/mlflow-artifacts/artifacts')
export class MlflowArtifactsController {
  constructor(
    @Inject(MlflowRegistryView) private readonly view: MlflowRegistryView,
    @Inject(MLFLOW_ARTIFACT_STORE) private readonly artifacts: ModelArtifactStore,
  ) {}

  @Get()
  async list(@Query() query: unknown) {
    const { path = '' } = parseMlflowRequest(listArtifactsRequest, query);
    const location = parseArtifactPath(path);
    if (location === undefined) throw doesNotExist(`No artifacts at '${path}'`);
    const models =
      location.kind === 'root'
        ? new Map<string, NumberedVersion[]>()
        : await this.view.reader.numberedVersions(
            location.kind === 'models' ? undefined : [location.modelName],
          );
    const files = listArtifacts(location, models);
    if (files === undefined) throw doesNotExist(`No artifacts at '${path}'`);
    return { files };
  }

  @Get('*path')
  async download(
    @Param('path') segments: string | string[],
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const path = Array.isArray(segments) ? segments.join('/') : segments;
    const location = parseArtifactPath(path);
    if (location?.kind !== 'file') throw doesNotExist(`No artifact file at '${path}'`);
    const versions = (await this.view.reader.numberedVersions([location.modelName])).get(
      location.modelName,
    );
    const version = versions?.find((candidate) => candidate.version === location.versionId);
    if (version === undefined) throw doesNotExist(`No artifact file at '${path}'`);
    if (location.file === MLMODEL_FILE) {
      const text = Buffer.from(mlmodelFile(version), 'utf8');
      return new StreamableFile(text, { type: 'text/plain; charset=utf-8', length: text.length });
    }
    if (
      location.file !== ONNX_FILE ||
      version.artifactUri === null ||
      version.artifactSha256 === null
    )
      throw doesNotExist(`No artifact file at '${path}'`);
    const bytes = Buffer.from(
      await this.verified(version, version.artifactUri, version.artifactSha256),
    );
    // RFC 9530: the digest a client can check the body against (the sha256 on the log).
    response.setHeader(
      'Repr-Digest',
      `sha-256=:${Buffer.from(version.artifactSha256, 'hex').toString('base64')}:`,
    );
    return new StreamableFile(bytes, { type: 'application/octet-stream', length: bytes.length });
  }

  /** The artifact's bytes, read whole so that they are checked before any is sent. */
  private async verified(
    version: NumberedVersion,
    uri: string,
    sha256: string,
  ): Promise<Uint8Array> {
    try {
      return await this.artifacts.load(uri, sha256);
    } catch (error) {
      if (error instanceof ArtifactIntegrityError)
        throw new MlflowRequestError(
          'DATA_LOSS',
          `${version.modelName} version ${describeVersion(version)}: its artifact does not hash to the sha256 its TrainingCompleted announced (${sha256}), so it is not served`,
        );
      if (error instanceof ObjectNotFoundError)
        throw doesNotExist(
          `${version.modelName} version ${describeVersion(version)}: its artifact is not in the object store`,
        );
      throw error;
    }
  }
}
