// patches/kafkajs+2.2.4.patch adds OffsetFetch v7 with require_stable (KIP-447). A group's offsets
// written by a transaction are "pending" until its markers are written; kafkajs asked for the
// offsets without require_stable and got the offset before them, so a read_committed member that
// (re)joined while a commit was still completing (a broker killed under it, a rebalance) started
// from there and processed that transaction's input a second time: duplicate outputs.
import type { Admin, Consumer, Producer } from 'kafkajs';
import { eventually, uniqueName } from '../../../../test/support/endpoints';
import { testKafka } from '../../../../test/support/kafka';
import { fetchStableOffsets } from './stable-offsets';

describe('Offsets a transaction has not completed (kafkajs patched for KIP-447)', () => {
  const kafka = testKafka();
  const admin: Admin = kafka.admin();
  const topic = uniqueName('stable-offsets');
  let producer: Producer;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const plain = kafka.producer();
    await plain.connect();
    await plain.send({
      topic,
      messages: Array.from({ length: 10 }, (_, index) => ({ value: String(index) })),
    });
    await plain.disconnect();
    producer = kafka.producer({
      transactionalId: uniqueName('stable-offsets-tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('a read_committed member waits for the pending offset and starts from it, not before it', async () => {
    const groupId = uniqueName('stable-offsets-group');
    const transaction = await producer.transaction();
    await transaction.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic, partitions: [{ partition: 0, offset: '6' }] }],
    });

    // Without require_stable the broker answers with the offset before the transaction's.
    const [unstable] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(unstable.partitions[0].offset).toBe('-1');
    // With it, the broker says the offset is not settled yet.
    await expect(
      admin.fetchOffsets({ groupId, topics: [topic], requireStable: true }),
    ).rejects.toMatchObject({ type: 'UNSTABLE_OFFSET_COMMIT', retriable: true });

    const offsetsRead: number[] = [];
    consumer = kafka.consumer({
      groupId,
      readUncommitted: false,
      retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 1_000 },
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        offsetsRead.push(Number(message.offset));
      },
    });
    // The member has joined, and reads nothing while the transaction is open.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(offsetsRead).toEqual([]);

    // fetchStableOffsets waits for the transaction rather than answering with the older offset.
    const stableOnceCommitted = fetchStableOffsets(admin, groupId, [topic]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await transaction.commit();
    const [settled] = await stableOnceCommitted;
    expect(settled.partitions[0].offset).toBe('6');
    await eventually(async () => {
      expect(offsetsRead).toEqual([6, 7, 8, 9]);
      return true;
    });
    const [stable] = await admin.fetchOffsets({ groupId, topics: [topic], requireStable: true });
    expect(stable.partitions[0].offset).toBe('6');
  });
});
