import { randomBytes } from 'node:crypto';
import type { KafkaSecurity } from '@readmit/platform/config';
import { reliableProducerConfig } from '@readmit/platform/kafka';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type Kafka,
} from 'kafkajs';
import { startDisposableKafka, type DisposableKafka } from '../support/disposable-kafka';

/**
 * The platform's Kafka client against a broker that takes only TLS + SCRAM-SHA-512 and authorizes
 * by ACL (issue 25): the settings services read from READMIT_KAFKA_TLS… and READMIT_KAFKA_SASL….
 */
describe('Kafka over TLS with SCRAM and ACLs (a secured broker of its own)', () => {
  const password = () => randomBytes(12).toString('hex');
  const users = { admin: password(), scoring: password(), stranger: password() };
  let broker: DisposableKafka & { readonly caFile?: string };
  const clients: Kafka[] = [];
  const as = (user: keyof typeof users, overrides: Partial<KafkaSecurity> = {}): Kafka => {
    const client = broker.client(`readmit-${user}`, {
      tls: { caFile: broker.caFile },
      sasl: { mechanism: 'scram-sha-512', username: user, password: users[user] },
      ...overrides,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    broker = await startDisposableKafka({ secureUsers: users });
  }, 180_000);
  afterAll(async () => {
    await broker?.destroy();
  });

  it('lets a principal use what its ACLs allow, and refuses a principal without them', async () => {
    const topic = 'secured.encounters';
    const admin = as('admin').admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      const allow = (
        resourceType: AclResourceTypes,
        resourceName: string,
        operation: AclOperationTypes,
      ) => ({
        resourceType,
        resourceName,
        resourcePatternType: ResourcePatternTypes.LITERAL,
        principal: 'User:scoring',
        host: '*',
        operation,
        permissionType: AclPermissionTypes.ALLOW,
      });
      await admin.createAcls({
        acl: [
          allow(AclResourceTypes.TOPIC, topic, AclOperationTypes.WRITE),
          allow(AclResourceTypes.TOPIC, topic, AclOperationTypes.READ),
          allow(AclResourceTypes.TOPIC, topic, AclOperationTypes.DESCRIBE),
          allow(AclResourceTypes.GROUP, 'readmit-scoring', AclOperationTypes.READ),
        ],
      });
    } finally {
      await admin.disconnect();
    }

    // scoring: writes and reads its topic in its group.
    const producer = as('scoring').producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'encounter' }] });
    await producer.disconnect();
    const consumer = as('scoring').consumer({ groupId: 'readmit-scoring' });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const read = new Promise<string>((resolve) => {
        void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
      });
      await expect(read).resolves.toBe('encounter');
    } finally {
      await consumer.disconnect();
    }

    // stranger: authenticated, but no ACL names it.
    // The services' producer settings (retries without a count) still fail at once: an
    // authorization error is not retried.
    const refused = as('stranger').producer(reliableProducerConfig());
    const asked = Date.now();
    await expect(refused.connect()).rejects.toThrow(/authoriz/i);
    expect(Date.now() - asked).toBeLessThan(10_000);
    await refused.disconnect();
  }, 120_000);

  it('fails with the reason on a wrong password (at once) or a certificate it does not trust', async () => {
    const wrongPassword = broker
      .client('readmit-wrong', {
        tls: { caFile: broker.caFile },
        sasl: { mechanism: 'scram-sha-512', username: 'scoring', password: 'not-it' },
      })
      .admin();
    const started = Date.now();
    await expect(wrongPassword.connect()).rejects.toThrow(
      /SASL SCRAM SHA512 authentication failed/,
    );
    expect(Date.now() - started).toBeLessThan(5_000); // not retried: a password does not heal
    // The system's CAs do not know the local CA (a connection error: retried, then thrown).
    const untrusted = as('scoring', { tls: {} }).admin();
    await expect(untrusted.connect()).rejects.toThrow(/certificate/i);
  }, 90_000);
});
