import { allTopics, topicName, type TopicDefinition } from '@readmit/contracts';
import { ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs';

export interface ProvisionResult {
  readonly created: string[];
  readonly existing: string[];
}

/** How many copies of each partition, and how many must have a write before it is acknowledged. */
export interface Replication {
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
}

/**
 * The replication a cluster of `brokers` nodes gives the catalog: three copies where it can (one
 * per node below three), and two of them in sync for a write (`acks=all`), so one broker may be
 * down without losing an acknowledged event or stopping writes. Two nodes keep one in sync:
 * requiring both would stop every write whenever one restarts.
 */
export function replicationFor(brokers: number): Replication {
  const replicationFactor = Math.max(1, Math.min(3, brokers));
  return { replicationFactor, minInsyncReplicas: replicationFactor >= 3 ? 2 : 1 };
}

/**
 * Creates the topic catalog (and its dead-letter topics) on the cluster; topics that already
 * exist are left as they are, so it is safe to run at every start. Replication follows the
 * cluster's size (replicationFor) unless given.
 */
export async function provisionTopics(
  kafka: Kafka,
  options: {
    prefix?: string;
    topics?: readonly TopicDefinition[];
    /** Overrides the replication derived from the number of brokers. */
    replication?: Replication;
    /** How long the new topics' partitions may take to get leaders. */
    leaderTimeoutMs?: number;
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
      const timeoutMs = options.leaderTimeoutMs ?? 60_000;
      const replication = options.replication ?? (await clusterReplication(admin));
      await createMissing(admin, missing, prefix, replication, timeoutMs);
      await awaitLeaders(
        admin,
        missing.map((topic) => topicName(topic, prefix)),
        timeoutMs,
      );
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

/** What a broker says of its topic defaults: values set by its operator only. */
export interface BrokerTopicDefaults {
  readonly defaultReplicationFactor?: number;
  readonly minInsyncReplicas?: number;
}

/**
 * The replication for new topics: the cluster operator's own defaults when the broker has them
 * set (`default.replication.factor`, `min.insync.replicas`: what MSK, Confluent Cloud and our
 * local cluster configure), else derived from the brokers it lists, which says too few while a
 * broker restarts or has not registered yet.
 */
export function chooseReplication(brokers: number, defaults: BrokerTopicDefaults): Replication {
  const { defaultReplicationFactor: replicationFactor, minInsyncReplicas } = defaults;
  if (replicationFactor === undefined) return replicationFor(brokers);
  return {
    replicationFactor,
    minInsyncReplicas: minInsyncReplicas ?? replicationFor(replicationFactor).minInsyncReplicas,
  };
}

async function clusterReplication(admin: Admin): Promise<Replication> {
  const { brokers } = await admin.describeCluster();
  return chooseReplication(brokers.length, await brokerTopicDefaults(admin, brokers[0]?.nodeId));
}

/** The broker's explicitly set topic defaults; none when it does not say (no describe ACL). */
async function brokerTopicDefaults(
  admin: Admin,
  nodeId: number | undefined,
): Promise<BrokerTopicDefaults> {
  if (nodeId === undefined) return {};
  try {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: ConfigResourceTypes.BROKER,
          name: String(nodeId),
          configNames: ['default.replication.factor', 'min.insync.replicas'],
        },
      ],
    });
    const setValue = (name: string) => {
      const entry = resources[0]?.configEntries.find((candidate) => candidate.configName === name);
      const value = Number(entry?.configValue);
      return entry && !entry.isDefault && Number.isInteger(value) && value > 0 ? value : undefined;
    };
    return {
      defaultReplicationFactor: setValue('default.replication.factor'),
      minInsyncReplicas: setValue('min.insync.replicas'),
    };
  } catch {
    return {};
  }
}

/**
 * Creates the topics not there yet, asking again while the broker settles (a creation answered
 * with a transient error may have happened: the next listing tells). Leaders are awaited after,
 * rather than by kafkajs, whose few metadata retries give up while a busy broker is still electing
 * leaders for a whole catalog's partitions.
 */
async function createMissing(
  admin: Admin,
  topics: readonly TopicDefinition[],
  prefix: string,
  replication: Replication,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const present = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !present.has(topicName(topic, prefix)));
    if (missing.length === 0) return;
    try {
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((topic) => ({
          topic: topicName(topic, prefix),
          numPartitions: topic.partitions,
          replicationFactor: replication.replicationFactor,
          configEntries: Object.entries({
            'min.insync.replicas': String(replication.minInsyncReplicas),
            ...topic.config,
          }).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(
          `creating ${missing.length} topics: ${error instanceof Error ? error.message : String(error)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * Waits until every partition of `topics` has a leader; names those still without one if not.
 * Metadata errors while the broker settles (an unknown topic, a leader not ready yet, kafkajs
 * giving up its own retries) are asked again until the deadline: the topics were just created.
 */
async function awaitLeaders(
  admin: Admin,
  topics: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let waiting: string[] = [...topics];
  let lastError: string | undefined;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: waiting });
      const leaderless = metadata
        .filter(
          (topic) =>
            topic.partitions.length === 0 ||
            topic.partitions.some((partition) => partition.leader < 0),
        )
        .map((topic) => topic.name);
      // A leader in the metadata may not serve its partition yet (NOT_LEADER_OR_FOLLOWER to the
      // first reader): a topic is ready once its leaders answer for its offsets.
      const notServing: string[] = [];
      for (const topic of metadata.filter((each) => !leaderless.includes(each.name))) {
        try {
          await admin.fetchTopicOffsets(topic.name);
        } catch (error) {
          notServing.push(topic.name);
          lastError = error instanceof Error ? error.message : String(error);
        }
      }
      if (notServing.length === 0) lastError = undefined;
      waiting = [...leaderless, ...notServing];
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (waiting.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(
        `topics created, but ${waiting.length} still ha${waiting.length > 1 ? 've' : 's'} a partition without a leader after ${Math.round(timeoutMs / 1000)} s (${waiting.slice(0, 3).join(', ')}${waiting.length > 3 ? ', …' : ''}${lastError ? `; last answer: ${lastError}` : ''}): is the broker overloaded? Run the command again to finish.`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
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

/** The principal may not describe these topics: its ACLs are missing (or do not match the prefix). */
export class TopicsNotAuthorizedError extends Error {
  constructor(readonly topics: readonly string[]) {
    super(
      `this service's Kafka principal is not authorized for ${topics.join(', ')}: grant it the ACLs derived from the topic catalog (\`readmit kafka acls --apply\`, docs/kafka-clusters.md)`,
    );
    this.name = 'TopicsNotAuthorizedError';
  }
}

/** The topics a metadata error says the principal may not see: all asked, when the broker refused them as a whole. */
function refusedTopicsOf(error: unknown, asked: readonly string[]): string[] {
  const type = (error as { type?: string }).type;
  return type === 'TOPIC_AUTHORIZATION_FAILED' ? [...asked] : [];
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
    if (missing.length === 0) return;
    // A secured cluster lists only the topics the principal may describe: ask for the missing
    // ones by name, and the broker says which it refuses to this principal.
    const refused = await admin
      .fetchTopicMetadata({ topics: missing })
      .then(() => [])
      .catch((error: unknown) => refusedTopicsOf(error, missing));
    if (refused.length > 0) throw new TopicsNotAuthorizedError(refused);
    throw new MissingTopicsError(missing);
  } finally {
    await admin.disconnect();
  }
}
