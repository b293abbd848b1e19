import { TOPICS, topicName } from '@readmit/contracts';
import { MODEL_DECISION_TYPES } from '@readmit/ml';
import { replayEvents, type EventSerde, type KafkaMetrics } from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import { foldRegistry, type RegistryEvent, type RegistryState } from '../domain/registry-state';

const REGISTRY_EVENTS = ['TrainingCompleted', ...MODEL_DECISION_TYPES] as const;

/**
 * The registry's state now: ml.training and ml.models read to their ends and folded. The log is
 * the source of truth, so a decision made on this state saw every earlier decision (the caller
 * holds the model's lock while it reads, decides and publishes). Both topics stay small: one
 * event per training run and per decision. Undecodable, invalid and misrouted messages (a
 * ModelPromoted written to ml.training decided nothing) are left out, and counted when given
 * metrics.
 */
export async function readRegistry(
  kafka: Kafka,
  serde: EventSerde,
  topicPrefix = '',
  metrics?: KafkaMetrics,
): Promise<RegistryState> {
  const events: RegistryEvent[] = [];
  await replayEvents(
    kafka,
    serde,
    [topicName(TOPICS.training, topicPrefix), topicName(TOPICS.models, topicPrefix)],
    REGISTRY_EVENTS,
    (event) => void events.push(event),
    { purpose: 'registry', timeoutMs: 60_000, metrics },
  );
  return foldRegistry(events);
}
