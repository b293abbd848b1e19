import { readModelArtifact, type ReferenceProfile, type ServedModel } from '@readmit/ml';
import type { ModelArtifactStore } from '@readmit/platform/storage';
import type { WindowedModel } from '../domain/drift-windows';

/** A champion as the monitor needs it: who it is, what it predicts, and its training data's profile. */
export interface MonitoredChampion extends WindowedModel {
  readonly artifactSha256: string;
  readonly reference: ReferenceProfile;
}

/**
 * Reads a champion's reference profile and target from its artifact, verified by its sha256.
 * No onnxruntime session: the monitor compares distributions, it does not score.
 */
export async function loadMonitoredChampion(
  modelName: string,
  served: ServedModel,
  artifacts: ModelArtifactStore,
): Promise<MonitoredChampion> {
  const bytes = await artifacts.load(served.artifactUri, served.artifactSha256);
  const { info, referenceProfile } = readModelArtifact(bytes);
  if (info.name !== modelName || info.version !== served.version)
    throw new Error(
      `the artifact holds ${info.name} ${info.version}, not ${modelName} ${served.version}`,
    );
  if (referenceProfile?.version !== 1 || !Array.isArray(referenceProfile.numeric))
    throw new Error(`the artifact of ${served.version} has no reference profile of format 1`);
  return {
    modelName,
    version: served.version,
    target: info.target,
    artifactSha256: served.artifactSha256,
    reference: referenceProfile,
  };
}
