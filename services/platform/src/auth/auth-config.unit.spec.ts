import { ConfigError } from '../config/config-error';
import { loadConfig } from '../config/load-config';
import { platformEnvSchema, toPlatformConfig } from '../config/platform-config';

const entry = (name: string, keyId: string) =>
  `${name}:read:${keyId}:scrypt.16384.8.1.${'A'.repeat(22)}.${'B'.repeat(43)}`;
const configOf = (env: Record<string, string>) =>
  toPlatformConfig('probe', loadConfig('probe', platformEnvSchema, env));

describe('auth configuration', () => {
  it('is optional for the platform: no keys, no issuer, no delegates', () => {
    expect(configOf({}).auth).toEqual({ apiKeys: [], delegates: [] });
  });

  it('reads entries, delegates and a complete OIDC issuer (roles from `roles`, names from `sub`)', () => {
    const config = configOf({
      READMIT_API_KEYS: `${entry('lee', '0123456789abcdef')},${entry('lee', 'fedcba9876543210')}`,
      READMIT_AUTH_DELEGATES: 'gateway-console, other',
      READMIT_OIDC_ISSUER: 'https://login.hospital.example/realms/readmit',
      READMIT_OIDC_AUDIENCE: 'readmit',
      READMIT_OIDC_JWKS_URL: 'https://login.hospital.example/realms/readmit/certs',
    });
    // One principal may hold two keys at once: how a key is rotated.
    expect(config.auth.apiKeys.map((key) => key.name)).toEqual(['lee', 'lee']);
    expect(config.auth.delegates).toEqual(['gateway-console', 'other']);
    expect(config.auth.oidc).toEqual({
      issuer: 'https://login.hospital.example/realms/readmit',
      audience: 'readmit',
      jwksUrl: 'https://login.hospital.example/realms/readmit/certs',
      rolesClaim: 'roles',
      nameClaim: 'sub',
    });
  });

  it('refuses a repeated key id and names the entry', () => {
    expect(() =>
      configOf({
        READMIT_API_KEYS: `${entry('a', '0123456789abcdef')},${entry('b', '0123456789abcdef')}`,
      }),
    ).toThrow('READMIT_API_KEYS: entry 2 (b) repeats the key id of an earlier entry');
  });

  it('refuses half an OIDC configuration, naming what is missing', () => {
    let error: unknown;
    try {
      configOf({ READMIT_OIDC_ISSUER: 'https://login.hospital.example' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'READMIT_OIDC_AUDIENCE: is required when READMIT_OIDC_ISSUER is set',
      "READMIT_OIDC_JWKS_URL: is required when READMIT_OIDC_ISSUER is set (the issuer's jwks_uri, in <issuer>/.well-known/openid-configuration)",
    ]);
    expect(() => configOf({ READMIT_OIDC_AUDIENCE: 'readmit' })).toThrow(
      'READMIT_OIDC_AUDIENCE: is set but READMIT_OIDC_ISSUER is not',
    );
    expect(() => configOf({ READMIT_AUTH_DELEGATES: 'a:b' })).toThrow(
      "READMIT_AUTH_DELEGATES: 'a:b' is not a principal name",
    );
  });
});
