import { ConfigError, loadConfig } from '@readmit/platform/config';
import { TEST_PSEUDONYM_KEY } from '../../../test/support/pseudonyms';
import { gatewayEnvSchema } from './gateway.config';

/** A well-formed entry (its hash is not of any key: parsing does not run scrypt). */
const entry = (name: string, roles: string, keyId: string) =>
  `${name}:${roles}:${keyId}:scrypt.16384.8.1.${Buffer.alloc(16, 1).toString('base64url')}.${Buffer.alloc(32, 2).toString('base64url')}`;

describe('gateway configuration', () => {
  it('reads comma-separated API key entries and defaults the rest', () => {
    const env = loadConfig('gateway', gatewayEnvSchema, {
      READMIT_API_KEYS: ` ${entry('app', 'predict', '0123456789abcdef')} , ${entry('dr.lee', 'read+operate', 'fedcba9876543210')},`,
      READMIT_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
    });
    expect(env.READMIT_API_KEYS.map(({ name, roles, keyId }) => ({ name, roles, keyId }))).toEqual([
      { name: 'app', roles: ['predict'], keyId: '0123456789abcdef' },
      { name: 'dr.lee', roles: ['read', 'operate'], keyId: 'fedcba9876543210' },
    ]);
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
      'READMIT_API_KEYS: must list at least one API key entry',
    );
  });

  it('needs the site pseudonym key, and never quotes it', () => {
    const key = { READMIT_API_KEYS: entry('app', 'predict', '0123456789abcdef') };
    expect(() => loadConfig('gateway', gatewayEnvSchema, key)).toThrow(
      'READMIT_PSEUDONYM_KEY: is required but not set',
    );
    const short = Buffer.alloc(12, 9).toString('base64');
    expect(() =>
      loadConfig('gateway', gatewayEnvSchema, { ...key, READMIT_PSEUDONYM_KEY: short }),
    ).toThrow(/READMIT_PSEUDONYM_KEY: must be base64 of at least 32 random bytes \(it holds 12\)$/);
  });

  it('refuses plain keys, saying how to hash them, without ever quoting a key', () => {
    const keys = `${entry('app', 'predict', '0123456789abcdef')},tiny-secret-0123456789`;
    let error: unknown;
    try {
      loadConfig('gateway', gatewayEnvSchema, { READMIT_API_KEYS: keys });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('READMIT_API_KEYS: entry 2 is a plain key');
    expect(message).toContain('readmit keys create --name <name> --roles <roles>');
    expect(message).not.toContain('tiny-secret');
  });

  it('defaults the web console: registry URL, session lifetime, watched consumer groups', () => {
    const key = {
      READMIT_API_KEYS: entry('app', 'predict', '0123456789abcdef'),
      READMIT_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
    };
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
