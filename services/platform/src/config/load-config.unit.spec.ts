import { z } from 'zod';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { platformEnvSchema, toPlatformConfig } from './platform-config';

describe('loadConfig', () => {
  it('fills every platform variable with a local default when the environment is empty', () => {
    const env = loadConfig('ingest', platformEnvSchema, {});
    const config = toPlatformConfig('ingest', env);
    expect(config.httpPort).toBe(3000);
    expect(config.kafka).toEqual({
      brokers: ['localhost:9092'],
      clientId: 'readmit-ingest',
      topicPrefix: '',
      security: { tls: null, sasl: null },
    });
    expect(config.schemaRegistryUrl).toBe('http://localhost:8081/apis/ccompat/v7');
    expect(config.objectStore).toEqual({ kind: 'filesystem', root: '.readmit/artifacts' });
  });

  it('parses a broker list with spaces and several entries', () => {
    const env = loadConfig('ingest', platformEnvSchema, {
      READMIT_KAFKA_BROKERS: ' kafka-1:9092, kafka-2:19092 ,[::1]:9092',
    });
    expect(env.READMIT_KAFKA_BROKERS).toEqual(['kafka-1:9092', 'kafka-2:19092', '[::1]:9092']);
  });

  it.each([
    ['localhost'],
    ['localhost:abc'],
    ['localhost:99999'],
    ['http://localhost:9092'],
    [' , '],
  ])('rejects the malformed broker list %p naming the variable', (brokers) => {
    expect(() =>
      loadConfig('ingest', platformEnvSchema, { READMIT_KAFKA_BROKERS: brokers }),
    ).toThrow(/^ingest: invalid configuration: READMIT_KAFKA_BROKERS: /);
  });

  it('reports a missing required variable as not set', () => {
    const schema = platformEnvSchema.extend({ READMIT_API_KEYS: z.string().min(1) });
    expect(() => loadConfig('gateway', schema, {})).toThrow(
      new ConfigError('gateway', ['READMIT_API_KEYS: is required but not set']),
    );
  });

  it('reports every problem at once on one line', () => {
    let error: unknown;
    try {
      loadConfig('scoring', platformEnvSchema, {
        READMIT_HTTP_PORT: '-1',
        READMIT_DATABASE_URL: 'mysql://x/y',
        READMIT_LOG_LEVEL: 'loud',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { message, problems } = error as ConfigError;
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'READMIT_DATABASE_URL',
      'READMIT_HTTP_PORT',
      'READMIT_LOG_LEVEL',
    ]);
    expect(message).not.toContain('\n');
  });

  it('builds an S3 object store config with credentials only when both keys are set', () => {
    const base = {
      READMIT_OBJECT_STORE: 's3',
      READMIT_S3_ENDPOINT: 'http://minio:9000',
      READMIT_S3_BUCKET: 'models',
    };
    const withoutKeys = toPlatformConfig('trainer', loadConfig('trainer', platformEnvSchema, base));
    expect(withoutKeys.objectStore).toMatchObject({
      kind: 's3',
      bucket: 'models',
      endpoint: 'http://minio:9000',
      credentials: undefined,
    });
    const withKeys = toPlatformConfig(
      'trainer',
      loadConfig('trainer', platformEnvSchema, {
        ...base,
        AWS_ACCESS_KEY_ID: 'id',
        AWS_SECRET_ACCESS_KEY: 'secret',
      }),
    );
    expect(withKeys.objectStore).toMatchObject({
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
    });
  });
});
