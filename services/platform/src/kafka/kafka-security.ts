import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { OauthbearerProviderResponse, SASLOptions } from 'kafkajs';
import type {
  KafkaSaslSettings,
  KafkaSecurity,
  KafkaTlsSettings,
} from '../config/kafka-security-config';

/** A security setting that cannot be used (a file that cannot be read, a token refused). */
export class KafkaSecurityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KafkaSecurityError';
  }
}

/** kafkajs's `ssl` and `sasl` for the settings; files are read now, so a bad path fails at start. */
export function kafkaConnectionSecurity(
  security: KafkaSecurity,
  fetchToken: typeof fetch = fetch,
): { ssl?: ConnectionOptions | boolean; sasl?: SASLOptions } {
  return {
    ...(security.tls ? { ssl: tlsOptions(security.tls) } : {}),
    ...(security.sasl ? { sasl: saslOptions(security.sasl, fetchToken) } : {}),
  };
}

function tlsOptions(tls: KafkaTlsSettings): ConnectionOptions | boolean {
  if (!tls.caFile && !tls.certFile) return true; // the system's CAs, no client certificate
  return {
    ...(tls.caFile ? { ca: [pem('READMIT_KAFKA_TLS_CA_FILE', tls.caFile)] } : {}),
    ...(tls.certFile && tls.keyFile
      ? {
          cert: pem('READMIT_KAFKA_TLS_CERT_FILE', tls.certFile),
          key: pem('READMIT_KAFKA_TLS_KEY_FILE', tls.keyFile),
        }
      : {}),
  };
}

function pem(variable: string, file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new KafkaSecurityError(
      `${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  if (!text.includes('-----BEGIN '))
    throw new KafkaSecurityError(`${variable}: ${file} is not PEM (no -----BEGIN line)`);
  return text;
}

function saslOptions(sasl: KafkaSaslSettings, fetchToken: typeof fetch): SASLOptions {
  switch (sasl.mechanism) {
    case 'plain':
    case 'scram-sha-256':
    case 'scram-sha-512':
      return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password };
    case 'oauthbearer':
      return {
        mechanism: 'oauthbearer',
        oauthBearerProvider: clientCredentialsTokens(sasl, fetchToken),
      };
  }
}

/** Renew this long before the token expires: a connection made just before must still pass. */
const RENEW_BEFORE_MS = 60_000;

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4) for OAUTHBEARER: one token, kept until a minute
 * before it expires, shared by every connection of the client; concurrent connections wait for
 * the same request.
 */
export function clientCredentialsTokens(
  settings: Extract<KafkaSaslSettings, { mechanism: 'oauthbearer' }>,
  fetchToken: typeof fetch = fetch,
  now: () => number = Date.now,
): () => Promise<OauthbearerProviderResponse> {
  let current: { value: string; renewAt: number } | null = null;
  let pending: Promise<{ value: string; renewAt: number }> | null = null;
  const request = async () => {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (settings.scope) body.set('scope', settings.scope);
    const basic = Buffer.from(
      `${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`,
    ).toString('base64');
    const response = await fetchToken(settings.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body,
    }).catch((error: Error) => {
      throw new KafkaSecurityError(
        `READMIT_KAFKA_SASL_OAUTH_TOKEN_URL: no answer (${error.message})`,
      );
    });
    if (!response.ok)
      throw new KafkaSecurityError(
        `READMIT_KAFKA_SASL_OAUTH_TOKEN_URL: the token endpoint answered ${response.status}`,
      );
    const token = (await response.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
    };
    if (typeof token.access_token !== 'string' || token.access_token === '')
      throw new KafkaSecurityError(
        'READMIT_KAFKA_SASL_OAUTH_TOKEN_URL: the answer has no access_token',
      );
    const lifetimeMs = typeof token.expires_in === 'number' ? token.expires_in * 1000 : 300_000;
    return {
      value: token.access_token,
      renewAt: now() + Math.max(lifetimeMs - RENEW_BEFORE_MS, lifetimeMs / 2),
    };
  };
  return async () => {
    if (current && now() < current.renewAt) return { value: current.value };
    pending ??= request().finally(() => {
      pending = null;
    });
    current = await pending;
    return { value: current.value };
  };
}
