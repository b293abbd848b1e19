import { stringify } from 'yaml';
import { compareText, type NumberedVersion } from './version-numbers';

/**
 * The artifact tree the MLflow view serves under `mlflow-artifacts:/`: one directory per
 * version, named by its Readmit id (so a download URI never changes meaning), holding the
 * version's ONNX file and an MLmodel file that tells MLflow how to load it:
 *
 *     models/<model name>/<Readmit version id>/model.onnx
 *     models/<model name>/<Readmit version id>/MLmodel
 */
export const ARTIFACT_ROOT = 'models';
export const ONNX_FILE = 'model.onnx';
export const MLMODEL_FILE = 'MLmodel';

export type ArtifactLocation =
  | { readonly kind: 'root' }
  | { readonly kind: 'models' }
  | { readonly kind: 'model'; readonly modelName: string }
  | { readonly kind: 'version'; readonly modelName: string; readonly versionId: string }
  | {
      readonly kind: 'file';
      readonly modelName: string;
      readonly versionId: string;
      readonly file: string;
    };

/** A version's directory, relative to the artifact root. */
export function versionDirectory(modelName: string, versionId: string): string {
  return `${ARTIFACT_ROOT}/${modelName}/${versionId}`;
}

/**
 * What get-download-uri answers: an `mlflow-artifacts:` URI, which MLflow's client resolves
 * against its tracking URI to `<tracking URI>/api/2.0/mlflow-artifacts/artifacts/<path>`.
 */
export function downloadUri(modelName: string, versionId: string): string {
  return `mlflow-artifacts:/${versionDirectory(modelName, versionId)}`;
}

/**
 * Where a path of the artifact tree points; undefined for a path outside it. Paths are only
 * ever looked up, never joined onto a file system, but anything odd (empty, `.` or `..`
 * segments, backslashes) is refused all the same.
 */
export function parseArtifactPath(path: string): ArtifactLocation | undefined {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return { kind: 'root' };
  const parts = trimmed.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..' || part.includes('\\')))
    return undefined;
  const [root, modelName, versionId, file, ...rest] = parts;
  if (root !== ARTIFACT_ROOT || rest.length > 0) return undefined;
  if (modelName === undefined) return { kind: 'models' };
  if (versionId === undefined) return { kind: 'model', modelName };
  if (file === undefined) return { kind: 'version', modelName, versionId };
  return { kind: 'file', modelName, versionId, file };
}

/** One entry of an artifact listing, as MLflow's FileInfo in JSON. */
export interface ArtifactEntry {
  readonly path: string;
  readonly is_dir: boolean;
  readonly file_size?: number;
}

/**
 * A version directory's files. The ONNX file's size is left out (MLflow's client does not need
 * it; it would cost reading the object). A version without an artifact has an empty directory.
 */
export function versionFiles(version: NumberedVersion): ArtifactEntry[] {
  if (version.artifactUri === null || version.artifactSha256 === null) return [];
  return [
    {
      path: MLMODEL_FILE,
      is_dir: false,
      file_size: new TextEncoder().encode(mlmodelFile(version)).length,
    },
    { path: ONNX_FILE, is_dir: false },
  ];
}

/**
 * The MLmodel file of a version: the `onnx` flavor and `python_function` through mlflow.onnx,
 * so `mlflow.onnx.load_model` and `mlflow.pyfunc.load_model('models:/<name>@champion')` load
 * the ONNX file as it is (float32 features [N, F] in, the probability out), and metadata naming
 * the Readmit version and its artifact's sha256. Derived from the version alone, so it is the
 * same bytes on every request (its size is in the listing).
 */
export function mlmodelFile(version: NumberedVersion): string {
  const metadata: Record<string, string | number> = {
    readmit_model_name: version.modelName,
    readmit_version_id: version.version,
  };
  if (version.artifactSha256 !== null) metadata.readmit_artifact_sha256 = version.artifactSha256;
  if (version.threshold !== null) metadata.readmit_threshold = version.threshold;
  if (version.featureSpecVersion !== null)
    metadata.readmit_feature_spec_version = version.featureSpecVersion;
  const document: Record<string, unknown> = {
    flavors: {
      onnx: { data: ONNX_FILE, providers: ['CPUExecutionProvider'] },
      python_function: { data: ONNX_FILE, loader_module: 'mlflow.onnx' },
    },
    metadata,
  };
  // MLflow's model_uuid is a 32-hex-digit id; the artifact's digest names this model as well.
  if (version.artifactSha256 !== null) document.model_uuid = version.artifactSha256.slice(0, 32);
  if (version.registeredAt !== null)
    document.utc_time_created = mlflowUtcTime(version.registeredAt);
  return stringify(document);
}

/** `2026-11-23 10:15:00.000000`, as MLflow writes utc_time_created. */
function mlflowUtcTime(at: Date): string {
  return `${at.toISOString().replace('T', ' ').replace('Z', '')}000`;
}

/**
 * The listing of a directory of the tree (MLflow's list-artifacts), from the numbered versions
 * of the models the location names; undefined when the location does not exist. A file lists as
 * nothing, as in MLflow's own stores (its client tells files from directories that way).
 */
export function listArtifacts(
  location: ArtifactLocation,
  models: ReadonlyMap<string, readonly NumberedVersion[]>,
): ArtifactEntry[] | undefined {
  const versionOf = (modelName: string, versionId: string) =>
    models.get(modelName)?.find((version) => version.version === versionId);
  switch (location.kind) {
    case 'root':
      return [{ path: ARTIFACT_ROOT, is_dir: true }];
    case 'models':
      return [...models.keys()].sort(compareText).map((path) => ({ path, is_dir: true }));
    case 'model': {
      const versions = models.get(location.modelName);
      return versions?.map((version) => ({ path: version.version, is_dir: true }));
    }
    case 'version': {
      const version = versionOf(location.modelName, location.versionId);
      return version && versionFiles(version);
    }
    case 'file': {
      const version = versionOf(location.modelName, location.versionId);
      if (!version) return undefined;
      return versionFiles(version).some((entry) => entry.path === location.file) ? [] : undefined;
    }
    default: {
      const unknown: never = location;
      throw new Error(`unknown artifact location ${JSON.stringify(unknown)}`);
    }
  }
}
