import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allTopics, TOPICS } from '@readmit/contracts';
import { createKafkaClient, provisionTopics } from '@readmit/platform/kafka';
import { uniqueName, testEndpoints } from '../support/endpoints';
import { isolatedCatalog, quietLogger, testKafka } from '../support/kafka';
import { startScoringService } from '../support/scoring-service';
import { testKafkaSecurity } from '../support/secure-kafka';
import { ServiceStarter } from '../support/service-starter';

/**
 * Runs only in `integration-secure` (TLS + SCRAM + StandardAuthorizer): each service is its own
 * principal, allowed what the topic catalog's access table derives (contracts/src/kafka-access.ts).
 */
describe('per-service principals and the ACLs derived from the topic catalog', () => {
  const admin = testKafka('readmit-acl-test');
  const as = (service: string) =>
    createKafkaClient(
      {
        brokers: testEndpoints().kafkaBrokers,
        clientId: `readmit-${service}`,
        security: testKafkaSecurity(service),
      },
      quietLogger,
    );
  let root: string;
  const starters: ServiceStarter[] = [];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'readmit-acls-'));
  });
  afterAll(async () => {
    for (const starter of starters) await starter.stopAll();
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses to start a service whose ACLs were never granted, naming the topics, instead of hanging', async () => {
    // The topics exist, but nobody granted scoring anything under this prefix.
    const prefix = `${uniqueName('noacl')}.`;
    await provisionTopics(admin, { prefix, topics: allTopics() });
    const services = new ServiceStarter({ prefix });
    starters.push(services);
    const started = Date.now();
    await expect(startScoringService(services, root)).rejects.toThrow(
      /Kafka principal is not authorized for .*patient\.(encounters|predictions)/,
    );
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('starts scoring as its own principal once the derived ACLs are granted', async () => {
    const prefix = await isolatedCatalog(admin);
    const services = new ServiceStarter({ prefix });
    starters.push(services);
    const scoring = await startScoringService(services, root);
    const health = await fetch(`${await scoring.getUrl()}/ready`.replace('[::1]', '127.0.0.1'));
    expect([200, 503]).toContain(health.status); // up and answering; no champion yet is fine
  });

  it('lets a principal write only the topics the catalog names it a writer of', async () => {
    const prefix = await isolatedCatalog(admin, [TOPICS.encounters, TOPICS.predictions]);
    const producer = as('scoring').producer();
    await producer.connect();
    try {
      await producer.send({
        topic: `${prefix}${TOPICS.predictions.name}`,
        messages: [{ key: '1', value: 'prediction' }],
      });
      await expect(
        producer.send({
          topic: `${prefix}${TOPICS.encounters.name}`,
          messages: [{ key: '1', value: 'forged encounter' }],
        }),
      ).rejects.toThrow(/not authorized/i);
    } finally {
      await producer.disconnect();
    }
  });

  it("keeps a service out of another service's consumer group", async () => {
    const prefix = await isolatedCatalog(admin, [TOPICS.encounters]);
    const consumer = as('monitor').consumer({ groupId: `${prefix}readmit-scoring` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: `${prefix}${TOPICS.encounters.name}` });
      const crashed = new Promise<string>((resolve) => {
        consumer.on(consumer.events.CRASH, (event) => resolve(String(event.payload.error)));
      });
      await consumer.run({ eachMessage: async () => undefined });
      await expect(crashed).resolves.toMatch(/not authorized/i);
    } finally {
      await consumer.disconnect();
    }
  });
});
