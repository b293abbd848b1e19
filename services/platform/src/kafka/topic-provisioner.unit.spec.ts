import { TOPICS, topicName } from '@readmit/contracts';
import type { Admin, Kafka } from 'kafkajs';
import { chooseReplication, provisionTopics, replicationFor } from './topic-provisioner';

/** An admin client whose broker is settling: its first answers are transient errors. */
interface CreatedTopic {
  topic: string;
  replicationFactor: number;
  configEntries: Array<{ name: string; value: string }>;
}

function settlingAdmin(
  failures: { create: number; metadata: number; offsets?: number },
  brokers = 1,
) {
  const topics = new Set<string>();
  const calls = { create: 0, metadata: 0, offsets: 0 };
  const created: CreatedTopic[] = [];
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => [...topics],
    describeCluster: async () => ({
      brokers: Array.from({ length: brokers }, (_, index) => ({ nodeId: index + 1 })),
    }),
    createTopics: async ({ topics: wanted }: { topics: CreatedTopic[] }) => {
      calls.create += 1;
      created.push(...wanted);
      // The creation happens, but the answer is an error (as a busy broker may say).
      for (const { topic } of wanted) topics.add(topic);
      if (calls.create <= failures.create)
        throw new Error('This server is not the leader for that topic-partition');
      return true;
    },
    fetchTopicMetadata: async ({ topics: names }: { topics: string[] }) => {
      calls.metadata += 1;
      if (calls.metadata <= failures.metadata)
        throw new Error('This server does not host this topic-partition');
      return {
        topics: names.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 1 }] })),
      };
    },
    fetchTopicOffsets: async () => {
      calls.offsets += 1;
      // The leader named in the metadata does not serve the partition yet.
      if (calls.offsets <= (failures.offsets ?? 0))
        throw new Error('This server is not the leader for that topic-partition');
      return [{ partition: 0, offset: '0', low: '0', high: '0' }];
    },
  };
  return { kafka: { admin: () => admin as unknown as Admin } as unknown as Kafka, calls, created };
}

describe('replication by cluster size', () => {
  it('keeps three copies, two in sync, where it can', () => {
    expect([1, 2, 3, 5].map(replicationFor)).toEqual([
      { replicationFactor: 1, minInsyncReplicas: 1 },
      { replicationFactor: 2, minInsyncReplicas: 1 },
      { replicationFactor: 3, minInsyncReplicas: 2 },
      { replicationFactor: 3, minInsyncReplicas: 2 },
    ]);
  });

  it("follows the operator's broker defaults when set, whatever the brokers registered right now", () => {
    // A three-node cluster seen with one broker restarting: its defaults still say 3 and 2.
    expect(chooseReplication(2, { defaultReplicationFactor: 3, minInsyncReplicas: 2 })).toEqual({
      replicationFactor: 3,
      minInsyncReplicas: 2,
    });
    expect(chooseReplication(5, { defaultReplicationFactor: 4 })).toEqual({
      replicationFactor: 4,
      minInsyncReplicas: 2,
    });
    // Nothing set (Kafka's own default of 1 is not a choice): by cluster size.
    expect(chooseReplication(3, {})).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('creates the topics with the replication of the cluster it finds, their own configs kept', async () => {
    const { kafka, created } = settlingAdmin({ create: 0, metadata: 0 }, 3);
    await provisionTopics(kafka, { topics: [TOPICS.encounters] });
    expect(created).toHaveLength(1);
    expect(created[0].replicationFactor).toBe(3);
    expect(Object.fromEntries(created[0].configEntries.map((e) => [e.name, e.value]))).toEqual({
      'min.insync.replicas': '2',
      ...TOPICS.encounters.config,
    });
  });
});

describe('provisionTopics on a settling broker', () => {
  const wanted = [TOPICS.models, TOPICS.drift];

  it('asks again after transient errors from creation and metadata, creating nothing twice', async () => {
    const { kafka, calls } = settlingAdmin({ create: 1, metadata: 2 });
    const result = await provisionTopics(kafka, { prefix: 'p.', topics: wanted });
    expect(result.created).toEqual(wanted.map((topic) => topicName(topic, 'p.')));
    // The failed creation had happened: the next listing found the topics, nothing recreated.
    expect(calls.create).toBe(1);
    expect(calls.metadata).toBe(3);
  });

  it('waits until every new topic’s leader answers for its offsets', async () => {
    const { kafka, calls } = settlingAdmin({ create: 0, metadata: 0, offsets: 3 });
    await provisionTopics(kafka, { prefix: 'p.', topics: wanted });
    // Three refusals, then both topics answer.
    expect(calls.offsets).toBe(5);
    expect(calls.metadata).toBeGreaterThanOrEqual(2);
  });

  it('gives up at the deadline, naming the topics and the last answer', async () => {
    const { kafka } = settlingAdmin({ create: 0, metadata: 1_000 });
    await expect(
      provisionTopics(kafka, { prefix: 'p.', topics: wanted, leaderTimeoutMs: 300 }),
    ).rejects.toThrow(
      /2 still have a partition without a leader after 0 s \(p\.ml\.models, p\.ml\.drift; last answer: This server does not host this topic-partition\)/,
    );
  });
});
