import { TOPICS, topicName } from '@readmit/contracts';
import { replayEvents, type EventSerde } from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import {
  BACKFILL_EVENT_TYPES,
  evolveBackfills,
  type BackfillState,
} from '../domain/backfill-state';

/**
 * Every backfill as ml.backfills tells it now (committed records only). Poison records were
 * dead-lettered by live consumers; they hold no backfill.
 */
export async function readBackfills(
  kafka: Kafka,
  serde: EventSerde,
  topicPrefix: string,
  purpose = 'backfill-list',
): Promise<BackfillState> {
  let state: BackfillState = new Map();
  await replayEvents(
    kafka,
    serde,
    [topicName(TOPICS.backfills, topicPrefix)],
    BACKFILL_EVENT_TYPES,
    (event) => void (state = evolveBackfills(state, event)),
    { purpose, timeoutMs: 120_000 },
  );
  return state;
}
