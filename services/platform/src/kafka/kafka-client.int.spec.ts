import { createLogger } from '../logging/logger';
import { createKafkaClient } from './kafka-client.factory';
import { eventually, testEndpoints, uniqueName } from '../../../../test/support/endpoints';

describe('createKafkaClient on the real broker', () => {
  const endpoints = testEndpoints();
  const kafka = createKafkaClient(
    { brokers: endpoints.kafkaBrokers, clientId: 'readmit-test' },
    createLogger({ service: 'test', level: 'fatal' }),
  );

  it('produces a message and a consumer in its own group reads it back', async () => {
    const topic = uniqueName('test.platform.roundtrip');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({
      topic,
      messages: [{ key: 'encounter-1', value: 'hello readmit', headers: { eventType: 'Probe' } }],
    });
    await producer.disconnect();

    const received: Array<{ key: string; value: string; eventType: string }> = [];
    const consumer = kafka.consumer({ groupId: uniqueName('test-group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({
          key: String(message.key),
          value: String(message.value),
          eventType: String(message.headers?.eventType),
        });
      },
    });
    try {
      const messages = await eventually(async () => (received.length > 0 ? received : undefined));
      expect(messages).toEqual([
        { key: 'encounter-1', value: 'hello readmit', eventType: 'Probe' },
      ]);
    } finally {
      await consumer.disconnect();
    }
  });
});
