import { TOPICS, topicName } from '@readmit/contracts';
import { PoisonMessageError, replayLog, type EventSerde } from '@readmit/platform';
import type { Kafka } from 'kafkajs';
import { foldRegistry, type RegistryEvent, type RegistryState } from '../domain/registry-state';

const REGISTRY_EVENTS = new Set<string>([
  'TrainingCompleted',
  'ModelPromoted',
  'ModelRejected',
  'ModelRolledBack',
  'ChallengerAssigned',
]);

/**
 * The registry's state now: ml.training and ml.models read to their ends and folded. The log is
 * the source of truth, so a decision made on this state saw every earlier decision (the caller
 * holds the model's lock while it reads, decides and publishes). Both topics stay small: one
 * event per training run and per decision.
 */
export async function readRegistry(
  kafka: Kafka,
  serde: EventSerde,
  topicPrefix = '',
): Promise<RegistryState> {
  const events: RegistryEvent[] = [];
  await replayLog(
    kafka,
    [topicName(TOPICS.training, topicPrefix), topicName(TOPICS.models, topicPrefix)],
    async (_topic, _partition, message) => {
      try {
        const decoded = await serde.decode(message.value);
        if (REGISTRY_EVENTS.has(decoded.eventType)) events.push(decoded as RegistryEvent);
      } catch (error) {
        // Undecodable records were dead-lettered when consumed live; they hold no decision.
        if (!(error instanceof PoisonMessageError)) throw error;
      }
    },
    { purpose: 'registry', timeoutMs: 60_000 },
  );
  return foldRegistry(events);
}
