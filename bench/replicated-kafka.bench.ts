// What a replicated cluster costs: stream scoring and a backfill on one Kafka node against a
// cluster of three with replication factor 3 and min ISR 2 (acks=all waits for two copies),
// both started here from the local platform's jars, in one run, as a ratio.
//   npx tsx bench/replicated-kafka.bench.ts [--encounters 30000] [--batch 500] [--chunk 2000]
// Needs the local platform's schema registry (`./readmit infra up`).
import { startDisposableKafkaCluster } from '../test/support/disposable-kafka';
import { compareKafkaSetups, singlePlaintextBroker } from './support/scoring-and-backfill';

async function main() {
  await compareKafkaSetups(
    'bench/replicated-kafka.bench.ts',
    '3 nodes RF 3 / 1 node',
    singlePlaintextBroker('1 node, RF 1'),
    {
      name: '3 nodes, RF 3, min ISR 2',
      start: async () => {
        const cluster = await startDisposableKafkaCluster(3);
        return {
          cluster: { brokers: cluster.brokers, kafka: cluster.client('bench-cluster') },
          destroy: () => cluster.destroy(),
        };
      },
    },
  );
  process.exit(0);
}

void main();
