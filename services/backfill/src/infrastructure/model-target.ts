import { readModelArtifact, type ReadmissionTarget, type ServedModel } from '@readmit/ml';
import type { ModelArtifactStore } from '@readmit/platform/storage';

/**
 * What a version predicts (any readmission, or within 30 days), from its artifact verified by
 * its sha256: the outcome label of a comparison follows it, as the monitor's does.
 */
export async function modelTargetOf(
  modelName: string,
  served: ServedModel,
  artifacts: ModelArtifactStore,
): Promise<ReadmissionTarget> {
  const { info } = readModelArtifact(
    await artifacts.load(served.artifactUri, served.artifactSha256),
  );
  if (info.name !== modelName || info.version !== served.version)
    throw new Error(
      `the artifact holds ${info.name} ${info.version}, not ${modelName} ${served.version}`,
    );
  return info.target;
}
