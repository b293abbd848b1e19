import { testKafka } from '../../../../test/support/kafka';
import { uniqueName } from '../../../../test/support/endpoints';
import { GroupLagReader } from './consumer-lag';

describe('GroupLagReader on the local Kafka', () => {
  const kafka = testKafka();
  const admin = kafka.admin();
  const producer = kafka.producer();
  const topic = uniqueName('lag');
  const groupId = uniqueName('lag-group');

  beforeAll(async () => {
    await Promise.all([admin.connect(), producer.connect()]);
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    await producer.send({
      topic,
      messages: [0, 0, 0, 1, 1].map((partition, index) => ({ partition, value: String(index) })),
    });
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it("reads a group's lag per partition from its committed offsets", async () => {
    const reader = new GroupLagReader(kafka, groupId, [topic]);
    try {
      const byPartition = async () =>
        Object.fromEntries((await reader.read()).map((entry) => [entry.partition, entry.lag]));
      // Nothing committed yet: everything is still to read.
      expect(await byPartition()).toEqual({ 0: 3, 1: 2 });
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }] });
      expect(await byPartition()).toEqual({ 0: 1, 1: 2 });
    } finally {
      await reader.close();
    }
  });
});
