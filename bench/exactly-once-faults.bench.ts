// Kafka's transactions system test at a larger size than the CI test
// (test/faults/exactly-once-three-nodes.int.spec.ts): three nodes, RF 3, min ISR 2; each broker
// hard-killed and restarted, the process killed three times, each broker cleanly restarted,
// `--rounds` times over, for stream scoring and for a backfill. Prints the counts.
//   npx tsx bench/exactly-once-faults.bench.ts [--rounds 2] [--burst 4000] [--backfill 20000]
// Needs the local platform's schema registry (`./readmit infra up`).
import { parseArgs } from 'node:util';
import { startDisposableKafkaCluster } from '../test/support/disposable-kafka';
import {
  backfillUnderFaults,
  kafkaTestFaults,
  streamScoringUnderFaults,
  type ExactlyOnceReport,
} from '../test/support/exactly-once-under-faults';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    burst: { type: 'string', default: '4000' },
    backfill: { type: 'string', default: '20000' },
  },
});
const ROUNDS = Number(values.rounds);
const BURST = Number(values.burst);
const BACKFILL = Number(values.backfill);

const line = (what: string, report: ExactlyOnceReport) =>
  console.log(
    `${what}: ${report.encounters} encounters, ${report.faults.length} faults, ${report.duplicates} duplicates, ${report.missing} missing, ${report.aborted} aborted records (${report.abortedSeenDuringFaults} of them read during the faults), ${report.seconds} s`,
  );

async function main() {
  console.log(
    `npx tsx bench/exactly-once-faults.bench.ts --rounds ${ROUNDS} --burst ${BURST} --backfill ${BACKFILL}`,
  );
  const faults = Array.from({ length: ROUNDS }, () => kafkaTestFaults(3)).flat();
  const cluster = await startDisposableKafkaCluster(3);
  try {
    line(
      'stream scoring',
      await streamScoringUnderFaults(cluster, { burst: BURST, batch: 50, faults }),
    );
    line(
      'backfill',
      await backfillUnderFaults(cluster, {
        encounters: BACKFILL,
        // Slow enough that the faults land while it runs: about 15 s of work between two.
        maxRatePerSecond: Math.max(20, Math.round(BACKFILL / (faults.length + 2) / 15)),
        chunk: 100,
        faults,
      }),
    );
  } finally {
    await cluster.destroy();
  }
  process.exit(0);
}

void main();
