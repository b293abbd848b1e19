import type { Admin, Kafka } from 'kafkajs';

/** One partition's lag: the messages between a group's committed offset and the high watermark. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

/**
 * Lag per partition from a group's committed offsets and the topic's watermarks. A partition the
 * group has never committed (offset -1) counts from its low watermark: everything is still to read.
 */
export function partitionLags(
  topic: string,
  committed: ReadonlyArray<{ partition: number; offset: string }>,
  watermarks: ReadonlyArray<{ partition: number; high: string; low: string }>,
): PartitionLag[] {
  const committedAt = new Map(
    committed.map(({ partition, offset }) => [partition, BigInt(offset)]),
  );
  return watermarks.map(({ partition, high, low }) => {
    const offset = committedAt.get(partition) ?? -1n;
    const from = offset < 0n ? BigInt(low) : offset;
    const lag = BigInt(high) - from;
    return { topic, partition, lag: Number(lag > 0n ? lag : 0n) };
  });
}

/** How many partitions of a topic miss an in-sync replica, and how many have no leader at all. */
export interface TopicReplication {
  readonly topic: string;
  readonly underReplicated: number;
  readonly withoutLeader: number;
}

/**
 * From a topic's metadata: a partition is under-replicated while fewer replicas are in sync than
 * it has (a broker down or catching up), and unavailable without a leader (nothing can be
 * written to or read from it).
 */
export function topicReplication(
  topic: string,
  partitions: ReadonlyArray<{
    leader: number;
    replicas: readonly number[];
    isr: readonly number[];
  }>,
): TopicReplication {
  return {
    topic,
    underReplicated: partitions.filter(
      (partition) => partition.isr.length < partition.replicas.length,
    ).length,
    withoutLeader: partitions.filter((partition) => partition.leader < 0).length,
  };
}

/**
 * Reads a consumer group's lag from the cluster, with an admin client of its own (connected on
 * first use). Unlike the lag seen in fetched batches, this keeps growing while a consumer is
 * stuck, which is when an alert on it matters.
 */
export class GroupLagReader {
  private admin: Admin | undefined;
  private connected: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    /** The group's id on the cluster (scoped to the topic prefix). */
    readonly clusterGroupId: string,
    /** The topics' names on the cluster. */
    readonly topics: readonly string[],
  ) {}

  async read(): Promise<PartitionLag[]> {
    const admin = await this.connect();
    const committed = await admin.fetchOffsets({
      groupId: this.clusterGroupId,
      topics: [...this.topics],
    });
    const lags = await Promise.all(
      committed.map(async ({ topic, partitions }) =>
        partitionLags(topic, partitions, await admin.fetchTopicOffsets(topic)),
      ),
    );
    return lags.flat();
  }

  /** The replication state of the group's topics, from the cluster's metadata. */
  async readReplication(): Promise<TopicReplication[]> {
    const admin = await this.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [...this.topics] });
    return topics.map(({ name, partitions }) => topicReplication(name, partitions));
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    this.connected = undefined;
    if (admin) await admin.disconnect().catch(() => undefined);
  }

  private async connect(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      this.connected = this.admin.connect().catch((error: unknown) => {
        this.admin = undefined;
        this.connected = undefined;
        throw error;
      });
    }
    const admin = this.admin;
    await this.connected;
    return admin;
  }
}
