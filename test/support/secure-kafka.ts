import { readFileSync } from 'node:fs';
import { SERVICE_NAMES, type ServiceName } from '@readmit/contracts';
import type { KafkaSecurity } from '@readmit/platform/config';

/**
 * The secured Kafka the `integration-secure` project runs on (test/jest/secure-kafka-setup.ts):
 * TLS with a local CA, SCRAM-SHA-512 users (`admin`, a super user, and one per service) and the
 * StandardAuthorizer. Unset on the plaintext platform, where everything below is a no-op.
 */
export interface SecureTestKafka {
  readonly brokers: string[];
  readonly caFile: string;
  /** Passwords by SCRAM user: `admin` and every service. */
  readonly users: Readonly<Record<string, string>>;
}

/** Names the JSON file the secure setup wrote; its presence switches the helpers to it. */
export const SECURE_KAFKA_FILE_VARIABLE = 'READMIT_TEST_SECURE_KAFKA_FILE';

export function secureTestKafka(env: NodeJS.ProcessEnv = process.env): SecureTestKafka | undefined {
  const file = env[SECURE_KAFKA_FILE_VARIABLE];
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as SecureTestKafka) : undefined;
}

/** The SCRAM users a secured test broker is made with: the admin and each service's principal. */
export function secureTestUsers(password: () => string): Record<string, string> {
  return Object.fromEntries(['admin', ...SERVICE_NAMES].map((user) => [user, password()]));
}

/** The client settings of `user` on the secured test broker; undefined on plaintext. */
export function testKafkaSecurity(user = 'admin'): KafkaSecurity | undefined {
  const secure = secureTestKafka();
  if (!secure) return undefined;
  const password = secure.users[user];
  if (password === undefined) throw new Error(`the secured test broker has no user ${user}`);
  return {
    tls: { caFile: secure.caFile },
    sasl: { mechanism: 'scram-sha-512', username: user, password },
  };
}

/**
 * The variables a service started in a test authenticates with: its own principal (`name`, when
 * it is one of the services, else the admin), as READMIT_KAFKA_TLS_… and READMIT_KAFKA_SASL_….
 */
export function secureServiceEnv(name: string): Record<string, string> {
  const secure = secureTestKafka();
  if (!secure) return {};
  const user = (SERVICE_NAMES as readonly string[]).includes(name)
    ? (name as ServiceName)
    : 'admin';
  return {
    READMIT_KAFKA_TLS: 'true',
    READMIT_KAFKA_TLS_CA_FILE: secure.caFile,
    READMIT_KAFKA_SASL_MECHANISM: 'scram-sha-512',
    READMIT_KAFKA_SASL_USERNAME: user,
    READMIT_KAFKA_SASL_PASSWORD: secure.users[user],
  };
}
