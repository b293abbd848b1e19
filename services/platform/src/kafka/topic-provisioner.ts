import { allTopics, topicName, type TopicDefinition } from '@readmit/contracts';
import type { Kafka } from 'kafkajs';

export interface ProvisionResult {
  readonly created: string[];
  readonly existing: string[];
}

/**
 * Creates the topic catalog (and its dead-letter topics) on the cluster; topics that already
 * exist are left as they are, so it is safe to run at every start.
 */
export async function provisionTopics(
  kafka: Kafka,
  options: {
    prefix?: string;
    topics?: readonly TopicDefinition[];
    replicationFactor?: number;
  } = {},
): Promise<ProvisionResult> {
  const prefix = options.prefix ?? '';
  const wanted = options.topics ?? allTopics();
  const admin = kafka.admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    const missing = wanted.filter((topic) => !present.has(topicName(topic, prefix)));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic: topicName(topic, prefix),
          numPartitions: topic.partitions,
          replicationFactor: options.replicationFactor ?? -1,
          configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    return {
      created: missing.map((topic) => topicName(topic, prefix)),
      existing: wanted
        .filter((topic) => present.has(topicName(topic, prefix)))
        .map((topic) => topicName(topic, prefix)),
    };
  } finally {
    await admin.disconnect();
  }
}

export class MissingTopicsError extends Error {
  constructor(readonly topics: readonly string[]) {
    super(
      `topic${topics.length > 1 ? 's' : ''} ${topics.join(', ')} do${topics.length > 1 ? '' : 'es'} not exist: create the catalog with \`readmit topics create\` (with --prefix if you use one)`,
    );
    this.name = 'MissingTopicsError';
  }
}

/**
 * Fails fast, naming them, when topics are missing. Producers retry without limit (idempotence
 * needs it), so writing to a topic that does not exist would otherwise wait forever.
 */
export async function assertTopicsExist(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !present.has(topic));
    if (missing.length > 0) throw new MissingTopicsError(missing);
  } finally {
    await admin.disconnect();
  }
}
