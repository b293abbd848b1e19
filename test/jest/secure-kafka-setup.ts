import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import integrationSetup from './integration-setup';

const ROOT = resolve(__dirname, '..', '..');

/**
 * `integration-secure`: the local platform, plus a Kafka broker of the slice's own that takes
 * only TLS + SCRAM-SHA-512 and authorizes by ACL. Its workers inherit the variables set here:
 * READMIT_KAFKA_BROKERS points at it, READMIT_TEST_SECURE_KAFKA_FILE at its users (see
 * test/support/secure-kafka.ts); services started by the tests run as their own principals.
 */
export default async function secureKafkaSetup(): Promise<void> {
  await integrationSetup();
  const file = join(mkdtempSync(join(tmpdir(), 'readmit-secure-')), 'kafka.json');
  const started = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'tsx'),
    [join(ROOT, 'test', 'support', 'secure-broker.main.ts'), file],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 240_000 },
  );
  if (started.status !== 0)
    throw new Error(`the secured test broker did not start (exit ${started.status})`);
  const { brokers } = JSON.parse(readFileSync(file, 'utf8')) as { brokers: string[] };
  process.env.READMIT_KAFKA_BROKERS = brokers.join(',');
  process.env.READMIT_TEST_SECURE_KAFKA_FILE = file;
}
