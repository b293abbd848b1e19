import { randomUUID } from 'node:crypto';
import type { EventType } from '@readmit/contracts';
import type { Kafka, KafkaMessage } from 'kafkajs';
import pino, { type Logger } from 'pino';
import type { KafkaMetrics } from './kafka-metrics';
import { LogPositions } from './log-positions';
import {
  readMessage,
  SkippedMessages,
  type LoggedEvent,
  type MessagePosition,
  type SkipCounts,
} from './logged-events';
import { privateLogConsumer } from './private-log-consumer';
import type { EventSerde } from './serde/event-serde';

const silentLogger = pino({ level: 'silent' });

/** Earliest and next offsets of one partition. */
export interface PartitionEnds {
  readonly topic: string;
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

/** Earliest and next offsets of every partition of the topics, now. */
export async function logEnds(kafka: Kafka, topics: readonly string[]): Promise<PartitionEnds[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends: PartitionEnds[] = [];
    for (const topic of topics) {
      for (const { partition, low, high } of await admin.fetchTopicOffsets(topic))
        ends.push({ topic, partition, low, high });
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/** The topics that exist (the broker does not create topics on demand). */
export async function existingTopics(kafka: Kafka, topics: readonly string[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    return topics.filter((topic) => present.has(topic));
  } finally {
    await admin.disconnect();
  }
}

export interface ReplayOptions {
  /** A name for the throwaway consumer group (a unique suffix is added). */
  readonly purpose: string;
  /** Give up when the ends are not reached in this time (default 5 minutes). */
  readonly timeoutMs?: number;
  /** Told the ends before reading starts, e.g. to size a progress bar. */
  readonly onEnds?: (ends: readonly PartitionEnds[]) => void;
  /** Where a consumer crash (and its replacement) is logged; silent by default. */
  readonly logger?: Logger;
  /** Where to start in some partitions (the next offset to read); the others from the beginning. */
  readonly from?: readonly MessagePosition[];
}

/**
 * Reads topics from the beginning (or from `from`) up to their ends as of the call, committed
 * records only (read_committed), handing each message to `onMessage` in order per partition.
 * Nothing is committed: the group is throwaway. Transaction markers at the end of a partition
 * are recognised, so the replay finishes. Returns the ends it read up to.
 */
export async function replayLog(
  kafka: Kafka,
  topics: readonly string[],
  onMessage: (topic: string, partition: number, message: KafkaMessage) => Promise<void>,
  options: ReplayOptions,
): Promise<PartitionEnds[]> {
  const ends = await logEnds(kafka, topics);
  options.onEnds?.(ends);
  // Where the replay is: a consumer that replaces a crashed one (a broker restart) goes on from here.
  const positions = new LogPositions();
  for (const { topic, partition, offset } of options.from ?? [])
    positions.startAt(topic, partition, offset);
  if (positions.hasRead(ends)) return ends;

  let finish: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const consumer = privateLogConsumer(
    kafka,
    {
      name: `replay.${options.purpose}`,
      groupId: `readmit.replay.${options.purpose}.${randomUUID()}`,
      topics,
      positions,
      // Records written after the call are not part of this replay.
      until: new Map(ends.map((end) => [`${end.topic}:${end.partition}`, BigInt(end.high)])),
      onMessage,
      onProgress: () => {
        if (positions.hasRead(ends)) finish();
      },
    },
    options.logger ?? silentLogger,
  );
  const timeout = setTimeout(() => {
    const unread = ends
      .filter((end) => !positions.hasRead([end]))
      .map((end) => `${end.topic}:${end.partition}`);
    fail(
      new Error(
        `replaying ${topics.join(', ')}: the end of ${unread.join(', ')} was not reached in time`,
      ),
    );
  }, options.timeoutMs ?? 300_000);
  try {
    await consumer.start();
    await finished;
    return ends;
  } finally {
    clearTimeout(timeout);
    await consumer.stop();
  }
}

export interface EventReplayOptions extends ReplayOptions {
  /**
   * Counts what the replay leaves out in readmit_kafka_messages_skipped_total, with the group
   * label `replay.<purpose>`.
   */
  readonly metrics?: KafkaMetrics;
  /** Read only the topics that exist (a missing one holds nothing) rather than wait for them. */
  readonly missingTopicsAreEmpty?: boolean;
}

/** What an event replay read up to, and what it left out. */
export interface EventReplay {
  readonly ends: PartitionEnds[];
  /** Messages read, whatever became of them. */
  readonly messages: number;
  /** Messages left out, by reason. */
  readonly skipped: SkipCounts;
}

/**
 * Replays topics to their ends (see replayLog) as events: each message is decoded and held to
 * the field rules (the serde's), and to the topic catalog (an event of a type the catalog does
 * not list for its topic is a writer's mistake, never what that topic says); only events of
 * `eventTypes` reach `onEvent`, in order per partition. What is left out is counted by reason
 * (never dead-lettered: a replay has no group whose dead letters they would be). Errors that are
 * not a message's fault (the schema registry away) are retried, from that message on.
 */
export async function replayEvents<K extends EventType>(
  kafka: Kafka,
  serde: EventSerde,
  topics: readonly string[],
  eventTypes: readonly K[],
  onEvent: (event: LoggedEvent<K>) => void | Promise<void>,
  options: EventReplayOptions,
): Promise<EventReplay> {
  const wanted: ReadonlySet<K> = new Set(eventTypes);
  const skipped = new SkippedMessages(`replay.${options.purpose}`, options.metrics);
  let messages = 0;
  const read = options.missingTopicsAreEmpty ? await existingTopics(kafka, topics) : topics;
  const ends =
    read.length === 0
      ? []
      : await replayLog(
          kafka,
          read,
          async (topic, partition, message) => {
            const reading = await readMessage(serde, topic, partition, message, wanted);
            if (reading.kind === 'event') await onEvent(reading.event);
            else if (reading.kind === 'skipped')
              skipped.count(topic, reading.reason, reading.eventType);
            // Counted once handled: a message retried after a failure is not counted twice.
            messages += 1;
          },
          options,
        );
  return { ends, messages, skipped: skipped.counts };
}
