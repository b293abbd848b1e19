import { TOPICS, topicName } from '@readmit/contracts';
import { asModelDecision, ServingPointers, type ServedModel } from '@readmit/ml';
import { PoisonMessageError, replayLog, type EventSerde } from '@readmit/platform';
import type { Kafka } from 'kafkajs';

export interface CurrentChampion {
  /** The champion now, with its artifact's address and digest; null when there is none. */
  readonly champion: ServedModel | null;
  /** Messages of ml.models that could not be decoded, so were left out of the fold. */
  readonly undecodable: number;
}

async function topicExists(kafka: Kafka, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
}

/**
 * The champion of a model as the registry's decisions on ml.models say it is now: the topic read
 * to its end and folded by ServingPointers, under the same rules every other reader of the topic
 * uses. A missing or empty topic means no champion.
 */
export async function readCurrentChampion(
  kafka: Kafka,
  serde: EventSerde,
  modelName: string,
  topicPrefix = '',
): Promise<CurrentChampion> {
  const topic = topicName(TOPICS.models, topicPrefix);
  // The broker does not create topics on demand, and asking for a missing one's offsets retries.
  if (!(await topicExists(kafka, topic))) return { champion: null, undecodable: 0 };
  const pointers = new ServingPointers();
  let undecodable = 0;
  await replayLog(
    kafka,
    [topic],
    async (_topic, _partition, message) => {
      let decoded;
      try {
        decoded = await serde.decode(message.value);
      } catch (error) {
        if (!(error instanceof PoisonMessageError)) throw error;
        undecodable += 1;
        return;
      }
      const decision = asModelDecision(decoded);
      if (decision) pointers.apply(decision);
    },
    { purpose: 'trainer-champion' },
  );
  return { champion: pointers.of(modelName).champion, undecodable };
}
