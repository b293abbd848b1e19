import { z } from 'zod';
import { booleanField, httpUrlField } from './config-fields';

/**
 * How a service reaches a secured Kafka (docs/configuration.md, Kafka security): TLS (the
 * system's CAs, or a CA bundle; a client certificate for mutual TLS) and SASL (PLAIN, SCRAM, or
 * OAUTHBEARER with an OAuth 2.0 client-credentials token). Managed Kafka needs both: Amazon MSK
 * (SCRAM, or IAM through OAUTHBEARER), Confluent Cloud (PLAIN with an API key), Aiven and Strimzi
 * (SCRAM or mTLS).
 */
export const kafkaSecurityEnvShape = {
  READMIT_KAFKA_TLS: booleanField.default(false),
  READMIT_KAFKA_TLS_CA_FILE: z.string().min(1).optional(),
  READMIT_KAFKA_TLS_CERT_FILE: z.string().min(1).optional(),
  READMIT_KAFKA_TLS_KEY_FILE: z.string().min(1).optional(),
  READMIT_KAFKA_SASL_MECHANISM: z
    .enum(['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'], {
      message: 'must be plain, scram-sha-256, scram-sha-512 or oauthbearer',
    })
    .optional(),
  READMIT_KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  READMIT_KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  READMIT_KAFKA_SASL_OAUTH_TOKEN_URL: httpUrlField.optional(),
  READMIT_KAFKA_SASL_OAUTH_CLIENT_ID: z.string().min(1).optional(),
  READMIT_KAFKA_SASL_OAUTH_CLIENT_SECRET: z.string().min(1).optional(),
  READMIT_KAFKA_SASL_OAUTH_SCOPE: z.string().min(1).optional(),
};

type KafkaSecurityEnv = z.output<z.ZodObject<typeof kafkaSecurityEnvShape>>;

/** TLS to the brokers: files are read when the client is made (PEM). */
export interface KafkaTlsSettings {
  readonly caFile?: string;
  /** With keyFile: a client certificate, for mutual TLS. */
  readonly certFile?: string;
  readonly keyFile?: string;
}

export type KafkaSaslSettings =
  | {
      readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
      readonly username: string;
      readonly password: string;
    }
  | {
      readonly mechanism: 'oauthbearer';
      readonly tokenUrl: string;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly scope?: string;
    };

/** Plain JSON (it crosses into worker threads): what the Kafka client factory builds on. */
export interface KafkaSecurity {
  readonly tls: KafkaTlsSettings | null;
  readonly sasl: KafkaSaslSettings | null;
}

export const PLAINTEXT: KafkaSecurity = { tls: null, sasl: null };

/** The security settings of the variables, or every problem with them (by variable). */
export function toKafkaSecurity(
  env: KafkaSecurityEnv,
): { readonly security: KafkaSecurity } | { readonly problems: string[] } {
  const problems: string[] = [];
  const tlsFiles = [
    env.READMIT_KAFKA_TLS_CA_FILE,
    env.READMIT_KAFKA_TLS_CERT_FILE,
    env.READMIT_KAFKA_TLS_KEY_FILE,
  ];
  if (!env.READMIT_KAFKA_TLS && tlsFiles.some((file) => file !== undefined))
    problems.push(
      'READMIT_KAFKA_TLS: set it to true to use READMIT_KAFKA_TLS_CA_FILE, _CERT_FILE or _KEY_FILE',
    );
  if (
    (env.READMIT_KAFKA_TLS_CERT_FILE === undefined) !==
    (env.READMIT_KAFKA_TLS_KEY_FILE === undefined)
  )
    problems.push(
      'READMIT_KAFKA_TLS_CERT_FILE and READMIT_KAFKA_TLS_KEY_FILE: a client certificate needs both',
    );
  const sasl = saslOf(env, problems);
  if (sasl?.mechanism === 'plain' && !env.READMIT_KAFKA_TLS)
    problems.push(
      'READMIT_KAFKA_SASL_MECHANISM: plain sends the password in the clear; set READMIT_KAFKA_TLS=true',
    );
  if (problems.length > 0) return { problems };
  const tls: KafkaTlsSettings | null = env.READMIT_KAFKA_TLS
    ? {
        ...(env.READMIT_KAFKA_TLS_CA_FILE ? { caFile: env.READMIT_KAFKA_TLS_CA_FILE } : {}),
        ...(env.READMIT_KAFKA_TLS_CERT_FILE
          ? { certFile: env.READMIT_KAFKA_TLS_CERT_FILE, keyFile: env.READMIT_KAFKA_TLS_KEY_FILE }
          : {}),
      }
    : null;
  return { security: { tls, sasl } };
}

function saslOf(env: KafkaSecurityEnv, problems: string[]): KafkaSaslSettings | null {
  const mechanism = env.READMIT_KAFKA_SASL_MECHANISM;
  const missing = (names: Array<keyof KafkaSecurityEnv>) => {
    const absent = names.filter((name) => env[name] === undefined);
    for (const name of absent)
      problems.push(`${name}: required with READMIT_KAFKA_SASL_MECHANISM=${mechanism}`);
    return absent.length > 0;
  };
  switch (mechanism) {
    case undefined:
      for (const name of [
        'READMIT_KAFKA_SASL_USERNAME',
        'READMIT_KAFKA_SASL_PASSWORD',
        'READMIT_KAFKA_SASL_OAUTH_TOKEN_URL',
      ] as const)
        if (env[name] !== undefined)
          problems.push(`${name}: set READMIT_KAFKA_SASL_MECHANISM to use it`);
      return null;
    case 'oauthbearer':
      if (
        missing([
          'READMIT_KAFKA_SASL_OAUTH_TOKEN_URL',
          'READMIT_KAFKA_SASL_OAUTH_CLIENT_ID',
          'READMIT_KAFKA_SASL_OAUTH_CLIENT_SECRET',
        ])
      )
        return null;
      return {
        mechanism,
        tokenUrl: env.READMIT_KAFKA_SASL_OAUTH_TOKEN_URL as string,
        clientId: env.READMIT_KAFKA_SASL_OAUTH_CLIENT_ID as string,
        clientSecret: env.READMIT_KAFKA_SASL_OAUTH_CLIENT_SECRET as string,
        ...(env.READMIT_KAFKA_SASL_OAUTH_SCOPE
          ? { scope: env.READMIT_KAFKA_SASL_OAUTH_SCOPE }
          : {}),
      };
    default:
      if (missing(['READMIT_KAFKA_SASL_USERNAME', 'READMIT_KAFKA_SASL_PASSWORD'])) return null;
      return {
        mechanism,
        username: env.READMIT_KAFKA_SASL_USERNAME as string,
        password: env.READMIT_KAFKA_SASL_PASSWORD as string,
      };
  }
}
