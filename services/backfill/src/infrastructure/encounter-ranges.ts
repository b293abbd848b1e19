import { TOPICS, type BackfillRequested, type OffsetRange } from '@readmit/contracts';
import type { Kafka } from 'kafkajs';
import { rangesBetween } from '../domain/backfill-range';

/**
 * The offset range of each partition of the encounter topic a request covers: its offset
 * ranges when it gives some, else the offsets at its times (the first record at or after
 * fromTime, up to the first at or after toTime; no time means the log's start or its end now).
 */
export async function encounterRangesOf(
  kafka: Kafka,
  request: Pick<BackfillRequested, 'offsetRanges' | 'fromTime' | 'toTime'>,
  encounterTopic: string,
): Promise<OffsetRange[]> {
  if (request.offsetRanges.length > 0)
    // Ranges may name the physical topic or the catalog's name (e.g. copied from a BatchArrived).
    return request.offsetRanges
      .filter((range) => range.topic === encounterTopic || range.topic === TOPICS.encounters.name)
      .map((range) => ({ ...range, topic: encounterTopic }))
      .sort((a, b) => a.partition - b.partition);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const log = await admin.fetchTopicOffsets(encounterTopic);
    const starts =
      request.fromTime === null
        ? log.map(({ partition, low }) => ({ partition, offset: low }))
        : await admin.fetchTopicOffsetsByTimestamp(encounterTopic, request.fromTime);
    const ends =
      request.toTime === null
        ? log.map(({ partition, high }) => ({ partition, offset: high }))
        : await admin.fetchTopicOffsetsByTimestamp(encounterTopic, request.toTime);
    return rangesBetween(encounterTopic, starts, ends);
  } finally {
    await admin.disconnect();
  }
}
