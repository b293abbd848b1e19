// What TLS and SASL/SCRAM-SHA-512 cost: stream scoring and a backfill against a plaintext broker
// and against a broker that takes only TLS + SCRAM clients (with ACLs on; the bench connects
// as its super user), both started here from the local platform's jars, in one run, as a ratio.
//   npx tsx bench/kafka-security.bench.ts [--encounters 30000] [--batch 500] [--chunk 2000]
// Needs the local platform's schema registry (`./readmit infra up`).
import { randomBytes } from 'node:crypto';
import type { KafkaSecurity } from '@readmit/platform/config';
import { startDisposableKafka } from '../test/support/disposable-kafka';
import { compareKafkaSetups, singlePlaintextBroker } from './support/scoring-and-backfill';

async function main() {
  await compareKafkaSetups(
    'bench/kafka-security.bench.ts',
    'TLS + SCRAM / plaintext',
    singlePlaintextBroker('plaintext'),
    {
      name: 'TLS + SCRAM-SHA-512',
      start: async () => {
        const password = randomBytes(18).toString('base64url');
        const secured = await startDisposableKafka({ secureUsers: { admin: password } });
        const caFile = secured.caFile as string;
        const security: KafkaSecurity = {
          tls: { caFile },
          sasl: { mechanism: 'scram-sha-512', username: 'admin', password },
        };
        return {
          cluster: {
            brokers: secured.brokers,
            kafka: secured.client('bench-secure', security),
            fixtureEnv: {
              READMIT_KAFKA_TLS: 'true',
              READMIT_KAFKA_TLS_CA_FILE: caFile,
              READMIT_KAFKA_SASL_MECHANISM: 'scram-sha-512',
              READMIT_KAFKA_SASL_USERNAME: 'admin',
              READMIT_KAFKA_SASL_PASSWORD: password,
            },
          },
          destroy: () => secured.destroy(),
        };
      },
    },
  );
  process.exit(0);
}

void main();
