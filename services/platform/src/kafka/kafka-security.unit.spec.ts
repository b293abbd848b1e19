import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clientCredentialsTokens,
  kafkaConnectionSecurity,
  KafkaSecurityError,
} from './kafka-security';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('kafkaConnectionSecurity', () => {
  const folder = mkdtempSync(join(tmpdir(), 'readmit-tls-'));
  const file = (name: string, text: string) => {
    const path = join(folder, name);
    writeFileSync(path, text);
    return path;
  };

  it('is nothing for plaintext, and `ssl: true` (system CAs) for TLS without files', () => {
    expect(kafkaConnectionSecurity({ tls: null, sasl: null })).toEqual({});
    expect(kafkaConnectionSecurity({ tls: {}, sasl: null })).toEqual({ ssl: true });
  });

  it('reads the CA bundle and the client certificate, and passes SCRAM through', () => {
    const security = kafkaConnectionSecurity({
      tls: {
        caFile: file('ca.pem', PEM),
        certFile: file('c.pem', PEM),
        keyFile: file('k.pem', PEM),
      },
      sasl: { mechanism: 'scram-sha-512', username: 'scoring', password: 'pw' },
    });
    expect(security).toEqual({
      ssl: { ca: [PEM], cert: PEM, key: PEM },
      sasl: { mechanism: 'scram-sha-512', username: 'scoring', password: 'pw' },
    });
  });

  it('fails at once, naming the variable, on a file it cannot read or that is not PEM', () => {
    expect(() =>
      kafkaConnectionSecurity({ tls: { caFile: join(folder, 'missing.pem') }, sasl: null }),
    ).toThrow(
      new KafkaSecurityError(
        `READMIT_KAFKA_TLS_CA_FILE: cannot read ${join(folder, 'missing.pem')} (ENOENT)`,
      ),
    );
    expect(() =>
      kafkaConnectionSecurity({ tls: { caFile: file('der.pem', 'binary') }, sasl: null }),
    ).toThrow(/READMIT_KAFKA_TLS_CA_FILE: .* is not PEM/);
  });
});

describe('clientCredentialsTokens (OAUTHBEARER)', () => {
  const settings = {
    mechanism: 'oauthbearer' as const,
    tokenUrl: 'https://idp.example/token',
    clientId: 'readmit scoring',
    clientSecret: 's3cret',
    scope: 'kafka',
  };
  const answer = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('asks with client credentials, keeps the token until a minute before it expires, and shares one request', async () => {
    let clock = 0;
    const requests: RequestInit[] = [];
    const fetchToken = (async (_url: string, init: RequestInit) => {
      requests.push(init);
      return answer(200, { access_token: `token-${requests.length}`, expires_in: 600 });
    }) as unknown as typeof fetch;
    const tokens = clientCredentialsTokens(settings, fetchToken, () => clock);
    const [a, b] = await Promise.all([tokens(), tokens()]);
    expect([a, b]).toEqual([{ value: 'token-1' }, { value: 'token-1' }]);
    expect(requests).toHaveLength(1);
    const headers = requests[0].headers as Record<string, string>;
    expect(headers.authorization).toBe(
      `Basic ${Buffer.from('readmit%20scoring:s3cret').toString('base64')}`,
    );
    expect(String(requests[0].body)).toBe('grant_type=client_credentials&scope=kafka');
    clock = 539_000;
    expect(await tokens()).toEqual({ value: 'token-1' });
    clock = 541_000; // within a minute of expiry
    expect(await tokens()).toEqual({ value: 'token-2' });
  });

  it('fails with the token endpoint named, never the secret', async () => {
    const refused = clientCredentialsTokens(settings, (async () =>
      answer(401, { error: 'invalid_client' })) as unknown as typeof fetch);
    await expect(refused()).rejects.toThrow(
      'READMIT_KAFKA_SASL_OAUTH_TOKEN_URL: the token endpoint answered 401',
    );
    const empty = clientCredentialsTokens(settings, (async () =>
      answer(200, {})) as unknown as typeof fetch);
    await expect(empty()).rejects.toThrow('the answer has no access_token');
    const away = clientCredentialsTokens(settings, (async () => {
      throw new Error('ECONNREFUSED');
    }) as unknown as typeof fetch);
    await expect(away()).rejects.toThrow(
      'READMIT_KAFKA_SASL_OAUTH_TOKEN_URL: no answer (ECONNREFUSED)',
    );
  });
});
