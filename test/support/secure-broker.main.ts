/**
 * Starts the secured Kafka broker of the `integration-secure` project and writes what clients
 * need to reach it (brokers, CA, SCRAM users) to the file named on the command line. Run with tsx
 * by test/jest/secure-kafka-setup.ts: Jest's global setup cannot resolve the @readmit/ paths.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { startDisposableKafka } from './disposable-kafka';
import { secureTestUsers } from './secure-kafka';

async function main(file: string): Promise<void> {
  const users = secureTestUsers(() => randomBytes(16).toString('hex'));
  const broker = await startDisposableKafka({ secureUsers: users });
  const { brokers, caFile, home, pidFile } = broker;
  writeFileSync(file, JSON.stringify({ brokers, caFile, users, home, pidFile }), { mode: 0o600 });
}

const file = process.argv[2];
if (!file) throw new Error('usage: secure-broker.main.ts <file to write the connection to>');
main(file).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
