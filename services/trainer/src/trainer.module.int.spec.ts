import type { INestApplication } from '@nestjs/common';
import { TOPICS } from '@readmit/contracts';
import { createService } from '@readmit/platform/bootstrap';
import { platformEnvSchema } from '@readmit/platform/config';
import request from 'supertest';
import { testApiKey } from '../../../test/support/api-keys';
import { testEndpoints } from '../../../test/support/endpoints';
import { isolatedCatalog, testKafka } from '../../../test/support/kafka';
import { TrainerModule } from './trainer.module';

describe('the trainer service', () => {
  let app: INestApplication | undefined;

  afterAll(async () => {
    await app?.close();
  });

  it('starts and reports ready, with its training metrics', async () => {
    const prefix = await isolatedCatalog(testKafka(), [
      TOPICS.encounters,
      TOPICS.outcomes,
      TOPICS.training,
    ]);
    const { kafkaBrokers, schemaRegistryUrl } = testEndpoints();
    app = await createService(
      { name: 'trainer', envSchema: platformEnvSchema, module: TrainerModule },
      {
        READMIT_HTTP_PORT: '0',
        READMIT_LOG_LEVEL: 'fatal',
        READMIT_KAFKA_BROKERS: kafkaBrokers.join(','),
        READMIT_SCHEMA_REGISTRY_URL: schemaRegistryUrl,
        READMIT_TOPIC_PREFIX: prefix,
        READMIT_OBJECT_STORE_ROOT: '.readmit/test-artifacts',
        // Its dataset exports need the read role.
        READMIT_API_KEYS: testApiKey('analyst', ['read']).entry,
      },
    );
    await request(app.getHttpServer()).get('/ready').expect(200);
    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toContain('readmit_training_runs_total');
  });
});
