import { TOPICS, topicName, type TrainingCompleted } from '@readmit/contracts';
import { asModelDecision, ServingPointers, type ServedModel } from '@readmit/ml';
import { PoisonMessageError, replayLog, type EventSerde } from '@readmit/platform';
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
 * (ml.models folded by ServingPointers, as scoring does); a version is found in the registry's
 * decisions (with the threshold it served at) or, never served, in its TrainingCompleted on
 * ml.training (the threshold it was trained with).
 */
export async function resolveModelVersion(
  kafka: Kafka,
  serde: EventSerde,
  modelName: string,
  wanted: string,
  topicPrefix: string,
): Promise<ServedModel> {
  const pointers = new ServingPointers();
  const decided = new Map<string, ServedModel>();
  const trained = new Map<string, ServedModel>();
  await replayLog(
    kafka,
    [topicName(TOPICS.models, topicPrefix), topicName(TOPICS.training, topicPrefix)],
    async (_topic, _partition, message) => {
      let decoded;
      try {
        decoded = await serde.decode(message.value);
      } catch (error) {
        // Undecodable records were dead-lettered when consumed live; they hold no version.
        if (!(error instanceof PoisonMessageError)) throw error;
        return;
      }
      if (decoded.eventType === 'TrainingCompleted') {
        const event = decoded.event as TrainingCompleted;
        if (event.modelName === modelName)
          trained.set(event.modelVersion, {
            version: event.modelVersion,
            artifactUri: event.artifactUri,
            artifactSha256: event.artifactSha256,
            threshold: event.threshold,
          });
        return;
      }
      const decision = asModelDecision(decoded);
      if (!decision || decision.event.modelName !== modelName) return;
      pointers.apply(decision);
      if (decision.eventType === 'ModelPromoted' || decision.eventType === 'ChallengerAssigned')
        decided.set(decision.event.version, {
          version: decision.event.version,
          artifactUri: decision.event.artifactUri,
          artifactSha256: decision.event.artifactSha256,
          threshold: decision.event.threshold,
        });
    },
    { purpose: 'backfill-model', timeoutMs: 60_000 },
  );
  if (wanted === 'champion') {
    const { champion } = pointers.of(modelName);
    if (!champion) throw new UnknownModelVersionError(`${modelName} has no champion`);
    return champion;
  }
  const found = decided.get(wanted) ?? trained.get(wanted);
  if (!found) throw new UnknownModelVersionError(`${modelName} has no version ${wanted}`);
  return found;
}
