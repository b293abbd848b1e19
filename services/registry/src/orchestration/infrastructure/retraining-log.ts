import { randomUUID } from 'node:crypto';
import { TOPICS, topicName } from '@readmit/contracts';
import {
  assertTopicsExist,
  PoisonMessageError,
  replayLog,
  type EventSerde,
  type PartitionEnds,
} from '@readmit/platform';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { entryOf, type LogPosition, type RetrainingEntry } from '../domain/retraining-entry';

/** The topics whose events make up a model's retraining state, in tie-break order for replay. */
export const RETRAINING_TOPICS = [TOPICS.batches, TOPICS.drift, TOPICS.training] as const;

export interface RetrainingLogOptions {
  readonly topicPrefix: string;
  readonly modelName: string;
}

/** What a message is to the orchestrator: an entry, nothing (another model's), or unreadable. */
type Read =
  | { readonly kind: 'entry'; readonly entry: RetrainingEntry }
  | { readonly kind: 'other' }
  | { readonly kind: 'undecodable'; readonly reason: string };

async function read(
  serde: EventSerde,
  position: LogPosition,
  message: KafkaMessage,
  modelName: string,
): Promise<Read> {
  try {
    const entry = entryOf(await serde.decode(message.value), position, modelName);
    return entry ? { kind: 'entry', entry } : { kind: 'other' };
  } catch (error) {
    // Undecodable records were dead-lettered by the topics' own consumers; they hold no signal.
    if (error instanceof PoisonMessageError) return { kind: 'undecodable', reason: error.message };
    throw error;
  }
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
  readonly undecodable: number;
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
  let messages = 0;
  let undecodable = 0;
  const ends = await replayLog(
    kafka,
    topics,
    async (topic, partition, message) => {
      messages += 1;
      const result = await read(
        serde,
        { topic, partition, offset: message.offset },
        message,
        options.modelName,
      );
      if (result.kind === 'undecodable') undecodable += 1;
      if (result.kind !== 'entry') return;
      const key = `${topic}:${partition}`;
      const sequence = byPartition.get(key) ?? [];
      sequence.push(result.entry);
      byPartition.set(key, sequence);
    },
    { purpose: `orchestrator.${options.modelName}`, timeoutMs: 120_000 },
  );
  const sequences = [...ends]
    .sort((a, b) => topics.indexOf(a.topic) - topics.indexOf(b.topic) || a.partition - b.partition)
    .map((end) => byPartition.get(`${end.topic}:${end.partition}`) ?? []);
  return { sequences, ends, messages, undecodable };
}

export interface RetrainingLogFollower {
  stop(): Promise<void>;
}

export interface FollowHandlers {
  /** Each entry, in order per partition; the next message waits for it. Must not throw. */
  readonly onEntry: (entry: RetrainingEntry) => Promise<void>;
  readonly onUndecodable: (position: LogPosition, reason: string) => void;
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
        const result = await read(serde, position, message, options.modelName);
        if (result.kind === 'entry') await handlers.onEntry(result.entry);
        if (result.kind === 'undecodable') handlers.onUndecodable(position, result.reason);
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
