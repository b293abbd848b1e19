import { loadConfig } from './load-config';
import { platformEnvSchema, toPlatformConfig } from './platform-config';

const configOf = (env: Record<string, string>) =>
  toPlatformConfig('scoring', loadConfig('scoring', platformEnvSchema, env));

describe('Kafka security from the environment', () => {
  it('is plaintext with nothing set', () => {
    expect(configOf({}).kafka.security).toEqual({ tls: null, sasl: null });
  });

  it('reads TLS with a CA bundle and a client certificate, and SCRAM', () => {
    const { security } = configOf({
      READMIT_KAFKA_TLS: 'true',
      READMIT_KAFKA_TLS_CA_FILE: '/etc/readmit/ca.pem',
      READMIT_KAFKA_TLS_CERT_FILE: '/etc/readmit/scoring.pem',
      READMIT_KAFKA_TLS_KEY_FILE: '/etc/readmit/scoring-key.pem',
      READMIT_KAFKA_SASL_MECHANISM: 'scram-sha-512',
      READMIT_KAFKA_SASL_USERNAME: 'scoring',
      READMIT_KAFKA_SASL_PASSWORD: 'pw-123',
    }).kafka;
    expect(security).toEqual({
      tls: {
        caFile: '/etc/readmit/ca.pem',
        certFile: '/etc/readmit/scoring.pem',
        keyFile: '/etc/readmit/scoring-key.pem',
      },
      sasl: { mechanism: 'scram-sha-512', username: 'scoring', password: 'pw-123' },
    });
  });

  it('reads TLS with the system CAs, and OAUTHBEARER with client credentials', () => {
    const { security } = configOf({
      READMIT_KAFKA_TLS: 'true',
      READMIT_KAFKA_SASL_MECHANISM: 'oauthbearer',
      READMIT_KAFKA_SASL_OAUTH_TOKEN_URL: 'https://idp.example/oauth2/token',
      READMIT_KAFKA_SASL_OAUTH_CLIENT_ID: 'readmit-scoring',
      READMIT_KAFKA_SASL_OAUTH_CLIENT_SECRET: 'secret',
      READMIT_KAFKA_SASL_OAUTH_SCOPE: 'kafka',
    }).kafka;
    expect(security).toEqual({
      tls: {},
      sasl: {
        mechanism: 'oauthbearer',
        tokenUrl: 'https://idp.example/oauth2/token',
        clientId: 'readmit-scoring',
        clientSecret: 'secret',
        scope: 'kafka',
      },
    });
  });

  it.each([
    [
      {
        READMIT_KAFKA_SASL_MECHANISM: 'plain',
        READMIT_KAFKA_SASL_USERNAME: 'k',
        READMIT_KAFKA_SASL_PASSWORD: 'hunter2',
      },
      'READMIT_KAFKA_SASL_MECHANISM: plain sends the password in the clear; set READMIT_KAFKA_TLS=true',
    ],
    [
      {
        READMIT_KAFKA_TLS: 'true',
        READMIT_KAFKA_SASL_MECHANISM: 'scram-sha-256',
        READMIT_KAFKA_SASL_USERNAME: 'k',
      },
      'READMIT_KAFKA_SASL_PASSWORD: required with READMIT_KAFKA_SASL_MECHANISM=scram-sha-256',
    ],
    [
      {
        READMIT_KAFKA_TLS: 'true',
        READMIT_KAFKA_SASL_MECHANISM: 'oauthbearer',
        READMIT_KAFKA_SASL_OAUTH_CLIENT_ID: 'c',
        READMIT_KAFKA_SASL_OAUTH_CLIENT_SECRET: 's',
      },
      'READMIT_KAFKA_SASL_OAUTH_TOKEN_URL: required with READMIT_KAFKA_SASL_MECHANISM=oauthbearer',
    ],
    [
      { READMIT_KAFKA_TLS: 'true', READMIT_KAFKA_TLS_CERT_FILE: '/c.pem' },
      'READMIT_KAFKA_TLS_CERT_FILE and READMIT_KAFKA_TLS_KEY_FILE: a client certificate needs both',
    ],
    [
      { READMIT_KAFKA_TLS_CA_FILE: '/ca.pem' },
      'READMIT_KAFKA_TLS: set it to true to use READMIT_KAFKA_TLS_CA_FILE, _CERT_FILE or _KEY_FILE',
    ],
    [
      { READMIT_KAFKA_SASL_USERNAME: 'k', READMIT_KAFKA_SASL_PASSWORD: 'hunter2' },
      'READMIT_KAFKA_SASL_USERNAME: set READMIT_KAFKA_SASL_MECHANISM to use it',
    ],
  ])('refuses %j, naming the variable and never a secret', (env, problem) => {
    let message = '';
    try {
      configOf(env as Record<string, string>);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(problem);
    expect(message).not.toContain('hunter2');
  });

  it('refuses a mechanism it does not know', () => {
    expect(() => configOf({ READMIT_KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(
      /READMIT_KAFKA_SASL_MECHANISM: must be plain, scram-sha-256, scram-sha-512 or oauthbearer/,
    );
  });
});

describe('schema registry credentials from the environment', () => {
  it('takes both, over https or to this machine', () => {
    expect(
      configOf({
        READMIT_SCHEMA_REGISTRY_URL: 'https://psrc-1.eu-west-1.aws.confluent.cloud',
        READMIT_SCHEMA_REGISTRY_USERNAME: 'SRKEY',
        READMIT_SCHEMA_REGISTRY_PASSWORD: 'srsecret',
      }).schemaRegistryAuth,
    ).toEqual({ username: 'SRKEY', password: 'srsecret' });
    expect(
      configOf({
        READMIT_SCHEMA_REGISTRY_USERNAME: 'u',
        READMIT_SCHEMA_REGISTRY_PASSWORD: 'p',
      }).schemaRegistryAuth,
    ).toEqual({ username: 'u', password: 'p' }); // the local default, http://localhost
    expect(configOf({}).schemaRegistryAuth).toBeUndefined();
  });

  it('refuses one without the other, and a password sent in the clear over the network', () => {
    expect(() => configOf({ READMIT_SCHEMA_REGISTRY_USERNAME: 'u' })).toThrow(
      /READMIT_SCHEMA_REGISTRY_USERNAME and READMIT_SCHEMA_REGISTRY_PASSWORD: set both or neither/,
    );
    expect(() =>
      configOf({
        READMIT_SCHEMA_REGISTRY_URL: 'http://registry.hospital.internal:8081',
        READMIT_SCHEMA_REGISTRY_USERNAME: 'u',
        READMIT_SCHEMA_REGISTRY_PASSWORD: 'hunter2',
      }),
    ).toThrow(/READMIT_SCHEMA_REGISTRY_URL: use https/);
  });
});
