import { TOPICS, topicName } from '@readmit/contracts';
import { PoisonMessageError, replayLog, type EventSerde } from '@readmit/platform';
import type { Kafka } from 'kafkajs';
import { asBackfillEvent, evolveBackfills, type BackfillState } from '../domain/backfill-state';

/** Every backfill as ml.backfills tells it now (committed records only). */
export async function readBackfills(
  kafka: Kafka,
  serde: EventSerde,
  topicPrefix: string,
): Promise<BackfillState> {
  let state: BackfillState = new Map();
  await replayLog(
    kafka,
    [topicName(TOPICS.backfills, topicPrefix)],
    async (_topic, _partition, message) => {
      try {
        const event = asBackfillEvent(await serde.decode(message.value));
        if (event) state = evolveBackfills(state, event);
      } catch (error) {
        // Poison records were dead-lettered by live consumers; they hold no backfill.
        if (!(error instanceof PoisonMessageError)) throw error;
      }
    },
    { purpose: 'backfill-list', timeoutMs: 120_000 },
  );
  return state;
}
