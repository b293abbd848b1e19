import { allTopics, topicName } from '@readmit/contracts';
import { testKafka } from '../../../../test/support/kafka';
import { uniqueName } from '../../../../test/support/endpoints';
import { provisionTopics } from './topic-provisioner';

describe('provisionTopics on the local Kafka', () => {
  const kafka = testKafka();
  const admin = kafka.admin();
  const prefix = `${uniqueName('provision')}.`;
  const names = allTopics().map((topic) => topicName(topic, prefix));

  beforeAll(() => admin.connect());
  afterAll(async () => {
    await admin.deleteTopics({ topics: names }).catch(() => undefined);
    await admin.disconnect();
  });

  it('creates the whole catalog and returns only once every partition has a leader', async () => {
    const result = await provisionTopics(kafka, { prefix });
    expect([...result.created].sort()).toEqual([...names].sort());
    expect(result.existing).toEqual([]);
    const { topics } = await admin.fetchTopicMetadata({ topics: names });
    const leaderless = topics.filter(
      (topic) =>
        topic.partitions.length === 0 || topic.partitions.some((partition) => partition.leader < 0),
    );
    expect(leaderless.map((topic) => topic.name)).toEqual([]);
    const partitions = Object.fromEntries(
      topics.map((topic) => [topic.name, topic.partitions.length]),
    );
    for (const topic of allTopics())
      expect(partitions[topicName(topic, prefix)]).toBe(topic.partitions);
  });

  it('is safe to run again: every topic is reported as existing, none created', async () => {
    const result = await provisionTopics(kafka, { prefix });
    expect(result.created).toEqual([]);
    expect([...result.existing].sort()).toEqual([...names].sort());
  });
});
