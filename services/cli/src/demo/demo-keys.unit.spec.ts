import { ApiKeyVerifier, apiKeysField } from '@readmit/platform/auth';
import { DEMO_GATEWAY, demoKeyEnv, demoKeys } from './demo-keys';

describe('demo keys', () => {
  it("makes an operator key and the gateway's registry key; the services get their entries only", async () => {
    const keys = await demoKeys();
    const verifier = new ApiKeyVerifier(apiKeysField.parse(keys.entries));
    expect(await verifier.verify(keys.apiKey)).toMatchObject({
      id: 'demo-operator',
      roles: ['admin'],
    });
    expect(await verifier.verify(keys.gatewayKey)).toMatchObject({
      id: DEMO_GATEWAY,
      roles: ['read', 'operate'],
    });
    expect(demoKeyEnv(keys, 'gateway')).toEqual({
      READMIT_API_KEYS: keys.entries,
      READMIT_REGISTRY_API_KEY: keys.gatewayKey,
    });
    expect(demoKeyEnv(keys, 'registry')).toEqual({
      READMIT_API_KEYS: keys.entries,
      READMIT_AUTH_DELEGATES: DEMO_GATEWAY,
    });
    expect(demoKeyEnv(keys, 'ingest')).toEqual({ READMIT_API_KEYS: keys.entries });
    expect(demoKeyEnv(keys, 'trainer')).toEqual({ READMIT_API_KEYS: keys.entries });
    expect(demoKeyEnv(keys, 'scoring')).toEqual({});
    expect(keys.entries).not.toContain(keys.apiKey);
  });

  it('takes the operator key from READMIT_DEMO_API_KEY, refusing one that is not an rk_ key', async () => {
    const given = (await demoKeys()).apiKey;
    expect((await demoKeys(given)).apiKey).toBe(given);
    await expect(demoKeys('demo-plain-key-0123456789')).rejects.toThrow(
      'READMIT_DEMO_API_KEY: not a Readmit API key',
    );
  });
});
