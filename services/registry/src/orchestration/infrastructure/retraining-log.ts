import { randomUUID } from 'node:crypto';
import { TOPICS, topicName } from '@readmit/contracts';
import {
  assertTopicsExist,
  readMessage,
  replayEvents,
  type EventSerde,
  type PartitionEnds,
  type SkipCounts,
  type SkipReason,
} from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import { entryOf, type LogPosition, type RetrainingEntry } from '../domain/retraining-entry';

/** The topics whose events make up a model's retraining state, in tie-break order for replay. */
export const RETRAINING_TOPICS = [TOPICS.batches, TOPICS.drift, TOPICS.training] as const;

/** The events entryOf reads a signal from. */
const RETRAINING_EVENTS = new Set([
  'BatchArrived',
  'DriftDetected',
  'TrainingRequested',
  'TrainingCompleted',
  'TrainingFailed',
] as const);

export interface RetrainingLogOptions {
  readonly topicPrefix: string;
  readonly modelName: string;
}

export function retrainingTopicNames(topicPrefix: string): string[] {
  return RETRAINING_TOPICS.map((topic) => topicName(topic, topicPrefix));
}

export interface RetrainingLogSnapshot {
  /** One sequence per partition, in offset order; partitions in RETRAINING_TOPICS order. */
  readonly sequences: RetrainingEntry[][];
  /** Where the snapshot ends: following live starts here. */
  readonly ends: PartitionEnds[];
  readonly messages: number;
  /** Messages left out (undecodable, invalid, misrouted), by reason. */
  readonly skipped: SkipCounts;
}

/** Reads the three topics from the beginning to their ends as of now (committed records only). */
export async function readRetrainingLog(
  kafka: Kafka,
  serde: EventSerde,
  options: RetrainingLogOptions,
): Promise<RetrainingLogSnapshot> {
  const topics = retrainingTopicNames(options.topicPrefix);
  // Fails fast, naming them, rather than waiting on metadata for topics that do not exist.
  await assertTopicsExist(kafka, topics);
  const byPartition = new Map<string, RetrainingEntry[]>();
  const { ends, messages, skipped } = await replayEvents(
    kafka,
    serde,
    topics,
    [...RETRAINING_EVENTS],
    (logged) => {
      const { topic, partition, offset } = logged;
      const entry = entryOf(logged, { topic, partition, offset }, options.modelName);
      if (!entry) return;
      const key = `${topic}:${partition}`;
      const sequence = byPartition.get(key) ?? [];
      sequence.push(entry);
      byPartition.set(key, sequence);
    },
    { purpose: `orchestrator.${options.modelName}`, timeoutMs: 120_000 },
  );
  const sequences = [...ends]
    .sort((a, b) => topics.indexOf(a.topic) - topics.indexOf(b.topic) || a.partition - b.partition)
    .map((end) => byPartition.get(`${end.topic}:${end.partition}`) ?? []);
  return { sequences, ends, messages, skipped };
}

export interface RetrainingLogFollower {
  stop(): Promise<void>;
}

export interface FollowHandlers {
  /** Each entry, in order per partition; the next message waits for it. Must not throw. */
  readonly onEntry: (entry: RetrainingEntry) => Promise<void>;
  /** A message left out: undecodable, invalid, or of a type its topic does not carry. */
  readonly onSkipped: (position: LogPosition, reason: SkipReason, detail: string) => void;
  /** The consumer stopped for good (kafkajs gave up restarting it). */
  readonly onCrash: (error: Error) => void;
}

/**
 * Follows the three topics live from where a snapshot ended. The group is this process's
 * alone and commits nothing: what was handled is tracked here, so a rejoin that starts over from
 * the beginning skips what the snapshot and earlier messages already covered.
 */
export async function followRetrainingLog(
  kafka: Kafka,
  serde: EventSerde,
  options: RetrainingLogOptions & { readonly from: readonly PartitionEnds[] },
  handlers: FollowHandlers,
): Promise<RetrainingLogFollower> {
  const next = new Map(
    options.from.map((end) => [`${end.topic}:${end.partition}`, BigInt(end.high)]),
  );
  const consumer = kafka.consumer({
    groupId: `readmit.orchestrator.${options.topicPrefix}${options.modelName}.${randomUUID()}`,
    readUncommitted: false,
    // A stop waits for the fetch in hand; these topics are quiet, so a short poll costs little.
    maxWaitTimeInMs: 500,
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) handlers.onCrash(payload.error);
  });
  await consumer.connect();
  try {
    await consumer.subscribe({
      topics: retrainingTopicNames(options.topicPrefix),
      fromBeginning: true,
    });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const key = `${topic}:${partition}`;
        const offset = BigInt(message.offset);
        if (offset < (next.get(key) ?? 0n)) return;
        const position = { topic, partition, offset: message.offset };
        const reading = await readMessage(serde, topic, partition, message, RETRAINING_EVENTS);
        const entry =
          reading.kind === 'event' ? entryOf(reading.event, position, options.modelName) : null;
        if (entry) await handlers.onEntry(entry);
        if (reading.kind === 'skipped')
          handlers.onSkipped(position, reading.reason, reading.detail);
        next.set(key, offset + 1n);
      },
    });
    // run() resolves once the group is joined, so every partition is assigned and can seek.
    for (const end of options.from)
      consumer.seek({ topic: end.topic, partition: end.partition, offset: end.high });
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  return { stop: () => consumer.disconnect() };
}
