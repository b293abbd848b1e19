import { ConfigError, loadConfig } from '@readmit/platform/config';
import { gatewayEnvSchema } from './gateway.config';

describe('gateway configuration', () => {
  it('reads comma-separated API keys and defaults the rest', () => {
    const env = loadConfig('gateway', gatewayEnvSchema, {
      READMIT_API_KEYS: ' key-one-0123456789abcdef , key-two-0123456789abcdef,',
    });
    expect(env.READMIT_API_KEYS).toEqual(['key-one-0123456789abcdef', 'key-two-0123456789abcdef']);
    expect(env).toMatchObject({
      READMIT_GATEWAY_MAX_BATCH: 100,
      READMIT_SCORING_TIMEOUT_MS: 2_000,
      READMIT_GATEWAY_RETRY_AFTER_SECONDS: 5,
      READMIT_INSTANCE_ID: expect.any(String),
    });
  });

  it('needs API keys: none set is a configuration error', () => {
    expect(() => loadConfig('gateway', gatewayEnvSchema, {})).toThrow(
      'READMIT_API_KEYS: is required but not set',
    );
    expect(() => loadConfig('gateway', gatewayEnvSchema, { READMIT_API_KEYS: ' , ' })).toThrow(
      'READMIT_API_KEYS: must list at least one API key',
    );
  });

  it('refuses short keys without ever quoting a key', () => {
    const keys = 'long-enough-key-0123456789,tiny-secret';
    let error: unknown;
    try {
      loadConfig('gateway', gatewayEnvSchema, { READMIT_API_KEYS: keys });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('READMIT_API_KEYS: key 2 is shorter than 16 characters');
    expect(message).not.toContain('tiny-secret');
    expect(message).not.toContain('long-enough-key');
  });

  it('defaults the web console: registry URL, session lifetime, watched consumer groups', () => {
    const key = { READMIT_API_KEYS: 'key-one-0123456789abcdef' };
    expect(loadConfig('gateway', gatewayEnvSchema, key)).toMatchObject({
      READMIT_REGISTRY_URL: 'http://localhost:3001',
      READMIT_CONSOLE_SESSION_HOURS: 8,
      READMIT_CONSOLE_LAG_GROUPS: ['readmit-scoring', 'readmit-monitor'],
    });
    expect(
      loadConfig('gateway', gatewayEnvSchema, {
        ...key,
        READMIT_REGISTRY_URL: 'http://registry:3000',
        READMIT_CONSOLE_LAG_GROUPS: ' readmit-scoring , ',
      }),
    ).toMatchObject({
      READMIT_REGISTRY_URL: 'http://registry:3000',
      READMIT_CONSOLE_LAG_GROUPS: ['readmit-scoring'],
    });
    expect(() =>
      loadConfig('gateway', gatewayEnvSchema, { ...key, READMIT_REGISTRY_URL: 'registry' }),
    ).toThrow('READMIT_REGISTRY_URL');
  });
});
