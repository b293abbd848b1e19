import { downloadUri } from './artifacts';
import {
  aliasesOf,
  latestVersions,
  mlflowStageOf,
  modelAliases,
  type MlflowStage,
  type ReadmitAlias,
} from './stages';
import { modelTags, versionTags, type Tag } from './tags';
import type { NumberedVersion } from './version-numbers';

/** MLflow's ModelVersion (model_registry.proto) in the JSON its clients parse. */
export interface MlflowModelVersion {
  readonly name: string;
  readonly version: string;
  readonly creation_timestamp: number;
  readonly last_updated_timestamp: number;
  readonly current_stage: MlflowStage;
  readonly description: string;
  readonly source: string;
  readonly run_id?: string;
  readonly status: 'READY' | 'PENDING_REGISTRATION';
  readonly status_message?: string;
  readonly tags: Tag[];
  readonly aliases: ReadmitAlias[];
}

/** MLflow's RegisteredModel in JSON. */
export interface MlflowRegisteredModel {
  readonly name: string;
  readonly creation_timestamp: number;
  readonly last_updated_timestamp: number;
  readonly description: string;
  readonly latest_versions: MlflowModelVersion[];
  readonly tags: Tag[];
  readonly aliases: Array<{ alias: ReadmitAlias; version: string }>;
}

/** When the version was registered (its TrainingCompleted), else first decided on. */
export function createdAt(version: NumberedVersion): number {
  return (version.registeredAt ?? version.stageChangedAt)?.getTime() ?? 0;
}

/** When its stage last changed, or when it was registered if it never did. */
export function updatedAt(version: NumberedVersion): number {
  return Math.max(createdAt(version), version.stageChangedAt?.getTime() ?? 0);
}

/**
 * A version as MLflow's ModelVersion. `source` is the download URI; `run_id` is Readmit's
 * training run id (MLflow has no run of it: the `readmit.*` tags say what the run reported).
 * A version decided before its TrainingCompleted reached the projection (the two come from
 * different topics) is PENDING_REGISTRATION until it does.
 */
export function mlflowModelVersion(version: NumberedVersion): MlflowModelVersion {
  const trained = version.runId !== null;
  return {
    name: version.modelName,
    version: String(version.number),
    creation_timestamp: createdAt(version),
    last_updated_timestamp: updatedAt(version),
    current_stage: mlflowStageOf(version.stage),
    description: `Readmit version ${version.version}${version.algorithm ? ` (${version.algorithm})` : ''}`,
    source: downloadUri(version.modelName, version.version),
    ...(trained ? { run_id: version.runId as string } : {}),
    status: trained ? 'READY' : 'PENDING_REGISTRATION',
    ...(trained
      ? {}
      : { status_message: 'decided on, but its TrainingCompleted is not projected yet' }),
    tags: versionTags(version),
    aliases: aliasesOf(version.stage),
  };
}

/**
 * A model as MLflow's RegisteredModel, from its numbered versions: created with its first
 * version, updated with its latest change, the latest version of each stage, its tags and the
 * champion and challenger aliases.
 */
export function mlflowRegisteredModel(
  name: string,
  versions: readonly NumberedVersion[],
): MlflowRegisteredModel {
  return {
    name,
    creation_timestamp: Math.min(...versions.map(createdAt)),
    last_updated_timestamp: Math.max(...versions.map(updatedAt)),
    description: `Readmit model ${name}: its versions, stages and aliases are derived from the registry's log (ml.training, ml.models).`,
    latest_versions: latestVersions(versions).map(mlflowModelVersion),
    tags: modelTags(versions),
    aliases: modelAliases(versions),
  };
}
