import { Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import {
  EXAMPLE_EVENTS,
  EXAMPLE_PSEUDONYMS,
  TOPICS,
  type EncounterRecorded,
} from '@readmit/contracts';
import request from 'supertest';
import { platformEnvSchema } from '../config/platform-config';
import { createService } from '../bootstrap/run-service';
import { eventually, testEndpoints, uniqueName } from '../../../../test/support/endpoints';
import { isolatedCatalog, testKafka } from '../../../../test/support/kafka';
import { EventPublisher } from './event-publisher';
import { EventsModule, EventStreams } from './events.module';
import { SchemaCompatibilityError } from './kafka-errors';
import { MissingTopicsError } from './topic-provisioner';

/** The encounters (pseudonyms) the tiny service consumed. */
const received: string[] = [];

/** A tiny service: it consumes encounters through the module's consumer factory. */
@Injectable()
class EncounterCounter implements OnApplicationBootstrap {
  constructor(@Inject(EventStreams) private readonly streams: EventStreams) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.streams
      .consumer({ groupId: uniqueName('counter'), topics: [TOPICS.encounters] })
      .start({
        EncounterRecorded: async (event: EncounterRecorded) =>
          void received.push(event.encounter_id),
      });
  }
}

@Module({
  imports: [EventsModule.register({ produces: ['EncounterRecorded'] })],
  providers: [EncounterCounter],
})
class CounterServiceModule {}

function env(prefix: string): Record<string, string> {
  const endpoints = testEndpoints();
  return {
    READMIT_HTTP_PORT: '0',
    READMIT_LOG_LEVEL: 'fatal',
    READMIT_KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    READMIT_SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
    READMIT_TOPIC_PREFIX: prefix,
  };
}

describe('EventsModule in a service', () => {
  it('registers schemas at start-up, publishes and consumes typed events, reports readiness, and stops cleanly', async () => {
    const prefix = await isolatedCatalog(testKafka());
    const app = await createService(
      { name: 'counter', envSchema: platformEnvSchema, module: CounterServiceModule },
      env(prefix),
    );
    try {
      const ready = await request(app.getHttpServer()).get('/ready').expect(200);
      // The consumer the service made through EventStreams counts in readiness too.
      const checks = ready.body.checks as Record<string, { ready: boolean }>;
      const consumerChecks = Object.keys(checks).filter((name) => name.startsWith('consumer:'));
      expect(consumerChecks).toEqual([expect.stringMatching(/^consumer:counter-/)]);
      expect(checks).toEqual({
        kafka: { ready: true },
        'schema-registry': { ready: true },
        [consumerChecks[0]]: { ready: true },
      });
      await app
        .get(EventPublisher)
        .publish(
          'EncounterRecorded',
          EXAMPLE_PSEUDONYMS.encounter,
          EXAMPLE_EVENTS.EncounterRecorded,
        );
      await eventually(async () =>
        received.includes(EXAMPLE_PSEUDONYMS.encounter) ? true : undefined,
      );
      const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
      expect(metrics.text).toMatch(
        /readmit_kafka_messages_consumed_total\{[^}]*event_type="EncounterRecorded"[^}]*service="counter"\} 1/,
      );
    } finally {
      await app.close();
    }
  });

  it('refuses to start when a topic it writes to does not exist, naming it', async () => {
    const prefix = `${uniqueName('t')}.`;
    const start = createService(
      { name: 'counter', envSchema: platformEnvSchema, module: CounterServiceModule },
      env(prefix),
    );
    await expect(start).rejects.toBeInstanceOf(MissingTopicsError);
    await expect(start).rejects.toThrow(`topic ${prefix}patient.encounters does not exist`);
  });

  it('refuses to start when a contract is not BACKWARD compatible with the registered one', async () => {
    const prefix = await isolatedCatalog(testKafka(), [TOPICS.encounters]);
    // Someone registered a different EncounterRecorded under this subject before us.
    await new SchemaRegistry({ host: testEndpoints().schemaRegistryUrl }).register(
      {
        type: SchemaType.AVRO,
        schema: JSON.stringify({
          type: 'record',
          name: 'EncounterRecorded',
          namespace: 'health.readmit.v1',
          fields: [{ name: 'id', type: 'long' }],
        }),
      },
      { subject: `${prefix}patient.encounters-health.readmit.v1.EncounterRecorded` },
    );
    await fetch(
      `${testEndpoints().schemaRegistryUrl}/config/${prefix}patient.encounters-health.readmit.v1.EncounterRecorded`,
      {
        method: 'PUT',
        headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ compatibility: 'BACKWARD' }),
      },
    );
    const start = createService(
      { name: 'counter', envSchema: platformEnvSchema, module: CounterServiceModule },
      env(prefix),
    );
    await expect(start).rejects.toBeInstanceOf(SchemaCompatibilityError);
    await expect(start).rejects.toThrow(/is not BACKWARD compatible with the registered versions/);
  });
});
