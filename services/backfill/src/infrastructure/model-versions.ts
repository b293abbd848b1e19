import type { ServedModel } from '@readmit/ml';
import type { EventSerde } from '@readmit/platform/kafka';
import { readServing } from '@readmit/platform/serving';
import type { Kafka } from 'kafkajs';

/** The version asked for does not exist (or there is no champion): the backfill fails. */
export class UnknownModelVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownModelVersionError';
  }
}

/**
 * The artifact and threshold of a model version, from the log: 'champion' is the champion now
 * (ml.models folded as scoring folds it); a version is found in the registry's decisions (with
 * the threshold it served at) or, never served, in its TrainingCompleted on ml.training (the
 * threshold it was trained with).
 */
export async function resolveModelVersion(
  kafka: Kafka,
  serde: EventSerde,
  modelName: string,
  wanted: string,
  topicPrefix: string,
): Promise<ServedModel> {
  const serving = await readServing(kafka, serde, {
    modelName,
    topicPrefix,
    withTraining: true,
    purpose: 'backfill-model',
    timeoutMs: 60_000,
  });
  if (wanted === 'champion') {
    const { champion } = serving.served;
    if (!champion) throw new UnknownModelVersionError(`${modelName} has no champion`);
    return champion;
  }
  const trained = serving.trained(wanted);
  const found =
    serving.decided(wanted) ??
    (trained && {
      version: trained.modelVersion,
      artifactUri: trained.artifactUri,
      artifactSha256: trained.artifactSha256,
      threshold: trained.threshold,
    });
  if (!found) throw new UnknownModelVersionError(`${modelName} has no version ${wanted}`);
  return found;
}
