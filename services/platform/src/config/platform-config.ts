import { z } from 'zod';
import { authEnvShape, toAuthConfig, type AuthConfig } from '../auth/auth-config';
import { kekEnvShape, type KekEnv } from '../privacy/keys/kek-config';
import { ConfigError } from './config-error';
import {
  kafkaSecurityEnvShape,
  toKafkaSecurity,
  type KafkaSecurity,
} from './kafka-security-config';
import { toSchemaRegistryAuth, type SchemaRegistryAuth } from './schema-registry-auth';
import {
  booleanField,
  httpUrlField,
  kafkaBrokersField,
  logLevelField,
  listenPortField,
  postgresUrlField,
} from './config-fields';

/**
 * The environment variables every Readmit service reads. Services extend this schema with their own.
 * Defaults match `readmit infra up` on one machine, so a service starts locally with no variables set.
 */
export const platformEnvSchema = z.object({
  READMIT_HTTP_PORT: listenPortField.default(3000),
  READMIT_LOG_LEVEL: logLevelField.default('info'),
  READMIT_KAFKA_BROKERS: kafkaBrokersField.default(['localhost:9092']),
  READMIT_KAFKA_CLIENT_ID: z.string().min(1).optional(),
  /** TLS and SASL to the brokers (docs/configuration.md, Kafka security); unset: plaintext. */
  ...kafkaSecurityEnvShape,
  READMIT_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'may hold only letters, digits, ".", "_" and "-"')
    .default(''),
  READMIT_SCHEMA_REGISTRY_URL: httpUrlField.default('http://localhost:8081/apis/ccompat/v7'),
  /** HTTP basic credentials for the registry (Confluent Cloud: its API key and secret). */
  READMIT_SCHEMA_REGISTRY_USERNAME: z.string().min(1).optional(),
  READMIT_SCHEMA_REGISTRY_PASSWORD: z.string().min(1).optional(),
  READMIT_DATABASE_URL: postgresUrlField.default('postgres://readmit@localhost:5432/readmit'),
  /** The Postgres schema that holds the service's projections (one per environment, if shared). */
  READMIT_DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier')
    .default('public'),
  READMIT_OBJECT_STORE: z.enum(['filesystem', 's3']).default('filesystem'),
  READMIT_OBJECT_STORE_ROOT: z.string().min(1).default('.readmit/artifacts'),
  READMIT_S3_ENDPOINT: httpUrlField.optional(),
  READMIT_S3_BUCKET: z.string().min(3).default('readmit-artifacts'),
  READMIT_S3_REGION: z.string().min(1).default('us-east-1'),
  READMIT_S3_FORCE_PATH_STYLE: booleanField.default(true),
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** API keys, OIDC and delegates: see docs/security.md. */
  ...authEnvShape,
  /** The key-encryption key that seals patient events (docs/security.md); unset: not sealed. */
  ...kekEnvShape,
});

export type PlatformEnv = z.output<typeof platformEnvSchema>;

/** The typed, validated view of the platform variables that the rest of the code uses. */
export interface PlatformConfig {
  readonly service: string;
  readonly httpPort: number;
  readonly logLevel: PlatformEnv['READMIT_LOG_LEVEL'];
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly topicPrefix: string;
    readonly security: KafkaSecurity;
  };
  readonly schemaRegistryUrl: string;
  /** Basic credentials for the registry; none when it needs none. */
  readonly schemaRegistryAuth?: SchemaRegistryAuth;
  readonly databaseUrl: string;
  readonly databaseSchema: string;
  /** READMIT_KEK and the KMS settings: patient events are sealed when it names a KEK. */
  readonly kek: KekEnv;
  readonly objectStore: ObjectStoreConfig;
  /** Who may call the service's routes (the platform's guard). */
  readonly auth: AuthConfig;
}

export type ObjectStoreConfig =
  | { readonly kind: 'filesystem'; readonly root: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly region: string;
      readonly endpoint?: string;
      readonly forcePathStyle: boolean;
      readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
    };

export function toPlatformConfig(service: string, env: PlatformEnv): PlatformConfig {
  const auth = toAuthConfig(env);
  const kafkaSecurity = toKafkaSecurity(env);
  const registryAuth = toSchemaRegistryAuth(env);
  const problems = [
    ...('problems' in auth ? auth.problems : []),
    ...('problems' in kafkaSecurity ? kafkaSecurity.problems : []),
    ...registryAuth.problems,
  ];
  if (problems.length > 0 || 'problems' in auth || 'problems' in kafkaSecurity)
    throw new ConfigError(service, problems);
  return {
    auth: auth.config,
    service,
    httpPort: env.READMIT_HTTP_PORT,
    logLevel: env.READMIT_LOG_LEVEL,
    kafka: {
      brokers: env.READMIT_KAFKA_BROKERS,
      clientId: env.READMIT_KAFKA_CLIENT_ID ?? `readmit-${service}`,
      topicPrefix: env.READMIT_TOPIC_PREFIX,
      security: kafkaSecurity.security,
    },
    schemaRegistryUrl: env.READMIT_SCHEMA_REGISTRY_URL,
    ...(registryAuth.auth ? { schemaRegistryAuth: registryAuth.auth } : {}),
    databaseUrl: env.READMIT_DATABASE_URL,
    databaseSchema: env.READMIT_DATABASE_SCHEMA,
    kek: {
      READMIT_KEK: env.READMIT_KEK,
      READMIT_KMS_REGION: env.READMIT_KMS_REGION,
      READMIT_KMS_ENDPOINT: env.READMIT_KMS_ENDPOINT,
    },
    objectStore:
      env.READMIT_OBJECT_STORE === 'filesystem'
        ? { kind: 'filesystem', root: env.READMIT_OBJECT_STORE_ROOT }
        : {
            kind: 's3',
            bucket: env.READMIT_S3_BUCKET,
            region: env.READMIT_S3_REGION,
            endpoint: env.READMIT_S3_ENDPOINT,
            forcePathStyle: env.READMIT_S3_FORCE_PATH_STYLE,
            credentials:
              env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
                ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }
                : undefined,
          },
  };
}
